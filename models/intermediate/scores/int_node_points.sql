-- depends_on: {{ ref('stg_config__framework') }}
{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Points of every framework node (indicator, sub-pillar, pillar, ..., index) for each unit and
    year, aggregated bottom-up one level at a time, each node by its own aggregation:
    - weighted_arithmetic: points = sum of the children's points (weights are the children's
      effective points), i.e. the weighted arithmetic mean of their scores times the node's points;
    - weighted_geometric: score = exp(sum(w * ln(child score)) / sum(w)), points = score * node
      points; a child scoring 0 makes the node 0.
    A node's score is its points over its effective points. Missing children follow the
    methodology's missing_values: `zero` scores them 0, `propagate` leaves the node without a
    score, `reweight` aggregates the available children with their weights scaled up to the
    node's (reweight_factor), and leaves the node without a score when none is available.
    The children_* columns keep what the aggregation used, for the top-down attribution. -#}
{%- set max_depth = framework_max_depth() %}
with

indicator_points as (
    select * from {{ ref('int_indicator_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

leaves as (
    select
        indicator_points.evaluation_year,
        indicator_points.data_year,
        indicator_points.methodology_version,
        indicator_points.unit_code,
        indicator_points.indicator_code as node_code,
        framework_tree.parent_code,
        framework_tree.node_type,
        framework_tree.depth,
        framework_tree.effective_points as max_points,
        framework_tree.aggregation,
        indicator_points.normalised_value as node_score,
        indicator_points.indicator_points as node_points,
        1 as indicators,
        case when indicator_points.is_missing then 1 else 0 end as missing_indicators,
        case when indicator_points.is_imputed then 1 else 0 end as imputed_indicators
    from indicator_points
    inner join framework_tree
        on indicator_points.methodology_version = framework_tree.methodology_version
        and indicator_points.indicator_code = framework_tree.node_code
),
{%- for depth in range(max_depth, -1, -1) %}
{%- if depth < max_depth %}

children_of_depth_{{ depth }} as (
    select
        evaluation_year,
        data_year,
        methodology_version,
        unit_code,
        parent_code as node_code,
        count(*) as children_count,
        count(*) filter (where node_score is null) as children_missing,
        {{ exact_sum('max_points') }} as children_weight_all,
        {{ exact_sum('max_points', 'node_score is not null') }} as children_weight_available,
        {{ exact_sum('node_points', 'node_score is not null') }} as children_points_available,
        {{ exact_sum(
            'case when node_score > 0 then max_points * ln(node_score) end', 'node_score > 0'
        ) }} as children_log_sum,
        count(*) filter (where node_score <= 0) as children_zero_available,
        {{ exact_sum('max_points * node_score', 'node_score is not null') }}
            as children_weighted_score_sum,
        sum(indicators) as indicators,
        sum(missing_indicators) as missing_indicators,
        sum(imputed_indicators) as imputed_indicators
    -- floating-point sums exact (exact_sum), so identical inputs give identical bits
    from nodes_at_depth_{{ depth + 1 }} as children
    group by evaluation_year, data_year, methodology_version, unit_code, parent_code
),

aggregated_at_depth_{{ depth }} as (
    select
        children.*,
        framework_tree.parent_code,
        framework_tree.node_type,
        framework_tree.depth,
        framework_tree.effective_points as max_points,
        framework_tree.aggregation,
        evaluation_years.missing_values,
        children.children_missing = 0
            or evaluation_years.missing_values = 'zero'
            or (evaluation_years.missing_values = 'reweight' and children.children_weight_available > 0)
            as is_computable,
        case
            when evaluation_years.missing_values = 'reweight' then children.children_weight_available
            else children.children_weight_all
        end as children_weight_used,
        children.children_zero_available
            + case when evaluation_years.missing_values = 'zero' then children.children_missing else 0 end
            as children_zero_count,
        case
            when evaluation_years.missing_values = 'reweight' and children.children_missing > 0
                then framework_tree.effective_points / children.children_weight_available
            else 1.0
        end as reweight_factor
    from children_of_depth_{{ depth }} as children
    inner join framework_tree
        on children.methodology_version = framework_tree.methodology_version
        and children.node_code = framework_tree.node_code
    inner join evaluation_years
        on children.evaluation_year = evaluation_years.evaluation_year
),

scored_at_depth_{{ depth }} as (
    select
        *,
        case
            when not is_computable then null
            when aggregation = 'weighted_geometric' then
                case when children_zero_count > 0 then 0.0
                    else exp(children_log_sum / children_weight_used)
                end
            else coalesce(children_points_available, 0.0) * reweight_factor / max_points
        end as node_score,
        case
            when not is_computable then null
            when aggregation = 'weighted_geometric' then
                max_points * case when children_zero_count > 0 then 0.0
                    else exp(children_log_sum / children_weight_used)
                end
            else coalesce(children_points_available, 0.0) * reweight_factor
        end as node_points
    from aggregated_at_depth_{{ depth }}
),
{%- endif %}

nodes_at_depth_{{ depth }} as (
    select * from leaves where depth = {{ depth }}
    {%- if depth < max_depth %}
    union all by name
    select * exclude (is_computable, missing_values) from scored_at_depth_{{ depth }}
    {%- endif %}
),
{%- endfor %}

all_nodes as (
    {%- for depth in range(0, max_depth + 1) %}
    select * from nodes_at_depth_{{ depth }}
    {{ 'union all by name' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        evaluation_year,
        data_year,
        methodology_version,
        unit_code,
        node_code,
        parent_code,
        node_type,
        depth,
        aggregation,
        max_points,
        missing_indicators,
        imputed_indicators,
        indicators,
        node_score,
        node_points,
        node_score is null as is_missing,
        children_count,
        children_missing,
        children_weight_used,
        children_zero_count,
        children_log_sum,
        children_weighted_score_sum,
        reweight_factor
    from all_nodes
)

select * from final
