{#- dbt's own `noop_statement`, except that it does not write a seed's load SQL to
    `target/run/<package>/<original_file_path>`. A seed's original_file_path is absolute when
    LEAP_DATASET_DIR is, and os.path.join then points the "run" copy at the seed CSV itself:
    `dbt seed` overwrote every seed file with its COPY statement. Nothing reads that copy. -#}
{% macro noop_statement(name=None, message=None, code=None, rows_affected=None, res=None) -%}
    {%- set sql = caller() -%}
    {%- if name == 'main' and model['resource_type'] != 'seed' -%}
        {{ log('Writing runtime SQL for node "{}"'.format(model['unique_id'])) }}
        {{ write(sql) }}
    {%- endif -%}
    {%- if name is not none -%}
        {{ store_raw_result(name, message=message, code=code, rows_affected=rows_affected, agate_table=res) }}
    {%- endif -%}
{%- endmacro %}
