"""Each unit's target total per evaluation year: a persistent latent ranking mapped to totals.

A latent capability (correlated with economic size and the city) evolves as an autoregressive
process with per-unit growth speeds; each year the latent ranking is mapped onto the year's
target totals (`targets.target_totals`), so class counts and the mean are exact by
construction. The persistence and a final local search over neighbouring swaps are calibrated
so that leaps, demotions, score_up and rank_up match the targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from orchestration.demo.seeds import Seeds, Unit, predecessor_codes
from orchestration.demo.targets import YearTarget, target_totals

# Grid of year-to-year persistence of the latent tried before the local search.
PERSISTENCE_GRID = np.linspace(0.80, 0.995, 40)
NOISE_DRAWS = 4
SEARCH_STEPS = 6000
MAX_SWAP_DISTANCE = 6
# Loss weights: class movements must be exact, score/rank movements close.
WEIGHT_CLASS_MOVES = 10.0
WEIGHT_PUBLISHED = 1.0
WEIGHT_CHOSEN = 0.3
WEIGHT_VANISHING = 50.0


@dataclass(frozen=True)
class YearPlan:
    """The target totals of one evaluation year, aligned with the units of its data year."""

    evaluation_year: int
    data_year: int
    units: tuple[Unit, ...]
    lineages: tuple[str, ...]
    totals: np.ndarray
    classes: np.ndarray  # class index of each total: 0 for A, 1 for B, 2 for C
    predecessors: Mapping[str, str]


def lineage_keys(seeds: Seeds, data_years: range) -> dict[tuple[int, str], str]:
    """(data year, unit code) -> the key of the unit's lineage across division changes.

    A lineage starts with the first unit seen and is carried on by its successors (same code,
    or a non-abolishing change), so that latent capability and economy continue through a
    rename or an upgrade.
    """
    result: dict[tuple[int, str], str] = {}
    for year in data_years:
        predecessors = predecessor_codes(seeds, year) if year != data_years[0] else {}
        for unit in seeds.units_in(year):
            pred = predecessors.get(unit.unit_code)
            if pred is not None and (year - 1, pred) in result:
                result[(year, unit.unit_code)] = result[(year - 1, pred)]
            else:
                result[(year, unit.unit_code)] = unit.key
    return result


@dataclass
class _Movement:
    """Arrays of the previous year aligned with the current units (masked where no predecessor)."""

    has_pred: np.ndarray
    prev_total: np.ndarray
    prev_rank: np.ndarray
    prev_class: np.ndarray


def class_index(totals: np.ndarray, target: YearTarget) -> np.ndarray:
    """0 for A, 1 for B, 2 for C: the cut-offs of the calibrated methodology version, which the
    year's target totals are built around."""
    a_minimum, b_minimum = target.class_minimums
    return np.where(totals >= a_minimum, 0, np.where(totals >= b_minimum, 1, 2))


def _movements(
    order: np.ndarray, quantiles: np.ndarray, classes_by_position: np.ndarray, mv: _Movement
) -> np.ndarray:
    """(leaps, demotions, score_up, rank_up) of a candidate ordering (best unit first)."""
    n = len(order)
    position = np.empty(n, dtype=int)
    position[order] = np.arange(n)
    totals = quantiles[position]
    classes = classes_by_position[position]
    h = mv.has_pred
    return np.array(
        [
            np.sum(h & (classes < mv.prev_class)),
            np.sum(h & (classes > mv.prev_class)),
            np.sum(h & (totals > mv.prev_total)),
            np.sum(h & (position + 1 < mv.prev_rank)),
        ]
    )


def _loss_weights(target: YearTarget) -> tuple[np.ndarray, np.ndarray]:
    """Target vector and weights for (leaps, demotions, score_up, rank_up); 0 weight if unset."""
    names = ("class_leaps", "demotions", "score_up", "rank_up")
    goal = np.array([getattr(target, n) or 0 for n in names], dtype=float)
    weights = []
    for name in names:
        if getattr(target, name) is None:
            weights.append(0.0)
        elif name in ("class_leaps", "demotions"):
            weights.append(WEIGHT_CLASS_MOVES)
        else:
            weights.append(WEIGHT_PUBLISHED if name in target.published else WEIGHT_CHOSEN)
    return goal, np.array(weights)


