"""What the province page of an evaluation year shows: key figures, the data-quality box, class
distribution and transitions, the ranking, the cities compared, the award list and the
methodology the year was scored with. The template `province.html.j2` lays it out."""

from __future__ import annotations

from typing import Any

import polars as pl

from orchestration.reports.formatting import clean_nested, num
from orchestration.reports.mart import MartData
from orchestration.reports.methodology import YearMethodology
from orchestration.reports.quality import quality_box

# The move of a county without a transition row (the ranking shows no change for it).
NO_MOVE = {"rank_change": None, "score_change": None, "previous_class": None, "class": None}


def year_rows(frame: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
    """The rows of an optional table for one evaluation year (None when the table is absent)."""
    if frame is None or "evaluation_year" not in frame.columns:
        return None
    return frame.filter(pl.col("evaluation_year") == year)


def labels(method: YearMethodology) -> dict[str, list[dict]]:
    """The names, maximum points and cut-offs a page's charts label a year with."""
    return {
        "dimensions": [
            {
                "code": d.code,
                "column": d.column,
                "zh": d.name_zh,
                "en": d.name_en,
                "max": d.max_points,
            }
            for d in method.dimensions
        ],
        "indicators": [
            {
                "code": i.code,
                "dimension": i.parent_code,
                "zh": i.name_zh,
                "en": i.name_en,
                "max": i.max_points,
                "unit": i.unit,
            }
            for i in method.indicators
        ],
        "cutoffs": [{"class": c.class_code, "min": c.min_score} for c in method.cutoffs],
        "version": method.version,
    }


def award_total(data: MartData, year: int) -> float | None:
    """The year's award total: the mart's `award_totals`, else the sum of its award list."""
    totals = year_rows(data.table("award_totals"), year)
    if totals is not None and totals.height:
        return float(totals["total_amount_wan_yuan"][0])
    awards = year_rows(data.table("awards"), year)
    return None if awards is None else float(awards["amount_wan_yuan"].sum())


def key_figures(kpi: dict, total_award: float | None) -> list[tuple[str, str, str]]:
    """(Chinese label, English label, value) of the cards at the top of the page."""
    return [
        ("参评单位", "Units", num(kpi.get("units"))),
        ("A类", "Class A", num(kpi.get("class_a"))),
        ("B类", "Class B", num(kpi.get("class_b"))),
        ("C类", "Class C", num(kpi.get("class_c"))),
        ("平均分", "Mean score", num(kpi.get("mean_score"))),
        ("类别跃升", "Class leaps", num(kpi.get("class_leaps"))),
        ("类别下降", "Demotions", num(kpi.get("demotions"))),
        ("奖励总额（万元）", "Awards (10k yuan)", num(total_award, 0)),
    ]


def transition_matrix(moves: pl.DataFrame, classes: list[str]) -> list[dict]:
    """Rows of the class transition matrix: previous class (None: new unit) -> counts."""
    counts = {
        (r[0], r[1]): r[2]
        for r in moves.group_by("previous_class", "class").agg(pl.len()).iter_rows()
    }
    return [
        {
            "source": source,
            "cells": [(counts.get((source, target), 0), source == target) for target in classes],
        }
        for source in [*classes, None]
    ]


def rank_intervals(data: MartData, year: int) -> dict[str, tuple]:
    """County code -> its 90 % rank interval, when the mart has the rank uncertainty."""
    uncertainty = year_rows(data.table("county_rank_uncertainty"), year)
    if uncertainty is None or not {"rank_p05", "rank_p95"} <= set(uncertainty.columns):
        return {}
    return {r["county_code"]: (r["rank_p05"], r["rank_p95"]) for r in uncertainty.to_dicts()}


def ranking_rows(
    data: MartData,
    year: int,
    scores: pl.DataFrame,
    moves: pl.DataFrame,
    intervals: dict[str, tuple],
) -> list[dict]:
    """One row per county of the year's ranking, with its move, award and rank interval."""
    move_by_code = {r["county_code"]: r for r in moves.to_dicts()}
    award_by_code: dict[str, float] = {}
    awards = year_rows(data.table("awards"), year)
    for r in [] if awards is None else awards.to_dicts():
        code = r["county_code"]
        award_by_code[code] = award_by_code.get(code, 0.0) + float(r["amount_wan_yuan"])
    columns = [d.column for d in data.methodology(year).dimensions]
    rows = []
    for r in scores.to_dicts():
        code = r["county_code"]
        pinyin = data.name_pinyin(code, r["county_name"])
        rows.append(
            {
                **r,
                "pinyin": pinyin,
                "dimensions": [r.get(column) for column in columns],
                "move": move_by_code.get(code, NO_MOVE),
                "award": award_by_code.get(code),
                "interval": intervals.get(code, (None, None)) if intervals else None,
                "search": " ".join([code, r["county_name"], pinyin, r["city_name"] or ""]).lower(),
            }
        )
    return rows


def ranking_columns(method: YearMethodology, with_interval: bool) -> list[tuple[str, str, str]]:
    """(sort kind, Chinese, English) of the ranking table's columns."""
    columns = [
        ("num", "排名", "Rank"),
        ("text", "县（市、区）", "County"),
        ("text", "所属市", "City"),
        ("num", "总分", "Total"),
        ("text", "类别", "Class"),
        *[("num", d.name_zh, d.name_en) for d in method.dimensions],
        ("num", "市内排名", "City rank"),
        ("num", "位次变化", "Rank change"),
        ("num", "总分变化", "Score change"),
        ("text", "类别变化", "Transition"),
        ("num", "奖励（万元）", "Award (10k yuan)"),
    ]
    if with_interval:
        columns.append(("text", "位次区间（90%）", "Rank interval (90%)"))
    return columns


def city_stats(scores: pl.DataFrame) -> pl.DataFrame:
    """Per city: units, mean, best and lowest score, counts per class and the best county."""
    return (
        scores.group_by("city_code", "city_name")
        .agg(
            pl.len().alias("units"),
            pl.col("total_points").mean().alias("mean_score"),
            pl.col("total_points").max().alias("best_score"),
            pl.col("total_points").min().alias("lowest_score"),
            (pl.col("class") == "A").sum().alias("class_a"),
            (pl.col("class") == "B").sum().alias("class_b"),
            (pl.col("class") == "C").sum().alias("class_c"),
            pl.col("county_name")
            .sort_by("total_points", descending=True)
            .first()
            .alias("best_county"),
        )
        .sort("mean_score", descending=True)
    )


def award_rows(data: MartData, year: int) -> list[dict] | None:
    """The year's award list, largest amount first (None when the mart has no awards)."""
    awards = year_rows(data.table("awards"), year)
    if awards is None:
        return None
    ordered = awards.sort("amount_wan_yuan", "province_rank", descending=[True, False])
    return ordered.to_dicts()


def payload(data: MartData, year: int, moves: pl.DataFrame, cities: pl.DataFrame) -> dict:
    """What the page's charts draw, embedded as JSON."""
    transitions = (
        moves.filter(pl.col("previous_class").is_not_null())
        .group_by("previous_class", "class")
        .agg(pl.len().alias("n"))
        .sort("previous_class", "class")
    )
    return {
        "page": "province",
        "year": year,
        "labels": labels(data.methodology(year)),
        "summary": clean_nested(data.summary.sort("evaluation_year").to_dicts(), 3),
        "transitions": [
            {"from": r["previous_class"], "to": r["class"], "n": r["n"]}
            for r in transitions.to_dicts()
        ],
        "cities": clean_nested(cities.to_dicts(), 3),
    }


def province_context(data: MartData, year: int) -> dict[str, Any]:
    """Everything the province template of `year` needs."""
    method = data.methodology(year)
    scores = data.scores.filter(pl.col("evaluation_year") == year).sort(
        "province_rank", "county_code"
    )
    moves = data.transitions.filter(pl.col("evaluation_year") == year)
    kpi = (year_rows(data.summary, year).to_dicts() or [{}])[0]
    total_award = award_total(data, year)
    cities = city_stats(scores)
    intervals = rank_intervals(data, year)
    return {
        "year": year,
        "method": method,
        "classes_zh": "，".join(method.cutoff_texts("zh")),
        "classes_en": ", ".join(method.cutoff_texts("en")),
        "key_figures": key_figures(kpi, total_award),
        "quality": quality_box(data, year),
        "class_codes": [c.class_code for c in method.cutoffs],
        "matrix": transition_matrix(moves, [c.class_code for c in method.cutoffs]),
        "ranking": ranking_rows(data, year, scores, moves, intervals),
        "ranking_columns": ranking_columns(method, bool(intervals)),
        "cities": cities.to_dicts(),
        "awards": award_rows(data, year),
        "award_total": total_award,
        "page_data": payload(data, year, moves, cities),
    }
