"""Figures the pages show beyond the mart's rows: each indicator's contribution to a county's
change, how it stands against its class peers, and each county's lineage over the years.

When the mart publishes the engine's contributions (`county_change_contributions`) the reports
prefer them; the computation here is the fallback for a mart without them and is kept simple
enough to be checked by hand.
"""

import polars as pl

from orchestration.reports.mart import MartData

STRENGTHS_SHOWN = 3


def computed_contributions(data: MartData) -> pl.DataFrame:
    """Per evaluation year, county and indicator: the change of the indicator's points since
    the previous year (of the county's predecessor, after a division change). The parts add up
    to the county's `score_change`, because the total is the sum of the indicator points."""
    points = data.indicator_points.select(
        "evaluation_year", "county_code", "indicator_code", "indicator_points"
    )
    moves = data.transitions.filter(pl.col("previous_county_code").is_not_null()).select(
        "evaluation_year", "county_code", "previous_county_code"
    )
    previous = points.rename(
        {"county_code": "previous_county_code", "indicator_points": "previous_points"}
    ).with_columns((pl.col("evaluation_year") + 1).alias("evaluation_year"))
    return (
        moves.join(points, on=["evaluation_year", "county_code"], how="inner")
        .join(
            previous, on=["evaluation_year", "previous_county_code", "indicator_code"], how="inner"
        )
        .select(
            "evaluation_year",
            "county_code",
            "indicator_code",
            (pl.col("indicator_points") - pl.col("previous_points")).alias("contribution"),
        )
        .sort("evaluation_year", "county_code", "indicator_code")
    )


def score_contributions(data: MartData) -> pl.DataFrame:
    """The engine's contributions when the mart has them, else the computed ones: columns
    evaluation_year, county_code, indicator_code, contribution."""
    published = data.table("county_change_contributions")
    keys = ["evaluation_year", "county_code", "indicator_code"]
    if published is not None and {*keys, "contribution_change"} <= set(published.columns):
        return published.select(*keys, pl.col("contribution_change").alias("contribution"))
    return computed_contributions(data)


def peer_means(data: MartData) -> pl.DataFrame:
    """Per evaluation year and class: the mean points of every dimension and indicator of the
    class's counties (a county's class peers), and how many counties the class has."""
    point_columns = [c for c in data.scores.columns if c.startswith("points_")]
    return (
        data.scores.group_by("evaluation_year", "class")
        .agg(
            pl.len().alias("peers"),
            *[pl.col(c).mean() for c in point_columns],
            pl.col("total_points").mean(),
        )
        .sort("evaluation_year", "class")
    )


def indicator_standing(data: MartData) -> pl.DataFrame:
    """Per evaluation year, county and indicator: points as a share of the maximum, the class
    peers' mean share, the province rank on the indicator, and whether it is one of the county's
    strengths (largest lead over its peers) or weaknesses (largest gap)."""
    points = data.indicator_points.join(
        data.scores.select("evaluation_year", "county_code", "class"),
        on=["evaluation_year", "county_code"],
        how="inner",
    ).with_columns((pl.col("indicator_points") / pl.col("max_points")).alias("share_of_max"))
    standing = points.with_columns(
        pl.col("share_of_max")
        .mean()
        .over("evaluation_year", "class", "indicator_code")
        .alias("peer_share_of_max"),
        pl.col("indicator_points")
        .rank(method="min", descending=True)
        .over("evaluation_year", "indicator_code")
        .cast(pl.Int32)
        .alias("indicator_rank"),
    ).with_columns((pl.col("share_of_max") - pl.col("peer_share_of_max")).alias("lead_over_peers"))
    lead_order = (
        pl.col("lead_over_peers")
        .rank(method="ordinal", descending=True)
        .over("evaluation_year", "county_code")
    )
    gap_order = (
        pl.col("lead_over_peers").rank(method="ordinal").over("evaluation_year", "county_code")
    )
    return standing.with_columns(
        pl.when((lead_order <= STRENGTHS_SHOWN) & (pl.col("lead_over_peers") > 0))
        .then(pl.lit("strength"))
        .when((gap_order <= STRENGTHS_SHOWN) & (pl.col("lead_over_peers") < 0))
        .then(pl.lit("weakness"))
        .otherwise(None)
        .alias("standing")
    )


def county_lineages(data: MartData) -> dict[str, list[tuple[int, str]]]:
    """county code -> every (evaluation_year, code) of its history, oldest first: a county that
    was renamed or re-coded continues its predecessor's history (primary predecessor)."""
    previous = {
        (row[0], row[1]): row[2]
        for row in data.transitions.select(
            "evaluation_year", "county_code", "previous_county_code"
        ).iter_rows()
        if row[2] is not None
    }
    latest_year = {
        code: year
        for code, year in data.scores.group_by("county_code")
        .agg(pl.col("evaluation_year").max())
        .iter_rows()
    }
    lineages = {}
    for code, year in latest_year.items():
        chain = [(year, code)]
        while (chain[-1][0], chain[-1][1]) in previous:
            chain.append((chain[-1][0] - 1, previous[chain[-1]]))
        lineages[code] = list(reversed(chain))
    return lineages


def successors(data: MartData) -> dict[str, str]:
    """Code of a county that ended -> code of the county continuing its history."""
    moves = data.transitions.filter(
        pl.col("previous_county_code").is_not_null()
        & (pl.col("previous_county_code") != pl.col("county_code"))
    )
    return dict(moves.select("previous_county_code", "county_code").iter_rows())
