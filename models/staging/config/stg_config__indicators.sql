{#- The indicators of each methodology version: formula, direction and transform (defaults
    filled in), and the optional per-indicator overrides of the version's normalisation,
    imputation and outlier treatment (empty = the version's). -#}
with

indicators as (
    select * from {{ ref('indicators') }}
),

final as (
    select
        methodology_version,
        indicator_code,
        name_zh,
        name_en,
        unit,
        formula,
        numerator_variable,
        denominator_variable,
        coalesce(multiplier, 1.0) as multiplier,
        coalesce(direction, '+') as direction,
        coalesce(transform, 'none') as transform,
        normalisation,
        imputation,
        outlier_treatment,
        published as is_published
    from indicators
)

select * from final
