"""The award list: the rules of seeds/award_rules.csv applied to the published transitions,
against an independent computation in Python."""

from __future__ import annotations

import csv

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT


def award_rules() -> list[dict]:
    rows = csv.DictReader((PROJECT_ROOT / "seeds" / "award_rules.csv").open(encoding="utf-8"))
    return list(rows)


def expected_awards(transitions: list[dict]) -> set[tuple[int, str, str, float]]:
    """(year, county, rule, amount) from the rules, computed row by row."""
    by_key = {(t["evaluation_year"], t["county_code"]): t for t in transitions}
    class_rank = {"A": 1, "B": 2, "C": 3}

    def classes_before(move: dict) -> set[str]:
        seen, year, code = set(), move["evaluation_year"], move["previous_county_code"]
        while code is not None and (year - 1, code) in by_key:
            earlier = by_key[(year - 1, code)]
            seen.add(earlier["class"])
            year, code = year - 1, earlier["previous_county_code"]
        return seen

    def qualifies(rule: dict, move: dict) -> bool:
        first, last = rule["first_evaluation_year"], rule["last_evaluation_year"]
        if (first and move["evaluation_year"] < int(first)) or (
            last and move["evaluation_year"] > int(last)
        ):
            return False
        kind = rule["condition_kind"]
        if kind == "class_leap":
            return (
                class_rank[move["class"]] < class_rank[move["previous_class"]]
                and move["class"] == rule["to_class"]
                and (not rule["from_class"] or move["previous_class"] == rule["from_class"])
            )
        if kind == "first_time_class":
            reached = move["class"] == rule["to_class"]
            return reached and rule["to_class"] not in classes_before(move)
        if kind == "rank_up_at_least":
            return move["rank_change"] >= int(rule["min_places"])
        if kind == "score_up_at_least":
            return move["score_change"] >= float(rule["min_points"])
        raise AssertionError(f"unknown condition_kind {kind}")

    # within an exclusive group the largest amount wins, ties to the first rule code
    best: dict[tuple, tuple[float, str]] = {}
    for move in transitions:
        if move["previous_total_points"] is None:
            continue
        for rule in award_rules():
            if not qualifies(rule, move):
                continue
            key = (move["evaluation_year"], move["county_code"],
                   rule["exclusive_group"] or rule["rule_code"])
            candidate = (-float(rule["amount_wan_yuan"]), rule["rule_code"])
            best[key] = min(best.get(key, candidate), candidate)
    return {(key[0], key[1], rule_code, -amount) for key, (amount, rule_code) in best.items()}


def test_awards_follow_the_rules(mart: duckdb.DuckDBPyConnection) -> None:
    columns = ["evaluation_year", "county_code", "previous_county_code", "previous_total_points",
               "class", "previous_class", "rank_change", "score_change"]
    transitions = [
        dict(zip(columns, row, strict=True))
        for row in mart.execute(f"select {', '.join(columns)} from county_transitions").fetchall()
    ]
    result = set(mart.execute(
        "select evaluation_year, county_code, rule_code, amount_wan_yuan from awards").fetchall())
    expected = expected_awards(transitions)
    assert result == expected
    assert len(result) > 0


def test_award_totals_add_up_the_award_list(mart: duckdb.DuckDBPyConnection) -> None:
    result = mart.execute(
        "select evaluation_year, awards, counties_awarded, total_amount_wan_yuan "
        "from award_totals order by 1").fetchall()
    expected = mart.execute("""
        select years.evaluation_year, count(awards.rule_code), count(distinct awards.county_code),
               coalesce(sum(awards.amount_wan_yuan), 0)
        from (select distinct evaluation_year from county_scores) as years
        left join awards on awards.evaluation_year = years.evaluation_year
        group by 1 order by 1
    """).fetchall()
    assert result == expected


def test_every_award_names_the_county_in_pinyin(mart: duckdb.DuckDBPyConnection) -> None:
    (missing,) = mart.execute(
        "select count(*) from awards where county_name_pinyin is null or county_name_pinyin = ''"
    ).fetchone()
    assert missing == 0


@pytest.mark.parametrize("table", ["awards", "award_totals"])
def test_award_tables_are_in_the_parquet_export(demo_warehouse, table: str) -> None:
    assert (demo_warehouse / "mart_parquet" / f"{table}.parquet").exists()
