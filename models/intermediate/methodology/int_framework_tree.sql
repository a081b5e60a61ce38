{#- The framework tree of each methodology version with each node's depth, effective points
    and aggregation: a node's share of its parent's points is its weight over the sum of its
    siblings' weights, so weights can be given as points (Hebei) or as relative weights at any
    depth. A node's `aggregation` (how it combines its children) defaults to the methodology's. -#}
with recursive

framework as (
    select * from {{ ref('stg_config__framework') }}
),

methodology as (
    select * from {{ ref('stg_config__methodology') }}
),

weighted_nodes as (
    select
        *,
        weight / sum(weight) over (partition by methodology_version, parent_code) as share_of_parent
    from framework
),

tree as (
    select
        methodology_version,
        node_code,
        parent_code,
        node_type,
        weight,
        0 as depth,
        cast(1.0 as double) as share_of_parent,
        cast(weight as double) as effective_points
    from framework
    where parent_code is null

    union all

    select
        child.methodology_version,
        child.node_code,
        child.parent_code,
        child.node_type,
        child.weight,
        tree.depth + 1 as depth,
        child.share_of_parent,
        tree.effective_points * child.share_of_parent as effective_points
    from weighted_nodes as child
    inner join tree
        on child.parent_code = tree.node_code
        and child.methodology_version = tree.methodology_version
),

final as (
    select
        tree.methodology_version,
        tree.node_code,
        tree.parent_code,
        tree.node_type,
        tree.depth,
        tree.weight,
        tree.share_of_parent,
        tree.effective_points,
        coalesce(framework.aggregation, methodology.aggregation, 'weighted_arithmetic')
            as aggregation,
        framework.name_zh,
        framework.name_en,
        framework.sort_order
    from tree
    inner join framework
        on tree.methodology_version = framework.methodology_version
        and tree.node_code = framework.node_code
    inner join methodology
        on tree.methodology_version = methodology.methodology_version
)

select * from final
