"""The names and codes people write for a county-level unit, as compared.

Whitespace anywhere in a name or code is ignored; `河北省` and a city prefix (`邢台市桥西区`) are
split off, the city then narrowing the match; `正定县科学技术局` is 正定县 (填报单位 often names
the reporting office); a name without its 县/市/区 suffix (正定) is the same name, a different
suffix (南和县, 南和区) is not.
"""

from __future__ import annotations

import re

from orchestration.ingest.text import squeeze

_OFFICE = re.compile(
    r"(?:科学技术|科技|科技和工业信息化|工业和信息化|统计|发展和改革|财政)?"
    r"(?:局|委员会|委|人民政府|政府|办公室|办|中心)$"
)
_NAME_SUFFIXES = (
    "满族蒙古族自治县",
    "满族自治县",
    "回族自治县",
    "自治县",
    "矿区",
    "县",
    "市",
    "区",
)


def normalise_code(text: str) -> str | None:
    """A 6-digit code from `130104`, `130104.0`, `１３０１０４`, `130104000000`; '' if blank."""
    code = squeeze(text)
    code = re.sub(r"\.0+$", "", code)
    if re.fullmatch(r"\d{12}", code) and code.endswith("000000"):
        code = code[:6]
    if code == "":
        return ""
    return code if re.fullmatch(r"\d{6}", code) else None


def same_name(given: str, official: str) -> bool:
    """Equal, or the official name without its 县/市/区 (自治县, 矿区…) suffix: 正定 ~ 正定县.

    A different suffix is a different name (南和县 is not 南和区: that is a division change).
    """
    return given == official or (given != "" and given == core_name(official) != official)


def core_name(name: str) -> str:
    """A unit's name without its 县/市/区 (自治县, 矿区…) suffix."""
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class UnitNames:
    """Every name a unit was ever known by (with the codes it named) and the prefecture cities."""

    def __init__(self, names: dict[str, set[str]], cities: dict[str, str]):
        self.names = names  # name → codes it ever named
        self.cities = cities  # group_code → group_name

    def codes_named(self, name: str) -> set[str]:
        """The codes a name ever named (empty for an unknown name)."""
        return self.names.get(name, set())

    def city_code_in(self, text: str) -> str | None:
        """The one prefecture city whose full name (`邢台市`) appears in the text, else None."""
        compact = squeeze(text)
        found = {code for code, name in self.cities.items() if name in compact}
        return found.pop() if len(found) == 1 else None

    def split_name(self, text: str) -> tuple[str | None, str]:
        """Split `河北省邢台市桥西区` into (city code '1305', '桥西区'); no city → (None, name).

        A city prefix is only split off when what remains is a known unit name, so 承德县 stays
        承德县 (not city 承德 + '县').
        """
        name = squeeze(text)
        name = re.sub(r"^河北省?", "", name) if name not in self.names else name
        name = self._strip_office(name)
        return self._split_city(name)

    def _split_city(self, name: str) -> tuple[str | None, str]:
        for code, city in self.cities.items():
            for prefix in (city, city.removesuffix("市")):
                rest = name[len(prefix) :]
                if name.startswith(prefix) and rest and rest in self.names:
                    return code, rest
        return None, name

    def _strip_office(self, name: str) -> str:
        """`正定县科学技术局` → `正定县`: 填报单位 often names the reporting office."""
        if name in self.names or not _OFFICE.search(name):
            return name
        for length in range(len(name) - 1, 1, -1):
            head, rest = name[:length], name[length:]
            if _OFFICE.fullmatch(rest) and (
                head in self.names or self._split_city(head)[0] is not None
            ):
                return head
        return name
