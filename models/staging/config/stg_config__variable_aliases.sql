{#- Other headers under which a base variable appears in submission files. -#}
with

variable_aliases as (
    select * from {{ ref('variable_aliases') }}
),

final as (
    select
        variable_code,
        alias
    from variable_aliases
)

select * from final
