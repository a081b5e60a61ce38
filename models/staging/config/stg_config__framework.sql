{#- The framework tree of each methodology version: one row per node, the root without a
    parent. `weight` is the node's share among its siblings (Hebei gives points); an empty
    `aggregation` means the version's. -#}
with

framework as (
    select * from {{ ref('framework') }}
),

final as (
    select
        methodology_version,
        node_code,
        parent_code,
        node_type,
        name_zh,
        name_en,
        weight,
        sort_order,
        aggregation
    from framework
)

select * from final
