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
from pathlib import Path

from orchestration.cli_run import (
    EXIT_BUSY,
    EXIT_NOT_PUBLISHED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    run,
    say,
)
from orchestration.config.paths import PROJECT_ROOT, Paths, paths_from_environment

# --- the other commands -------------------------------------------------------------------------


def print_summary(paths: Paths) -> None:
    """The province summary of the published mart, beside the figures the province published
    (the configuration's `published_results`, read from the dataset folder: the working
    database may be held by a run)."""
    import duckdb

    from orchestration.config.configuration import Configuration

    if not paths.mart_db.exists():
        say(f"no published mart at {paths.mart_db}")
        return
    columns = (
        "evaluation_year as year, units, class_a as A, class_b as B, class_c as C, mean_score, "
        "class_leaps as leaps, demotions, score_up, rank_up"
    )
    published = Configuration.from_dataset_dir(paths.dataset_dir).published_results
    with duckdb.connect(str(paths.mart_db), read_only=True) as con:
        say(f"\nProvince summary (published mart {paths.mart_db}):")
        say(str(con.sql(f"select {columns} from province_summary order by evaluation_year")))
        if not published.is_empty():
            con.register("published_results", published.to_arrow())
            say("Figures published by the province, for comparison:")
            say(str(con.sql(f"select {columns} from published_results order by 1")))


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
        say(f"withdrawn: {name} (data year {data_year}); run its evaluation year again")
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
    say(
        f"report site: {summary.site.out_dir / 'index.html'} "
        f"({summary.site.province_pages} province and {summary.site.county_pages} county "
        f"pages); {len(summary.excel_files)} Excel files{pdfs} in {summary.seconds:.1f} s"
    )
    return EXIT_OK


def _docs_command(paths: Paths, args: argparse.Namespace) -> int:
    from orchestration.reports import build_docs

    summary = build_docs(paths, args.out)
    say(
        f"dbt documentation: {summary.index} ({summary.models} models) in "
        f"{summary.seconds:.1f} s; open it in a browser (works offline)"
    )
    return EXIT_OK


def _folder_option(parser: argparse.ArgumentParser, flag: str, what: str, default: str) -> None:
    """An output folder option, resolved against the working directory of the command."""
    parser.add_argument(
        flag,
        type=lambda text: Path(text).resolve(),
        default=None,
        help=f"{what} (default: {default})",
    )


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
    _folder_option(report, "--out", "site folder", "warehouse/reports/site")
    _folder_option(report, "--excel-out", "Excel folder", "warehouse/reports/excel")
    report.add_argument(
        "--pdf", action="store_true", help="also print one PDF per county and one for the province"
    )
    _folder_option(report, "--pdf-out", "PDF folder", "warehouse/reports/pdf")
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
    _folder_option(docs, "--out", "site folder", "warehouse/dbt_docs")
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
            code = run(paths, args.years, demo=args.demo and not args.no_demo)
            print_summary(paths)
            return _exit_without_teardown(code)
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
