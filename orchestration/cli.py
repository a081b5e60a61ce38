"""`leap`: the command line of the annual run.

    leap run                    materialize every evaluation year of the methodology in one run,
                                gate and publish them, print the province summary
    leap run --demo             the same, writing the demo submissions first if the inbox is empty
    leap run --years 2021       one year (a correction: that year and what depends on it)
    leap demo --inbox DIR       write the demo submissions
    leap summary                print the province summary of the published mart
    leap report [--out DIR]     regenerate the report site and the Excel lists from the mart
    leap report --pdf [--year Y]  ... and print one PDF per county and one for the province
                                (--county CODE, repeatable: that county's and the province's)
    leap docs                   build dbt's documentation site into warehouse/dbt_docs
    leap withdraw FILE          withdraw a submitted file (its values stay in raw, unused)

Exit codes: 0 success, 1 a year was not published (failed or blocked by the quality gate),
2 a mistake in the command or the configuration (nothing was run), 3 the warehouse is busy.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from orchestration.config.paths import PROJECT_ROOT, Paths, paths_from_environment

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


def _say(text: str = "") -> None:
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
    _say(f"  demo submissions written into {inbox} in {time.perf_counter() - started:.1f} s")


def _report_failure(outcome, log_path: Path) -> None:
    """In a few lines: which checks failed, for which county and file, and where the details
    are."""
    for evaluation in outcome.failed_checks:
        metadata = {
            key: getattr(value, "value", value) for key, value in evaluation.metadata.items()
        }
        severity = getattr(evaluation.severity, "value", evaluation.severity)
        verdict = "blocked by" if str(severity).upper() == "ERROR" else "warning from"
        _say(f"  {verdict} {evaluation.check_name}:")
        for line in (evaluation.description or "").splitlines()[:6]:
            _say(f"    {line}")
        for finding in (metadata.get("findings") or [])[:3]:
            where = ", ".join(
                str(finding[key])
                for key in ("county_name", "county_code", "variable_or_indicator", "file_name")
                if finding.get(key)
            )
            row = f" row {finding['row_number']}" if finding.get("row_number") else ""
            _say(
                f"    - {where}{row}: found {finding.get('value_found')}, "
                f"expected {finding.get('expected')}"
            )
        if metadata.get("data_docs"):
            _say(f"    details: {metadata['data_docs']}")
    for step in outcome.failed_steps[:5]:
        lines = step.splitlines()
        _say(f"  failed: {lines[0][:300]}")
        for line in lines[1:6]:
            _say(f"    {line.strip()[:300]}")
    _say(f"  full log: {log_path}")


def _recover(paths: Paths) -> object:
    """What a killed or crashed run left: the mart and Parquet made one version again, and
    runs that died unfinished marked failed and alerted. Returns the Dagster instance."""
    import dagster as dg

    from orchestration.defs.launch import fail_abandoned_runs, prepare_dagster_home
    from orchestration.quality import alert_run_failure
    from orchestration.warehouse.publish import recover_publication

    recovered = recover_publication(paths.mart_db, paths.mart_parquet_dir)
    if recovered:
        _say(f"  published mart: {recovered}")
    prepare_dagster_home(paths.warehouse_dir)
    instance = dg.DagsterInstance.get()
    for abandoned in fail_abandoned_runs(instance):
        _say(
            f"  run {abandoned.run_id} (evaluation years {abandoned.partitions}) had died "
            "unfinished: marked failed and alerted"
        )
        alert_run_failure(
            abandoned.run_id,
            "annual_run",
            "the run's process ended without finishing (killed or crashed)",
            abandoned.partitions,
            _gate_config(paths),
        )
    return instance


def _run_ranges(paths: Paths, instance: object, years: list[int], log_path: Path) -> int:
    """One Dagster run per range of years; the number of runs that did not publish."""
    from orchestration.defs.dbt import parse_project
    from orchestration.defs.launch import run_years
    from orchestration.quality import alert_run_failure

    parse_seconds = parse_project(paths)[1]
    _say(f"  dbt project parsed in {parse_seconds:.1f} s")
    from orchestration.definitions import defs

    job = defs.resolve_job_def("annual_run")
    failures = 0
    for years_of_run in contiguous_ranges(years):
        outcome = run_years(job, instance, years_of_run, "DEBUG")
        if outcome.success:
            _say(f"evaluation years {_label(years_of_run)}: published")
            continue
        failures += 1
        message = "; ".join(outcome.failed_steps)[:2000] or "the run did not complete"
        alert_run_failure(
            outcome.run_id, "annual_run", message, _label(years_of_run), _gate_config(paths)
        )
        _say(f"evaluation years {_label(years_of_run)}: NOT published")
        _report_failure(outcome, log_path)
    return failures


def run(paths: Paths, years_text: str | None, demo: bool) -> int:
    """`leap run`: validate, lock the warehouse, recover what a killed run left, then one
    Dagster run per range of years, and the province summary."""
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
        _say(f"leap run: evaluation years {_label(years)} into {paths.warehouse_dir}")
        _say(f"  full log: {log_path}")
        failures = _run_ranges(paths, instance, years, log_path)
        _say(f"finished in {time.perf_counter() - started:.1f} s")
    print_summary(paths)
    return EXIT_OK if not failures else EXIT_NOT_PUBLISHED


def _gate_config(paths: Paths):
    from orchestration.quality import load_gate_config

    return load_gate_config(paths.warehouse_dir, paths.alerts_dir)


def _label(years: list[int]) -> str:
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years))


# --- the other commands -------------------------------------------------------------------------


def print_summary(paths: Paths) -> None:
    """The province summary of the published mart, beside the figures the province published
    (the configuration's `published_results`, read from the dataset folder: the working
    database may be held by a run)."""
    import duckdb

    from orchestration.config.configuration import Configuration

    if not paths.mart_db.exists():
        _say(f"no published mart at {paths.mart_db}")
        return
    columns = (
        "evaluation_year as year, units, class_a as A, class_b as B, class_c as C, mean_score, "
        "class_leaps as leaps, demotions, score_up, rank_up"
    )
    published = Configuration.from_dataset_dir(paths.dataset_dir).published_results
    with duckdb.connect(str(paths.mart_db), read_only=True) as con:
        _say(f"\nProvince summary (published mart {paths.mart_db}):")
        _say(str(con.sql(f"select {columns} from province_summary order by evaluation_year")))
        if not published.is_empty():
            con.register("published_results", published.to_arrow())
            _say("Figures published by the province, for comparison:")
            _say(str(con.sql(f"select {columns} from published_results order by 1")))


def withdraw(paths: Paths, file_name: str) -> int:
    """Withdraw a file from the raw layer's current submissions (the next run re-gates)."""
    from orchestration.ingest.raw_store import withdraw_file
    from orchestration.warehouse.connection import connect_work_db

    with connect_work_db(paths.work_db) as con:
        withdrawn = withdraw_file(con, file_name) or withdraw_file(con, Path(file_name).name)
    if not withdrawn:
        print(
            f"leap withdraw: no delivered file named {file_name} in the raw layer", file=sys.stderr
        )
        return EXIT_NOT_PUBLISHED
    for data_year, name in withdrawn:
        _say(f"withdrawn: {name} (data year {data_year}); run its evaluation year again")
    return EXIT_OK


