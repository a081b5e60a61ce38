{#- Factors between units of measurement: value_in_to_unit = value_in_from_unit * factor. -#}
with

unit_conversions as (
    select * from {{ ref('unit_conversions') }}
),

final as (
    select
        from_unit,
        to_unit,
        factor
    from unit_conversions
)

select * from final
