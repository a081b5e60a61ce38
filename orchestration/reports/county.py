"""What a county page shows: the county's whole history (following renames and re-codings), and
for each year its scores, class peers, indicators, contributions to the change, distance to the
next class and rank uncertainty, labelled with that year's methodology. The template
`county.html.j2` lays it out; report.js draws the year the reader picks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from orchestration.reports import figures
from orchestration.reports.formatting import clean_nested, rounded
from orchestration.reports.mart import MartData
from orchestration.reports.province import labels

UNIT_KINDS = {
    "district": ("市辖区", "district"),
    "county": ("县", "county"),
    "county_level_city": ("县级市", "county-level city"),
    "autonomous_county": ("自治县", "autonomous county"),
}
CLASS_GAP_FIELDS = (
    "indicator_code",
    "next_class",
    "points_to_next_class",
    "indicator_points",
    "indicator_points_needed",
    "indicator_value",
    "indicator_value_needed",
    "closes_gap_alone",
    "closing_order",
)
UNCERTAINTY_FIELDS = (
    "median_rank",
    "rank_p05",
    "rank_p95",
    "prob_class_a",
    "prob_class_b",
    "prob_class_c",
    "main_uncertainty_factor",
)

Key = tuple[int, str]


@dataclass(frozen=True)
class CountyLookups:
    """Everything the county pages read, by (evaluation year, county code), built once."""

    scores: dict[Key, dict]
    moves: dict[Key, dict]
    peers: dict[tuple[int, str], dict]
    units: dict[int, int]
    indicators: dict[Key, list]
    contributions: dict[Key, list]
    class_gaps: dict[Key, list]
    uncertainty: dict[Key, list]
    cutoff_points: dict[int, dict[str, float]]
    lineages: dict[str, list[Key]]
    successors: dict[str, str]


def by_county_year(frame: pl.DataFrame | None, fields: tuple[str, ...]) -> dict[Key, list]:
    """(evaluation_year, county_code) -> rows of an optional table, with the fields it has."""
    if frame is None or not {"evaluation_year", "county_code"} <= set(frame.columns):
        return {}
    present = [field for field in fields if field in frame.columns]
    lookup: dict[Key, list] = {}
    for row in frame.select("evaluation_year", "county_code", *present).to_dicts():
        key = (row.pop("evaluation_year"), row.pop("county_code"))
        lookup.setdefault(key, []).append(clean_nested(row))
    return lookup


def _contributions(data: MartData) -> dict[Key, list]:
    lookup: dict[Key, list] = {}
    for r in figures.score_contributions(data).to_dicts():
        lookup.setdefault((r["evaluation_year"], r["county_code"]), []).append(
            {"code": r["indicator_code"], "value": rounded(r["contribution"], 4)}
        )
    return lookup


def _indicator_entry(r: dict) -> dict:
    return {
        "code": r["indicator_code"],
        "value": rounded(r["indicator_value"], 4),
        "normalised": rounded(r["normalised_value"], 4),
        "points": rounded(r["indicator_points"], 4),
        "max": rounded(r["max_points"], 4),
        "share": rounded(r["share_of_max"], 4),
        "peer_share": rounded(r["peer_share_of_max"], 4),
        "rank": r["indicator_rank"],
        "missing": r["is_missing"],
        "standing": r["standing"],
        "source": r.get("numerator_file_name"),
    }


def _indicators(data: MartData) -> dict[Key, list]:
    """The year's indicators of each county, in the order of that year's framework."""
    order = {
        year: {i.code: i.sort_order for i in data.methodology(year).indicators}
        for year in data.years
    }
    lookup: dict[Key, list] = {}
    for r in figures.indicator_standing(data).sort("evaluation_year", "county_code").to_dicts():
        year = r["evaluation_year"]
        if r["indicator_code"] in order[year]:
            lookup.setdefault((year, r["county_code"]), []).append(_indicator_entry(r))
    for (year, _), rows in lookup.items():
        rows.sort(key=lambda row: order[year][row["code"]])
    return lookup


def _cutoff_points(data: MartData) -> dict[int, dict[str, float]]:
    """Per year: class code -> its cut-off in points (relative cut-offs move with the year's
    mean total, taken unrounded from the scores)."""
    means = dict(
        data.scores.group_by("evaluation_year").agg(pl.col("total_points").mean()).iter_rows()
    )
    return {
        year: clean_nested(data.methodology(year).cutoff_points(means.get(year)))
        for year in data.years
    }


def county_lookups(data: MartData) -> CountyLookups:
    """Build the lookups of every county page from one read of the mart."""

    def keyed(frame: pl.DataFrame) -> dict[Key, dict]:
        return {(r["evaluation_year"], r["county_code"]): r for r in frame.to_dicts()}

    return CountyLookups(
        scores=keyed(data.scores),
        moves=keyed(data.transitions),
        peers={(r["evaluation_year"], r["class"]): r for r in figures.peer_means(data).to_dicts()},
        units=dict(data.scores.group_by("evaluation_year").agg(pl.len()).iter_rows()),
        indicators=_indicators(data),
        contributions=_contributions(data),
        class_gaps=by_county_year(data.table("county_class_gaps"), CLASS_GAP_FIELDS),
        uncertainty=by_county_year(data.table("county_rank_uncertainty"), UNCERTAINTY_FIELDS),
        cutoff_points=_cutoff_points(data),
        lineages=figures.county_lineages(data),
        successors=figures.successors(data),
    )


def _next_class(score: dict) -> dict | None:
    """The next class, its cut-off and the points still missing, as the engine published them."""
    if not score.get("next_class"):
        return None
    return {
        "class": score["next_class"],
        "cutoff": score["next_class_cutoff_points"],
        "gap": score["points_to_next_class"],
    }


def history_entry(data: MartData, look: CountyLookups, key: Key) -> dict:
    """One year of a county's history: everything its page draws for that year."""
    year, code = key
    score = look.scores[key]
    move = look.moves.get(key, {})
    peers = look.peers.get((year, score["class"]), {})
    columns = [d.column for d in data.methodology(year).dimensions]
    entry = {
        "year": year,
        "code": code,
        "name": score["county_name"],
        "data_year": score["data_year"],
        "total": score["total_points"],
        "rank": score["province_rank"],
        "city_rank": score["city_rank"],
        "units": look.units.get(year),
        "class": score["class"],
        "dimensions": {c: score.get(c) for c in columns},
        "peers": {
            "n": peers.get("peers"),
            "total": peers.get("total_points"),
            "dimensions": {c: peers.get(c) for c in columns},
        },
        "previous_total": move.get("previous_total_points"),
        "score_change": move.get("score_change"),
        "rank_change": move.get("rank_change"),
        "previous_class": move.get("previous_class"),
        "next_class": _next_class(score),
    }
    # the lookups' rows are rounded once, when the lookups are built
    entry = clean_nested(entry)
    entry["indicators"] = look.indicators.get(key, [])
    entry["contributions"] = look.contributions.get(key, [])
    entry["cutoffs"] = look.cutoff_points.get(year, {})
    gaps = look.class_gaps.get(key)
    if gaps:
        entry["class_gaps"] = sorted(gaps, key=lambda row: row.get("closing_order") or 0)
    uncertainty = look.uncertainty.get(key)
    if uncertainty:
        entry["uncertainty"] = uncertainty[0]
    return entry


