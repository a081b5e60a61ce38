"""Which ingest problems block the year: `ingest_problems:` of expectations/gate.yaml, one
severity per problem code, read through `problem_severities`."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

from orchestration.ingest import PROBLEM_CODES, read_inbox_year
from orchestration.ingest.severity import DEFAULT_GATE_CONFIG, problem_severities

from .builders import CountyForm, write_xlsx
from .conftest import RECEIVED, SEEDS, YEAR, year_dir


def gate_copy(tmp_path: Path, **changes: object) -> Path:
    """A copy of the project's gate.yaml with some ingest_problems entries changed (None drops)."""
    raw = yaml.safe_load(DEFAULT_GATE_CONFIG.read_text(encoding="utf-8"))
    for code, severity in changes.items():
        if severity is None:
            raw["ingest_problems"].pop(code)
        else:
            raw["ingest_problems"][code] = severity
    path = tmp_path / "gate.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_every_problem_code_has_a_severity_in_gate_yaml() -> None:
    result = problem_severities(DEFAULT_GATE_CONFIG)
    assert sorted(result) == sorted(PROBLEM_CODES)
    assert set(result.values()) <= {"error", "warning", "info"}


@pytest.mark.parametrize(
    "code,severity",
    [
        ("formula_without_value", "error"),
        ("percent_format", "error"),
        ("conflicting_units", "error"),
        ("bound_instead_of_value", "error"),
        ("approximate_value", "warning"),
        ("chinese_numerals", "warning"),
        ("value_remark", "info"),
        ("unit_converted", "info"),
    ],
)
def test_defaults_of_a_careful_office(code: str, severity: str) -> None:
    assert problem_severities(DEFAULT_GATE_CONFIG)[code] == severity


def test_the_configured_severity_is_stamped_on_the_problems(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = CountyForm()
    form.values["hte_count"] = "约48"
    write_xlsx(year_dir(inbox) / "form.xlsx", {"填报表": form.grid()})
    default = read_inbox_year(inbox, YEAR, SEEDS, received_at=RECEIVED)
    monkeypatch.setenv("LEAP_GATE_CONFIG", str(gate_copy(tmp_path, approximate_value="error")))
    configured = read_inbox_year(inbox, YEAR, SEEDS, received_at=RECEIVED)

    def severity(result) -> list[str]:
        found = result.problems.filter(pl.col("problem_code") == "approximate_value")
        return found["severity"].to_list()

    assert (severity(default), severity(configured)) == (["warning"], ["error"])
    assert configured.errors().height == 1


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"missing_value": None}, "has no severity for ['missing_value']"),
        ({"no_such_problem": "error"}, "unknown problem codes ['no_such_problem']"),
        ({"missing_value": "fatal"}, "{'missing_value': 'fatal'} are not one of"),
    ],
    ids=["missing_code", "unknown_code", "unknown_severity"],
)
def test_a_wrong_table_is_refused_with_the_file_and_code(
    tmp_path: Path, changes: dict, message: str
) -> None:
    path = gate_copy(tmp_path, **changes)
    with pytest.raises(ValueError) as error:
        problem_severities(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_a_gate_file_without_the_section_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gate.yaml"
    path.write_text("tolerances: {points: 1.0e-6}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no ingest_problems: section"):
        problem_severities(path)
