{#- The units evaluated in each evaluation year: those that existed in its data year. -#}
with

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
),

units as (
    select * from {{ ref('stg_config__units') }}
),

final as (
    select
        evaluation_years.evaluation_year,
        evaluation_years.data_year,
        evaluation_years.methodology_version,
        cast(units.unit_code as varchar) as unit_code,
        units.unit_name,
        units.unit_name_pinyin,
        units.unit_kind,
        cast(units.group_code as varchar) as group_code,
        units.group_name
    from evaluation_years
    inner join units
        on (units.valid_from_data_year is null or units.valid_from_data_year <= evaluation_years.data_year)
        and (units.valid_to_data_year is null or units.valid_to_data_year >= evaluation_years.data_year)
)

select * from final
