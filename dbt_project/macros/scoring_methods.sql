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
    int_outlier_treatment under alias `treatment`): winsorised values are capped at the value
    that the most extreme ones were set to; log-treated values follow COINr's log_CT_plus,
    ln(x - min + a) for a right-skewed indicator and -ln(max + a - x) for a left-skewed one,
    a = (max - min) / 100. -#}
{% macro outlier_treated(value, treatment='treatment') -%}
    case
        when {{ value }} is null then null
        when {{ treatment }}.treatment_applied = 'winsorised' then
            case when {{ treatment }}.skew_direction > 0
                then least({{ value }}, {{ treatment }}.winsor_cap)
                else greatest({{ value }}, {{ treatment }}.winsor_cap)
            end
        when {{ treatment }}.treatment_applied = 'log' then
            case when {{ treatment }}.skew_direction > 0
                then ln({{ value }} - {{ treatment }}.value_min + {{ treatment }}.log_shift)
                else -ln({{ treatment }}.value_max + {{ treatment }}.log_shift - {{ value }})
            end
        else {{ value }}
    end
{%- endmacro %}

{% macro outlier_untreated(value, treatment='treatment') -%}
    case {{ treatment }}.treatment_applied
        when 'log' then
            case when {{ treatment }}.skew_direction > 0
                then exp({{ value }}) + {{ treatment }}.value_min - {{ treatment }}.log_shift
                else {{ treatment }}.value_max + {{ treatment }}.log_shift - exp(-{{ value }})
            end
        else {{ value }}
    end
{%- endmacro %}

{#- The normalised value of `value` (after transform and outlier treatment) under `method`,
    with the year's scale of the indicator under alias `scale` (int_indicator_scales) and, for
    the rank methods, `goodness_rank` (1 = worst; ties share the lowest) and `goodness_at_most`
    (how many units are at most as good). Bounded methods give [0, 1], 1 being best; the z-score
    is unbounded. A missing value stays missing (DuckDB's greatest and least skip nulls, so the
    guard comes first). -#}
{% macro normalised(method, direction, value, scale='scale', goodness_rank='goodness_rank', goodness_at_most='goodness_at_most') -%}
    case
        when {{ value }} is null then null
        when {{ method }} = 'zscore' then
            case when {{ scale }}.sd_value > 0
                then case {{ direction }}
                    when '-' then {{ scale }}.mean_value - {{ value }}
                    else {{ value }} - {{ scale }}.mean_value
                end / {{ scale }}.sd_value
                else 0.0
            end
        when {{ method }} = 'rank' then
            case when {{ scale }}.values_count > 1
                then ({{ goodness_rank }} - 1.0) / ({{ scale }}.values_count - 1)
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

{#- The value (after transform and outlier treatment) whose normalised value is `score`; null
    for the rank methods, whose scores depend on the other units' values. -#}
{% macro denormalised(method, direction, score, scale='scale') -%}
    case {{ method }}
        when 'zscore' then
            case {{ direction }}
                when '-' then {{ scale }}.mean_value - {{ score }} * {{ scale }}.sd_value
                else {{ scale }}.mean_value + {{ score }} * {{ scale }}.sd_value
            end
        when 'rank' then null
        when 'percentile' then null
        when 'distance_to_target' then
            case {{ direction }}
                when '-' then case when {{ score }} > 0 then {{ scale }}.target_value / {{ score }} end
                else {{ score }} * {{ scale }}.target_value
            end
        else
            case {{ direction }}
                when '-' then {{ scale }}.upper_bound - {{ score }} * ({{ scale }}.upper_bound - {{ scale }}.lower_bound)
                else {{ scale }}.lower_bound + {{ score }} * ({{ scale }}.upper_bound - {{ scale }}.lower_bound)
            end
    end
{%- endmacro %}
