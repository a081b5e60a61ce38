{#- The uncertainty analysis of each methodology version (orchestration/uncertainty): its design
    (random draws per factor or full factorial), replications, seed and bootstrap. -#}
with

uncertainty as (
    select * from {{ ref('uncertainty') }}
),

final as (
    select
        methodology_version,
        design,
        replications,
        seed,
        bootstrap_samples,
        confidence_level,
        classes_on_nominal_scale,
        description
    from uncertainty
)

select * from final
