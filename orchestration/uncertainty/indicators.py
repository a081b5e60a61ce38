"""One year's raw indicator values to normalised scores under a methodology, as dbt does it.

The same steps and formulas as the dbt models (docs/methodology.md): imputation (a chain of
mean, median, group mean or median, carry-forward), the indicator's transform, outlier
treatment (COINr's Treat: one-sided or iterative winsorisation, log_CT or its mirror), and
normalisation onto the methodology's scale. Column by column, each vectorised over the units;
the uncertainty engine computes this once per distinct combination of imputation, outlier
treatment and normalisation, not once per replication.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from orchestration.uncertainty.methods import Methodology

OUTLIER_SETTINGS = (
    "outlier_skewness",
    "outlier_kurtosis",
    "outlier_winsorise_max",
    "outlier_winsorisation",
    "outlier_log_transform",
)


@dataclass(frozen=True)
class YearContext:
    """What a year's scores depend on beyond its own raw values: the units' groups (for the
    group imputations), the values carry-forward would take from earlier years, and the treated
    minimum and maximum of the version's other years (for `minmax_pooled`)."""

    groups: Mapping[str, np.ndarray] = field(default_factory=dict)  # imputation_group -> (n,)
    carried: np.ndarray | None = None  # (n, m), NaN where nothing can be carried
    other_years_min: np.ndarray | None = None  # (m,), NaN where no other year
    other_years_max: np.ndarray | None = None


def _statistic(values: np.ndarray, step: str) -> float:
    if values.size == 0:
        return np.nan
    return float(np.mean(values) if step.endswith("mean") else np.median(values))


def _step_candidates(
    column: np.ndarray, step: str, j: int, context: YearContext, group_by: str
) -> np.ndarray:
    """The value one imputation step offers every unit of one indicator (NaN: none)."""
    observed = column[~np.isnan(column)]
    if step in ("mean", "median"):
        return np.full(column.shape, _statistic(observed, step))
    if step in ("group_mean", "group_median"):
        labels = context.groups.get(group_by)
        if labels is None:
            raise ValueError(f"imputation {step} needs the units' {group_by}, not given")
        result = np.full(column.shape, np.nan)
        for label in dict.fromkeys(labels.tolist()):
            members = labels == label
            result[members] = _statistic(column[members & ~np.isnan(column)], step)
        return result
    if step == "carry_forward" and context.carried is not None:
        return context.carried[:, j]
    return np.full(column.shape, np.nan)


def impute(values: np.ndarray, context: YearContext, methodology: Methodology) -> np.ndarray:
    """Each missing value filled by the first step of its indicator's chain that gives one."""
    result = values.copy()
    group_by = str(methodology["imputation_group"])
    for j, chain in enumerate(methodology.imputation):
        column = values[:, j]
        missing = np.isnan(column)
        for step in chain:
            if not missing.any():
                break
            if step == "none":
                continue
            candidates = _step_candidates(column, step, j, context, group_by)
            fill = missing & ~np.isnan(candidates)
            result[fill, j] = candidates[fill]
            missing &= ~fill
    return result


def transform(values: np.ndarray, transforms: tuple[str, ...]) -> np.ndarray:
    """The indicators' definitional transforms; outside a transform's domain a value is NaN."""
    result = values.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, name in enumerate(transforms):
            column = values[:, j]
            if name == "log":
                result[:, j] = np.where(column > 0, np.log(np.where(column > 0, column, 1)), np.nan)
            elif name == "log1p":
                result[:, j] = np.where(
                    column > -1, np.log1p(np.where(column > -1, column, 0)), np.nan
                )
            elif name == "sqrt":
                result[:, j] = np.where(column >= 0, np.sqrt(np.abs(column)), np.nan)
    return result


def moments(x: np.ndarray) -> tuple[float, float]:
    """Sample skewness and excess kurtosis (Excel's SKEW and KURT; NaN when undefined)."""
    n = x.size
    if n < 3:
        return np.nan, np.nan
    deviations = x - x.mean()
    squares = float(deviations @ deviations)
    if squares == 0:
        return np.nan, np.nan
    z = deviations / np.sqrt(squares / (n - 1))
    z2 = z * z
    skew = n / ((n - 1) * (n - 2)) * float(z2 @ z)
    if n < 4:
        return skew, np.nan
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * float(z2 @ z2) - 3 * (n - 1) ** 2 / (
        (n - 2) * (n - 3)
    )
    return skew, kurt


