"""The base variables and the names people give them in headers and in the 指标名称 column.

An alias is matched on `text.match_key` (NFKC, no whitespace, case-folded), so full-width and
ASCII parentheses, `R＆D` and `R&D`, and stray spaces do not matter. A header may carry a unit:
`地方财政科技支出(万元)`, `地方财政科技支出（亿元）`, `地方财政科技支出(单位:万元)`,
`地方财政科技支出/万元` or `地方财政科技支出万元`; `match` returns the unit announced there.

Aliases come from the configuration's `variable_aliases` (variable_code, alias) plus each
variable's code and Chinese name from its `base_variables` (`orchestration.config`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from orchestration.ingest.conversion import UnitConverter, normalise_unit
from orchestration.ingest.text import match_key, nfkc

_BRACKETED_UNIT = re.compile(r"^(?P<name>.+?)[\(\[【](?P<unit>[^()\[\]【】]*)[\)\]】]$")
_SLASHED_UNIT = re.compile(r"^(?P<name>.+?)/(?P<unit>[^/]+)$")


@dataclass(frozen=True)
class Variable:
    """A base variable: its code, Chinese name, canonical unit and who reports it."""

    code: str
    name_zh: str
    unit: str
    reported_by: str  # county | expert_panel


@dataclass(frozen=True)
class HeaderMatch:
    """A header or name text recognised as a variable, with the unit it announces (if any)."""

    variable: Variable
    announced_unit: str | None


class VariableCatalog:
    """Looks up base variables by code, Chinese name or alias."""

    def __init__(
        self, variables: list[Variable], aliases: dict[str, str], converter: UnitConverter
    ):
        self.variables: dict[str, Variable] = {v.code: v for v in variables}
        self._by_key: dict[str, str] = {}
        for variable in variables:
            self._add(variable.code, variable.code, "base_variables.csv")
            self._add(variable.name_zh, variable.code, "base_variables.csv")
        for alias, code in aliases.items():
            self._add(alias, code, "variable_aliases.csv")
        self._converter = converter

    def _add(self, alias: str, code: str, source: str) -> None:
        if code not in self.variables:
            raise ValueError(f"{source}: alias {alias!r} names unknown variable {code!r}")
        key = match_key(alias)
        if self._by_key.setdefault(key, code) != code:
            raise ValueError(
                f"{source}: alias {alias!r} names both {self._by_key[key]!r} and {code!r}"
            )

    @classmethod
    def from_tables(
        cls, base_variables: pl.DataFrame, variable_aliases: pl.DataFrame, converter: UnitConverter
    ) -> VariableCatalog:
        """From the configuration's `base_variables` and `variable_aliases` (may be empty)."""
        variables = [
            Variable(r["variable_code"], r["name_zh"], r["unit"], r["reported_by"])
            for r in base_variables.iter_rows(named=True)
        ]
        aliases = {r["alias"]: r["variable_code"] for r in variable_aliases.iter_rows(named=True)}
        return cls(variables, aliases, converter)

    @property
    def converter(self) -> UnitConverter:
        """The unit converter the catalog recognises units in headers with."""
        return self._converter

    def by_reporter(self, reported_by: str) -> list[Variable]:
        """The variables reported by `county` or `expert_panel`, in seed order."""
        return [v for v in self.variables.values() if v.reported_by == reported_by]

    def lookup(self, text: str) -> Variable | None:
        """The variable whose code, name or alias is exactly `text` (after normalisation)."""
        code = self._by_key.get(match_key(text))
        return self.variables[code] if code else None

    def match(self, text: str) -> HeaderMatch | None:
        """Recognise a header such as `地方财政科技支出（亿元）`: variable and announced unit."""
        if not text or not text.strip():
            return None
        exact = self.lookup(text)
        if exact is not None:
            return HeaderMatch(exact, None)
        compact = re.sub(r"\s+", "", nfkc(text))
        for pattern in (_BRACKETED_UNIT, _SLASHED_UNIT):
            found = pattern.fullmatch(compact)
            if found:
                variable = self.lookup(found.group("name"))
                if variable is not None:
                    return HeaderMatch(variable, normalise_unit(found.group("unit")) or None)
        # a unit glued to the name without brackets: `地方财政科技支出万元`
        for length in range(min(6, len(compact) - 1), 0, -1):
            unit = compact[-length:]
            if self._converter.is_known(unit):
                variable = self.lookup(compact[:-length])
                if variable is not None:
                    return HeaderMatch(variable, normalise_unit(unit))
        return None
