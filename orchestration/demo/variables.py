"""The base variables of a data year, built backwards from each unit's target total.

Every indicator's raw value is a monotone function of one activity level `x` per unit
(a unit profile of strengths and weaknesses times `x`, capped at realistic maxima; counts
scale with the size of the local industry). `x` is solved by bisection so that the points add
up to the target total; the variables are then derived from the indicator values and the
structural denominators, rounded as a statistics office would, and the rounding residual is
pushed into continuous indicators until the pipeline's scoring (the uncertainty engine's
nominal run, `calibration.nominal_totals`) reproduces the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from orchestration.demo.calibration import indicator_values, nominal_totals
from orchestration.demo.seeds import Indicator, Seeds, Variable

# Raw value of a ratio indicator at activity 1 is this share of its upper goalpost.
BASE_LEVEL = 0.6
# Realistic maxima of ratio indicators, in the indicator's own unit (%, per 10,000 residents).
RATIO_CAPS: dict[str, float] = {
    "I2": 7.0,
    "I3": 5.5,
    "I4": 5.0,
    "E3": 92.0,
    "C3": 140.0,
    "O1": 45.0,
    "O3": 85.0,
    "O4": 60.0,
}
# How counts and turnover grow with the size of the local economy (elasticity).
SIZE_ELASTICITY = 0.6
# Expert scores approach full marks smoothly:
# fraction = 1 - (1 - EXPERT_FLOOR) * exp(-EXPERT_SLOPE * x * profile).
EXPERT_FLOOR = 0.25
EXPERT_SLOPE = 0.8
# Tolerance of the achieved total against the target (points).
TOTAL_TOLERANCE = 0.005
# Adjustable fractions stay inside this margin so that values remain interior.
ADJUST_MARGIN = 0.005
PROFILE_SD = 0.35
YEARLY_PROFILE_SD = 0.07

INTEGER_UNITS = frozenset({"家", "个", "件"})


@dataclass(frozen=True)
class IndicatorRoles:
    """How each indicator's numerator is produced (see module docstring)."""

    ratio: tuple[Indicator, ...]  # numerator = value * denominator / multiplier
    absolute: tuple[Indicator, ...]  # numerator = value / multiplier, grows with size
    derived: tuple[tuple[Indicator, Indicator], ...]  # (indicator, ratio that sets numerator)
    expert: tuple[Indicator, ...]  # an expert-panel score

    @property
    def free(self) -> tuple[Indicator, ...]:
        """Indicators that carry their own profile value (all but the derived ones)."""
        return self.ratio + self.absolute + self.expert


def indicator_roles(seeds: Seeds) -> IndicatorRoles:
    """Sort the indicators by how their numerators can be built from the structure."""
    expert_vars = {v.variable_code for v in seeds.expert_variables}
    ratio = tuple(i for i in seeds.indicators if i.denominator is not None)
    ratio_numerators = {i.numerator: i for i in ratio}
    absolute, derived, expert = [], [], []
    for ind in seeds.indicators:
        if ind.denominator is not None:
            continue
        if ind.numerator in expert_vars:
            expert.append(ind)
        elif ind.numerator in ratio_numerators:
            derived.append((ind, ratio_numerators[ind.numerator]))
        else:
            absolute.append(ind)
    return IndicatorRoles(ratio, tuple(absolute), tuple(derived), tuple(expert))


def decimals_of(variable: Variable) -> int:
    """Decimals a statistics office reports: counts whole, person-years 1, amounts 2."""
    if variable.unit in INTEGER_UNITS:
        return 0
    if variable.unit == "人年":
        return 1
    return 2


@dataclass(frozen=True)
class UnitInputs:
    """Everything `build_variables` needs for the units of one data year."""

    targets: np.ndarray
    structure: Mapping[str, np.ndarray]
    profile: Mapping[str, np.ndarray]  # indicator code -> multiplier around 1
    size: np.ndarray  # economic size relative to the province's base-year median
    expert_decimals: np.ndarray  # 1 or 2 per unit


def _raw_values(x: np.ndarray, inputs: UnitInputs, roles: IndicatorRoles) -> dict[str, np.ndarray]:
    """Indicator raw values at activity level `x` (vector over units)."""
    raw: dict[str, np.ndarray] = {}
    for ind in roles.ratio:
        scale = BASE_LEVEL * ind.upper * inputs.profile[ind.indicator_code]
        raw[ind.indicator_code] = np.minimum(RATIO_CAPS.get(ind.indicator_code, np.inf), x * scale)
    for ind in roles.absolute:
        scale = BASE_LEVEL * ind.upper * inputs.profile[ind.indicator_code] * inputs.size
        raw[ind.indicator_code] = x * scale
    for ind in roles.expert:
        fraction = 1.0 - (1.0 - EXPERT_FLOOR) * np.exp(
            -EXPERT_SLOPE * x * inputs.profile[ind.indicator_code]
        )
        raw[ind.indicator_code] = ind.lower + (ind.upper - ind.lower) * fraction
    return raw


def _variables_from_raw(
    raw: Mapping[str, np.ndarray], inputs: UnitInputs, roles: IndicatorRoles
) -> dict[str, np.ndarray]:
    """Unrounded base variables that reproduce the raw indicator values."""
    values = {k: np.asarray(v, dtype=float).copy() for k, v in inputs.structure.items()}
    for ind in roles.ratio:
        denominator = values[ind.denominator]  # type: ignore[index]
        values[ind.numerator] = raw[ind.indicator_code] * denominator / ind.multiplier
    for ind in roles.absolute + roles.expert:
        values[ind.numerator] = raw[ind.indicator_code] / ind.multiplier
    return values


