-- depends_on: {{ ref('stg_config__framework') }}
{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year and county: the points of every indicator and inner node of the
    framework (`points_<node>`), the total, the ranks and the class (int_unit_scores), and how
    far the next class is. -#}
with

node_points as (
    select * from {{ ref('int_node_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

unit_scores as (
    select * from {{ ref('int_unit_scores') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

points_pivoted as (
    select
        evaluation_year,
        unit_code,
        {{ framework_points_columns() }}
        count(*) as nodes
    from node_points
    group by evaluation_year, unit_code
),

final as (
    select
        unit_scores.evaluation_year,
        unit_scores.data_year,
        unit_scores.unit_code as county_code,
        unit_scores.unit_name as county_name,
        unit_scores.group_code as city_code,
        unit_scores.group_name as city_name,
        unit_scores.unit_kind,
        {% for node in framework_nodes() -%}
        points_pivoted.{{ adapter.quote('points_' ~ (node[0] | lower)) }},
        {% endfor -%}
        unit_scores.total_points,
        unit_scores.province_rank,
        unit_scores.city_rank,
        unit_scores.class,
        unit_scores.methodology_version,
        unit_scores.total_score,
        unit_scores.max_points as total_max_points,
        unit_scores.missing_indicators as indicators_missing,
        unit_scores.imputed_indicators as indicators_imputed,
        unit_scores.next_class,
        unit_scores.next_class_cutoff_points,
        unit_scores.next_class_target_points,
        unit_scores.points_to_next_class
    from unit_scores
    inner join points_pivoted
        on unit_scores.evaluation_year = points_pivoted.evaluation_year
        and unit_scores.unit_code = points_pivoted.unit_code
)

select * from final
