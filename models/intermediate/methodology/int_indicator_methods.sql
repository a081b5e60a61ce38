{#- Each indicator of each methodology version with every method that applies to it resolved:
    the indicator's own setting (indicators.csv) where given, else the methodology's, else the
    default (docs/methodology.md); the parameters of its outlier treatment and of the scale its
    normalisation maps onto; its place and effective points in the framework; its goalposts and
    target, also on the transformed scale on which they are compared. -#}
with

indicators as (
    select * from {{ ref('stg_config__indicators') }}
),

methodology as (
    select * from {{ ref('stg_config__methodology') }}
),

goalposts as (
    select * from {{ ref('stg_config__goalposts') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

resolved as (
    select
        indicators.methodology_version,
        indicators.indicator_code,
        indicators.numerator_variable,
        indicators.denominator_variable,
        coalesce(indicators.multiplier, 1.0) as multiplier,
        coalesce(indicators.direction, '+') as direction,
        coalesce(indicators.transform, 'none') as transform,
        coalesce(indicators.normalisation, methodology.normalisation, 'goalposts')
            as normalisation,
        replace(coalesce(indicators.imputation, methodology.imputation, 'none'), ' ', '')
            as imputation,
        coalesce(methodology.imputation_group, 'group_code') as imputation_group,
        coalesce(methodology.carry_forward_years, 1) as carry_forward_years,
        coalesce(indicators.outlier_treatment, methodology.outlier_treatment, 'none')
            as outlier_treatment,
        coalesce(methodology.outlier_skewness, 2.0) as outlier_skewness,
        coalesce(methodology.outlier_kurtosis, 3.5) as outlier_kurtosis,
        coalesce(methodology.outlier_winsorise_max, 5) as outlier_winsorise_max,
        coalesce(methodology.outlier_winsorisation, 'one_sided') as outlier_winsorisation,
        coalesce(methodology.outlier_log_transform, 'log_ct_mirrored') as outlier_log_transform,
        coalesce(methodology.normalised_lower, 0.0) as normalised_lower,
        coalesce(methodology.normalised_upper, 1.0) as normalised_upper,
        coalesce(methodology.zscore_mean, 0.0) as zscore_mean,
        coalesce(methodology.zscore_sd, 1.0) as zscore_sd,
        coalesce(methodology.rank_scale, 'scaled') as rank_scale,
        coalesce(methodology.normalisation_ties, 'min') as normalisation_ties,
        goalposts.lower_goalpost,
        goalposts.upper_goalpost,
        goalposts.target_value,
        framework_tree.parent_code,
        framework_tree.depth,
        framework_tree.effective_points
    from indicators
    inner join methodology
        on indicators.methodology_version = methodology.methodology_version
    left join goalposts
        on indicators.methodology_version = goalposts.methodology_version
        and indicators.indicator_code = goalposts.indicator_code
    left join framework_tree
        on indicators.methodology_version = framework_tree.methodology_version
        and indicators.indicator_code = framework_tree.node_code
),

final as (
    select
        *,
        {{ transformed('lower_goalpost', 'transform') }} as lower_goalpost_transformed,
        {{ transformed('upper_goalpost', 'transform') }} as upper_goalpost_transformed,
        {{ transformed('target_value', 'transform') }} as target_value_transformed
    from resolved
)

select * from final
