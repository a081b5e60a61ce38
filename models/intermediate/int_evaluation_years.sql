{#- Each evaluation year with data, the data year it uses and the methodology in force. -#}
with

submitted_values as (
    select * from {{ ref('stg_raw__submitted_values') }}
),

methodology as (
    select * from {{ ref('methodology') }}
),

data_years as (
    select distinct data_year from submitted_values
),

final as (
    select
        data_years.data_year + methodology.data_year_lag as evaluation_year,
        data_years.data_year,
        methodology.methodology_version,
        methodology.normalisation,
        methodology.aggregation,
        methodology.missing_values,
        methodology.imputation,
        methodology.outlier_treatment,
        methodology.class_scheme,
        methodology.rank_ties
    from data_years
    inner join methodology
        on data_years.data_year + methodology.data_year_lag
            between methodology.first_evaluation_year
            and coalesce(methodology.last_evaluation_year, 9999)
)

select * from final

