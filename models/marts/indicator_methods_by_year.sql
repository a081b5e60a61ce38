{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year and indicator: the methods the methodology in force applied to
    it and the parameters they took from the data, so that every normalised value in
    county_indicator_points can be recomputed by hand: imputation (and how many values it
    filled), transform, outlier treatment (skewness and kurtosis before and after, how many
    values were winsorised and at which value, or the log transform's minimum and shift),
    normalisation and its scale (bounds, mean and standard deviation, target). -#}
with

scales as (
    select * from {{ ref('int_indicator_scales') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

outlier_treatment as (
    select * from {{ ref('int_outlier_treatment') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicator_points as (
    select * from {{ ref('int_indicator_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicator_methods as (
    select * from {{ ref('int_indicator_methods') }}
),

value_counts as (
    select
        evaluation_year,
        indicator_code,
        count(*) as units,
        count(indicator_value) as values_reported,
        count(*) filter (where is_imputed) as values_imputed,
        count(*) filter (where is_missing) as values_missing
    from indicator_points
    group by evaluation_year, indicator_code
),

final as (
    select
        scales.evaluation_year,
        scales.methodology_version,
        scales.indicator_code,
        indicator_methods.parent_code,
        indicator_methods.effective_points as max_points,
        indicator_methods.direction,
        indicator_methods.numerator_variable,
        indicator_methods.denominator_variable,
        indicator_methods.multiplier,
        value_counts.units,
        value_counts.values_reported,
        value_counts.values_imputed,
        value_counts.values_missing,
        indicator_methods.imputation,
        indicator_methods.imputation_group,
        indicator_methods.transform,
        indicator_methods.outlier_treatment,
        outlier_treatment.skewness_before,
        outlier_treatment.kurtosis_before,
        coalesce(outlier_treatment.treatment_applied, 'none') as outlier_treatment_applied,
        outlier_treatment.winsorised_count,
        outlier_treatment.winsor_cap,
        indicator_methods.outlier_winsorisation,
        outlier_treatment.winsorised_low_count,
        outlier_treatment.winsorised_high_count,
        outlier_treatment.winsor_lower_cap,
        outlier_treatment.winsor_upper_cap,
        indicator_methods.outlier_log_transform,
        outlier_treatment.log_direction,
        outlier_treatment.value_min as log_value_min,
        outlier_treatment.value_max as log_value_max,
        outlier_treatment.log_shift,
        outlier_treatment.skewness_after,
        outlier_treatment.kurtosis_after,
        scales.normalisation,
        scales.lower_goalpost,
        scales.upper_goalpost,
        scales.target_value_untransformed as target_value,
        scales.values_count,
        scales.value_min,
        scales.value_max,
        scales.mean_value,
        scales.sd_value,
        scales.pooled_min,
        scales.pooled_max,
        scales.lower_bound,
        scales.upper_bound,
        scales.normalised_lower,
        scales.normalised_upper,
        scales.zscore_mean,
        scales.zscore_sd,
        scales.rank_scale,
        scales.normalisation_ties
    from scales
    inner join indicator_methods
        on scales.methodology_version = indicator_methods.methodology_version
        and scales.indicator_code = indicator_methods.indicator_code
    inner join value_counts
        on scales.evaluation_year = value_counts.evaluation_year
        and scales.indicator_code = value_counts.indicator_code
    left join outlier_treatment
        on scales.evaluation_year = outlier_treatment.evaluation_year
        and scales.indicator_code = outlier_treatment.indicator_code
)

select * from final
