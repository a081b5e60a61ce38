"""The uncertainty design of a methodology version, and the replications drawn from it.

The design is configuration (`uncertainty.csv`: the kind of design, replications, seed,
bootstrap; `uncertainty_alternatives.csv`: the alternatives of each factor, as changes to the
methodology's settings, and the noise on the weights of each framework level). Five factors, in
the order the pipeline meets them: imputation, outlier_treatment, normalisation, weights,
aggregation.

- `random` (COINr's get_sensitivity, SA_type "SA"): every replication draws each factor at
  random (a discrete factor uniformly among its alternatives, the weights from their noise), in
  the Saltelli design A, B, AB_1 ... AB_d (N (d + 2) replications for d varied factors), from
  which the sensitivity indices are estimated;
- `factorial`: every combination of the discrete factors' alternatives, each under the same
  draws of the weights; the variance decomposition is then exact in the discrete factors.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from orchestration.uncertainty.methods import Methodology, parse_setting

FACTORS = ("imputation", "outlier_treatment", "normalisation", "weights", "aggregation")
DISCRETE_FACTORS = ("imputation", "outlier_treatment", "normalisation", "aggregation")
FACTOR_SETTINGS = {
    "imputation": ("imputation", "imputation_group"),
    "outlier_treatment": (
        "outlier_treatment",
        "outlier_skewness",
        "outlier_kurtosis",
        "outlier_winsorise_max",
        "outlier_winsorisation",
        "outlier_log_transform",
    ),
    "normalisation": (
        "normalisation",
        "normalised_lower",
        "normalised_upper",
        "zscore_mean",
        "zscore_sd",
        "rank_scale",
        "normalisation_ties",
    ),
    "aggregation": ("aggregation",),
}
DESIGNS = ("random", "factorial")
EVERY_LEVEL = "*"  # weight noise on every level below the root (the default design)
DEFAULT_NOISE = 0.25
REPLICATIONS_ENV = "LEAP_MC_REPLICATIONS"
SEED_ENV = "LEAP_MC_SEED"
ALTERNATIVES_FILE = "uncertainty_alternatives.csv"
DESIGN_FILE = "uncertainty.csv"


@dataclass(frozen=True)
class Alternative:
    """One level of a discrete factor: a name and the settings it changes (none = nominal)."""

    name: str
    changes: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class UncertaintyDesign:
    """The configured uncertainty analysis of one methodology version."""

    design: str = "random"
    replications: int = 10_000
    seed: int = 20_180_101
    bootstrap_samples: int = 1_000
    confidence_level: float = 0.9
    classes_on_nominal_scale: bool = True
    alternatives: Mapping[str, tuple[Alternative, ...]] = field(default_factory=dict)
    weight_noise: Mapping[str, float] = field(default_factory=lambda: {EVERY_LEVEL: DEFAULT_NOISE})
    configured: bool = False  # False: no rows for the version, the default design

    def levels(self, factor: str) -> tuple[Alternative, ...]:
        """A discrete factor's levels: its alternatives, or the nominal methodology alone."""
        return self.alternatives.get(factor) or (Alternative("nominal"),)


def _parse_design_row(row: Mapping[str, object], version: str) -> dict[str, object]:
    where = f"{DESIGN_FILE}, version {version}"
    values: dict[str, object] = {}
    converters = {
        "design": str,
        "replications": int,
        "seed": int,
        "bootstrap_samples": int,
        "confidence_level": float,
        "classes_on_nominal_scale": lambda text: str(text).lower() in ("true", "1", "yes"),
    }
    for name, convert in converters.items():
        text = "" if row.get(name) is None else str(row.get(name)).strip()
        if text:
            try:
                values[name] = convert(text)
            except ValueError:
                raise ValueError(f"{where}: {name}={text!r}: not a valid value") from None
    if values.get("design", "random") not in DESIGNS:
        raise ValueError(f"{where}: design={values['design']!r}: expected random or factorial")
    if not 0 < float(values.get("confidence_level", 0.9)) < 1:
        raise ValueError(f"{where}: confidence_level must lie between 0 and 1")
    if int(values.get("replications", 1)) < 1 or int(values.get("bootstrap_samples", 0)) < 0:
        raise ValueError(f"{where}: replications >= 1 and bootstrap_samples >= 0 expected")
    return values


