"""The clean submission files of a data year, in the three layouts of `orchestration.layouts`.

Who sends what is a deterministic choice per seed: three or four prefecture cities send a city
summary, every other county sends its own form (`.xlsx`, or `.csv` in UTF-8 with BOM or in
GBK, mostly the same format as last year), and the evaluation agency sends one expert-score
workbook. Every unit's 19 county variables appear exactly once per data year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from orchestration import layouts
from orchestration.demo.documents import Cell, Document, Row, Sheet
from orchestration.demo.people import fake_mobile, fake_name
from orchestration.demo.seeds import Seeds, Unit, Variable
from orchestration.demo.simulation import Simulation
from orchestration.demo.variables import decimals_of

COUNTY_FORM = "county_form"
CITY_SUMMARY = "city_summary"
EXPERT_SCORES = "expert_scores"

# Share of county forms per format, and the chance that a county changes format in a year.
COUNTY_FORMATS: tuple[tuple[str, str | None, float], ...] = (
    ("xlsx", None, 0.55),
    ("csv", "utf-8-sig", 0.30),
    ("csv", "gbk", 0.15),
)
FORMAT_CHANGE_RATE = 0.1
CONTACT_CHANGE_RATE = 0.25


@dataclass(frozen=True)
class Contact:
    """The person who filled in a county form."""

    name: str
    phone: str


@dataclass(frozen=True)
class LayoutPlan:
    """Who sends which layout, in which format, filled in by whom, and when."""

    summary_cities: tuple[str, ...]
    county_format: Mapping[tuple[int, str], tuple[str, str | None]]
    contacts: Mapping[tuple[int, str], Contact]
    sent_at: Mapping[tuple[int, str], datetime]  # (data year, file key) -> modification time


def _submission_time(rng: np.random.Generator, data_year: int, first_day: int) -> datetime:
    """A working-hours time in the first quarter after the data year."""
    start = datetime(data_year + 1, 1, 1, tzinfo=UTC) + timedelta(days=first_day)
    return start + timedelta(
        days=int(rng.integers(0, 45)),
        hours=int(rng.integers(8, 18)),
        minutes=int(rng.integers(0, 60)),
    )


def draw_layout_plan(
    simulation: Simulation, layout_rng: np.random.Generator, people_rng: np.random.Generator
) -> LayoutPlan:
    """Draw the layout plan for every simulated data year (independent of years written)."""
    seeds = simulation.seeds
    cities = [code for code, _ in seeds.cities()]
    n_summary = 3 + int(layout_rng.random() < 0.5)
    summary = tuple(sorted(layout_rng.choice(cities, size=n_summary, replace=False).tolist()))
    weights = np.array([w for _, _, w in COUNTY_FORMATS])
    formats: dict[tuple[int, str], tuple[str, str | None]] = {}
    contacts: dict[tuple[int, str], Contact] = {}
    sent_at: dict[tuple[int, str], datetime] = {}
    last_format: dict[str, tuple[str, str | None]] = {}
    last_contact: dict[str, Contact] = {}
    for data_year, year in sorted(simulation.years.items()):
        for unit in year.units:
            lineage = _lineage(simulation, data_year, unit)
            draw = layout_rng.random()
            choice = int(layout_rng.choice(len(COUNTY_FORMATS), p=weights))
            if lineage not in last_format or draw < FORMAT_CHANGE_RATE:
                fmt, encoding, _ = COUNTY_FORMATS[choice]
                last_format[lineage] = (fmt, encoding)
            formats[(data_year, unit.unit_code)] = last_format[lineage]
            sent_at[(data_year, unit.unit_code)] = _submission_time(layout_rng, data_year, 10)
            name, phone = fake_name(people_rng), fake_mobile(people_rng)
            if lineage not in last_contact or people_rng.random() < CONTACT_CHANGE_RATE:
                last_contact[lineage] = Contact(name, phone)
            contacts[(data_year, unit.unit_code)] = last_contact[lineage]
        for code in cities:
            sent_at[(data_year, f"city:{code}")] = _submission_time(layout_rng, data_year, 40)
        sent_at[(data_year, "expert")] = _submission_time(layout_rng, data_year, 60)
    return LayoutPlan(summary, formats, contacts, sent_at)


def _lineage(simulation: Simulation, data_year: int, unit: Unit) -> str:
    """The lineage key of a unit in a data year (stable through renames)."""
    year = simulation.years[data_year]
    return year.lineages[year.units.index(unit)]


def _value_cell(value: float, variable: Variable, unit_code: str, decimals: int) -> Cell:
    """A number cell of a base variable (whole numbers as int)."""
    number: int | float = int(round(value)) if decimals == 0 else round(float(value), decimals)
    return Cell(
        value=number,
        role="value",
        unit_code=unit_code,
        variable_code=variable.variable_code,
        decimals=decimals,
        clean_value=number,
    )


def expert_decimals(value: float) -> int:
    """One decimal if the score has one, else two."""
    return 1 if abs(value * 10 - round(value * 10)) < 1e-6 else 2


def _county_form_header(unit: Unit, data_year: int, contact: Contact) -> list[Row]:
    """The title, the unit, year and contact lines, a blank row and the column header."""
    return [
        Row([Cell(layouts.COUNTY_FORM_TITLE)]),
        Row(
            [
                Cell(layouts.HEADER_UNIT_NAME),
                Cell(
                    unit.unit_name,
                    role="unit_name",
                    unit_code=unit.unit_code,
                    clean_value=unit.unit_name,
                ),
                Cell(layouts.HEADER_UNIT_CODE),
                Cell(
                    unit.unit_code,
                    role="unit_code",
                    unit_code=unit.unit_code,
                    clean_value=unit.unit_code,
                ),
            ]
        ),
        Row(
            [
                Cell(layouts.HEADER_DATA_YEAR),
                Cell(data_year, role="data_year", clean_value=data_year),
                Cell(layouts.HEADER_CONTACT_NAME),
                Cell(contact.name),
                Cell(layouts.HEADER_CONTACT_PHONE),
                Cell(contact.phone),
            ]
        ),
        Row([]),
        Row([Cell(label) for label in layouts.COUNTY_FORM_COLUMNS]),
    ]


def _county_form_row(variable: Variable, unit: Unit, values: Mapping[str, float]) -> Row:
    """One variable's row: code, name, unit of measure, value, remark."""
    return Row(
        [
            Cell(variable.variable_code),
            Cell(variable.name_zh),
            Cell(
                variable.unit,
                role="measure",
                unit_code=unit.unit_code,
                variable_code=variable.variable_code,
                clean_value=variable.unit,
            ),
            _value_cell(
                values[variable.variable_code], variable, unit.unit_code, decimals_of(variable)
            ),
            Cell(None),
        ]
    )


