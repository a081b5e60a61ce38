{#- Rows whose points lie outside [0, max_column] (to rounding), except under a methodology
    version that normalises some indicator by z-score, whose points are unbounded. -#}
{% test points_within_bounds(model, column_name, max_column, indicator_methods) %}
select *
from {{ model }}
where ({{ column_name }} < -1e-9 or {{ column_name }} > {{ max_column }} + 1e-9)
    and methodology_version not in (
        select methodology_version from {{ indicator_methods }} where normalisation = 'zscore'
    )
{% endtest %}
