{#- The uncertainty analysis of each methodology version (orchestration/uncertainty): its design
    (random draws per factor or full factorial), replications, seed and bootstrap. The column
    description is optional: the empty select below adds it as null where the file lacks it. -#}
with

uncertainty as (
    select * from {{ ref('uncertainty') }}
    union all by name
    select cast(null as varchar) as description
    where false
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