def _parse_alternatives(
    rows: list[dict[str, object]], version: str, methodology: Methodology
) -> tuple[dict[str, tuple[Alternative, ...]], dict[str, float]]:
    """The discrete factors' alternatives and the weight noise per framework level."""
    changes: dict[str, dict[str, dict[str, object]]] = {}
    noise: dict[str, float] = {}
    for line, row in enumerate(rows, start=2):
        factor, name = str(row.get("factor") or "").strip(), str(row.get("alternative") or "")
        setting, value = str(row.get("setting") or "").strip(), row.get("value")
        where = f"{ALTERNATIVES_FILE}, version {version}, row {line} ({factor} {name!r})"
        if factor == "weights":
            if setting != "noise":
                raise ValueError(f"{where}: setting {setting!r}: expected noise for weights")
            level = float(str(value))
            if not 0 <= level < 1:
                raise ValueError(f"{where}: noise={value!r}: expected a fraction in [0, 1)")
            noise[name.strip()] = level
            continue
        if factor not in FACTOR_SETTINGS:
            raise ValueError(f"{where}: unknown factor: expected one of {', '.join(FACTORS)}")
        settings = changes.setdefault(factor, {}).setdefault(name.strip(), {})
        if not setting:
            continue  # an alternative without settings: the nominal methodology
        if setting not in FACTOR_SETTINGS[factor]:
            raise ValueError(
                f"{where}: setting {setting!r} does not belong to {factor}: expected one of "
                f"{', '.join(FACTOR_SETTINGS[factor])}"
            )
        if setting in settings:
            raise ValueError(f"{where}: setting {setting!r} given twice")
        settings[setting] = parse_setting(setting, value, where)
    alternatives = {
        factor: tuple(Alternative(name, settings) for name, settings in by_name.items())
        for factor, by_name in changes.items()
    }
    return alternatives, noise


def design_from_tables(
    tables: Mapping[str, pl.DataFrame], version: str, methodology: Methodology
) -> UncertaintyDesign:
    """The version's design from the `uncertainty` and `uncertainty_alternatives` tables (cut
    to the version); the default design (weights +-25 % on every level, nothing else varied,
    10,000 random replications) when neither has rows for it."""
    design_rows = tables["uncertainty"].to_dicts() if "uncertainty" in tables else []
    alternative_rows = (
        tables["uncertainty_alternatives"].to_dicts()
        if "uncertainty_alternatives" in tables
        else []
    )
    if len(design_rows) > 1:
        raise ValueError(f"{DESIGN_FILE}: more than one row for version {version!r}")
    if not design_rows and not alternative_rows:
        return UncertaintyDesign()
    values = _parse_design_row(design_rows[0], version) if design_rows else {}
    alternatives, noise = _parse_alternatives(alternative_rows, version, methodology)
    return UncertaintyDesign(
        **values,  # type: ignore[arg-type]
        alternatives=alternatives,
        weight_noise=noise,
        configured=True,
    )


@dataclass(frozen=True)
class UncertaintySettings:
    """Run-time overrides of the configured design (None = as configured) and resources."""

    replications: int | None = None
    seed: int | None = None
    bootstrap_samples: int | None = None
    memory_budget_mb: int = 2048
    threads: int = 0  # 0: one per available core

    def __post_init__(self) -> None:
        if self.replications is not None and self.replications < 1:
            raise ValueError(f"UncertaintySettings.replications={self.replications}: expected >= 1")

    @classmethod
    def from_environment(cls, **overrides: object) -> UncertaintySettings:
        """Settings with the replication count and seed from `LEAP_MC_REPLICATIONS` and
        `LEAP_MC_SEED` when set (else the design's)."""
        values: dict[str, object] = {}
        for name, env in (("replications", REPLICATIONS_ENV), ("seed", SEED_ENV)):
            text = os.environ.get(env, "").strip()
            if text:
                try:
                    values[name] = int(text.replace("_", ""))
                except ValueError:
                    raise ValueError(f"{env}={text!r}: expected a whole number") from None
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReplicationPlan:
    """Every replication's methodology: a level of each discrete factor and a weight set.

    Random design: rows A (N), B (N), then AB_i for each varied factor i (N each); the weight
    set of a row is its own draw (A: 0..N-1, B: N..2N-1; AB_i takes B's when i is the weights).
    Factorial: replication r = w * C + c for weight draw w and combination c.
    """

    kind: str
    varied: tuple[str, ...]  # the factors varied, in FACTORS order
    levels: dict[str, np.ndarray]  # discrete factor -> (R,) level index
    weight_sets: np.ndarray  # (S, K) node-weight multipliers
    weight_index: np.ndarray  # (R,)
    base_samples: int  # N (random) or weight draws (factorial)
    combinations: int = 1  # factorial: C

    @property
    def replications(self) -> int:
        return len(self.weight_index)


