{#- Each figure of the province summary of the years being built beside its recount from the
    county rows (units and class counts and mean score from county_scores; leaps, demotions,
    units up in score and in rank from county_transitions), one row per year and figure: the
    quality gate's frame for province_summary. A year without a summary row has no figure found;
    a figure not applicable (NULL: no previous year to compare with) has no row. -#}
with

province_summary as (
    select * from {{ ref('province_summary') }}
),

county_scores as (
    select * from {{ ref('county_scores') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

county_transitions as (
    select * from {{ ref('county_transitions') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

class_codes as (
    select distinct class_code from {{ ref('class_cutoffs') }}
),

found as (
    unpivot (
        select
            evaluation_year,
            cast(units as double) as units,
            cast(mean_score as double) as mean_score,
            cast(class_leaps as double) as class_leaps,
            cast(demotions as double) as demotions,
            cast(score_up as double) as score_up,
            cast(rank_up as double) as rank_up,
            columns('^class_[a-z]$')::double
        from province_summary
    )
    on columns(* exclude (evaluation_year))
    into name figure value found
),

recounted_scores as (
    select evaluation_year, 'units' as figure, count(*)::double as expected, 'county_scores' as source
    from county_scores group by all
    union all
    select evaluation_year, 'mean_score', avg(total_points), 'county_scores'
    from county_scores group by all
    union all
    select years.evaluation_year, 'class_' || lower(class_codes.class_code),
        count(county_scores.county_code)::double, 'county_scores'
    from (select distinct evaluation_year from county_scores) as years
    cross join class_codes
    left join county_scores
        on county_scores.evaluation_year = years.evaluation_year
        and county_scores.class = class_codes.class_code
    group by all
),

recounted_transitions as (
    unpivot (
        select
            evaluation_year,
            -- NULL in a year without a previous one, as in province_summary
            ({{ year_over_year_count('is_class_leap') }})::double as class_leaps,
            ({{ year_over_year_count('is_demotion') }})::double as demotions,
            ({{ year_over_year_count('score_change > 0') }})::double as score_up,
            ({{ year_over_year_count('rank_change > 0') }})::double as rank_up
        from county_transitions
        group by all
    )
    on columns(* exclude (evaluation_year))
    into name figure value expected
),

expected as (
    select * from recounted_scores
    union all
    select *, 'county_transitions' as source from recounted_transitions
),

final as (
    select
        expected.evaluation_year,
        expected.figure,
        expected.source,
        found.found,
        expected.expected,
        abs(found.found - expected.expected) as difference
    from expected
    left join found using (evaluation_year, figure)
)

select * from final
