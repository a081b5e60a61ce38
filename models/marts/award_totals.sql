{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year: how many awards the rules granted, to how many counties, and
    their total amount; a year without awards has a row with zeros. -#}
with

county_transitions as (
    select * from {{ ref('county_transitions') }}
    where {{ evaluation_year_filter('evaluation_year', following=1) }}
),

awards as (
    select * from {{ ref('awards') }}
),

evaluation_years as (
    select distinct evaluation_year from county_transitions
),

final as (
    select
        evaluation_years.evaluation_year,
        count(awards.rule_code) as awards,
        count(distinct awards.county_code) as counties_awarded,
        coalesce(sum(awards.amount_wan_yuan), 0) as total_amount_wan_yuan
    from evaluation_years
    left join awards
        on evaluation_years.evaluation_year = awards.evaluation_year
    group by evaluation_years.evaluation_year
)

select * from final
