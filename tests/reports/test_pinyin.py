"""County names in pinyin: the seed column and the spelling rules."""

from __future__ import annotations

import csv

import pytest

from orchestration.reports.pinyin import place_name_pinyin, units_with_pinyin
from tests.conftest import PROJECT_ROOT

UNITS = PROJECT_ROOT / "seeds" / "units.csv"


@pytest.mark.parametrize(
    ("unit_name", "expected"),
    [
        ("长安区", "Chang'an Qu"),
        ("井陉矿区", "Jingxing Kuangqu"),
        ("乐亭县", "Laoting Xian"),
        ("蔚县", "Yu Xian"),
        ("围场满族蒙古族自治县", "Weichang Manzu Mengguzu Zizhixian"),
        ("大厂回族自治县", "Dachang Huizu Zizhixian"),
        ("滦州市", "Luanzhou Shi"),
        ("鹰手营子矿区", "Yingshouyingzi Kuangqu"),
        ("任丘市", "Renqiu Shi"),
    ],
)
def test_place_name_pinyin(unit_name: str, expected: str) -> None:
    assert place_name_pinyin(unit_name) == expected


def test_units_seed_has_the_pinyin_of_every_name() -> None:
    rows = list(csv.DictReader(UNITS.open(encoding="utf-8")))
    result = [(row["unit_name"], row["unit_name_pinyin"]) for row in rows]
    expected = [(row["unit_name"], place_name_pinyin(row["unit_name"])) for row in rows]
    assert result == expected
    assert all(pinyin.isascii() and pinyin for _, pinyin in result)


def test_regenerating_the_column_keeps_the_seed_as_it_is() -> None:
    text = UNITS.read_text(encoding="utf-8")
    assert units_with_pinyin(text) == text
