{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each indicator normalised by the method the methodology gives it (goalposts, min-max within
    the year or pooled over the version's years, z-score, rank, percentile, distance to a
    target), on the scale the methodology maps it onto (see the macro `normalised`), and its
    points: the indicator's effective points times the normalised value. -#}
with

treated as (
    select * from {{ ref('int_indicator_treated') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

scales as (
    select * from {{ ref('int_indicator_scales') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicator_methods as (
    select * from {{ ref('int_indicator_methods') }}
),

ranked_by_goodness as (
    -- only the indicators normalised by rank or percentile need the year's order
    select
        treated.evaluation_year,
        treated.unit_code,
        treated.indicator_code,
        rank() over goodness_order as goodness_rank,
        dense_rank() over goodness_order as goodness_dense_rank,
        count(*) over (goodness_order range between unbounded preceding and current row)
            as goodness_at_most
    from treated
    inner join indicator_methods
        on treated.methodology_version = indicator_methods.methodology_version
        and treated.indicator_code = indicator_methods.indicator_code
    where indicator_methods.normalisation in ('rank', 'percentile')
        and treated.treated_value is not null
    window goodness_order as (
        partition by treated.evaluation_year, treated.indicator_code
        order by case indicator_methods.direction
            when '-' then -treated.treated_value else treated.treated_value end
    )
),

normalised as (
    select
        treated.*,
        indicator_methods.direction,
        indicator_methods.normalisation,
        indicator_methods.effective_points as max_points,
        indicator_methods.lower_goalpost,
        indicator_methods.upper_goalpost,
        {{ normalised('indicator_methods.normalisation', 'indicator_methods.direction', 'treated.treated_value') }}
            as normalised_value,
        -- the bounds of the normalised value (none for z-scores and raw ranks)
        case when not (indicator_methods.normalisation = 'zscore'
            or (indicator_methods.normalisation = 'rank' and scale.rank_scale = 'raw'))
            then scale.normalised_lower
        end as normalised_lower,
        case when not (indicator_methods.normalisation = 'zscore'
            or (indicator_methods.normalisation = 'rank' and scale.rank_scale = 'raw'))
            then scale.normalised_upper
        end as normalised_upper
    from treated
    inner join indicator_methods
        on treated.methodology_version = indicator_methods.methodology_version
        and treated.indicator_code = indicator_methods.indicator_code
    inner join scales as scale
        on treated.evaluation_year = scale.evaluation_year
        and treated.indicator_code = scale.indicator_code
    left join ranked_by_goodness
        on treated.evaluation_year = ranked_by_goodness.evaluation_year
        and treated.unit_code = ranked_by_goodness.unit_code
        and treated.indicator_code = ranked_by_goodness.indicator_code
),

final as (
    select
        *,
        normalised_value is null as is_missing,
        max_points * normalised_value as indicator_points
    from normalised
)

select * from final
