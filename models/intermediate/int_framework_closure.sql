{#- Every (ancestor, indicator) pair of the framework tree, an indicator being its own ancestor,
    so that any node's points are a sum over the indicators below it. -#}
with recursive

framework as (
    select * from {{ ref('framework') }}
),

closure as (
    select node_code as ancestor_code, node_code as indicator_code, parent_code
    from framework
    where node_type = 'indicator'

    union all

    select framework.node_code as ancestor_code, closure.indicator_code, framework.parent_code
    from closure
    inner join framework
        on closure.parent_code = framework.node_code
),

final as (
    select ancestor_code, indicator_code from closure
)

select * from final
