{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- Each unit's composite score in each evaluation year with its ranks and class.
    Ranks: 1 = highest total, province-wide and within the unit's group (city); totals equal to
    9 decimals tie, and `rank_ties` says how: `min` (1, 2, 2, 4), `max` (1, 3, 3, 4), `dense`
    (1, 2, 2, 3) or `first` (ties broken by unit code). A unit without a total has no rank.
    Classes: a cut-off's min_score is in points (`absolute`) or in percent of the year's mean
    total (`relative_to_mean`, the EIS performance groups); a unit is in the class with the
    highest cut-off it reaches, else in the lowest class. The next class's target is the total
    that reaches its cut-off; relative to the mean, the unit's own rise moves the mean too, and
    the target T solves T = p * (S - P + T) / n (S the sum and n the count of totals, P the
    unit's total, p the cut-off as a share of the mean). -#}
with

node_points as (
    select * from {{ ref('int_node_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

units_by_year as (
    select * from {{ ref('int_units_by_year') }}
),

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
),

class_cutoffs as (
    select * from {{ ref('stg_config__class_cutoffs') }}
),

totals as (
    select
        node_points.evaluation_year,
        node_points.data_year,
        node_points.methodology_version,
        node_points.unit_code,
        units_by_year.unit_name,
        units_by_year.unit_kind,
        units_by_year.group_code,
        units_by_year.group_name,
        node_points.node_points as total_points,
        node_points.node_score as total_score,
        node_points.max_points,
        node_points.indicators,
        node_points.missing_indicators,
        node_points.imputed_indicators,
        round(node_points.node_points, 9) as ranked_points,
        evaluation_years.class_scheme,
        evaluation_years.rank_ties
    from node_points
    inner join units_by_year
        on node_points.evaluation_year = units_by_year.evaluation_year
        and node_points.unit_code = units_by_year.unit_code
    inner join evaluation_years
        on node_points.evaluation_year = evaluation_years.evaluation_year
    where node_points.depth = 0
),

ranked as (
    select
        *,
        rank() over province_order as province_rank_min,
        dense_rank() over province_order as province_rank_dense,
        row_number() over (
            partition by evaluation_year order by ranked_points desc nulls last, unit_code
        ) as province_rank_first,
        count(*) over (province_order range between unbounded preceding and current row)
            as province_rank_max,
        rank() over city_order as city_rank_min,
        dense_rank() over city_order as city_rank_dense,
        row_number() over (
            partition by evaluation_year, group_code
            order by ranked_points desc nulls last, unit_code
        ) as city_rank_first,
        count(*) over (city_order range between unbounded preceding and current row)
            as city_rank_max,
        avg(total_points) over year_in_unit_order as year_mean_points,
        sum(total_points) over year_in_unit_order as year_sum_points,
        count(total_points) over (partition by evaluation_year) as units_scored
    from totals
    window
        -- sums in one order (by unit), so identical inputs give identical bits
        year_in_unit_order as (
            partition by evaluation_year order by unit_code
            rows between unbounded preceding and unbounded following
        ),
        province_order as (partition by evaluation_year order by ranked_points desc nulls last),
        city_order as (partition by evaluation_year, group_code order by ranked_points desc nulls last)
),

cutoffs_in_points as (
    select
        ranked.evaluation_year,
        ranked.unit_code,
        class_cutoffs.class_code,
        class_cutoffs.class_rank,
        case ranked.class_scheme
            when 'relative_to_mean' then class_cutoffs.min_score / 100.0 * ranked.year_mean_points
            else class_cutoffs.min_score
        end as cutoff_points,
        case ranked.class_scheme
            when 'relative_to_mean' then
                case when ranked.units_scored > class_cutoffs.min_score / 100.0
                    then class_cutoffs.min_score / 100.0
                        * (ranked.year_sum_points - ranked.total_points)
                        / (ranked.units_scored - class_cutoffs.min_score / 100.0)
                end
            else class_cutoffs.min_score
        end as target_points,
        ranked.total_points
    from ranked
    inner join class_cutoffs
        on ranked.methodology_version = class_cutoffs.methodology_version
),

classes as (
    select
        evaluation_year,
        unit_code,
        coalesce(
            arg_max(class_code, cutoff_points) filter (where total_points >= cutoff_points),
            arg_min(class_code, cutoff_points)
        ) as class,
        arg_min(class_code, cutoff_points) filter (where total_points < cutoff_points)
            as next_class,
        min(cutoff_points) filter (where total_points < cutoff_points) as next_class_cutoff_points,
        arg_min(target_points, cutoff_points) filter (where total_points < cutoff_points)
            as next_class_target_points
    from cutoffs_in_points
    where total_points is not null
    group by evaluation_year, unit_code
),

final as (
    select
        ranked.evaluation_year,
        ranked.data_year,
        ranked.methodology_version,
        ranked.unit_code,
        ranked.unit_name,
        ranked.unit_kind,
        ranked.group_code,
        ranked.group_name,
        ranked.total_points,
        ranked.total_score,
        ranked.max_points,
        ranked.indicators,
        ranked.missing_indicators,
        ranked.imputed_indicators,
        case when ranked.total_points is not null then
            case ranked.rank_ties
                when 'dense' then ranked.province_rank_dense
                when 'first' then ranked.province_rank_first
                when 'max' then ranked.province_rank_max
                else ranked.province_rank_min
            end
        end as province_rank,
        case when ranked.total_points is not null then
            case ranked.rank_ties
                when 'dense' then ranked.city_rank_dense
                when 'first' then ranked.city_rank_first
                when 'max' then ranked.city_rank_max
                else ranked.city_rank_min
            end
        end as city_rank,
        ranked.rank_ties,
        classes.class,
        class_cutoffs.class_rank,
        ranked.class_scheme,
        classes.next_class,
        classes.next_class_cutoff_points,
        classes.next_class_target_points,
        classes.next_class_target_points - ranked.total_points as points_to_next_class,
        ranked.year_mean_points,
        ranked.units_scored
    from ranked
    left join classes
        on ranked.evaluation_year = classes.evaluation_year
        and ranked.unit_code = classes.unit_code
    left join class_cutoffs
        on ranked.methodology_version = class_cutoffs.methodology_version
        and classes.class = class_cutoffs.class_code
)

select * from final
