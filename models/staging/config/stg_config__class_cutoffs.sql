{#- The classes of each methodology version with their lowest score (points, or percent of the
    mean under `relative_to_mean`); class_rank 1 is the best class. -#}
with

class_cutoffs as (
    select * from {{ ref('class_cutoffs') }}
),

final as (
    select
        methodology_version,
        class_code,
        min_score,
        class_rank
    from class_cutoffs
)

select * from final
