{#- The transitions of the years being built beside what they must be: a transition for every
    county scored, the predecessor the division changes give, the predecessor's total, rank and
    class the year before, this year's, and the changes and flags that follow from the two:
    the quality gate's frame for county_transitions. -#}
with

county_files as (
    select * from {{ ref('int_unit_files') }}
),

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
),

county_transitions as (
    select * from {{ ref('county_transitions') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

county_scores as (
    select * from {{ ref('county_scores') }}
),

predecessors as (
    select * from {{ ref('int_unit_predecessors') }}
),

class_ranks as (
    select distinct class_code, class_rank from {{ ref('class_cutoffs') }}
),

scores_this_year as (
    select * from county_scores where {{ evaluation_year_filter('evaluation_year') }}
),

joined as (
    select
        coalesce(scores_this_year.evaluation_year, county_transitions.evaluation_year)
            as evaluation_year,
        coalesce(scores_this_year.county_code, county_transitions.county_code) as county_code,
        coalesce(scores_this_year.county_name, county_transitions.county_name) as county_name,
        county_transitions.previous_county_code,
        predecessors.predecessor_code as expected_previous_county_code,
        county_transitions.previous_total_points,
        previous_scores.total_points as expected_previous_total_points,
        county_transitions.previous_rank,
        previous_scores.province_rank as expected_previous_rank,
        county_transitions.previous_class,
        previous_scores.class as expected_previous_class,
        county_transitions.total_points,
        scores_this_year.total_points as expected_total_points,
        county_transitions.province_rank,
        scores_this_year.province_rank as expected_province_rank,
        county_transitions.class,
        scores_this_year.class as expected_class,
        county_transitions.score_change,
        county_transitions.rank_change,
        county_transitions.previous_rank - county_transitions.province_rank as expected_rank_change,
        county_transitions.is_class_leap,
        coalesce(class_now.class_rank < class_before.class_rank, false) as expected_is_class_leap,
        county_transitions.is_demotion,
        coalesce(class_now.class_rank > class_before.class_rank, false) as expected_is_demotion,
        county_transitions.county_code is not null as has_transition,
        scores_this_year.county_code is not null as is_scored
    from scores_this_year
    full outer join county_transitions
        on county_transitions.evaluation_year = scores_this_year.evaluation_year
        and county_transitions.county_code = scores_this_year.county_code
    left join predecessors
        on predecessors.evaluation_year = coalesce(scores_this_year.evaluation_year, county_transitions.evaluation_year)
        and predecessors.unit_code = coalesce(scores_this_year.county_code, county_transitions.county_code)
    left join county_scores as previous_scores
        on previous_scores.evaluation_year = predecessors.evaluation_year - 1
        and previous_scores.county_code = predecessors.predecessor_code
    left join class_ranks as class_now on class_now.class_code = county_transitions.class
    left join class_ranks as class_before on class_before.class_code = county_transitions.previous_class
),

final as (
    select
        *,
        abs(score_change - (total_points - previous_total_points)) as score_change_difference,
        abs(previous_total_points - expected_previous_total_points)
            as previous_total_points_difference,
        abs(total_points - expected_total_points) as total_points_difference
    from joined
),

with_files as (
    select final.*, county_files.files as file_name
    from final
    left join evaluation_years using (evaluation_year)
    left join county_files
        on county_files.data_year = evaluation_years.data_year
        and county_files.unit_code = final.county_code
)

select * from with_files
