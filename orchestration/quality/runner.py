"""The gate runner: run a table's suite on its frames and say whether the year may be published.

`run_gate` builds each check's plan (the frame and GX expectations), validates the frames with
Great Expectations, turns every failing row into a located finding, writes the Data Docs and
sends the alerts. It is plain Python; the Dagster asset checks call it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from expectations import get_suite, table_name
from expectations._base import (
    FRAME_ROW,
    CheckPlan,
    Environment,
    Location,
    NotEvaluable,
    codes,
    is_missing,
    numbers,
    plain,
    project,
    rows_of_year,
)
from expectations.reference import Reference, dataset_dir_from_env
from orchestration.quality.config import GateConfig, load_gate_config
from orchestration.quality.report import CheckResult, Finding, GateReport, redact

LINEAGE_COLUMNS = ("county_code", "indicator_code", "variable_code", "file_name", "row_number")
MAX_SOURCES_LISTED = 6


@lru_cache(maxsize=4)
def _reference(dataset_dir: Path) -> Reference:
    return Reference.load(dataset_dir)


@dataclass
class GateContext:
    """What a gate run needs besides the frames; every field has a working default.

    expected_units: the county-level units of the data year (a frame with `unit_code` and
    optionally `unit_name`, or a list of codes); default: `seeds/units.csv` for the data year.
    run_id: the Dagster run id, written into the report, alerts and Data Docs.
    """

    config: GateConfig | None = None
    reference: Reference | None = None
    expected_units: pd.DataFrame | Sequence[str] | None = None
    run_id: str | None = None
    send_alerts: bool = True
    write_data_docs: bool = True
    _loaded_config: GateConfig | None = field(default=None, init=False, repr=False)

    def gate_config(self) -> GateConfig:
        """The configuration passed in, else gate.yaml with the environment overrides."""
        if self.config is not None:
            return self.config
        if self._loaded_config is None:
            self._loaded_config = load_gate_config()
        return self._loaded_config

    def gate_reference(self) -> Reference:
        """The reference data passed in, else the seeds (read once per process)."""
        return self.reference or _reference(dataset_dir_from_env())

    def units(self, reference: Reference, data_year: int) -> pd.DataFrame:
        """The expected units of the data year, with names from the registry where known."""
        registry = reference.units_for_data_year(data_year)
        if self.expected_units is None:
            return registry
        if isinstance(self.expected_units, pd.DataFrame):
            given = self.expected_units.copy()
            given["unit_code"] = codes(given["unit_code"])
        else:
            given = pd.DataFrame({"unit_code": codes(pd.Series(list(self.expected_units)))})
        missing = [column for column in registry.columns if column not in given.columns]
        if missing:
            given = given.merge(registry[["unit_code", *missing]], on="unit_code", how="left")
        return given.reset_index(drop=True)


def lineage_from_indicator_points(frame: pd.DataFrame, reference: Reference) -> pd.DataFrame:
    """The lineage frame (county_code, indicator_code, variable_code, file_name, row_number) of
    the mart `county_indicator_points`, whose rows name their numerator's and denominator's
    file and row."""
    parts = []
    for position, side in enumerate(("numerator", "denominator")):
        place = {f"{side}_file_name": "file_name", f"{side}_row_number": "row_number"}
        if not set(place) <= set(frame.columns):
            continue
        part = frame.loc[:, ["county_code", "indicator_code", *place]].rename(columns=place)
        variables = {
            code: names[position]
            for code, names in reference.indicator_variables.items()
            if len(names) > position
        }
        part["variable_code"] = part["indicator_code"].map(variables)
        parts.append(part.dropna(subset=["file_name"]))
    if not parts:
        return pd.DataFrame(columns=list(LINEAGE_COLUMNS))
    return pd.concat(parts, ignore_index=True).loc[:, list(LINEAGE_COLUMNS)]


class _Lineage:
    """Where a mart value came from: the files and rows of a county's indicator's variables."""

    def __init__(self, frame: pd.DataFrame | None, reference: Reference, year: int) -> None:
        self.reference = reference
        self.by_county: dict[str, pd.DataFrame] = {}
        if frame is None or frame.empty:
            return
        frame = rows_of_year(frame, "evaluation_year", year)
        if "file_name" not in frame.columns:
            frame = lineage_from_indicator_points(frame, reference)
        frame = project(frame, LINEAGE_COLUMNS)
        frame["county_code"] = codes(frame["county_code"])
        frame["row_number"] = numbers(frame["row_number"]).astype("Int64")
        self.by_county = {code: rows for code, rows in frame.groupby("county_code")}

    def locate(
        self, county_code: str | None, item: str | None
    ) -> tuple[str | None, Any, str | None]:
        """(file_name, row_number, all sources) of a county's indicator or dimension; for any
        other field (total, rank, class) the county's files."""
        rows = self.by_county.get(county_code) if county_code else None
        if rows is None:
            return None, None, None
        indicators = self._indicators_under(item)
        rows = rows.dropna(subset=["file_name"])
        if indicators is None:  # a county-level field (total, rank, class): its files
            files = sorted(set(rows["file_name"]))
            return ("; ".join(files) or None), None, None
        rows = rows.loc[rows["indicator_code"].isin(indicators)].drop_duplicates(
            ["variable_code", "file_name", "row_number"]
        )
        if rows.empty:
            return None, None, None
        places = rows.drop_duplicates(["file_name", "row_number"])
        if len(places) == 1:
            return places["file_name"].iloc[0], plain(places["row_number"].iloc[0]), None
        primary = self._primary(rows, item)
        listed = [
            f"{row.variable_code}: {row.file_name} row {plain(row.row_number)}"
            for row in rows.head(MAX_SOURCES_LISTED).itertuples()
        ]
        if len(rows) > MAX_SOURCES_LISTED:
            listed.append(f"and {len(rows) - MAX_SOURCES_LISTED} more")
        if primary is not None:
            return primary.file_name, plain(primary.row_number), "; ".join(listed)
        return "; ".join(sorted(set(rows["file_name"]))), None, "; ".join(listed)

    def _indicators_under(self, item: str | None) -> list[str] | None:
        """The indicators behind a node of the tree; None for the total or any other field."""
        if item is None or item == self.reference.total_code:
            return None
        return self.reference.leaves_under(item) if item in self.reference.max_points else None

    def _primary(self, rows: pd.DataFrame, item: str | None) -> Any:
        """The numerator's row of an indicator: the value the points mostly follow."""
        variables = self.reference.indicator_variables.get(item or "", [])
        for variable in variables[:1]:
            match = rows.loc[rows["variable_code"] == variable]
            if not match.empty:
                return next(match.itertuples())
        return None