def county_form(
    seeds: Seeds,
    unit: Unit,
    data_year: int,
    values: Mapping[str, float],
    contact: Contact,
    fmt: str,
    encoding: str | None,
    sent_at: datetime,
) -> Document:
    """The county form (县级填报表) of one unit and data year."""
    rows = _county_form_header(unit, data_year, contact)
    rows += [_county_form_row(variable, unit, values) for variable in seeds.county_variables]
    ext = fmt
    return Document(
        data_year=data_year,
        file_name=layouts.COUNTY_FORM_FILE.format(
            unit_code=unit.unit_code, data_year=data_year, ext=ext
        ),
        layout=COUNTY_FORM,
        fmt=fmt,
        encoding=encoding if fmt == "csv" else None,
        sheets=[Sheet(layouts.COUNTY_FORM_SHEET, rows)],
        main_sheet=layouts.COUNTY_FORM_SHEET,
        unit_codes=(unit.unit_code,),
        mtime=sent_at,
    )


def city_summary(
    seeds: Seeds,
    group_code: str,
    units: Sequence[Unit],
    data_year: int,
    values: Mapping[str, Mapping[str, float]],
    sent_at: datetime,
) -> Document:
    """The city summary (市级汇总表) of one prefecture city and data year."""
    header = [Cell(label) for label in layouts.CITY_SUMMARY_KEY_COLUMNS] + [
        Cell(
            layouts.variable_column_header(v.name_zh, v.unit),
            role="header",
            variable_code=v.variable_code,
        )
        for v in seeds.county_variables
    ]
    rows = [Row([Cell(layouts.CITY_SUMMARY_TITLE)]), Row(header)]
    for unit in units:
        cells = [
            Cell(
                unit.unit_code,
                role="unit_code",
                unit_code=unit.unit_code,
                clean_value=unit.unit_code,
            ),
            Cell(
                unit.unit_name,
                role="unit_name",
                unit_code=unit.unit_code,
                clean_value=unit.unit_name,
            ),
        ]
        cells += [
            _value_cell(values[unit.unit_code][v.variable_code], v, unit.unit_code, decimals_of(v))
            for v in seeds.county_variables
        ]
        rows.append(Row(cells))
    return Document(
        data_year=data_year,
        file_name=layouts.CITY_SUMMARY_FILE.format(
            group_code=group_code, data_year=data_year, ext="xlsx"
        ),
        layout=CITY_SUMMARY,
        fmt="xlsx",
        encoding=None,
        sheets=[Sheet(layouts.CITY_SUMMARY_SHEET, rows)],
        main_sheet=layouts.CITY_SUMMARY_SHEET,
        unit_codes=tuple(u.unit_code for u in units),
        mtime=sent_at,
    )