def _noise_per_node(design: UncertaintyDesign, node_types: tuple[str, ...]) -> np.ndarray:
    if EVERY_LEVEL in design.weight_noise:
        return np.full(len(node_types), design.weight_noise[EVERY_LEVEL])
    unknown = sorted(set(design.weight_noise) - set(node_types))
    if unknown:
        raise ValueError(
            f"{ALTERNATIVES_FILE}: weights noise for framework level(s) {unknown}, which are "
            f"not node types of the framework ({', '.join(sorted(set(node_types)))})"
        )
    return np.array([design.weight_noise.get(kind, 0.0) for kind in node_types])


def draw_plan(
    design: UncertaintyDesign,
    node_types: tuple[str, ...],
    replications: int,
    seed: int,
    fixed: frozenset[str] = frozenset(),
) -> ReplicationPlan:
    """The replications of one run (at least `replications`); factors in `fixed` (e.g.
    imputation in a year without missing values) keep their first level."""
    noise = _noise_per_node(design, node_types)
    counts = {factor: len(design.levels(factor)) for factor in DISCRETE_FACTORS}
    varied = tuple(
        factor
        for factor in FACTORS
        if factor not in fixed and (noise.any() if factor == "weights" else counts[factor] > 1)
    )
    rng = np.random.default_rng(seed)
    if design.design == "factorial":
        return _factorial(varied, counts, noise, replications, rng)
    return _random(varied, counts, noise, replications, rng)


def _weight_draws(rng: np.random.Generator, draws: int, noise: np.ndarray) -> np.ndarray:
    """Multipliers 1 + noise * U(-1, 1) of each node's weight (COINr's get_noisy_weights)."""
    return 1.0 + noise * (2.0 * rng.random((draws, len(noise))) - 1.0)


def _random(varied, counts, noise, replications, rng) -> ReplicationPlan:
    d = len(varied)
    if d == 0:
        size = replications
        levels = {factor: np.zeros(size, dtype=np.int64) for factor in DISCRETE_FACTORS}
        return ReplicationPlan(
            "random", (), levels, np.ones((1, len(noise))), np.zeros(size, int), size
        )
    n = math.ceil(replications / (d + 2))
    base = rng.random((2 * n, d))
    a, b = base[:n], base[n:]
    blocks, weight_blocks = [a, b], [np.arange(n), n + np.arange(n)]
    for i, factor in enumerate(varied):
        mixed = a.copy()
        mixed[:, i] = b[:, i]
        blocks.append(mixed)
        weight_blocks.append(n + np.arange(n) if factor == "weights" else np.arange(n))
    sample = np.concatenate(blocks)
    levels = {}
    for factor in DISCRETE_FACTORS:
        if factor in varied:
            column = sample[:, varied.index(factor)]
            levels[factor] = np.minimum(
                (column * counts[factor]).astype(np.int64), counts[factor] - 1
            )
        else:
            levels[factor] = np.zeros(len(sample), dtype=np.int64)
    if "weights" in varied:
        weight_sets, weight_index = _weight_draws(rng, 2 * n, noise), np.concatenate(weight_blocks)
    else:
        weight_sets, weight_index = np.ones((1, len(noise))), np.zeros(len(sample), dtype=np.int64)
    return ReplicationPlan("random", varied, levels, weight_sets, weight_index, n)


def _factorial(varied, counts, noise, replications, rng) -> ReplicationPlan:
    discrete = [factor for factor in DISCRETE_FACTORS if factor in varied]
    combos = list(itertools.product(*(range(counts[factor]) for factor in discrete)))
    draws = math.ceil(replications / len(combos)) if "weights" in varied else 1
    size = draws * len(combos)
    levels = {factor: np.zeros(size, dtype=np.int64) for factor in DISCRETE_FACTORS}
    combo_array = np.array(combos, dtype=np.int64).reshape(len(combos), len(discrete))
    for i, factor in enumerate(discrete):
        levels[factor] = np.tile(combo_array[:, i], draws)
    weight_sets = (
        _weight_draws(rng, draws, noise) if "weights" in varied else np.ones((1, len(noise)))
    )
    weight_index = np.repeat(np.arange(draws), len(combos))
    return ReplicationPlan(
        "factorial", varied, levels, weight_sets, weight_index, draws, len(combos)
    )
