"""The clean demo inbox: layouts, readability, completeness, realism and determinism."""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from orchestration import layouts
from orchestration.demo import DemoManifest, write_demo_inbox
from orchestration.demo.calibration import province_summary, score_year
from orchestration.demo.seeds import load_seeds, predecessor_codes
from tests.demo.readback import number, read_grid, sheet_names

SEEDS = load_seeds()
COUNTY_CODES = [v.variable_code for v in SEEDS.county_variables]
EXPERT_CODES = [v.variable_code for v in SEEDS.expert_variables]
# Every file is read with calamine (read_back); openpyxl reads all workbooks of one year (it
# is slow, ~10 ms a workbook, and all years come from the same writer).
OPENPYXL_YEAR = 2020
TITLES = (layouts.COUNTY_FORM_TITLE, layouts.CITY_SUMMARY_TITLE, layouts.EXPERT_SCORES_TITLE)
EXPECTED_UNITS = {2017: 168, 2018: 168, 2019: 168, 2020: 167, 2021: 167, 2022: 167, 2023: 167}


def read_values(manifest: DemoManifest) -> dict[int, list[tuple[str, str, float, str]]]:
    """(unit code, variable, value, file name) of every value cell, read back from the files."""
    result: dict[int, list[tuple[str, str, float, str]]] = {y: [] for y in manifest.data_years}
    for file in manifest.files:
        grid = read_grid(file)
        found = result[file.data_year]
        if file.layout == "county_form":
            code = str(grid[1][3])
            for row in grid[5:]:
                found.append((code, str(row[0]), number(row[3]), file.path.name))
        else:
            columns = COUNTY_CODES if file.layout == "city_summary" else EXPERT_CODES
            for row in grid[2:]:
                for variable, cell in zip(columns, row[2:], strict=True):
                    found.append((str(row[0]), variable, number(cell), file.path.name))
    return result


@pytest.fixture(scope="module")
def read_back(clean_inbox: DemoManifest) -> dict[int, list[tuple[str, str, float, str]]]:
    return read_values(clean_inbox)


def test_units_per_data_year(clean_inbox: DemoManifest) -> None:
    result = {y: len(clean_inbox.simulation.years[y].units) for y in clean_inbox.data_years}
    assert result == EXPECTED_UNITS


def test_every_unit_variable_appears_exactly_once(
    clean_inbox: DemoManifest, read_back: dict[int, list]
) -> None:
    for data_year, rows in read_back.items():
        counts = Counter((code, variable) for code, variable, _, _ in rows)
        units = {u.unit_code for u in clean_inbox.simulation.years[data_year].units}
        expected = {(u, v): 1 for u in units for v in COUNTY_CODES + EXPERT_CODES}
        assert dict(counts) == expected, data_year


def test_values_read_back_equal_the_clean_values(
    clean_inbox: DemoManifest, read_back: dict[int, list]
) -> None:
    clean = {
        (row["data_year"], row["unit_code"], row["variable_code"]): row["value"]
        for row in clean_inbox.clean_values().iter_rows(named=True)
    }
    for data_year, rows in read_back.items():
        for code, variable, value, file_name in rows:
            assert value == pytest.approx(clean[(data_year, code, variable)], abs=1e-9), file_name


def test_scoring_the_files_reproduces_the_expected_summary(
    clean_inbox: DemoManifest, read_back: dict[int, list]
) -> None:
    scores = {}
    for data_year, rows in sorted(read_back.items()):
        codes = sorted({code for code, *_ in rows})
        at = {c: i for i, c in enumerate(codes)}
        values = {v: np.full(len(codes), np.nan) for v in COUNTY_CODES + EXPERT_CODES}
        for code, variable, value, _ in rows:
            values[variable][at[code]] = value
        scores[data_year] = score_year(data_year + 1, codes, values, SEEDS)
    result = [
        province_summary(scores[y], scores.get(y - 1), predecessor_codes(SEEDS, y), SEEDS)
        for y in sorted(scores)
    ]
    expected = list(clean_inbox.summaries)
    assert [r.as_dict() for r in result[1:]] == [e.as_dict() for e in expected[1:]]
    first, want = result[0], expected[0]
    assert (first.class_a, first.class_b, first.class_c, first.mean_score) == (
        want.class_a,
        want.class_b,
        want.class_c,
        want.mean_score,
    )


def test_layout_headers_follow_the_layout_constants(clean_inbox: DemoManifest) -> None:
    seen: Counter[str] = Counter()
    for file in clean_inbox.files:
        if seen[file.layout] >= 3:
            continue
        seen[file.layout] += 1
        grid = read_grid(file, engine="openpyxl")
        if file.layout == "county_form":
            assert grid[0][0] == layouts.COUNTY_FORM_TITLE
            assert grid[1][0::2][:2] == [layouts.HEADER_UNIT_NAME, layouts.HEADER_UNIT_CODE]
            assert grid[2][0::2] == [
                layouts.HEADER_DATA_YEAR,
                layouts.HEADER_CONTACT_NAME,
                layouts.HEADER_CONTACT_PHONE,
            ]
            assert int(grid[2][1]) == file.data_year
            assert len(str(grid[2][5])) == 11 and str(grid[2][5]).isdigit()
            assert all(c is None for c in grid[3])
            assert tuple(grid[4][:5]) == layouts.COUNTY_FORM_COLUMNS
            assert [r[0] for r in grid[5:]] == COUNTY_CODES
            assert [r[2] for r in grid[5:]] == [v.unit for v in SEEDS.county_variables]
        elif file.layout == "city_summary":
            assert sheet_names(file.path) == [layouts.CITY_SUMMARY_SHEET]
            assert grid[0][0] == layouts.CITY_SUMMARY_TITLE
            assert tuple(grid[1]) == layouts.CITY_SUMMARY_KEY_COLUMNS + tuple(
                layouts.variable_column_header(v.name_zh, v.unit) for v in SEEDS.county_variables
            )
        else:
            assert sheet_names(file.path) == [layouts.EXPERT_SCORES_SHEET]
            assert grid[0][0] == layouts.EXPERT_SCORES_TITLE
            assert tuple(grid[1][:2]) == layouts.EXPERT_SCORES_KEY_COLUMNS
    assert set(seen) == {"county_form", "city_summary", "expert_scores"}