def expert_scores(
    seeds: Seeds,
    units: Sequence[Unit],
    data_year: int,
    values: Mapping[str, Mapping[str, float]],
    sent_at: datetime,
) -> Document:
    """The expert-score workbook (专家评审表) of one data year."""
    header = [Cell(label) for label in layouts.EXPERT_SCORES_KEY_COLUMNS] + [
        Cell(v.name_zh, role="header", variable_code=v.variable_code)
        for v in seeds.expert_variables
    ]
    rows = [Row([Cell(layouts.EXPERT_SCORES_TITLE)]), Row(header)]
    for unit in units:
        cells = [
            Cell(
                unit.unit_code,
                role="unit_code",
                unit_code=unit.unit_code,
                clean_value=unit.unit_code,
            ),
            Cell(
                unit.unit_name,
                role="unit_name",
                unit_code=unit.unit_code,
                clean_value=unit.unit_name,
            ),
        ]
        for v in seeds.expert_variables:
            score = values[unit.unit_code][v.variable_code]
            cells.append(_value_cell(score, v, unit.unit_code, expert_decimals(score)))
        rows.append(Row(cells))
    return Document(
        data_year=data_year,
        file_name=layouts.EXPERT_SCORES_FILE.format(data_year=data_year, ext="xlsx"),
        layout=EXPERT_SCORES,
        fmt="xlsx",
        encoding=None,
        sheets=[Sheet(layouts.EXPERT_SCORES_SHEET, rows)],
        main_sheet=layouts.EXPERT_SCORES_SHEET,
        unit_codes=tuple(u.unit_code for u in units),
        mtime=sent_at,
    )


def unit_values(simulation: Simulation, data_year: int) -> dict[str, dict[str, float]]:
    """unit code -> variable -> clean value, for one data year."""
    year = simulation.years[data_year]
    return {
        unit.unit_code: {code: float(array[i]) for code, array in year.values.items()}
        for i, unit in enumerate(year.units)
    }


def clean_documents(simulation: Simulation, plan: LayoutPlan, data_year: int) -> list[Document]:
    """All clean submission files of a data year, in a stable order."""
    seeds = simulation.seeds
    year = simulation.years[data_year]
    values = unit_values(simulation, data_year)
    documents = []
    for group_code, _ in seeds.cities():
        city_units = [u for u in year.units if u.group_code == group_code]
        if group_code in plan.summary_cities:
            documents.append(
                city_summary(
                    seeds,
                    group_code,
                    city_units,
                    data_year,
                    values,
                    plan.sent_at[(data_year, f"city:{group_code}")],
                )
            )
            continue
        for unit in city_units:
            fmt, encoding = plan.county_format[(data_year, unit.unit_code)]
            documents.append(
                county_form(
                    seeds,
                    unit,
                    data_year,
                    values[unit.unit_code],
                    plan.contacts[(data_year, unit.unit_code)],
                    fmt,
                    encoding,
                    plan.sent_at[(data_year, unit.unit_code)],
                )
            )
    documents.append(
        expert_scores(seeds, year.units, data_year, values, plan.sent_at[(data_year, "expert")])
    )
    return documents
