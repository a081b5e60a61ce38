{#- Each unit's predecessor in the previous evaluation year: the same code if it existed then,
    else the unit it was re-coded from (division changes). An abolished unit has no successor
    here: its history ends. -#}
with

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
),

unit_changes as (
    select * from {{ ref('stg_config__unit_changes') }}
),

previous_year_units as (
    select evaluation_year + 1 as next_evaluation_year, unit_code, unit_name
    from units_by_year
),

same_code as (
    select
        units_by_year.evaluation_year,
        units_by_year.unit_code,
        previous_year_units.unit_code as predecessor_code,
        previous_year_units.unit_name as predecessor_name,
        case
            when previous_year_units.unit_name = units_by_year.unit_name then 'same'
            else 'renamed'
        end as succession
    from units_by_year
    inner join previous_year_units
        on units_by_year.evaluation_year = previous_year_units.next_evaluation_year
        and units_by_year.unit_code = previous_year_units.unit_code
),

recoded as (
    select
        units_by_year.evaluation_year,
        units_by_year.unit_code,
        previous_year_units.unit_code as predecessor_code,
        previous_year_units.unit_name as predecessor_name,
        unit_changes.change_type as succession
    from units_by_year
    inner join unit_changes
        on cast(unit_changes.new_code as varchar) = units_by_year.unit_code
        and unit_changes.change_type != 'abolished_merged'
    inner join previous_year_units
        on units_by_year.evaluation_year = previous_year_units.next_evaluation_year
        and cast(unit_changes.old_code as varchar) = previous_year_units.unit_code
    anti join same_code
        on same_code.evaluation_year = units_by_year.evaluation_year
        and same_code.unit_code = units_by_year.unit_code
),

final as (
    select * from same_code
    union all
    select * from recoded
)

select * from final
