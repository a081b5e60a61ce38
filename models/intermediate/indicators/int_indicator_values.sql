{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each indicator of the methodology in force computed from the base variables:
    multiplier * numerator / denominator. The base values are named by their key (data year,
    unit, numerator_variable / denominator_variable); their lineage is resolved in the mart. -#}
with

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicator_methods as (
    select * from {{ ref('int_indicator_methods') }}
),

base_values as (
    -- the constant data-year filter reaches the staging model's window (see data_year_filter)
    select * from {{ ref('int_base_values') }}
    where {{ data_year_filter('data_year') }}
        and {{ evaluation_year_filter('evaluation_year') }}
),

final as (
    select
        units_by_year.evaluation_year,
        units_by_year.data_year,
        units_by_year.methodology_version,
        units_by_year.unit_code,
        indicator_methods.indicator_code,
        numerator.value as numerator_value,
        denominator.value as denominator_value,
        case
            when indicator_methods.denominator_variable is null
                then indicator_methods.multiplier * numerator.value
            when denominator.value is null or denominator.value = 0
                then null
            else indicator_methods.multiplier * numerator.value / denominator.value
        end as indicator_value,
        case
            when numerator.value is null then 'numerator_missing'
            when indicator_methods.denominator_variable is null then null
            when denominator.value is null then 'denominator_missing'
            when denominator.value = 0 then 'denominator_zero'
        end as missing_reason,
        indicator_methods.numerator_variable,
        indicator_methods.denominator_variable
    from units_by_year
    inner join indicator_methods
        on units_by_year.methodology_version = indicator_methods.methodology_version
    left join base_values as numerator
        on units_by_year.evaluation_year = numerator.evaluation_year
        and units_by_year.unit_code = numerator.unit_code
        and indicator_methods.numerator_variable = numerator.variable_code
    left join base_values as denominator
        on units_by_year.evaluation_year = denominator.evaluation_year
        and units_by_year.unit_code = denominator.unit_code
        and indicator_methods.denominator_variable = denominator.variable_code
)

select * from final
