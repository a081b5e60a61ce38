{{ config(materialized="view") }}
{#- The base variables in force for each unit and evaluation year. Their lineage (text found,
    file, sheet, row, column) stays in stg_raw__submitted_values under the value's key (data
    year, unit, variable): the mart county_indicator_points resolves it, the intermediate
    models do not carry it. -#}
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
        submitted_values.is_missing
    from units_by_year
    inner join submitted_values
        on units_by_year.data_year = submitted_values.data_year
        and units_by_year.unit_code = submitted_values.unit_code
)

select * from final
