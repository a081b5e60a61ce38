{#- The framework tree with each node's depth and effective points: a node's share of its
    parent's points is its weight over the sum of its siblings' weights, so weights can be given
    as points (Hebei) or as relative weights at any depth. -#}
with recursive

framework as (
    select * from {{ ref('framework') }}
),

weighted_nodes as (
    select
        *,
        weight / sum(weight) over (partition by parent_code) as share_of_parent
    from framework
),

tree as (
    select
        node_code,
        parent_code,
        node_type,
        weight,
        0 as depth,
        cast(weight as double) as effective_points,
        node_code as root_code
    from framework
    where parent_code is null

    union all

    select
        child.node_code,
        child.parent_code,
        child.node_type,
        child.weight,
        tree.depth + 1 as depth,
        tree.effective_points * child.share_of_parent as effective_points,
        tree.root_code
    from weighted_nodes as child
    inner join tree
        on child.parent_code = tree.node_code
),

final as (
    select
        tree.node_code,
        tree.parent_code,
        tree.node_type,
        tree.depth,
        tree.weight,
        tree.effective_points,
        framework.name_zh,
        framework.name_en,
        framework.sort_order
    from tree
    inner join framework
        on tree.node_code = framework.node_code
)

select * from final
