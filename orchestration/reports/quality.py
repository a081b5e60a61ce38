"""The data-quality box of a year's page: the quality gate's verdict on every gated table of the
year, in words, in Chinese and English, with the checks that failed.

It reads `data_quality_status` (one row per year and gated table) and, when the mart has it,
`data_quality_checks` (one row per rule) for what each failed rule checks. A mart published
before the gate recorded its status shows the status the publication log kept. Nothing on the
box names a file or folder of the machine that built the mart (the Data Docs link and run id
stay in the mart).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from orchestration.reports.mart import MartData

STATUS_LABELS = {
    "passed": ("全部通过", "passed"),
    "warnings": ("通过（有警告）", "passed with warnings"),
    "passed with warnings": ("通过（有警告）", "passed with warnings"),
    "blocked": ("未通过，不予发布", "blocked from publishing"),
}
STATUS_ORDER = ("passed", "warnings", "blocked")
TABLE_LABELS = {
    "ingest_problems": ("报送文件读取", "reading the submitted files"),
    "raw_submitted_values": ("各县报送数据", "county submissions"),
    "county_scores": ("县域得分", "county scores"),
    "county_transitions": ("年度变化", "year-over-year changes"),
    "province_summary": ("全省汇总", "province summary"),
}
SEVERITY_LABELS = {"error": ("错误", "error"), "warning": ("警告", "warning")}


@dataclass(frozen=True)
class FailedCheck:
    """A rule of the gate that failed for a table."""

    rule: str
    severity_zh: str
    severity_en: str
    failed_count: int | None
    description: str


@dataclass(frozen=True)
class GatedTable:
    """The gate's verdict on one table of the year."""

    name_zh: str
    name_en: str
    status: str
    status_zh: str
    status_en: str
    checks_run: int | None
    errors_failed: int | None
    warnings_failed: int | None
    findings_total: int | None
    failed_checks: tuple[FailedCheck, ...]
    checked_at: str


@dataclass(frozen=True)
class QualityBox:
    """The year's data-quality status: overall, and per gated table."""

    status: str
    status_zh: str
    status_en: str
    tables: tuple[GatedTable, ...]
    published_at: str = ""


def _status(value: str | None) -> tuple[str, str, str]:
    """(css key, Chinese, English) of a gate status; an unknown one is shown as it is."""
    key = (value or "").strip().lower()
    zh, en = STATUS_LABELS.get(key, (value or "–", value or "–"))
    css = "warnings" if key == "passed with warnings" else key
    return css, zh, en


def _failed_checks(row: dict, checks: pl.DataFrame | None) -> tuple[FailedCheck, ...]:
    """The failed rules of a table: from the per-rule table when the mart has it, else the
    names the status row lists."""
    if checks is not None:
        failed = checks.filter(
            (pl.col("gated_table") == row["gated_table"]) & ~pl.col("passed").fill_null(False)
        ).sort("severity", "rule")
        return tuple(
            FailedCheck(
                r["rule"],
                *SEVERITY_LABELS.get(r["severity"], (r["severity"],) * 2),
                r.get("failed_count"),
                r.get("description") or "",
            )
            for r in failed.to_dicts()
        )
    names = [name.strip() for name in (row.get("checks_failed") or "").split(",")]
    return tuple(FailedCheck(name, "", "", None, "") for name in names if name)


def _gated_table(row: dict, checks: pl.DataFrame | None) -> GatedTable:
    name_zh, name_en = TABLE_LABELS.get(row["gated_table"], (row["gated_table"],) * 2)
    css, status_zh, status_en = _status(row.get("status"))
    checked_at = row.get("checked_at")
    return GatedTable(
        name_zh=name_zh,
        name_en=name_en,
        status=css,
        status_zh=status_zh,
        status_en=status_en,
        checks_run=row.get("checks_run"),
        errors_failed=row.get("errors_failed"),
        warnings_failed=row.get("warnings_failed"),
        findings_total=row.get("findings_total"),
        failed_checks=_failed_checks(row, checks),
        checked_at="" if checked_at is None else f"{str(checked_at)[:16]} UTC",
    )


def _year(frame: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
    if frame is None or "evaluation_year" not in frame.columns:
        return None
    return frame.filter(pl.col("evaluation_year") == year)


def _pipeline_order(row: dict) -> tuple[int, str]:
    """Gated tables in the order the run checks them (submissions first), others after."""
    order = list(TABLE_LABELS)
    table = row["gated_table"]
    return (order.index(table) if table in order else len(order), table)


def _worst(statuses: list[str]) -> str:
    known = [status for status in statuses if status in STATUS_ORDER]
    if len(known) < len(statuses):
        return next(status for status in statuses if status not in STATUS_ORDER)
    return max(known, key=STATUS_ORDER.index) if known else ""


def quality_box(data: MartData, year: int) -> QualityBox | None:
    """The year's box, or None when the mart records nothing about the year's quality."""
    status = _year(data.table("data_quality_status"), year)
    if status is not None and status.height:
        checks = _year(data.table("data_quality_checks"), year)
        rows = sorted(status.to_dicts(), key=_pipeline_order)
        tables = tuple(_gated_table(row, checks) for row in rows)
        overall = _worst([table.status for table in tables])
        _, zh, en = _status(overall)
        return QualityBox(overall, zh, en, tables)
    log = _year(data.table("publication_log"), year)
    if log is None or log.height == 0:
        return None
    row = log.sort("published_at").to_dicts()[-1]
    css, zh, en = _status(row.get("gate_status"))
    return QualityBox(css, zh, en, (), f"{str(row.get('published_at'))[:16]} UTC")
