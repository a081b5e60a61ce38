{#- The base variables units report, in the order of the submission forms, with their
    canonical unit of measurement and who reports them. -#}
with

base_variables as (
    select * from {{ ref('base_variables') }}
),

final as (
    select
        variable_code,
        name_zh,
        name_en,
        unit,
        reported_by
    from base_variables
)

select * from final
