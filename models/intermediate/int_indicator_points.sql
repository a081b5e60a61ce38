{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each indicator normalised to [0, 1] against the methodology's goalposts, and its points:
    the indicator's effective points times the normalised value. -#}
with

indicator_values as (
    select * from {{ ref('int_indicator_values') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicators as (
    select * from {{ ref('indicators') }}
),

goalposts as (
    select * from {{ ref('goalposts') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

normalised as (
    select
        indicator_values.*,
        indicators.direction,
        framework_tree.effective_points as max_points,
        goalposts.lower_goalpost,
        goalposts.upper_goalpost,
        greatest(0.0, least(1.0,
            case indicators.direction
                when '-' then (goalposts.upper_goalpost - indicator_values.indicator_value)
                else (indicator_values.indicator_value - goalposts.lower_goalpost)
            end / (goalposts.upper_goalpost - goalposts.lower_goalpost)
        )) as normalised_value
    from indicator_values
    inner join indicators
        on indicator_values.indicator_code = indicators.indicator_code
    inner join framework_tree
        on indicator_values.indicator_code = framework_tree.node_code
    left join goalposts
        on indicator_values.methodology_version = goalposts.methodology_version
        and indicator_values.indicator_code = goalposts.indicator_code
),

final as (
    select
        *,
        indicator_value is null as is_missing,
        max_points * normalised_value as indicator_points
    from normalised
)

select * from final
