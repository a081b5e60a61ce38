{#- The scores of the years being built beside what they must be: the registry's units, names
    and cities, the data year and methodology version in force, the ranks (1 + the units with a
    strictly higher total, in the province and in the city) and the class the total earns under
    the version's cut-offs: the quality gate's frame for county_scores. -#}
with

county_files as (
    select * from {{ ref('int_unit_files') }}
),

evaluation_years as (
    select * from {{ ref('int_evaluation_years') }}
),

county_scores as (
    select * from {{ ref('county_scores') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

units as (
    select * from {{ ref('int_units_by_year') }}
    where {{ evaluation_year_filter('evaluation_year') }}
),

class_cutoffs as (
    select * from {{ ref('class_cutoffs') }}
),

expected_ranks as (
    select
        evaluation_year,
        county_code,
        rank() over (partition by evaluation_year order by total_points desc) as province_rank,
        rank() over (
            partition by evaluation_year, city_code order by total_points desc
        ) as city_rank
    from county_scores
    where total_points is not null
),

expected_classes as (
    select county_scores.evaluation_year, county_scores.county_code,
        arg_max(class_cutoffs.class_code, class_cutoffs.min_score) as class
    from county_scores
    inner join (select distinct evaluation_year, methodology_version from units) as versions
        on versions.evaluation_year = county_scores.evaluation_year
    inner join class_cutoffs
        on class_cutoffs.methodology_version = versions.methodology_version
        and county_scores.total_points >= class_cutoffs.min_score
    group by all
),

final as (
    select
        coalesce(units.evaluation_year, county_scores.evaluation_year) as evaluation_year,
        coalesce(units.unit_code, county_scores.county_code) as county_code,
        county_scores.county_name,
        units.unit_name as registry_county_name,
        county_scores.city_code,
        units.group_code as registry_city_code,
        county_scores.data_year,
        units.data_year as expected_data_year,
        county_scores.methodology_version,
        units.methodology_version as expected_methodology_version,
        county_scores.total_points,
        county_scores.province_rank,
        expected_ranks.province_rank as expected_province_rank,
        county_scores.city_rank,
        expected_ranks.city_rank as expected_city_rank,
        county_scores.class,
        expected_classes.class as expected_class,
        county_scores.county_code is not null as is_scored,
        units.unit_code is not null as is_registered
    from units
    full outer join county_scores
        on county_scores.evaluation_year = units.evaluation_year
        and county_scores.county_code = units.unit_code
    left join expected_ranks
        on expected_ranks.evaluation_year = county_scores.evaluation_year
        and expected_ranks.county_code = county_scores.county_code
    left join expected_classes
        on expected_classes.evaluation_year = county_scores.evaluation_year
        and expected_classes.county_code = county_scores.county_code
),

with_files as (
    select final.*, county_files.files as file_name
    from final
    left join evaluation_years using (evaluation_year)
    left join county_files
        on county_files.data_year = evaluation_years.data_year
        and county_files.unit_code = final.county_code
)

select * from with_files
