"""What the layout readers share: the reference data they need and what they hand back."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from orchestration.config.configuration import Configuration
from orchestration.ingest.catalog import Variable, VariableCatalog
from orchestration.ingest.conversion import UnitConverter
from orchestration.ingest.grid import Sheet
from orchestration.ingest.identity import Resolution, UnitRegistry
from orchestration.ingest.problems import Location, Problem, problem
from orchestration.ingest.text import cell_text, column_letter, is_blank
from orchestration.ingest.unit_statements import UnitStatement, unit_line
from orchestration.ingest.value_cell import CellValue


@dataclass(frozen=True)
class Reference:
    """The configuration the ingestion needs: variables and their aliases, units of measure,
    the unit registry with its division changes."""

    catalog: VariableCatalog
    registry: UnitRegistry
    converter: UnitConverter

    @classmethod
    def from_configuration(cls, config: Configuration) -> Reference:
        """From the configuration's base_variables, variable_aliases, unit_conversions, units
        and unit_changes (cached per Configuration instance)."""
        return _reference(config)

    @classmethod
    def from_dataset_dir(cls, dataset_dir: Path) -> Reference:
        """The reference of a dataset folder's configuration (the ingestion runs before dbt)."""
        return _reference(Configuration.from_dataset_dir(Path(dataset_dir)))


@lru_cache(maxsize=8)
def _reference(config: Configuration) -> Reference:
    canonical = set(config.base_variables["unit"].to_list())
    converter = UnitConverter.from_table(config.unit_conversions, canonical)
    return Reference(
        catalog=VariableCatalog.from_tables(
            config.base_variables, config.variable_aliases, converter
        ),
        registry=UnitRegistry.from_tables(config.units, config.unit_changes),
        converter=converter,
    )


@dataclass(frozen=True)
class ReadContext:
    """One file being read: its name relative to the year folder, the year, the reference."""

    file_name: str
    data_year: int
    ref: Reference

    def location(self, sheet: Sheet, **fields: object) -> Location:
        return Location(file_name=self.file_name, sheet=sheet.name, **fields)  # type: ignore[arg-type]


@dataclass
class LayoutReading:
    """What a layout reader found in its sheet."""

    layout: str
    sheet: str | None
    values: list[tuple[str | None, CellValue]] = field(default_factory=list)  # (unit_code, value)
    problems: list[Problem] = field(default_factory=list)
    declared_unit_name: str | None = None
    declared_unit_code: str | None = None
    unit_code: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    declared_data_year: int | None = None
    declared_year_text: str | None = None
    year_location: Location | None = None


def unit_label(resolution: Resolution, fallback: str | None = None) -> str | None:
    """`正定县 (130123)` for a resolved unit, else the text given."""
    unit = resolution.unit
    return f"{unit.name} ({unit.code})" if unit else (fallback or None)


def variable_label(variable: Variable) -> str:
    """`地方财政科技支出 [fiscal_st_exp]`."""
    return f"{variable.name_zh} [{variable.code}]"


def identity_problems(resolution: Resolution, location: Location, found: str) -> list[Problem]:
    """The resolution's issues as located problems."""
    return [
        problem(location, issue.problem_code, issue.message, found) for issue in resolution.issues
    ]


def table_unit_lines(
    sheet: Sheet, rows: list[int], skip: set[tuple[int, int]], ctx: ReadContext
) -> tuple[list[UnitStatement], list[Problem]]:
    """Unit lines (`金额单位：千元`, `（单位：万元、家）`) in the given rows, for the whole table;
    a unit line naming a unit no conversion knows is a problem at its cell."""
    statements: list[UnitStatement] = []
    problems: list[Problem] = []
    for r in rows:
        for c, cell in enumerate(sheet.rows[r] if r < len(sheet.rows) else []):
            if (r, c) in skip or is_blank(cell) or not isinstance(cell, str):
                continue
            found = unit_line(cell, f"row {r + 1}", ctx.ref.converter)
            if found is None:
                continue
            statements.extend(found.statements)
            for unit in found.unknown:
                problems.append(
                    problem(
                        ctx.location(sheet, row_number=r + 1, column_letter=column_letter(c)),
                        "unknown_unit_of_measure",
                        f"the unit line '{cell_text(cell).strip()}' names the unit '{unit}', "
                        "which has no conversion; the values it is about cannot be read — "
                        "expected a unit listed in seeds/unit_conversions.csv",
                        cell_text(cell),
                    )
                )
    return statements, problems