def county_payload(data: MartData, look: CountyLookups, code: str) -> dict:
    """What the county page draws, for every year of the county's history, with the labels of
    each year's methodology."""
    history = [history_entry(data, look, key) for key in look.lineages[code] if key in look.scores]
    years = sorted({entry["year"] for entry in history})
    return {
        "page": "county",
        "code": code,
        "labels": {str(year): labels(data.methodology(year)) for year in years},
        "history": history,
    }


def _former_names(history: list[dict]) -> list[str]:
    names: list[str] = []
    for entry in history:
        label = f"{entry['name']}（{entry['code']}）"
        if label not in names:
            names.append(label)
    return names if len(names) > 1 else []


def _awards_received(data: MartData, look: CountyLookups, code: str) -> list[dict] | None:
    awards = data.table("awards")
    if awards is None:
        return None
    codes = [lineage_code for _, lineage_code in look.lineages[code]]
    received = awards.filter(pl.col("county_code").is_in(codes)).sort("evaluation_year")
    return received.to_dicts()


def county_context(data: MartData, look: CountyLookups, code: str) -> dict[str, Any]:
    """Everything the county template needs."""
    payload = county_payload(data, look, code)
    latest = payload["history"][-1]
    score = look.scores[(latest["year"], code)]
    kind_zh, kind_en = UNIT_KINDS.get(score["unit_kind"], (score["unit_kind"],) * 2)
    successor = look.successors.get(code)
    return {
        "code": code,
        "name": latest["name"],
        "pinyin": data.name_pinyin(code, latest["name"]),
        "city_name": score["city_name"],
        "kind_zh": kind_zh,
        "kind_en": kind_en,
        "former_names": _former_names(payload["history"]),
        "successor": successor if successor and successor != code else None,
        "history_years": [entry["year"] for entry in payload["history"]],
        "latest_year": latest["year"],
        "awards_received": _awards_received(data, look, code),
        "page_data": payload,
    }
