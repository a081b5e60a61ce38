{#- Free text without personal data: phone numbers (mobile, landline) and the contact names of
    the submissions' header blocks (raw.submission_files) are replaced by [已隐去]. Everything that
    leaves the raw layer as text goes through this macro.
    `names_from_variable`: DuckDB compiles a regular expression that is not a constant once per
    row (18 s for the demo's 26,000 submitted values, most of a build at scale); a model over
    many rows sets the names' pattern once per build as a DuckDB variable (pre-hook
    `set_contact_names_pattern()`) and passes `names_from_variable=true`: DuckDB reads the
    variable as a constant and compiles it once. Without the pre-hook the model fails (never a
    text left unscrubbed or emptied). The names themselves never appear in the compiled SQL or
    dbt's logs. -#}
{% macro scrub_contacts(column, names_from_variable=false) -%}
{%- if names_from_variable -%}
case
    when getvariable('leap_contact_names_pattern') is null then error(
        'scrub_contacts: the variable leap_contact_names_pattern is not set '
        || '(the model needs the pre-hook set_contact_names_pattern())'
    )
    else {{ _scrub_contacts(column, "getvariable('leap_contact_names_pattern')") }}
end
{%- else -%}
{{ _scrub_contacts(column, contact_names_pattern()) }}
{%- endif -%}
{%- endmacro %}

{% macro _scrub_contacts(column, names_pattern) -%}
regexp_replace(
    regexp_replace(
        regexp_replace({{ column }}, '(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)', '\1[已隐去]\2', 'g'),
        '(^|[^0-9])0[0-9]{2,3}-?[0-9]{7,8}([^0-9]|$)', '\1[已隐去]\2', 'g'
    ),
    {{ names_pattern }},
    '[已隐去]', 'g'
)
{%- endmacro %}

{#- The contact names as one regular expression (a pattern matching nothing when there are
    none). -#}
{% macro contact_names_pattern() -%}
coalesce((
    select string_agg(distinct regexp_escape(trim(contact_name)), '|')
    from {{ source('raw', 'submission_files') }}
    where length(trim(contact_name)) >= 2
), '[^\s\S]')
{%- endmacro %}

{#- The pre-hook of a model that calls scrub_contacts(..., names_from_variable=true). -#}
{% macro set_contact_names_pattern() -%}
set variable leap_contact_names_pattern = {{ contact_names_pattern() }}
{%- endmacro %}
