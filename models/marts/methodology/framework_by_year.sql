{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year and node of the framework tree the year was scored with: its
    place in the tree, its weight and its effective points on the score's scale (max_points:
    its share of its parent's points, down from the root). -#}
with

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

final as (
    select
        evaluation_years.evaluation_year,
        framework_tree.methodology_version,
        framework_tree.node_code,
        framework_tree.parent_code,
        framework_tree.node_type,
        framework_tree.name_zh,
        framework_tree.name_en,
        framework_tree.weight,
        framework_tree.effective_points as max_points,
        framework_tree.sort_order,
        framework_tree.aggregation,
        framework_tree.depth
    from evaluation_years
    inner join framework_tree
        on evaluation_years.methodology_version = framework_tree.methodology_version
)

select * from final
