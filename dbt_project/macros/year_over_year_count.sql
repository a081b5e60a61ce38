{#- The number of a year's units for which `condition` holds, among the units compared with the
    previous evaluation year; NULL (not applicable) when no unit of the year has a previous
    year's score to compare with (the first evaluation year, or a year whose previous year was
    never built): a 0 would claim that nobody leapt or rose. For aggregates over one evaluation
    year's rows of county_transitions. -#}
{% macro year_over_year_count(condition) -%}
    case
        when count(previous_total_points) > 0 then count(*) filter (where {{ condition }})
    end
{%- endmacro %}
