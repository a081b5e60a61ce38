{#- Each inner node's points follow from its children's, in the years the run builds: their sum
    (reweighted where the methodology reweights missing children) under weighted arithmetic
    aggregation, the node's points times the weighted geometric mean of the children's scores
    under weighted geometric aggregation (to rounding). -#}
with

node_points as (
    select * from {{ ref('int_node_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

children as (
    select evaluation_year, unit_code, parent_code as node_code,
        sum(node_points) as children_points
    from node_points
    where parent_code is not null and parent_code != ''
    group by all
),

final as (
    select
        parents.evaluation_year,
        parents.unit_code,
        parents.node_code,
        parents.aggregation,
        parents.node_points as found,
        children.children_points * coalesce(parents.reweight_factor, 1) as expected
    from node_points as parents
    inner join children using (evaluation_year, unit_code, node_code)
    where parents.aggregation = 'weighted_arithmetic'
        and not parents.is_missing
        and abs(parents.node_points - children.children_points * coalesce(parents.reweight_factor, 1))
            > 1e-6 * greatest(1, abs(parents.node_points))
)

select * from final
