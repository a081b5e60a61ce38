{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year: the methodology version that scored it, the data year it
    used and the methods in force (defaults filled in), so that an analyst sees which rules
    produced a year's numbers. -#}
with

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

methodology as (
    select * from {{ ref('stg_config__methodology') }}
),

final as (
    select
        evaluation_years.evaluation_year,
        evaluation_years.data_year,
        evaluation_years.methodology_version,
        methodology.description,
        evaluation_years.normalisation,
        evaluation_years.aggregation,
        evaluation_years.missing_values,
        evaluation_years.imputation,
        evaluation_years.outlier_treatment,
        evaluation_years.class_scheme,
        evaluation_years.rank_ties,
        evaluation_years.imputation_group,
        evaluation_years.carry_forward_years,
        evaluation_years.outlier_skewness,
        evaluation_years.outlier_kurtosis,
        evaluation_years.outlier_winsorise_max,
        methodology.data_year_lag,
        methodology.first_evaluation_year,
        methodology.last_evaluation_year
    from evaluation_years
    inner join methodology
        on evaluation_years.methodology_version = methodology.methodology_version
)

select * from final
