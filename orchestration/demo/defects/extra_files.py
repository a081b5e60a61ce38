"""Defects that add files to a year: a corrected resubmission beside the superseded file, a
file of the previous data year in this year's folder, a form of a unit that is not a county-level
unit of the province."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta

from orchestration.demo.defects.cells import (
    DefectContext,
    is_number,
    number_of,
    number_text,
    record_defect,
    set_defect,
)
from orchestration.demo.documents import (
    Cell,
    Document,
    Row,
)
from orchestration.demo.seeds import Unit, predecessor_codes
from orchestration.demo.submissions import (
    county_form,
    unit_values,
)

# Units that are not county-level units of the province: development zones and other provinces.
FOREIGN_UNITS = (
    ("130171", "石家庄高新技术产业开发区"),
    ("130271", "河北唐山芦台经济开发区"),
    ("130371", "秦皇岛市经济技术开发区"),
    ("130671", "保定高新技术产业开发区"),
    ("131071", "廊坊经济技术开发区"),
    ("110115", "大兴区"),
    ("120116", "滨海新区"),
    ("140105", "小店区"),
)


def _corrected_name(file_name: str) -> str:
    """The file name of a corrected resubmission: `<stem>_corrected.<ext>`."""
    stem, _, ext = file_name.rpartition(".")
    return f"{stem}_corrected.{ext}"


def _digit_typo(value: float, decimals: int | None) -> float:
    """The value with two adjacent leading digits swapped (or, if equal, one digit doubled)."""
    text = number_text(value, decimals)
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if len(digits) >= 2 and text[digits[0]] != text[digits[1]]:
        chars = list(text)
        chars[digits[0]], chars[digits[1]] = chars[digits[1]], chars[digits[0]]
        typo = "".join(chars)
    else:
        typo = text[: digits[0] + 1] + text[digits[0] :]
    return float(typo)


def _value_of(row: Row) -> Cell:
    """The value cell of a county-form row."""
    return next(c for c in row.cells if c.role == "value")


def duplicate_submission(ctx: DefectContext, doc: Document) -> None:
    earlier = copy.deepcopy(doc)
    earlier.primary = False
    earlier.file_defects = []
    earlier.mtime = doc.mtime - timedelta(days=int(ctx.rng.integers(3, 20)))
    doc.file_name = _corrected_name(doc.file_name)
    rows = [r for r in earlier.sheet().rows if any(c.role == "value" for c in r.cells)]
    corrected_rows = [r for r in doc.sheet().rows if any(c.role == "value" for c in r.cells)]
    clean = [i for i, r in enumerate(rows) if is_number(_value_of(r))]
    count = min(len(clean), 1 + int(ctx.rng.integers(0, 2)))
    for i in sorted(int(i) for i in ctx.rng.choice(clean, size=count, replace=False)):
        cell = _value_of(rows[i])
        value = number_of(cell)
        if ctx.rng.random() < 0.5 and value > 0:
            wrong = value * 10
        else:
            wrong = _digit_typo(value, cell.decimals)
        if wrong == value:
            wrong = value + 1
        set_defect(
            cell, "superseded_value", round(wrong, cell.decimals) if cell.decimals else int(wrong)
        )
        corrected_rows[i].cells[-1].value = "已更正"
    record_defect(
        earlier, "superseded_submission", f"superseded by {doc.file_name}", doc.unit_codes[0]
    )
    record_defect(
        doc, "corrected_resubmission", f"supersedes {earlier.file_name}", doc.unit_codes[0]
    )
    ctx.documents.append(earlier)


def previous_unit(ctx: DefectContext, unit_code: str) -> Unit | None:
    """The unit's predecessor in the previous data year, if that year was simulated."""
    previous = ctx.simulation.years.get(ctx.data_year - 1)
    if previous is None:
        return None
    code = predecessor_codes(ctx.simulation.seeds, ctx.data_year).get(unit_code)
    return next((u for u in previous.units if u.unit_code == code), None)


def wrong_year_file(ctx: DefectContext, doc: Document) -> None:
    unit = previous_unit(ctx, doc.unit_codes[0])
    assert unit is not None
    year = ctx.data_year - 1
    values = unit_values(ctx.simulation, year)[unit.unit_code]
    fmt, encoding = ctx.plan.county_format.get((year, unit.unit_code), ("xlsx", None))
    stale = county_form(
        ctx.simulation.seeds,
        unit,
        year,
        values,
        ctx.plan.contacts[(year, unit.unit_code)],
        fmt,
        encoding,
        doc.mtime + timedelta(hours=2),
    )
    stale.data_year = ctx.data_year
    stale.primary = False
    record_defect(
        stale,
        "wrong_year_file",
        f"统计年度 {year} in the folder of {ctx.data_year}",
        unit.unit_code,
    )
    ctx.documents.append(stale)


def foreign_unit_file(ctx: DefectContext) -> None:
    """Add a county form for a unit that is not a county-level unit of the province."""
    taken = {code for d in ctx.documents for code in d.unit_codes}
    free = [u for u in FOREIGN_UNITS if u[0] not in taken]
    if not free:
        return
    code, name = free[int(ctx.rng.integers(len(free)))]
    year = ctx.simulation.years[ctx.data_year]
    template = year.units[int(ctx.rng.integers(len(year.units)))]
    values = dict(ctx.values()[template.unit_code])
    scale = float(ctx.rng.uniform(0.4, 1.2))
    for key in values:
        values[key] = values[key] * scale
    unit = Unit(code, name, "development_zone", code[:4], "", None, None)
    contact = ctx.plan.contacts[(ctx.data_year, template.unit_code)]
    doc = county_form(
        ctx.simulation.seeds,
        unit,
        ctx.data_year,
        values,
        contact,
        "xlsx",
        None,
        ctx.plan.sent_at[(ctx.data_year, template.unit_code)] + timedelta(days=1),
    )
    doc.primary = False
    record_defect(
        doc, "foreign_unit_file", f"{code} {name} is not a county-level unit of the province", code
    )
    ctx.documents.append(doc)
    ctx.used["foreign_unit_file"] += 1


YEAR_DEFECTS: dict[str, Callable[[DefectContext], None]] = {
    "foreign_unit_file": foreign_unit_file,
}
