"""What every kind of defect shares: the year's context, the units of measure, and writing a
defect into a cell or onto a file (the defect then appears in the manifest)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from orchestration.demo.documents import (
    Cell,
    CellValue,
    Document,
    Row,
)
from orchestration.demo.simulation import Simulation
from orchestration.demo.submissions import (
    COUNTY_FORM,
    LayoutPlan,
    unit_values,
)

WAN_YUAN, YI_YUAN, YUAN = "万元", "亿元", "元"
T = TypeVar("T")


@dataclass
class DefectContext:
    """What defect functions need: the clean data, the plan, the stream, the year's files."""

    simulation: Simulation
    plan: LayoutPlan
    rng: np.random.Generator
    data_year: int
    documents: list[Document]
    used: Counter[str] = field(default_factory=Counter)
    _values: dict[str, dict[str, float]] | None = None

    def values(self) -> dict[str, dict[str, float]]:
        """Clean values of the year by unit code and variable (computed once)."""
        if self._values is None:
            self._values = unit_values(self.simulation, self.data_year)
        return self._values

    def pick(self, items: Sequence[T]) -> T:
        """One item, chosen by the defect stream."""
        return items[int(self.rng.integers(len(items)))]


def number_text(value: float, decimals: int | None) -> str:
    """A plain decimal text of a number."""
    if decimals is None or decimals == 0:
        return str(int(round(value)))
    return f"{value:.{decimals}f}"


def thousands(value: float, decimals: int | None) -> str:
    """A number with thousands separators (`1,234.56`)."""
    if decimals is None or decimals == 0:
        return f"{int(round(value)):,}"
    return f"{value:,.{decimals}f}"


def is_number(cell: Cell) -> bool:
    """Whether a value cell still holds its clean number."""
    return isinstance(cell.value, int | float) and cell.defect_kind is None


def measure_of(ctx: DefectContext, cell: Cell) -> str | None:
    """The canonical unit of a county variable (None for expert scores)."""
    for variable in ctx.simulation.seeds.county_variables:
        if variable.variable_code == cell.variable_code:
            return variable.unit
    return None


def number_of(cell: Cell) -> float:
    """The clean number a value cell holds."""
    assert isinstance(cell.value, int | float), cell
    return float(cell.value)


def set_defect(cell: Cell, kind: str, value: CellValue) -> None:
    """Write a defective value into a cell and remember the kind."""
    cell.value = value
    cell.defect_kind = kind


def record_defect(doc: Document, kind: str, text: str, unit_code: str | None = None) -> None:
    """Remember a defect that concerns the file as a whole."""
    doc.file_defects.append({"defect_kind": kind, "text_written": text, "unit_code": unit_code})


def single_unit(doc: Document) -> str | None:
    """The unit of a county form (None for multi-unit files)."""
    return doc.unit_codes[0] if doc.layout == COUNTY_FORM else None


def header_row_index(doc: Document) -> int:
    """Position of the table header row in the main sheet."""
    return 4 if doc.layout == COUNTY_FORM else 1


def _measure_cell(row: Row) -> Cell | None:
    """The 计量单位 cell of a county-form row."""
    return next((c for c in row.cells if c.role == "measure"), None)


def announce_unit(cell: Cell, row: Row, unit: str, factor: float, kind: str) -> None:
    """Write the value in another unit and announce that unit in the 计量单位 column.

    `factor` converts the canonical value into the written one; decimals are kept so that
    converting back gives the clean value exactly.
    """
    value = number_of(cell)
    decimals = cell.decimals or 0
    if factor < 1:
        decimals += round(-np.log10(factor))
        written: int | float = round(value * factor, decimals)
    else:
        decimals = max(0, decimals - round(np.log10(factor)))
        written = round(value * factor, decimals)
        if decimals == 0:
            written = int(written)
    cell.decimals = decimals
    set_defect(cell, kind, written)
    measure = _measure_cell(row)
    if measure is not None:
        measure.value = unit
