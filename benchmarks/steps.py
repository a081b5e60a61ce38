"""The benchmark's measured steps, each run in its own process by `benchmarks.run` so that its
peak memory is its own. Every step prints one JSON object on its last line.

    python -m benchmarks.steps mc-speed --units 168 --replications 10000
    python -m benchmarks.steps generate --folder DIR --units 2900 --years 20
    python -m benchmarks.steps mc-years --work-db DB --years 2005-2024 --replications 10000
    python -m benchmarks.steps correct --work-db DB --data-year 2020
    python -m benchmarks.steps publish --work-db DB --mart-db MART --manifest MANIFEST
    python -m benchmarks.steps queries --db DB [--schema marts] --year 2024 --county 130123
    python -m benchmarks.steps dagster-steps --home WAREHOUSE/dagster_home
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

QUERY_REPEATS = 20

# The README's three first queries (README.md, "The published mart").
QUERIES = {
    "who leapt a class this year": """
        select county_code, county_name, city_name, class_transition,
               previous_total_points, total_points
        from county_transitions
        where evaluation_year = $year and is_class_leap
        order by total_points desc
    """,
    "one county's history": """
        select evaluation_year, total_points, province_rank, city_rank, class
        from county_scores
        where county_code = $county
        order by evaluation_year
    """,
    "which indicators drove a county's change": """
        select this_year.indicator_code,
               this_year.indicator_points - last_year.indicator_points as points_change
        from county_indicator_points as this_year
        inner join county_indicator_points as last_year
            on last_year.county_code = this_year.county_code
            and last_year.indicator_code = this_year.indicator_code
            and last_year.evaluation_year = this_year.evaluation_year - 1
        where this_year.evaluation_year = $year and this_year.county_code = $county
        order by abs(points_change) desc
    """,
    "a county's rank interval and class probabilities": """
        select evaluation_year, nominal_rank, median_rank, rank_p05, rank_p95,
               prob_class_a, prob_class_b, prob_class_c
        from county_rank_uncertainty
        where county_code = $county
        order by evaluation_year
    """,
}


def _years(text: str) -> list[int]:
    if "-" in text:
        first, last = (int(part) for part in text.split("-", 1))
        return list(range(first, last + 1))
    return [int(part) for part in text.split(",")]


def mc_speed(units: int, replications: int, seed: int) -> dict:
    """The engine alone on a generated (units x 17) year: seconds and replications per second."""
    from benchmarks.data import hebei_like_values, repository_framework
    from orchestration.uncertainty import UncertaintySettings, run_uncertainty

    framework = repository_framework()
    values = hebei_like_values(units, seed, framework=framework)
    started = time.perf_counter()
    result = run_uncertainty(values, framework, UncertaintySettings(replications=replications))
    seconds = time.perf_counter() - started
    return {
        "units": units,
        "indicators": framework.indicator_count,
        "replications": result.replications,
        "seconds": seconds,
        "replications_per_second": result.replications / seconds,
    }


def mc_years(work_db: Path, years: list[int], replications: int) -> dict:
    """The `rank_uncertainty` asset's work for each year: read, Monte Carlo, write the marts."""
    import duckdb

    from orchestration.uncertainty import (
        UncertaintySettings,
        factor_table,
        read_framework,
        read_year_values,
        replace_year,
        run_uncertainty,
        unit_table,
    )
    from orchestration.uncertainty.warehouse import FACTOR_TABLE, UNIT_TABLE

    settings = UncertaintySettings(replications=replications)
    seconds, units = [], 0
    with duckdb.connect(str(work_db)) as con:
        for year in years:
            started = time.perf_counter()
            values = read_year_values(con, year)
            framework = read_framework(con, values.methodology_version, values.indicator_codes)
            result = run_uncertainty(values.values, framework, settings)
            replace_year(con, UNIT_TABLE, year, unit_table(values, result))
            replace_year(con, FACTOR_TABLE, year, factor_table(values, result))
            seconds.append(time.perf_counter() - started)
            units = max(units, len(values.county_codes))
    return {
        "years": len(years),
        "units": units,
        "replications": result.replications,
        "seconds": sum(seconds),
        "seconds_per_year": statistics.mean(seconds),
        "replications_per_second": result.replications * len(years) / sum(seconds),
    }


def generate(folder: Path, units: int, years: int) -> dict:
    """A dataset folder and a working database with generated submissions."""
    from benchmarks.data import generate as generate_dataset

    started = time.perf_counter()
    dataset = generate_dataset(folder, units, years)
    return {
        "units": units,
        "years": years,
        "seconds": time.perf_counter() - started,
        "dataset_dir": str(dataset.dataset_dir),
        "work_db": str(dataset.work_db),
        "first_unit": dataset.unit_codes[0],
        "evaluation_years": dataset.evaluation_years,
    }


