{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year, county and indicator: the indicator's value, its normalised
    value and points, and the file and row its numerator and denominator came from. -#}
with

indicator_points as (
    select * from {{ ref('int_indicator_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

final as (
    select
        indicator_points.evaluation_year,
        indicator_points.data_year,
        indicator_points.unit_code as county_code,
        indicator_points.indicator_code,
        framework_tree.parent_code as dimension_code,
        indicator_points.numerator_value,
        indicator_points.denominator_value,
        indicator_points.indicator_value,
        indicator_points.normalised_value,
        indicator_points.indicator_points,
        indicator_points.max_points,
        indicator_points.is_missing,
        indicator_points.numerator_file_name,
        indicator_points.numerator_row_number,
        indicator_points.denominator_file_name,
        indicator_points.denominator_row_number,
        indicator_points.methodology_version
    from indicator_points
    inner join framework_tree
        on indicator_points.indicator_code = framework_tree.node_code
)

select * from final
