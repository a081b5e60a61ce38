"""The county-level units over the years and their division changes: which unit a code is in a
data year, and where following the changes from a code leads.

- units valid in data year Y are the rows of the configuration's `units` with
  valid_from_data_year empty or <= Y and valid_to_data_year empty or >= Y;
- an old code is followed through its `unit_changes` to the unit valid in Y (滦县 130223 →
  130284 滦州市), and a new one back to its predecessor for the years before the change
  (任泽区 130505 in data year 2019 → 130526 任县);
- a unit abolished and merged into another (邢台县 from 2020) leads to a dead end naming the
  change: its figures cannot simply be added to another county's.
"""

from __future__ import annotations

from dataclasses import dataclass

_ONE_TO_ONE_CHANGES = {"rename", "county_to_city", "county_to_district"}


@dataclass(frozen=True)
class Unit:
    """One row of the configuration's units: a unit under one name for a span of data years."""

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
    """One row of the configuration's unit_changes."""

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
class Trace:
    """Where following the changes from a code led: a unit valid in the year, or a dead end."""

    code: str | None
    direction: str | None = None  # forward | backward | None (valid as it is)
    via: tuple[Change, ...] = ()
    abolished: Change | None = None


class UnitHistory:
    """The units and their changes, looked up by code and data year."""

    def __init__(self, units: list[Unit], changes: list[Change]):
        self.units = units
        self.changes = changes
        self.by_code: dict[str, list[Unit]] = {}
        for unit in units:
            self.by_code.setdefault(unit.code, []).append(unit)

    def valid_unit(self, code: str, data_year: int) -> Unit | None:
        """The unit with this code valid in the data year, if any."""
        return next((u for u in self.by_code.get(code, []) if u.valid_in(data_year)), None)

    def valid_units(self, data_year: int) -> list[Unit]:
        """All units valid in the data year."""
        return [u for u in self.units if u.valid_in(data_year)]

    def follow(self, code: str, data_year: int) -> Trace:
        """Follow the changes from a code to the code valid in the data year."""
        if self.valid_unit(code, data_year) is not None:
            return Trace(code)
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
                        return Trace(None, direction, (*path, step), abolished=step)
                    break
                path.append(step)
                current = step.new_code if direction == "forward" else step.old_code
                if current in seen and direction == "backward":
                    break
                seen.add(current)
                if self.valid_unit(current, data_year) is not None:
                    return Trace(current, direction, tuple(path))
        return Trace(None)

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
