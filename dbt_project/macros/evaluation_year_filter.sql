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
