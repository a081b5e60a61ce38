"""Properties of the reference implementation's methods, on generated trees and data
(hypothesis). The dbt engine is checked against this reference on generated datasets
(test_engine_against_reference.py), so these properties hold for it too."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import rankdata

from tests.engine.reference import (
    Indicator,
    Node,
    Results,
    Scale,
    Version,
    _aggregate_unit,
    _rank,
    has_outliers,
    normalised,
    outlier_treatment,
    targets,
    tied_rank,
)

AGGREGATIONS = ["weighted_arithmetic", "weighted_geometric"]
MISSING_RULES = ["zero", "propagate", "reweight"]


@st.composite
def scored_trees(draw):
    """A random framework (2-4 levels below the index, mixed aggregations), one missing rule,
    and one unit's normalised indicator scores (some missing, some zero)."""
    nodes = {"ROOT": Node("ROOT", None, "index", 100.0, draw(st.sampled_from(AGGREGATIONS)))}
    frontier = ["ROOT"]
    leaves = []
    depth = draw(st.integers(2, 4))
    for level in range(1, depth + 1):
        next_frontier = []
        for parent in frontier:
            for i in range(draw(st.integers(1, 3))):
                code = f"{parent}.{i}"
                is_leaf = level == depth or draw(st.booleans()) and level > 1
                node = Node(
                    code,
                    parent,
                    "indicator" if is_leaf else "pillar",
                    draw(st.sampled_from([1.0, 2.0, 3.0, 0.5])),
                    draw(st.sampled_from(AGGREGATIONS)),
                )
                nodes[code] = node
                nodes[parent].children.append(code)
                (leaves if is_leaf else next_frontier).append(code)
        frontier = next_frontier
    for code in frontier:  # inner nodes left without children become indicators
        nodes[code].node_type = "indicator"
        leaves.append(code)
    nodes["ROOT"].points = 100.0
    stack = ["ROOT"]
    while stack:
        parent = nodes[stack.pop()]
        total = sum(nodes[c].weight for c in parent.children)
        for child in parent.children:
            nodes[child].points = parent.points * nodes[child].weight / total
            nodes[child].depth = parent.depth + 1
            stack.append(child)
    rule = draw(st.sampled_from(MISSING_RULES))
    version = Version("v", 2020, 2020, 1, {"missing_values": rule}, nodes, "ROOT", {}, [])
    results = Results()
    for code in leaves:
        score = draw(st.one_of(st.none(), st.just(0.0), st.floats(0.01, 1.0)))
        results.indicators[(2020, "u", code)] = {
            "normalised_value": score,
            "indicator_points": None if score is None else nodes[code].points * score,
        }
    _aggregate_unit(2020, "u", version, results)
    return version, results, leaves


@given(scored_trees())
def test_contributions_add_up_to_the_total(tree) -> None:
    version, results, leaves = tree
    total = results.units[(2020, "u")]["total_points"]
    parts = [results.nodes[(2020, "u", code)]["contribution_points"] for code in leaves]
    if total is None:
        assert all(part is None for part in parts)
    else:
        assert math.isclose(sum(parts), total, rel_tol=1e-9, abs_tol=1e-9)


@given(scored_trees(), st.floats(0.05, 1.5))
def test_an_indicator_at_its_target_brings_the_total_to_the_target(tree, rise) -> None:
    """Everything else unchanged, an indicator scoring its target points makes the total
    exactly the target (the inversion of every aggregation on the path is exact)."""
    version, results, leaves = tree
    unit = results.units[(2020, "u")]
    if unit["total_points"] is None or unit["total_points"] <= 0:
        return
    unit["target"] = unit["total_points"] * (1 + rise)
    unit["version"] = version
    for code, needed in targets(results).items():
        if needed is None or needed < 0:
            continue
        node = version.nodes[code[2]]
        changed = Results(indicators=dict(results.indicators))
        changed.indicators[code] = {
            "normalised_value": needed / node.points,
            "indicator_points": needed,
        }
        _aggregate_unit(2020, "u", version, changed)
        assert math.isclose(
            changed.units[(2020, "u")]["total_points"], unit["target"], rel_tol=1e-7
        )


