{#- The rows of the evaluation year being built (the Dagster partition, dbt var
    `evaluation_year`), or every year when no year is given. `following` widens the window to
    later years whose results depend on this one (transitions compare a year with the one before). -#}
{% macro evaluation_year_filter(column='evaluation_year', following=0) -%}
    {%- set year = var('evaluation_year', none) -%}
    {%- if year is none or year | string | trim == '' -%}
        true
    {%- else -%}
        {{ column }} between {{ year | int }} and {{ year | int + following }}
    {%- endif -%}
{%- endmacro %}
