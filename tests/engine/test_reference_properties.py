"""Properties of the reference implementation's methods, on generated trees and data
(hypothesis). The dbt engine is checked against this reference on generated datasets
(test_engine_against_reference.py), so these properties hold for it too."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scored_trees())
def test_contributions_add_up_to_the_total(tree) -> None:
    version, results, leaves = tree
    total = results.units[(2020, "u")]["total_points"]
    parts = [results.nodes[(2020, "u", code)]["contribution_points"] for code in leaves]
    if total is None:
        assert all(part is None for part in parts)
    else:
        assert math.isclose(sum(parts), total, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 1000), min_size=6, max_size=60),
    st.lists(st.floats(1000, 1e6), min_size=0, max_size=8),
    st.sampled_from(["winsorise", "winsorise_log", "log"]),
    st.integers(1, 6),
)
def test_outlier_treatment(body, tail, method, winsorise_max) -> None:
    values = body + tail
    treatment = outlier_treatment(values, method, 2.0, 3.5, winsorise_max)
    treated = np.array([treatment.apply(v) for v in values])
    if not has_outliers(np.array(values), 2.0, 3.5):
        assert treatment.applied == "none"
    elif treatment.applied == "winsorised":
        assert 1 <= treatment.count <= winsorise_max
        assert treated.min() >= min(values) and treated.max() <= max(values)
        assert sum(1 for v in values if v != treatment.apply(v)) <= treatment.count
        if method == "winsorise_log":
            assert not has_outliers(treated, 2.0, 3.5)
    else:
        assert treatment.applied == "log"
        assert method != "winsorise"
        order = np.argsort(values, kind="stable")
        assert np.all(np.diff(treated[order]) >= -1e-12)
        assert all(
            math.isclose(treatment.invert(t), v, rel_tol=1e-9, abs_tol=1e-9)
            for t, v in zip(treated, values, strict=True)
        )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([10.0, 20.0, 30.0, 40.0, 55.5]), min_size=1, max_size=30))
def test_rank_tie_rules(totals) -> None:
    values = [(f"u{i:02d}", t) for i, t in enumerate(totals)]
    ranks = {rule: _rank(values, rule) for rule in ("min", "max", "dense", "first")}
    for code, total in values:
        assert 1 <= ranks["dense"][code] <= ranks["min"][code] <= ranks["first"][code]
        assert ranks["first"][code] <= ranks["max"][code] <= len(values)
        assert ranks["min"][code] == 1 + sum(1 for _, t in values if t > total)
    assert sorted(ranks["first"].values()) == list(range(1, len(values) + 1))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(-100, 100), min_size=2, max_size=40),
    st.sampled_from(["goalposts", "minmax", "rank", "percentile", "distance_to_target"]),
)
def test_bounded_normalisations_stay_in_the_unit_interval_and_mirror(values, method) -> None:
    if method == "distance_to_target":
        values = [abs(v) + 0.1 for v in values]
    scale = Scale(
        lower=min(values) - 1,
        upper=max(values) + 1,
        count=len(values),
        target=float(np.median(values)),
    )
    if method == "minmax":
        scale.lower, scale.upper = min(values), max(values)
    up = Indicator("i", "x", None, 1, "+", "none", method, ["none"], "none", None, None, None)
    down = Indicator("i", "x", None, 1, "-", "none", method, ["none"], "none", None, None, None)
    for value in values:
        higher = normalised(value, up, scale, values)
        lower = normalised(value, down, scale, values)
        assert 0.0 <= higher <= 1.0 and 0.0 <= lower <= 1.0
        if method in ("goalposts", "minmax") and scale.upper > scale.lower:
            assert math.isclose(higher + lower, 1.0, abs_tol=1e-12)
