{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each indicator computed from the base variables: multiplier * numerator / denominator. -#}
with

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicators as (
    select * from {{ ref('indicators') }}
),

base_values as (
    select * from {{ ref('int_base_values') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

final as (
    select
        units_by_year.evaluation_year,
        units_by_year.data_year,
        units_by_year.methodology_version,
        units_by_year.unit_code,
        indicators.indicator_code,
        numerator.value as numerator_value,
        denominator.value as denominator_value,
        case
            when indicators.denominator_variable is null
                then indicators.multiplier * numerator.value
            when denominator.value is null or denominator.value = 0
                then null
            else indicators.multiplier * numerator.value / denominator.value
        end as indicator_value,
        numerator.file_name as numerator_file_name,
        numerator.row_number as numerator_row_number,
        denominator.file_name as denominator_file_name,
        denominator.row_number as denominator_row_number
    from units_by_year
    cross join indicators
    left join base_values as numerator
        on units_by_year.evaluation_year = numerator.evaluation_year
        and units_by_year.unit_code = numerator.unit_code
        and indicators.numerator_variable = numerator.variable_code
    left join base_values as denominator
        on units_by_year.evaluation_year = denominator.evaluation_year
        and units_by_year.unit_code = denominator.unit_code
        and indicators.denominator_variable = denominator.variable_code
)

select * from final
