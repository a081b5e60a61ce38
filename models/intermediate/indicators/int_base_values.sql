{{ config(materialized="view") }}
{#- The base variables in force for each unit and evaluation year, with their lineage: the
    text as found, and the file, sheet, row and column it was read from. -#}
with

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
),

submitted_values as (
    select * from {{ ref('stg_raw__submitted_values') }}
),

final as (
    select
        units_by_year.evaluation_year,
        submitted_values.data_year,
        units_by_year.unit_code,
        submitted_values.variable_code,
        submitted_values.value,
        submitted_values.is_missing,
        submitted_values.raw_text,
        submitted_values.file_name,
        submitted_values.sheet,
        submitted_values.row_number,
        submitted_values.column_name,
        submitted_values.file_sha256
    from units_by_year
    inner join submitted_values
        on units_by_year.data_year = submitted_values.data_year
        and units_by_year.unit_code = submitted_values.unit_code
)

select * from final
