{#- Rows whose value lies outside [min_value, max_value] (either bound optional); with
    `per_evaluation_year`, only in the years the run builds. -#}
{% test within_range(model, column_name, min_value=none, max_value=none, per_evaluation_year=false) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and (
      {% if min_value is not none %}{{ column_name }} < {{ min_value }}{% else %}false{% endif %}
      or {% if max_value is not none %}{{ column_name }} > {{ max_value }}{% else %}false{% endif %}
  )
  {% if per_evaluation_year %}and {{ evaluation_year_filter('evaluation_year') }}{% endif %}
{% endtest %}