def _fails(x: np.ndarray, skew_max: float, kurt_max: float) -> bool:
    skew, kurt = moments(x)
    return bool(abs(skew) > skew_max and kurt > kurt_max)  # NaN compares False: no outliers


def treat_outliers(column: np.ndarray, method: str, settings: Mapping[str, object]) -> np.ndarray:
    """One indicator's values (NaN = missing) after COINr-style outlier treatment."""
    present = ~np.isnan(column)
    x = column[present]
    skew_max, kurt_max = float(settings["outlier_skewness"]), float(settings["outlier_kurtosis"])
    if method == "none" or not _fails(x, skew_max, kurt_max):
        return column
    treated = _winsorised(x, settings) if method in ("winsorise", "winsorise_log") else None
    if method == "winsorise" and treated is None:
        return column  # no value may be winsorised
    if treated is None or (method == "winsorise_log" and _fails(treated, skew_max, kurt_max)):
        treated = _log_transformed(x, settings)
    result = column.copy()
    result[present] = treated
    return result


def _winsorised(x: np.ndarray, settings: Mapping[str, object]) -> np.ndarray | None:
    """Winsorise one value at a time until within bounds or at the maximum (None: no step)."""
    skew_max, kurt_max = float(settings["outlier_skewness"]), float(settings["outlier_kurtosis"])
    ordered = np.sort(x)
    original_side = -1 if moments(x)[0] < 0 else 1
    iterative = settings["outlier_winsorisation"] == "iterative"
    low = high = 0
    treated = None
    for _ in range(min(int(settings["outlier_winsorise_max"]), x.size - 1)):
        side = original_side
        if iterative and treated is not None:
            side = -1 if moments(treated)[0] < 0 else 1
        low, high = (low + 1, high) if side < 0 else (low, high + 1)
        lower = ordered[low] if low else -np.inf
        upper = ordered[x.size - 1 - high] if high else np.inf
        treated = np.clip(x, lower, upper)
        if not _fails(treated, skew_max, kurt_max):
            break
    return treated


def _log_transformed(x: np.ndarray, settings: Mapping[str, object]) -> np.ndarray:
    """COINr's log_CT, ln(x - min + a), a = (max - min) / 100; mirrored to -ln(max + a - x)
    for a left skew under log_ct_mirrored."""
    low, high = float(x.min()), float(x.max())
    shift = (high - low) / 100.0
    mirrored = settings["outlier_log_transform"] == "log_ct_mirrored" and moments(x)[0] < 0
    if mirrored:
        return -np.log(high + shift - x)
    return np.log(x - low + shift)


def _tied_ranks(good: np.ndarray, ties: str) -> tuple[np.ndarray, int]:
    """Ranks of the values (1 = worst) by the tie rule, and the rank the scaling divides by."""
    ordered = np.sort(good)
    below = np.searchsorted(ordered, good, side="left")
    if ties == "dense":
        distinct = np.unique(ordered)
        return np.searchsorted(distinct, good, side="left") + 1.0, distinct.size
    if ties == "mean":
        at_most = np.searchsorted(ordered, good, side="right")
        return (below + 1 + at_most) / 2.0, good.size
    return below + 1.0, good.size


def _share(
    x: np.ndarray,
    method: str,
    higher: bool,
    bounds: tuple[float, float],
    target: float,
    settings: Mapping[str, object],
) -> np.ndarray:
    """The share in [0, 1] (1 = best) a bounded method gives each present value."""
    good = x if higher else -x
    if method == "rank":
        ranks, top = _tied_ranks(good, str(settings["normalisation_ties"]))
        return (ranks - 1.0) / (top - 1) if top > 1 else np.ones(x.shape)
    if method == "percentile":
        return np.searchsorted(np.sort(good), good, side="right") / good.size
    if method == "distance_to_target":
        if higher:
            return np.clip(x / target, 0.0, 1.0)
        return np.where(x <= target, 1.0, target / x)
    lower, upper = bounds
    if not upper > lower:
        return np.ones(x.shape)
    share = (x - lower) / (upper - lower) if higher else (upper - x) / (upper - lower)
    return np.clip(share, 0.0, 1.0)