def _rounded(
    values: Mapping[str, np.ndarray], seeds: Seeds, expert_decimals: np.ndarray
) -> dict[str, np.ndarray]:
    """Round every variable as it will be written; cap enterprises with R&D at enterprises."""
    result: dict[str, np.ndarray] = {}
    expert_codes = {v.variable_code for v in seeds.expert_variables}
    for var in seeds.variables:
        value = values[var.variable_code]
        if var.variable_code in expert_codes:
            result[var.variable_code] = np.where(
                expert_decimals == 1, np.round(value, 1), np.round(value, 2)
            )
        else:
            result[var.variable_code] = np.round(value, decimals_of(var))
    if "ind_ent_rd_count" in result and "ind_ent_count" in result:
        result["ind_ent_rd_count"] = np.minimum(result["ind_ent_rd_count"], result["ind_ent_count"])
    return result


def _total(values: Mapping[str, np.ndarray], seeds: Seeds) -> np.ndarray:
    """The total of each unit, as the pipeline's engine scores it."""
    return nominal_totals(values, seeds)


def solve_activity(inputs: UnitInputs, seeds: Seeds, roles: IndicatorRoles) -> np.ndarray:
    """The activity level of each unit whose unrounded variables score its target total."""
    low = np.zeros_like(inputs.targets)
    high = np.full_like(inputs.targets, 200.0)
    for _ in range(80):
        mid = (low + high) / 2
        total = _total(_variables_from_raw(_raw_values(mid, inputs, roles), inputs, roles), seeds)
        above = total > inputs.targets
        high = np.where(above, mid, high)
        low = np.where(above, low, mid)
    return (low + high) / 2


def _adjustable(roles: IndicatorRoles, seeds: Seeds) -> tuple[Indicator, ...]:
    """Indicators whose numerator is continuous and not shared: they absorb rounding residue."""
    decimals = {v.variable_code: decimals_of(v) for v in seeds.variables}
    shared = {d[1].indicator_code for d in roles.derived}
    return tuple(
        ind
        for ind in roles.ratio + roles.absolute
        if decimals[ind.numerator] >= 1 and ind.indicator_code not in shared
    )


def _push_residual(
    values: dict[str, np.ndarray],
    residual: np.ndarray,
    adjustable: tuple[Indicator, ...],
    seeds: Seeds,
) -> None:
    """Spread each unit's missing points over its interior adjustable indicators, in place."""
    decimals = {v.variable_code: decimals_of(v) for v in seeds.variables}
    current = indicator_values(values, seeds.indicators)
    fractions = {
        ind.indicator_code: (current[ind.indicator_code] - ind.lower) / (ind.upper - ind.lower)
        for ind in adjustable
    }
    rooms_up, rooms_down = [], []
    for ind in adjustable:
        fraction = fractions[ind.indicator_code]
        interior = (fraction > ADJUST_MARGIN) & (fraction < 1 - ADJUST_MARGIN)
        rooms_up.append(np.where(interior, ind.points * (1 - ADJUST_MARGIN - fraction), 0.0))
        rooms_down.append(np.where(interior, ind.points * (fraction - ADJUST_MARGIN), 0.0))
    up, down = np.vstack(rooms_up), np.vstack(rooms_down)
    room = np.where(residual > 0, up.sum(axis=0), down.sum(axis=0))
    share = np.where(residual > 0, up, down) / np.where(room > 0, room, 1.0)
    for k, ind in enumerate(adjustable):
        fraction = fractions[ind.indicator_code] + residual * share[k] / ind.points
        indicator_value = ind.lower + fraction * (ind.upper - ind.lower)
        if ind.denominator is None:
            numerator = indicator_value / ind.multiplier
        else:
            numerator = indicator_value * values[ind.denominator] / ind.multiplier
        values[ind.numerator] = np.round(numerator, max(2, decimals[ind.numerator]))
        if decimals[ind.numerator] == 1:
            values[ind.numerator] = np.round(numerator, 1)


def build_variables(inputs: UnitInputs, seeds: Seeds) -> dict[str, np.ndarray]:
    """Rounded base variables (county and expert) whose total, as the engine scores them,
    equals the target."""
    roles = indicator_roles(seeds)
    x = solve_activity(inputs, seeds, roles)
    raw = _raw_values(x, inputs, roles)
    exact = _variables_from_raw(raw, inputs, roles)
    values = _rounded(exact, seeds, inputs.expert_decimals)
    # Continuous statistics absorb the rounding residue first; expert scores (then written
    # with two decimals) only where every continuous indicator is saturated.
    adjustable = _adjustable(roles, seeds)
    for step in range(10):
        residual = inputs.targets - _total(values, seeds)
        if np.max(np.abs(residual)) < TOTAL_TOLERANCE / 5:
            break
        tier = adjustable if step < 5 else adjustable + roles.expert
        _push_residual(values, residual, tier, seeds)
    achieved = _total(values, seeds)
    worst = float(np.max(np.abs(achieved - inputs.targets)))
    if worst > TOTAL_TOLERANCE:
        raise RuntimeError(f"demo variables miss their target totals by up to {worst:.4f} points")
    return values
