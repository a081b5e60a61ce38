{#- Free text without personal data: phone numbers (mobile, landline) and the contact names of
    the submissions' header blocks (raw.submission_files) are replaced by [已隐去]. Everything that
    leaves the raw layer as text goes through this macro. -#}
{% macro scrub_contacts(column) -%}
regexp_replace(
    regexp_replace(
        regexp_replace({{ column }}, '(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)', '\1[已隐去]\2', 'g'),
        '(^|[^0-9])0[0-9]{2,3}-?[0-9]{7,8}([^0-9]|$)', '\1[已隐去]\2', 'g'
    ),
    coalesce((
        select string_agg(distinct regexp_escape(trim(contact_name)), '|')
        from {{ source('raw', 'submission_files') }}
        where length(trim(contact_name)) >= 2
    ), '[^\s\S]'),
    '[已隐去]', 'g'
)
{%- endmacro %}
