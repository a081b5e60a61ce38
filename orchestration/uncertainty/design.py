"""The Monte Carlo design: which methodology each replication uses, drawn once from a seed.

The replications cross weight draws with every combination of the discrete choices
(normalisation x aggregation x imputation): each weight draw is scored under all of them. This
stratified design gives the same rank distributions as drawing every choice at random, with
less noise, and it makes the variance decomposition of `sensitivity.py` exact in the discrete
choices: the mean over a weight draw's combinations is E[rank | weights], the variance across
one factor's levels with everything else fixed is that factor's part of a total effect.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass

import numpy as np

NORMALISATIONS = ("goalposts", "min_max", "z_score", "rank")
AGGREGATIONS = ("arithmetic", "geometric")
IMPUTATIONS = ("zero", "mean", "median")
# Normalisations whose scale is relative to the year's units (no absolute level).
RELATIVE_NORMALISATIONS = frozenset({"min_max", "z_score", "rank"})

FACTORS = ("weights", "normalisation", "aggregation", "imputation")
REPLICATIONS_ENV = "LEAP_MC_REPLICATIONS"
SEED_ENV = "LEAP_MC_SEED"
DEFAULT_REPLICATIONS = 10_000
DEFAULT_SEED = 20_180_101


@dataclass(frozen=True)
class UncertaintySettings:
    """The alternatives the uncertainty analysis samples and how many replications it runs.

    The first level of each choice is the nominal methodology (Hebei: fixed goalposts, points
    added up, a missing indicator scores zero).
    """

    replications: int = DEFAULT_REPLICATIONS
    weight_perturbation: float = 0.25
    normalisations: tuple[str, ...] = NORMALISATIONS
    aggregations: tuple[str, ...] = AGGREGATIONS
    imputations: tuple[str, ...] = IMPUTATIONS
    geometric_floor: float = 0.01
    relative_on_absolute_scale: bool = True
    seed: int = DEFAULT_SEED
    memory_budget_mb: int = 2048
    threads: int = 0  # 0: one per available core

    def __post_init__(self) -> None:
        checks = (
            ("normalisations", self.normalisations, NORMALISATIONS),
            ("aggregations", self.aggregations, AGGREGATIONS),
            ("imputations", self.imputations, IMPUTATIONS),
        )
        for name, chosen, known in checks:
            unknown = [level for level in chosen if level not in known]
            if not chosen or unknown or len(set(chosen)) != len(chosen):
                raise ValueError(
                    f"UncertaintySettings.{name}={chosen!r}: expected distinct values from {known}"
                )
        if not 0 <= self.weight_perturbation < 1:
            raise ValueError(
                f"UncertaintySettings.weight_perturbation={self.weight_perturbation}: expected "
                "a fraction in [0, 1) (0.25 draws each weight from 75% to 125% of nominal)"
            )
        if self.replications < 1:
            raise ValueError(f"UncertaintySettings.replications={self.replications}: expected >= 1")
        if not 0 < self.geometric_floor < 1:
            raise ValueError(
                f"UncertaintySettings.geometric_floor={self.geometric_floor}: expected (0, 1)"
            )

    @classmethod
    def from_environment(cls, **overrides: object) -> UncertaintySettings:
        """Settings with the replication count and seed from `LEAP_MC_REPLICATIONS` and
        `LEAP_MC_SEED` (defaults 10,000 and a fixed seed)."""
        values: dict[str, object] = {}
        for name, env, default in (
            ("replications", REPLICATIONS_ENV, DEFAULT_REPLICATIONS),
            ("seed", SEED_ENV, DEFAULT_SEED),
        ):
            text = os.environ.get(env, "").strip()
            try:
                values[name] = int(text.replace("_", "")) if text else default
            except ValueError:
                raise ValueError(f"{env}={text!r}: expected a whole number") from None
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReplicationDesign:
    """Every replication's methodology: replication r = (weight draw w, combination c) with
    r = w * len(combinations) + c."""

    weight_multipliers: np.ndarray  # (W, K): node weight multipliers of each weight draw
    combinations: tuple[tuple[str, str, str], ...]  # (normalisation, aggregation, imputation)
    levels: dict[str, tuple[str, ...]]  # levels of each discrete factor, in product order

    @property
    def weight_draws(self) -> int:
        return self.weight_multipliers.shape[0]

    @property
    def replications(self) -> int:
        return self.weight_draws * len(self.combinations)


def draw_design(
    settings: UncertaintySettings, node_count: int, has_missing_values: bool = True
) -> ReplicationDesign:
    """The replications of one run: at least `settings.replications`, rounded up to whole
    weight draws. Imputation is left out (its nominal level only) when nothing is missing,
    since it cannot change anything then."""
    imputations = settings.imputations if has_missing_values else settings.imputations[:1]
    levels = {
        "normalisation": settings.normalisations,
        "aggregation": settings.aggregations,
        "imputation": imputations,
    }
    combinations = tuple(itertools.product(*levels.values()))
    draws = math.ceil(settings.replications / len(combinations))
    rng = np.random.default_rng(settings.seed)
    spread = settings.weight_perturbation
    multipliers = rng.uniform(1 - spread, 1 + spread, size=(draws, node_count))
    return ReplicationDesign(multipliers, combinations, levels)
