"""Turning one located value cell into a values row and the problems it shows.

Shared by the three layout readers. The rule: the value stored is the number the office meant,
with a note of any conversion, or no number and a located problem; never a different number
without a word. In order:

1. what the workbook says about the cell: a formula saved without its value, a date or
   TRUE/FALSE, a percent or thousands-scaling number format (`cell_formats`);
2. the text (`values.parse_value`): missing, not a number, a bound (`500以上`), approximate
   (`约500`), Chinese numerals, footnote markers (kept as the remark);
3. the unit (`unit_statements.resolve_unit`): typed in the value, in the cell format, by the row,
   the column or the table; a conflict is a problem; the number is converted to the canonical
   unit with `conversion.UnitConverter` and the conversion is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from orchestration.ingest.catalog import Variable
from orchestration.ingest.cell_formats import describe_format
from orchestration.ingest.conversion import PERCENT, UnitConverter, normalise_unit
from orchestration.ingest.grid import Cell
from orchestration.ingest.problems import Location, Problem, problem
from orchestration.ingest.remarks import marker_key
from orchestration.ingest.text import cell_text, is_blank, number_of
from orchestration.ingest.unit_statements import UnitStatement, resolve_unit
from orchestration.ingest.values import ParsedValue, parse_value


@dataclass(frozen=True)
class CellValue:
    """The clean value of a cell: canonical-unit value (None if missing/unusable) and lineage."""

    variable_code: str
    value: float | None
    raw_text: str
    unit_found: str | None
    conversion_factor: float
    is_missing: bool
    location: Location
    remark: str | None = None
    unit_stated_in: str | None = None
    conversion: str | None = None


@dataclass(frozen=True)
class CellContext:
    """What the reader knows about a value cell beyond its content."""

    statements: tuple[UnitStatement, ...] = ()
    number_format: str | None = None
    formula: str | None = None
    error_value: str | None = None  # #DIV/0!, #N/A from the workbook
    footnotes: Mapping[str, str] = field(default_factory=dict)
    remark: str | None = None  # the row's 备注 text


@dataclass
class _Reading:
    """A cell being read: its lineage fields and the problems found so far."""

    cell: Cell
    variable: Variable
    location: Location
    context: CellContext
    raw_text: str
    remarks: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def note(self, code: str, message: str) -> None:
        self.problems.append(problem(self.location, code, message, self.raw_text))

    def result(
        self,
        value: Decimal | None,
        unit: str | None,
        factor: Decimal = Decimal(1),
        missing: bool = False,
        stated_in: str | None = None,
        conversion: str | None = None,
    ) -> tuple[CellValue, list[Problem]]:
        remark = "; ".join(dict.fromkeys([*self.remarks, *filter(None, [self.context.remark])]))
        return CellValue(
            variable_code=self.variable.code,
            value=float(value) if value is not None else None,
            raw_text=self.raw_text,
            unit_found=unit,
            conversion_factor=float(factor),
            is_missing=missing,
            location=self.location,
            remark=remark or None,
            unit_stated_in=stated_in,
            conversion=conversion,
        ), self.problems


def read_value_cell(
    cell: Cell,
    variable: Variable,
    location: Location,
    converter: UnitConverter,
    context: CellContext | None = None,
) -> tuple[CellValue, list[Problem]]:
    """Read one value cell; never changes a number except by a recorded factor."""
    context = context or CellContext()
    if context.error_value is not None and is_blank(cell):
        cell = context.error_value  # calamine reads an error cell as blank
    reading = _Reading(cell, variable, location, context, cell_text(cell))
    statements = list(reading.context.statements)
    exact = number_of(cell)
    if exact is not None and context.number_format is None and context.formula is None:
        # a plain number cell: nothing in the workbook or the text to judge, only its unit
        return _converted(reading, ParsedValue(number=exact), exact, statements, converter)
    stated = resolve_unit(None, statements, variable.unit, converter)
    if _refused_by_workbook(reading):
        return reading.result(None, stated.unit)
    shown = _number_shown(reading, converter, statements)
    if shown is _REFUSED:
        return reading.result(None, stated.unit)
    parsed = parse_value(cell, converter.is_known)
    if not _usable(reading, parsed):
        return reading.result(None, stated.unit, missing=parsed.is_missing)
    assert parsed.number is not None
    number = shown if isinstance(shown, Decimal) else parsed.number
    if parsed.is_percent and normalise_unit(variable.unit) != PERCENT:
        reading.note(
            "percent_sign",
            f"'{reading.raw_text}' has a percent sign but {variable.name_zh} is in "
            f"{variable.unit}; the number {number} was kept as {variable.unit} — check it",
        )
        return reading.result(number, PERCENT, stated_in="typed in the value")
    return _converted(reading, parsed, number, statements, converter)


class _Refused:
    """Marker: the cell's format makes its number unusable (the problem is recorded)."""


