{#- The alternatives each factor of a version's uncertainty analysis draws from, one row per
    methodology setting an alternative changes. -#}
with

uncertainty_alternatives as (
    select * from {{ ref('uncertainty_alternatives') }}
),

final as (
    select
        methodology_version,
        factor,
        alternative,
        setting,
        value
    from uncertainty_alternatives
)

select * from final
