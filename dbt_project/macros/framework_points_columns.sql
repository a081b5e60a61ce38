{#- One `points_<node>` column per indicator and inner node of the framework tree (over every
    methodology version), read from the framework seed when the model runs, so that another
    framework needs no SQL change. -#}
{% macro framework_nodes() -%}
    {%- if execute -%}
        {%- set query -%}
            select node_code, min(node_type) as node_type
            from {{ ref('stg_config__framework') }}
            where parent_code is not null
            group by node_code
            order by bool_or(node_type = 'indicator'), min(sort_order), node_code
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

{#- The depth of the deepest node of the framework trees (the root has depth 0): how many
    levels the bottom-up aggregation and the top-down attribution unroll into. -#}
{% macro framework_max_depth() -%}
    {%- if execute -%}
        {%- set query -%}
            with recursive tree as (
                select methodology_version, node_code, 0 as depth
                from {{ ref('stg_config__framework') }}
                where parent_code is null
                union all
                select framework.methodology_version, framework.node_code, tree.depth + 1
                from {{ ref('stg_config__framework') }} as framework
                inner join tree
                    on framework.parent_code = tree.node_code
                    and framework.methodology_version = tree.methodology_version
                where tree.depth < 50
            )
            select coalesce(max(depth), 1) from tree
        {%- endset -%}
        {{ return(run_query(query).columns[0].values()[0] | int) }}
    {%- else -%}
        {{ return(1) }}
    {%- endif -%}
{%- endmacro %}
