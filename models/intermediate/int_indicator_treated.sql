{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each indicator value after imputation, transform and outlier treatment: the value that is
    normalised. -#}
with

imputed as (
    select * from {{ ref('int_indicator_imputed') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

outlier_treatment as (
    select * from {{ ref('int_outlier_treatment') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

final as (
    select
        imputed.*,
        coalesce(treatment.treatment_applied, 'none') as outlier_treatment_applied,
        {{ outlier_treated('imputed.transformed_value') }} as treated_value
    from imputed
    left join outlier_treatment as treatment
        on imputed.evaluation_year = treatment.evaluation_year
        and imputed.indicator_code = treatment.indicator_code
)

select * from final