_REFUSED = _Refused()


def _refused_by_workbook(reading: _Reading) -> bool:
    """A formula without its value, a date, a time or TRUE/FALSE: True, with the problem."""
    cell, formula = reading.cell, reading.context.formula
    where = f"{reading.variable.name_zh} in {reading.variable.unit}"
    if formula is not None and is_blank(cell):
        reading.note(
            "formula_without_value",
            f"the cell holds the formula ={formula} but no calculated value (the workbook was "
            "saved by a program that does not calculate); expected the file saved from Excel "
            f"or WPS after calculation, or the number of {where} typed in",
        )
        return True
    if isinstance(cell, bool | datetime | date | time | timedelta):
        kind = "TRUE/FALSE" if isinstance(cell, bool) else "a date or time"
        reading.note(
            "wrong_cell_type",
            f"the cell holds {kind} ({cell_text(cell)}), probably a number in a cell formatted "
            f"as a date; expected a number of {where} in a cell formatted as a number",
        )
        return True
    return False


def _number_shown(
    reading: _Reading, converter: UnitConverter, statements: list[UnitStatement]
) -> Decimal | _Refused | None:
    """What a number format does to a numeric cell: the number shown, a refusal, or None."""
    fmt = reading.context.number_format
    number = number_of(reading.cell)
    if fmt is None or number is None:
        return None
    meaning = describe_format(fmt)
    variable = reading.variable
    if meaning.scaled_by_thousands:
        reading.note(
            "scaled_number_format",
            f"the number format {fmt} shows {number} divided by "
            f"{1000**meaning.scaled_by_thousands}, so the cell does not show its value; "
            f"expected {variable.name_zh} in a plain number format",
        )
        return _REFUSED
    if meaning.literal and converter.is_known(meaning.literal):
        statements.append(UnitStatement(meaning.literal, f"the cell's number format {fmt}"))
    if not meaning.percent:
        return None
    shown = number * 100
    if normalise_unit(variable.unit) == PERCENT:
        return shown
    reading.note(
        "percent_format",
        f"the cell holds {number} formatted as a percentage ({fmt}, shown as "
        f"{_plain(shown)}%) but {variable.name_zh} is in {variable.unit}, not a percentage; "
        f"the value was not loaded — expected the number of {variable.unit} in a cell "
        "formatted as a number",
    )
    return _REFUSED


