{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year and indicator of the methodology in force: its definition
    (formula, variables, direction, transform), the methods applied to it (the indicator's own
    override, else the version's), its goalposts and target and its maximum points. The
    parameters the methods took from the year's data are in indicator_methods_by_year. -#}
with

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicator_methods as (
    select * from {{ ref('int_indicator_methods') }}
),

indicators as (
    select * from {{ ref('stg_config__indicators') }}
),

final as (
    select
        evaluation_years.evaluation_year,
        indicator_methods.methodology_version,
        indicator_methods.indicator_code,
        indicator_methods.parent_code,
        indicators.name_zh,
        indicators.name_en,
        indicators.unit,
        indicators.formula,
        indicator_methods.direction,
        indicator_methods.numerator_variable,
        indicator_methods.denominator_variable,
        indicator_methods.multiplier,
        indicator_methods.transform,
        indicator_methods.normalisation,
        indicator_methods.imputation,
        indicator_methods.outlier_treatment,
        indicator_methods.lower_goalpost,
        indicator_methods.upper_goalpost,
        indicator_methods.target_value,
        indicator_methods.effective_points as max_points,
        indicators.is_published as published
    from evaluation_years
    inner join indicator_methods
        on evaluation_years.methodology_version = indicator_methods.methodology_version
    inner join indicators
        on indicator_methods.methodology_version = indicators.methodology_version
        and indicator_methods.indicator_code = indicators.indicator_code
)

select * from final
