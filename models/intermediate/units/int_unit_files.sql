{#- The files each unit's values in force came from, per data year, as one text (file names in
    order): how the quality gate's frames of the marts name a county's files. -#}
with

submitted_values as (
    select * from {{ ref('stg_raw__submitted_values') }}
),

final as (
    select
        data_year,
        unit_code,
        string_agg(distinct file_name, '; ' order by file_name) as files
    from submitted_values
    group by all
)

select * from final
