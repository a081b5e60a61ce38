{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year and unit evaluated: the unit registry as it stood in the year's
    data year (code, name, kind and group after that year's division changes). -#}
with

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

final as (
    select
        evaluation_year,
        data_year,
        unit_code,
        unit_name,
        unit_name_pinyin,
        unit_kind,
        group_code,
        group_name
    from units_by_year
)

select * from final
