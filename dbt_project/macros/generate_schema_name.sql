{#- Use the configured schema name as is (staging, intermediate, marts, seeds) instead of
    prefixing it with the target schema, so analysts see `marts.county_scores`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
