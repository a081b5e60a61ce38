-- depends_on: {{ ref('framework') }}
{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year and county: the points of every indicator and dimension, the
    total, the ranks and the class. -#}
with

node_points as (
    select * from {{ ref('int_node_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
),

class_cutoffs as (
    select * from {{ ref('class_cutoffs') }}
),

points_pivoted as (
    select
        evaluation_year,
        data_year,
        methodology_version,
        unit_code,
        {{ framework_points_columns() }}
        max(case when depth = 0 then node_points end) as total_points
    from node_points
    group by evaluation_year, data_year, methodology_version, unit_code
),

scores_ranked as (
    select
        points_pivoted.*,
        units_by_year.unit_name,
        units_by_year.unit_kind,
        units_by_year.group_code,
        units_by_year.group_name,
        rank() over (
            partition by points_pivoted.evaluation_year
            order by points_pivoted.total_points desc nulls last
        ) as province_rank,
        rank() over (
            partition by points_pivoted.evaluation_year, units_by_year.group_code
            order by points_pivoted.total_points desc nulls last
        ) as city_rank
    from points_pivoted
    inner join units_by_year
        on points_pivoted.evaluation_year = units_by_year.evaluation_year
        and points_pivoted.unit_code = units_by_year.unit_code
),

scores_joined_to_classes as (
    select
        scores_ranked.*,
        (
            select class_cutoffs.class_code
            from class_cutoffs
            where class_cutoffs.methodology_version = scores_ranked.methodology_version
                and scores_ranked.total_points >= class_cutoffs.min_score
            order by class_cutoffs.min_score desc
            limit 1
        ) as class
    from scores_ranked
),

final as (
    select
        evaluation_year,
        data_year,
        unit_code as county_code,
        unit_name as county_name,
        group_code as city_code,
        group_name as city_name,
        unit_kind,
        {% for node in framework_nodes() -%}
        {{ adapter.quote('points_' ~ (node[0] | lower)) }},
        {% endfor -%}
        total_points,
        province_rank,
        city_rank,
        class,
        methodology_version
    from scores_joined_to_classes
)

select * from final
