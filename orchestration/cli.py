"""`leap`: the command line of the annual run.

    leap run            materialize every evaluation year (writes demo submissions first if the
                        inbox is empty), gate and publish them, print the province summary
    leap run --years 2021          one year (a correction: re-runs that year and what depends on it)
    leap demo --inbox DIR          write the demo submissions
    leap summary                   print the province summary of the published mart
    leap report [--out DIR]        regenerate the report site and the Excel lists from the mart
    leap report --pdf [--year Y]   ... and print one PDF per county and one for the province
    leap docs                      build dbt's documentation site into warehouse/dbt_docs
    leap withdraw FILE             withdraw a submitted file (its values stay in raw, unused)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from orchestration.config.paths import PROJECT_ROOT, current_paths, evaluation_year_range


def _parse_years(text: str | None) -> list[int]:
    first, last = evaluation_year_range()
    if not text:
        return list(range(first, last + 1))
    if "-" in text:
        start, end = (int(part) for part in text.split("-", 1))
        return list(range(start, end + 1))
    return [int(part) for part in text.split(",")]


def _prepare_dagster_home() -> Path:
    """A persistent Dagster instance in the warehouse, so the UI shows the CLI's runs."""
    home = Path(os.environ.get("DAGSTER_HOME") or current_paths().warehouse_dir / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


class _StepProgress(logging.Handler):
    """Prints one line per step start, success and failure of a Dagster run."""

    EVENTS = {"STEP_START": "…", "STEP_SUCCESS": "ok", "STEP_FAILURE": "FAILED"}

    def __init__(self, prefix: str) -> None:
        super().__init__(level=logging.DEBUG)
        self.prefix = prefix

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        mark = self.EVENTS.get(event.event_type_value)
        if mark is None:
            return
        print(f"  {self.prefix} {event.step_key:<28} {mark}", flush=True)


def _ensure_inbox(years: list[int]) -> None:
    """Write the demo submissions when the inbox has none (the embedded default)."""
    paths = current_paths().ensure()
    if any(child.is_dir() and any(child.iterdir()) for child in paths.inbox_dir.iterdir()):
        return
    from orchestration.demo import write_demo_inbox

    print(f"inbox {paths.inbox_dir} is empty: writing the demo submissions", flush=True)
    started = time.perf_counter()
    write_demo_inbox(paths.inbox_dir)
    print(f"  demo submissions written in {time.perf_counter() - started:.1f} s", flush=True)


def _alert_failed_run(result, year: int) -> None:
    """A run that failed or was blocked alerts (the UI's run-failure sensor needs a daemon)."""
    from orchestration.quality import alert_run_failure, load_gate_config

    failures = [event.message or "" for event in result.all_events if event.is_step_failure]
    message = "; ".join(failures)[:2000] or "the run did not complete"
    config = load_gate_config(current_paths().warehouse_dir, current_paths().alerts_dir)
    alert_run_failure(result.run_id, "annual_run", message, str(year), config)


def _print_blocking_findings(result) -> None:
    """Which rule blocked, for which county and file (the first few of each failed rule)."""
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed or evaluation.severity.value != "ERROR":
            continue
        findings = evaluation.metadata.get("findings")
        rows = findings.value if findings is not None else []
        print(f"  blocked by {evaluation.check_name}: {evaluation.description}", flush=True)
        for row in rows[:5]:
            print(f"    {row.get('evaluation_year')} {row.get('county_name') or ''}"
                  f"({row.get('county_code') or '-'}) {row.get('variable_or_indicator') or ''}: "
                  f"found {row.get('value_found')}, expected {row.get('expected')}; "
                  f"file {row.get('file_name') or 'none'}"
                  + (f" row {row['row_number']}" if row.get("row_number") else ""), flush=True)


def withdraw(file_name: str) -> int:
    """Withdraw a file from the raw layer's current submissions (the next run re-gates)."""
    from orchestration.ingest.raw_store import withdraw_file
    from orchestration.warehouse.connection import connect_work_db

    with connect_work_db(current_paths().work_db) as con:
        withdrawn = withdraw_file(con, file_name) or withdraw_file(con, Path(file_name).name)
    if not withdrawn:
        print(f"no delivered file named {file_name} in the raw layer")
        return 1
    for data_year, name in withdrawn:
        print(f"withdrawn: {name} (data year {data_year}); run its evaluation year again")
    return 0


def run_years(years: list[int], *, demo_if_empty: bool = True) -> dict[int, bool]:
    """Materialize the annual run for each evaluation year in order; True where it published."""
    import dagster as dg

    _prepare_dagster_home()
    if demo_if_empty:
        _ensure_inbox(years)
    print("loading the Dagster code location …", flush=True)
    from orchestration.definitions import defs

    job = defs.resolve_job_def("annual_run")
    instance = dg.DagsterInstance.get()
    outcomes: dict[int, bool] = {}
    for year in years:
        started = time.perf_counter()
        print(f"evaluation year {year}", flush=True)
        handler = _StepProgress(str(year))
        dagster_logger = logging.getLogger("dagster")
        dagster_logger.addHandler(handler)
        try:
            result = job.execute_in_process(
                partition_key=str(year), instance=instance, raise_on_error=False
            )
        finally:
            dagster_logger.removeHandler(handler)
        published = result.success
        outcomes[year] = published
        if not published:
            _alert_failed_run(result, year)
            _print_blocking_findings(result)
        status = "published" if published else "NOT published (see the failures above)"
        print(f"  {year}: {status} in {time.perf_counter() - started:.1f} s", flush=True)
    return outcomes


def print_summary() -> None:
    """The province summary of the published mart, beside the figures the province published."""
    import duckdb

    paths = current_paths()
    if not paths.mart_db.exists():
        print(f"no published mart at {paths.mart_db}")
        return
    with duckdb.connect(str(paths.mart_db), read_only=True) as con:
        published = paths.dataset_dir / "published_results.csv"
        query = """
            select evaluation_year as year, units, class_a as A, class_b as B, class_c as C,
                   mean_score, class_leaps as leaps, demotions, score_up, rank_up
            from province_summary order by evaluation_year
        """
        print(f"\nProvince summary (published mart {paths.mart_db}):")
        print(con.sql(query))
        if published.exists():
            print("Figures published by the province, for comparison:")
            print(
                con.sql(
                    f"select evaluation_year as year, units, class_a as A, class_b as B, "
                    f"class_c as C, mean_score, class_leaps as leaps, demotions, score_up, "
                    f"rank_up from read_csv('{published}') order by 1"
                )
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="leap", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="materialize, gate and publish evaluation years")
    run.add_argument("--years", help="e.g. 2021, 2019-2021 or 2018,2020 (default: all)")
    run.add_argument("--no-demo", action="store_true", help="never write demo submissions")
    demo = commands.add_parser("demo", help="write the demo submissions into an inbox")
    demo.add_argument("--inbox", type=Path, default=None)
    demo.add_argument("--seed", type=int, default=None)
    demo.add_argument("--defect-rate", type=float, default=0.0)
    commands.add_parser("summary", help="print the published province summary")
    report = commands.add_parser("report", help="regenerate the report site and Excel lists")
    report.add_argument("--out", type=lambda text: Path(text).resolve(), default=None,
                        help="site folder (default: warehouse/reports/site)")
    report.add_argument("--excel-out", type=lambda text: Path(text).resolve(), default=None,
                        help="Excel folder (default: warehouse/reports/excel)")
    report.add_argument("--pdf", action="store_true",
                        help="also print one PDF per county and one for the province")
    report.add_argument("--pdf-out", type=lambda text: Path(text).resolve(), default=None,
                        help="PDF folder (default: warehouse/reports/pdf)")
    report.add_argument("--year", type=int, default=None,
                        help="evaluation year of the PDFs (default: the latest published)")
    docs = commands.add_parser("docs", help="build dbt's documentation site (works offline)")
    docs.add_argument("--out", type=lambda text: Path(text).resolve(), default=None,
                      help="site folder (default: warehouse/dbt_docs)")
    withdrawn = commands.add_parser("withdraw", help="withdraw a submitted file")
    withdrawn.add_argument("file", help="the file's name in its year folder (or its SHA-256)")
    args = parser.parse_args(argv)

    os.chdir(PROJECT_ROOT)
    if args.command == "run":
        outcomes = run_years(_parse_years(args.years), demo_if_empty=not args.no_demo)
        print_summary()
        return 0 if all(outcomes.values()) else 1
    if args.command == "demo":
        from orchestration.demo import write_demo_inbox

        kwargs = {"defect_rate": args.defect_rate}
        if args.seed is not None:
            kwargs["seed"] = args.seed
        write_demo_inbox(args.inbox or current_paths().ensure().inbox_dir, **kwargs)
        return 0
    if args.command == "summary":
        print_summary()
        return 0
    if args.command == "report":
        from orchestration import reports

        paths = current_paths()
        summary = reports.build_reports(
            mart_db=paths.mart_db,
            site_dir=args.out or reports.default_site_dir(paths),
            excel_dir=args.excel_out or reports.default_excel_dir(paths),
            pdf_dir=(args.pdf_out or reports.default_pdf_dir(paths)) if args.pdf else None,
            pdf_year=args.year,
        )
        pdfs = f"; {len(summary.pdf.files)} PDFs in {summary.pdf.out_dir}" if summary.pdf else ""
        print(f"report site: {summary.site.out_dir / 'index.html'} "
              f"({summary.site.province_pages} province and {summary.site.county_pages} county "
              f"pages); {len(summary.excel_files)} Excel files{pdfs} in {summary.seconds:.1f} s")
        return 0
    if args.command == "docs":
        from orchestration.reports import build_docs

        docs_summary = build_docs(current_paths(), args.out)
        print(f"dbt documentation: {docs_summary.index} ({docs_summary.models} models) "
              f"in {docs_summary.seconds:.1f} s; open it in a browser (works offline)")
        return 0
    if args.command == "withdraw":
        return withdraw(args.file)
    return 2


if __name__ == "__main__":
    sys.exit(main())
