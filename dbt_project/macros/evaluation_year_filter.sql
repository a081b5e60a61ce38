{#- The rows of the evaluation year being built (the Dagster partition, dbt var
    `evaluation_year`), or every year when no year is given. `following` widens the window to
    later years whose results depend on this one (transitions compare a year with the one before);
    `preceding` to earlier years a comparison reads.
    A methodology version that pools its years (`minmax_pooled` normalisation) makes every year
    of that version depend on every other: building one of its years rebuilds them all. -#}
{% macro evaluation_year_filter(column='evaluation_year', following=0, preceding=0) -%}
    {%- set year = var('evaluation_year', none) -%}
    {%- if year is none or year | string | trim == '' -%}
        true
    {%- else -%}
        ({{ column }} between {{ year | int - preceding }} and {{ year | int + following }}
        or {{ column }} in (
            select pooled_years.evaluation_year - years_before.years_back
            from {{ ref('int_evaluation_years') }} as pooled_years
            inner join {{ ref('int_evaluation_years') }} as built_years
                on pooled_years.methodology_version = built_years.methodology_version
            cross join range(0, {{ preceding + 1 }}) as years_before(years_back)
            where built_years.pools_years
                and built_years.evaluation_year between {{ year | int }} and {{ year | int + following }}
        ))
    {%- endif -%}
{%- endmacro %}

{#- The data years the evaluation years being built score, as a constant list (read when the
    model runs), for filters that must reach below a window function: DuckDB pushes a constant
    filter on a partition column through it (the staging model's latest-submission window), a
    join on evaluation years it does not. -#}
{% macro data_year_filter(column='data_year', following=0, preceding=0) -%}
    {%- set year = var('evaluation_year', none) -%}
    {%- if year is none or year | string | trim == '' -%}
        true
    {%- else -%}
        {%- set query -%}
            select distinct data_year
            from {{ ref('int_evaluation_years') }}
            where {{ evaluation_year_filter('evaluation_year', following, preceding) }}
            order by data_year
        {%- endset -%}
        {%- if execute -%}
            {%- set data_years = run_query(query).columns[0].values() -%}
            {%- if data_years | length == 0 -%}
                false
            {%- else -%}
                {{ column }} in ({{ data_years | join(', ') }})
            {%- endif -%}
        {%- else -%}
            true
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The most years back any methodology version carries values forward (read when the model
    runs), so that carry-forward reads only the years it may reach. -#}
{% macro max_carry_forward_years() -%}
    {%- if execute -%}
        {%- set query -%}
            select coalesce(max(carry_forward_years), 1) from {{ ref('stg_config__methodology') }}
        {%- endset -%}
        {{ return(run_query(query).columns[0].values()[0] | int) }}
    {%- else -%}
        {{ return(1) }}
    {%- endif -%}
{%- endmacro %}
