{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Points of every framework node (indicator, dimension, ..., index) for each unit and year,
    aggregated from the indicators below it. Missing indicators follow the methodology:
    `zero` scores them 0 points, `propagate` leaves the node without a score, `reweight` scales
    the available indicators up to the node's points. -#}
with

indicator_points as (
    select * from {{ ref('int_indicator_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
),

closure as (
    select * from {{ ref('int_framework_closure') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

points_below_node as (
    select
        indicator_points.evaluation_year,
        indicator_points.data_year,
        indicator_points.methodology_version,
        indicator_points.unit_code,
        closure.ancestor_code as node_code,
        sum(indicator_points.indicator_points) as available_points,
        sum(case when not indicator_points.is_missing then indicator_points.max_points end)
            as available_max_points,
        count(*) filter (where indicator_points.is_missing) as missing_indicators,
        count(*) as indicators
    from indicator_points
    inner join closure
        on indicator_points.indicator_code = closure.indicator_code
    group by all
),

final as (
    select
        points_below_node.evaluation_year,
        points_below_node.data_year,
        points_below_node.methodology_version,
        points_below_node.unit_code,
        points_below_node.node_code,
        framework_tree.node_type,
        framework_tree.depth,
        framework_tree.effective_points as max_points,
        points_below_node.missing_indicators,
        points_below_node.indicators,
        case
            when points_below_node.missing_indicators = 0
                then points_below_node.available_points
            when evaluation_years.missing_values = 'zero'
                then coalesce(points_below_node.available_points, 0)
            when evaluation_years.missing_values = 'reweight'
                and points_below_node.available_max_points > 0
                then points_below_node.available_points
                    * framework_tree.effective_points / points_below_node.available_max_points
        end as node_points
    from points_below_node
    inner join framework_tree
        on points_below_node.node_code = framework_tree.node_code
    inner join evaluation_years
        on points_below_node.evaluation_year = evaluation_years.evaluation_year
)

select * from final
