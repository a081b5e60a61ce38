{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year: the class distribution, the mean score and the counts the
    province reports (leaps, demotions, counties rising in score and in rank, by band), from
    county_transitions. class_a/b/c and leaps_x_to_y name Hebei's classes; class_counts and
    class_change_counts hold the same for any scoreboard's classes. The figures that compare
    with the previous evaluation year are NULL (not applicable), not 0, in a year without one
    (the first evaluation year): `year_over_year_count`. -#}
with

county_transitions as (
    select * from {{ ref('county_transitions') }}
    where {{ evaluation_year_filter('evaluation_year', following=1) }}
),

final as (
    select
        evaluation_year,
        count(*) as units,
        count(*) filter (where class = 'A') as class_a,
        count(*) filter (where class = 'B') as class_b,
        count(*) filter (where class = 'C') as class_c,
        round(avg(total_points order by county_code), 2) as mean_score,
        round(median(total_points), 2) as median_score,
        {{ year_over_year_count('is_class_leap') }} as class_leaps,
        {{ year_over_year_count("class_transition = 'C->B'") }} as leaps_c_to_b,
        {{ year_over_year_count("class_transition = 'B->A'") }} as leaps_b_to_a,
        {{ year_over_year_count("class_transition = 'C->A'") }} as leaps_c_to_a,
        {{ year_over_year_count('is_demotion') }} as demotions,
        {{ year_over_year_count('score_change > 0') }} as score_up,
        {{ year_over_year_count('rank_change > 0') }} as rank_up,
        {{ year_over_year_count('rank_change >= 10') }} as rank_up_10_plus,
        {{ year_over_year_count('rank_change between 5 and 9') }} as rank_up_5_9,
        {{ year_over_year_count('rank_change between 1 and 4') }} as rank_up_1_4,
        count(*) filter (where previous_county_code is not null) as units_with_previous_year,
        any_value(methodology_version) as methodology_version,
        histogram(class) as class_counts,
        histogram(class_transition) filter (where is_class_leap or is_demotion)
            as class_change_counts,
        {{ year_over_year_count('rank_change < 0') }} as rank_down,
        {{ year_over_year_count('is_best_rank_ever and previous_county_code is not null') }}
            as units_at_best_rank_ever
    from county_transitions
    group by evaluation_year
)

select * from final
