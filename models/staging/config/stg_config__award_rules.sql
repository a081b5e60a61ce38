{#- The award rules (Hebei's leap plan): what move from the previous evaluation year earns which
    amount, in force for a span of evaluation years (empty = unbounded). -#}
with

award_rules as (
    select * from {{ ref('award_rules') }}
),

final as (
    select
        rule_code,
        name_zh,
        name_en,
        condition_kind,
        from_class,
        to_class,
        min_places,
        min_points,
        amount_wan_yuan,
        exclusive_group,
        first_evaluation_year,
        last_evaluation_year
    from award_rules
)

select * from final