def test_files_are_readable_in_their_formats(clean_inbox: DemoManifest) -> None:
    formats = Counter((f.fmt, f.encoding) for f in clean_inbox.files)
    assert set(formats) == {("xlsx", None), ("csv", "utf-8-sig"), ("csv", "gbk")}
    for file in clean_inbox.files:
        data = file.path.read_bytes()
        if file.encoding == "utf-8-sig":
            assert data.startswith(b"\xef\xbb\xbf")
        elif file.encoding == "gbk":
            data.decode("gbk")
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        else:
            assert data.startswith(b"PK")
        if file.fmt == "xlsx" and file.data_year == OPENPYXL_YEAR:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
            assert first[0] in TITLES
            book.close()
        if file.layout == "county_form":
            assert file.path.name == layouts.COUNTY_FORM_FILE.format(
                unit_code=file.unit_codes[0], data_year=file.data_year, ext=file.fmt
            )


def test_some_cities_send_summaries_the_rest_county_forms(clean_inbox: DemoManifest) -> None:
    for data_year in clean_inbox.data_years:
        files = [f for f in clean_inbox.files if f.data_year == data_year]
        layouts_seen = Counter(f.layout for f in files)
        assert 3 <= layouts_seen["city_summary"] <= 4
        assert layouts_seen["expert_scores"] == 1
        folder = clean_inbox.inbox_dir / str(data_year)
        assert sorted(p.name for p in folder.iterdir()) == sorted(f.path.name for f in files)


def test_variables_are_realistic(clean_inbox: DemoManifest) -> None:
    for year in clean_inbox.simulation.years.values():
        v = year.values
        assert all(np.all(array >= 0) for array in v.values())
        assert np.all(v["ind_ent_rd_count"] <= v["ind_ent_count"])
        assert np.all(v["fiscal_st_exp"] < v["general_budget_exp"])
        assert np.all(v["ind_rd_exp"] < v["ind_revenue"])
        assert np.all(v["ind_value_added"] < v["ind_revenue"])
        assert np.all(v["hti_value_added"] <= v["ind_value_added"])
        assert np.all(v["gerd"] < v["gdp"] * 10000 * 0.06)
        assert np.all((v["population"] > 3) & (v["population"] < 250))
        assert np.all((v["gdp"] > 10) & (v["gdp"] < 2000))
        for code in (
            "hte_count",
            "tsme_count",
            "ind_ent_count",
            "platform_count",
            "incubator_count",
            "invention_patents",
            "ind_ent_rd_count",
        ):
            assert np.all(v[code] == np.round(v[code])), code
        for code in EXPERT_CODES:
            assert np.all((v[code] >= 0) & (v[code] <= 100))
            assert np.all(np.abs(v[code] * 100 - np.round(v[code] * 100)) < 1e-6)
        big = v["ind_revenue"] > np.median(v["ind_revenue"])
        assert v["ind_rd_exp"][big].mean() > v["ind_rd_exp"][~big].mean()


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_another_seed_gives_other_data_but_the_same_figures(
    clean_inbox: DemoManifest, tmp_path: Path
) -> None:
    other = write_demo_inbox(tmp_path / "inbox", seed=7, data_years=range(2019, 2021))
    assert not other.clean_values().equals(
        clean_inbox.clean_values().filter(
            clean_inbox.clean_values()["data_year"].is_in([2019, 2020])
        )
    )
    targets = {s.evaluation_year: s for s in clean_inbox.summaries}
    for summary in other.summaries:
        expected = targets[summary.evaluation_year]
        assert (summary.class_a, summary.class_b, summary.class_c) == (
            expected.class_a,
            expected.class_b,
            expected.class_c,
        )
        assert summary.mean_score == pytest.approx(expected.mean_score, abs=0.01)


def test_a_subset_of_years_writes_the_same_files(clean_inbox: DemoManifest, tmp_path: Path) -> None:
    subset = write_demo_inbox(tmp_path / "inbox", data_years=range(2020, 2022))
    full = _digest(clean_inbox.inbox_dir)
    assert _digest(subset.inbox_dir) == {k: v for k, v in full.items() if k[:4] in ("2020", "2021")}


def test_rewriting_replaces_the_generated_files(tmp_path: Path) -> None:
    first = write_demo_inbox(tmp_path / "inbox", defect_rate=0.3, data_years=range(2021, 2022))
    assert any(f.path.name.endswith("_corrected.xlsx") or not f.primary for f in first.files)
    (tmp_path / "inbox" / "2021" / "notes.txt").write_text("kept", encoding="utf-8")
    second = write_demo_inbox(tmp_path / "inbox", data_years=range(2021, 2022))
    names = sorted(p.name for p in (tmp_path / "inbox" / "2021").iterdir())
    assert names == sorted([f.path.name for f in second.files] + ["notes.txt"])


@pytest.mark.parametrize("years", [range(2015, 2018), range(2024, 2025)])
def test_years_without_targets_are_refused(tmp_path: Path, years: range) -> None:
    with pytest.raises(ValueError, match="no targets"):
        write_demo_inbox(tmp_path / "inbox", data_years=years)
