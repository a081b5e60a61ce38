-- depends_on: {{ ref('stg_config__methodology') }}
{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each indicator value after imputation and the indicator's transform. The imputation is a
    chain of methods tried in order (`carry_forward>group_median>median`): the first that gives
    a value fills a missing one, and the row says which did and from where.
    - mean / median: over the units of the year that have a value;
    - group_mean / group_median: over the units of the same group (the methodology's
      imputation_group: group_code, the city, or unit_kind);
    - carry_forward: the unit's latest value in the `carry_forward_years` years before, following
      its lineage through renames and re-codings. -#}
{%- set max_imputation_steps = 4 %}
with

indicator_values as (
    select * from {{ ref('int_indicator_values') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

earlier_indicator_values as (
    select evaluation_year, unit_code, indicator_code, indicator_value
    from {{ ref('int_indicator_values') }}
    where indicator_value is not null
        and {{ evaluation_year_filter('evaluation_year', preceding=max_carry_forward_years()) }}
),

indicator_methods as (
    select * from {{ ref('int_indicator_methods') }}
),

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
),

lineage as (
    select * from {{ ref('int_unit_lineage') }}
),

values_with_methods as (
    select
        indicator_values.*,
        indicator_methods.imputation,
        indicator_methods.carry_forward_years,
        indicator_methods.transform,
        case indicator_methods.imputation_group
            when 'unit_kind' then units_by_year.unit_kind
            else units_by_year.group_code
        end as imputation_group_key
    from indicator_values
    inner join indicator_methods
        on indicator_values.methodology_version = indicator_methods.methodology_version
        and indicator_values.indicator_code = indicator_methods.indicator_code
    inner join units_by_year
        on indicator_values.evaluation_year = units_by_year.evaluation_year
        and indicator_values.unit_code = units_by_year.unit_code
),

year_statistics as (
    select
        evaluation_year,
        indicator_code,
        avg(indicator_value order by unit_code) as year_mean,
        median(indicator_value) as year_median
    from values_with_methods
    group by evaluation_year, indicator_code
),

group_statistics as (
    select
        evaluation_year,
        indicator_code,
        imputation_group_key,
        avg(indicator_value order by unit_code) as group_mean,
        median(indicator_value) as group_median
    from values_with_methods
    group by evaluation_year, indicator_code, imputation_group_key
),

missing_values_to_carry as (
    select
        values_with_methods.evaluation_year,
        values_with_methods.unit_code,
        values_with_methods.indicator_code,
        values_with_methods.carry_forward_years
    from values_with_methods
    where values_with_methods.indicator_value is null
        and list_contains(string_split(values_with_methods.imputation, '>'), 'carry_forward')
),

carried_values as (
    select
        missing_values_to_carry.evaluation_year,
        missing_values_to_carry.unit_code,
        missing_values_to_carry.indicator_code,
        arg_max(earlier_indicator_values.indicator_value, earlier_indicator_values.evaluation_year)
            as carried_value,
        max(earlier_indicator_values.evaluation_year) as carried_from_year,
        arg_max(earlier_indicator_values.unit_code, earlier_indicator_values.evaluation_year)
            as carried_from_unit_code
    from missing_values_to_carry
    inner join lineage as current_lineage
        on missing_values_to_carry.evaluation_year = current_lineage.evaluation_year
        and missing_values_to_carry.unit_code = current_lineage.unit_code
    inner join lineage as earlier_lineage
        on current_lineage.lineage_id = earlier_lineage.lineage_id
        and earlier_lineage.evaluation_year
            between missing_values_to_carry.evaluation_year - missing_values_to_carry.carry_forward_years
            and missing_values_to_carry.evaluation_year - 1
    inner join earlier_indicator_values
        on earlier_lineage.evaluation_year = earlier_indicator_values.evaluation_year
        and earlier_lineage.unit_code = earlier_indicator_values.unit_code
        and missing_values_to_carry.indicator_code = earlier_indicator_values.indicator_code
    group by all
),

candidates as (
    select
        values_with_methods.*,
        string_split(values_with_methods.imputation, '>') as imputation_steps,
        year_statistics.year_mean,
        year_statistics.year_median,
        group_statistics.group_mean,
        group_statistics.group_median,
        carried_values.carried_value,
        carried_values.carried_from_year,
        carried_values.carried_from_unit_code
    from values_with_methods
    inner join year_statistics
        on values_with_methods.evaluation_year = year_statistics.evaluation_year
        and values_with_methods.indicator_code = year_statistics.indicator_code
    inner join group_statistics
        on values_with_methods.evaluation_year = group_statistics.evaluation_year
        and values_with_methods.indicator_code = group_statistics.indicator_code
        and values_with_methods.imputation_group_key is not distinct from group_statistics.imputation_group_key
    left join carried_values
        on values_with_methods.evaluation_year = carried_values.evaluation_year
        and values_with_methods.unit_code = carried_values.unit_code
        and values_with_methods.indicator_code = carried_values.indicator_code
),

imputation_steps_tried as (
    select
        *,
        {%- for step in range(1, max_imputation_steps + 1) %}
        case imputation_steps[{{ step }}]
            when 'mean' then year_mean
            when 'median' then year_median
            when 'group_mean' then group_mean
            when 'group_median' then group_median
            when 'carry_forward' then carried_value
        end as step_{{ step }}_value,
        {%- endfor %}
    from candidates
),

imputed as (
    select
        *,
        coalesce(
            indicator_value,
            {%- for step in range(1, max_imputation_steps + 1) %}
            step_{{ step }}_value{{ ',' if not loop.last }}
            {%- endfor %}
        ) as imputed_value,
        case
            when indicator_value is not null then null
            {%- for step in range(1, max_imputation_steps + 1) %}
            when step_{{ step }}_value is not null then imputation_steps[{{ step }}]
            {%- endfor %}
        end as imputation_method
    from imputation_steps_tried
),

final as (
    select
        evaluation_year,
        data_year,
        methodology_version,
        unit_code,
        indicator_code,
        indicator_value,
        missing_reason,
        imputed_value,
        imputation_method is not null as is_imputed,
        imputation_method,
        case imputation_method
            when 'carry_forward' then carried_from_year
        end as imputed_from_year,
        case imputation_method
            when 'carry_forward' then carried_from_unit_code
        end as imputed_from_unit_code,
        transform,
        {{ transformed('imputed_value', 'transform') }} as transformed_value
    from imputed
)

select * from final
