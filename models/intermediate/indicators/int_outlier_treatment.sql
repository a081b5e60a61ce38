{{
    config(
        materialized='incremental',
        unique_key='evaluation_year',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}
{#- The outlier treatment of each indicator in each evaluation year, in the JRC practice
    (COINr's Treat): an indicator whose distribution across the year's units has an absolute
    skewness above `outlier_skewness` and a kurtosis above `outlier_kurtosis` (sample skewness
    and excess kurtosis, as Excel's SKEW and KURT) has outliers. `winsorise` sets the k most
    extreme values on the side of the skew to the (k+1)-th, for the smallest k up to
    `outlier_winsorise_max` that brings skewness or kurtosis within bounds (or the largest k if
    none does); `winsorise_log` falls back, when no k does, to the log transform of the original
    values, `log` applies that transform directly. The skew's side is the original one's. -#}
with

imputed as (
    select * from {{ ref('int_indicator_imputed') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

indicator_methods as (
    select * from {{ ref('int_indicator_methods') }}
),

treatable_values as (
    select
        imputed.evaluation_year,
        imputed.methodology_version,
        imputed.indicator_code,
        imputed.unit_code,
        imputed.transformed_value as value_before
    from imputed
    inner join indicator_methods
        on imputed.methodology_version = indicator_methods.methodology_version
        and imputed.indicator_code = indicator_methods.indicator_code
    where indicator_methods.outlier_treatment != 'none'
        and imputed.transformed_value is not null
),

moments as (
    select
        treatable_values.evaluation_year,
        treatable_values.methodology_version,
        treatable_values.indicator_code,
        count(*) as values_count,
        skewness(treatable_values.value_before order by treatable_values.unit_code)
            as skewness_before,
        kurtosis(treatable_values.value_before order by treatable_values.unit_code)
            as kurtosis_before,
        min(treatable_values.value_before) as value_min,
        max(treatable_values.value_before) as value_max
    from treatable_values
    group by all
),

moments_judged as (
    select
        moments.*,
        indicator_methods.outlier_treatment,
        indicator_methods.outlier_skewness,
        indicator_methods.outlier_kurtosis,
        indicator_methods.outlier_winsorise_max,
        coalesce(
            abs(moments.skewness_before) > indicator_methods.outlier_skewness
            and moments.kurtosis_before > indicator_methods.outlier_kurtosis,
            false
        ) as has_outliers,
        case when moments.skewness_before < 0 then -1 else 1 end as skew_direction
    from moments
    inner join indicator_methods
        on moments.methodology_version = indicator_methods.methodology_version
        and moments.indicator_code = indicator_methods.indicator_code
),

values_by_extremity as (
    -- 1 = the most extreme value on the side of the skew
    select
        treatable_values.evaluation_year,
        treatable_values.indicator_code,
        treatable_values.unit_code,
        treatable_values.value_before,
        row_number() over (
            partition by treatable_values.evaluation_year, treatable_values.indicator_code
            order by treatable_values.value_before * -moments_judged.skew_direction,
                treatable_values.unit_code
        ) as extremity
    from treatable_values
    inner join moments_judged
        on treatable_values.evaluation_year = moments_judged.evaluation_year
        and treatable_values.indicator_code = moments_judged.indicator_code
    where moments_judged.has_outliers
        and moments_judged.outlier_treatment in ('winsorise', 'winsorise_log')
),

winsorising_steps as (
    -- winsorising k values sets them to the (k+1)-th most extreme value
    select
        values_by_extremity.evaluation_year,
        values_by_extremity.indicator_code,
        values_by_extremity.extremity - 1 as winsorised_count,
        values_by_extremity.value_before as winsor_cap
    from values_by_extremity
    inner join moments_judged
        on values_by_extremity.evaluation_year = moments_judged.evaluation_year
        and values_by_extremity.indicator_code = moments_judged.indicator_code
    where values_by_extremity.extremity between 2 and moments_judged.outlier_winsorise_max + 1
),

winsorised_moments as (
    select
        winsorising_steps.evaluation_year,
        winsorising_steps.indicator_code,
        winsorising_steps.winsorised_count,
        any_value(winsorising_steps.winsor_cap) as winsor_cap,
        skewness(
            case when values_by_extremity.extremity <= winsorising_steps.winsorised_count
                then winsorising_steps.winsor_cap else values_by_extremity.value_before end
            order by values_by_extremity.unit_code
        ) as skewness_after,
        kurtosis(
            case when values_by_extremity.extremity <= winsorising_steps.winsorised_count
                then winsorising_steps.winsor_cap else values_by_extremity.value_before end
            order by values_by_extremity.unit_code
        ) as kurtosis_after
    from winsorising_steps
    inner join values_by_extremity
        on winsorising_steps.evaluation_year = values_by_extremity.evaluation_year
        and winsorising_steps.indicator_code = values_by_extremity.indicator_code
    group by all
),

winsorising_chosen as (
    -- the fewest values that bring the indicator within bounds, else the most allowed
    select
        winsorised_moments.evaluation_year,
        winsorised_moments.indicator_code,
        bool_or(not coalesce(
            abs(winsorised_moments.skewness_after) > moments_judged.outlier_skewness
            and winsorised_moments.kurtosis_after > moments_judged.outlier_kurtosis,
            false
        )) as brings_within_bounds,
        arg_min(
            winsorised_moments,
            case when coalesce(
                abs(winsorised_moments.skewness_after) > moments_judged.outlier_skewness
                and winsorised_moments.kurtosis_after > moments_judged.outlier_kurtosis,
                false
            ) then 1000000 - winsorised_moments.winsorised_count
            else winsorised_moments.winsorised_count end
        ) as chosen
    from winsorised_moments
    inner join moments_judged
        on winsorised_moments.evaluation_year = moments_judged.evaluation_year
        and winsorised_moments.indicator_code = moments_judged.indicator_code
    group by all
),

decided as (
    select
        moments_judged.*,
        case
            when not moments_judged.has_outliers then 'none'
            when moments_judged.outlier_treatment = 'log' then 'log'
            when winsorising_chosen.brings_within_bounds then 'winsorised'
            when moments_judged.outlier_treatment = 'winsorise'
                and winsorising_chosen.chosen is not null then 'winsorised'
            when moments_judged.outlier_treatment = 'winsorise_log' then 'log'
            else 'none'
        end as treatment_applied,
        winsorising_chosen.chosen
    from moments_judged
    left join winsorising_chosen
        on moments_judged.evaluation_year = winsorising_chosen.evaluation_year
        and moments_judged.indicator_code = winsorising_chosen.indicator_code
),

final as (
    select
        evaluation_year,
        methodology_version,
        indicator_code,
        outlier_treatment,
        values_count,
        skewness_before,
        kurtosis_before,
        has_outliers,
        treatment_applied,
        skew_direction,
        case when treatment_applied = 'winsorised' then chosen.winsorised_count end
            as winsorised_count,
        case when treatment_applied = 'winsorised' then chosen.winsor_cap end as winsor_cap,
        value_min,
        value_max,
        (value_max - value_min) / 100.0 as log_shift,
        case
            when treatment_applied = 'winsorised' then chosen.skewness_after
            when treatment_applied = 'none' then skewness_before
        end as skewness_after,
        case
            when treatment_applied = 'winsorised' then chosen.kurtosis_after
            when treatment_applied = 'none' then kurtosis_before
        end as kurtosis_after
    from decided
)

select * from final