def _vanishing_need(
    target: YearTarget, next_target: YearTarget | None, vanishing: np.ndarray
) -> int | None:
    """How many more of the units that vanish next year must be A than C this year.

    With class counts fixed in both years and no two-class jumps, leaps minus demotions next
    year is (A - C next) - (A - C of the continuing units now); this pins the class of a unit
    that is abolished (邢台县 must be B in 2020 for the published 2021 transitions).
    """
    if next_target is None or not vanishing.any():
        return None
    if next_target.class_leaps is None or next_target.demotions is None:
        return None
    net_moves = next_target.class_leaps - next_target.demotions
    balance_next = next_target.class_a - next_target.class_c
    balance_now = target.class_a - target.class_c
    return net_moves - balance_next + balance_now


def _order_from_latent(latent: np.ndarray) -> np.ndarray:
    """Unit indices sorted by latent capability, best first (stable for ties)."""
    return np.argsort(-latent, kind="stable")


def _movement_from(
    previous: YearPlan, units: tuple[Unit, ...], predecessors: Mapping[str, str]
) -> _Movement:
    """The previous year's totals, ranks and classes aligned with this year's units."""
    prev_at = {u.unit_code: i for i, u in enumerate(previous.units)}
    prev_ranks = np.empty(len(previous.units), dtype=int)
    prev_ranks[np.argsort(-previous.totals, kind="stable")] = np.arange(1, len(previous.units) + 1)
    idx = np.array([prev_at.get(predecessors.get(u.unit_code, ""), -1) for u in units])
    has_pred = idx >= 0
    safe = np.where(has_pred, idx, 0)
    return _Movement(
        has_pred=has_pred,
        prev_total=previous.totals[safe],
        prev_rank=prev_ranks[safe],
        prev_class=previous.classes[safe],
    )


def plan_years(
    seeds: Seeds,
    targets: Mapping[int, YearTarget],
    rng: np.random.Generator,
    initial_latent: Mapping[str, float],
    drift: Mapping[str, float],
) -> dict[int, YearPlan]:
    """Target totals for every evaluation year in `targets`, calibrated year after year."""
    lag = seeds.data_year_lag
    eval_years = sorted(targets)
    data_years = range(eval_years[0] - lag, eval_years[-1] - lag + 1)
    lineage_of = lineage_keys(seeds, data_years)
    plans: dict[int, YearPlan] = {}
    latent_prev: dict[str, float] = {}
    for year in eval_years:
        data_year = year - lag
        units = seeds.units_in(data_year)
        lineages = tuple(lineage_of[(data_year, u.unit_code)] for u in units)
        target, next_target = targets[year], targets.get(year + 1)
        quantiles = target_totals(target)
        classes_by_position = class_index(quantiles, target)
        vanishing = _vanishing_mask(units, seeds, data_year)
        need = _vanishing_need(target, next_target, vanishing)
        previous = plans.get(year - 1)
        if previous is None:
            predecessors: dict[str, str] = {}
            latent = np.array([initial_latent[k] for k in lineages])
            order = _pin_vanishing(_order_from_latent(latent), classes_by_position, vanishing, need)
        else:
            predecessors = predecessor_codes(seeds, data_year)
            goal, weights = _loss_weights(target)
            problem = _YearProblem(
                quantiles,
                classes_by_position,
                _movement_from(previous, units, predecessors),
                goal,
                weights,
                vanishing,
                need,
            )
            base = np.array([latent_prev.get(k, 0.0) for k in lineages])
            order = _calibrated_order(rng, base, np.array([drift[k] for k in lineages]), problem)
        totals = np.empty(len(units))
        totals[order] = quantiles
        classes = np.empty(len(units), dtype=classes_by_position.dtype)
        classes[order] = classes_by_position
        # The next year's latent continues from this year's final ranking.
        latent = np.empty(len(units))
        latent[order] = np.sort(rng.standard_normal(len(units)))[::-1]
        latent_prev = dict(zip(lineages, latent, strict=True))
        plans[year] = YearPlan(year, data_year, units, lineages, totals, classes, predecessors)
    return plans


