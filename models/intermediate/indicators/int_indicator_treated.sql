{{ config(materialized='view') }}
{#- Each indicator value after imputation, transform and outlier treatment: the value that is
    normalised. A view over every year (its readers filter the years they build, and the filter
    reaches the tables below): one table fewer to write per year. -#}
with

imputed as (
    select * from {{ ref('int_indicator_imputed') }}
),

outlier_treatment as (
    select * from {{ ref('int_outlier_treatment') }}
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
