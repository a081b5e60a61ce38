{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year, county (with a predecessor the year before) and indicator of
    either year's framework: the indicator's contribution to the county's total this year and
    the year before (int_node_contributions), and its part of the score change. The parts add up
    to the county's score change (county_transitions.score_change); an indicator only in one
    year's framework contributes all of its contribution. Order a county's rows by
    abs(contribution_change) to see what drove its change. Built for the year being run and the
    year after it, whose changes compare against it. -#}
with

node_contributions as (
    select * from {{ ref('int_node_contributions') }}
    where node_type = 'indicator'
        and {{ evaluation_year_filter('evaluation_year', following=1, preceding=1) }}
),

indicator_points as (
    select * from {{ ref('int_indicator_points') }}
    where {{ evaluation_year_filter('evaluation_year', following=1, preceding=1) }}
),

predecessors as (
    select * from {{ ref('int_unit_predecessors') }}
    where {{ evaluation_year_filter('evaluation_year', following=1) }}
),

indicators_with_values as (
    select
        node_contributions.evaluation_year,
        node_contributions.unit_code,
        node_contributions.indicator_code,
        node_contributions.methodology_version,
        node_contributions.contribution_points,
        node_contributions.node_points as indicator_points,
        indicator_points.normalised_value,
        indicator_points.indicator_value,
        indicator_points.is_imputed,
        indicator_points.is_missing
    from (select *, node_code as indicator_code from node_contributions) as node_contributions
    inner join indicator_points
        on node_contributions.evaluation_year = indicator_points.evaluation_year
        and node_contributions.unit_code = indicator_points.unit_code
        and node_contributions.indicator_code = indicator_points.indicator_code
),

this_year as (
    select
        indicators_with_values.*,
        predecessors.predecessor_code
    from indicators_with_values
    inner join predecessors
        on indicators_with_values.evaluation_year = predecessors.evaluation_year
        and indicators_with_values.unit_code = predecessors.unit_code
),

previous_year as (
    select
        indicators_with_values.*,
        predecessors.evaluation_year as following_year,
        predecessors.unit_code as successor_code
    from predecessors
    inner join indicators_with_values
        on indicators_with_values.evaluation_year = predecessors.evaluation_year - 1
        and indicators_with_values.unit_code = predecessors.predecessor_code
),

paired as (
    select
        coalesce(this_year.evaluation_year, previous_year.following_year) as evaluation_year,
        coalesce(this_year.unit_code, previous_year.successor_code) as county_code,
        coalesce(this_year.indicator_code, previous_year.indicator_code) as indicator_code,
        coalesce(this_year.predecessor_code, previous_year.unit_code) as previous_county_code,
        this_year.methodology_version,
        previous_year.methodology_version as previous_methodology_version,
        previous_year.indicator_value as previous_indicator_value,
        this_year.indicator_value,
        previous_year.normalised_value as previous_normalised_value,
        this_year.normalised_value,
        previous_year.indicator_points as previous_indicator_points,
        this_year.indicator_points,
        previous_year.contribution_points as previous_contribution_points,
        this_year.contribution_points,
        coalesce(this_year.contribution_points, 0.0)
            - coalesce(previous_year.contribution_points, 0.0) as contribution_change,
        this_year.indicator_code is null as is_dropped_indicator,
        previous_year.indicator_code is null as is_new_indicator,
        coalesce(this_year.is_imputed, false) or coalesce(previous_year.is_imputed, false)
            as involves_imputed_value
    from this_year
    full outer join previous_year
        on this_year.evaluation_year = previous_year.following_year
        and this_year.unit_code = previous_year.successor_code
        and this_year.indicator_code = previous_year.indicator_code
),

score_changes as (
    -- a group-by and a join: a window over each county's few rows is far slower in DuckDB;
    -- the sum exact (exact_sum), so identical inputs give identical bits
    select
        evaluation_year,
        county_code,
        {{ exact_sum('contribution_change') }} as score_change
    from paired
    group by evaluation_year, county_code
),

final as (
    select
        paired.*,
        score_changes.score_change
    from paired
    inner join score_changes
        on paired.evaluation_year = score_changes.evaluation_year
        and paired.county_code = score_changes.county_code
)

select * from final
