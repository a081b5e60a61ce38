{#- Files received, without the contact person's name and phone (personal data stays raw). -#}
with

submission_files as (
    select * from {{ source('raw', 'submission_files') }}
),

final as (
    select
        cast(data_year as integer) as data_year,
        file_name,
        file_sha256,
        size_bytes,
        layout,
        status,
        reason,
        received_at,
        cast(unit_code as varchar) as unit_code,
        value_count
    from submission_files
)

select * from final
