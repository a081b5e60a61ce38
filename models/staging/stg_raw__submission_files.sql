{#- Files received, without the contact person's name and phone (personal data stays raw), with
    their latest delivery: a file withdrawn (`leap withdraw`, or removed from the inbox) is not
    current; delivered again, it is current from then on. Files without events (loaded before
    the events were kept, or from a dataset folder) count as delivered when received. -#}
with

submission_files as (
    select * from {{ source('raw', 'submission_files') }}
),

file_events as (
    select * from {{ source('raw', 'file_events') }}
),

latest_events as (
    select data_year, file_sha256, event, reason, event_at
    from file_events
    qualify row_number() over (
        partition by data_year, file_sha256 order by event_at desc, event desc
    ) = 1
),

latest_deliveries as (
    select data_year, file_sha256, max(event_at) as delivered_at
    from file_events
    where event = 'delivered'
    group by all
),

final as (
    select
        cast(submission_files.data_year as integer) as data_year,
        submission_files.file_name,
        submission_files.file_sha256,
        submission_files.size_bytes,
        submission_files.layout,
        submission_files.status,
        {{ scrub_contacts('submission_files.reason') }} as reason,
        submission_files.received_at,
        cast(submission_files.unit_code as varchar) as unit_code,
        submission_files.value_count,
        coalesce(latest_deliveries.delivered_at, submission_files.received_at) as delivered_at,
        coalesce(latest_events.event = 'withdrawn', false) as is_withdrawn,
        case when latest_events.event = 'withdrawn' then latest_events.reason end
            as withdrawn_reason
    from submission_files
    left join latest_events
        on latest_events.data_year = submission_files.data_year
        and latest_events.file_sha256 = submission_files.file_sha256
    left join latest_deliveries
        on latest_deliveries.data_year = submission_files.data_year
        and latest_deliveries.file_sha256 = submission_files.file_sha256
)

select * from final
