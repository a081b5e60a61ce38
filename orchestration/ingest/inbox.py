"""Reading one data year of the inbox: every file into values, a files row and problems.

`<inbox>/<data_year>/` holds the year's files (subfolders allowed); names starting with `.`, `_`
or `~$` (Excel lock files) are ignored. One bad file never stops the year: a file that cannot be
read, has no known layout, or is for another data year is `rejected` with a reason (and its
values are not emitted); every other file is `loaded`, with its problems located.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from orchestration.ingest.detect import read_layout
from orchestration.ingest.duplicates import SubmittedValue, duplicate_submissions
from orchestration.ingest.grid import UnreadableFile, Workbook, read_workbook
from orchestration.ingest.problems import Location, Problem, problem
from orchestration.ingest.reading import LayoutReading, ReadContext, Reference
from orchestration.ingest.schemas import LOADED, REJECTED, IngestResult
from orchestration.ingest.severity import problem_severities

log = logging.getLogger(__name__)

_IGNORED_PREFIXES = (".", "_", "~$")


@dataclass
class FileOutcome:
    """One file's files row, values rows and problems."""

    file_row: dict[str, object]
    values: list[dict[str, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    submitted: list[SubmittedValue] = field(default_factory=list)  # for duplicate detection


def read_inbox_year(
    inbox_dir: Path,
    data_year: int,
    dataset_dir: Path,
    received_at: datetime | None = None,
    severities: Mapping[str, str] | None = None,
) -> IngestResult:
    """Read every submission file of `<inbox_dir>/<data_year>/`, with the configuration of the
    dataset folder `dataset_dir` (variables, aliases, units of measure, the unit registry).

    `received_at` stamps all files (tz-aware values are converted to UTC; naive ones are taken as
    UTC); by default each file's modification time in UTC. `severities` (problem code → error |
    warning | info) defaults to `ingest_problems:` of the gate configuration. A missing year
    folder gives an empty result.
    """
    severities = problem_severities() if severities is None else severities
    ref = Reference.from_dataset_dir(Path(dataset_dir))
    year_dir = Path(inbox_dir) / str(data_year)
    outcomes: list[FileOutcome] = []
    seen_hashes: dict[str, str] = {}
    for path in scan_year_folder(year_dir):
        rel = path.relative_to(year_dir).as_posix()
        outcome = ingest_file(path, rel, data_year, ref, _received(path, received_at), seen_hashes)
        outcomes.append(outcome)

    sha_of = {str(o.file_row["file_name"]): str(o.file_row["file_sha256"]) for o in outcomes}
    names = {u.code: u.name for u in ref.registry.valid_units(data_year)}
    duplicates = duplicate_submissions([s for o in outcomes for s in o.submitted], names)
    problem_rows = [
        p.as_row(data_year, str(o.file_row["file_sha256"]), severities)
        for o in outcomes
        for p in o.problems
    ]
    problem_rows += [
        p.as_row(data_year, sha_of[p.location.file_name], severities) for p in duplicates
    ]
    all_values = [v for o in outcomes for v in o.values]
    return IngestResult.from_rows(all_values, [o.file_row for o in outcomes], problem_rows)


def scan_year_folder(year_dir: Path) -> list[Path]:
    """The submission files of a year folder, sorted; hidden/underscore/lock files skipped."""
    if not year_dir.is_dir():
        return []
    found = []
    for path in sorted(year_dir.rglob("*")):
        parts = path.relative_to(year_dir).parts
        if any(part.startswith(_IGNORED_PREFIXES) for part in parts) or not path.is_file():
            continue
        found.append(path)
    return found


def ingest_file(
    path: Path,
    rel: str,
    data_year: int,
    ref: Reference,
    received: datetime,
    seen_hashes: dict[str, str] | None = None,
) -> FileOutcome:
    """Read one file; never raises for a bad file (the file is rejected with a reason)."""
    try:
        data = path.read_bytes()
        read_error = None
    except OSError as error:  # vanished, no permission: reject it, read the rest
        data, read_error = b"", f"the file cannot be opened ({error.strerror or error})"
    sha = hashlib.sha256(data).hexdigest()
    row = _file_row(data_year, rel, sha, len(data), received)
    outcome = FileOutcome(row)
    where = Location(file_name=rel)

    def reject(
        code: str, message: str, found: str | None = None, loc: Location = where
    ) -> FileOutcome:
        p = problem(loc, code, message, found)
        row.update(status=REJECTED, reason=f"{code}: {message}")
        outcome.values.clear()
        outcome.submitted.clear()
        outcome.problems[:] = [p]
        return outcome

    if read_error is not None:
        return reject("unreadable_file", read_error)
    if seen_hashes is not None:
        if sha in seen_hashes:
            return reject(
                "duplicate_file",
                f"byte-identical to {seen_hashes[sha]} (same SHA-256); read once only",
                seen_hashes[sha],
            )
        seen_hashes[sha] = rel
    try:
        book = read_workbook(data, rel)
    except UnreadableFile as error:
        return reject("unreadable_file", f"{error}; expected an .xlsx workbook or a CSV file")
    row.update(file_format=book.file_format, encoding=book.encoding)
    ctx = ReadContext(file_name=rel, data_year=data_year, ref=ref)
    try:
        detection = read_layout(book, ctx)
    except Exception as error:  # a bug must not stop the other files of the year
        log.exception("reading %s failed", rel)
        return reject(
            "reader_failure", f"the reader failed ({type(error).__name__}: {error}); report this"
        )
    if detection.wrong_year is not None:
        outcome.problems.append(detection.wrong_year)
        row.update(status=REJECTED, reason=f"wrong_year: {detection.wrong_year.expected}")
        return outcome
    if not detection.readings:
        sheets = ", ".join(s.name or "(csv)" for s in book.sheets) or "none"
        return reject(
            "unknown_layout",
            f"no sheet (sheets: {sheets}) has the header of a known layout; expected a county "
            "form (指标代码 | 指标名称 | 计量单位 | 数值 | 备注), a city summary or expert scores "
            "(行政区划代码 | 县(市、区)名称 | one column per variable)",
        )
    _loaded(outcome, book, detection.readings, received)
    outcome.problems.extend(detection.problems)
    return outcome


def _loaded(
    outcome: FileOutcome, book: Workbook, readings: list[LayoutReading], received: datetime
) -> None:
    """The values and problems of the sheets read into a loaded file's outcome."""
    row = outcome.file_row
    if book.file_format == "xlsx" and not book.cell_facts_read:
        outcome.problems.append(
            problem(
                Location(file_name=str(row["file_name"])),
                "cell_formats_unread",
                "the cells' number formats and formulas could not be read (the values could), so "
                "a percentage, an uncalculated formula or an error cell cannot be told from a "
                "number or a blank; expected the workbook saved again from Excel or WPS",
            )
        )
    _describe(row, readings)
    for reading in readings:
        outcome.problems.extend(reading.problems)
        outcome.values.extend(_value_rows(reading, row))
        outcome.submitted.extend(_submitted(reading, str(row["file_name"]), received))
    row["value_count"] = len(outcome.values)


def _file_row(
    data_year: int, rel: str, sha: str, size: int, received: datetime
) -> dict[str, object]:
    return {
        "data_year": data_year,
        "file_name": rel,
        "file_sha256": sha,
        "size_bytes": size,
        "layout": None,
        "status": LOADED,
        "reason": None,
        "received_at": received,
        "value_count": 0,
    }


def _value_rows(reading: LayoutReading, file_row: dict[str, object]) -> list[dict[str, object]]:
    return [
        {
            "data_year": file_row["data_year"],
            "unit_code": unit_code,
            "variable_code": v.variable_code,
            "value": v.value,
            "raw_text": v.raw_text,
            "unit_found": v.unit_found,
            "conversion_factor": v.conversion_factor,
            "is_missing": v.is_missing,
            "layout": reading.layout,
            "file_name": file_row["file_name"],
            "file_sha256": file_row["file_sha256"],
            "sheet": reading.sheet,
            "row_number": v.location.row_number,
            "column_name": v.location.column_name,
            "column_letter": v.location.column_letter,
            "received_at": file_row["received_at"],
            "remark": v.remark,
            "unit_stated_in": v.unit_stated_in,
            "conversion": v.conversion,
        }
        for unit_code, v in reading.values
    ]


def _submitted(reading: LayoutReading, rel: str, received: datetime) -> list[SubmittedValue]:
    return [
        SubmittedValue(
            unit_code=unit_code,
            variable_code=v.variable_code,
            value=v.value,
            is_missing=v.is_missing,
            file_name=rel,
            sheet=reading.sheet,
            row_number=v.location.row_number or 0,
            received_at=received,
        )
        for unit_code, v in reading.values
        if unit_code is not None
    ]


def _describe(row: dict[str, object], readings: list[LayoutReading]) -> None:
    """The files row of the sheets read: one sheet's fields, or the sheets' joined."""

    def joined(values: list[object]) -> object:
        unique = list(dict.fromkeys(v for v in values if v is not None))
        return unique[0] if len(unique) == 1 else ("; ".join(map(str, unique)) or None)

    units = {r.unit_code for r in readings}
    years = {r.declared_data_year for r in readings} - {None}
    row.update(
        layout=joined([r.layout for r in readings]),
        sheet=joined([r.sheet for r in readings]),
        declared_unit_name=joined([r.declared_unit_name for r in readings]),
        declared_unit_code=joined([r.declared_unit_code for r in readings]),
        unit_code=units.pop() if len(units) == 1 else None,
        contact_name=joined([r.contact_name for r in readings]),
        contact_phone=joined([r.contact_phone for r in readings]),
        declared_data_year=years.pop() if len(years) == 1 else None,
    )


def _received(path: Path, received_at: datetime | None) -> datetime:
    """A naive UTC timestamp: the given one, else the file's modification time."""
    if received_at is None:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None)
    if received_at.tzinfo is not None:
        return received_at.astimezone(UTC).replace(tzinfo=None)
    return received_at
