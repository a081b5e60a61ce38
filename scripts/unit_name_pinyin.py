"""Pinyin of county-level unit names: the maintenance tool that writes the seed column
`unit_name_pinyin` of units.csv (the reports and the mart read that column; nothing in the
pipeline runs this).

Place names are written the way Chinese maps spell them in Latin letters: the proper name as one
word with an apostrophe where a syllable starting with a, o or e would be ambiguous (Chang'an),
then the generic part (Qu, Xian, Shi, Kuangqu, Zizhixian …) as a separate word. A few place
names are read differently from the characters' everyday reading (乐亭 Laoting, 蔚县 Yu Xian),
so pypinyin's guesses are overridden for them.

Regenerate the column after editing units.csv:

    .venv/bin/python scripts/unit_name_pinyin.py seeds/units.csv

It edits the file's text (the other columns kept as they are), so it reads the CSV itself: a
seed editor, outside the package, not a reader of the configuration.
"""

import csv
import io
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

# Generic parts of a unit's name, longest first, with their pinyin.
SUFFIXES: tuple[tuple[str, str], ...] = (
    ("满族蒙古族自治县", "Manzu Mengguzu Zizhixian"),
    ("回族自治县", "Huizu Zizhixian"),
    ("满族自治县", "Manzu Zizhixian"),
    ("自治县", "Zizhixian"),
    ("矿区", "Kuangqu"),
    ("区", "Qu"),
    ("县", "Xian"),
    ("市", "Shi"),
)

# Proper names whose place-name reading differs from what pypinyin guesses from the characters.
PROPER_NAME_READINGS: dict[str, list[str]] = {
    "乐亭": ["lao", "ting"],
    "蔚": ["yu"],
    "蠡": ["li"],
    "井陉": ["jing", "xing"],
    "行唐": ["xing", "tang"],
    "大名": ["da", "ming"],
    "曲阳": ["qu", "yang"],
    "曲周": ["qu", "zhou"],
    "任丘": ["ren", "qiu"],
    "任泽": ["ren", "ze"],
    "任": ["ren"],
    "泊头": ["bo", "tou"],
    "长安": ["chang", "an"],
    "阜平": ["fu", "ping"],
    "阜城": ["fu", "cheng"],
    "藁城": ["gao", "cheng"],
    "涉": ["she"],
}

_VOWEL_STARTS = ("a", "o", "e")


def _join_syllables(syllables: list[str]) -> str:
    """Syllables as one capitalised word, with an apostrophe before a, o or e (Xi'an)."""
    word = ""
    for position, syllable in enumerate(syllables):
        if position and syllable.startswith(_VOWEL_STARTS):
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


def split_generic_part(name: str) -> tuple[str, str]:
    """A unit's name as (proper name, pinyin of its generic part): 井陉矿区 -> (井陉, Kuangqu)."""
    for suffix, suffix_pinyin in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix_pinyin
    return name, ""


def place_name_pinyin(unit_name: str) -> str:
    """The Latin spelling of a county-level unit's name, e.g. 长安区 -> "Chang'an Qu"."""
    proper, suffix_pinyin = split_generic_part(unit_name.strip())
    syllables = PROPER_NAME_READINGS.get(proper) or lazy_pinyin(proper, style=Style.NORMAL)
    syllables = [syllable.replace("ü", "u").replace("v", "u") for syllable in syllables]
    return " ".join(part for part in (_join_syllables(syllables), suffix_pinyin) if part)


def units_with_pinyin(csv_text: str) -> str:
    """The units seed with `unit_name_pinyin` (re)computed from `unit_name` as its last column,
    the other columns kept as they are."""
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    if not rows:
        raise ValueError("the units seed has no rows: expected a header and one row per unit")
    columns = [column for column in rows[0] if column != "unit_name_pinyin"] + ["unit_name_pinyin"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "unit_name_pinyin": place_name_pinyin(row["unit_name"])})
    return out.getvalue()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "seeds/units.csv")
    target.write_text(units_with_pinyin(target.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote unit_name_pinyin into {target}")
