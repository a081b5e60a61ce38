{#- One row per evaluation year being built, county-level unit and base variable (the expected
    ones, and any other that was submitted), with the value in force, its file and row, the unit's
    other values (value_<variable>, for the part-whole rules), its predecessor's value the year
    before, and why a unit has no submission (its rejected files, or the files whose county could
    not be identified): the quality gate's frame for the submitted values. -#}
{%- set variables = [] -%}
{%- if execute -%}
    {%- set variables = run_query("select variable_code from " ~ ref('base_variables') ~ " order by 1").columns[0].values() -%}
{%- endif %}
with

submitted as (
    select * from {{ ref('stg_raw__submitted_values') }}
),

files as (
    select * from {{ ref('stg_raw__submission_files') }}
),

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

units as (
    select * from {{ ref('int_units_by_year') }}
),

predecessors as (
    select * from {{ ref('int_unit_predecessors') }}
),

base_variables as (
    select * from {{ ref('base_variables') }}
),

required_variables as (
    select variable_code from base_variables where reported_by in ('county', 'expert_panel')
),

current_values as (
    select evaluation_years.evaluation_year, submitted.*
    from submitted
    inner join evaluation_years on evaluation_years.data_year = submitted.data_year
),

expected_values as (
    select units.evaluation_year, units.data_year, units.unit_code, required_variables.variable_code
    from units
    inner join evaluation_years using (evaluation_year)
    cross join required_variables
),

unit_files as (
    select data_year, unit_code, string_agg(distinct file_name, '; ' order by file_name) as files
    from current_values
    group by all
),

rejected_files as (
    select data_year, unit_code,
        string_agg(file_name || '（' || coalesce(reason, status) || '）', '; ' order by file_name)
            as rejected
    from files
    where not is_withdrawn and status != 'loaded'
    group by all
),

unidentified_files as (
    select data_year, string_agg(distinct file_name, '; ' order by file_name) as files
    from {{ ref('stg_raw__ingest_problems') }}
    where problem_code in ('unknown_unit', 'ambiguous_unit', 'code_name_mismatch',
        'unreadable_file', 'unknown_layout', 'wrong_year', 'reader_failure')
    group by all
),

wide as (
    select
        data_year,
        unit_code
        {%- for variable in variables %},
        max(value) filter (where variable_code = '{{ variable }}') as value_{{ variable }}
        {%- endfor %}
    from current_values
    group by all
),

joined as (
    select
        coalesce(expected_values.evaluation_year, current_values.evaluation_year) as evaluation_year,
        coalesce(expected_values.data_year, current_values.data_year) as data_year,
        coalesce(expected_values.unit_code, current_values.unit_code) as county_code,
        coalesce(expected_values.variable_code, current_values.variable_code) as variable_code,
        current_values.value,
        current_values.raw_text,
        current_values.file_name,
        current_values.row_number,
        current_values.column_name,
        current_values.variable_code is not null as is_submitted,
        expected_values.unit_code is not null as is_expected
    from expected_values
    full outer join current_values
        on current_values.evaluation_year = expected_values.evaluation_year
        and current_values.unit_code = expected_values.unit_code
        and current_values.variable_code = expected_values.variable_code
),

final as (
    select
        joined.evaluation_year,
        joined.data_year,
        joined.county_code,
        units.unit_name as county_name,
        joined.variable_code,
        joined.value,
        joined.raw_text,
        coalesce(joined.file_name, unit_files.files) as file_name,
        joined.row_number,
        joined.column_name,
        joined.is_submitted,
        units.unit_code is not null as is_known_unit,
        unit_files.unit_code is not null as unit_has_submission,
        case
            when unit_files.unit_code is not null then null
            when rejected_files.rejected is not null then '文件被退回：' || rejected_files.rejected
            when unidentified_files.files is not null
                then '未收到可识别为该县的文件；无法识别县的文件：' || unidentified_files.files
            else '未收到该县的文件'
        end as missing_because,
        previous.value as previous_value,
        case when joined.value > 0 and previous.value > 0 then joined.value / previous.value end
            as year_over_year_ratio
        {%- for variable in variables %},
        wide.value_{{ variable }}
        {%- endfor %}
    from joined
    left join units
        on units.evaluation_year = joined.evaluation_year and units.unit_code = joined.county_code
    left join unit_files
        on unit_files.data_year = joined.data_year and unit_files.unit_code = joined.county_code
    left join rejected_files
        on rejected_files.data_year = joined.data_year
        and rejected_files.unit_code = joined.county_code
    left join unidentified_files on unidentified_files.data_year = joined.data_year
    left join wide on wide.data_year = joined.data_year and wide.unit_code = joined.county_code
    left join predecessors
        on predecessors.evaluation_year = joined.evaluation_year
        and predecessors.unit_code = joined.county_code
    left join submitted as previous
        on previous.data_year = joined.data_year - 1
        and previous.unit_code = predecessors.predecessor_code
        and previous.variable_code = joined.variable_code
)

select * from final
