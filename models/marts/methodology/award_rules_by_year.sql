{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ evaluation_year_filter('evaluation_year') }}{% endif %}",
    )
}}
{#- One row per evaluation year and award rule in force that year. The pre-hook clears the
    years being built first, because a year in which no rule is in force any more would
    otherwise keep its old rows. -#}
with

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

award_rules as (
    select * from {{ ref('stg_config__award_rules') }}
),

final as (
    select
        evaluation_years.evaluation_year,
        award_rules.rule_code,
        award_rules.name_zh,
        award_rules.name_en,
        award_rules.condition_kind,
        award_rules.from_class,
        award_rules.to_class,
        award_rules.min_places,
        award_rules.min_points,
        award_rules.amount_wan_yuan,
        award_rules.exclusive_group
    from evaluation_years
    inner join award_rules
        on (award_rules.first_evaluation_year is null
            or evaluation_years.evaluation_year >= award_rules.first_evaluation_year)
        and (award_rules.last_evaluation_year is null
            or evaluation_years.evaluation_year <= award_rules.last_evaluation_year)
)

select * from final
