{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year and class of the methodology in force: the class's lowest
    score (points, or percent of the year's mean score under class_scheme relative_to_mean) and
    its rank (1 = best). -#}
with

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

class_cutoffs as (
    select * from {{ ref('stg_config__class_cutoffs') }}
),

final as (
    select
        evaluation_years.evaluation_year,
        class_cutoffs.methodology_version,
        class_cutoffs.class_code,
        class_cutoffs.min_score,
        class_cutoffs.class_rank
    from evaluation_years
    inner join class_cutoffs
        on evaluation_years.methodology_version = class_cutoffs.methodology_version
)

select * from final