def correct(work_db: Path, data_year: int) -> dict:
    """A corrected resubmission of one data year appended to the raw layer."""
    from benchmarks.data import correct_one_year

    return {"data_year": data_year, "rows_added": correct_one_year(work_db, data_year)}


def queries(db: Path, schema: str, year: int, county: str) -> dict:
    """Median latency (ms) of the README's queries over repeated runs, each opening its own
    read-only connection (as an analyst's script does)."""
    import duckdb

    latencies = {}
    for name, sql in QUERIES.items():
        params = {
            key: value for key, value in (("year", year), ("county", county)) if f"${key}" in sql
        }
        timings, rows = [], 0
        try:
            for _ in range(QUERY_REPEATS):
                started = time.perf_counter()
                with duckdb.connect(str(db), read_only=True) as con:
                    con.execute(f"set schema = '{schema}'")
                    rows = len(con.sql(sql, params=params).fetchall())
                timings.append((time.perf_counter() - started) * 1000)
        except duckdb.CatalogException as error:
            latencies[name] = {"error": str(error).splitlines()[0]}
            continue
        latencies[name] = {
            "rows": rows,
            "median_ms": statistics.median(timings),
            "max_ms": max(timings),
        }
    return latencies


def publish(work_db: Path, mart_db: Path, manifest: Path) -> dict:
    """Every year of the working marts into a published mart, laid out as the main job does
    (`published_mart`: sorted for the README's questions), without the Parquet export."""
    import duckdb

    from orchestration.defs.assets.publish import (
        published_sort_keys,
        tables_comparing_with_previous_year,
    )
    from orchestration.warehouse.publish import publish_years

    with duckdb.connect(str(work_db), read_only=True) as con:
        years = [
            row[0]
            for row in con.execute(
                "select distinct evaluation_year from marts.county_scores order by 1"
            ).fetchall()
        ]
    started = time.perf_counter()
    summary = publish_years(
        work_db,
        mart_db,
        years,
        tables_following_year=tables_comparing_with_previous_year(manifest),
        sort_keys=published_sort_keys(manifest),
    )
    return {
        "years": len(years),
        "seconds": time.perf_counter() - started,
        "rows": sum(summary.tables.values()),
        "mart_mb": mart_db.stat().st_size / 2**20,
    }


def dagster_steps(home: Path) -> dict:
    """Mean and maximum duration of each step over the successful runs of a Dagster instance."""
    import os

    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    durations: dict[str, list[float]] = {}
    with dg.DagsterInstance.get() as instance:
        for run in instance.get_runs():
            for stats in instance.get_run_step_stats(run.run_id):
                if stats.status and stats.status.value == "SUCCESS" and stats.end_time:
                    durations.setdefault(stats.step_key, []).append(
                        stats.end_time - stats.start_time
                    )
    return {
        key: {
            "runs": len(values),
            "mean_seconds": statistics.mean(values),
            "max_seconds": max(values),
        }
        for key, values in durations.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.steps")
    steps = parser.add_subparsers(dest="step", required=True)
    speed = steps.add_parser("mc-speed")
    speed.add_argument("--units", type=int, default=168)
    speed.add_argument("--replications", type=int, default=10_000)
    speed.add_argument("--seed", type=int, default=1)
    years = steps.add_parser("mc-years")
    years.add_argument("--work-db", type=Path, required=True)
    years.add_argument("--years", required=True)
    years.add_argument("--replications", type=int, default=10_000)
    gen = steps.add_parser("generate")
    gen.add_argument("--folder", type=Path, required=True)
    gen.add_argument("--units", type=int, required=True)
    gen.add_argument("--years", type=int, required=True)
    fix = steps.add_parser("correct")
    fix.add_argument("--work-db", type=Path, required=True)
    fix.add_argument("--data-year", type=int, required=True)
    query = steps.add_parser("queries")
    query.add_argument("--db", type=Path, required=True)
    query.add_argument("--schema", default="main")
    query.add_argument("--year", type=int, required=True)
    query.add_argument("--county", required=True)
    pub = steps.add_parser("publish")
    pub.add_argument("--work-db", type=Path, required=True)
    pub.add_argument("--mart-db", type=Path, required=True)
    pub.add_argument("--manifest", type=Path, required=True)
    dagster = steps.add_parser("dagster-steps")
    dagster.add_argument("--home", type=Path, required=True)
    args = parser.parse_args(argv)

    if args.step == "mc-speed":
        result = mc_speed(args.units, args.replications, args.seed)
    elif args.step == "mc-years":
        result = mc_years(args.work_db, _years(args.years), args.replications)
    elif args.step == "generate":
        result = generate(args.folder, args.units, args.years)
    elif args.step == "correct":
        result = correct(args.work_db, args.data_year)
    elif args.step == "publish":
        result = publish(args.work_db, args.mart_db, args.manifest)
    elif args.step == "dagster-steps":
        result = dagster_steps(args.home)
    else:
        result = queries(args.db, args.schema, args.year, args.county)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