def _report_command(paths: Paths, args: argparse.Namespace) -> int:
    from orchestration import reports

    try:
        summary = reports.build_reports(
            mart_db=paths.mart_db,
            site_dir=args.out or reports.default_site_dir(paths),
            excel_dir=args.excel_out or reports.default_excel_dir(paths),
            pdf_dir=(args.pdf_out or reports.default_pdf_dir(paths)) if args.pdf else None,
            pdf_year=args.year,
            pdf_counties=args.county,
        )
    except (reports.PdfRequestError, FileNotFoundError) as error:  # no such year, no browser
        print(f"leap report: {error}", file=sys.stderr)
        return EXIT_USAGE
    pdfs = f"; {len(summary.pdf.files)} PDFs in {summary.pdf.out_dir}" if summary.pdf else ""
    _say(
        f"report site: {summary.site.out_dir / 'index.html'} "
        f"({summary.site.province_pages} province and {summary.site.county_pages} county "
        f"pages); {len(summary.excel_files)} Excel files{pdfs} in {summary.seconds:.1f} s"
    )
    return EXIT_OK


def _docs_command(paths: Paths, args: argparse.Namespace) -> int:
    from orchestration.reports import build_docs

    summary = build_docs(paths, args.out)
    _say(
        f"dbt documentation: {summary.index} ({summary.models} models) in "
        f"{summary.seconds:.1f} s; open it in a browser (works offline)"
    )
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leap", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="materialize, gate and publish evaluation years")
    run_parser.add_argument("--years", help="e.g. 2021, 2019-2021 or 2018,2020 (default: all)")
    run_parser.add_argument(
        "--demo", action="store_true", help="write the demo submissions first if the inbox is empty"
    )
    run_parser.add_argument(
        "--no-demo", action="store_true", help="never write demo submissions (the default)"
    )
    demo = commands.add_parser("demo", help="write the demo submissions into an inbox")
    demo.add_argument("--inbox", type=Path, default=None)
    demo.add_argument("--seed", type=int, default=None)
    demo.add_argument("--defect-rate", type=float, default=0.0)
    commands.add_parser("summary", help="print the published province summary")
    report = commands.add_parser("report", help="regenerate the report site and Excel lists")
    report.add_argument(
        "--out",
        type=lambda text: Path(text).resolve(),
        default=None,
        help="site folder (default: warehouse/reports/site)",
    )
    report.add_argument(
        "--excel-out",
        type=lambda text: Path(text).resolve(),
        default=None,
        help="Excel folder (default: warehouse/reports/excel)",
    )
    report.add_argument(
        "--pdf", action="store_true", help="also print one PDF per county and one for the province"
    )
    report.add_argument(
        "--pdf-out",
        type=lambda text: Path(text).resolve(),
        default=None,
        help="PDF folder (default: warehouse/reports/pdf)",
    )
    report.add_argument(
        "--year",
        type=int,
        default=None,
        help="evaluation year of the PDFs (default: the latest published)",
    )
    report.add_argument(
        "--county",
        action="append",
        default=None,
        metavar="CODE",
        help="print the PDFs of this county (repeatable) and the province's only, "
        "keeping the year's other PDFs (default: every county)",
    )
    docs = commands.add_parser("docs", help="build dbt's documentation site (works offline)")
    docs.add_argument(
        "--out",
        type=lambda text: Path(text).resolve(),
        default=None,
        help="site folder (default: warehouse/dbt_docs)",
    )
    withdrawn = commands.add_parser("withdraw", help="withdraw a submitted file")
    withdrawn.add_argument("file", help="the file's name in its year folder (or its SHA-256)")
    return parser


