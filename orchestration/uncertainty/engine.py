"""The uncertainty engine: thousands of rebuilds of the index from the raw values, at once.

Each replication rebuilds the index from the year's raw indicator values under its own
methodology (plan in `design.py`): imputation, outlier treatment and normalisation give the
indicator scores (`indicators.py`), the weights and the aggregation the totals
(`aggregation.py`), then ranks and classes. Replications that share their imputation, outlier
treatment and normalisation share their indicator scores, which are computed once; those that
also share their aggregation are scored together, a batch of weightings at a time, as matrix
products. Only the ranks (2 or 4 bytes per unit and replication) and the class counts are kept,
in memory or, beyond `memory_budget_mb`, in a temporary file.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from orchestration.uncertainty.aggregation import class_indices, totals
from orchestration.uncertainty.design import (
    ALTERNATIVES_FILE,
    DISCRETE_FACTORS,
    FACTOR_SETTINGS,
    FACTORS,
    ReplicationPlan,
    UncertaintyDesign,
    UncertaintySettings,
    draw_plan,
)
from orchestration.uncertainty.framework import IndexFramework
from orchestration.uncertainty.indicators import IndicatorPipeline, YearContext
from orchestration.uncertainty.methods import FIXED_SCALE_NORMALISATIONS, Methodology
from orchestration.uncertainty.ranks import order_statistics, ranks
from orchestration.uncertainty.scoring import YearScores, framework_arrays, score_year
from orchestration.uncertainty.sensitivity import Sensitivity, factorial, saltelli

BATCH_ELEMENTS = 2_000_000  # totals (or node scores) held at once per batch
SUMMARY_BATCH_ELEMENTS = 4_000_000  # ranks summarised at once
RANK_QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class UncertaintyResult:
    """Per unit (in the value matrix's row order) and per factor, for one year."""

    design: UncertaintyDesign
    plan: ReplicationPlan
    seed: int
    nominal: YearScores
    rank_quantiles: np.ndarray  # (3, n): the 5th percentile, median and 95th percentile
    class_probabilities: np.ndarray  # (n, C)
    sensitivity: Sensitivity
    class_codes: tuple[str, ...]

    @property
    def replications(self) -> int:
        return self.plan.replications

    @property
    def nominal_scores(self) -> np.ndarray:
        return self.nominal.totals

    def level_names(self, factor: str) -> tuple[str, ...]:
        return tuple(level.name for level in self.design.levels(factor))

    def main_factor(self) -> list[str | None]:
        """Per unit, the factor with the largest total-effect index (None if the rank never
        moves): the choice that moves the unit's rank most, interactions included."""
        _, total = self.sensitivity.indices()
        best = total.argmax(axis=0)
        return [
            self.sensitivity.factors[k] if varies else None
            for k, varies in zip(best, self.sensitivity.variance > 0, strict=True)
        ]


def _methodology(framework: IndexFramework, design: UncertaintyDesign, key: tuple) -> Methodology:
    """The methodology of one combination of the discrete factors' levels."""
    changes: dict[str, object] = {}
    for factor, level in zip(DISCRETE_FACTORS, key, strict=True):
        changes.update(design.levels(factor)[level].changes)
    return framework.methodology.with_changes(changes)


def _combination_problem(framework: IndexFramework, methodology: Methodology) -> str | None:
    """Why the engine cannot score a methodology (None if it can), as dbt would refuse it."""
    geometric = "weighted_geometric" in methodology.node_aggregation
    for j, code in enumerate(framework.indicator_codes):
        method, outliers = methodology.normalisation[j], methodology.outlier_treatment[j]
        if outliers in ("winsorise_log", "log") and method in FIXED_SCALE_NORMALISATIONS:
            return f"indicator {code}: a log outlier treatment ({outliers}) with {method}"
        if method == "goalposts" and not (
            framework.lower_goalposts[j] < framework.upper_goalposts[j]
        ):
            return f"indicator {code}: goalposts normalisation without goalposts (goalposts.csv)"
        if method == "distance_to_target" and not framework.targets[j] > 0:
            return f"indicator {code}: distance_to_target without a positive target_value"
        negative = (method == "zscore" and float(methodology["zscore_mean"]) <= 0) or (
            method not in ("zscore", "rank") and float(methodology["normalised_lower"]) < 0
        )
        if geometric and negative:
            return f"indicator {code}: {method} scores can be negative under a geometric mean"
    if not float(methodology["normalised_lower"]) < float(methodology["normalised_upper"]):
        return "normalised_lower is not below normalised_upper"
    return None


def check_combinations(framework: IndexFramework, design: UncertaintyDesign) -> None:
    """Raise ValueError naming the alternatives when some combination of them cannot be
    scored (checked for every combination, whether or not a replication draws it)."""
    counts = [len(design.levels(factor)) for factor in DISCRETE_FACTORS]
    for key in itertools.product(*(range(count) for count in counts)):
        problem = _combination_problem(framework, _methodology(framework, design, key))
        if problem:
            names = ", ".join(
                f"{factor} {design.levels(factor)[level].name!r}"
                for factor, level in zip(DISCRETE_FACTORS, key, strict=True)
            )
            raise ValueError(
                f"{ALTERNATIVES_FILE}, version {framework.methodology.version}: the alternatives "
                f"{names} cannot be combined: {problem}"
            )


def _rank_store(
    shape: tuple[int, int], dtype: np.dtype, budget_mb: int, folder: Path
) -> np.ndarray:
    """An array for every replication's ranks: in memory if it fits the budget, else on disk."""
    size = int(np.prod(shape)) * dtype.itemsize
    if size <= budget_mb * 2**20:
        return np.empty(shape, dtype=dtype)
    return np.lib.format.open_memmap(folder / "ranks.npy", mode="w+", dtype=dtype, shape=shape)


def _normalisation_differs(methodology: Methodology, nominal: Methodology) -> bool:
    settings = FACTOR_SETTINGS["normalisation"]
    return methodology.normalisation != nominal.normalisation or any(
        methodology[name] != nominal[name] for name in settings
    )


def _on_nominal_scale(scores: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Each row moved linearly onto the mean and standard deviation of the nominal totals:
    how a total on another normalisation's scale is read against absolute cut-offs."""
    scored = nominal[~np.isnan(nominal)]
    target_mean, target_sd = scored.mean(), scored.std()
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(scores, axis=1, keepdims=True)
        spread = np.nanstd(scores, axis=1, keepdims=True)
    standardised = np.where(spread > 0, (scores - mean) / np.where(spread > 0, spread, 1.0), 0.0)
    return target_mean + target_sd * standardised


@dataclass
class _Run:
    """What every batch of one run needs."""

    framework: IndexFramework
    design: UncertaintyDesign
    plan: ReplicationPlan
    nominal: YearScores
    leaf_scores: dict[tuple, np.ndarray]
    methodologies: dict[tuple, Methodology]
    shares: np.ndarray  # (S, K) of each weight set
    store: np.ndarray | None = None

    def score_batch(self, key: tuple, rows: np.ndarray) -> np.ndarray:
        """Rank one batch of replications sharing their discrete choices into the store;
        return its class counts (units x classes + 1, the last: no class)."""
        methodology = self.methodologies[key]
        scores = self.leaf_scores[key[:3]]
        batch_totals = totals(
            scores,
            self.shares[self.plan.weight_index[rows]],
            self.framework,
            methodology.node_aggregation,
            str(methodology["missing_values"]),
        )
        self.store[rows] = ranks(batch_totals, str(methodology["rank_ties"]), self.store.dtype)
        scheme = str(methodology["class_scheme"])
        if (
            self.design.classes_on_nominal_scale
            and scheme == "absolute"
            and _normalisation_differs(methodology, self.framework.methodology)
        ):
            batch_totals = _on_nominal_scale(batch_totals, self.nominal.totals)
        assigned = class_indices(batch_totals, self.framework, scheme)
        classes = len(self.framework.class_codes)
        counts = np.zeros((scores.shape[0], classes + 1), dtype=np.int64)
        for c in range(classes):
            counts[:, c] = (assigned == c).sum(axis=0)
        counts[:, classes] = (assigned < 0).sum(axis=0)
        return counts


def _batches(plan: ReplicationPlan, units: int, nodes: int) -> list[tuple[tuple, np.ndarray]]:
    """The replications grouped by their discrete choices, in batches of bounded size."""
    keys = np.stack([plan.levels[factor] for factor in DISCRETE_FACTORS], axis=1)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    size = max(1, BATCH_ELEMENTS // (units * max(1, nodes)))
    batches = []
    for k, key in enumerate(unique):
        rows = np.flatnonzero(inverse.ravel() == k)
        for start in range(0, rows.size, size):
            batches.append((tuple(int(level) for level in key), rows[start : start + size]))
    return batches


def run_uncertainty(
    values: np.ndarray,
    framework: IndexFramework,
    settings: UncertaintySettings | None = None,
    context: YearContext | None = None,
) -> UncertaintyResult:
    """Monte Carlo uncertainty and sensitivity analysis of the ranks and classes of one year.

    `values` is the (units x indicators) matrix of raw indicator values in
    `framework.indicator_codes` order, NaN where missing; `context` what the methodology reads
    from other years (see `score_year`). The design is the framework's (`framework.design`,
    from the seeds); `settings` may override its replications, seed and bootstrap.
    """
    # the engine spreads its batches over threads itself; BLAS threads on top of them only
    # contend (small products slow down a hundredfold on a loaded machine)
    with threadpool_limits(limits=1, user_api="blas"):
        return _run(values, framework, settings or UncertaintySettings(), context)


def _run(
    values: np.ndarray,
    framework: IndexFramework,
    settings: UncertaintySettings,
    context: YearContext | None,
) -> UncertaintyResult:
    design, context = framework.design, context or YearContext()
    values = np.asarray(values, dtype=np.float64)
    nominal = score_year(values, framework, context)  # checks the matrix's shape
    if values.shape[0] == 0:
        raise ValueError("value matrix has no units: nothing to rank")
    check_combinations(framework, design)
    seed = settings.seed if settings.seed is not None else design.seed
    fixed = frozenset() if np.isnan(values).any() else frozenset({"imputation"})
    plan = draw_plan(
        design, framework.node_types, settings.replications or design.replications, seed, fixed
    )
    batches = _batches(plan, values.shape[0], len(framework.node_codes))
    keys = sorted({key for key, _ in batches})
    methodologies = {key: _methodology(framework, design, key) for key in keys}
    pipeline = IndicatorPipeline(values, framework_arrays(framework), context)
    leaf_scores = {}
    for key in keys:
        if key[:3] not in leaf_scores:
            leaf_scores[key[:3]] = pipeline.scores(methodologies[key])
    run = _Run(
        framework,
        design,
        plan,
        nominal,
        leaf_scores,
        methodologies,
        framework.shares(plan.weight_sets),
    )
    units = values.shape[0]
    rank_dtype = np.dtype(np.uint16 if units < 2**16 - 1 else np.uint32)
    workers = settings.threads or len(os.sched_getaffinity(0))
    with (
        tempfile.TemporaryDirectory(prefix="leap-uncertainty-") as folder,
        ThreadPoolExecutor(max_workers=workers) as pool,
    ):
        run.store = _rank_store(
            (plan.replications, units), rank_dtype, settings.memory_budget_mb, Path(folder)
        )
        counts = sum(pool.map(lambda batch: run.score_batch(*batch), batches))
        quantiles = _rank_quantiles(run.store, pool, workers)
        sensitivity = _sensitivity(run.store, plan, design, settings, seed)
    return UncertaintyResult(
        design=design,
        plan=plan,
        seed=seed,
        nominal=nominal,
        rank_quantiles=quantiles,
        class_probabilities=counts[:, :-1] / plan.replications,
        sensitivity=sensitivity,
        class_codes=framework.class_codes,
    )


def _rank_quantiles(store: np.ndarray, pool: ThreadPoolExecutor, workers: int) -> np.ndarray:
    """The 5th, 50th and 95th percentile rank of every unit, blocks of units in parallel."""
    replications, units = store.shape
    block = max(1, min(SUMMARY_BATCH_ELEMENTS // replications, -(-units // workers)))
    pieces = pool.map(
        lambda start: order_statistics(np.asarray(store[:, start : start + block]), RANK_QUANTILES),
        range(0, units, block),
    )
    return np.concatenate(list(pieces), axis=1)


def _sensitivity(
    store: np.ndarray,
    plan: ReplicationPlan,
    design: UncertaintyDesign,
    settings: UncertaintySettings,
    seed: int,
) -> Sensitivity:
    bootstrap = (
        settings.bootstrap_samples
        if settings.bootstrap_samples is not None
        else design.bootstrap_samples
    )
    if plan.kind == "factorial":
        counts = {factor: len(design.levels(factor)) for factor in DISCRETE_FACTORS}
        return factorial(store, plan, counts, bootstrap, design.confidence_level, seed + 1)
    return saltelli(store, plan, bootstrap, design.confidence_level, seed + 1)


__all__ = ["FACTORS", "UncertaintyResult", "check_combinations", "run_uncertainty"]
