{#- The value in force for each unit, data year and variable: the latest submission supersedes
    earlier ones (all stay in the raw layer). -#}
with

submitted_values as (
    select * from {{ source('raw', 'submitted_values') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by data_year, unit_code, variable_code
            order by received_at desc, file_name desc, row_number desc
        ) as submission_recency
    from submitted_values
    where unit_code is not null
),

final as (
    select
        cast(data_year as integer) as data_year,
        cast(unit_code as varchar) as unit_code,
        variable_code,
        value,
        is_missing,
        raw_text,
        unit_found,
        conversion_factor,
        layout,
        file_name,
        file_sha256,
        sheet,
        row_number,
        column_name,
        received_at,
        remark,
        unit_stated_in,
        conversion
    from ranked
    where submission_recency = 1
)

select * from final
