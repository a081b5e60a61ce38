"""Within-year duplicates: two files carrying values of the same county and variable.

Typical causes: a corrected resubmission of a county form, or a county that is both in its own
form and in its city's summary. Both files are kept (the raw layer keeps everything); downstream
the latest received file supersedes. Here each pair of files sharing a county is reported once,
on the later file, as `duplicate_submission` when their values differ (`repeated_submission` when
they agree), naming both files and the first differing variables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from orchestration.ingest.problems import Location, Problem, problem


@dataclass(frozen=True)
class SubmittedValue:
    """The fields of a values row that duplicate detection needs."""

    unit_code: str
    variable_code: str
    value: float | None
    is_missing: bool
    file_name: str
    sheet: str | None
    row_number: int
    received_at: datetime


def duplicate_submissions(
    values: list[SubmittedValue], unit_names: dict[str, str]
) -> list[Problem]:
    """One problem per pair of files that both carry values of one county."""
    by_unit: dict[str, dict[str, dict[str, SubmittedValue]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for v in values:
        by_unit[v.unit_code][v.file_name].setdefault(v.variable_code, v)
    problems: list[Problem] = []
    for unit_code, files in sorted(by_unit.items()):
        if len(files) < 2:
            continue
        ordered = sorted(files, key=lambda f: (next(iter(files[f].values())).received_at, f))
        for earlier, later in combinations(ordered, 2):
            shared = sorted(set(files[earlier]) & set(files[later]))
            if not shared:
                continue
            differing = [
                code for code in shared if _differs(files[earlier][code], files[later][code])
            ]
            first_later = min(files[later].values(), key=lambda v: v.row_number)
            first_earlier = next(iter(files[earlier].values()))
            label = f"{unit_names.get(unit_code, '')} ({unit_code})".strip()
            detail = ", ".join(
                f"{code} {_show(files[earlier][code])} → {_show(files[later][code])}"
                for code in differing[:5]
            ) + (", …" if len(differing) > 5 else "")
            message = (
                f"{label} is in two files of the year: {earlier} (received "
                f"{first_earlier.received_at:%Y-%m-%d %H:%M:%S}) and {later} (received "
                f"{first_later.received_at:%Y-%m-%d %H:%M:%S}); both are kept and downstream the "
                "later received file supersedes — "
                + (
                    f"{len(differing)} of {len(shared)} shared variables differ: {detail}"
                    if differing
                    else f"all {len(shared)} shared variables agree"
                )
            )
            problems.append(
                problem(
                    Location(
                        file_name=later,
                        sheet=first_later.sheet,
                        row_number=first_later.row_number
                        if len(files[later]) < 2 or _one_row(files[later])
                        else None,
                        unit_code=unit_code,
                        unit_label=label,
                    ),
                    "duplicate_submission" if differing else "repeated_submission",
                    message,
                    found_text=f"{earlier}; {later}",
                )
            )
    return problems


def _one_row(values: dict[str, SubmittedValue]) -> bool:
    return len({v.row_number for v in values.values()}) == 1


def _differs(a: SubmittedValue, b: SubmittedValue) -> bool:
    return a.is_missing != b.is_missing or a.value != b.value


def _show(v: SubmittedValue) -> str:
    if v.is_missing or v.value is None:
        return "missing"
    return f"{v.value:g}" if abs(v.value) < 1e15 else str(v.value)