@dataclass
class _Planned:
    name: str
    description: str
    severity: str
    plan: CheckPlan | None = None
    error: str | None = None


def _plan_checks(suite: Any, inputs: Any, config: GateConfig, table: str) -> list[_Planned]:
    planned = []
    for check in suite.checks.values():
        item = _Planned(
            check.name, check.description, config.severity(table, check.name, check.severity)
        )
        try:
            item.plan = check.plan(inputs)
        except NotEvaluable as problem:
            item.error = str(problem)
        except Exception as problem:  # a missing column, a wrong type: the check cannot run
            item.error = f"could not be evaluated ({type(problem).__name__}: {problem})"
        planned.append(item)
    return planned


def _gx_suite_name(table: str, planned: _Planned) -> str:
    assert planned.plan is not None
    return f"{table}.{planned.plan.frame_name or planned.name}"


def _validate(table: str, planned: list[_Planned], run_name: str) -> tuple[dict, dict, list]:
    """Validate each frame once with the expectations of every check planned on it.

    Returns the frames (with `frame_row`) and the GX results by suite, and the validations.
    """
    from orchestration.quality.gx_runtime import GX_SEVERITY, gx_lock, gx_runtime

    groups: dict[str, list[_Planned]] = {}
    for item in planned:
        if item.plan is not None and item.plan.expectations:
            groups.setdefault(_gx_suite_name(table, item), []).append(item)
    frames, results, validations = {}, {}, []
    with gx_lock():
        runtime = gx_runtime()
        for suite_name, items in groups.items():
            frame = items[0].plan.frame.reset_index(drop=True).copy()
            frame[FRAME_ROW] = range(len(frame))
            expectations = []
            for item in items:
                for expectation in item.plan.expectations:
                    expectation.meta = {"check": item.name, "severity": item.severity}
                    expectation.notes = f"{item.name} ({item.severity}): {item.description}"
                    expectation.severity = GX_SEVERITY[item.severity]
                    expectations.append(expectation)
            validation = runtime.validate(suite_name, frame, expectations, run_name)
            frames[suite_name], results[suite_name] = frame, validation.result
            validations.append(validation)
    return frames, results, validations


