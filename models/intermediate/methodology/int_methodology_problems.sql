{#- Every problem of the methodology configuration, one row each, with what was found and what
    was expected. Empty for a valid configuration; the test on int_indicator_methods fails on
    any row, so that nothing is scored with a configuration the engine cannot honour.
    `methodology_choices`: each methodology setting with a closed set of choices, and the
    choices (a value outside them is a problem naming them). -#}
{%- set methodology_choices = {
    'normalisation': [
        'goalposts', 'minmax', 'minmax_pooled', 'zscore', 'rank', 'percentile', 'distance_to_target'
    ],
    'aggregation': ['weighted_arithmetic', 'weighted_geometric'],
    'missing_values': ['zero', 'propagate', 'reweight'],
    'imputation_group': ['group_code', 'unit_kind'],
    'class_scheme': ['absolute', 'relative_to_mean'],
    'rank_ties': ['min', 'max', 'dense', 'first'],
    'rank_scale': ['scaled', 'raw'],
    'normalisation_ties': ['min', 'mean', 'dense'],
    'outlier_log_transform': ['log_ct', 'log_ct_mirrored'],
    'outlier_winsorisation': ['one_sided', 'iterative'],
} -%}
with

methodology as (
    select * from {{ ref('stg_config__methodology') }}
),

indicator_methods as (
    select * from {{ ref('int_indicator_methods') }}
),

framework as (
    select * from {{ ref('stg_config__framework') }}
),

framework_tree as (
    select * from {{ ref('int_framework_tree') }}
),

class_cutoffs as (
    select * from {{ ref('stg_config__class_cutoffs') }}
),

imputation_steps as (
    select
        methodology_version,
        indicator_code,
        unnest(string_split(imputation, '>')) as imputation_step
    from indicator_methods
),

children as (
    select methodology_version, parent_code as node_code, count(*) as children_count
    from framework
    where parent_code is not null
    group by all
),

nodes_under_geometric as (
    select distinct indicator_methods.methodology_version, indicator_methods.indicator_code
    from {{ ref('int_framework_closure') }} as closure
    inner join framework_tree
        on closure.methodology_version = framework_tree.methodology_version
        and closure.ancestor_code = framework_tree.node_code
    inner join indicator_methods
        on closure.methodology_version = indicator_methods.methodology_version
        and closure.indicator_code = indicator_methods.indicator_code
    where closure.levels_below > 0
        and framework_tree.aggregation = 'weighted_geometric'
),

problems as (
    {% for setting, choices in methodology_choices.items() -%}
    {% if not loop.first %}union all
    {% endif -%}
    select methodology_version, 'methodology' as subject, '{{ setting }}' as setting,
        {{ setting }} as found,
        '{{ choices[:-1] | join(", ") }} or {{ choices[-1] }}' as expected
    from methodology
    where {{ setting }} not in ('{{ choices | join("', '") }}')

    {% endfor -%}

    union all
    select methodology_version, 'methodology', 'normalised_lower, normalised_upper',
        cast(coalesce(normalised_lower, 0.0) as varchar) || ' to '
            || cast(coalesce(normalised_upper, 1.0) as varchar),
        'a lower end of the normalised scale below the upper one'
    from methodology
    where not (coalesce(normalised_lower, 0.0) < coalesce(normalised_upper, 1.0))

    union all
    select methodology_version, 'methodology', 'zscore_sd', cast(zscore_sd as varchar),
        'a positive standard deviation for z-scores'
    from methodology
    where zscore_sd <= 0

    union all
    select methodology_version, 'methodology', 'carry_forward_years',
        cast(carry_forward_years as varchar), 'at least 1'
    from methodology
    where carry_forward_years < 1

    union all
    select earlier.methodology_version, 'methodology', 'first_evaluation_year',
        cast(earlier.first_evaluation_year as varchar),
        'years not covered by another version (' || later.methodology_version || ')'
    from methodology as earlier
    inner join methodology as later
        on earlier.methodology_version < later.methodology_version
        and earlier.first_evaluation_year <= coalesce(later.last_evaluation_year, 9999)
        and later.first_evaluation_year <= coalesce(earlier.last_evaluation_year, 9999)

    union all
    select methodology_version, 'indicator ' || indicator_code, 'normalisation', normalisation,
        'goalposts, minmax, minmax_pooled, zscore, rank, percentile or distance_to_target'
    from indicator_methods
    where normalisation not in ('goalposts', 'minmax', 'minmax_pooled', 'zscore', 'rank', 'percentile', 'distance_to_target')

    union all
    select methodology_version, 'indicator ' || indicator_code, 'imputation', imputation_step,
        'none, mean, median, group_mean, group_median or carry_forward (chained with >)'
    from imputation_steps
    where imputation_step not in ('none', 'mean', 'median', 'group_mean', 'group_median', 'carry_forward')

    union all
    select methodology_version, 'indicator ' || indicator_code, 'outlier_treatment',
        outlier_treatment, 'none, winsorise, winsorise_log or log'
    from indicator_methods
    where outlier_treatment not in ('none', 'winsorise', 'winsorise_log', 'log')

    union all
    select methodology_version, 'indicator ' || indicator_code, 'direction', direction, '+ or -'
    from indicator_methods
    where direction not in ('+', '-')

    union all
    select methodology_version, 'indicator ' || indicator_code, 'transform', transform,
        'none, log, log1p or sqrt'
    from indicator_methods
    where transform not in ('none', 'log', 'log1p', 'sqrt')

    union all
    select methodology_version, 'indicator ' || indicator_code, 'goalposts',
        coalesce(cast(lower_goalpost as varchar), 'none') || ' to '
            || coalesce(cast(upper_goalpost as varchar), 'none'),
        'a lower goalpost below the upper one (goalposts.csv), inside the transform''s domain'
    from indicator_methods
    where normalisation = 'goalposts'
        and coalesce(not (lower_goalpost_transformed < upper_goalpost_transformed), true)

    union all
    select methodology_version, 'indicator ' || indicator_code, 'target_value',
        coalesce(cast(target_value as varchar), 'none'),
        'a positive target (goalposts.csv target_value) for distance_to_target'
    from indicator_methods
    where normalisation = 'distance_to_target' and coalesce(not (target_value_transformed > 0), true)

    union all
    select methodology_version, 'indicator ' || indicator_code, 'outlier_treatment',
        outlier_treatment || ' with ' || normalisation,
        'no log transform of the data with fixed bounds or targets (use winsorise or none)'
    from indicator_methods
    where outlier_treatment in ('winsorise_log', 'log')
        and normalisation in ('goalposts', 'distance_to_target')

    union all
    select methodology_version, 'indicator ' || indicator_code, 'framework', 'no framework node',
        'a framework.csv node of type indicator with this code'
    from indicator_methods
    where effective_points is null

    union all
    select indicator_methods.methodology_version, 'indicator ' || indicator_methods.indicator_code,
        'normalisation',
        case when indicator_methods.normalisation = 'zscore'
            then 'zscore with zscore_mean ' || cast(indicator_methods.zscore_mean as varchar)
            else indicator_methods.normalisation || ' with normalised_lower '
                || cast(indicator_methods.normalised_lower as varchar)
        end || ' under a weighted_geometric node',
        'a normalisation without negative values (geometric means need scores >= 0): '
            || 'a z-score with a positive zscore_mean, a scale with normalised_lower >= 0'
    from indicator_methods
    inner join nodes_under_geometric
        on indicator_methods.methodology_version = nodes_under_geometric.methodology_version
        and indicator_methods.indicator_code = nodes_under_geometric.indicator_code
    where case
        when indicator_methods.normalisation = 'zscore' then indicator_methods.zscore_mean <= 0
        when indicator_methods.normalisation = 'rank' and indicator_methods.rank_scale = 'raw'
            then false
        else indicator_methods.normalised_lower < 0
    end

    union all
    select framework.methodology_version, 'node ' || framework.node_code, 'node_type',
        framework.node_type,
        case when framework.node_type = 'indicator'
            then 'no children under an indicator'
            else 'a leaf to be an indicator (node_type indicator, with an indicators.csv row)'
        end
    from framework
    left join children
        on framework.methodology_version = children.methodology_version
        and framework.node_code = children.node_code
    left join indicator_methods
        on framework.methodology_version = indicator_methods.methodology_version
        and framework.node_code = indicator_methods.indicator_code
    where (framework.node_type = 'indicator') != (children.node_code is null)
        or (framework.node_type = 'indicator' and indicator_methods.indicator_code is null)

    union all
    select framework.methodology_version, 'node ' || framework.node_code, 'weight',
        coalesce(cast(framework.weight as varchar), 'none'), 'a positive weight'
    from framework
    where coalesce(not (framework.weight > 0), true)

    union all
    select framework.methodology_version, 'node ' || framework.node_code, 'aggregation',
        framework.aggregation, 'weighted_arithmetic or weighted_geometric (or empty)'
    from framework
    where framework.aggregation not in ('weighted_arithmetic', 'weighted_geometric')

    union all
    select framework.methodology_version, 'node ' || framework.node_code, 'parent_code',
        framework.parent_code, 'the code of another node of the same version'
    from framework
    anti join framework_tree
        on framework.methodology_version = framework_tree.methodology_version
        and framework.node_code = framework_tree.node_code

    union all
    select methodology_version, 'framework', 'root', cast(count(*) as varchar),
        'exactly one node without a parent'
    from framework
    where parent_code is null
    group by methodology_version
    having count(*) != 1

    union all
    select methodology.methodology_version, 'class_cutoffs', 'classes', 'none',
        'at least one class cut-off for the version'
    from methodology
    anti join class_cutoffs
        on methodology.methodology_version = class_cutoffs.methodology_version
),

final as (
    select * from problems
)

select * from final
