{#- Rows whose combination of columns occurs more than once (the model's grain is violated).
    When the combination includes evaluation_year, only the years the run builds are checked
    (the others were checked when they were built): a yearly partition then does not re-read
    every year of a large table. A combination with data_year but no evaluation_year (the
    staging of raw values) checks the data years the run's evaluation years score. -#}
{% test unique_combination(model, combination) %}
select {{ combination | join(', ') }}, count(*) as occurrences
from {{ model }}
{% if 'evaluation_year' in combination -%}
where {{ evaluation_year_filter('evaluation_year', following=1) }}
{% elif 'data_year' in combination -%}
where {{ run_data_year_filter('data_year') }}
{% endif -%}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
