"""Evidence of every gate run, readable offline, in the warehouse's `data_docs/` folder.

    data_docs/index.html                    every table and year: verdict, findings, links
    data_docs/gate/<year>/<table>.html      the latest report: checks, located findings
    data_docs/gate/<year>/<table>.json      the same as data
    data_docs/gx/validations/...            Great Expectations' own Data Docs pages

Our pages are static HTML without scripts or remote styles. GX's validation pages carry their
content in the HTML too; offline they lose only their remote stylesheets. GX's own index page
is not built: it is rendered by remote scripts and would list only this process's runs.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from expectations._base import fmt
from orchestration.quality.report import GateReport

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.error { color: #a00; font-weight: bold; }
.warning { color: #a60; font-weight: bold; }
.passed { color: #070; }
"""


def _write_atomically(path: Path, text: str) -> None:
    """Write a file so that a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """An HTML table; cells are HTML already escaped by the caller."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _verdict(passed: bool, blocking: bool) -> str:
    if passed:
        return '<span class="passed">passed</span>'
    if blocking:
        return '<span class="error">blocked</span>'
    return '<span class="warning">warnings</span>'


def _report_page(report: GateReport, gx_pages: dict[str, str]) -> str:
    up = "../../"
    checks = _table(
        ["check", "severity", "outcome", "observed", "expected", "GX page"],
        [
            [
                escape(check.check),
                f'<span class="{check.severity}">{check.severity}</span>',
                "not applicable: " + escape(check.not_applicable)
                if check.not_applicable
                else '<span class="passed">passed</span>'
                if check.passed
                else escape(check.error or f"failed: {len(check.findings)} finding(s)"),
                escape(fmt(check.observed_value))
                if not isinstance(check.observed_value, list)
                else escape(", ".join(map(str, check.observed_value))),
                escape(check.expected),
                f'<a href="{up}{escape(gx_pages[check.gx_suite])}">{escape(check.gx_suite)}</a>'
                if check.gx_suite in gx_pages
                else "",
            ]
            for check in report.checks
        ],
    )
    findings = _table(
        ["severity", "check", "county", "variable / indicator", "found", "expected", "file", "row"],
        [
            [
                f'<span class="{f.severity}">{f.severity}</span>',
                escape(f.check),
                escape(f"{f.county_name or ''} {f.county_code or ''}".strip()),
                escape(f.variable_or_indicator or ""),
                escape(fmt(f.value_found)),
                escape(f.expected),
                escape(f.file_name or "")
                + (f"<br><small>{escape(f.sources)}</small>" if f.sources else ""),
                "" if f.row_number is None else str(f.row_number),
            ]
            for f in report.findings
        ],
    )
    body = (
        f'<p><a href="{up}index.html">All gate runs</a></p>'
        f"<p>{_verdict(report.passed, report.blocking)} &mdash; {escape(report.summary())}</p>"
        f"<p>Run {escape(report.run_id or '')}</p>"
        f"<h2>Checks</h2>{checks}<h2>Findings</h2>"
        + (findings if report.findings else "<p>None.</p>")
    )
    return _page(f"Quality gate: {report.table} {report.evaluation_year}", body)


def _index_page(docs_dir: Path) -> str:
    reports = []
    for path in sorted((docs_dir / "gate").glob("*/*.json"), reverse=True):
        try:
            reports.append((path, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, json.JSONDecodeError):
            continue  # being written by another run: the next index build lists it
    rows = [
        [
            str(data["evaluation_year"]),
            escape(data["table"]),
            _verdict(data["passed"], data["blocking"]),
            str(data["errors_failed"]),
            str(data["warnings_failed"]),
            str(data["findings_total"]),
            escape(data.get("generated_at", "")),
            f'<a href="{escape(path.with_suffix(".html").relative_to(docs_dir).as_posix())}">'
            "report</a>",
        ]
        for path, data in reports
    ]
    body = (
        "<p>The latest quality gate run of each table and evaluation year. A blocked year is not "
        "published.</p>"
        + _table(
            [
                "year",
                "table",
                "verdict",
                "error checks failed",
                "warning checks failed",
                "findings",
                "run at",
                "",
            ],
            rows,
        )
    )
    return _page("County innovation evaluation: quality gate evidence", body)


def write_data_docs(report: GateReport, validations: list[Any], docs_dir: Path) -> Path:
    """Write the GX validation pages, this report's page and data, and the index; returns the
    report page."""
    from datetime import UTC, datetime

    from orchestration.quality.gx_runtime import gx_lock, gx_runtime

    docs_dir = Path(docs_dir)
    docs_dir.mkdir(parents=True, exist_ok=True)
    with gx_lock():
        gx_pages = gx_runtime().write_docs(docs_dir, validations)
    folder = docs_dir / "gate" / str(report.evaluation_year)
    page = folder / f"{report.table}.html"
    data = {
        **report.to_dict(),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "gx_pages": gx_pages,
        "data_docs": str(page),
    }
    _write_atomically(
        folder / f"{report.table}.json", json.dumps(data, ensure_ascii=False, indent=1, default=str)
    )
    _write_atomically(page, _report_page(report, gx_pages))
    _write_atomically(docs_dir / "index.html", _index_page(docs_dir))
    return page
