"""`leap run`: the years asked for, the run's log and console, recovery from a killed run, one
Dagster run per range of years and what a person reads when a year is not published (the
command line itself, and the other commands, are in `orchestration.cli`)."""

from __future__ import annotations

import logging
import sys
import time
from datetime import datetime
from pathlib import Path

from orchestration.config.paths import Paths

EXIT_OK, EXIT_NOT_PUBLISHED, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3


class UsageError(ValueError):
    """A mistake in the command or the configuration, said in one line."""


def read_years(text: str | None) -> list[int] | None:
    """The evaluation years of `--years` (2021, 2019-2021 or 2018,2020); None for all."""
    if not text:
        return None
    try:
        if "-" in text:
            start, end = (int(part) for part in text.split("-", 1))
            years = list(range(start, end + 1))
        else:
            start = end = 0
            years = sorted({int(part) for part in text.split(",")})
    except ValueError:
        raise UsageError(
            f"--years {text}: not a year, a range or a list (e.g. 2021, 2019-2021 or 2018,2020)"
        ) from None
    if start > end:
        raise UsageError(f"--years {text}: the range is reversed; did you mean {end}-{start}?")
    return years


def check_years(years: list[int] | None, first: int, last: int) -> list[int]:
    """The years to run: all of first-last, or the given ones if all lie within."""
    if years is None:
        return list(range(first, last + 1))
    outside = [year for year in years if not first <= year <= last]
    if outside:
        raise UsageError(
            f"--years: {', '.join(map(str, outside))} outside the evaluation years {first}-{last} "
            "(the methodology's years that have submissions; LEAP_LAST_YEAR sets the last)"
        )
    return years


def contiguous_ranges(years: list[int]) -> list[list[int]]:
    """2018,2019,2021 -> [[2018, 2019], [2021]]: one run per range."""
    ranges: list[list[int]] = []
    for year in sorted(years):
        if ranges and year == ranges[-1][-1] + 1:
            ranges[-1].append(year)
        else:
            ranges.append([year])
    return ranges


# --- the console and the run's log file -------------------------------------------------------


class _ConsoleLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"  {record.getMessage()}"


