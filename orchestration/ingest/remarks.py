"""What people write around a number that is not the number: footnote markers and qualifiers.

Footnote markers are split off the *raw* text, before any normalisation: NFKC turns `①` into
`1` and `¹` into `1`, so `87①` would otherwise become 871. Markers are circled and parenthesised
digits (①, ⑴, ❶, ㈠), superscript digits (¹²³), symbols (*, ※, △, #, †) and bracketed notes
(`（注1）`, `[1]`, `【注】`), at the end of the text or (symbols only) at its start.

Qualifiers are words that make a number approximate (`约500`, `500左右`) or a bound rather than
a value (`500以上`, `500余`, `不足500`); they are split off the normalised text.

`footnote_texts` finds the notes under a table that explain a marker (`注：①为快报数。`), so
that a value's remark can say what its marker means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from orchestration.ingest.text import nfkc

_CIRCLED = (
    "\u2460-\u249b"  # ① … ⑳, ⑴ … ⒇, ⒈ … ⒛
    "\u24ea\u24eb-\u24ff"  # ⓪, ⓫ … ⓿
    "\u2776-\u2793"  # ❶ … ➓
    "\u3220-\u3229"  # ㈠ … ㈩
)
_SUPERSCRIPT = "\u00b9\u00b2\u00b3\u2070\u2074-\u2079"
_SYMBOLS = "*＊※△▲☆★†‡#＃"
_OPEN, _CLOSE = re.escape("(（[［【〔"), re.escape(")）]］】〕")
_NOTE_NUMBER = rf"[0-9０-９一二三四五六七八九十{_CIRCLED}]*"
_BRACKETED_NOTE = rf"[{_OPEN}]\s*(?:注|註|note)?\s*[:：]?\s*{_NOTE_NUMBER}\s*[{_CLOSE}]"
_NOTE_WITH_TEXT = rf"[{_OPEN}]\s*(?:注|註)\s*[:：]?[^{_CLOSE}]*[{_CLOSE}]"
_TRAILING_MARKER = re.compile(
    rf"(?:[{_CIRCLED}]|[{_SUPERSCRIPT}]+|[{_SYMBOLS}]+|{_BRACKETED_NOTE}|{_NOTE_WITH_TEXT})\s*$",
    re.IGNORECASE,
)
_LEADING_MARKER = re.compile(rf"^\s*[{_SYMBOLS}]+(?=\s*[-+0-9０-９.．])")
_EXCEL_ERROR = re.compile(
    r"#(?:DIV/0!|REF!|N/A|VALUE!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)"
)

APPROXIMATE_PREFIXES = (
    "大约",
    "约为",
    "约合",
    "约",
    "接近",
    "将近",
    "近",
    "估计",
    "预计",
    "≈",
    "~",
)
APPROXIMATE_SUFFIXES = ("左右", "上下", "许")
BOUND_PREFIXES = (
    "超过", "逾", "不足", "不到", "小于", "大于", "低于", "高于", "少于", "多于", "至少", "最多",
    ">=", "<=", ">", "<", "≥", "≤",
)  # fmt: skip
BOUND_SUFFIXES = ("以上", "以下", "以内", "有余", "+")
APPROXIMATE_REMARKS = frozenset(
    {"估", "估计", "估计数", "预计", "预计数", "预估", "估算", "约", "约数"}
)
BOUND_AFTER_NUMBER = ("余", "多")  # 500余万元, 500多家: between the number and its unit


def is_excel_error(text: str) -> bool:
    """`#DIV/0!`, `#REF!`, `#N/A`, ...: an Excel error value shown in a cell."""
    return _EXCEL_ERROR.fullmatch(text.strip()) is not None


_DIGIT_LIKE_MARKER = re.compile(rf"[{_CIRCLED}{_SUPERSCRIPT}]")


def has_digit_like_marker(text: str) -> bool:
    """A circled or superscript digit, which NFKC would turn into a digit of the number."""
    return _DIGIT_LIKE_MARKER.search(text) is not None


def split_markers(raw: str) -> tuple[str, tuple[str, ...]]:
    """(the text without footnote markers, the markers as written, in reading order)."""
    text, trailing = raw, []
    while True:
        found = _TRAILING_MARKER.search(text)
        if found is None or not text[: found.start()].strip():
            break
        trailing.insert(0, found.group().strip())
        text = text[: found.start()]
    leading = _LEADING_MARKER.match(text)
    markers = [leading.group().strip()] if leading else []
    if leading:
        text = text[leading.end() :]
    return text, tuple(markers + trailing)


@dataclass(frozen=True)
class Qualified:
    """Normalised text without its qualifier words, and the words found."""

    text: str
    approximate: str | None = None
    bound: str | None = None


def split_qualifiers(text: str) -> Qualified:
    """Split approximate (`约`, `左右`) and bound (`以上`, `不足`) words off normalised text."""
    approximate = bound = None
    for prefix in (*APPROXIMATE_PREFIXES, *BOUND_PREFIXES):
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
            if prefix in APPROXIMATE_PREFIXES:
                approximate = prefix
            else:
                bound = prefix
            break
    for suffix in (*APPROXIMATE_SUFFIXES, *BOUND_SUFFIXES):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            if suffix in APPROXIMATE_SUFFIXES:
                approximate = approximate or suffix
            else:
                bound = bound or suffix
            break
    return Qualified(text, approximate, bound)


_NUMBERED_NOTE = re.compile(r"^\s*(?:注|註)\s*([0-9０-９]+)\s*[:：.．、]?")
_NOTE_LEAD = re.compile(r"^\s*(?:注|註|说明|备注)\s*[:：]?\s*")


def footnote_texts(lines: Iterable[str]) -> dict[str, str]:
    """marker key → the note explaining it, from note lines under a table: `注1：为快报数`,
    `注：①为快报数；②为估计数`, `*为估计数`."""
    notes: dict[str, str] = {}
    for line in lines:
        numbered = _NUMBERED_NOTE.match(line)
        if numbered:
            notes.setdefault(marker_key(numbered.group(1)), line.strip())
            continue
        body = _NOTE_LEAD.sub("", line, count=1)
        for part in re.split(rf"(?=[{_CIRCLED}{_SUPERSCRIPT}{_SYMBOLS}])", body):
            part = part.strip(" ；;。，,")
            if part and re.match(rf"[{_CIRCLED}{_SUPERSCRIPT}{_SYMBOLS}]", part):
                notes.setdefault(marker_key(part[0]), part)
    return notes


def marker_key(marker: str) -> str:
    """The key a marker and its note are matched by: NFKC without brackets, spaces, 注."""
    key = re.sub(rf"[\s{_OPEN}{_CLOSE}:：]|注|註", "", nfkc(marker))
    return key.replace("＊", "*")