def _usable(reading: _Reading, parsed: ParsedValue) -> bool:
    """Record what the text shows (markers, qualifiers, numerals); False when it has no value."""
    canonical = reading.variable.unit
    _remarks(reading, parsed)
    if parsed.excel_error:
        reading.note(
            "cell_error_value",
            f"the cell shows the Excel error {reading.raw_text.strip()}; expected a number in "
            f"{canonical} (fix the formula or type the number)",
        )
        return False
    if parsed.is_missing:
        text = reading.raw_text.strip()
        reading.note(
            "missing_value",
            f"no value ('{text}' means missing); expected a number in {canonical}, or 0 if the "
            "true value is zero"
            if text
            else f"the cell is blank; expected a number in {canonical}, or 0 if the value is zero",
        )
        return False
    if parsed.error is not None or parsed.number is None:
        reading.note(
            "unparseable_value",
            f"'{reading.raw_text}' is not a number ({parsed.error}); expected a number in "
            f"{canonical} such as 1234.5, or blank / — / 无 when there is no value",
        )
        return False
    if parsed.bound is not None:
        reading.note(
            "bound_instead_of_value",
            f"'{reading.raw_text}' is a bound ({parsed.bound}), not a value; the value was not "
            f"loaded — expected the exact number in {canonical}",
        )
        return False
    if parsed.approximate is not None:
        reading.remarks.append(parsed.approximate)
        reading.note(
            "approximate_value",
            f"'{reading.raw_text}' is approximate ({parsed.approximate}); {parsed.number} was "
            f"kept and marked approximate — expected the exact number in {canonical}",
        )
    if parsed.chinese:
        reading.note(
            "chinese_numerals",
            f"'{reading.raw_text}' is written in Chinese numerals; read exactly as "
            f"{parsed.number} — expected digits",
        )
    return True


def _remarks(reading: _Reading, parsed: ParsedValue) -> None:
    """Footnote markers (with the note that explains them) into the remark."""
    for marker in parsed.markers:
        note = reading.context.footnotes.get(marker_key(marker))
        reading.remarks.append(f"{marker} {note}" if note and note != marker else marker)
    if parsed.markers:
        explained = reading.remarks != list(parsed.markers)
        reading.note(
            "value_remark",
            f"{' '.join(parsed.markers)} separated from the number and kept as the remark"
            + (f" ({'; '.join(reading.remarks)})" if explained else ""),
        )


def _converted(
    reading: _Reading,
    parsed: ParsedValue,
    number: Decimal,
    statements: list[UnitStatement],
    converter: UnitConverter,
) -> tuple[CellValue, list[Problem]]:
    """Resolve the unit of the number and convert it to the canonical unit, saying so."""
    variable = reading.variable
    canonical = variable.unit
    resolved = resolve_unit(parsed.unit, statements, canonical, converter)
    if resolved.conflict is not None:
        reading.note(
            "conflicting_units",
            f"the unit is stated twice and differently: {resolved.conflict}; the value was not "
            f"loaded — expected one unit for {variable.name_zh} (canonical {canonical})",
        )
        return reading.result(None, resolved.unit)
    if resolved.overridden is not None:
        reading.note(
            "unit_line_overridden",
            f"{resolved.overridden}: the value was read in {resolved.unit}, the row's own unit "
            f"— expected the table's unit line to hold for {variable.name_zh} too; please check",
        )
    unit, where = resolved.unit, resolved.stated_in
    factor = converter.factor(unit, canonical)
    if factor is None:
        reading.note(
            "unknown_unit_of_measure",
            f"the unit '{unit}' ({where or 'assumed'}) cannot be converted to {canonical}, the "
            f"unit of {variable.name_zh}; expected a value in {canonical} (or a unit listed in "
            "seeds/unit_conversions.csv)",
        )
        return reading.result(None, unit, stated_in=where)
    value = number * factor
    conversion = None
    if number != parsed.number:
        conversion = f"the cell holds {parsed.number}, shown as {_plain(number)}%"
    if factor != 1:
        step = f"{_plain(number)} {unit} × {_plain(factor)} = {_plain(value)} {canonical}"
        conversion = f"{conversion}; {step}" if conversion else step
        reading.note("unit_converted", f"{step} (unit {where or 'assumed'})")
    cell_factor = factor * (number / parsed.number) if parsed.number else factor
    return reading.result(value, unit, cell_factor, stated_in=where, conversion=conversion)


def _plain(number: Decimal) -> str:
    """A Decimal without exponent notation or trailing zeros: 1.2E+4 → '12000'."""
    return format(number.normalize(), "f")
