"""Small realistic frames for the gate's tests, built independently of the gate.

Submissions: every county-level unit of the data year (168 before data year 2020, 167 from
then), the 19 county-reported variables, from one county form each, values of a plausible size
that grow a little from year to year (a re-coded unit continues its predecessor's values).
Marts: points drawn as random fractions of each indicator's points, summed up the indicator
tree, ranked and classed by the rules of the spec; transitions and the summary follow from them.
Every frame carries the personal columns of the raw layer, which the gate must never read.
"""

from __future__ import annotations

import hashlib
import zlib

import numpy as np
import pandas as pd

from expectations.reference import Reference

CONTACT_NAME = "张三丰"
CONTACT_PHONE = "13912345678"
FIRST_VALUE_ROW = 7  # the county form's header block takes the first rows


def form_file(unit_code: str, data_year: int) -> str:
    return f"county_form_{unit_code}_{data_year}.xlsx"


def _seed(*parts: object) -> int:
    return zlib.crc32("/".join(map(str, parts)).encode())


def _lineage_code(reference: Reference, code: str) -> str:
    """The oldest code of a unit's history, so that a re-coded unit continues its values."""
    recoded = reference.recoded_predecessors
    while code in recoded:
        code = recoded[code][0]
    return code


def _unit_values(reference: Reference, unit_code: str, data_year: int) -> dict[str, float]:
    base = np.random.default_rng(_seed("base", _lineage_code(reference, unit_code)))
    noise = np.random.default_rng(_seed("year", unit_code, data_year))
    size = base.uniform(0.5, 2.0)
    growth = 1.08 ** (data_year - 2017)

    def grown(value: float) -> float:
        return float(value * growth * noise.uniform(0.95, 1.05))

    population = grown(30 * size)
    gdp = grown(150 * size)
    general_budget_exp = grown(250_000 * size)
    ind_revenue = grown(3_000_000 * size)
    ind_ent_count = round(grown(150 * size))
    ind_value_added = ind_revenue * 0.25
    return {
        "fiscal_st_exp": general_budget_exp * base.uniform(0.005, 0.04),
        "general_budget_exp": general_budget_exp,
        "ind_rd_exp": ind_revenue * base.uniform(0.002, 0.02),
        "ind_revenue": ind_revenue,
        "gerd": gdp * 10_000 * base.uniform(0.003, 0.025),
        "gdp": gdp,
        "hte_count": float(round(grown(20 * size))),
        "tsme_count": float(round(grown(60 * size))),
        "ind_ent_count": float(ind_ent_count),
        "ind_ent_rd_count": float(round(ind_ent_count * base.uniform(0.1, 0.5))),
        "platform_count": float(round(grown(base.uniform(1, 20)))),
        "incubator_count": float(round(grown(base.uniform(1, 8)))),
        "rd_fte": grown(population * base.uniform(5, 30)),
        "population": population,
        "invention_patents": float(round(grown(population * base.uniform(0.5, 6)))),
        "tech_contract": grown(base.uniform(1_000, 40_000)),
        "hti_value_added": ind_value_added * base.uniform(0.05, 0.45),
        "ind_value_added": ind_value_added,
        "new_product_sales": ind_revenue * base.uniform(0.02, 0.25),
    }


def expert_file(data_year: int) -> str:
    return f"expert_scores_{data_year}.xlsx"


def variable_rows(reference: Reference) -> dict[str, int]:
    """The row of each county-reported variable in the county form."""
    return {
        variable: FIRST_VALUE_ROW + number
        for number, variable in enumerate(reference.variables(["county"]))
    }


def _expert_scores(unit_code: str, data_year: int) -> dict[str, float]:
    noise = np.random.default_rng(_seed("experts", unit_code, data_year))
    return {
        variable: float(round(noise.uniform(55, 98), 1))
        for variable in ("mgmt_innovation", "policy_implementation", "st_agency")
    }


def submitted_values(reference: Reference, data_year: int) -> pd.DataFrame:
    """raw.submitted_values of a data year, as the ingestion leaves it: a county form per unit
    (the 19 county variables) and the expert panel's file (3 scores per unit, one row each),
    with the contact details the gate must never read."""
    units = reference.units_for_data_year(data_year)
    variables = reference.base_variables
    canonical = dict(zip(variables["variable_code"], variables["unit"], strict=True))
    row_of = variable_rows(reference)
    experts = expert_file(data_year)
    rows = []

    def add(code: str, variable: str, value: float, place: dict[str, object]) -> None:
        rows.append(
            {
                "data_year": data_year,
                "unit_code": code,
                "variable_code": variable,
                "value": value,
                "raw_text": f"{value:.2f}",
                "unit_found": canonical[variable],
                "conversion_factor": 1.0,
                "is_missing": False,
                **place,
                "file_sha256": hashlib.sha256(str(place["file_name"]).encode()).hexdigest(),
                "received_at": pd.Timestamp(f"{data_year + 1}-03-15 09:30:00"),
                "contact_name": CONTACT_NAME,
                "contact_phone": CONTACT_PHONE,
            }
        )

    for number, code in enumerate(units["unit_code"]):
        form = {
            "layout": "county_form",
            "file_name": form_file(code, data_year),
            "sheet": "填报表",
            "column_name": "数值",
            "column_letter": "D",
        }
        for variable, value in _unit_values(reference, code, data_year).items():
            add(code, variable, value, {**form, "row_number": row_of[variable]})
        for column, (variable, value) in enumerate(_expert_scores(code, data_year).items()):
            add(
                code,
                variable,
                value,
                {
                    "layout": "expert_scores",
                    "file_name": experts,
                    "sheet": "专家评分",
                    "row_number": 3 + number,
                    "column_name": variable,
                    "column_letter": "CDE"[column],
                },
            )
    return pd.DataFrame(rows)