def _exit_without_teardown(code: int) -> int:
    """End the process with `code` once its exit handlers have run and its output and logs
    are flushed, skipping the interpreter's teardown: a run leaves a large heap (dbt's
    manifest, Dagster's definitions, Great Expectations) whose freeing takes 5-8 s and serves
    nothing (every file is written and every database connection closed by then). The exit
    handlers (multiprocessing's among them: its semaphores) run as at a normal exit."""
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
    return code  # not reached


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    paths = paths_from_environment()
    os.chdir(PROJECT_ROOT)
    if args.command == "run":
        from orchestration.warehouse.lock import WarehouseBusy

        try:
            return _exit_without_teardown(
                run(paths, args.years, demo=args.demo and not args.no_demo)
            )
        except UsageError as error:
            print(f"leap run: {error}", file=sys.stderr)
            return EXIT_USAGE
        except WarehouseBusy as error:
            print(f"leap run: {error}", file=sys.stderr)
            return EXIT_BUSY
    if args.command == "demo":
        from orchestration.demo import write_demo_inbox

        kwargs = {"defect_rate": args.defect_rate}
        if args.seed is not None:
            kwargs["seed"] = args.seed
        write_demo_inbox(args.inbox or paths.inbox_dir, **kwargs)
        return EXIT_OK
    if args.command == "summary":
        print_summary(paths)
        return EXIT_OK
    if args.command == "report":
        return _report_command(paths, args)
    if args.command == "docs":
        return _docs_command(paths, args)
    if args.command == "withdraw":
        return withdraw(paths, args.file)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
