-- depends_on: {{ ref('stg_config__framework') }}
{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Top down from each unit's total, one level at a time, two things for every node:
    - contribution_points: the part of the total the node accounts for. The children of a
      weighted_arithmetic node share its contribution as they share its points (a child's points
      times the node's reweight factor, times the contribution per point above: the node's
      contribution_factor); the children of a weighted_geometric node share it in proportion to
      their weighted scores. The contributions of a node's children add up to its own, so the
      indicators' contributions add up to the total, and their changes to the total's change.
    - target_points: the points the node would need, everything else unchanged, for the total to
      reach the next class's target (int_unit_scores.next_class_target_points): inverted through
      the node's aggregation (arithmetic: P_c + (T - P) / reweight factor; geometric: solve
      exp((sum of the siblings' w ln s + w_c ln s_c) / W) = T / node points for s_c). Null where
      no value of the node alone reaches it (a geometric sibling scoring 0) or the unit is in the
      top class. -#}
{%- set max_depth = framework_max_depth() %}
with

node_points as (
    select * from {{ ref('int_node_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

unit_scores as (
    select * from {{ ref('int_unit_scores') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
),

nodes_with_rule as (
    select
        node_points.*,
        evaluation_years.missing_values
    from node_points
    inner join evaluation_years
        on node_points.evaluation_year = evaluation_years.evaluation_year
),

attributed_at_depth_0 as (
    select
        nodes_with_rule.*,
        nodes_with_rule.node_points as contribution_points,
        1.0 as contribution_factor,
        unit_scores.next_class_target_points as target_points
    from nodes_with_rule
    left join unit_scores
        on nodes_with_rule.evaluation_year = unit_scores.evaluation_year
        and nodes_with_rule.unit_code = unit_scores.unit_code
    where nodes_with_rule.depth = 0
),
{%- for depth in range(1, max_depth + 1) %}

parents_and_children_at_depth_{{ depth }} as (
    select
        child.*,
        parent.aggregation as parent_aggregation,
        parent.max_points as parent_max_points,
        parent.node_points as parent_points,
        parent.reweight_factor as parent_reweight_factor,
        parent.children_weight_used as parent_children_weight_used,
        parent.children_log_sum as parent_children_log_sum,
        parent.children_zero_count as parent_children_zero_count,
        parent.children_weighted_score_sum as parent_children_weighted_score_sum,
        parent.contribution_points as parent_contribution_points,
        parent.contribution_factor as parent_contribution_factor,
        parent.target_points as parent_target_points,
        child.node_score is null and child.missing_values != 'zero' as is_left_out,
        case when child.node_score > 0 then child.max_points * ln(child.node_score) else 0.0 end
            as own_log_term,
        case when coalesce(child.node_score, 0.0) <= 0 and not (
            child.node_score is null and child.missing_values != 'zero'
        ) then 1 else 0 end as own_zero_count
    from nodes_with_rule as child
    inner join attributed_at_depth_{{ depth - 1 }} as parent
        on child.evaluation_year = parent.evaluation_year
        and child.unit_code = parent.unit_code
        and child.parent_code = parent.node_code
    where child.depth = {{ depth }}
),

attributed_at_depth_{{ depth }} as (
    select
        * exclude (
            parent_aggregation, parent_max_points, parent_points, parent_reweight_factor,
            parent_children_weight_used, parent_children_log_sum, parent_children_zero_count,
            parent_children_weighted_score_sum, parent_contribution_points,
            parent_contribution_factor, parent_target_points, is_left_out, own_log_term,
            own_zero_count, geometric_share
        ),
        case
            when parent_contribution_points is null then null
            when parent_aggregation = 'weighted_geometric' then parent_contribution_points * geometric_share
            when node_score is null then 0.0
            else parent_contribution_factor * parent_reweight_factor * node_points
        end as contribution_points,
        case
            when parent_aggregation = 'weighted_geometric' then
                case when node_points != 0
                    then parent_contribution_points * geometric_share / node_points
                    else 0.0
                end
            else parent_contribution_factor * parent_reweight_factor
        end as contribution_factor,
        case
            when parent_target_points is null or parent_points is null or is_left_out then null
            when parent_aggregation = 'weighted_geometric' then
                case when parent_children_zero_count - own_zero_count = 0 and parent_target_points > 0
                    then max_points * exp(
                        (
                            parent_children_weight_used * ln(parent_target_points / parent_max_points)
                            - (coalesce(parent_children_log_sum, 0.0) - own_log_term)
                        ) / max_points
                    )
                end
            else coalesce(node_points, 0.0)
                + (parent_target_points - parent_points) / parent_reweight_factor
        end as target_points
    from (
        select
            *,
            case
                when is_left_out or node_score is null then 0.0
                when parent_children_weighted_score_sum > 0
                    then max_points * node_score / parent_children_weighted_score_sum
                else max_points / parent_children_weight_used
            end as geometric_share
        from parents_and_children_at_depth_{{ depth }}
    )
),
{%- endfor %}

all_nodes as (
    {%- for depth in range(0, max_depth + 1) %}
    select * from attributed_at_depth_{{ depth }}
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
        node_score,
        node_points,
        contribution_points,
        contribution_factor,
        target_points
    from all_nodes
)

select * from final
