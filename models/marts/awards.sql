{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ evaluation_year_filter('evaluation_year', following=1) }}{% endif %}",
    )
}}
{#- One row per evaluation year, county and award: the awards the rules of `award_rules` grant
    for the county's move from the previous year. Within an `exclusive_group` a county receives
    only the largest award it qualifies for. Built for the year being run and the year after
    it, whose moves compare against it; the pre-hook clears those years first, because a year
    that no longer has any award would otherwise keep its old rows. -#}
with

county_transitions as (
    select * from {{ ref('county_transitions') }}
),

county_lineage as (
    select * from {{ ref('int_unit_lineage') }}
),

award_rules as (
    select * from {{ ref('stg_config__award_rules') }}
),

units as (
    select * from {{ ref('stg_config__units') }}
),

classes_by_lineage as (
    select
        county_transitions.evaluation_year,
        county_transitions.county_code,
        county_lineage.lineage_id,
        county_transitions.class
    from county_transitions
    inner join county_lineage
        on county_transitions.evaluation_year = county_lineage.evaluation_year
        and county_transitions.county_code = county_lineage.unit_code
),

earlier_classes as (
    -- the classes a county's history (its lineage: predecessors included) had before the year
    select
        later.evaluation_year,
        later.county_code,
        list(distinct earlier.class) as classes_before
    from classes_by_lineage as later
    inner join classes_by_lineage as earlier
        on later.lineage_id = earlier.lineage_id
        and earlier.evaluation_year < later.evaluation_year
    group by all
),

moves as (
    select
        county_transitions.*,
        coalesce(earlier_classes.classes_before, []) as classes_before
    from county_transitions
    left join earlier_classes
        on county_transitions.evaluation_year = earlier_classes.evaluation_year
        and county_transitions.county_code = earlier_classes.county_code
    where {{ evaluation_year_filter('county_transitions.evaluation_year', following=1) }}
        and county_transitions.previous_total_points is not null
),

moves_matched_to_rules as (
    select
        moves.*,
        award_rules.rule_code,
        award_rules.name_zh as award_name_zh,
        award_rules.name_en as award_name_en,
        award_rules.condition_kind,
        award_rules.amount_wan_yuan,
        coalesce(award_rules.exclusive_group, award_rules.rule_code) as exclusive_group
    from moves
    inner join award_rules
        on (award_rules.first_evaluation_year is null
            or moves.evaluation_year >= award_rules.first_evaluation_year)
        and (award_rules.last_evaluation_year is null
            or moves.evaluation_year <= award_rules.last_evaluation_year)
    where
        case award_rules.condition_kind
            when 'class_leap' then
                moves.is_class_leap
                and moves.class = award_rules.to_class
                and (award_rules.from_class is null or moves.previous_class = award_rules.from_class)
            when 'first_time_class' then
                moves.class = award_rules.to_class
                and not list_contains(moves.classes_before, award_rules.to_class)
            when 'rank_up_at_least' then moves.rank_change >= award_rules.min_places
            when 'score_up_at_least' then moves.score_change >= award_rules.min_points
            else false
        end
),

largest_award_per_group as (
    select *
    from moves_matched_to_rules
    qualify row_number() over (
        partition by evaluation_year, county_code, exclusive_group
        order by amount_wan_yuan desc, rule_code
    ) = 1
),

final as (
    select
        largest_award_per_group.evaluation_year,
        largest_award_per_group.county_code,
        largest_award_per_group.county_name,
        units.unit_name_pinyin as county_name_pinyin,
        largest_award_per_group.city_name,
        largest_award_per_group.rule_code,
        largest_award_per_group.award_name_zh,
        largest_award_per_group.award_name_en,
        largest_award_per_group.condition_kind,
        largest_award_per_group.previous_class,
        largest_award_per_group.class,
        largest_award_per_group.class_transition,
        largest_award_per_group.previous_rank,
        largest_award_per_group.province_rank,
        largest_award_per_group.rank_change,
        largest_award_per_group.previous_total_points,
        largest_award_per_group.total_points,
        largest_award_per_group.score_change,
        largest_award_per_group.amount_wan_yuan
    from largest_award_per_group
    left join units
        on largest_award_per_group.county_code = cast(units.unit_code as varchar)
        and largest_award_per_group.county_name = units.unit_name
)

select * from final
