"""Units of measure: recognising a unit and converting a value to its canonical unit.

The canonical unit of each base variable is the configuration's `base_variables.unit`; the
factors are its `unit_conversions` (from_unit, to_unit, factor: value_in_to = value_in_from *
factor), both read through `orchestration.config.configuration`.
A pair is also usable backwards (1 / factor) and pairs chain (万个 → 个 → 家), so the seed lists
each unit once against one other; two chains that give different factors are a seed error.
Arithmetic is in Decimal, so `1.2 亿元` becomes exactly `12000 万元`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from math import isfinite

import polars as pl

from orchestration.ingest.text import squeeze

PERCENT = "%"


@lru_cache(maxsize=4096)
def normalise_unit(text: str) -> str:
    """A unit as compared: NFKC, no spaces, no surrounding brackets, no `单位:` prefix."""
    unit = squeeze(text)
    enclosed = re.fullmatch(r"[\(\[【](.*)[\)\]】]", unit)
    if enclosed:
        unit = enclosed.group(1)
    unit = re.sub(r"^(?:计量)?单位[:]?", "", unit)
    return unit


def _forms(unit: str) -> list[str]:
    """The unit, and the unit without a trailing remark: `万元(现价)` → `万元`."""
    normal = normalise_unit(unit)
    bare = re.sub(r"[\(\[【][^()\[\]【】]*[\)\]】]$", "", normal)
    return [normal, bare] if bare and bare != normal else [normal]


class UnitConverter:
    """Factors between units, from the configuration's `unit_conversions`."""

    def __init__(self, factors: dict[tuple[str, str], Decimal], canonical_units: set[str]):
        self._factors = _closure(factors)
        self._known = {normalise_unit(u) for u in canonical_units} | {PERCENT}
        for source, target in factors:
            self._known.update((source, target))

    @classmethod
    def from_table(cls, conversions: pl.DataFrame, canonical_units: set[str]) -> UnitConverter:
        """From the configuration's `unit_conversions` (from_unit, to_unit, factor); raises
        ValueError naming the row of a bad or contradictory conversion.

        The factor is typed as a double; its shortest decimal text (`repr`) is the text of the
        configuration file for any factor of up to 15 significant digits, so the arithmetic
        stays exact in Decimal."""
        factors: dict[tuple[str, str], Decimal] = {}
        for line, row in enumerate(conversions.iter_rows(named=True), start=2):
            source = normalise_unit(row["from_unit"] or "")
            target = normalise_unit(row["to_unit"] or "")
            number = row["factor"]
            factor = Decimal(repr(number)) if number is not None and isfinite(number) else None
            if not source or not target or factor is None or factor <= 0:
                raise ValueError(f"unit_conversions.csv line {line}: bad conversion row {row}")
            if factors.get((source, target), factor) != factor:
                raise ValueError(
                    f"unit_conversions.csv line {line}: second factor for {source}->{target}"
                )
            factors[(source, target)] = factor
        return cls(factors, canonical_units)

    def is_known(self, unit: str) -> bool:
        """Whether the unit appears in the conversion table or is a canonical unit."""
        return any(form in self._known for form in _forms(unit))

    def factor(self, found_unit: str, canonical_unit: str) -> Decimal | None:
        """The factor from `found_unit` to `canonical_unit`: 1 if the same, None if unknown."""
        target = normalise_unit(canonical_unit)
        for source in _forms(found_unit):
            if source == target:
                return Decimal(1)
            if (source, target) in self._factors:
                return self._factors[(source, target)]
        return None


def _closure(factors: dict[tuple[str, str], Decimal]) -> dict[tuple[str, str], Decimal]:
    """Every factor reachable through the pairs, both ways; ValueError on a contradiction."""
    edges: dict[str, dict[str, Decimal]] = {}
    for (source, target), factor in factors.items():
        edges.setdefault(source, {})[target] = factor
        edges.setdefault(target, {})[source] = Decimal(1) / factor
    closed: dict[tuple[str, str], Decimal] = {}
    for start in edges:
        reached = {start: Decimal(1)}
        queue = [start]
        while queue:
            unit = queue.pop()
            for nxt, factor in edges[unit].items():
                value = reached[unit] * factor
                if nxt not in reached:
                    reached[nxt] = value
                    queue.append(nxt)
                elif abs(reached[nxt] - value) > reached[nxt].copy_abs() * Decimal("1e-20"):
                    raise ValueError(
                        f"unit_conversions.csv: {start}->{nxt} is {reached[nxt]} by one chain "
                        f"and {value} by another"
                    )
        closed.update(((start, unit), f) for unit, f in reached.items() if unit != start)
    return closed
