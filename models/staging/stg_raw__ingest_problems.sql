with

ingest_problems as (
    select * from {{ source('raw', 'ingest_problems') }}
),

final as (
    select
        cast(data_year as integer) as data_year,
        file_name,
        sheet,
        row_number,
        column_name,
        cast(unit_code as varchar) as unit_code,
        variable_code,
        found_text,
        expected,
        severity,
        problem_code
    from ingest_problems
)

select * from final
