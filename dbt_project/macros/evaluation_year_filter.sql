{#- The evaluation years being built: the range of the run (dbt vars `first_evaluation_year`
    and `last_evaluation_year`, the Dagster run's partition range), one year (`evaluation_year`,
    both ends at once), or none given: every year present (returns none). -#}
{% macro evaluation_year_range() -%}
    {%- set single = var('evaluation_year', none) -%}
    {%- set first = var('first_evaluation_year', single) -%}
    {%- set last = var('last_evaluation_year', single) -%}
    {%- if first is none or first | string | trim == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if last is none or last | string | trim == '' -%}
        {%- set last = first -%}
    {%- endif -%}
    {{ return([first | int, last | int]) }}
{%- endmacro %}

{#- The rows of the evaluation years being built (see evaluation_year_range), or every year.
    `following` widens the window to later years whose results depend on these (transitions
    compare a year with the one before); `preceding` to earlier years a comparison reads.
    A methodology version that pools its years (`minmax_pooled` normalisation) makes every year
    of that version depend on every other: building one of its years rebuilds them all.
    The pipeline parses the project once with a range set (orchestration/defs/dbt.py,
    PARSE_VARS), so that the dependency on int_evaluation_years is in the manifest every run
    uses; a parse without a range (dbt's unit tests) has no such dependency. -#}
{% macro evaluation_year_filter(column='evaluation_year', following=0, preceding=0) -%}
    {%- set range = evaluation_year_range() -%}
    {%- if range is none -%}
        true
    {%- else -%}
        {%- set evaluation_years_model = ref('int_evaluation_years') -%}
        ({{ column }} between {{ range[0] - preceding }} and {{ range[1] + following }}
        or {{ column }} in (
            select pooled_years.evaluation_year - years_before.years_back
            from {{ evaluation_years_model }} as pooled_years
            inner join {{ evaluation_years_model }} as built_years
                on pooled_years.methodology_version = built_years.methodology_version
            cross join range(0, {{ preceding + 1 }}) as years_before(years_back)
            where built_years.pools_years
                and built_years.evaluation_year between {{ range[0] }} and {{ range[1] + following }}
        ))
    {%- endif -%}
{%- endmacro %}

{#- The data years the evaluation years being built score, as a constant list (read when the
    model runs), for filters that must reach below a window function: DuckDB pushes a constant
    filter on a partition column through it (the staging model's latest-submission window), a
    join on evaluation years it does not. -#}
{% macro data_year_filter(column='data_year', following=0, preceding=0) -%}
    {%- if evaluation_year_range() is none -%}
        true
    {%- else -%}
        {%- set evaluation_years_model = ref('int_evaluation_years') -%}
        {%- set query -%}
            select distinct data_year
            from {{ evaluation_years_model }}
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

{#- The data years the run's evaluation years score, read from the methodology seed when the
    model runs (the staging of raw submissions is upstream of int_evaluation_years, so it
    cannot use data_year_filter): `column in (...)`, or true when every year is built. -#}
{% macro run_data_year_filter(column='data_year') -%}
    {%- set methodology_model = ref('stg_config__methodology') -%}
    {%- set range = evaluation_year_range() -%}
    {%- if range is none or not execute -%}
        true
    {%- else -%}
        {%- set query -%}
            select distinct evaluation_years.evaluation_year - methodology.data_year_lag
            from range({{ range[0] }}, {{ range[1] + 1 }}) as evaluation_years(evaluation_year)
            inner join {{ methodology_model }} as methodology
                on evaluation_years.evaluation_year between methodology.first_evaluation_year
                and coalesce(methodology.last_evaluation_year, 9999)
            order by 1
        {%- endset -%}
        {%- set data_years = run_query(query).columns[0].values() -%}
        {%- if data_years | length == 0 -%}
            false
        {%- else -%}
            {{ column }} in ({{ data_years | join(', ') }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
