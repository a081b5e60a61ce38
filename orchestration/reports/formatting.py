"""How figures are written on the pages (the templates' filters) and into the pages' JSON."""

from __future__ import annotations

import json
import math
from typing import Any


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value: Any, decimals: int = 2) -> str:
    """A figure for reading: fixed decimals, '–' when there is none."""
    if _missing(value):
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{decimals}f}"


def signed(value: Any, decimals: int = 2) -> str:
    """A change for reading: always with its sign."""
    if _missing(value):
        return "–"
    if isinstance(value, int):
        return f"{value:+d}"
    return f"{value:+.{decimals}f}"


def sign_class(value: Any) -> str:
    """The CSS class of a change: up, down or none."""
    if _missing(value):
        return ""
    return "up" if value > 0 else "down" if value < 0 else ""


def rounded(value: Any, decimals: int = 3) -> Any:
    """A number for the embedded JSON or a sort key: rounded, NaN as null."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, decimals)
    return value


def sort_value(value: Any) -> Any:
    """What a sortable table sorts a cell by: the rounded number, '' when there is none."""
    value = rounded(value, 4)
    return "" if value is None else value


def clean_nested(value: Any, decimals: int = 4) -> Any:
    """Dicts and lists of figures with every number rounded for the embedded JSON."""
    if isinstance(value, dict):
        return {key: clean_nested(item, decimals) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_nested(item, decimals) for item in value]
    return rounded(value, decimals)


def page_json(payload: dict) -> str:
    """Page data for a `<script type="application/json">` block (no `</` can close it)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=rounded)
    return text.replace("</", "<\\/")


FILTERS = {
    "num": num,
    "signed": signed,
    "sign_class": sign_class,
    "sort_value": sort_value,
}
