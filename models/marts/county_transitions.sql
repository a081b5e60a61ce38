{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each county's move from the previous evaluation year, following the division changes: a
    renamed or re-coded county continues its predecessor's history. Built for the year being
    run and the year after it, whose transitions compare against it. -#}
with recursive

county_scores as (
    select * from {{ ref('county_scores') }}
),

predecessors as (
    select * from {{ ref('int_unit_predecessors') }}
),

class_cutoffs as (
    select * from {{ ref('class_cutoffs') }}
),

lineage as (
    -- every earlier (year, code) a county's history runs through, itself included
    select
        evaluation_year as lineage_year,
        county_code as lineage_code,
        evaluation_year,
        county_code
    from county_scores

    union all

    select
        lineage.lineage_year,
        lineage.lineage_code,
        predecessors.evaluation_year - 1 as evaluation_year,
        predecessors.predecessor_code as county_code
    from lineage
    inner join predecessors
        on lineage.evaluation_year = predecessors.evaluation_year
        and lineage.county_code = predecessors.unit_code
),

best_ranks as (
    select
        lineage.lineage_year as evaluation_year,
        lineage.lineage_code as county_code,
        min(county_scores.province_rank) as best_rank_ever,
        count(*) as years_evaluated
    from lineage
    inner join county_scores
        on lineage.evaluation_year = county_scores.evaluation_year
        and lineage.county_code = county_scores.county_code
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
        current_year.class
    from current_year
    left join predecessors
        on current_year.evaluation_year = predecessors.evaluation_year
        and current_year.county_code = predecessors.unit_code
    left join county_scores as previous_year
        on previous_year.evaluation_year = current_year.evaluation_year - 1
        and previous_year.county_code = predecessors.predecessor_code
),

class_ranks as (
    select distinct class_code, class_rank from class_cutoffs
),

final as (
    select
        transitions.*,
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
        best_ranks.years_evaluated
    from transitions
    left join class_ranks as current_class
        on transitions.class = current_class.class_code
    left join class_ranks as previous_class
        on transitions.previous_class = previous_class.class_code
    left join best_ranks
        on transitions.evaluation_year = best_ranks.evaluation_year
        and transitions.county_code = best_ranks.county_code
)

select * from final
