"""Turning one located value cell into a values row and the problems it shows.

Shared by the three layout readers: parse the cell (`values.parse_value`), decide the unit the
number is in (typed in the value > announced in 计量单位 or the column header > the canonical
unit), convert it with `conversion.UnitConverter`, and say what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from orchestration.ingest.catalog import Variable
from orchestration.ingest.conversion import PERCENT, UnitConverter, normalise_unit
from orchestration.ingest.grid import Cell
from orchestration.ingest.problems import Location, Problem, problem
from orchestration.ingest.text import cell_text
from orchestration.ingest.values import parse_value


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


def read_value_cell(
    cell: Cell,
    variable: Variable,
    location: Location,
    converter: UnitConverter,
    announced_unit: str | None = None,
    announced_where: str = "the column header",
) -> tuple[CellValue, list[Problem]]:
    """Parse and convert one value cell; never changes a number except by a recorded factor."""
    raw_text = cell_text(cell)
    parsed = parse_value(cell)
    canonical = variable.unit
    announced = normalise_unit(announced_unit) if announced_unit else None

    def result(
        value: Decimal | None, unit: str | None, factor: Decimal = Decimal(1), missing: bool = False
    ) -> CellValue:
        return CellValue(
            variable_code=variable.code,
            value=float(value) if value is not None else None,
            raw_text=raw_text,
            unit_found=unit,
            conversion_factor=float(factor),
            is_missing=missing,
            location=location,
        )

    if parsed.is_missing:
        message = (
            f"no value ('{raw_text.strip()}' means missing); expected a number in {canonical}, "
            "or 0 if the true value is zero"
            if raw_text.strip()
            else f"the cell is blank; expected a number in {canonical}, or 0 if the value is zero"
        )
        return result(None, announced, missing=True), [
            problem(location, "missing_value", message, raw_text)
        ]
    if parsed.error is not None or parsed.number is None:
        return result(None, announced), [
            problem(
                location,
                "unparseable_value",
                f"'{raw_text}' is not a number ({parsed.error}); expected a number in "
                f"{canonical} such as 1234.5, or blank / — / 无 when there is no value",
                raw_text,
            )
        ]
    problems: list[Problem] = []
    if parsed.is_percent and normalise_unit(canonical) != PERCENT:
        problems.append(
            problem(
                location,
                "percent_sign",
                f"'{raw_text}' has a percent sign but {variable.name_zh} is in {canonical}; "
                f"the number {parsed.number} was kept as {canonical} — check it",
                raw_text,
            )
        )
        return result(parsed.number, PERCENT), problems
    unit = parsed.unit or announced or canonical
    where = "typed in the value" if parsed.unit else announced_where
    factor = converter.factor(unit, canonical)
    if factor is None:
        problems.append(
            problem(
                location,
                "unknown_unit_of_measure",
                f"the unit '{unit}' ({where}) cannot be converted to {canonical}, the unit of "
                f"{variable.name_zh}; expected a value in {canonical} (or a unit listed in "
                "seeds/unit_conversions.csv)",
                raw_text,
            )
        )
        return result(None, unit), problems
    value = parsed.number * factor
    if factor != 1:
        problems.append(
            problem(
                location,
                "unit_converted",
                f"{parsed.number} {unit} ({where}) converted to {_plain(value)} {canonical} "
                f"(factor {_plain(factor)})",
                raw_text,
            )
        )
    return result(value, unit, factor), problems


def _plain(number: Decimal) -> str:
    """A Decimal without exponent notation or trailing zeros: 1.2E+4 → '12000'."""
    text = format(number.normalize(), "f")
    return text