def open_run_log(paths: Paths) -> Path:
    """Every Dagster and dbt log line of this run into warehouse/logs/run-<time>.log; on the
    console only the progress lines (and warnings from anywhere)."""
    paths.logs_dir.mkdir(parents=True, exist_ok=True)
    log_path = paths.logs_dir / f"run-{datetime.now():%Y%m%d-%H%M%S}.log"
    file_handler = logging.FileHandler(log_path, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    leap = logging.getLogger("leap")
    leap.setLevel(logging.DEBUG)
    leap.propagate = False
    leap.addHandler(file_handler)
    console = logging.StreamHandler(sys.stdout)
    console.setFormatter(_ConsoleLines())
    progress = logging.getLogger("leap.progress")
    progress.addHandler(console)
    progress.show_bars = True  # type: ignore[attr-defined]
    # Dagster's own Python loggers (instance and execution plan messages) and Python's warnings
    # go to the file as well; the run's events come through `leap.dagster` already.
    system_handler = logging.FileHandler(log_path, encoding="utf-8")
    system_handler.setFormatter(file_handler.formatter)
    system_handler.addFilter(lambda record: record.name != "dagster.builtin")
    for name in ("dagster", "py.warnings"):
        logging.getLogger(name).addHandler(system_handler)
    logging.captureWarnings(True)
    return log_path


def say(text: str = "") -> None:
    print(text, flush=True)


# --- leap run -----------------------------------------------------------------------------------


def _inbox_ready(paths: Paths, demo: bool) -> None:
    """Submissions are there, or the demo's are written because the user asked for them."""
    if (paths.dataset_dir / "values.csv").exists():
        return  # a dataset folder brings its values
    inbox = paths.inbox_dir
    has_files = inbox.is_dir() and any(
        child.is_dir() and any(child.iterdir()) for child in inbox.iterdir()
    )
    if has_files:
        return
    if not demo:
        state = "does not exist" if not inbox.exists() else "holds no submissions"
        raise UsageError(
            f"the inbox {inbox} {state}: put the submissions there (one folder per data year), "
            "point LEAP_INBOX_DIR at them, or run `leap run --demo` for the demo data"
        )
    from orchestration.demo import write_demo_inbox

    started = time.perf_counter()
    write_demo_inbox(inbox)
    say(f"  demo submissions written into {inbox} in {time.perf_counter() - started:.1f} s")


def _report_failure(outcome, log_path: Path) -> None:
    """In a few lines: which checks failed, for which county and file, and where the details
    are."""
    for evaluation in outcome.failed_checks:
        metadata = {
            key: getattr(value, "value", value) for key, value in evaluation.metadata.items()
        }
        severity = getattr(evaluation.severity, "value", evaluation.severity)
        verdict = "blocked by" if str(severity).upper() == "ERROR" else "warning from"
        say(f"  {verdict} {evaluation.check_name}:")
        for line in (evaluation.description or "").splitlines()[:6]:
            say(f"    {line}")
        for finding in (metadata.get("findings") or [])[:3]:
            where = ", ".join(
                str(finding[key])
                for key in ("county_name", "county_code", "variable_or_indicator", "file_name")
                if finding.get(key)
            )
            row = f" row {finding['row_number']}" if finding.get("row_number") else ""
            say(
                f"    - {where}{row}: found {finding.get('value_found')}, "
                f"expected {finding.get('expected')}"
            )
        if metadata.get("data_docs"):
            say(f"    details: {metadata['data_docs']}")
    for step in outcome.failed_steps[:5]:
        lines = step.splitlines()
        say(f"  failed: {lines[0][:300]}")
        for line in lines[1:6]:
            say(f"    {line.strip()[:300]}")
    say(f"  full log: {log_path}")


def _recover(paths: Paths) -> object:
    """What a killed or crashed run left: the mart and Parquet made one version again, and
    runs that died unfinished marked failed and alerted. Returns the Dagster instance."""
    import dagster as dg

    from orchestration.defs.launch import fail_abandoned_runs, prepare_dagster_home
    from orchestration.quality import alert_run_failure
    from orchestration.warehouse.publish import recover_publication

    recovered = recover_publication(paths.mart_db, paths.mart_parquet_dir)
    if recovered:
        say(f"  published mart: {recovered}")
    prepare_dagster_home(paths.warehouse_dir)
    instance = dg.DagsterInstance.get()
    for abandoned in fail_abandoned_runs(instance):
        say(
            f"  run {abandoned.run_id} (evaluation years {abandoned.partitions}) had died "
            "unfinished: marked failed and alerted"
        )
        alert_run_failure(
            abandoned.run_id,
            "annual_run",
            "the run's process ended without finishing (killed or crashed)",
            abandoned.partitions,
            gate_config(paths),
        )
    return instance


def _run_ranges(paths: Paths, instance: object, years: list[int], log_path: Path) -> int:
    """One Dagster run per range of years; the number of runs that did not publish."""
    from orchestration.defs.dbt import parse_project
    from orchestration.defs.launch import run_years
    from orchestration.quality import alert_run_failure

    parse_seconds = parse_project(paths)[1]
    say(f"  dbt project parsed in {parse_seconds:.1f} s")
    from orchestration.definitions import defs

    job = defs.resolve_job_def("annual_run")
    failures = 0
    for years_of_run in contiguous_ranges(years):
        outcome = run_years(job, instance, years_of_run, "DEBUG")
        if outcome.success:
            say(f"evaluation years {_label(years_of_run)}: published")
            continue
        failures += 1
        message = "; ".join(outcome.failed_steps)[:2000] or "the run did not complete"
        alert_run_failure(
            outcome.run_id, "annual_run", message, _label(years_of_run), gate_config(paths)
        )
        say(f"evaluation years {_label(years_of_run)}: NOT published")
        _report_failure(outcome, log_path)
    return failures


def run(paths: Paths, years_text: str | None, demo: bool) -> int:
    """`leap run`: validate, lock the warehouse, recover what a killed run left, then one
    Dagster run per range of years. Returns the exit code."""
    from orchestration.warehouse.lock import warehouse_lock

    requested = read_years(years_text)
    paths.ensure_output_dirs()
    started = time.perf_counter()
    with warehouse_lock(paths.warehouse_dir):
        instance = _recover(paths)
        _inbox_ready(paths, demo)
        from orchestration.defs.partitions import FIRST_YEAR, LAST_YEAR

        years = check_years(requested, FIRST_YEAR, LAST_YEAR)
        log_path = open_run_log(paths)
        say(f"leap run: evaluation years {_label(years)} into {paths.warehouse_dir}")
        say(f"  full log: {log_path}")
        failures = _run_ranges(paths, instance, years, log_path)
        say(f"finished in {time.perf_counter() - started:.1f} s")
    return EXIT_OK if not failures else EXIT_NOT_PUBLISHED


def gate_config(paths: Paths):
    """The quality gate's configuration (alert sinks) of this warehouse."""
    from orchestration.quality import load_gate_config

    return load_gate_config(paths.warehouse_dir, paths.alerts_dir)


def _label(years: list[int]) -> str:
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))
