{#- Each indicator's goalposts (for `goalposts` normalisation) and target (for
    `distance_to_target`), in the indicator's units before its transform. -#}
with

goalposts as (
    select * from {{ ref('goalposts') }}
),

final as (
    select
        methodology_version,
        indicator_code,
        lower_goalpost,
        upper_goalpost,
        target_value
    from goalposts
)

select * from final