def _vanishing_mask(units: tuple[Unit, ...], seeds: Seeds, data_year: int) -> np.ndarray:
    """Units of `data_year` that have no successor in the next data year."""
    successors = set(predecessor_codes(seeds, data_year + 1).values())
    return np.array([u.unit_code not in successors for u in units])


def _vanishing_penalty(
    order: np.ndarray, classes_by_position: np.ndarray, vanishing: np.ndarray, need: int | None
) -> float:
    """Distance between the vanishing units' (A - C) balance and the one next year requires."""
    if need is None:
        return 0.0
    position = np.empty(len(order), dtype=int)
    position[order] = np.arange(len(order))
    classes = classes_by_position[position][vanishing]
    return abs(int(np.sum(classes == 0)) - int(np.sum(classes == 2)) - need)


def _pin_vanishing(
    order: np.ndarray, classes_by_position: np.ndarray, vanishing: np.ndarray, need: int | None
) -> np.ndarray:
    """Move vanishing units one class at a time until their (A - C) balance equals `need`.

    Each move swaps a vanishing unit with the nearest continuing unit of the neighbouring
    class, the smallest change of the ordering that fixes the balance.
    """
    order = order.copy()
    if need is None:
        return order
    for _ in range(int(vanishing.sum()) * 2):
        position = np.empty(len(order), dtype=int)
        position[order] = np.arange(len(order))
        classes = classes_by_position[position]
        balance = int(np.sum(classes[vanishing] == 0)) - int(np.sum(classes[vanishing] == 2))
        if balance == need:
            break
        step = -1 if balance < need else 1
        movable = [i for i in np.flatnonzero(vanishing) if 0 <= classes[i] + step <= 2]
        unit = min(movable, key=lambda i: classes[i] * step)
        wanted = classes[unit] + step
        candidates = [
            p
            for p in range(len(order))
            if classes_by_position[p] == wanted and not vanishing[order[p]]
        ]
        p_to = min(candidates, key=lambda p: abs(p - position[unit]))
        p_from = position[unit]
        order[[p_from, p_to]] = order[[p_to, p_from]]
    return order


@dataclass(frozen=True)
class _YearProblem:
    """What the ordering of one year must achieve."""

    quantiles: np.ndarray
    classes_by_position: np.ndarray  # class index of each quantile (best first)
    movement: _Movement
    goal: np.ndarray
    weights: np.ndarray
    vanishing: np.ndarray
    need: int | None

    def loss(self, order: np.ndarray) -> float:
        """Weighted distance of an ordering's movements from the targets."""
        moves = _movements(order, self.quantiles, self.classes_by_position, self.movement)
        return float(np.sum(self.weights * np.abs(moves - self.goal))) + WEIGHT_VANISHING * (
            _vanishing_penalty(order, self.classes_by_position, self.vanishing, self.need)
        )


def _calibrated_order(
    rng: np.random.Generator, base: np.ndarray, drift: np.ndarray, problem: _YearProblem
) -> np.ndarray:
    """The ordering of a year: best persistence on a grid, then a local search of swaps."""
    noise = rng.standard_normal((NOISE_DRAWS, len(base)))
    best_order, best_loss = None, np.inf
    for draw in noise:
        for rho in PERSISTENCE_GRID:
            latent = rho * base + np.sqrt(1 - rho**2) * (draw + drift)
            order = _order_from_latent(latent)
            value = problem.loss(order)
            if value < best_loss:
                best_order, best_loss = order, value
    assert best_order is not None
    order = _pin_vanishing(best_order, problem.classes_by_position, problem.vanishing, problem.need)
    current = problem.loss(order)
    n = len(order)
    for _ in range(SEARCH_STEPS):
        if current == 0:
            break
        p = int(rng.integers(0, n - 1))
        q = min(n - 1, p + int(rng.integers(1, MAX_SWAP_DISTANCE + 1)))
        order[[p, q]] = order[[q, p]]
        value = problem.loss(order)
        if value <= current:
            current = value
        else:
            order[[p, q]] = order[[q, p]]
    return order
