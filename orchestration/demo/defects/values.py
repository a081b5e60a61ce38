"""Value defects: one value cell written the way hand-filled forms write numbers (full-width
digits, separators, units typed in, missing-value spellings, another unit announced) or wrong
(negative, ten times too large, inconsistent with a related variable)."""

from __future__ import annotations

from collections.abc import Callable

from orchestration.demo.defects.cells import (
    WAN_YUAN,
    YI_YUAN,
    YUAN,
    DefectContext,
    announce_unit,
    measure_of,
    number_of,
    number_text,
    set_defect,
    thousands,
)
from orchestration.demo.documents import (
    Cell,
    Document,
    Row,
)
from orchestration.demo.submissions import (
    COUNTY_FORM,
    EXPERT_SCORES,
)

MISSING_SPELLINGS = (None, "—", "-", "/", "无", "暂无")
FULLWIDTH = str.maketrans("0123456789.,-%", "０１２３４５６７８９．，－％")


def _fullwidth_digits(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    text = number_text(number_of(cell), cell.decimals)
    set_defect(cell, "fullwidth_digits", text.translate(FULLWIDTH))


def _thousands_separator(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    set_defect(cell, "thousands_separator", thousands(number_of(cell), cell.decimals))


def _fullwidth_comma(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    text = thousands(number_of(cell), cell.decimals).replace(",", "，")
    set_defect(cell, "fullwidth_comma", text)


def _unit_in_value(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    text = thousands(number_of(cell), cell.decimals) + (measure_of(ctx, cell) or "")
    set_defect(cell, "unit_in_value", text)


def _surrounding_spaces(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    pad = ctx.pick([" ", "  ", "\u3000"])
    text = f"{pad}{number_text(number_of(cell), cell.decimals)} "
    set_defect(cell, "surrounding_spaces", text)


def _percent_sign(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    set_defect(cell, "percent_sign", number_text(number_of(cell), cell.decimals) + "%")


def _missing_value(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    set_defect(cell, "missing_value", ctx.pick(list(MISSING_SPELLINGS)))


def _unit_announced_yiyuan(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    announce_unit(cell, row, YI_YUAN, 1e-4, "unit_announced_yiyuan")


def _unit_announced_yuan(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    announce_unit(cell, row, YUAN, 1e4, "unit_announced_yuan")


def _unit_announced_wanyuan(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    announce_unit(cell, row, WAN_YUAN, 1e4, "unit_announced_wanyuan")


def _negative_value(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    set_defect(cell, "negative_value", -number_of(cell) if cell.decimals else -int(number_of(cell)))


def _tenfold_jump(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    value = number_of(cell) * 10
    set_defect(cell, "tenfold_jump", round(value, cell.decimals) if cell.decimals else int(value))


def _enterprise_count(ctx: DefectContext, cell: Cell) -> float:
    """The clean number of above-scale enterprises of the cell's unit."""
    return ctx.values()[cell.unit_code or ""]["ind_ent_count"]


def _rd_exceeds_enterprises(ctx: DefectContext, doc: Document, row: Row, cell: Cell) -> None:
    enterprises = int(_enterprise_count(ctx, cell))
    extra = 1 + int(ctx.rng.integers(0, max(1, enterprises // 5)))
    set_defect(cell, "rd_exceeds_enterprises", enterprises + extra)


ValueDefect = Callable[[DefectContext, Document, Row, Cell], None]
Applies = Callable[[DefectContext, Document, Cell], bool]


def _county(ctx: DefectContext, doc: Document, cell: Cell) -> bool:
    return measure_of(ctx, cell) is not None


def _large(ctx: DefectContext, doc: Document, cell: Cell) -> bool:
    return abs(number_of(cell)) >= 1000


def _positive(ctx: DefectContext, doc: Document, cell: Cell) -> bool:
    return number_of(cell) > 0


VALUE_DEFECTS: dict[str, tuple[ValueDefect, Applies]] = {
    "fullwidth_digits": (_fullwidth_digits, lambda c, d, x: True),
    "thousands_separator": (_thousands_separator, _large),
    "fullwidth_comma": (_fullwidth_comma, _large),
    "unit_in_value": (_unit_in_value, _county),
    "surrounding_spaces": (_surrounding_spaces, lambda c, d, x: True),
    "percent_sign": (_percent_sign, lambda c, d, x: d.layout == EXPERT_SCORES),
    "missing_value": (_missing_value, lambda c, d, x: True),
    "unit_announced_yiyuan": (
        _unit_announced_yiyuan,
        lambda c, d, x: d.layout == COUNTY_FORM and measure_of(c, x) == WAN_YUAN,
    ),
    "unit_announced_yuan": (
        _unit_announced_yuan,
        lambda c, d, x: d.layout == COUNTY_FORM and measure_of(c, x) == WAN_YUAN,
    ),
    "unit_announced_wanyuan": (
        _unit_announced_wanyuan,
        lambda c, d, x: d.layout == COUNTY_FORM and measure_of(c, x) == YI_YUAN,
    ),
    "negative_value": (_negative_value, _positive),
    "tenfold_jump": (_tenfold_jump, _positive),
    "rd_exceeds_enterprises": (
        _rd_exceeds_enterprises,
        lambda c, d, x: x.variable_code == "ind_ent_rd_count",
    ),
}
