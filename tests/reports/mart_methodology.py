"""The mart's methodology tables (contracts: methodology_by_year, framework_by_year,
indicators_by_year, class_cutoffs_by_year, units_by_year, award_rules_by_year), derived from a
dataset folder's seeds for the evaluation years of a published mart.

The pipeline publishes these tables itself (dbt models of `models/marts/methodology/`); the
report tests add them to a copy of a mart that was published without them, the way the
contract defines them, and change them to show that each year is drawn with its own rows.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

METHODOLOGY_TABLES = (
    "methodology_by_year",
    "framework_by_year",
    "indicators_by_year",
    "class_cutoffs_by_year",
    "units_by_year",
    "award_rules_by_year",
)

YEARS = """
    create or replace temp view years as
    select distinct scores.evaluation_year, scores.data_year, methodology.methodology_version
    from main.county_scores as scores
    inner join seed_methodology as methodology
        on scores.evaluation_year between cast(methodology.first_evaluation_year as integer)
        and coalesce(cast(methodology.last_evaluation_year as integer), 9999)
"""

TABLES = {
    "methodology_by_year": """
        select years.evaluation_year, years.data_year, years.methodology_version,
               methodology.description,
               coalesce(methodology.normalisation, 'goalposts') as normalisation,
               coalesce(methodology.aggregation, 'weighted_arithmetic') as aggregation,
               coalesce(methodology.missing_values, 'zero') as missing_values,
               coalesce(methodology.imputation, 'none') as imputation,
               coalesce(methodology.outlier_treatment, 'none') as outlier_treatment,
               coalesce(methodology.class_scheme, 'absolute') as class_scheme,
               coalesce(methodology.rank_ties, 'min') as rank_ties
        from years
        inner join seed_methodology as methodology using (methodology_version)
    """,
    "framework_by_year": """
        with recursive weighted as (
            select *, cast(weight as double)
                / sum(cast(weight as double)) over (partition by methodology_version, parent_code)
                as share_of_parent
            from seed_framework
        ),
        tree as (
            select methodology_version, node_code, 0 as depth,
                   cast(weight as double) as max_points
            from seed_framework
            where parent_code is null
            union all
            select child.methodology_version, child.node_code, tree.depth + 1,
                   tree.max_points * child.share_of_parent
            from weighted as child
            inner join tree
                on child.parent_code = tree.node_code
                and child.methodology_version = tree.methodology_version
        )
        select years.evaluation_year, years.methodology_version, framework.node_code,
               framework.parent_code, framework.node_type, framework.name_zh, framework.name_en,
               cast(framework.weight as double) as weight, tree.max_points,
               cast(framework.sort_order as integer) as sort_order,
               coalesce(framework.aggregation, methodology.aggregation, 'weighted_arithmetic')
                   as aggregation,
               tree.depth
        from years
        inner join seed_framework as framework using (methodology_version)
        inner join tree using (methodology_version, node_code)
        inner join seed_methodology as methodology using (methodology_version)
    """,
    "indicators_by_year": """
        select years.evaluation_year, years.methodology_version, indicators.indicator_code,
               framework.parent_code, indicators.name_zh, indicators.name_en, indicators.unit,
               indicators.formula, indicators.direction, indicators.numerator_variable,
               indicators.denominator_variable, cast(indicators.multiplier as double) as multiplier,
               indicators.transform,
               coalesce(indicators.normalisation, methodology.normalisation) as normalisation,
               coalesce(indicators.imputation, methodology.imputation) as imputation,
               coalesce(indicators.outlier_treatment, methodology.outlier_treatment)
                   as outlier_treatment,
               cast(goalposts.lower_goalpost as double) as lower_goalpost,
               cast(goalposts.upper_goalpost as double) as upper_goalpost,
               cast(goalposts.target_value as double) as target_value,
               framework.max_points, indicators.published = 'yes' as published
        from years
        inner join seed_indicators as indicators using (methodology_version)
        inner join seed_methodology as methodology using (methodology_version)
        inner join framework_by_year as framework
            on framework.evaluation_year = years.evaluation_year
            and framework.node_code = indicators.indicator_code
        left join seed_goalposts as goalposts using (methodology_version, indicator_code)
    """,
    "class_cutoffs_by_year": """
        select years.evaluation_year, years.methodology_version, cutoffs.class_code,
               cast(cutoffs.min_score as double) as min_score,
               cast(cutoffs.class_rank as integer) as class_rank
        from years
        inner join seed_class_cutoffs as cutoffs using (methodology_version)
    """,
    "units_by_year": """
        select years.evaluation_year, years.data_year, units.unit_code, units.unit_name,
               units.unit_name_pinyin, units.unit_kind, units.group_code, units.group_name
        from years
        inner join seed_units as units
            on coalesce(cast(units.valid_from_data_year as integer), 0) <= years.data_year
            and coalesce(cast(units.valid_to_data_year as integer), 9999) >= years.data_year
    """,
    "award_rules_by_year": """
        select years.evaluation_year, rules.rule_code, rules.name_zh, rules.name_en,
               rules.condition_kind, rules.from_class, rules.to_class,
               cast(rules.min_places as integer) as min_places,
               cast(rules.min_points as double) as min_points,
               cast(rules.amount_wan_yuan as double) as amount_wan_yuan, rules.exclusive_group
        from years
        inner join seed_award_rules as rules
            on coalesce(cast(rules.first_evaluation_year as integer), 0) <= years.evaluation_year
            and coalesce(cast(rules.last_evaluation_year as integer), 9999)
                >= years.evaluation_year
    """,
}


def _present(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.sql("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()
    return {row[0] for row in rows}


def add_methodology_tables(mart_db: Path, seeds_dir: Path) -> list[str]:
    """Create the methodology tables the mart lacks, for the evaluation years it holds; returns
    the tables created (none once the pipeline publishes them itself)."""
    with duckdb.connect(str(mart_db)) as con:
        missing = [name for name in METHODOLOGY_TABLES if name not in _present(con)]
        if not missing:
            return []
        for seed in (
            "methodology",
            "framework",
            "indicators",
            "goalposts",
            "class_cutoffs",
            "units",
            "award_rules",
        ):
            path = seeds_dir / f"{seed}.csv"
            if path.exists():
                con.execute(
                    f"create or replace temp view seed_{seed} as select * from "
                    f"read_csv('{path}', all_varchar = true, header = true)"
                )
        con.execute(YEARS)
        for name in missing:
            if name == "award_rules_by_year" and not (seeds_dir / "award_rules.csv").exists():
                continue
            con.execute(f"create table main.{name} as {TABLES[name]}")
        return missing


def set_new_cutoffs(mart_db: Path, from_year: int, version: str, cutoffs: dict[str, float]) -> None:
    """A new methodology version from `from_year` on whose only change is the class cut-offs
    (class code -> min_score): the methodology tables of those years name it and hold them."""
    with duckdb.connect(str(mart_db)) as con:
        for table in (
            "methodology_by_year",
            "framework_by_year",
            "indicators_by_year",
            "class_cutoffs_by_year",
        ):
            con.execute(
                f"update main.{table} set methodology_version = ? where evaluation_year >= ?",
                [version, from_year],
            )
        for class_code, min_score in cutoffs.items():
            con.execute(
                "update main.class_cutoffs_by_year set min_score = ? "
                "where evaluation_year >= ? and class_code = ?",
                [min_score, from_year, class_code],
            )
