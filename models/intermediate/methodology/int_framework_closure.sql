{#- Every (ancestor, indicator) pair of each version's framework tree, an indicator being its
    own ancestor, with the indicator's distance below the ancestor. -#}
with recursive

framework as (
    select * from {{ ref('stg_config__framework') }}
),

closure as (
    select
        methodology_version,
        node_code as ancestor_code,
        node_code as indicator_code,
        parent_code,
        0 as levels_below
    from framework
    where node_type = 'indicator'

    union all

    select
        framework.methodology_version,
        framework.node_code as ancestor_code,
        closure.indicator_code,
        framework.parent_code,
        closure.levels_below + 1 as levels_below
    from closure
    inner join framework
        on closure.parent_code = framework.node_code
        and closure.methodology_version = framework.methodology_version
),

final as (
    select methodology_version, ancestor_code, indicator_code, levels_below from closure
)

select * from final
