"""Which county-level unit a submission (or a row of one) is about.

A unit is resolved by its 行政区划代码, else by (city, name), for one data year:

- units valid in data year Y are the rows of `seeds/units.csv` with valid_from_data_year empty or
  <= Y and valid_to_data_year empty or >= Y;
- an old code or name is followed through `seeds/unit_changes.csv` to the unit valid in Y
  (滦县 / 130223 → 130284 滦州市; 任县 → 130505 任泽区 from 2020), and a new one back to its
  predecessor for the years before the change (任泽区 in data year 2019 → 130526 任县); either
  is a warning, so that the office can be told;
- a unit abolished and merged into another (邢台县 from 2020) is an error naming the successor:
  its figures cannot simply be added to another county's;
- names are not unique (桥西区, 新华区, 桥东区): a name that matches several units without a
  code or city to decide is an error naming the candidates; a name is never resolved by a guess.

Whitespace anywhere in a name or code is ignored; `河北省` and a city prefix (`邢台市桥西区`)
are split off, the city then narrowing the match.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.ingest.problems import ERROR, INFO, WARNING
from orchestration.ingest.text import squeeze

_OFFICE = re.compile(
    r"(?:科学技术|科技|科技和工业信息化|工业和信息化|统计|发展和改革|财政)?"
    r"(?:局|委员会|委|人民政府|政府|办公室|办|中心)$"
)
_ONE_TO_ONE_CHANGES = {"rename", "county_to_city", "county_to_district"}
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


@dataclass(frozen=True)
class Unit:
    """One row of seeds/units.csv: a unit under one name for a span of data years."""

    code: str
    name: str
    group_code: str
    group_name: str
    valid_from: int | None
    valid_to: int | None

    def valid_in(self, data_year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= data_year) and (
            self.valid_to is None or self.valid_to >= data_year
        )

    @property
    def label(self) -> str:
        return f"{self.code} {self.name} ({self.group_name})"


@dataclass(frozen=True)
class Change:
    """One row of seeds/unit_changes.csv."""

    change_id: str
    effective_by: str
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    change_type: str

    @property
    def label(self) -> str:
        return (
            f"{self.old_code} {self.old_name} → {self.new_code} {self.new_name} "
            f"({self.change_type}, effective by {self.effective_by})"
        )


@dataclass(frozen=True)
class IdentityIssue:
    """Something to tell about the resolution: a problem code, severity and explanation.

    `severity` says whether the issue is a failure to resolve (error) or a note about a
    resolution that succeeded; it decides which notes are kept. The severity reported in
    `raw.ingest_problems` is the configured one of the code (`severity.problem_severities`).
    """

    problem_code: str
    severity: str
    message: str


@dataclass(frozen=True)
class Resolution:
    """The unit found (None when unresolved) and what to tell about it."""

    unit: Unit | None
    issues: tuple[IdentityIssue, ...] = field(default_factory=tuple)

    @property
    def unit_code(self) -> str | None:
        return self.unit.code if self.unit else None


@dataclass(frozen=True)
class _Trace:
    """Where following the changes from a code led: a unit valid in the year, or a dead end."""

    code: str | None
    direction: str | None = None  # forward | backward | None (valid as it is)
    via: tuple[Change, ...] = ()
    abolished: Change | None = None


def normalise_code(text: str) -> str | None:
    """A 6-digit code from `130104`, `130104.0`, `１３０１０４`, `130104000000`; '' if blank."""
    code = squeeze(text)
    code = re.sub(r"\.0+$", "", code)
    if re.fullmatch(r"\d{12}", code) and code.endswith("000000"):
        code = code[:6]
    if code == "":
        return ""
    return code if re.fullmatch(r"\d{6}", code) else None


class UnitRegistry:
    """The county-level units of the province over the years, and how they changed."""

    def __init__(self, units: list[Unit], changes: list[Change]):
        self.units = units
        self.changes = changes
        self._by_code: dict[str, list[Unit]] = {}
        self._names: dict[str, set[str]] = {}  # name → codes it ever named
        self.cities: dict[str, str] = {}  # group_code → group_name
        for unit in units:
            self._by_code.setdefault(unit.code, []).append(unit)
            self._names.setdefault(unit.name, set()).add(unit.code)
            self.cities[unit.group_code] = unit.group_name
        for change in changes:
            self._names.setdefault(change.old_name, set()).add(change.old_code)
            self._names.setdefault(change.new_name, set()).add(change.new_code)

    @classmethod
    def from_seeds(cls, seeds_dir: Path) -> UnitRegistry:
        """Load seeds/units.csv and seeds/unit_changes.csv."""

        def year(text: str) -> int | None:
            return int(text) if text.strip() else None

        with (seeds_dir / "units.csv").open(encoding="utf-8-sig", newline="") as handle:
            units = [
                Unit(
                    r["unit_code"].strip(),
                    squeeze(r["unit_name"]),
                    r["group_code"].strip(),
                    squeeze(r["group_name"]),
                    year(r["valid_from_data_year"]),
                    year(r["valid_to_data_year"]),
                )
                for r in csv.DictReader(handle)
            ]
        with (seeds_dir / "unit_changes.csv").open(encoding="utf-8-sig", newline="") as handle:
            changes = [
                Change(
                    r["change_id"],
                    r["effective_by"],
                    r["old_code"].strip(),
                    squeeze(r["old_name"]),
                    r["new_code"].strip(),
                    squeeze(r["new_name"]),
                    r["change_type"].strip(),
                )
                for r in csv.DictReader(handle)
            ]
        return cls(units, changes)

    # -- lookups --------------------------------------------------------------------------

    def valid_unit(self, code: str, data_year: int) -> Unit | None:
        """The unit with this code valid in the data year, if any."""
        return next((u for u in self._by_code.get(code, []) if u.valid_in(data_year)), None)

    def valid_units(self, data_year: int) -> list[Unit]:
        """All units valid in the data year."""
        return [u for u in self.units if u.valid_in(data_year)]

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
        name = re.sub(r"^河北省?", "", name) if name not in self._names else name
        name = self._strip_office(name)
        return self._split_city(name)

    def _split_city(self, name: str) -> tuple[str | None, str]:
        for code, city in self.cities.items():
            for prefix in (city, city.removesuffix("市")):
                rest = name[len(prefix) :]
                if name.startswith(prefix) and rest and rest in self._names:
                    return code, rest
        return None, name

    def _strip_office(self, name: str) -> str:
        """`正定县科学技术局` → `正定县`: 填报单位 often names the reporting office."""
        if name in self._names or not _OFFICE.search(name):
            return name
        for length in range(len(name) - 1, 1, -1):
            head, rest = name[:length], name[length:]
            if _OFFICE.fullmatch(rest) and (
                head in self._names or self._split_city(head)[0] is not None
            ):
                return head
        return name

    # -- resolution -----------------------------------------------------------------------

    def resolve(
        self, code_text: str, name_text: str, data_year: int, city_code: str | None = None
    ) -> Resolution:
        """Resolve a unit by code, else by (city, name), for a data year (see module doc)."""
        code = normalise_code(code_text)
        name_city, name = self.split_name(name_text)
        city = name_city or city_code
        issues: list[IdentityIssue] = []
        if code is None:
            issues.append(
                IdentityIssue(
                    "invalid_unit_code",
                    WARNING,
                    f"行政区划代码 '{code_text.strip()}' is not a 6-digit code; "
                    "the unit was looked up by its name instead",
                )
            )
        if code:
            by_code = self._resolve_code(code, data_year, issues)
            if by_code is not None:
                if name:
                    self._check_name(by_code, name, data_year, issues)
                return Resolution(by_code, tuple(issues))
            if issues and issues[-1].problem_code == "abolished_unit":
                return Resolution(None, tuple(issues))
            if not name:
                issues.append(self._unknown_code_issue(code, data_year))
                return Resolution(None, tuple(issues))
        if not name:
            issues.append(
                IdentityIssue(
                    "unknown_unit",
                    ERROR,
                    "neither a 行政区划代码 nor a county name was given; expected the county's "
                    "6-digit code or its name",
                )
            )
            return Resolution(None, tuple(issues))
        by_name = self._resolve_name(name, data_year, city, issues)
        if code and by_name is not None:
            issues.append(
                IdentityIssue(
                    "unknown_unit_code",
                    WARNING,
                    f"行政区划代码 {code} is not a county-level unit of Hebei in data year "
                    f"{data_year}; resolved by the name {name} to {by_name.label}",
                )
            )
        elif code:
            issues.append(self._unknown_code_issue(code, data_year))
        return Resolution(by_name, tuple(issues))

    def _unknown_code_issue(self, code: str, data_year: int) -> IdentityIssue:
        if code in self._by_code:
            spans = ", ".join(
                f"{u.name} {u.valid_from or '…'}–{u.valid_to or '…'}" for u in self._by_code[code]
            )
            return IdentityIssue(
                "unit_not_valid_in_year",
                ERROR,
                f"行政区划代码 {code} ({spans}) is not valid in data year {data_year}; "
                "expected the code of a unit existing in that year",
            )
        kind = (
            "an economic or development zone, not a county-level unit"
            if code.startswith("13") and code[4] == "7"
            else "not a county-level unit of Hebei"
        )
        return IdentityIssue(
            "unknown_unit",
            ERROR,
            f"行政区划代码 {code} is {kind}; expected the code of one of the province's "
            "county-level units (seeds/units.csv)",
        )

    def _resolve_code(self, code: str, data_year: int, issues: list[IdentityIssue]) -> Unit | None:
        trace = self._follow(code, data_year)
        if trace.abolished is not None:
            issues.append(self._abolished_issue(trace.abolished, data_year))
            return None
        if trace.code is None:
            return None
        unit = self.valid_unit(trace.code, data_year)
        if trace.via:
            kind = "old_unit_code" if trace.direction == "forward" else "new_unit_code"
            issues.append(
                IdentityIssue(
                    kind,
                    WARNING,
                    f"行政区划代码 {code} is not in use in data year {data_year}; following "
                    f"{'; '.join(c.label for c in trace.via)} it is {unit.label if unit else '?'}; "
                    f"expected {trace.code}",
                )
            )
        return unit

    def _check_name(
        self, unit: Unit, name: str, data_year: int, issues: list[IdentityIssue]
    ) -> None:
        if _same_name(name, unit.name):
            return
        scratch: list[IdentityIssue] = []
        by_name = self._resolve_name(name, data_year, unit.group_code, scratch)
        if by_name is not None and by_name.code == unit.code:
            if not any(i.problem_code in {"old_unit_code", "new_unit_code"} for i in issues):
                issues.extend(i for i in scratch if i.severity != ERROR)
            return
        issues.append(
            IdentityIssue(
                "code_name_mismatch",
                ERROR,
                f"行政区划代码 {unit.code} is {unit.label} in data year {data_year} but the name "
                f"given is {name}"
                + (f" (which is {by_name.label})" if by_name is not None else "")
                + "; the code was used — expected the code and the name of the same unit",
            )
        )

    def _resolve_name(
        self, name: str, data_year: int, city: str | None, issues: list[IdentityIssue]
    ) -> Unit | None:
        valid = [u for u in self.valid_units(data_year) if city is None or u.group_code == city]
        where = f" in {self.cities[city]}" if city in self.cities else ""
        direct = [u for u in valid if u.name == name]
        if len(direct) == 1:
            return direct[0]
        if len(direct) > 1:
            issues.append(_ambiguous(name, direct, data_year))
            return None
        traced: dict[str, _Trace] = {}
        abolished: list[Change] = []
        for code in sorted(self._names.get(name, set())):
            if city is not None and code[:4] != city:
                continue
            trace = self._follow(code, data_year)
            if trace.abolished is not None:
                abolished.append(trace.abolished)
            elif trace.code is not None:
                traced.setdefault(trace.code, trace)
        if len(traced) == 1:
            code, trace = next(iter(traced.items()))
            unit = self.valid_unit(code, data_year)
            assert unit is not None
            old = self._is_former_name(name, trace, data_year)
            issues.append(
                IdentityIssue(
                    "old_unit_name" if old else "new_unit_name",
                    WARNING,
                    f"{name} is {'a former' if old else 'a later'} name"
                    f"{where}; in data year {data_year} the unit is {unit.label}"
                    + (f" ({'; '.join(c.label for c in trace.via)})" if trace.via else ""),
                )
            )
            return unit
        if len(traced) > 1:
            units = [u for c in traced if (u := self.valid_unit(c, data_year)) is not None]
            issues.append(_ambiguous(name, units, data_year))
            return None
        if abolished:
            issues.append(self._abolished_issue(abolished[0], data_year))
            return None
        short = [u for u in valid if _same_name(name, u.name)]
        if len(short) == 1:
            issues.append(
                IdentityIssue(
                    "short_unit_name",
                    INFO,
                    f"{name} taken as {short[0].label} (name without its 县/市/区 suffix)",
                )
            )
            return short[0]
        if len(short) > 1:
            issues.append(_ambiguous(name, short, data_year))
            return None
        issues.append(
            IdentityIssue(
                "unknown_unit",
                ERROR,
                f"{name}{where} is not a county-level unit of Hebei in data year {data_year}; "
                "expected the name of one of the province's county-level units "
                "(seeds/units.csv) or its 行政区划代码",
            )
        )
        return None

    def _is_former_name(self, name: str, trace: _Trace, data_year: int) -> bool:
        """Whether a name that led to a unit is an earlier (not a later) name of it."""
        if trace.direction is not None:
            return trace.direction == "forward"
        spans = [u for u in self._by_code.get(trace.code or "", []) if u.name == name]
        return not any(u.valid_from is not None and u.valid_from > data_year for u in spans)

    def _follow(self, code: str, data_year: int) -> _Trace:
        """Follow unit_changes from a code to the code valid in the data year."""
        if self.valid_unit(code, data_year) is not None:
            return _Trace(code)
        for direction in ("forward", "backward"):
            seen = {code}
            path: list[Change] = []
            current = code
            while True:
                step = self._step(current, direction)
                if step is None or step.new_code in seen and direction == "forward":
                    break
                if direction == "forward" and step.change_type not in _ONE_TO_ONE_CHANGES:
                    if self.valid_unit(step.new_code, data_year) is not None:
                        return _Trace(None, direction, (*path, step), abolished=step)
                    break
                path.append(step)
                current = step.new_code if direction == "forward" else step.old_code
                if current in seen and direction == "backward":
                    break
                seen.add(current)
                if self.valid_unit(current, data_year) is not None:
                    return _Trace(current, direction, tuple(path))
        return _Trace(None)

    def _step(self, code: str, direction: str) -> Change | None:
        for change in self.changes:
            if change.old_code == change.new_code:
                continue
            if direction == "forward" and change.old_code == code:
                return change
            if (
                direction == "backward"
                and change.new_code == code
                and change.change_type in _ONE_TO_ONE_CHANGES
            ):
                return change
        return None

    def _abolished_issue(self, change: Change, data_year: int) -> IdentityIssue:
        return IdentityIssue(
            "abolished_unit",
            ERROR,
            f"{change.old_code} {change.old_name} no longer exists in data year {data_year}: "
            f"{change.label}; its figures cannot be assigned to {change.new_code} "
            f"{change.new_name} automatically — expected a submission for the successor unit",
        )


def _ambiguous(name: str, units: list[Unit], data_year: int) -> IdentityIssue:
    return IdentityIssue(
        "ambiguous_unit",
        ERROR,
        f"the name {name} matches {len(units)} units in data year {data_year}: "
        f"{', '.join(u.label for u in units)}; expected a 行政区划代码 or the city to tell "
        "them apart",
    )


def _same_name(given: str, official: str) -> bool:
    """Equal, or the official name without its 县/市/区 (自治县, 矿区…) suffix: 正定 ~ 正定县.

    A different suffix is a different name (南和县 is not 南和区: that is a division change).
    """
    return given == official or (given != "" and given == _core(official) != official)


def _core(name: str) -> str:
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
