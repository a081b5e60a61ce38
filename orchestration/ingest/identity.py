"""Which county-level unit a submission (or a row of one) is about.

A unit is resolved by its 行政区划代码, else by (city, name), for one data year:

- the units valid in the year and the division changes are the configuration's (see
  `unit_history`): an old code or name is followed to the unit valid in the year (滦县 / 130223
  → 130284 滦州市; 任县 → 130505 任泽区 from 2020), and a new one back to its predecessor for
  the years before the change (任泽区 in data year 2019 → 130526 任县); either is a warning, so
  that the office can be told;
- a unit abolished and merged into another (邢台县 from 2020) is an error naming the successor:
  its figures cannot simply be added to another county's;
- names are not unique (桥西区, 新华区, 桥东区): a name that matches several units without a
  code or city to decide is an error naming the candidates; a name is never resolved by a guess.

How names and codes are written and compared (whitespace, `河北省` and city prefixes, office
names, suffixes) is `unit_names`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from orchestration.ingest.problems import ERROR, INFO, WARNING
from orchestration.ingest.text import squeeze
from orchestration.ingest.unit_history import Change, Trace, Unit, UnitHistory
from orchestration.ingest.unit_names import UnitNames, normalise_code, same_name

__all__ = [
    "Change",
    "IdentityIssue",
    "Resolution",
    "Unit",
    "UnitRegistry",
    "normalise_code",
]


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


class UnitRegistry:
    """The county-level units of the province over the years, how they changed, the names they
    were known by; resolves what a submission says to one unit."""

    def __init__(self, units: list[Unit], changes: list[Change]):
        self.history = UnitHistory(units, changes)
        names: dict[str, set[str]] = {}  # name → codes it ever named
        cities: dict[str, str] = {}  # group_code → group_name
        for unit in units:
            names.setdefault(unit.name, set()).add(unit.code)
            cities[unit.group_code] = unit.group_name
        for change in changes:
            names.setdefault(change.old_name, set()).add(change.old_code)
            names.setdefault(change.new_name, set()).add(change.new_code)
        self.names = UnitNames(names, cities)

    @classmethod
    def from_tables(cls, units: pl.DataFrame, unit_changes: pl.DataFrame) -> UnitRegistry:
        """From the configuration's `units` and `unit_changes` tables."""
        return cls(
            [
                Unit(
                    r["unit_code"].strip(),
                    squeeze(r["unit_name"]),
                    r["group_code"].strip(),
                    squeeze(r["group_name"]),
                    r["valid_from_data_year"],
                    r["valid_to_data_year"],
                )
                for r in units.iter_rows(named=True)
            ],
            [
                Change(
                    str(r["change_id"]),
                    str(r["effective_by"]),
                    r["old_code"].strip(),
                    squeeze(r["old_name"]),
                    r["new_code"].strip(),
                    squeeze(r["new_name"]),
                    r["change_type"].strip(),
                )
                for r in unit_changes.iter_rows(named=True)
            ],
        )

    # -- lookups --------------------------------------------------------------------------

    @property
    def cities(self) -> dict[str, str]:
        """group_code → group_name of the prefecture cities."""
        return self.names.cities

    def valid_unit(self, code: str, data_year: int) -> Unit | None:
        """The unit with this code valid in the data year, if any."""
        return self.history.valid_unit(code, data_year)

    def valid_units(self, data_year: int) -> list[Unit]:
        """All units valid in the data year."""
        return self.history.valid_units(data_year)

    def city_code_in(self, text: str) -> str | None:
        """The one prefecture city whose full name (`邢台市`) appears in the text, else None."""
        return self.names.city_code_in(text)

    def split_name(self, text: str) -> tuple[str | None, str]:
        """Split `河北省邢台市桥西区` into (city code '1305', '桥西区'); no city → (None, name)."""
        return self.names.split_name(text)

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
                issues.append(_unknown_code_issue(self.history, code, data_year))
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
            issues.append(_unknown_code_issue(self.history, code, data_year))
        return Resolution(by_name, tuple(issues))

    def _resolve_code(self, code: str, data_year: int, issues: list[IdentityIssue]) -> Unit | None:
        trace = self.history.follow(code, data_year)
        if trace.abolished is not None:
            issues.append(_abolished_issue(trace.abolished, data_year))
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
        if same_name(name, unit.name):
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
        """By the unit's name in the year, else a former or later name, else the name without
        its suffix; an issue for each of these and for a name that matches several units."""
        valid = [u for u in self.valid_units(data_year) if city is None or u.group_code == city]
        direct = [u for u in valid if u.name == name]
        if len(direct) == 1:
            return direct[0]
        if len(direct) > 1:
            issues.append(_ambiguous(name, direct, data_year))
            return None
        decided, unit = self._resolve_other_name(name, data_year, city, issues)
        if decided:
            return unit
        return self._resolve_short_name(name, valid, data_year, city, issues)

    def _where(self, city: str | None) -> str:
        return f" in {self.cities[city]}" if city in self.cities else ""

    def _resolve_other_name(
        self, name: str, data_year: int, city: str | None, issues: list[IdentityIssue]
    ) -> tuple[bool, Unit | None]:
        """A name the unit bore before or after the year, followed through the division
        changes: (whether the name decided, the unit it leads to)."""
        traced: dict[str, Trace] = {}
        abolished: list[Change] = []
        for code in sorted(self.names.codes_named(name)):
            if city is not None and code[:4] != city:
                continue
            trace = self.history.follow(code, data_year)
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
                    f"{self._where(city)}; in data year {data_year} the unit is {unit.label}"
                    + (f" ({'; '.join(c.label for c in trace.via)})" if trace.via else ""),
                )
            )
            return True, unit
        if len(traced) > 1:
            units = [u for c in traced if (u := self.valid_unit(c, data_year)) is not None]
            issues.append(_ambiguous(name, units, data_year))
            return True, None
        if abolished:
            issues.append(_abolished_issue(abolished[0], data_year))
            return True, None
        return False, None

    def _resolve_short_name(
        self,
        name: str,
        valid: list[Unit],
        data_year: int,
        city: str | None,
        issues: list[IdentityIssue],
    ) -> Unit | None:
        """The name without its 县/市/区 suffix (正定 for 正定县), else an unknown unit."""
        short = [u for u in valid if same_name(name, u.name)]
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
                f"{name}{self._where(city)} is not a county-level unit of Hebei in data year "
                f"{data_year}; expected the name of one of the province's county-level units "
                "(seeds/units.csv) or its 行政区划代码",
            )
        )
        return None

    def _is_former_name(self, name: str, trace: Trace, data_year: int) -> bool:
        """Whether a name that led to a unit is an earlier (not a later) name of it."""
        if trace.direction is not None:
            return trace.direction == "forward"
        spans = [u for u in self.history.by_code.get(trace.code or "", []) if u.name == name]
        return not any(u.valid_from is not None and u.valid_from > data_year for u in spans)


def _ambiguous(name: str, units: list[Unit], data_year: int) -> IdentityIssue:
    return IdentityIssue(
        "ambiguous_unit",
        ERROR,
        f"the name {name} matches {len(units)} units in data year {data_year}: "
        f"{', '.join(u.label for u in units)}; expected a 行政区划代码 or the city to tell "
        "them apart",
    )


def _unknown_code_issue(history: UnitHistory, code: str, data_year: int) -> IdentityIssue:
    """A code that is no unit in the year: one valid in other years, or none of the province's."""
    if code in history.by_code:
        spans = ", ".join(
            f"{u.name} {u.valid_from or '…'}–{u.valid_to or '…'}" for u in history.by_code[code]
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


def _abolished_issue(change: Change, data_year: int) -> IdentityIssue:
    """A unit abolished and merged into another: its figures are not the successor's."""
    return IdentityIssue(
        "abolished_unit",
        ERROR,
        f"{change.old_code} {change.old_name} no longer exists in data year {data_year}: "
        f"{change.label}; its figures cannot be assigned to {change.new_code} "
        f"{change.new_name} automatically — expected a submission for the successor unit",
    )
