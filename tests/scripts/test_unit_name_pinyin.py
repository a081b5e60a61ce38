"""County names in pinyin (scripts/unit_name_pinyin.py, the tool that writes the seed column):
the spelling rules and the seed column they produce."""

from __future__ import annotations

import csv
import importlib.util

import pytest

from tests.conftest import PROJECT_ROOT

UNITS = PROJECT_ROOT / "seeds" / "units.csv"
SCRIPT = PROJECT_ROOT / "scripts" / "unit_name_pinyin.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("unit_name_pinyin", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pinyin = _load_script()
place_name_pinyin, units_with_pinyin = pinyin.place_name_pinyin, pinyin.units_with_pinyin


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
