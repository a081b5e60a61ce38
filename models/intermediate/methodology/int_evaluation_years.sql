{#- Each evaluation year with data, the data year it uses and the methodology in force, with the
    methodology's defaults filled in. `pools_years`: some indicator of the version is normalised
    against the pooled minimum and maximum of all the version's years. -#}
with

submitted_values as (
    select * from {{ ref('stg_raw__submitted_values') }}
),

methodology as (
    select * from {{ ref('stg_config__methodology') }}
),

indicators as (
    select * from {{ ref('stg_config__indicators') }}
),

data_years as (
    select distinct data_year from submitted_values
),

versions_pooling_years as (
    select distinct indicators.methodology_version
    from indicators
    inner join methodology
        on indicators.methodology_version = methodology.methodology_version
    where coalesce(indicators.normalisation, methodology.normalisation) = 'minmax_pooled'
),

final as (
    select
        data_years.data_year + methodology.data_year_lag as evaluation_year,
        data_years.data_year,
        methodology.methodology_version,
        coalesce(methodology.normalisation, 'goalposts') as normalisation,
        coalesce(methodology.aggregation, 'weighted_arithmetic') as aggregation,
        coalesce(methodology.missing_values, 'zero') as missing_values,
        coalesce(methodology.imputation, 'none') as imputation,
        coalesce(methodology.imputation_group, 'group_code') as imputation_group,
        coalesce(methodology.carry_forward_years, 1) as carry_forward_years,
        coalesce(methodology.outlier_treatment, 'none') as outlier_treatment,
        coalesce(methodology.outlier_skewness, 2.0) as outlier_skewness,
        coalesce(methodology.outlier_kurtosis, 3.5) as outlier_kurtosis,
        coalesce(methodology.outlier_winsorise_max, 5) as outlier_winsorise_max,
        coalesce(methodology.class_scheme, 'absolute') as class_scheme,
        coalesce(methodology.rank_ties, 'min') as rank_ties,
        versions_pooling_years.methodology_version is not null as pools_years
    from data_years
    inner join methodology
        on data_years.data_year + methodology.data_year_lag
            between methodology.first_evaluation_year
            and coalesce(methodology.last_evaluation_year, 9999)
    left join versions_pooling_years
        on methodology.methodology_version = versions_pooling_years.methodology_version
)

select * from final
