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
    and excess kurtosis, as Excel's SKEW and KURT) has outliers. `winsorise` winsorises one value
    at a time (the most extreme is set to the next one) until the indicator is within bounds or
    `outlier_winsorise_max` values are winsorised; `winsorise_log` falls back, when that does not
    suffice, to the log transform of the original values; `log` applies that transform directly.
    The side winsorised is the original skew's (`outlier_winsorisation` one_sided) or the side
    of the skew re-read after each point (`iterative`, COINr's winsorise). The log transform is
    ln(x - min + a) (`outlier_log_transform` log_ct, COINr's log_CT) or, for a left skew,
    -ln(max + a - x) (`log_ct_mirrored`), a = (max - min) / 100.

    Winsorising `low_count` values at the bottom and `high_count` at the top sets them to the
    next value inwards (the (low_count + 1)-th smallest, the (high_count + 1)-th largest), so each
    state of winsorisation is a pair of counts: the moments of every reachable state are computed
    at once, and the path from (0, 0), one point at a time on the side the rule says, is walked
    until a state is within bounds or the maximum is reached. -#}
with recursive

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
        indicator_methods.outlier_winsorisation,
        indicator_methods.outlier_log_transform,
        coalesce(
            abs(moments.skewness_before) > indicator_methods.outlier_skewness
            and moments.kurtosis_before > indicator_methods.outlier_kurtosis,
            false
        ) as has_outliers,
        case when moments.skewness_before < 0 then -1 else 1 end as skew_direction,
        least(indicator_methods.outlier_winsorise_max, moments.values_count - 1)
            as winsorise_steps_max
    from moments
    inner join indicator_methods
        on moments.methodology_version = indicator_methods.methodology_version
        and moments.indicator_code = indicator_methods.indicator_code
),

to_winsorise as (
    select * from moments_judged
    where has_outliers and outlier_treatment in ('winsorise', 'winsorise_log')
),

values_in_order as (
    -- position 1 = the smallest value
    select
        treatable_values.evaluation_year,
        treatable_values.indicator_code,
        treatable_values.unit_code,
        treatable_values.value_before,
        row_number() over (
            partition by treatable_values.evaluation_year, treatable_values.indicator_code
            order by treatable_values.value_before, treatable_values.unit_code
        ) as position
    from treatable_values
    inner join to_winsorise
        on treatable_values.evaluation_year = to_winsorise.evaluation_year
        and treatable_values.indicator_code = to_winsorise.indicator_code
),

low_counts as (
    select
        *,
        unnest(range(0, winsorise_steps_max + 1)) as low_count
    from to_winsorise
),

reachable_states as (
    -- one-sided winsorisation only reaches states on the original skew's side
    select * from (
        select
            *,
            unnest(range(0, winsorise_steps_max - low_count + 1)) as high_count
        from low_counts
    )
    where outlier_winsorisation = 'iterative'
        or (skew_direction > 0 and low_count = 0)
        or (skew_direction < 0 and high_count = 0)
),

state_caps as (
    select
        reachable_states.*,
        lower_cap.value_before as winsor_lower_cap,
        upper_cap.value_before as winsor_upper_cap
    from reachable_states
    left join values_in_order as lower_cap
        on reachable_states.evaluation_year = lower_cap.evaluation_year
        and reachable_states.indicator_code = lower_cap.indicator_code
        and reachable_states.low_count > 0
        and lower_cap.position = reachable_states.low_count + 1
    left join values_in_order as upper_cap
        on reachable_states.evaluation_year = upper_cap.evaluation_year
        and reachable_states.indicator_code = upper_cap.indicator_code
        and reachable_states.high_count > 0
        and upper_cap.position = reachable_states.values_count - reachable_states.high_count
),

state_moments as (
    select
        state_caps.evaluation_year,
        state_caps.indicator_code,
        state_caps.low_count,
        state_caps.high_count,
        any_value(state_caps.winsor_lower_cap) as winsor_lower_cap,
        any_value(state_caps.winsor_upper_cap) as winsor_upper_cap,
        skewness(
            {{ winsorised('values_in_order.value_before', 'state_caps.winsor_lower_cap', 'state_caps.winsor_upper_cap') }}
            order by values_in_order.unit_code
        ) as skewness_after,
        kurtosis(
            {{ winsorised('values_in_order.value_before', 'state_caps.winsor_lower_cap', 'state_caps.winsor_upper_cap') }}
            order by values_in_order.unit_code
        ) as kurtosis_after
    from state_caps
    inner join values_in_order
        on state_caps.evaluation_year = values_in_order.evaluation_year
        and state_caps.indicator_code = values_in_order.indicator_code
    group by all
),

states_judged as (
    select
        state_moments.*,
        to_winsorise.winsorise_steps_max,
        not coalesce(
            abs(state_moments.skewness_after) > to_winsorise.outlier_skewness
            and state_moments.kurtosis_after > to_winsorise.outlier_kurtosis,
            false
        ) as is_within_bounds,
        case
            when to_winsorise.outlier_winsorisation != 'iterative' then to_winsorise.skew_direction
            when state_moments.skewness_after < 0 then -1
            else 1
        end as next_side
    from state_moments
    inner join to_winsorise
        on state_moments.evaluation_year = to_winsorise.evaluation_year
        and state_moments.indicator_code = to_winsorise.indicator_code
),

winsorising_path as (
    select evaluation_year, indicator_code, 0 as low_count, 0 as high_count, 0 as step
    from to_winsorise

    union all

    select
        winsorising_path.evaluation_year,
        winsorising_path.indicator_code,
        winsorising_path.low_count + case when states_judged.next_side < 0 then 1 else 0 end,
        winsorising_path.high_count + case when states_judged.next_side > 0 then 1 else 0 end,
        winsorising_path.step + 1
    from winsorising_path
    inner join states_judged
        on winsorising_path.evaluation_year = states_judged.evaluation_year
        and winsorising_path.indicator_code = states_judged.indicator_code
        and winsorising_path.low_count = states_judged.low_count
        and winsorising_path.high_count = states_judged.high_count
    where not states_judged.is_within_bounds
        and winsorising_path.step < states_judged.winsorise_steps_max
),

path_ends as (
    select evaluation_year, indicator_code, max(step) as last_step
    from winsorising_path
    group by all
),

winsorising_chosen as (
    -- the end of the path: within bounds, or as far as winsorisation may go
    select
        states_judged.*,
        winsorising_path.step as winsorised_count
    from winsorising_path
    inner join path_ends
        on winsorising_path.evaluation_year = path_ends.evaluation_year
        and winsorising_path.indicator_code = path_ends.indicator_code
        and winsorising_path.step = path_ends.last_step
    inner join states_judged
        on winsorising_path.evaluation_year = states_judged.evaluation_year
        and winsorising_path.indicator_code = states_judged.indicator_code
        and winsorising_path.low_count = states_judged.low_count
        and winsorising_path.high_count = states_judged.high_count
),

decided as (
    select
        moments_judged.*,
        case
            when not moments_judged.has_outliers then 'none'
            when moments_judged.outlier_treatment = 'log' then 'log'
            when winsorising_chosen.is_within_bounds then 'winsorised'
            when moments_judged.outlier_treatment = 'winsorise'
                and winsorising_chosen.winsorised_count > 0 then 'winsorised'
            when moments_judged.outlier_treatment = 'winsorise_log' then 'log'
            else 'none'
        end as treatment_applied,
        winsorising_chosen.low_count,
        winsorising_chosen.high_count,
        winsorising_chosen.winsor_lower_cap,
        winsorising_chosen.winsor_upper_cap,
        winsorising_chosen.skewness_after as winsorised_skewness,
        winsorising_chosen.kurtosis_after as winsorised_kurtosis
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
        outlier_winsorisation,
        outlier_log_transform,
        values_count,
        skewness_before,
        kurtosis_before,
        has_outliers,
        treatment_applied,
        skew_direction,
        case when treatment_applied = 'winsorised' then low_count + high_count end
            as winsorised_count,
        case when treatment_applied = 'winsorised' then low_count end as winsorised_low_count,
        case when treatment_applied = 'winsorised' then high_count end as winsorised_high_count,
        case when treatment_applied = 'winsorised' then winsor_lower_cap end as winsor_lower_cap,
        case when treatment_applied = 'winsorised' then winsor_upper_cap end as winsor_upper_cap,
        -- the cap on the side of the original skew (both caps: winsor_lower_cap, winsor_upper_cap)
        case when treatment_applied = 'winsorised' then
            case when skew_direction > 0 then winsor_upper_cap else winsor_lower_cap end
        end as winsor_cap,
        case when outlier_log_transform = 'log_ct' then 1 else skew_direction end
            as log_direction,
        value_min,
        value_max,
        (value_max - value_min) / 100.0 as log_shift,
        case
            when treatment_applied = 'winsorised' then winsorised_skewness
            when treatment_applied = 'none' then skewness_before
        end as skewness_after,
        case
            when treatment_applied = 'winsorised' then winsorised_kurtosis
            when treatment_applied = 'none' then kurtosis_before
        end as kurtosis_after
    from decided
)

select * from final
