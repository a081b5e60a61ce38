{#- The ingest problems of the current files of the years being built, one row per problem,
    with the county's name: the quality gate's frame for the ingest rules (expectations/gate.yaml
    `ingest_problems`). Texts are scrubbed of personal data in staging. -#}
with

ingest_problems as (
    select * from {{ ref('stg_raw__ingest_problems') }}
),

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
),

units as (
    select * from {{ ref('int_units_by_year') }}
),

final as (
    select
        evaluation_years.evaluation_year,
        ingest_problems.data_year,
        ingest_problems.file_name,
        ingest_problems.sheet,
        ingest_problems.row_number,
        ingest_problems.column_name,
        ingest_problems.unit_code as county_code,
        units.unit_name as county_name,
        ingest_problems.variable_code,
        ingest_problems.found_text,
        ingest_problems.expected,
        ingest_problems.problem_code
    from ingest_problems
    inner join evaluation_years
        on evaluation_years.data_year = ingest_problems.data_year
    left join units
        on units.evaluation_year = evaluation_years.evaluation_year
        and units.unit_code = ingest_problems.unit_code
    where {{ evaluation_year_filter('evaluation_years.evaluation_year') }}
)

select * from final