@given(
    st.lists(st.floats(0, 1000), min_size=6, max_size=60),
    st.lists(st.floats(1000, 1e6), min_size=0, max_size=8),
    st.lists(st.floats(-1e5, -1000), min_size=0, max_size=3),
    st.sampled_from(["winsorise", "winsorise_log", "log"]),
    st.integers(1, 6),
    st.sampled_from(["one_sided", "iterative"]),
    st.sampled_from(["log_ct", "log_ct_mirrored"]),
)
def test_outlier_treatment(
    body, tail, low_tail, method, winsorise_max, winsorisation, log_transform
) -> None:
    values = body + tail + low_tail
    treatment = outlier_treatment(
        values, method, 2.0, 3.5, winsorise_max, winsorisation, log_transform
    )
    treated = np.array([treatment.apply(v) for v in values])
    if not has_outliers(np.array(values), 2.0, 3.5):
        assert treatment.applied == "none"
    elif treatment.applied == "winsorised":
        assert 1 <= treatment.count <= winsorise_max
        assert treatment.count == treatment.low_count + treatment.high_count
        if winsorisation == "one_sided":
            assert (treatment.low_count if treatment.direction > 0 else treatment.high_count) == 0
        assert treated.min() >= min(values) and treated.max() <= max(values)
        assert sum(1 for v in values if v != treatment.apply(v)) <= treatment.count
        if method == "winsorise_log":
            assert not has_outliers(treated, 2.0, 3.5)
    else:
        assert treatment.applied == "log"
        assert method != "winsorise"
        mirrored = log_transform == "log_ct_mirrored" and treatment.direction < 0
        assert treatment.log_direction == (-1 if mirrored else 1)
        order = np.argsort(values, kind="stable")
        assert np.all(np.diff(treated[order]) >= -1e-12)
        assert all(
            math.isclose(treatment.invert(t), v, rel_tol=1e-9, abs_tol=1e-6)
            for t, v in zip(treated, values, strict=True)
        )


@pytest.mark.parametrize(
    ("winsorisation", "expected"),
    [("iterative", ("winsorised", 1, 1, 0.0, 7.0)), ("one_sided", ("winsorised", 0, 5, None, 3.0))],
)
def test_iterative_winsorisation_rereads_the_side_of_the_skew(winsorisation, expected) -> None:
    """0..7, 60 and -20: after 60 is winsorised the skew is to the left (COINr's winsorise then
    winsorises -20); one-sided winsorisation keeps capping the top."""
    values = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 60.0, -20.0]
    treatment = outlier_treatment(values, "winsorise", 2.0, 3.5, 5, winsorisation)
    result = (
        treatment.applied,
        treatment.low_count,
        treatment.high_count,
        treatment.lower_cap,
        treatment.upper_cap,
    )
    assert result == expected


@given(st.lists(st.sampled_from([10.0, 20.0, 30.0, 40.0, 55.5]), min_size=1, max_size=30))
def test_rank_tie_rules(totals) -> None:
    values = [(f"u{i:02d}", t) for i, t in enumerate(totals)]
    ranks = {rule: _rank(values, rule) for rule in ("min", "max", "dense", "first")}
    for code, total in values:
        assert 1 <= ranks["dense"][code] <= ranks["min"][code] <= ranks["first"][code]
        assert ranks["first"][code] <= ranks["max"][code] <= len(values)
        assert ranks["min"][code] == 1 + sum(1 for _, t in values if t > total)
    assert sorted(ranks["first"].values()) == list(range(1, len(values) + 1))


@given(
    st.lists(st.floats(-100, 100), min_size=2, max_size=40),
    st.sampled_from(["goalposts", "minmax", "rank", "percentile", "distance_to_target"]),
    st.sampled_from([(0.0, 1.0), (1.0, 100.0), (-5.0, 5.0)]),
    st.sampled_from(["min", "mean", "dense"]),
)
def test_bounded_normalisations_stay_on_their_scale_and_mirror(
    values, method, bounds, ties
) -> None:
    if method == "distance_to_target":
        values = [abs(v) + 0.1 for v in values]
    low, high = bounds
    scale = Scale(
        lower=min(values) - 1,
        upper=max(values) + 1,
        count=len(values),
        distinct=len(set(values)),
        target=float(np.median(values)),
        normalised_lower=low,
        normalised_upper=high,
        ties=ties,
    )
    if method == "minmax":
        scale.lower, scale.upper = min(values), max(values)
    up = Indicator("i", "x", None, 1, "+", "none", method, ["none"], "none", None, None, None)
    down = Indicator("i", "x", None, 1, "-", "none", method, ["none"], "none", None, None, None)
    for value in values:
        higher = normalised(value, up, scale, values)
        lower = normalised(value, down, scale, values)
        assert low - 1e-9 <= higher <= high + 1e-9 and low - 1e-9 <= lower <= high + 1e-9
        if method in ("goalposts", "minmax") and scale.upper > scale.lower:
            assert math.isclose(higher + lower, low + high, abs_tol=1e-9)


@given(st.lists(st.sampled_from([1.0, 2.0, 2.5, 7.0, 9.0]), min_size=2, max_size=30))
def test_normalisation_tie_rules(values) -> None:
    """Raw ranks (1 = worst): dense <= min <= mean, min-ranks as R's rank(ties = "min"), the
    mean of a tie's ranks as R's "average", dense ranks counting distinct values below."""
    ranks = {
        ties: [tied_rank(v, values, ties) for v in values] for ties in ("min", "mean", "dense")
    }
    expected_mean = rankdata(values, method="average")
    np.testing.assert_allclose(ranks["mean"], expected_mean)
    np.testing.assert_allclose(ranks["min"], rankdata(values, method="min"))
    np.testing.assert_allclose(ranks["dense"], rankdata(values, method="dense"))
