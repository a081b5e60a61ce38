{#- One row per evaluation year being built, county-level unit and base variable (the expected
    ones, and any other that was submitted), with the value in force, its file and row, the unit's
    other values (value_<variable>, for the part-whole rules), its predecessor's value the year
    before, whether the unit sent anything of the variable's source (its own forms, or the expert
    panel's scores) and why a value is missing: the unit's rejected files, the files of the year
    whose county could not be identified (first those naming the unit in their cells or file
    name), or a row missing from the unit's files. The quality gate's frame for the submitted
    values. -#}
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

problems as (
    select * from {{ ref('stg_raw__ingest_problems') }}
),

required_variables as (
    select variable_code, reported_by from base_variables
    where reported_by in ('county', 'expert_panel')
),

current_values as (
    select evaluation_years.evaluation_year, submitted.*, base_variables.reported_by
    from submitted
    inner join evaluation_years on evaluation_years.data_year = submitted.data_year
    left join base_variables using (variable_code)
),

expected_values as (
    select
        units.evaluation_year,
        units.data_year,
        units.unit_code,
        required_variables.variable_code,
        required_variables.reported_by
    from units
    inner join evaluation_years using (evaluation_year)
    cross join required_variables
),

source_files as (
    select data_year, unit_code, reported_by,
        string_agg(distinct file_name, '; ' order by file_name) as files
    from current_values
    group by all
),

rejected_files as (
    select data_year, unit_code,
        string_agg(file_name || '（' || coalesce(reason, status) || '）', '; ' order by file_name)
            as files
    from files
    where not is_withdrawn and status != 'loaded' and unit_code is not null
    group by all
),

unplaced_files as (
    select data_year, file_name, problem_code || '：' || expected as reason,
        concat_ws(' ', found_text, file_name) as named
    from problems
    where unit_code is null and problem_code in ('unknown_unit', 'ambiguous_unit',
        'abolished_unit', 'unit_not_valid_in_year', 'unreadable_file', 'unsupported_file',
        'unknown_layout', 'wrong_year', 'reader_failure')
),

year_unplaced_files as (
    select data_year,
        string_agg(file_name || '（' || reason || '）', '; ' order by file_name) as files
    from unplaced_files
    group by all
),

unit_unplaced_files as (
    select units.evaluation_year, units.unit_code,
        string_agg(file_name || '（' || reason || '）', '; ' order by file_name) as files
    from units
    inner join unplaced_files
        on unplaced_files.data_year = units.data_year
        and (contains(unplaced_files.named, units.unit_code)
            or contains(unplaced_files.named, units.unit_name))
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
        coalesce(expected_values.reported_by, current_values.reported_by) as reported_by,
        case coalesce(expected_values.reported_by, current_values.reported_by)
            when 'expert_panel' then '专家评分' else '报表'
        end as source_name,
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
        coalesce(joined.file_name, source_files.files) as file_name,
        joined.row_number,
        joined.column_name,
        joined.is_submitted,
        units.unit_code is not null as is_known_unit,
        source_files.unit_code is not null as unit_has_submission,
        case
            when joined.is_submitted then null
            when source_files.unit_code is not null then '该县的报送文件中没有这一指标'
            when rejected_files.files is not null then '文件被退回：' || rejected_files.files
            when unit_unplaced_files.files is not null
                then '该县的文件（按名称或代码）被退回或未能识别县：' || unit_unplaced_files.files
            when year_unplaced_files.files is not null
                then '未收到可识别为该县的' || joined.source_name
                    || '；本年度被退回或未能识别县的文件：' || year_unplaced_files.files
            else '未收到该县的' || joined.source_name
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
    left join source_files
        on source_files.data_year = joined.data_year
        and source_files.unit_code = joined.county_code
        and source_files.reported_by = joined.reported_by
    left join rejected_files
        on rejected_files.data_year = joined.data_year
        and rejected_files.unit_code = joined.county_code
    left join unit_unplaced_files
        on unit_unplaced_files.evaluation_year = joined.evaluation_year
        and unit_unplaced_files.unit_code = joined.county_code
    left join year_unplaced_files on year_unplaced_files.data_year = joined.data_year
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
