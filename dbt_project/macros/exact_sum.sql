{#- The sum of floating-point values of a group, the same whatever order the rows arrive in
    (DuckDB adds doubles in the order its threads and the tables' row order give, which changes
    the last bits from run to run): each value is taken as a DECIMAL(38, 18), whose sums are
    exact, and the total turned back into a double. For values below 10^20 in magnitude (a
    larger one is an error, never a silent change), such as points, their logarithms and
    weights. Groups of many values whose spread matters (means, deviations, moments over a
    year's units) use an aggregate ordered by unit instead. `where`: the aggregate's filter. -#}
{% macro exact_sum(expression, where=none) -%}
    cast(
        sum(cast({{ expression }} as decimal(38, 18)))
        {%- if where is not none %} filter (where {{ where }}){% endif %}
        as double
    )
{%- endmacro %}
