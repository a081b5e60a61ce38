{{ config(meta={'dagster': {'ref': {'name': 'county_change_contributions'}}}) }}
{#- The indicators' contributions add up to each unit's total, and their changes to each
    county's score change (to rounding), in the years the run builds. -#}
with

contributions as (
    select evaluation_year, unit_code, sum(contribution_points) as contributions
    from {{ ref('int_node_contributions') }}
    where node_type = 'indicator' and {{ evaluation_year_filter('evaluation_year') }}
    group by all
),

totals as (
    select evaluation_year, unit_code, total_points from {{ ref('int_unit_scores') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

changes as (
    select evaluation_year, county_code, sum(contribution_change) as contribution_changes
    from {{ ref('county_change_contributions') }}
    where {{ evaluation_year_filter('evaluation_year', following=1) }}
    group by all
),

transitions as (
    select evaluation_year, county_code, score_change from {{ ref('county_transitions') }}
    where score_change is not null
        and {{ evaluation_year_filter('evaluation_year', following=1) }}
)

select 'total' as what, totals.evaluation_year, totals.unit_code, totals.total_points as expected,
    contributions.contributions as found
from totals
inner join contributions using (evaluation_year, unit_code)
where abs(totals.total_points - contributions.contributions) > 1e-9 * greatest(1, abs(totals.total_points))

union all

select 'change', transitions.evaluation_year, transitions.county_code, transitions.score_change,
    changes.contribution_changes
from transitions
inner join changes using (evaluation_year, county_code)
where abs(transitions.score_change - changes.contribution_changes) > 1e-9 * greatest(1, abs(transitions.score_change))
