{#- The division changes between data years: one row per change from an old code and name to
    a new one. `abolished_merged` ends the old unit's history; any other type continues it. -#}
with

unit_changes as (
    select * from {{ ref('unit_changes') }}
),

final as (
    select
        change_id,
        effective_by,
        old_code,
        old_name,
        new_code,
        new_name,
        change_type,
        note
    from unit_changes
)

select * from final
