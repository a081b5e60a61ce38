{#- The problems of the current files (not withdrawn), their texts without personal data. -#}
with

ingest_problems as (
    select * from {{ source('raw', 'ingest_problems') }}
),

submission_files as (
    select * from {{ ref('stg_raw__submission_files') }}
),

final as (
    select
        cast(ingest_problems.data_year as integer) as data_year,
        ingest_problems.file_name,
        ingest_problems.file_sha256,
        ingest_problems.sheet,
        ingest_problems.row_number,
        ingest_problems.column_name,
        cast(ingest_problems.unit_code as varchar) as unit_code,
        ingest_problems.variable_code,
        {{ scrub_contacts('ingest_problems.found_text') }} as found_text,
        {{ scrub_contacts('ingest_problems.expected') }} as expected,
        ingest_problems.severity,
        ingest_problems.problem_code
    from ingest_problems
    inner join submission_files
        on submission_files.data_year = ingest_problems.data_year
        and submission_files.file_sha256 = ingest_problems.file_sha256
    where not submission_files.is_withdrawn
)

select * from final
