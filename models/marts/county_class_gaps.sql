{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- One row per evaluation year, county below the top class and indicator: how far the county
    is from the next class's cut-off, and what this indicator alone (everything else unchanged)
    would have to score to close the gap: its target points and normalised value
    (int_node_contributions.target_points), whether that is attainable (at most the best score
    of the year's scale: int_indicator_scales.best_normalised_value), and the indicator value that scores it, undoing the normalisation,
    outlier treatment and transform (null under rank and percentile normalisation, whose scores
    depend on the other units' values). points_headroom is what the total would gain if the
    indicator reached its best score, where the path to the total is all arithmetic. The
    indicators that close the gap most easily need the smallest normalised_value_needed -
    normalised_value. -#}
with

node_contributions as (
    select * from {{ ref('int_node_contributions') }}
    where {{ evaluation_year_filter('evaluation_year') }}
        and node_type = 'indicator'
),

unit_scores as (
    select * from {{ ref('int_unit_scores') }}
    where {{ evaluation_year_filter('evaluation_year') }}
        and next_class is not null
),

indicator_points as (
    select * from {{ ref('int_indicator_points') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

scales as (
    select * from {{ ref('int_indicator_scales') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

outlier_treatment as (
    select * from {{ ref('int_outlier_treatment') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

closure as (
    select * from {{ ref('int_framework_closure') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

arithmetic_paths as (
    select
        closure.methodology_version,
        closure.indicator_code,
        bool_and(framework_tree.aggregation = 'weighted_arithmetic') as is_arithmetic_path
    from closure
    inner join framework_tree
        on closure.methodology_version = framework_tree.methodology_version
        and closure.ancestor_code = framework_tree.node_code
    where closure.levels_below > 0
    group by all
),

gaps as (
    select
        unit_scores.evaluation_year,
        unit_scores.unit_code as county_code,
        unit_scores.unit_name as county_name,
        node_contributions.node_code as indicator_code,
        unit_scores.class,
        unit_scores.next_class,
        unit_scores.total_points,
        unit_scores.next_class_target_points,
        unit_scores.points_to_next_class,
        indicator_points.indicator_value,
        indicator_points.treated_value,
        indicator_points.normalised_value,
        indicator_points.normalisation,
        indicator_points.direction,
        indicator_points.transform,
        node_contributions.node_points as indicator_points,
        node_contributions.max_points,
        node_contributions.target_points as target_indicator_points,
        node_contributions.target_points / node_contributions.max_points as normalised_value_needed,
        scale.best_normalised_value,
        node_contributions.contribution_factor,
        arithmetic_paths.is_arithmetic_path,
        struct_pack(
            lower_bound := scale.lower_bound,
            upper_bound := scale.upper_bound,
            mean_value := scale.mean_value,
            sd_value := scale.sd_value,
            target_value := scale.target_value,
            normalised_lower := scale.normalised_lower,
            normalised_upper := scale.normalised_upper,
            zscore_mean := scale.zscore_mean,
            zscore_sd := scale.zscore_sd
        ) as scale_parameters,
        struct_pack(
            treatment_applied := treatment.treatment_applied,
            log_direction := treatment.log_direction,
            value_min := treatment.value_min,
            value_max := treatment.value_max,
            log_shift := treatment.log_shift
        ) as treatment_parameters
    from unit_scores
    inner join node_contributions
        on unit_scores.evaluation_year = node_contributions.evaluation_year
        and unit_scores.unit_code = node_contributions.unit_code
    inner join indicator_points
        on node_contributions.evaluation_year = indicator_points.evaluation_year
        and node_contributions.unit_code = indicator_points.unit_code
        and node_contributions.node_code = indicator_points.indicator_code
    inner join scales as scale
        on node_contributions.evaluation_year = scale.evaluation_year
        and node_contributions.node_code = scale.indicator_code
    left join outlier_treatment as treatment
        on node_contributions.evaluation_year = treatment.evaluation_year
        and node_contributions.node_code = treatment.indicator_code
    left join arithmetic_paths
        on node_contributions.methodology_version = arithmetic_paths.methodology_version
        and node_contributions.node_code = arithmetic_paths.indicator_code
),

values_needed as (
    select
        *,
        coalesce(normalised_value_needed <= best_normalised_value + 1e-12, false)
            as closes_gap_alone,
        case when normalised_value_needed <= best_normalised_value + 1e-12 then
            {{ denormalised('normalisation', 'direction', 'normalised_value_needed', 'scale_parameters') }}
        end as treated_value_needed
    from gaps
),

final as (
    select
        evaluation_year,
        county_code,
        county_name,
        indicator_code,
        class,
        next_class,
        total_points,
        next_class_target_points,
        points_to_next_class,
        indicator_value,
        indicator_points,
        max_points,
        normalised_value,
        normalisation,
        target_indicator_points,
        target_indicator_points - coalesce(indicator_points, 0.0) as indicator_points_needed,
        normalised_value_needed,
        best_normalised_value,
        closes_gap_alone,
        {{ untransformed(outlier_untreated('treated_value_needed', 'treatment_parameters'), 'transform') }}
            as indicator_value_needed,
        case when is_arithmetic_path or is_arithmetic_path is null then
            contribution_factor * (max_points * best_normalised_value - coalesce(indicator_points, 0.0))
        end as points_headroom
    from values_needed
)

select * from final