def _expected_class(reference: Reference, total: float) -> str:
    return next(code for code, low, _ in reference.cutoffs("hebei_v1") if total >= low)


def county_scores(reference: Reference, evaluation_year: int) -> pd.DataFrame:
    """county_scores of a year: random fractions of each indicator's points, summed, ranked."""
    data_year = evaluation_year - 1
    units = reference.units_for_data_year(data_year)
    level = 0.04 * (evaluation_year - 2018)
    rows = []
    for unit in units.itertuples():
        base = np.random.default_rng(_seed("points", _lineage_code(reference, unit.unit_code)))
        noise = np.random.default_rng(_seed("points", unit.unit_code, evaluation_year))
        strength = base.uniform(0.3, 0.85) + level
        row = {
            "evaluation_year": evaluation_year,
            "data_year": data_year,
            "county_code": unit.unit_code,
            "county_name": unit.unit_name,
            "city_code": unit.group_code,
            "city_name": unit.group_name,
            "unit_kind": unit.unit_kind,
        }
        for indicator in reference.indicator_codes:
            fraction = np.clip(strength + base.normal(0, 0.1) + noise.normal(0, 0.03), 0, 1)
            row[f"points_{indicator.lower()}"] = reference.max_points[indicator] * fraction
        for dimension in reference.dimensions:
            row[f"points_{dimension.lower()}"] = sum(
                row[f"points_{child.lower()}"] for child in reference.children[dimension]
            )
        row["total_points"] = sum(row[f"points_{d.lower()}"] for d in reference.dimensions)
        row["contact_name"] = CONTACT_NAME
        rows.append(row)
    return ranked(reference, pd.DataFrame(rows).assign(methodology_version="hebei_v1"))


def ranked(reference: Reference, scores: pd.DataFrame) -> pd.DataFrame:
    """Ranks (1 + the number of strictly higher totals) and classes from the totals."""
    totals = scores["total_points"]
    return scores.assign(
        province_rank=totals.rank(method="min", ascending=False).astype(int),
        city_rank=totals.groupby(scores["city_code"])
        .rank(method="min", ascending=False)
        .astype(int),
        **{"class": [_expected_class(reference, total) for total in totals]},
    )


def county_transitions(
    reference: Reference, current: pd.DataFrame, previous: pd.DataFrame
) -> pd.DataFrame:
    """county_transitions of the current year against the previous year's scores."""
    predecessors = reference.predecessor_codes(
        current["county_code"].tolist(), previous["county_code"].tolist()
    )
    before = previous.set_index("county_code")
    ranks = reference.class_ranks
    rows = []
    for row in current.to_dict("records"):
        code = predecessors[row["county_code"]]
        had = code is not None
        last = before.loc[code] if had else None
        rows.append(
            {
                "evaluation_year": row["evaluation_year"],
                "county_code": row["county_code"],
                "previous_county_code": code,
                "previous_total_points": last["total_points"] if had else None,
                "total_points": row["total_points"],
                "score_change": row["total_points"] - last["total_points"] if had else None,
                "previous_rank": last["province_rank"] if had else None,
                "province_rank": row["province_rank"],
                "rank_change": last["province_rank"] - row["province_rank"] if had else None,
                "previous_class": last["class"] if had else None,
                "class": row["class"],
                "is_class_leap": had and ranks[row["class"]] < ranks[last["class"]],
                "is_demotion": had and ranks[row["class"]] > ranks[last["class"]],
                "contact_phone": CONTACT_PHONE,
            }
        )
    return pd.DataFrame(rows)


def province_summary(scores: pd.DataFrame, transitions: pd.DataFrame) -> pd.DataFrame:
    """province_summary of one year, as published (mean rounded to 2 decimals)."""
    year = int(scores["evaluation_year"].iloc[0])
    return pd.DataFrame(
        [
            {
                "evaluation_year": year,
                "units": len(scores),
                "class_a": int((scores["class"] == "A").sum()),
                "class_b": int((scores["class"] == "B").sum()),
                "class_c": int((scores["class"] == "C").sum()),
                "mean_score": round(float(scores["total_points"].mean()), 2),
                "class_leaps": int(transitions["is_class_leap"].sum()),
                "demotions": int(transitions["is_demotion"].sum()),
                "score_up": int((transitions["score_change"] > 0).sum()),
                "rank_up": int((transitions["rank_change"] > 0).sum()),
            }
        ]
    )


def lineage(reference: Reference, submitted: pd.DataFrame) -> pd.DataFrame:
    """Where each county's indicator came from: the file and row of each of its variables."""
    pairs = pd.DataFrame(
        [
            {"indicator_code": indicator, "variable_code": variable}
            for indicator, variables in reference.indicator_variables.items()
            for variable in variables
        ]
    )
    rows = submitted.rename(columns={"unit_code": "county_code"})
    columns = ["county_code", "indicator_code", "variable_code", "file_name", "row_number"]
    return rows.merge(pairs, on="variable_code")[columns]
