{#- The methodology versions, each in force for a span of evaluation years (an empty last year
    is open-ended), with the documented default of every empty setting filled in
    (docs/methodology.md, "Methodology versions"). -#}
with

methodology as (
    select * from {{ ref('methodology') }}
),

final as (
    select
        methodology_version,
        first_evaluation_year,
        last_evaluation_year,
        data_year_lag,
        coalesce(normalisation, 'goalposts') as normalisation,
        coalesce(aggregation, 'weighted_arithmetic') as aggregation,
        coalesce(missing_values, 'zero') as missing_values,
        coalesce(imputation, 'none') as imputation,
        coalesce(imputation_group, 'group_code') as imputation_group,
        coalesce(carry_forward_years, 1) as carry_forward_years,
        coalesce(outlier_treatment, 'none') as outlier_treatment,
        coalesce(outlier_skewness, 2.0) as outlier_skewness,
        coalesce(outlier_kurtosis, 3.5) as outlier_kurtosis,
        coalesce(outlier_winsorise_max, 5) as outlier_winsorise_max,
        coalesce(class_scheme, 'absolute') as class_scheme,
        coalesce(rank_ties, 'min') as rank_ties,
        -- scales and outlier options: empty = the method's documented default, which
        -- int_indicator_methods fills in (docs/methodology.md)
        normalised_lower,
        normalised_upper,
        zscore_mean,
        zscore_sd,
        rank_scale,
        normalisation_ties,
        outlier_log_transform,
        outlier_winsorisation,
        description
    from methodology
)

select * from final
