{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each county's move from the previous evaluation year, following the division changes: a
    renamed or re-coded county continues its predecessor's history (int_unit_predecessors), an
    abolished one's ends. Rank change bands as the province reports them (10 or more places,
    5-9, 1-4), class leaps and demotions (by class_rank of the cut-offs), the best rank of the
    county's lineage so far, and whether the methodology changed between the two years. Built
    for the year being run and the year after it, whose transitions compare against it. -#}
with

county_scores as (
    select * from {{ ref('county_scores') }}
),

predecessors as (
    select * from {{ ref('int_unit_predecessors') }}
),

lineage as (
    select * from {{ ref('int_unit_lineage') }}
),

class_cutoffs as (
    select * from {{ ref('stg_config__class_cutoffs') }}
),

scores_in_lineage as (
    select
        county_scores.evaluation_year,
        county_scores.county_code,
        county_scores.province_rank,
        lineage.lineage_id
    from county_scores
    inner join lineage
        on county_scores.evaluation_year = lineage.evaluation_year
        and county_scores.county_code = lineage.unit_code
),

best_ranks as (
    -- over every earlier year of the county's lineage, this year included
    select
        this_year.evaluation_year,
        this_year.county_code,
        min(earlier.province_rank) as best_rank_ever,
        count(*) as years_evaluated
    from scores_in_lineage as this_year
    inner join scores_in_lineage as earlier
        on this_year.lineage_id = earlier.lineage_id
        and earlier.evaluation_year <= this_year.evaluation_year
    where {{ evaluation_year_filter('this_year.evaluation_year', following=1) }}
    group by all
),

current_year as (
    select * from county_scores
    where {{ evaluation_year_filter('evaluation_year', following=1) }}
),

transitions as (
    select
        current_year.evaluation_year,
        current_year.county_code,
        current_year.county_name,
        current_year.city_name,
        predecessors.predecessor_code as previous_county_code,
        predecessors.predecessor_name as previous_county_name,
        predecessors.succession,
        previous_year.total_points as previous_total_points,
        current_year.total_points,
        current_year.total_points - previous_year.total_points as score_change,
        previous_year.province_rank as previous_rank,
        current_year.province_rank,
        previous_year.province_rank - current_year.province_rank as rank_change,
        previous_year.class as previous_class,
        current_year.class,
        previous_year.methodology_version as previous_methodology_version,
        current_year.methodology_version
    from current_year
    left join predecessors
        on current_year.evaluation_year = predecessors.evaluation_year
        and current_year.county_code = predecessors.unit_code
    left join county_scores as previous_year
        on previous_year.evaluation_year = current_year.evaluation_year - 1
        and previous_year.county_code = predecessors.predecessor_code
),

final as (
    select
        transitions.* exclude (previous_methodology_version, methodology_version),
        case
            when transitions.rank_change >= 10 then 'up 10+'
            when transitions.rank_change >= 5 then 'up 5-9'
            when transitions.rank_change >= 1 then 'up 1-4'
            when transitions.rank_change = 0 then 'same'
            when transitions.rank_change < 0 then 'down'
        end as rank_change_band,
        case
            when transitions.previous_class is not null
                then transitions.previous_class || '->' || transitions.class
        end as class_transition,
        coalesce(current_class.class_rank < previous_class.class_rank, false) as is_class_leap,
        coalesce(current_class.class_rank > previous_class.class_rank, false) as is_demotion,
        best_ranks.best_rank_ever,
        transitions.province_rank = best_ranks.best_rank_ever as is_best_rank_ever,
        best_ranks.years_evaluated,
        transitions.methodology_version,
        transitions.previous_methodology_version,
        transitions.previous_methodology_version != transitions.methodology_version
            as is_methodology_change
    from transitions
    left join class_cutoffs as current_class
        on transitions.methodology_version = current_class.methodology_version
        and transitions.class = current_class.class_code
    left join class_cutoffs as previous_class
        on transitions.previous_methodology_version = previous_class.methodology_version
        and transitions.previous_class = previous_class.class_code
    left join best_ranks
        on transitions.evaluation_year = best_ranks.evaluation_year
        and transitions.county_code = best_ranks.county_code
)

select * from final