def _exception_message(result: Any) -> str | None:
    info = result.exception_info or {}
    if "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    for value in info.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return str(value["exception_message"])
    return None


def _unexpected_rows(result: Any) -> list[int] | None:
    """The frame rows an expectation found unexpected; None for a table-level expectation."""
    index_list = (result.result or {}).get("unexpected_index_list")
    if index_list is None:
        return None
    return [
        int(entry[FRAME_ROW]) if isinstance(entry, dict) else int(entry) for entry in index_list
    ]


def _observed(value: Any) -> Any:
    """A GX observed value as plain data, without the runner's own row id column."""
    if isinstance(value, list):
        return [plain(entry) for entry in value if entry != FRAME_ROW]
    return 0 if value is None else plain(value)


def _table_locations(result: Any, plan: CheckPlan, description: str) -> list[Location]:
    """Findings of a failed table-level expectation (columns missing, counts off)."""
    details = (result.result or {}).get("details") or {}
    missing = (details.get("mismatched") or {}).get("missing")
    if missing:
        return [
            Location(item=column, value_found="column missing", expected="the column present")
            for column in missing
        ]
    if plan.table_location is not None:
        return [plan.table_location]
    return [Location(value_found=(result.result or {}).get("observed_value"), expected=description)]


class _FindingMaker:
    """Turns locations into findings: county names from the registry, files from the lineage."""

    def __init__(self, table: str, year: int, names: Mapping[str, str], lineage: _Lineage) -> None:
        self.table, self.year, self.names, self.lineage = table, year, names, lineage

    def __call__(self, check: str, severity: str, location: Location) -> Finding:
        county = None if is_missing(location.county_code) else str(location.county_code)
        file_name, row_number, sources = location.file_name, location.row_number, None
        if is_missing(file_name) and county:
            file_name, row_number, sources = self.lineage.locate(county, location.item)
        value = plain(location.value_found)
        return Finding(
            evaluation_year=self.year,
            check=check,
            severity=severity,
            county_code=county,
            county_name=self.names.get(county) if county else None,
            variable_or_indicator=None if is_missing(location.item) else str(location.item),
            value_found=redact(value) if isinstance(value, str) else value,
            expected=redact(location.expected),
            file_name=None if is_missing(file_name) else str(file_name),
            row_number=None if is_missing(row_number) else int(row_number),
            table=self.table,
            sources=sources,
        )


def _check_result(
    table: str, item: _Planned, frames: dict, results: dict, make: _FindingMaker
) -> CheckResult:
    base = {
        "check": item.name,
        "table": table,
        "severity": item.severity,
        "expected": item.description,
    }
    if item.plan is None:
        finding = make(
            item.name,
            item.severity,
            Location(value_found="not evaluated", expected=item.error or ""),
        )
        return CheckResult(
            passed=False, observed_value=None, findings=(finding,), error=item.error, **base
        )
    plan = item.plan
    if plan.not_applicable is not None:
        return CheckResult(
            passed=True, observed_value=None, not_applicable=plan.not_applicable, **base
        )
    suite_name = _gx_suite_name(table, item)
    frame, suite_result = frames[suite_name], results[suite_name]
    mine = [
        r
        for r in suite_result.results
        if (r.expectation_config.meta or {}).get("check") == item.name
    ]
    rows: set[int] = set()
    locations: list[Location] = []
    errors, observed, checked = [], None, 0
    for result in mine:
        checked = max(checked, int((result.result or {}).get("element_count") or 0))
        message = _exception_message(result)
        unexpected = _unexpected_rows(result)
        if message:
            errors.append(message)
        elif result.success:
            observed = (
                observed if observed is not None else (result.result or {}).get("observed_value")
            )
        elif unexpected:
            rows.update(unexpected)
        else:  # a table-level expectation failed: no rows to point at
            observed = (result.result or {}).get("observed_value")
            locations.extend(_table_locations(result, plan, item.description))
    error = f"could not be evaluated ({'; '.join(sorted(set(errors)))})" if errors else None
    if error:
        locations.append(Location(value_found="not evaluated", expected=error))
    locate = plan.locate or (lambda row: Location(expected=item.description))
    locations.extend(locate(frame.iloc[row].to_dict()) for row in sorted(rows))
    findings = tuple(make(item.name, item.severity, location) for location in locations)
    return CheckResult(
        passed=not findings,
        observed_value=len(rows) if rows else _observed(observed),
        findings=findings,
        rows_checked=checked or len(frame),
        error=error,
        gx_suite=suite_name,
        **base,
    )


