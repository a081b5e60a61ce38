"""A small, fast and byte-deterministic `.xlsx` writer for the demo files.

openpyxl takes ~30 ms per workbook and stamps the current time into the file; the demo writes
several hundred small workbooks, so it writes the SpreadsheetML parts directly: shared
strings, number formats by decimals, merged cells, several sheets. The result opens in Excel,
LibreOffice, openpyxl and calamine.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

XlsxValue = str | int | float | None

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Built-in number formats: 1 = "0", 2 = "0.00"; others get custom ids from 164.
BUILTIN_FORMATS = {0: 1, 2: 2}


class XlsxSheet:
    """A sheet to write: rows of (value, decimals) cells and single-row merges."""

    def __init__(
        self,
        name: str,
        rows: Sequence[Sequence[tuple[XlsxValue, int | None]]],
        merges: Sequence[tuple[int, int, int]] = (),
    ) -> None:
        self.name = name
        self.rows = rows
        self.merges = merges  # (1-based row, first column, last column)


def _attr(text: str) -> str:
    """Escape text for an XML attribute."""
    return escape(text, {'"': "&quot;"})


def _text(text: str) -> str:
    """Escape text for XML content, keeping leading and trailing spaces."""
    return escape(text)


def _number(value: int | float) -> str:
    """The shortest exact decimal text of a number."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _styles(decimals_used: Sequence[int]) -> tuple[str, dict[int, int]]:
    """styles.xml and the cell-format index of each number of decimals."""
    custom: dict[int, int] = {}
    formats: list[str] = []
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
    index: dict[int, int] = {}
    for decimals in decimals_used:
        if decimals in BUILTIN_FORMATS:
            fmt_id = BUILTIN_FORMATS[decimals]
        else:
            fmt_id = custom.setdefault(decimals, 164 + len(custom))
            code = "0." + "0" * decimals
            formats.append(f'<numFmt numFmtId="{fmt_id}" formatCode="{code}"/>')
        index[decimals] = len(xfs)
        xfs.append(
            f'<xf numFmtId="{fmt_id}" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/>'
        )
    numfmts = f'<numFmts count="{len(formats)}">{"".join(formats)}</numFmts>' if formats else ""
    xml = (
        f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">{numfmts}'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/><family val="2"/>'
        '<charset val="134"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    return xml, index


def _sheet_xml(sheet: XlsxSheet, strings: dict[str, int], styles: dict[int, int]) -> str:
    """The worksheet part of one sheet."""
    rows_xml = []
    for r, row in enumerate(sheet.rows, start=1):
        cells = []
        for c, (value, decimals) in enumerate(row, start=1):
            if value is None:
                continue
            ref = f"{get_column_letter(c)}{r}"
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            else:
                style = f' s="{styles[decimals]}"' if decimals is not None else ""
                cells.append(f'<c r="{ref}"{style}><v>{_number(value)}</v></c>')
        if cells:
            rows_xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    merges = "".join(
        f'<mergeCell ref="{get_column_letter(first)}{r}:{get_column_letter(last)}{r}"/>'
        for r, first, last in sheet.merges
    )
    merge_xml = f'<mergeCells count="{len(sheet.merges)}">{merges}</mergeCells>' if merges else ""
    width = max((len(row) for row in sheet.rows), default=1) or 1
    height = max(len(sheet.rows), 1)
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<dimension ref="A1:{get_column_letter(width)}{height}"/>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        '<cols><col min="1" max="1" width="16" customWidth="1"/>'
        '<col min="2" max="2" width="30" customWidth="1"/></cols>'
        f"<sheetData>{''.join(rows_xml)}</sheetData>{merge_xml}</worksheet>"
    )


def xlsx_bytes(sheets: Sequence[XlsxSheet], stamp: datetime, creator: str) -> bytes:
    """The bytes of a workbook with the given sheets; `stamp` dates the file deterministically."""
    decimals_used = sorted(
        {
            d
            for s in sheets
            for row in s.rows
            for v, d in row
            if d is not None and v is not None and not isinstance(v, str)
        }
    )
    styles_xml, styles = _styles(decimals_used)
    strings: dict[str, int] = {}
    sheet_parts = [_sheet_xml(s, strings, styles) for s in sheets]
    shared = "".join(f'<si><t xml:space="preserve">{_text(s)}</t></si>' for s in strings)
    count = sum(1 for s in sheets for row in s.rows for v, _ in row if isinstance(v, str))
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    parts: list[tuple[str, str]] = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", _root_rels()),
        ("docProps/app.xml", _app_xml()),
        ("docProps/core.xml", _core_xml(creator, iso)),
        ("xl/workbook.xml", _workbook_xml(sheets)),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        ("xl/styles.xml", styles_xml),
        (
            "xl/sharedStrings.xml",
            f'{XML_HEAD}<sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{len(strings)}">'
            f"{shared}</sst>",
        ),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", xml) for i, xml in enumerate(sheet_parts, 1)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts:
            entry = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, xml.encode("utf-8"))
    return buffer.getvalue()


def _content_types(n_sheets: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n_sheets + 1)
    )
    return (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{sheets}"
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/'
        'vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _root_rels() -> str:
    return (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{DOC_REL}/extended-properties" '
        'Target="docProps/app.xml"/></Relationships>'
    )


def _app_xml() -> str:
    return (
        f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Microsoft Excel</Application></Properties>'
    )


def _core_xml(creator: str, iso: str) -> str:
    return (
        f'{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{_text(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{iso}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{iso}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook_xml(sheets: Sequence[XlsxSheet]) -> str:
    entries = "".join(
        f'<sheet name="{_attr(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    return (
        f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f"<sheets>{entries}</sheets></workbook>"
    )


def _workbook_rels(n_sheets: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i}" Type="{DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n_sheets + 1)
    )
    n = n_sheets
    return (
        f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{sheets}'
        f'<Relationship Id="rId{n + 1}" Type="{DOC_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{DOC_REL}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )
