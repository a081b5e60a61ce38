"""Which county a submission is about: by code, by (city, name), across division changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import layouts
from orchestration.ingest.reading import Reference

from .builders import CountyForm, city_summary_grid, expert_scores_grid, write_xlsx
from .conftest import SEEDS, read, year_dir

# (case, data year, 填报单位, 行政区划代码, expected unit_code, expected problems (code, severity))
FORM_CASES = [
    ("by_code_and_name", 2021, "正定县", "130123", "130123", []),
    ("by_name_only", 2021, "正定县", None, "130123", []),
    ("by_code_only", 2021, None, "130123", "130123", []),
    ("stray_whitespace", 2021, "  正 定　县 ", " 130123 ", "130123", []),
    ("city_prefixed_name", 2021, "石家庄市正定县", None, "130123", []),
    ("province_prefixed", 2021, "河北省石家庄市正定县", None, "130123", []),
    ("code_as_full_width", 2021, "正定县", "１３０１２３", "130123", []),
    ("luanxian_name_2017", 2017, "滦县", None, "130284", [("old_unit_name", "warning")]),
    ("luanxian_name_2021", 2021, "滦县", None, "130284", [("old_unit_name", "warning")]),
    ("luanxian_code", 2021, None, "130223", "130284", [("old_unit_code", "warning")]),
    ("luanxian_both", 2018, "滦县", "130223", "130284", [("old_unit_code", "warning")]),
    ("qiaoxi_ambiguous_2019", 2019, "桥西区", None, None, [("ambiguous_unit", "error")]),
    ("qiaoxi_ambiguous_2021", 2021, "桥西区", None, None, [("ambiguous_unit", "error")]),
    ("qiaoxi_by_code_sjz", 2019, "桥西区", "130104", "130104", []),
    ("qiaoxi_by_code_xt", 2019, "桥西区", "130503", "130503", []),
    ("qiaoxi_by_code_zjk", 2021, "桥西区", "130703", "130703", []),
    ("qiaoxi_by_city", 2019, "邢台市桥西区", None, "130503", []),
    ("qiaoxi_xt_renamed", 2021, "邢台市桥西区", None, "130503", [("old_unit_name", "warning")]),
    ("xinhua_ambiguous", 2021, "新华区", None, None, [("ambiguous_unit", "error")]),
    ("xinhua_by_city", 2021, "沧州市新华区", None, "130902", []),
    ("qiaodong_ambiguous_2019", 2019, "桥东区", None, None, [("ambiguous_unit", "error")]),
    ("qiaodong_2021_zjk", 2021, "桥东区", None, "130702", []),
    ("renxian_after_change", 2021, "任县", None, "130505", [("old_unit_name", "warning")]),
    ("renze_before_change", 2019, "任泽区", None, "130526", [("new_unit_name", "warning")]),
    ("xingtaixian_abolished", 2021, "邢台县", None, None, [("abolished_unit", "error")]),
    ("xingtaixian_2019", 2019, "邢台县", "130521", "130521", []),
    ("unknown_name", 2021, "北京市海淀区", None, None, [("unknown_unit", "error")]),
    (
        "development_zone",
        2021,
        "石家庄高新区",
        "130171",
        None,
        [("unknown_unit", "error"), ("unknown_unit", "error")],
    ),
    (
        "unknown_code_known_name",
        2021,
        "正定县",
        "130199",
        "130123",
        [("unknown_unit_code", "warning")],
    ),
    ("code_name_mismatch", 2021, "行唐县", "130123", "130123", [("code_name_mismatch", "error")]),
    ("office_name", 2021, "正定县科学技术局", None, "130123", []),
    ("city_and_office_name", 2019, "邢台市桥西区科技局", None, "130503", []),
    ("old_name_with_new_code", 2021, "南和县", "130506", "130506", [("old_unit_name", "warning")]),
    ("short_name", 2021, "正定", None, "130123", [("short_unit_name", "info")]),
    ("nothing", 2021, None, None, None, [("unknown_unit", "error")]),
]


@pytest.mark.parametrize(
    "case,year,name,code,expected,problems", FORM_CASES, ids=[c[0] for c in FORM_CASES]
)
def test_county_form_identity(inbox: Path, case, year, name, code, expected, problems) -> None:
    form = CountyForm(unit_name=name, unit_code=code, data_year=year)
    write_xlsx(year_dir(inbox, year) / f"{case}.xlsx", {"填报表": form.grid()})

    result = read(inbox, year)

    file = result.files.row(0, named=True)
    assert file["status"] == "loaded"
    assert file["unit_code"] == expected
    assert file["declared_unit_name"] == (name.strip() if name else None)
    assert set(result.values["unit_code"].to_list()) == {expected}
    got = result.problems.select("problem_code", "severity").rows()
    assert got == problems
    for p in result.problems.to_dicts():
        assert p["unit_code"] == expected
        assert p["row_number"] == 2 and p["column_letter"] in {"B", "E"}
        assert p["expected"].startswith(f"{case}.xlsx, sheet 填报表, row 2")


def test_ambiguous_problem_names_the_candidates(inbox: Path) -> None:
    write_xlsx(
        year_dir(inbox, 2019) / "qx.xlsx",
        {"填报表": CountyForm(unit_name="桥西区", unit_code=None, data_year=2019).grid()},
    )
    problem = read(inbox, 2019).problems.row(0, named=True)
    for candidate in (
        "130104 桥西区 (石家庄市)",
        "130503 桥西区 (邢台市)",
        "130703 桥西区 (张家口市)",
    ):
        assert candidate in problem["expected"]
    assert problem["found_text"] == "桥西区"


def test_city_summary_rows_resolved_by_code_or_city(inbox: Path) -> None:
    grid = city_summary_grid(
        [
            ("130702", "桥东区", {}),
            (None, "桥西区", {}),
            ("130223", "滦县", {}),
            (None, "不存在县", {}),
        ],
        title="张家口市" + layouts.CITY_SUMMARY_TITLE,
    )
    write_xlsx(year_dir(inbox) / "zjk.xlsx", {"汇总表": grid})
    result = read(inbox)
    units = result.values.unique(subset=["row_number"], maintain_order=True)
    assert units.select("row_number", "unit_code").rows() == [
        (4, "130702"),
        (5, "130703"),
        (6, "130284"),
        (7, None),
    ]
    assert result.problems.select("row_number", "column_letter", "problem_code").rows() == [
        (6, "B", "old_unit_code"),
        (6, "B", "unit_outside_city"),
        (7, "B", "unknown_unit"),
    ]


def test_city_summary_without_city_in_title_uses_the_majority_city(inbox: Path) -> None:
    grid = city_summary_grid([("130102", "长安区", {}), (None, "桥西区", {})], title="汇总表")
    write_xlsx(year_dir(inbox) / "sjz.xlsx", {"汇总表": grid})
    result = read(inbox)
    assert set(result.values["unit_code"]) == {"130102", "130104"}
    assert result.problems.height == 0


def test_expert_scores_need_a_code_for_shared_names(inbox: Path) -> None:
    grid = expert_scores_grid([("130503", "桥西区", [80, 80, 80]), (None, "新华区", [70, 70, 70])])
    write_xlsx(year_dir(inbox, 2019) / "experts.xlsx", {"专家评分": grid})
    result = read(inbox, 2019)
    assert result.values.unique(subset=["row_number"]).sort("row_number").select(
        "unit_code"
    ).to_series().to_list() == ["130503", None]
    assert result.problems.select("problem_code", "row_number").rows() == [("ambiguous_unit", 4)]


def test_valid_units_per_year_follow_the_seed() -> None:
    registry = Reference.from_dataset_dir(SEEDS).registry
    assert len(registry.valid_units(2019)) == 168
    assert len(registry.valid_units(2021)) == 167
    assert registry.valid_unit("130503", 2019).name == "桥西区"
    assert registry.valid_unit("130503", 2021).name == "信都区"
