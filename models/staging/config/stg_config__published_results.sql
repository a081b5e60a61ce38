{#- The figures the province published per evaluation year (empty where not published), with
    where each came from: the targets the demo data is calibrated to, and the comparison the
    summary prints. -#}
with

published_results as (
    select * from {{ ref('published_results') }}
),

final as (
    select
        evaluation_year,
        units,
        class_a,
        class_b,
        class_c,
        mean_score,
        class_leaps,
        demotions,
        score_up,
        rank_up,
        provenance
    from published_results
)

select * from final
