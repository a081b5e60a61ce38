"""The defective demo inbox: every defect recorded, located and convertible back."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from orchestration.demo import DemoManifest, write_demo_inbox
from orchestration.demo.defects import FILE_DEFECTS, MANIFEST_COLUMNS, VALUE_DEFECTS, YEAR_DEFECTS
from tests.demo.readback import cell_at, read_grid, sheet_names

FULLWIDTH_BACK = str.maketrans("０１２３４５６７８９．，－％", "0123456789.,-%")
CONVERSION = {
    "unit_announced_yiyuan": 1e4,
    "header_unit_yiyuan": 1e4,
    "unit_announced_yuan": 1e-4,
    "header_unit_yuan": 1e-4,
    "unit_announced_wanyuan": 1e-4,
}


def _files(manifest: DemoManifest) -> dict[tuple[int, str], object]:
    return {(f.data_year, f.path.name): f for f in manifest.files}


def test_manifest_is_not_empty_and_has_the_agreed_columns(defect_inbox: DemoManifest) -> None:
    assert len(defect_inbox.defects) > 100
    assert all(tuple(d) == MANIFEST_COLUMNS for d in defect_inbox.defects)
    assert {d["data_year"] for d in defect_inbox.defects} == set(defect_inbox.data_years)


def test_every_defect_kind_occurs(defect_inbox: DemoManifest) -> None:
    kinds = Counter(str(d["defect_kind"]) for d in defect_inbox.defects)
    expected = (
        set(VALUE_DEFECTS)
        | set(YEAR_DEFECTS)
        | {k for k in FILE_DEFECTS if not k.startswith(("duplicate", "header_unit"))}
        | {
            "superseded_submission",
            "corrected_resubmission",
            "superseded_value",
            "header_unit_yiyuan",
            "header_unit_yuan",
        }
    )
    assert expected <= set(kinds), expected - set(kinds)


def test_value_share_is_close_to_the_rate(defect_inbox: DemoManifest) -> None:
    cells = [d for d in defect_inbox.defects if d["variable_code"] and d["unit_code"]]
    values = sum(len(y.units) * 22 for y in defect_inbox.simulation.years.values())
    assert 0.5 * defect_inbox.defect_rate < len(cells) / values < 2 * defect_inbox.defect_rate


def test_cell_defects_are_located_where_the_text_was_written(defect_inbox: DemoManifest) -> None:
    files = _files(defect_inbox)
    grids: dict[tuple[int, str, str], list] = {}
    for defect in defect_inbox.defects:
        if defect["row"] is None:
            continue
        file = files[(defect["data_year"], defect["file_name"])]
        key = (defect["data_year"], str(defect["file_name"]), str(defect["sheet"]))
        if key not in grids:
            grids[key] = read_grid(file, str(defect["sheet"]) or None)  # type: ignore[arg-type]
        cell = cell_at(grids[key], int(defect["row"]), str(defect["column"]))  # type: ignore[arg-type]
        written = str(defect["text_written"])
        if isinstance(cell, int | float):
            assert float(cell) == pytest.approx(float(written), rel=1e-12), defect
        else:
            assert (cell or "") == written, defect


def test_converted_values_equal_the_clean_values(defect_inbox: DemoManifest) -> None:
    converted = [
        d
        for d in defect_inbox.defects
        if d["defect_kind"] in CONVERSION and d["unit_code"] is not None
    ]
    assert converted
    for defect in converted:
        text = str(defect["text_written"]).translate(FULLWIDTH_BACK)
        value = float(text) * CONVERSION[str(defect["defect_kind"])]
        assert value == pytest.approx(float(defect["clean_value"]), abs=1e-6), defect  # type: ignore[arg-type]


def test_text_defects_parse_back_to_the_clean_value(defect_inbox: DemoManifest) -> None:
    kinds = {
        "fullwidth_digits",
        "thousands_separator",
        "fullwidth_comma",
        "unit_in_value",
        "surrounding_spaces",
        "percent_sign",
    }
    for defect in defect_inbox.defects:
        if defect["defect_kind"] not in kinds:
            continue
        text = str(defect["text_written"]).translate(FULLWIDTH_BACK).replace(",", "")
        text = text.strip(" \u3000%万元亿家个件人年分")
        assert float(text) == pytest.approx(float(defect["clean_value"])), defect  # type: ignore[arg-type]


def test_impossible_values_are_impossible(defect_inbox: DemoManifest) -> None:
    clean = {
        (r["data_year"], r["unit_code"], r["variable_code"]): r["value"]
        for r in defect_inbox.clean_values().iter_rows(named=True)
    }
    for defect in defect_inbox.defects:
        kind, written = defect["defect_kind"], defect["text_written"]
        if kind == "negative_value":
            assert float(written) < 0  # type: ignore[arg-type]
        elif kind == "rd_exceeds_enterprises":
            enterprises = clean[(defect["data_year"], defect["unit_code"], "ind_ent_count")]
            assert float(written) > enterprises  # type: ignore[arg-type]
        elif kind == "tenfold_jump":
            assert float(written) == pytest.approx(10 * float(defect["clean_value"]))  # type: ignore[arg-type]


def test_file_defects_are_visible_in_the_files(defect_inbox: DemoManifest) -> None:
    files = _files(defect_inbox)
    for defect in defect_inbox.defects:
        file = files[(defect["data_year"], defect["file_name"])]
        kind = defect["defect_kind"]
        data = file.path.read_bytes()  # type: ignore[attr-defined]
        if kind == "encoding_gb18030_bom":
            assert data.startswith(b"\x84\x31\x95\x33")
        elif kind == "encoding_utf8_no_bom":
            assert not data.startswith(b"\xef\xbb\xbf")
            data.decode("utf-8")
        elif kind == "extra_sheet":
            assert len(sheet_names(file.path)) == 2  # type: ignore[attr-defined]
        elif kind == "note_row":
            assert str(read_grid(file)[-1][0]).startswith("注：")  # type: ignore[arg-type]
        elif kind == "wrong_year_file":
            grid = read_grid(file)  # type: ignore[arg-type]
            assert int(grid[2][1]) == defect["data_year"] - 1  # type: ignore[operator]
        elif kind == "superseded_submission":
            corrected = str(defect["file_name"]).replace(".", "_corrected.", 1)
            later = files[(defect["data_year"], corrected)]
            assert later.path.stat().st_mtime > file.path.stat().st_mtime  # type: ignore[attr-defined]


def test_files_without_defects_are_identical_to_the_clean_ones(
    clean_inbox: DemoManifest, defect_inbox: DemoManifest
) -> None:
    touched = {(d["data_year"], d["file_name"]) for d in defect_inbox.defects}
    untouched = [f for f in defect_inbox.files if (f.data_year, f.path.name) not in touched]
    assert len(untouched) > 100
    for file in untouched:
        clean = clean_inbox.inbox_dir / str(file.data_year) / file.path.name
        assert (
            hashlib.sha256(file.path.read_bytes()).digest()
            == hashlib.sha256(clean.read_bytes()).digest()
        ), file.path.name


def test_defects_do_not_change_the_expected_results(
    clean_inbox: DemoManifest, defect_inbox: DemoManifest
) -> None:
    assert defect_inbox.summaries == clean_inbox.summaries
    assert defect_inbox.clean_values().equals(clean_inbox.clean_values())


def test_manifests_are_written_outside_the_year_folders(defect_inbox: DemoManifest) -> None:
    written = defect_inbox.write()
    folder = defect_inbox.inbox_dir.parent / "demo_manifests"
    assert {p.name for p in written} >= {f"defects_{y}.csv" for y in defect_inbox.data_years}
    assert all(p.parent == folder for p in written)
    lines = sum(
        len((folder / f"defects_{y}.csv").read_text(encoding="utf-8").splitlines()) - 1
        for y in defect_inbox.data_years
    )
    assert lines >= len(defect_inbox.defects)  # quoted texts never span lines here, but may


def _digest(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).digest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_bytes_and_defects(
    defect_inbox: DemoManifest, tmp_path: Path
) -> None:
    again = write_demo_inbox(tmp_path / "inbox", defect_rate=defect_inbox.defect_rate)
    assert again.defects == defect_inbox.defects
    assert _digest(again.inbox_dir) == _digest(defect_inbox.inbox_dir)
    assert [(f.data_year, f.path.name, f.path.stat().st_mtime) for f in again.files] == [
        (f.data_year, f.path.name, f.path.stat().st_mtime) for f in defect_inbox.files
    ]


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_defect_rate_outside_unit_interval_is_refused(tmp_path: Path, rate: float) -> None:
    with pytest.raises(ValueError, match="defect_rate"):
        write_demo_inbox(tmp_path / "inbox", defect_rate=rate)


def test_full_defect_rate_still_writes_readable_files(tmp_path: Path) -> None:
    manifest = write_demo_inbox(tmp_path / "inbox", defect_rate=1.0, data_years=range(2020, 2021))
    for file in manifest.files:
        assert read_grid(file, engine="openpyxl" if file.fmt == "xlsx" else "calamine")
    kinds = Counter(str(d["defect_kind"]) for d in manifest.defects)
    assert kinds["missing_value"] > 100