def _pandas(frame: Any) -> pd.DataFrame:
    """A pandas frame; a polars frame (or anything with `to_pandas`) is converted."""
    return frame if isinstance(frame, pd.DataFrame) else frame.to_pandas()


def check_names(table: str, config: GateConfig | None = None) -> dict[str, str]:
    """The checks of a table and their configured severities, in the order they run."""
    name = table_name(table)
    config = config or load_gate_config()
    return {
        check.name: config.severity(name, check.name, check.severity)
        for check in get_suite(name).checks.values()
    }


def run_gate(
    table: str,
    frames: Mapping[str, pd.DataFrame],
    evaluation_year: int,
    context: GateContext | None = None,
) -> GateReport:
    """Run the quality gate of `table` for one evaluation year.

    frames by table:
      raw_submitted_values (or raw.submitted_values): `submitted_values`, optionally
        `previous_submitted_values` (else taken from `submitted_values` if it holds that year);
      county_scores: `county_scores`, optionally `lineage` (county_code, indicator_code,
        variable_code, file_name, row_number; or the mart county_indicator_points as it is) to
        name the file and row of mart findings;
      county_transitions: `county_transitions`, `county_scores` (this year and the year before,
        or the year before as `previous_county_scores`), optionally `lineage`;
      province_summary: `province_summary`, `county_scores`, optionally `county_transitions`.
    Frames may be pandas or polars. Extra columns (contact details, say) are dropped unread.
    """
    started = time.monotonic()
    frames = {key: _pandas(frame) for key, frame in frames.items()}
    context = context or GateContext()
    name = table_name(table)
    suite = get_suite(name)
    config = context.gate_config()
    reference = context.gate_reference().for_evaluation_year(evaluation_year)
    lag = reference.data_year_lag(evaluation_year)
    units = context.units(reference, evaluation_year - lag)
    env = Environment(evaluation_year, reference, units, config.settings(name))
    inputs = suite.prepare(frames, env)

    run_id = context.run_id or uuid.uuid4().hex
    planned = _plan_checks(suite, inputs, config, name)
    frames_by_suite, results, validations = _validate(name, planned, f"{evaluation_year}-{run_id}")

    previous_units = reference.units_for_data_year(evaluation_year - lag - 1)
    names = {
        **dict(zip(previous_units["unit_code"], previous_units["unit_name"], strict=True)),
        **dict(zip(units["unit_code"], units.get("unit_name", units["unit_code"]), strict=True)),
    }
    make = _FindingMaker(
        name, evaluation_year, names, _Lineage(frames.get("lineage"), reference, evaluation_year)
    )
    checks = [_check_result(name, item, frames_by_suite, results, make) for item in planned]
    report = GateReport(table=name, evaluation_year=evaluation_year, checks=checks, run_id=run_id)

    if context.write_data_docs and config.data_docs_dir is not None:
        from orchestration.quality.data_docs import write_data_docs

        report.data_docs = str(write_data_docs(report, validations, config.data_docs_dir))
    if context.send_alerts:
        from orchestration.quality.alerts import alert_gate_report

        outcome = alert_gate_report(report, config)
        report.alerts_sent, report.alert_errors = outcome.sent, outcome.errors
        report.alerts_suppressed = outcome.suppressed
    report.duration_seconds = time.monotonic() - started
    return report