def normalise_column(
    column: np.ndarray,
    method: str,
    higher: bool,
    bounds: tuple[float, float],
    target: float,
    settings: Mapping[str, object],
) -> np.ndarray:
    """One indicator's treated values normalised; `bounds` are the goalposts (or the pooled
    bounds) on the treated scale, the year's own minimum and maximum used for `minmax`."""
    present = ~np.isnan(column)
    x = column[present]
    result = np.full(column.shape, np.nan)
    if x.size == 0:
        return result
    if method == "zscore":
        sd = float(np.std(x, ddof=1)) if x.size > 1 else np.nan
        mean = float(np.mean(x))
        z = ((x - mean) if higher else (mean - x)) / sd if sd > 0 else np.zeros(x.shape)
        result[present] = float(settings["zscore_mean"]) + float(settings["zscore_sd"]) * z
        return result
    if method == "rank" and settings["rank_scale"] == "raw":
        result[present] = _tied_ranks(x if higher else -x, str(settings["normalisation_ties"]))[0]
        return result
    if method == "minmax":
        bounds = (float(x.min()), float(x.max()))
    low, high = float(settings["normalised_lower"]), float(settings["normalised_upper"])
    result[present] = low + (high - low) * _share(x, method, higher, bounds, target, settings)
    return result


def _transformed_scalar(value: float, name: str) -> float:
    return float(transform(np.array([[value]]), (name,))[0, 0])


class IndicatorPipeline:
    """One year's raw values through imputation, transform, outlier treatment and
    normalisation, each stage kept for the methodologies that share it (many replications
    share their imputation, fewer their outlier treatment too)."""

    def __init__(
        self, values: np.ndarray, framework_arrays: Mapping[str, object], context: YearContext
    ) -> None:
        self.values, self.arrays, self.context = values, framework_arrays, context
        self._transformed: dict[tuple, np.ndarray] = {}
        self._treated: dict[tuple, np.ndarray] = {}

    def scores(self, methodology: Methodology) -> np.ndarray:
        """The (units x indicators) normalised scores under `methodology`, NaN where missing."""
        settings = methodology.settings
        imputation = (methodology.imputation, settings["imputation_group"])
        outliers = (
            *imputation,
            methodology.outlier_treatment,
            *(settings[name] for name in OUTLIER_SETTINGS),
        )
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # an indicator nobody reported
            if imputation not in self._transformed:
                imputed = impute(self.values, self.context, methodology)
                self._transformed[imputation] = transform(imputed, self.arrays["transforms"])
            if outliers not in self._treated:
                transformed = self._transformed[imputation]
                self._treated[outliers] = np.column_stack(
                    [
                        treat_outliers(transformed[:, j], method, settings)
                        for j, method in enumerate(methodology.outlier_treatment)
                    ]
                ).reshape(transformed.shape)
            return self._normalised(self._treated[outliers], methodology)

    def _normalised(self, treated: np.ndarray, methodology: Methodology) -> np.ndarray:
        transforms = self.arrays["transforms"]
        scores = np.full(treated.shape, np.nan)
        for j, method in enumerate(methodology.normalisation):
            scores[:, j] = normalise_column(
                treated[:, j],
                method,
                bool(self.arrays["higher_is_better"][j]),
                _bounds(method, j, treated[:, j], self.arrays, self.context),
                _transformed_scalar(self.arrays["targets"][j], transforms[j]),
                methodology.settings,
            )
        return scores


def indicator_scores(
    values: np.ndarray,
    methodology: Methodology,
    framework_arrays: Mapping[str, object],
    context: YearContext,
) -> np.ndarray:
    """The (units x indicators) normalised scores of one year's raw values, NaN where missing.

    `framework_arrays`: `transforms`, `higher_is_better`, `lower_goalposts`, `upper_goalposts`,
    `targets` of the indicators (IndexFramework's fields)."""
    return IndicatorPipeline(values, framework_arrays, context).scores(methodology)


def _bounds(
    method: str,
    j: int,
    treated: np.ndarray,
    framework_arrays: Mapping[str, object],
    context: YearContext,
) -> tuple[float, float]:
    """The fixed or pooled bounds of a goalposts or minmax_pooled indicator (else unused)."""
    name = framework_arrays["transforms"][j]
    if method == "goalposts":
        return (
            _transformed_scalar(framework_arrays["lower_goalposts"][j], name),
            _transformed_scalar(framework_arrays["upper_goalposts"][j], name),
        )
    if method == "minmax_pooled":
        others = (
            (context.other_years_min[j], context.other_years_max[j])
            if context.other_years_min is not None and context.other_years_max is not None
            else (np.nan, np.nan)
        )
        return (
            float(np.nanmin([np.nanmin(treated), others[0]])),
            float(np.nanmax([np.nanmax(treated), others[1]])),
        )
    return (np.nan, np.nan)
