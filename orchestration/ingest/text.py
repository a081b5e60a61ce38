"""Text helpers shared by the readers: cell text, matching keys, column letters.

Hand-filled Chinese forms mix full-width and ASCII characters, stray spaces, line breaks inside
header cells and zero-width characters. Everything that is *compared* (headers, labels, names,
codes) goes through `match_key`; everything that is *kept* (raw_text, column_name) is kept as
found.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

# Characters NFKC leaves alone but people use interchangeably.
_EXTRA_MAP = str.maketrans(
    {
        "\u2212": "-",  # minus sign
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u200b": "",  # zero-width space
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",  # stray BOM inside a cell
    }
)
_WHITESPACE = re.compile(r"\s+")


def nfkc(text: str) -> str:
    """NFKC-normalise (full-width digits, letters and punctuation become ASCII)."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA_MAP)


@lru_cache(maxsize=65536)
def squeeze(text: str) -> str:
    """NFKC-normalise and remove every whitespace character (also inside the text)."""
    return _WHITESPACE.sub("", nfkc(text))


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """The key two header/label/alias texts are compared by.

    NFKC, no whitespace at all, case-folded, trailing colons dropped: `' 数 值：'` and `'数值'`,
    `'县（市、区）名称'` and `'县(市、区)名称'` give the same key.
    """
    return squeeze(text).casefold().rstrip(":")


def cell_text(value: Any) -> str:
    """The text a person sees in a cell; '' for an empty cell.

    Whole floats are shown without a decimal part (Excel stores 2021 as 2021.0) and other floats
    by their shortest round-trip repr, so the text never changes the number.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def is_blank(value: Any) -> bool:
    """True for an empty cell or a cell holding only whitespace."""
    return value is None or (isinstance(value, str) and squeeze(value) == "")


def number_of(value: Any) -> Decimal | None:
    """The exact decimal value of a numeric spreadsheet cell, None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index: 0 → 'A', 25 → 'Z', 26 → 'AA'."""
    if index < 0:
        raise ValueError(f"column index must be >= 0, got {index}")
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def parse_year(value: Any) -> int | None:
    """A data year from a cell such as `2021`, `2021.0`, `'２０２１年'`, `'2021年度'`; else None."""
    if isinstance(value, datetime | date):
        return None
    text = squeeze(cell_text(value))
    match = re.fullmatch(r"(?:统计年度|年度|:)*((?:19|20)\d{2})(?:\.0+)?(?:年度?|年)?", text)
    return int(match.group(1)) if match else None
