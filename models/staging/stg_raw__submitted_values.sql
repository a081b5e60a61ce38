-- depends_on: {{ ref('stg_config__methodology') }}, {{ source('raw', 'submission_files') }}
{{
    config(
        materialized='incremental',
        unique_key='data_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        pre_hook="{{ set_contact_names_pattern() }}",
    )
}}
{#- The value in force for each unit, data year and variable: the latest delivered file that is
    not withdrawn supersedes earlier ones (all stay in the raw layer). A table rebuilt for the
    data years of the run, so that the latest-submission window runs once per run, not once per
    reader: the indicator values read the values, the mart county_indicator_points their lineage
    (file, sheet, row, column, SHA-256), by the value's key (data year, unit, variable). -#}
with

submitted_values as (
    select * from {{ source('raw', 'submitted_values') }}
    where unit_code is not null
    {%- if is_incremental() %}
        and {{ run_data_year_filter('data_year') }}
    {%- endif %}
),

current_files as (
    select data_year, file_sha256, delivered_at from {{ ref('stg_raw__submission_files') }}
    where not is_withdrawn
),

ranked as (
    select
        submitted_values.*,
        row_number() over (
            partition by submitted_values.data_year, unit_code, variable_code
            order by current_files.delivered_at desc, file_name desc, row_number desc
        ) as submission_recency
    from submitted_values
    inner join current_files using (data_year, file_sha256)
),

final as (
    select
        cast(data_year as integer) as data_year,
        cast(unit_code as varchar) as unit_code,
        variable_code,
        value,
        is_missing,
        {{ scrub_contacts('raw_text', names_from_variable=true) }} as raw_text,
        unit_found,
        conversion_factor,
        layout,
        file_name,
        file_sha256,
        sheet,
        row_number,
        column_name,
        received_at,
        remark,
        unit_stated_in,
        conversion
    from ranked
    where submission_recency = 1
)

select * from final
