"""The failing rows of a validation result, located: year, county, variable, file, row, cause.

Each failing row of an expectation (GX's `unexpected_index_list`, named by the table's id
columns) becomes one finding in the words of the people who fix it: what was found, what was
expected, and where. A rule that could not be evaluated is a finding too.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from orchestration.ingest.problems import PROBLEM_CODES

PHONE_NUMBER = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
NO_FILE = "无（该县没有可用的报送文件）"
KEY_FIELDS = "table rule evaluation_year county_code variable_or_indicator file_name row_number"
KEY_FIELDS = (*KEY_FIELDS.split(), "value_found")


def scrub(text: Any) -> Any:
    """Phone-number-like digit runs masked (the texts are scrubbed in staging already; this
    guards what is written outside the warehouse, e.g. an error message quoting a cell)."""
    return PHONE_NUMBER.sub("[已隐去]", text) if isinstance(text, str) else text


def plain(value: Any) -> Any:
    """A cell as a plain JSON value (None for a missing one)."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value if isinstance(value, int | float | bool) else str(value)


@dataclass(frozen=True)
class Finding:
    """One failing row of a rule, located."""

    table: str
    rule: str
    severity: str
    evaluation_year: int | None
    county_code: str | None
    county_name: str | None
    variable_or_indicator: str | None
    value_found: Any
    expected: str
    file_name: str | None
    row_number: int | None
    cause: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {key: plain(value) for key, value in asdict(self).items()}

    @property
    def key(self) -> tuple:
        """What identifies the failure across runs (its alert is sent once)."""
        return tuple(str(getattr(self, name)) for name in KEY_FIELDS)

    def describe(self) -> str:
        """One line for people: where, what was found, what was expected, the file, the cause."""
        if self.county_code:
            county = f"{self.county_name or '登记册中没有的单位'}（{self.county_code}）"
        else:  # a file whose county could not be identified, or a province-wide figure
            county = "县未确定（文件未读入或未能识别县）" if self.file_name else "全省"
        item = f"，{self.variable_or_indicator}" if self.variable_or_indicator else ""
        source = self.file_name or (NO_FILE if self.county_code else "无（全省的汇总数字）")
        if self.row_number is not None:
            source += f" 第 {self.row_number} 行"
        cause = f"。原因：{self.cause}" if self.cause else ""
        rule = f"{self.evaluation_year} {self.table}.{self.rule}（{self.severity}）"
        return (
            f"{rule}：{county}{item}："
            f"发现 {plain(self.value_found)}，应为 {self.expected}。文件：{source}{cause}"
        )


def _finding(table: str, meta: dict, kwargs: dict, row: dict[str, Any]) -> Finding:
    column = meta.get("found_column") or kwargs.get("column") or kwargs.get("column_A")
    found = meta["found"] if "found" in meta else row.get(column)
    reference = meta.get("reference") or kwargs.get("column_B")
    expected = meta.get("expected", "")
    if reference:
        expected = f"{meta.get('relation', '')}{plain(row.get(reference))}：{expected}"
    cause = row.get("missing_because")
    if table == "ingest_problems":  # the problem's own sentence says what was expected
        found, expected = row.get("found_text"), row.get("expected") or expected
        code = row.get("problem_code")
        cause = f"{code}（{PROBLEM_CODES.get(code, code)}）"
    per_county = meta.get("per_county")
    return Finding(
        table=table,
        rule=meta["rule"],
        severity=meta["severity"],
        evaluation_year=plain(row.get("evaluation_year")),
        county_code=plain(row.get("county_code")),
        county_name=plain(row.get("county_name")),
        variable_or_indicator=None
        if per_county
        else plain(row.get("variable_code") or row.get("figure")),
        value_found=scrub(plain(found)),
        expected=scrub(str(expected)),
        file_name=plain(row.get("file_name")),
        row_number=None if per_county else plain(row.get("row_number")),
        cause=scrub(plain(cause)),
    )


def findings_of(table: str, validation: Any) -> list[Finding]:
    """Every failing row of every expectation of a validation result, once per rule."""
    found: dict[tuple, Finding] = {}
    for result in validation.results:
        config = result.expectation_config
        meta, kwargs = dict(config.meta or {}), dict(config.kwargs or {})
        info = result.exception_info or {}
        if info.get("raised_exception"):
            message = scrub(str(info.get("exception_message")))
            finding = Finding(table, meta["rule"], meta["severity"], *[None] * 4, "未能检查",
                              f"可检查的数据（{message}）", None, None)  # fmt: skip
            found[finding.key] = finding
            continue
        if result.success:
            continue
        for row in (result.result or {}).get("unexpected_index_list") or [{}]:
            finding = _finding(table, meta, kwargs, row if isinstance(row, dict) else {})
            found.setdefault(finding.key, finding)
    return list(found.values())
