"""An independent reference implementation of the scoring engine, in plain Python and numpy.

It reads a dataset folder (the configuration CSVs and values.csv) and computes, from the
specification in docs/methodology.md and without any of the dbt models' SQL, every number the
marts hold: indicator values, imputations, transforms, outlier treatment, normalised values,
points, node scores, totals, ranks, classes, contributions, targets and transitions. Written
for clarity over speed: loops over years, units and nodes.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SCORE_DECIMALS = 9


# -- configuration -------------------------------------------------------------------------------


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file as dicts of stripped strings (empty cells as '')."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _num(text: str, default: float | None = None) -> float | None:
    return float(text) if text != "" else default


@dataclass
class Node:
    code: str
    parent: str | None
    node_type: str
    weight: float
    aggregation: str
    children: list[str] = field(default_factory=list)
    points: float = 0.0
    depth: int = 0


@dataclass
class Indicator:
    code: str
    numerator: str
    denominator: str | None
    multiplier: float
    direction: str
    transform: str
    normalisation: str
    imputation: list[str]
    outlier_treatment: str
    lower: float | None
    upper: float | None
    target: float | None


@dataclass
class Version:
    code: str
    first_year: int
    last_year: int
    lag: int
    settings: dict[str, str]
    nodes: dict[str, Node]
    root: str
    indicators: dict[str, Indicator]
    cutoffs: list[tuple[str, float, int]]  # (class, min_score, class_rank)

    @property
    def missing_values(self) -> str:
        return self.settings["missing_values"] or "zero"

    def setting(self, name: str, default: str) -> str:
        return self.settings.get(name) or default


def load_versions(folder: Path) -> list[Version]:
    """Every methodology version with its framework, indicators, goalposts and cut-offs."""
    framework = read_rows(folder / "framework.csv")
    indicators = read_rows(folder / "indicators.csv")
    goalposts = {
        (r["methodology_version"], r["indicator_code"]): r
        for r in read_rows(folder / "goalposts.csv")
    }
    cutoffs = read_rows(folder / "class_cutoffs.csv")
    versions = []
    for m in read_rows(folder / "methodology.csv"):
        code = m["methodology_version"]
        default_aggregation = m["aggregation"] or "weighted_arithmetic"
        nodes = {
            r["node_code"]: Node(
                r["node_code"],
                r["parent_code"] or None,
                r["node_type"],
                float(r["weight"]),
                r.get("aggregation") or default_aggregation,
            )
            for r in framework
            if r["methodology_version"] == code
        }
        for node in nodes.values():
            if node.parent:
                nodes[node.parent].children.append(node.code)
        root = next(n.code for n in nodes.values() if n.parent is None)
        nodes[root].points = nodes[root].weight
        stack = [root]
        while stack:
            parent = nodes[stack.pop()]
            total = sum(nodes[c].weight for c in parent.children)
            for child_code in parent.children:
                child = nodes[child_code]
                child.points = parent.points * child.weight / total
                child.depth = parent.depth + 1
                stack.append(child_code)
        indicator_map = {}
        for r in indicators:
            if r["methodology_version"] != code:
                continue
            g = goalposts.get((code, r["indicator_code"]), {})
            indicator_map[r["indicator_code"]] = Indicator(
                code=r["indicator_code"],
                numerator=r["numerator_variable"],
                denominator=r["denominator_variable"] or None,
                multiplier=_num(r["multiplier"], 1.0),
                direction=r["direction"] or "+",
                transform=r["transform"] or "none",
                normalisation=r.get("normalisation") or m["normalisation"] or "goalposts",
                imputation=(r.get("imputation") or m["imputation"] or "none")
                .replace(" ", "")
                .split(">"),
                outlier_treatment=r.get("outlier_treatment") or m["outlier_treatment"] or "none",
                lower=_num(g.get("lower_goalpost", "")),
                upper=_num(g.get("upper_goalpost", "")),
                target=_num(g.get("target_value", "")),
            )
        versions.append(
            Version(
                code=code,
                first_year=int(m["first_evaluation_year"]),
                last_year=int(m["last_evaluation_year"]) if m["last_evaluation_year"] else 9999,
                lag=int(m["data_year_lag"]),
                settings=m,
                nodes=nodes,
                root=root,
                indicators=indicator_map,
                cutoffs=[
                    (r["class_code"], float(r["min_score"]), int(r["class_rank"]))
                    for r in cutoffs
                    if r["methodology_version"] == code
                ],
            )
        )
    return versions


# -- the methods, one value or one vector at a time ---------------------------------------------


def transformed(value: float | None, transform: str) -> float | None:
    if value is None:
        return None
    if transform == "log":
        return math.log(value) if value > 0 else None
    if transform == "log1p":
        return math.log1p(value) if value > -1 else None
    if transform == "sqrt":
        return math.sqrt(value) if value >= 0 else None
    return value


def untransformed(value: float | None, transform: str) -> float | None:
    if value is None:
        return None
    if transform == "log":
        return math.exp(value)
    if transform == "log1p":
        return math.exp(value) - 1
    if transform == "sqrt":
        return value * value if value >= 0 else None
    return value


def skewness(x: np.ndarray) -> float | None:
    """Sample skewness (Excel's SKEW): n / ((n-1)(n-2)) * sum(((x - mean) / sd)^3)."""
    n = len(x)
    if n < 3:
        return None
    sd = np.std(x, ddof=1)
    if sd == 0:
        return None
    return float(n / ((n - 1) * (n - 2)) * np.sum(((x - x.mean()) / sd) ** 3))


def kurtosis(x: np.ndarray) -> float | None:
    """Sample excess kurtosis (Excel's KURT)."""
    n = len(x)
    if n < 4:
        return None
    sd = np.std(x, ddof=1)
    if sd == 0:
        return None
    s4 = np.sum(((x - x.mean()) / sd) ** 4)
    return float(
        n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * s4 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    )


def has_outliers(x: np.ndarray, skew_max: float, kurt_max: float) -> bool:
    s, k = skewness(x), kurtosis(x)
    return s is not None and k is not None and abs(s) > skew_max and k > kurt_max


@dataclass
class Treatment:
    applied: str = "none"
    direction: int = 1  # the original skew's side
    count: int | None = None
    low_count: int | None = None
    high_count: int | None = None
    lower_cap: float | None = None
    upper_cap: float | None = None
    log_direction: int = 1
    low: float = 0.0
    high: float = 0.0
    shift: float = 0.0

    @property
    def cap(self) -> float | None:
        """The cap on the side of the original skew."""
        return self.upper_cap if self.direction > 0 else self.lower_cap

    def apply(self, value: float | None) -> float | None:
        if value is None:
            return None
        if self.applied == "winsorised":
            if self.lower_cap is not None:
                value = max(value, self.lower_cap)
            if self.upper_cap is not None:
                value = min(value, self.upper_cap)
            return value
        if self.applied == "log":
            if self.log_direction > 0:
                return math.log(value - self.low + self.shift)
            return -math.log(self.high + self.shift - value)
        return value

    def invert(self, value: float | None) -> float | None:
        if value is None or self.applied != "log":
            return value
        if self.log_direction > 0:
            return math.exp(value) + self.low - self.shift
        return self.high + self.shift - math.exp(-value)


def outlier_treatment(
    values: list[float],
    method: str,
    skew_max: float,
    kurt_max: float,
    winsorise_max: int,
    winsorisation: str = "one_sided",
    log_transform: str = "log_ct_mirrored",
) -> Treatment:
    """COINr-style treatment decided on the year's values of one indicator: winsorise one point
    at a time (the most extreme set to the next value inwards) on the original skew's side
    (one_sided) or on the side the skew has after the last point (iterative, as COINr's
    winsorise), until within the thresholds or `winsorise_max` points; else keep the last
    winsorisation (winsorise) or log-transform the original values (winsorise_log, log)."""
    x = np.array(values, dtype=float)
    if method == "none" or not has_outliers(x, skew_max, kurt_max):
        return Treatment()
    direction = -1 if skewness(x) < 0 else 1
    low, high = float(x.min()), float(x.max())
    log = Treatment(
        "log",
        direction,
        log_direction=1 if log_transform == "log_ct" else direction,
        low=low,
        high=high,
        shift=(high - low) / 100,
    )
    if method == "log":
        return log
    ordered = sorted(x)  # position p (from 0) = the (p + 1)-th smallest
    low_count = high_count = 0
    chosen = None
    treated = x
    for _ in range(min(winsorise_max, len(ordered) - 1)):
        skew_now = skewness(treated)
        side = direction if winsorisation != "iterative" else (-1 if (skew_now or 0) < 0 else 1)
        if side > 0:
            high_count += 1
        else:
            low_count += 1
        lower = ordered[low_count] if low_count else None
        upper = ordered[len(ordered) - 1 - high_count] if high_count else None
        chosen = Treatment(
            "winsorised",
            direction,
            low_count + high_count,
            low_count,
            high_count,
            lower,
            upper,
        )
        treated = np.array([chosen.apply(v) for v in x])
        if not has_outliers(treated, skew_max, kurt_max):
            return chosen
    if method == "winsorise" and chosen is not None:
        return chosen
    return log


@dataclass
class Scale:
    lower: float | None = None
    upper: float | None = None
    mean: float | None = None
    sd: float | None = None
    target: float | None = None
    count: int = 0
    distinct: int = 0
    best: float = 1.0  # the best normalised value the year's scale gives
    normalised_lower: float = 0.0
    normalised_upper: float = 1.0
    zscore_mean: float = 0.0
    zscore_sd: float = 1.0
    rank_scale: str = "scaled"
    ties: str = "min"


def tied_rank(value: float, others: list[float], ties: str) -> float:
    """Rank of `value` among `others` (1 = the lowest) by the tie rule: min, mean or dense."""
    below = sum(1 for v in others if v < value)
    same = sum(1 for v in others if v == value)
    if ties == "mean":
        return below + (same + 1) / 2
    if ties == "dense":
        return len({v for v in others if v < value}) + 1
    return below + 1


def normalised(
    value: float | None, ind: Indicator, scale: Scale, others: list[float]
) -> float | None:
    """The normalised value of one treated value; `others` are the year's treated values."""
    if value is None:
        return None
    good = (lambda v: -v) if ind.direction == "-" else (lambda v: v)
    method = ind.normalisation
    if method == "zscore":
        z = 0.0 if not scale.sd or scale.sd <= 0 else (good(value) - good(scale.mean)) / scale.sd
        return scale.zscore_mean + scale.zscore_sd * z
    if method == "rank":
        rank = tied_rank(good(value), [good(v) for v in others], scale.ties)
        if scale.rank_scale == "raw":
            return rank
        top = scale.distinct if scale.ties == "dense" else scale.count
        share = (rank - 1) / (top - 1) if top > 1 else 1.0
    elif method == "percentile":
        share = sum(1 for v in others if good(v) <= good(value)) / scale.count
    elif method == "distance_to_target":
        if ind.direction == "-":
            share = 1.0 if value <= scale.target else scale.target / value
        else:
            share = max(0.0, min(1.0, value / scale.target))
    elif scale.upper > scale.lower:
        share = (value - scale.lower) / (scale.upper - scale.lower)
        if ind.direction == "-":
            share = (scale.upper - value) / (scale.upper - scale.lower)
        share = max(0.0, min(1.0, share))
    else:
        share = 1.0
    return scale.normalised_lower + (scale.normalised_upper - scale.normalised_lower) * share


def denormalised(score: float, ind: Indicator, scale: Scale) -> float | None:
    method = ind.normalisation
    if method in ("rank", "percentile"):
        return None
    if method == "zscore":
        z = (score - scale.zscore_mean) / scale.zscore_sd
        return scale.mean - z * scale.sd if ind.direction == "-" else scale.mean + z * scale.sd
    share = (score - scale.normalised_lower) / (scale.normalised_upper - scale.normalised_lower)
    if method == "distance_to_target":
        if ind.direction == "-":
            return scale.target / share if share > 0 else None
        return share * scale.target
    span = scale.upper - scale.lower
    return scale.upper - share * span if ind.direction == "-" else scale.lower + share * span


# -- the registry of units -----------------------------------------------------------------------


@dataclass
class Registry:
    units: list[dict[str, str]]
    changes: list[dict[str, str]]

    def units_in(self, data_year: int) -> dict[str, dict[str, str]]:
        found = {}
        for u in self.units:
            start = int(u["valid_from_data_year"]) if u["valid_from_data_year"] else None
            end = int(u["valid_to_data_year"]) if u["valid_to_data_year"] else None
            if (start is None or start <= data_year) and (end is None or data_year <= end):
                found[u["unit_code"]] = u
        return found

    def predecessor(self, code: str, previous_codes: set[str]) -> str | None:
        if code in previous_codes:
            return code
        for change in self.changes:
            if (
                change["new_code"] == code
                and change["change_type"] != "abolished_merged"
                and change["old_code"] in previous_codes
            ):
                return change["old_code"]
        return None


# -- the engine ----------------------------------------------------------------------------------


@dataclass
class Results:
    """Everything computed, keyed by (evaluation_year, unit_code[, code])."""

    indicators: dict[tuple[int, str, str], dict] = field(default_factory=dict)
    nodes: dict[tuple[int, str, str], dict] = field(default_factory=dict)
    units: dict[tuple[int, str], dict] = field(default_factory=dict)
    treatments: dict[tuple[int, str], Treatment] = field(default_factory=dict)
    scales: dict[tuple[int, str], Scale] = field(default_factory=dict)


def score_dataset(folder: Path) -> Results:
    """Score every evaluation year of a dataset folder."""
    versions = load_versions(folder)
    registry = Registry(read_rows(folder / "units.csv"), read_rows(folder / "unit_changes.csv"))
    raw: dict[tuple[int, str, str], float | None] = {}
    for r in read_rows(folder / "values.csv"):
        raw[(int(r["data_year"]), r["unit_code"], r["variable_code"])] = _num(r["value"])
    data_years = sorted({key[0] for key in raw})
    years: dict[int, tuple[int, Version]] = {}
    for data_year in data_years:
        for version in versions:
            if version.first_year <= data_year + version.lag <= version.last_year:
                years[data_year + version.lag] = (data_year, version)
    results = Results()
    lineage: dict[tuple[int, str], str] = {}
    units_of_year: dict[int, dict[str, dict[str, str]]] = {}
    predecessors: dict[tuple[int, str], str] = {}
    for year in sorted(years):
        data_year, version = years[year]
        units = registry.units_in(data_year)
        units_of_year[year] = units
        previous = set(units_of_year.get(year - 1, {}))
        for code in units:
            pred = registry.predecessor(code, previous)
            if pred is not None:
                predecessors[(year, code)] = pred
                lineage[(year, code)] = lineage[(year - 1, pred)]
            else:
                lineage[(year, code)] = f"{code}@{year}"
    raw_indicator: dict[tuple[int, str, str], float | None] = {}
    for year in sorted(years):
        data_year, version = years[year]
        for code in units_of_year[year]:
            for ind in version.indicators.values():
                num = raw.get((data_year, code, ind.numerator))
                den = raw.get((data_year, code, ind.denominator)) if ind.denominator else None
                if num is None or (ind.denominator and (den is None or den == 0)):
                    value = None
                elif ind.denominator:
                    value = ind.multiplier * num / den
                else:
                    value = ind.multiplier * num
                raw_indicator[(year, code, ind.code)] = value
    treated_rows = {
        year: _treat_year(year, years, units_of_year, raw_indicator, lineage, results)
        for year in sorted(years)
    }
    pooled: dict[tuple[str, str], list[float]] = defaultdict(list)
    for year, by_indicator in treated_rows.items():
        for ind_code, rows in by_indicator.items():
            pooled[(years[year][1].code, ind_code)].extend(
                r["treated_value"] for r in rows.values() if r["treated_value"] is not None
            )
    for year in sorted(years):
        _normalise_year(year, years, units_of_year, treated_rows[year], pooled, results)
    groups = {u["unit_code"]: u["group_code"] for u in registry.units}
    for (_, code), unit in results.units.items():
        unit["group"] = groups[code]
    _rank_and_class(years, results)
    for (year, code), unit in results.units.items():
        unit["predecessor"] = predecessors.get((year, code))
        unit["lineage"] = lineage[(year, code)]
    _transitions(results)
    return results


def _treat_year(year, years, units_of_year, raw_indicator, lineage, results) -> dict[str, dict]:
    """Imputation, transform and outlier treatment of every indicator of one year."""
    data_year, version = years[year]
    units = units_of_year[year]
    group_key = version.setting("imputation_group", "group_code")
    carry_years = int(version.setting("carry_forward_years", "1"))
    skew_max = float(version.setting("outlier_skewness", "2.0"))
    kurt_max = float(version.setting("outlier_kurtosis", "3.5"))
    winsorise_max = int(version.setting("outlier_winsorise_max", "5"))
    winsorisation = version.setting("outlier_winsorisation", "one_sided")
    log_transform = version.setting("outlier_log_transform", "log_ct_mirrored")
    by_indicator = {}
    for ind in version.indicators.values():
        values = {code: raw_indicator[(year, code, ind.code)] for code in units}
        reported = [v for v in values.values() if v is not None]
        by_group: dict[str, list[float]] = defaultdict(list)
        for code, v in values.items():
            if v is not None:
                by_group[units[code][group_key]].append(v)
        rows = {}
        for code, v in values.items():
            row = {"indicator_value": v, "imputation_method": None, "imputed_from_year": None}
            value = v
            if value is None:
                for step in ind.imputation:
                    candidate, source_year = None, None
                    group = by_group.get(units[code][group_key], [])
                    if step == "mean" and reported:
                        candidate = float(np.mean(reported))
                    elif step == "median" and reported:
                        candidate = float(np.median(reported))
                    elif step == "group_mean" and group:
                        candidate = float(np.mean(group))
                    elif step == "group_median" and group:
                        candidate = float(np.median(group))
                    elif step == "carry_forward":
                        candidate, source_year = _carried(
                            raw_indicator, lineage, year, code, ind.code, carry_years
                        )
                    if candidate is not None:
                        value = candidate
                        row["imputation_method"] = step
                        row["imputed_from_year"] = source_year
                        break
            row["imputed_value"] = value
            row["transformed_value"] = transformed(value, ind.transform)
            rows[code] = row
        present = [
            r["transformed_value"] for r in rows.values() if r["transformed_value"] is not None
        ]
        treatment = outlier_treatment(
            present,
            ind.outlier_treatment,
            skew_max,
            kurt_max,
            winsorise_max,
            winsorisation,
            log_transform,
        )
        results.treatments[(year, ind.code)] = treatment
        for row in rows.values():
            row["treated_value"] = treatment.apply(row["transformed_value"])
        by_indicator[ind.code] = rows
    return by_indicator


def _carried(raw_indicator, lineage, year, code, ind_code, carry_years):
    """The latest reported value of the unit's lineage in the carry_years years before."""
    for back in range(1, carry_years + 1):
        for (y, c, i), earlier in raw_indicator.items():
            if (
                y == year - back
                and i == ind_code
                and earlier is not None
                and lineage.get((y, c)) == lineage[(year, code)]
            ):
                return earlier, y
    return None, None


def _normalise_year(year, years, units_of_year, by_indicator, pooled, results) -> None:
    """Scales, normalisation and points of every indicator of one year, then aggregation."""
    _, version = years[year]
    units = units_of_year[year]
    for ind in version.indicators.values():
        rows = by_indicator[ind.code]
        treated = [r["treated_value"] for r in rows.values() if r["treated_value"] is not None]
        scale = Scale(
            count=len(treated),
            distinct=len(set(treated)),
            target=transformed(ind.target, ind.transform),
            normalised_lower=float(version.setting("normalised_lower", "0")),
            normalised_upper=float(version.setting("normalised_upper", "1")),
            zscore_mean=float(version.setting("zscore_mean", "0")),
            zscore_sd=float(version.setting("zscore_sd", "1")),
            rank_scale=version.setting("rank_scale", "scaled"),
            ties=version.setting("normalisation_ties", "min"),
        )
        scale.best = scale.normalised_upper
        if ind.normalisation == "rank" and scale.rank_scale == "raw":
            scale.best = scale.distinct if scale.ties == "dense" else scale.count
        if treated:
            scale.mean = float(np.mean(treated))
            scale.sd = float(np.std(treated, ddof=1)) if len(treated) > 1 else None
            if ind.normalisation == "goalposts":
                scale.lower = transformed(ind.lower, ind.transform)
                scale.upper = transformed(ind.upper, ind.transform)
            elif ind.normalisation == "minmax_pooled":
                scale.lower = min(pooled[(version.code, ind.code)])
                scale.upper = max(pooled[(version.code, ind.code)])
            else:
                scale.lower, scale.upper = min(treated), max(treated)
            if ind.normalisation == "zscore":
                best = max(treated) if ind.direction == "+" else min(treated)
                best_z = abs(best - scale.mean) / scale.sd if scale.sd else 0.0
                scale.best = scale.zscore_mean + scale.zscore_sd * best_z
        results.scales[(year, ind.code)] = scale
        node = version.nodes[ind.code]
        for code, row in rows.items():
            row["normalised_value"] = normalised(row["treated_value"], ind, scale, treated)
            row["indicator_points"] = (
                None if row["normalised_value"] is None else node.points * row["normalised_value"]
            )
            row["methodology_version"] = version.code
            results.indicators[(year, code, ind.code)] = row
    for code in units:
        _aggregate_unit(year, code, version, results)


def _aggregate_unit(year: int, code: str, version: Version, results: Results) -> None:
    nodes = version.nodes
    rule = version.missing_values
    computed: dict[str, dict] = {}

    def visit(node_code: str) -> dict:
        node = nodes[node_code]
        if not node.children:
            row = results.indicators[(year, code, node_code)]
            out = {"score": row["normalised_value"], "points": row["indicator_points"]}
            computed[node_code] = out
            return out
        children = [(nodes[c], visit(c)) for c in node.children]
        missing = [c for c, r in children if r["score"] is None]
        available = [(c, r) for c, r in children if r["score"] is not None]
        out = {"score": None, "points": None, "factor": 1.0, "children": children}
        if missing and rule == "propagate":
            pass
        elif missing and rule == "reweight" and not available:
            pass
        else:
            used = available if rule == "reweight" else children
            weight = sum(c.points for c, _ in used)
            if rule == "reweight" and missing:
                out["factor"] = node.points / weight
            if node.aggregation == "weighted_geometric":
                scores = [
                    (c.points, r["score"] if r["score"] is not None else 0.0) for c, r in used
                ]
                if any(s <= 0 for _, s in scores):
                    out["score"] = 0.0
                else:
                    out["score"] = math.exp(sum(w * math.log(s) for w, s in scores) / weight)
                out["points"] = node.points * out["score"]
            else:
                out["points"] = sum(r["points"] for _, r in available) * out["factor"]
                out["score"] = out["points"] / node.points
        out["used_weight"] = sum(
            c.points for c, _ in (available if rule == "reweight" else children)
        )
        computed[node_code] = out
        return out

    visit(version.root)
    # top down: contributions and targets
    root = computed[version.root]
    root["contribution"] = root["points"]
    stack = [version.root]
    while stack:
        node_code = stack.pop()
        node = nodes[node_code]
        parent = computed[node_code]
        if not node.children:
            continue
        children = parent["children"]
        weighted_sum = sum(c.points * r["score"] for c, r in children if r["score"] is not None)
        for child, row in children:
            if parent["contribution"] is None:
                row["contribution"] = None
            elif node.aggregation == "weighted_geometric":
                if row["score"] is None:
                    share = 0.0
                elif weighted_sum > 0:
                    share = child.points * row["score"] / weighted_sum
                else:
                    share = child.points / parent["used_weight"]
                row["contribution"] = parent["contribution"] * share
            else:
                ratio = parent.get("contribution_factor", 1.0)
                row["contribution_factor"] = ratio * parent["factor"]
                row["contribution"] = (
                    0.0 if row["score"] is None else row["contribution_factor"] * row["points"]
                )
            if node.aggregation == "weighted_geometric":
                row["contribution_factor"] = (
                    row["contribution"] / row["points"]
                    if row["contribution"] is not None and row["points"] not in (None, 0)
                    else 0.0
                )
            stack.append(child.code)
    for node_code, out in computed.items():
        results.nodes[(year, code, node_code)] = {
            "node_score": out["score"],
            "node_points": out["points"],
            "contribution_points": out.get("contribution"),
            "version": version,
            "computed": computed,
        }
    results.units[(year, code)] = {
        "total_points": root["points"],
        "methodology_version": version.code,
        "version": version,
    }


def _rank(values: list[tuple[str, float]], rule: str) -> dict[str, int]:
    """Rank 1 = highest; totals equal to SCORE_DECIMALS decimals tie by `rule`."""
    rounded = [(code, round(v, SCORE_DECIMALS)) for code, v in values]
    ordered = sorted(rounded, key=lambda item: (-item[1], item[0]))
    distinct = sorted({v for _, v in rounded}, reverse=True)
    ranks = {}
    for position, (code, v) in enumerate(ordered, start=1):
        higher = sum(1 for _, w in rounded if w > v)
        same = sum(1 for _, w in rounded if w == v)
        ranks[code] = {
            "min": higher + 1,
            "max": higher + same,
            "dense": distinct.index(v) + 1,
            "first": position,
        }[rule]
    return ranks


def _rank_and_class(years, results: Results) -> None:
    for year, (_, version) in years.items():
        units = {code: u for (y, code), u in results.units.items() if y == year}
        scored = [(c, u["total_points"]) for c, u in units.items() if u["total_points"] is not None]
        rule = version.setting("rank_ties", "min")
        province = _rank(scored, rule)
        by_city: dict[str, list] = defaultdict(list)
        for c, t in scored:
            group = results.units[(year, c)].get("group")
            by_city[group].append((c, t))
        city = {}
        for members in by_city.values():
            city.update(_rank(members, rule))
        totals = [t for _, t in scored]
        mean = float(np.mean(totals)) if totals else None
        total_sum = float(np.sum(totals)) if totals else None
        relative = version.setting("class_scheme", "absolute") == "relative_to_mean"
        for code, unit in units.items():
            total = unit["total_points"]
            unit["province_rank"] = province.get(code)
            unit["city_rank"] = city.get(code)
            if total is None:
                unit.update(class_code=None, next_class=None, target=None)
                continue
            cuts = []
            for cls, min_score, _ in version.cutoffs:
                if relative:
                    p = min_score / 100
                    cut = p * mean
                    target = p * (total_sum - total) / (len(totals) - p)
                else:
                    cut = target = min_score
                cuts.append((cls, cut, target))
            reached = [c for c in cuts if total >= c[1]]
            unit["class_code"] = (
                max(reached, key=lambda c: c[1]) if reached else min(cuts, key=lambda c: c[1])
            )[0]
            above = [c for c in cuts if total < c[1]]
            nxt = min(above, key=lambda c: c[1]) if above else None
            unit["next_class"] = nxt[0] if nxt else None
            unit["target"] = nxt[2] if nxt else None
            unit["class_rank"] = {c: r for c, _, r in version.cutoffs}[unit["class_code"]]


def _transitions(results: Results) -> None:
    for (year, _), unit in results.units.items():
        pred = unit["predecessor"]
        previous = results.units.get((year - 1, pred)) if pred else None
        unit["score_change"] = (
            unit["total_points"] - previous["total_points"]
            if previous
            and previous["total_points"] is not None
            and unit["total_points"] is not None
            else None
        )
        unit["rank_change"] = (
            previous["province_rank"] - unit["province_rank"]
            if previous and previous["province_rank"] and unit["province_rank"]
            else None
        )
        unit["is_class_leap"] = bool(
            previous
            and previous.get("class_rank")
            and unit.get("class_rank")
            and unit["class_rank"] < previous["class_rank"]
        )
        history = [
            u["province_rank"]
            for (y, c), u in results.units.items()
            if y <= year and u["lineage"] == unit["lineage"] and u["province_rank"] is not None
        ]
        unit["best_rank_ever"] = min(history) if history else None


def targets(results: Results) -> dict[tuple[int, str, str], float | None]:
    """For units below the top class: the points each indicator alone would need for the next
    class's target, inverting each aggregation along the path from the total."""
    found = {}
    for (year, code), unit in results.units.items():
        if unit.get("target") is None:
            continue
        version: Version = unit["version"]
        computed = results.nodes[(year, code, version.root)]["computed"]
        rule = version.missing_values
        stack = [(version.root, unit["target"])]
        while stack:
            node_code, target = stack.pop()
            node = version.nodes[node_code]
            if not node.children:
                found[(year, code, node_code)] = target
                continue
            parent = computed[node_code]
            for child_code in node.children:
                child = version.nodes[child_code]
                row = computed[child_code]
                left_out = row["score"] is None and rule != "zero"
                if target is None or parent["points"] is None or left_out:
                    stack.append((child_code, None))
                    continue
                if node.aggregation == "weighted_geometric":
                    used = [
                        (version.nodes[c], computed[c]["score"])
                        for c in node.children
                        if not (computed[c]["score"] is None and rule != "zero")
                    ]
                    others = [(c, s) for c, s in used if c.code != child_code]
                    if any((s or 0.0) <= 0 for _, s in others) or target <= 0:
                        stack.append((child_code, None))
                        continue
                    weight = sum(c.points for c, _ in used)
                    log_score = (
                        weight * math.log(target / node.points)
                        - sum(c.points * math.log(s) for c, s in others)
                    ) / child.points
                    stack.append((child_code, child.points * math.exp(log_score)))
                else:
                    own = row["points"] if row["points"] is not None else 0.0
                    stack.append((child_code, own + (target - parent["points"]) / parent["factor"]))
    return found
