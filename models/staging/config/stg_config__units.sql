{#- The unit registry: one row per unit and span of data years under one code and name (a code
    is reused after a rename, so the key is unit_code with valid_from_data_year). The columns
    first_seen, last_seen and unit_name_pinyin are optional in a dataset folder: the empty
    select below adds those a units.csv lacks, as nulls. -#}
with

units as (
    select * from {{ ref('units') }}
    union all by name
    select
        cast(null as date) as first_seen,
        cast(null as date) as last_seen,
        cast(null as varchar) as unit_name_pinyin
    where false
),

final as (
    select
        unit_code,
        unit_name,
        unit_name_pinyin,
        unit_kind,
        group_code,
        group_name,
        valid_from_data_year,
        valid_to_data_year,
        first_seen,
        last_seen
    from units
)

select * from final
