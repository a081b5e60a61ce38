"""Which methodological choice drives the variance of the ranks: variance-based indices.

For a unit's rank Y and a factor X_i (weights, normalisation, aggregation or imputation), with
the factors independent:

- first-order index  S_i  = Var(E[Y | X_i]) / Var(Y): the share of the rank's variance the
  choice explains on its own;
- total-effect index ST_i = E[Var(Y | X_~i)] / Var(Y): its share including its interactions
  with the other choices (1 - ST_i is what remains when only X_i is fixed).

The crossed design (`design.py`) makes these direct averages rather than estimates from bins:
E[Y | weight draw] is the mean over that draw's combinations of the discrete choices;
E[Y | level of a discrete choice] the mean over all replications at that level; Var(Y | X_~i)
for a discrete choice the variance across its levels with the weight draw and the other
choices fixed, and for the weights the variance across weight draws with the discrete choices
fixed. The only sampling error is that of the weight draws.

Province-wide indices pool the units: the sum over units of each part over the sum of the
ranks' variances, i.e. the share of all rank variance the choice explains, so that units whose
rank never moves do not dilute the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class VarianceParts:
    """Per unit: the rank variance and, per factor, its first-order and total-effect parts.

    Factors are in `factors` order; arrays are (factors, units) and (units,).
    """

    factors: tuple[str, ...]
    variance: np.ndarray
    first_order: np.ndarray
    total_effect: np.ndarray

    def indices(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-unit first-order and total-effect indices (0 where the rank never varies)."""
        safe = np.where(self.variance > 0, self.variance, 1.0)
        return self.first_order / safe, self.total_effect / safe

    def pooled(self) -> tuple[np.ndarray, np.ndarray]:
        """Province-wide first-order and total-effect indices (variance-weighted over units)."""
        total = self.variance.sum()
        if total <= 0:
            zeros = np.zeros(len(self.factors))
            return zeros, zeros
        return self.first_order.sum(axis=1) / total, self.total_effect.sum(axis=1) / total


def variance_parts(ranks: np.ndarray, factors: tuple[str, ...]) -> VarianceParts:
    """Decompose the variance of each unit's rank.

    `ranks` is (weight draws, levels of factor 2, ..., levels of factor F, units): axis 0 is the
    weights, the next axes the discrete choices in `factors[1:]` order. Uses
    Var(E[Y | X_i]) = E[E[Y | X_i]^2] and E[Var(Y | X_~i)] = E[Y^2] - E[E[Y | X_~i]^2] on ranks
    centred per unit, one pass over the ranks per term.
    """
    factor_axes = tuple(range(ranks.ndim - 1))
    centred = ranks - ranks.mean(axis=factor_axes, dtype=np.float64)
    variance = np.square(centred).mean(axis=factor_axes)
    first, total = [], []
    for axis in factor_axes:
        others = tuple(a for a in factor_axes if a != axis)
        first.append(np.square(centred.mean(axis=others)).mean(axis=0))
        given_others = centred.mean(axis=axis)  # E[Y | every factor but this one]
        total.append(variance - np.square(given_others).mean(axis=tuple(range(ranks.ndim - 2))))
    return VarianceParts(
        factors=factors,
        variance=variance,
        first_order=np.array(first),
        total_effect=np.maximum(np.array(total), 0.0),
    )
