{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year, county and indicator: every step from the submitted figures to
    the points (the base values and the file, sheet, row and column they came from; the
    indicator value; imputation; transform; outlier treatment; normalisation; points) and the
    indicator's contribution to the county's total. The published copy is sorted by county
    (orchestration/warehouse/publish.py), where analysts ask their questions. -#}
with

indicator_points as (
    select * from {{ ref('int_indicator_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicator_values as (
    select * from {{ ref('int_indicator_values') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

node_contributions as (
    select * from {{ ref('int_node_contributions') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

-- the lineage of each base value in force, by its key (resolved here, not carried upstream)
submitted_values as (
    select
        data_year,
        unit_code,
        variable_code,
        raw_text,
        file_name,
        sheet,
        row_number,
        column_name,
        file_sha256
    from {{ ref('stg_raw__submitted_values') }}
    where {{ data_year_filter('data_year') }}
),

final as (
    select
        indicator_points.evaluation_year,
        indicator_points.data_year,
        indicator_points.unit_code as county_code,
        indicator_points.indicator_code,
        framework_tree.parent_code as dimension_code,
        indicator_values.numerator_value,
        indicator_values.denominator_value,
        indicator_points.indicator_value,
        indicator_points.normalised_value,
        indicator_points.indicator_points,
        indicator_points.max_points,
        indicator_points.is_missing,
        numerator.file_name as numerator_file_name,
        numerator.row_number as numerator_row_number,
        denominator.file_name as denominator_file_name,
        denominator.row_number as denominator_row_number,
        indicator_points.methodology_version,
        indicator_values.missing_reason,
        indicator_points.is_imputed,
        indicator_points.imputation_method,
        indicator_points.imputed_value,
        indicator_points.imputed_from_year,
        indicator_points.imputed_from_unit_code,
        indicator_points.transform,
        indicator_points.transformed_value,
        indicator_points.outlier_treatment_applied,
        indicator_points.treated_value,
        indicator_points.normalisation,
        indicator_points.direction,
        node_contributions.contribution_points,
        indicator_values.numerator_variable,
        numerator.raw_text as numerator_raw_text,
        numerator.sheet as numerator_sheet,
        numerator.column_name as numerator_column_name,
        numerator.file_sha256 as numerator_file_sha256,
        indicator_values.denominator_variable,
        denominator.raw_text as denominator_raw_text,
        denominator.sheet as denominator_sheet,
        denominator.column_name as denominator_column_name,
        denominator.file_sha256 as denominator_file_sha256
    from indicator_points
    inner join indicator_values
        on indicator_points.evaluation_year = indicator_values.evaluation_year
        and indicator_points.unit_code = indicator_values.unit_code
        and indicator_points.indicator_code = indicator_values.indicator_code
    inner join framework_tree
        on indicator_points.methodology_version = framework_tree.methodology_version
        and indicator_points.indicator_code = framework_tree.node_code
    left join node_contributions
        on indicator_points.evaluation_year = node_contributions.evaluation_year
        and indicator_points.unit_code = node_contributions.unit_code
        and indicator_points.indicator_code = node_contributions.node_code
    left join submitted_values as numerator
        on indicator_values.data_year = numerator.data_year
        and indicator_values.unit_code = numerator.unit_code
        and indicator_values.numerator_variable = numerator.variable_code
    left join submitted_values as denominator
        on indicator_values.data_year = denominator.data_year
        and indicator_values.unit_code = denominator.unit_code
        and indicator_values.denominator_variable = denominator.variable_code
)

select * from final
