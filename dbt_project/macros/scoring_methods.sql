{#- The per-value formulas of the scoring methods, each beside its inverse (used to say which
    value of an indicator would close the gap to the next class). docs/methodology.md describes
    them; the models only combine them. -#}

{#- An indicator's definitional transform (indicators.transform); outside its domain the value
    is undefined (null) and counts as missing. -#}
{% macro transformed(value, transform) -%}
    case {{ transform }}
        when 'log' then case when {{ value }} > 0 then ln({{ value }}) end
        when 'log1p' then case when {{ value }} > -1 then ln(1 + {{ value }}) end
        when 'sqrt' then case when {{ value }} >= 0 then sqrt({{ value }}) end
        else {{ value }}
    end
{%- endmacro %}

{% macro untransformed(value, transform) -%}
    case {{ transform }}
        when 'log' then exp({{ value }})
        when 'log1p' then exp({{ value }}) - 1
        when 'sqrt' then case when {{ value }} >= 0 then {{ value }} * {{ value }} end
        else {{ value }}
    end
{%- endmacro %}

{#- Outlier treatment of one value, given the year's decision for its indicator (a row of
    int_outlier_treatment under alias `treatment`): winsorised values are held between the caps
    the most extreme ones were set to (winsor_lower_cap, winsor_upper_cap; null = that side
    untouched); log-treated values follow COINr's log_CT, ln(x - min + a) with a = (max - min) /
    100, mirrored to -ln(max + a - x) when log_direction is -1 (outlier_log_transform
    log_ct_mirrored on a left-skewed indicator). -#}
{% macro outlier_treated(value, treatment='treatment') -%}
    case
        when {{ value }} is null then null
        when {{ treatment }}.treatment_applied = 'winsorised' then
            {{ winsorised(value, treatment ~ '.winsor_lower_cap', treatment ~ '.winsor_upper_cap') }}
        when {{ treatment }}.treatment_applied = 'log' then
            case when {{ treatment }}.log_direction > 0
                then ln({{ value }} - {{ treatment }}.value_min + {{ treatment }}.log_shift)
                else -ln({{ treatment }}.value_max + {{ treatment }}.log_shift - {{ value }})
            end
        else {{ value }}
    end
{%- endmacro %}

{#- A value held between two caps (null = no cap on that side). -#}
{% macro winsorised(value, lower_cap, upper_cap) -%}
    case
        when {{ value }} < {{ lower_cap }} then {{ lower_cap }}
        when {{ value }} > {{ upper_cap }} then {{ upper_cap }}
        else {{ value }}
    end
{%- endmacro %}

{% macro outlier_untreated(value, treatment='treatment') -%}
    case {{ treatment }}.treatment_applied
        when 'log' then
            case when {{ treatment }}.log_direction > 0
                then exp({{ value }}) + {{ treatment }}.value_min - {{ treatment }}.log_shift
                else {{ treatment }}.value_max + {{ treatment }}.log_shift - exp(-{{ value }})
            end
        else {{ value }}
    end
{%- endmacro %}

{#- A rank by the methodology's normalisation_ties, 1 = the worst: `min` the lowest rank of a tie
    (COINr's n_rank, R's ties.method = "min"), `mean` the mean of the tie's ranks, `dense` ties
    share a rank and the next value gets the next one. `rank` is the SQL rank() (lowest),
    `at_most` how many values are at most as good (the highest rank of the tie), `dense` the
    SQL dense_rank(). -#}
{% macro tied_rank(ties, rank, at_most, dense) -%}
    case {{ ties }}
        when 'mean' then ({{ rank }} + {{ at_most }}) / 2.0
        when 'dense' then {{ dense }} * 1.0
        else {{ rank }} * 1.0
    end
{%- endmacro %}

{#- The normalised value of `value` (after transform and outlier treatment) under `method`,
    with the year's scale of the indicator under alias `scale` (int_indicator_scales) and, for
    the rank methods, `goodness_rank` (1 = worst; ties share the lowest), `goodness_at_most` (how
    many units are at most as good) and `goodness_dense_rank`. The bounded methods give a share
    s in [0, 1] (1 = best), mapped onto [normalised_lower, normalised_upper]; the z-score is
    zscore_mean + zscore_sd * (x - mean) / sd; raw ranks are the ranks themselves (1 = worst).
    A missing value stays missing (DuckDB's greatest and least skip nulls, so the guard comes
    first). -#}
{% macro normalised(method, direction, value, scale='scale', goodness_rank='goodness_rank', goodness_at_most='goodness_at_most', goodness_dense_rank='goodness_dense_rank') -%}
    {%- set ranked = tied_rank(scale ~ '.normalisation_ties', goodness_rank, goodness_at_most, goodness_dense_rank) -%}
    case
        when {{ value }} is null then null
        when {{ method }} = 'zscore' then
            {{ scale }}.zscore_mean + {{ scale }}.zscore_sd * case when {{ scale }}.sd_value > 0
                then case {{ direction }}
                    when '-' then {{ scale }}.mean_value - {{ value }}
                    else {{ value }} - {{ scale }}.mean_value
                end / {{ scale }}.sd_value
                else 0.0
            end
        when {{ method }} = 'rank' and {{ scale }}.rank_scale = 'raw' then {{ ranked }}
        else {{ scale }}.normalised_lower
            + ({{ scale }}.normalised_upper - {{ scale }}.normalised_lower) * {{ share_of_scale(method, direction, value, scale, ranked, goodness_at_most) }}
    end
{%- endmacro %}

{#- The share in [0, 1] (1 = best) that a bounded method gives a non-missing value. -#}
{% macro share_of_scale(method, direction, value, scale, ranked, goodness_at_most) -%}
    case
        when {{ method }} = 'rank' then
            case
                when {{ scale }}.normalisation_ties = 'dense' and {{ scale }}.distinct_values_count > 1
                    then ({{ ranked }} - 1.0) / ({{ scale }}.distinct_values_count - 1)
                when {{ scale }}.normalisation_ties != 'dense' and {{ scale }}.values_count > 1
                    then ({{ ranked }} - 1.0) / ({{ scale }}.values_count - 1)
                else 1.0
            end
        when {{ method }} = 'percentile' then {{ goodness_at_most }} * 1.0 / {{ scale }}.values_count
        when {{ method }} = 'distance_to_target' then
            case {{ direction }}
                when '-' then
                    case when {{ value }} <= {{ scale }}.target_value then 1.0
                        else {{ scale }}.target_value / {{ value }}
                    end
                else greatest(0.0, least(1.0, {{ value }} / {{ scale }}.target_value))
            end
        else
            case when {{ scale }}.upper_bound > {{ scale }}.lower_bound
                then greatest(0.0, least(1.0,
                    case {{ direction }}
                        when '-' then ({{ scale }}.upper_bound - {{ value }})
                        else ({{ value }} - {{ scale }}.lower_bound)
                    end / ({{ scale }}.upper_bound - {{ scale }}.lower_bound)
                ))
                else 1.0
            end
    end
{%- endmacro %}

{#- The value (after transform and outlier treatment) whose normalised value is `score`: the
    score taken back from its scale (normalised_lower..normalised_upper, or zscore_mean and
    zscore_sd), then the method inverted; null for the rank methods, whose scores depend on the
    other units' values. -#}
{% macro denormalised(method, direction, score, scale='scale') -%}
    {%- set share = '((' ~ score ~ ' - ' ~ scale ~ '.normalised_lower) / (' ~ scale ~ '.normalised_upper - ' ~ scale ~ '.normalised_lower))' -%}
    {%- set z = '((' ~ score ~ ' - ' ~ scale ~ '.zscore_mean) / ' ~ scale ~ '.zscore_sd)' -%}
    case {{ method }}
        when 'zscore' then
            case {{ direction }}
                when '-' then {{ scale }}.mean_value - {{ z }} * {{ scale }}.sd_value
                else {{ scale }}.mean_value + {{ z }} * {{ scale }}.sd_value
            end
        when 'rank' then null
        when 'percentile' then null
        when 'distance_to_target' then
            case {{ direction }}
                when '-' then case when {{ share }} > 0 then {{ scale }}.target_value / {{ share }} end
                else {{ share }} * {{ scale }}.target_value
            end
        else
            case {{ direction }}
                when '-' then {{ scale }}.upper_bound - {{ share }} * ({{ scale }}.upper_bound - {{ scale }}.lower_bound)
                else {{ scale }}.lower_bound + {{ share }} * ({{ scale }}.upper_bound - {{ scale }}.lower_bound)
            end
    end
{%- endmacro %}
