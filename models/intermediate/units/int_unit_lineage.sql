{#- Each unit and evaluation year with the lineage it belongs to: the unit code and year where
    its history starts, following the predecessors (a renamed or re-coded unit continues its
    predecessor's lineage; a unit without a predecessor starts one). Carry-forward imputation,
    best-ever ranks and year-over-year explanations follow lineages. -#}
with recursive

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
),

predecessors as (
    select * from {{ ref('int_unit_predecessors') }}
),

lineage_starts as (
    select
        units_by_year.evaluation_year,
        units_by_year.unit_code,
        units_by_year.unit_code as lineage_code,
        units_by_year.evaluation_year as lineage_start_year
    from units_by_year
    anti join predecessors
        on units_by_year.evaluation_year = predecessors.evaluation_year
        and units_by_year.unit_code = predecessors.unit_code
),

lineage as (
    select * from lineage_starts

    union all

    select
        predecessors.evaluation_year,
        predecessors.unit_code,
        lineage.lineage_code,
        lineage.lineage_start_year
    from lineage
    inner join predecessors
        on predecessors.evaluation_year = lineage.evaluation_year + 1
        and predecessors.predecessor_code = lineage.unit_code
),

final as (
    select
        evaluation_year,
        unit_code,
        lineage_code || '@' || lineage_start_year as lineage_id,
        lineage_code,
        lineage_start_year
    from lineage
)

select * from final
