{#- Fails with every row of `problems` (a model listing what is wrong, e.g. with a
    configuration): attached to the model whose consumers must not run while it has rows. -#}
{% test has_no_rows_in(model, problems) %}
select * from {{ problems }}
{% endtest %}
