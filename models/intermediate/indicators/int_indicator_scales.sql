{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- The scale each indicator is normalised on in each evaluation year: the lower and upper
    bound (the goalposts, the year's minimum and maximum, or the minimum and maximum pooled over
    all years of the methodology version), the mean and standard deviation (z-scores), the
    target (distance to target), all on the scale of the treated values; the scale the scores
    are mapped onto (normalised_lower and normalised_upper for the bounded methods, zscore_mean
    and zscore_sd, raw or scaled ranks and their tie rule), and the best score a value can get
    that year (best_normalised_value: the upper end, the best z-score, the best rank). -#}
with

treated as (
    select * from {{ ref('int_indicator_treated') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicator_methods as (
    select * from {{ ref('int_indicator_methods') }}
),

year_statistics as (
    select
        evaluation_year,
        methodology_version,
        indicator_code,
        count(treated_value) as values_count,
        count(distinct treated_value) as distinct_values_count,
        min(treated_value) as value_min,
        max(treated_value) as value_max,
        avg(treated_value order by unit_code) as mean_value,
        stddev_samp(treated_value order by unit_code) as sd_value
    from treated
    group by evaluation_year, methodology_version, indicator_code
),

pooled_statistics as (
    select
        *,
        min(value_min) over (partition by methodology_version, indicator_code) as pooled_min,
        max(value_max) over (partition by methodology_version, indicator_code) as pooled_max
    from year_statistics
),

scales as (
    select
        pooled_statistics.evaluation_year,
        pooled_statistics.methodology_version,
        pooled_statistics.indicator_code,
        indicator_methods.normalisation,
        indicator_methods.direction,
        indicator_methods.transform,
        pooled_statistics.values_count,
        pooled_statistics.distinct_values_count,
        pooled_statistics.value_min,
        pooled_statistics.value_max,
        pooled_statistics.mean_value,
        pooled_statistics.sd_value,
        pooled_statistics.pooled_min,
        pooled_statistics.pooled_max,
        case indicator_methods.normalisation
            when 'goalposts' then indicator_methods.lower_goalpost_transformed
            when 'minmax_pooled' then pooled_statistics.pooled_min
            else pooled_statistics.value_min
        end as lower_bound,
        case indicator_methods.normalisation
            when 'goalposts' then indicator_methods.upper_goalpost_transformed
            when 'minmax_pooled' then pooled_statistics.pooled_max
            else pooled_statistics.value_max
        end as upper_bound,
        indicator_methods.target_value_transformed as target_value,
        indicator_methods.lower_goalpost,
        indicator_methods.upper_goalpost,
        indicator_methods.target_value as target_value_untransformed,
        indicator_methods.normalised_lower,
        indicator_methods.normalised_upper,
        indicator_methods.zscore_mean,
        indicator_methods.zscore_sd,
        indicator_methods.rank_scale,
        indicator_methods.normalisation_ties
    from pooled_statistics
    inner join indicator_methods
        on pooled_statistics.methodology_version = indicator_methods.methodology_version
        and pooled_statistics.indicator_code = indicator_methods.indicator_code
),

final as (
    select
        *,
        case
            when normalisation = 'zscore' then
                zscore_mean + zscore_sd * case when sd_value > 0 then
                    case direction
                        when '-' then (mean_value - value_min) / sd_value
                        else (value_max - mean_value) / sd_value
                    end
                else 0.0 end
            when normalisation = 'rank' and rank_scale = 'raw' then
                case normalisation_ties
                    when 'dense' then distinct_values_count
                    else values_count
                end
            else normalised_upper
        end as best_normalised_value
    from scales
)

select * from final
