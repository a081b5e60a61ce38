{#- One `points_<node>` column per indicator and dimension of the framework tree, read from the
    framework seed when the model runs, so that another framework needs no SQL change. -#}
{% macro framework_nodes() -%}
    {%- if execute -%}
        {%- set query -%}
            select node_code, node_type
            from {{ ref('framework') }}
            where parent_code is not null
            order by case node_type when 'indicator' then 1 else 0 end, sort_order, node_code
        {%- endset -%}
        {{ return(run_query(query).rows) }}
    {%- else -%}
        {{ return([]) }}
    {%- endif -%}
{%- endmacro %}

{% macro framework_points_columns(node_column='node_code', points_column='node_points') -%}
    {%- for node in framework_nodes() %}
    max(case when {{ node_column }} = '{{ node[0] }}' then {{ points_column }} end) as {{ adapter.quote('points_' ~ (node[0] | lower)) }},
    {%- endfor %}
{%- endmacro %}
