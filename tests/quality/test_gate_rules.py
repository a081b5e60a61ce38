"""Each rule of the gate fails on the row it should, and names the county, file and row.

The frames are the real gate models of the demo warehouse (dbt models quality.gate_<table>);
one cell is made wrong, the table's checkpoint validates the frame with Great Expectations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from orchestration.quality import GateOutcome, load_gate_config, run_gates
from tests.quality.conftest import YEAR

Change = Callable[[pd.DataFrame], tuple[pd.DataFrame, int]]


def _row_of(frame: pd.DataFrame, **where: object) -> int:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return int(frame.index[mask][0])


def negative(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    row = _row_of(frame, variable_code="hte_count")
    frame.loc[row, "value"] = -3.0
    return frame, row


def gdp_zero(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    row = _row_of(frame, variable_code="gdp")
    frame.loc[row, "value"] = 0.0
    return frame, row


def part_above_whole(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    row = _row_of(frame, variable_code="ind_ent_rd_count")
    frame.loc[row, "value_ind_ent_rd_count"] = frame.loc[row, "value_ind_ent_count"] + 1
    return frame, row


def jump(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    row = _row_of(frame, variable_code="tech_contract")
    frame.loc[row, "year_over_year_ratio"] = 25.0
    return frame, row


def wrong_class(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    row = int(frame.index[0])
    frame.loc[row, "class"] = "A" if frame.loc[row, "expected_class"] != "A" else "C"
    return frame, row


def wrong_rank(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    row = int(frame.index[1])
    frame.loc[row, "city_rank"] = frame.loc[row, "expected_city_rank"] + 1
    return frame, row


def flipped_leap(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    row = int(frame.index[2])
    frame.loc[row, "is_class_leap"] = not frame.loc[row, "expected_is_class_leap"]
    return frame, row


def miscounted(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    row = _row_of(frame, figure="class_a")
    frame.loc[row, "found"] += 1
    return frame, row


def ingest_error(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    problem = {
        "evaluation_year": YEAR,
        "data_year": YEAR - 1,
        "file_name": "county_form_130123.xlsx",
        "sheet": "填报表",
        "row_number": 4,
        "column_name": "县（市、区）代码",
        "county_code": "130123",
        "county_name": "正定县",
        "variable_code": None,
        "found_text": "130124",
        "expected": "代码与名称不是同一个县",
        "problem_code": "code_name_mismatch",
    }
    frame = pd.concat([frame, pd.DataFrame([problem])], ignore_index=True)
    return frame, len(frame) - 1


CASES = [
    ("raw_submitted_values", "no_negative_values", negative, "blocked"),
    ("raw_submitted_values", "value_bounds", gdp_zero, "blocked"),  # and implausible
    ("raw_submitted_values", "related_variables_consistent", part_above_whole, "blocked"),
    ("raw_submitted_values", "year_over_year_jump", jump, "warnings"),
    ("county_scores", "class_consistent", wrong_class, "blocked"),
    ("county_scores", "ranks_consistent", wrong_rank, "blocked"),
    ("county_transitions", "changes_consistent", flipped_leap, "blocked"),
    ("province_summary", "matches_county_scores", miscounted, "blocked"),
    ("ingest_problems", "ingest_errors", ingest_error, "blocked"),
]


def _quiet_gate(table: str, frame: pd.DataFrame, tmp_path: Path) -> GateOutcome:
    config = load_gate_config(tmp_path, environ={"LEAP_ALERT_SINKS": "none", "LEAP_DATA_DOCS": "0"})
    return run_gates({table: frame}, [YEAR], config, "test")[0]


@pytest.mark.parametrize(
    ("table", "rule", "change", "status"), CASES, ids=[case[1] for case in CASES]
)
def test_a_wrong_cell_fails_its_rule_and_is_located(
    gate_frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    table: str,
    rule: str,
    change: Change,
    status: str,
) -> None:
    frame, row = change(gate_frames[table].copy())

    outcome = _quiet_gate(table, frame, tmp_path)

    failed = {r.rule: r.findings for r in outcome.rules if not r.passed}
    also = ["value_plausible_range"] if rule == "value_bounds" else []  # 0 is implausible too
    assert (sorted(failed), outcome.status(YEAR)) == (sorted([rule, *also]), status)
    finding = failed[rule][0]
    where = frame.loc[row]
    result = (finding.evaluation_year, finding.county_code, finding.file_name)
    expected = (YEAR, where.get("county_code"), where.get("file_name"))
    assert result == expected
    if "row_number" in frame.columns:
        assert finding.row_number == where["row_number"]


@pytest.mark.parametrize("table", sorted(CASES_TABLES := {case[0] for case in CASES}))
def test_the_demo_years_pass_every_rule(
    gate_frames: dict[str, pd.DataFrame], tmp_path: Path, table: str
) -> None:
    outcome = _quiet_gate(table, gate_frames[table], tmp_path)

    assert [(r.rule, r.findings) for r in outcome.rules if not r.passed] == []
    assert outcome.status(YEAR) == "passed"


def test_a_county_without_a_submission_names_the_rejected_file(
    gate_frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    frame = gate_frames["raw_submitted_values"].copy()
    county = frame["county_code"].iloc[0]
    mine = frame["county_code"] == county
    cause = "文件被退回：county_form_x.xlsx（统计年度 2022 与文件夹 2023 不符）"
    frame.loc[mine, ["unit_has_submission", "is_submitted", "value"]] = [False, False, None]
    frame.loc[mine, ["file_name", "row_number", "missing_because"]] = [None, None, cause]

    outcome = _quiet_gate("raw_submitted_values", frame, tmp_path)

    failed = {r.rule: r.findings for r in outcome.rules if not r.passed}
    assert sorted(failed) == ["units_complete"]
    result = [(f.county_code, f.variable_or_indicator, f.cause) for f in failed["units_complete"]]
    assert result == [(county, None, cause)]
    assert "没有可用的报送文件" in failed["units_complete"][0].describe()
