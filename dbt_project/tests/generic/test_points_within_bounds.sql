{#- Rows whose points lie outside [0, max_column] (to rounding), except under a methodology
    version whose scores are not on [0, 1]: some indicator normalised by z-score or by raw
    rank (unbounded), or a scale other than [0, 1] (normalised_lower, normalised_upper). -#}
{% test points_within_bounds(model, column_name, max_column, indicator_methods) %}
select *
from {{ model }}
where ({{ column_name }} < -1e-9 or {{ column_name }} > {{ max_column }} + 1e-9)
    and methodology_version not in (
        select methodology_version from {{ indicator_methods }}
        where normalisation = 'zscore'
            or (normalisation = 'rank' and rank_scale = 'raw')
            or normalised_lower != 0
            or normalised_upper != 1
    )
{% endtest %}
