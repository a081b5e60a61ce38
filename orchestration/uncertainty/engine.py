"""The uncertainty engine: thousands of rebuilds of the index at once, as matrix products.

A replication's index is a weighted sum (or weighted geometric mean) of normalised indicators,
so a batch of replications sharing a normalisation, aggregation and imputation is one matrix
product: (weight draws x indicators) @ (indicators x units). Ranks come from one sort per
batch; only the ranks (2 or 4 bytes per unit and replication) and the class counts are kept,
in memory or, beyond `memory_budget_mb`, in a temporary file.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration.uncertainty.design import (
    FACTORS,
    RELATIVE_NORMALISATIONS,
    ReplicationDesign,
    UncertaintySettings,
    draw_design,
)
from orchestration.uncertainty.framework import IndexFramework
from orchestration.uncertainty.normalisation import impute, normalise
from orchestration.uncertainty.ranks import competition_ranks, order_statistics
from orchestration.uncertainty.sensitivity import VarianceParts, variance_parts

SCORE_BATCH_ELEMENTS = 2_000_000  # scores held at once per batch (16 MB of float64)
SUMMARY_BATCH_ELEMENTS = 4_000_000  # ranks summarised at once (32 MB as float64)
RANK_QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class UncertaintyResult:
    """Per unit (in the value matrix's row order) and per factor, for one year."""

    settings: UncertaintySettings
    design: ReplicationDesign
    nominal_scores: np.ndarray  # (n,)
    nominal_ranks: np.ndarray  # (n,)
    nominal_classes: np.ndarray  # (n,) index into class_codes
    rank_quantiles: np.ndarray  # (3, n): the 5th percentile, median and 95th percentile
    class_probabilities: np.ndarray  # (n, C)
    variance: VarianceParts
    class_codes: tuple[str, ...]

    @property
    def replications(self) -> int:
        return self.design.replications

    def main_factor(self) -> list[str | None]:
        """Per unit, the factor whose first-order index is largest (None if the rank never
        moves)."""
        first, _ = self.variance.indices()
        best = first.argmax(axis=0)
        return [
            self.variance.factors[k] if varies else None
            for k, varies in zip(best, self.variance.variance > 0, strict=True)
        ]


def composite_scores(
    points: np.ndarray, normalised: np.ndarray, aggregation: str, floor: float, total: float
) -> np.ndarray:
    """Scores (B x n) of n units under B rows of indicator points (B x m), on the `total`-point
    scale: points times normalised values added up (arithmetic), or `total` times the weighted
    geometric mean of the normalised values lifted onto [floor, 1] (geometric)."""
    if aggregation == "arithmetic":
        return points @ normalised.T
    if aggregation == "geometric":
        logs = np.log(floor + (1.0 - floor) * normalised)
        return total * np.exp((points / total) @ logs.T)
    raise ValueError(f"unknown aggregation {aggregation!r}: expected arithmetic or geometric")


def on_reference_scale(scores: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Each row of `scores` moved linearly onto the mean and standard deviation of the same row
    of `reference`: how a relative normalisation's composite (no absolute level) is read against
    absolute class cut-offs. Ranks do not change."""
    mean, spread = scores.mean(axis=1, keepdims=True), scores.std(axis=1, keepdims=True)
    target_mean = reference.mean(axis=1, keepdims=True)
    target_spread = reference.std(axis=1, keepdims=True)
    standardised = np.where(spread > 0, (scores - mean) / np.where(spread > 0, spread, 1.0), 0.0)
    return target_mean + target_spread * standardised


def _rank_store(
    shape: tuple[int, ...], dtype: np.dtype, budget_mb: int, folder: Path
) -> np.ndarray:
    """An array for every replication's ranks: in memory if it fits the budget, else on disk."""
    size = int(np.prod(shape)) * dtype.itemsize
    if size <= budget_mb * 2**20:
        return np.empty(shape, dtype=dtype)
    return np.lib.format.open_memmap(folder / "ranks.npy", mode="w+", dtype=dtype, shape=shape)


def run_uncertainty(
    values: np.ndarray, framework: IndexFramework, settings: UncertaintySettings | None = None
) -> UncertaintyResult:
    """Monte Carlo uncertainty and sensitivity analysis of the ranks and classes of one year.

    `values` is the (units x indicators) matrix of raw indicator values in
    `framework.indicator_codes` order, NaN where missing.
    """
    settings = settings or UncertaintySettings()
    values = np.asarray(values, dtype=np.float64)
    units, indicators = values.shape
    if indicators != framework.indicator_count:
        raise ValueError(
            f"value matrix has {indicators} indicator columns, the framework "
            f"{framework.indicator_count} ({', '.join(framework.indicator_codes)})"
        )
    if units == 0:
        raise ValueError("value matrix has no units: nothing to rank")
    design = draw_design(settings, len(framework.node_codes), bool(np.isnan(values).any()))
    normalisations, aggregations, imputations = design.levels.values()
    combination_index = {combination: k for k, combination in enumerate(design.combinations)}
    floor, total = settings.geometric_floor, framework.root_points

    normalised = {method: normalise(values, framework, method) for method in normalisations}
    inputs = {
        (method, imputation): impute(normalised[method], imputation)
        for method in normalisations
        for imputation in imputations
    }
    # absolute normalisations first: a relative one is read on their scale (same draw & choices)
    ordered_methods = sorted(normalisations, key=lambda method: method in RELATIVE_NORMALISATIONS)
    reference_method = next(
        (method for method in ordered_methods if method not in RELATIVE_NORMALISATIONS), None
    )

    nominal = composite_scores(
        framework.nominal_points()[None, :],
        inputs[(normalisations[0], imputations[0])],
        aggregations[0],
        floor,
        total,
    )
    rank_dtype = np.dtype(np.uint16 if units < 2**16 else np.uint32)
    draws = design.weight_draws
    all_points = framework.indicator_points(design.weight_multipliers)
    batch = max(1, SCORE_BATCH_ELEMENTS // units)

    def score_group(rows: slice, aggregation: str, imputation: str) -> np.ndarray:
        """Rank one batch of weight draws under every normalisation (absolute ones first) for
        an aggregation and imputation; return the batch's class counts (units x classes)."""
        counts = np.zeros((units, len(framework.class_codes)), dtype=np.int64)
        reference = None
        for method in ordered_methods:
            scores = composite_scores(
                all_points[rows], inputs[(method, imputation)], aggregation, floor, total
            )
            k = combination_index[(method, aggregation, imputation)]
            store[rows, k, :] = competition_ranks(scores, rank_dtype)
            if method == reference_method:
                reference = scores
            elif reference is not None and settings.relative_on_absolute_scale:
                scores = on_reference_scale(scores, reference)
            assigned = framework.classify(scores)
            for c in range(counts.shape[1]):
                counts[:, c] += (assigned == c).sum(axis=0)
        return counts

    workers = settings.threads or len(os.sched_getaffinity(0))
    with (
        tempfile.TemporaryDirectory(prefix="leap-uncertainty-") as folder,
        ThreadPoolExecutor(max_workers=workers) as pool,
    ):
        store = _rank_store(
            (draws, len(design.combinations), units),
            rank_dtype,
            settings.memory_budget_mb,
            Path(folder),
        )
        groups = [
            pool.submit(
                score_group, slice(start, min(start + batch, draws)), aggregation, imputation
            )
            for start in range(0, draws, batch)
            for aggregation in aggregations
            for imputation in imputations
        ]
        class_counts = sum(group.result() for group in groups)
        quantiles, parts = _summarise(store, design, pool, workers)

    return UncertaintyResult(
        settings=settings,
        design=design,
        nominal_scores=nominal[0],
        nominal_ranks=competition_ranks(nominal)[0],
        nominal_classes=framework.classify(nominal[0]).astype(np.int64),
        rank_quantiles=quantiles,
        class_probabilities=class_counts / design.replications,
        variance=parts,
        class_codes=framework.class_codes,
    )


def _summarise(
    store: np.ndarray, design: ReplicationDesign, pool: ThreadPoolExecutor, workers: int
) -> tuple[np.ndarray, VarianceParts]:
    """Rank quantiles and variance parts of every unit, blocks of units in parallel."""
    draws, _, units = store.shape
    factor_shape = (draws, *(len(levels) for levels in design.levels.values()))
    replications = design.replications
    block = max(1, min(SUMMARY_BATCH_ELEMENTS // replications, -(-units // workers)))

    def summarise_block(columns: slice) -> tuple[np.ndarray, VarianceParts]:
        ranks = np.asarray(store[:, :, columns])
        width = ranks.shape[-1]
        quantiles = order_statistics(ranks.reshape(replications, width), RANK_QUANTILES)
        return quantiles, variance_parts(ranks.reshape(*factor_shape, width), FACTORS)

    pieces = list(
        pool.map(
            summarise_block,
            [slice(start, min(start + block, units)) for start in range(0, units, block)],
        )
    )
    parts = [part for _, part in pieces]
    return np.concatenate([quantiles for quantiles, _ in pieces], axis=1), VarianceParts(
        factors=FACTORS,
        variance=np.concatenate([part.variance for part in parts]),
        first_order=np.concatenate([part.first_order for part in parts], axis=1),
        total_effect=np.concatenate([part.total_effect for part in parts], axis=1),
    )
