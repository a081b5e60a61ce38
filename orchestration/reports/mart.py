"""What the reports read: the published mart's tables, plus the labels of the configuration.

The other tables (awards, contributions to the score change, gaps to the next class, rank
uncertainty, data-quality status) are optional: when the mart has them the reports show them,
otherwise the pages do without or derive what they need from the core tables.
"""

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from orchestration.dataset import read_config_table

CORE_TABLES = ("county_scores", "county_indicator_points", "county_transitions", "province_summary")
OPTIONAL_TABLES = (
    "awards",
    "award_totals",
    "county_change_contributions",
    "county_class_gaps",
    "county_rank_uncertainty",
    "data_quality_status",
    "publication_log",
)


@dataclass(frozen=True)
class Node:
    """An indicator or dimension of the framework, with its labels and maximum points."""

    code: str
    parent_code: str
    name_zh: str
    name_en: str
    max_points: float
    sort_order: int
    unit: str = ""


@dataclass(frozen=True)
class Cutoff:
    """A class and the lowest total that reaches it."""

    class_code: str
    min_score: float
    class_rank: int


@dataclass(frozen=True)
class MartData:
    """The published mart as polars frames; optional tables are None when absent."""

    mart_db: Path
    tables: dict[str, pl.DataFrame]
    dimensions: tuple[Node, ...]
    indicators: tuple[Node, ...]
    cutoffs: tuple[Cutoff, ...]
    pinyin: dict[tuple[str, str], str]

    def table(self, name: str) -> pl.DataFrame | None:
        """A mart table, or None when the mart does not have it (yet)."""
        return self.tables.get(name)

    @property
    def scores(self) -> pl.DataFrame:
        return self.tables["county_scores"]

    @property
    def indicator_points(self) -> pl.DataFrame:
        return self.tables["county_indicator_points"]

    @property
    def transitions(self) -> pl.DataFrame:
        return self.tables["county_transitions"]

    @property
    def summary(self) -> pl.DataFrame:
        return self.tables["province_summary"]

    @property
    def years(self) -> list[int]:
        return sorted(self.scores["evaluation_year"].unique().to_list())

    def name_pinyin(self, county_code: str, county_name: str) -> str:
        """A unit's name in pinyin (the name a code had may change, so both are the key)."""
        return self.pinyin.get((county_code, county_name), "")


def _mart_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'main'"
    ).fetchall()
    return {row[0] for row in rows}


def _latest_methodology(scores: pl.DataFrame) -> str | None:
    """The methodology version of the latest evaluation year in the mart."""
    if "methodology_version" not in scores.columns or scores.height == 0:
        return None
    return scores.sort("evaluation_year")["methodology_version"][-1]


def _framework(
    dataset_dir: Path, methodology_version: str | None, indicator_points: pl.DataFrame
) -> tuple[tuple[Node, ...], tuple[Node, ...]]:
    """Dimensions (the root's children) and indicators (the leaves, each under its dimension)
    of the framework seed, for the methodology version given when the seed holds several, in
    their display order. Maximum points come from the mart's `max_points` where it has them."""
    framework = read_config_table(dataset_dir, "framework")
    if "methodology_version" in framework.columns:
        versions = framework["methodology_version"].unique().to_list()
        chosen = methodology_version if methodology_version in versions else sorted(versions)[-1]
        framework = framework.filter(pl.col("methodology_version") == chosen)
    by_code = {row["node_code"]: row for row in framework.iter_rows(named=True)}
    root = next(code for code, row in by_code.items() if not row["parent_code"])
    parents = {row["parent_code"] for row in by_code.values() if row["parent_code"]}
    latest = indicator_points.filter(
        pl.col("evaluation_year") == indicator_points["evaluation_year"].max())
    mart_max = dict(latest.group_by("indicator_code").agg(pl.col("max_points").max()).iter_rows())
    units = _indicator_units(dataset_dir, methodology_version)

    def dimension_of(code: str) -> str:
        while by_code[code]["parent_code"] and by_code[code]["parent_code"] != root:
            code = by_code[code]["parent_code"]
        return code

    indicators = sorted(
        (
            Node(
                code=code,
                parent_code=dimension_of(code),
                name_zh=row["name_zh"] or row["name_en"],
                name_en=row["name_en"] or row["name_zh"],
                max_points=float(mart_max.get(code) or row["weight"]),
                sort_order=int(row["sort_order"]),
                unit=units.get(code, ""),
            )
            for code, row in by_code.items()
            if code not in parents and code != root
        ),
        key=lambda item: (int(by_code[item.parent_code]["sort_order"]), item.sort_order),
    )
    dimensions = sorted(
        (
            Node(
                code=code,
                parent_code=root,
                name_zh=row["name_zh"] or row["name_en"],
                name_en=row["name_en"] or row["name_zh"],
                max_points=sum(i.max_points for i in indicators if i.parent_code == code)
                or float(row["weight"]),
                sort_order=int(row["sort_order"]),
            )
            for code, row in by_code.items()
            if row["parent_code"] == root
        ),
        key=lambda item: item.sort_order,
    )
    return tuple(dimensions), tuple(indicators)


def _indicator_units(dataset_dir: Path, methodology_version: str | None) -> dict[str, str]:
    """Indicator code -> unit of its value (万元, %, …), from the indicators seed."""
    table = read_config_table(dataset_dir, "indicators")
    if "unit" not in table.columns:
        return {}
    if "methodology_version" in table.columns and methodology_version is not None:
        table = table.filter(pl.col("methodology_version") == methodology_version)
    return {row["indicator_code"]: row["unit"] or "" for row in table.iter_rows(named=True)}


def _cutoffs(dataset_dir: Path, methodology_version: str | None) -> tuple[Cutoff, ...]:
    """The class cut-offs of a methodology version (else the last listed), best class first."""
    table = read_config_table(dataset_dir, "class_cutoffs")
    versions = table["methodology_version"].unique().to_list()
    chosen = methodology_version if methodology_version in versions else sorted(versions)[-1]
    rows = table.filter(pl.col("methodology_version") == chosen).iter_rows(named=True)
    cutoffs = [Cutoff(r["class_code"], float(r["min_score"]), int(r["class_rank"])) for r in rows]
    return tuple(sorted(cutoffs, key=lambda item: item.class_rank))


def _pinyin(scores: pl.DataFrame, dataset_dir: Path) -> dict[tuple[str, str], str]:
    """(code, name) -> pinyin, from the mart when it carries it, else from the units seed."""
    if "county_name_pinyin" in scores.columns:
        rows = scores.select("county_code", "county_name", "county_name_pinyin").unique()
        return {(r[0], r[1]): r[2] or "" for r in rows.iter_rows()}
    units = read_config_table(dataset_dir, "units")
    if "unit_name_pinyin" not in units.columns:
        return {}
    return {
        (r["unit_code"], r["unit_name"]): r["unit_name_pinyin"] or ""
        for r in units.iter_rows(named=True)
    }


def load_mart(mart_db: Path, dataset_dir: Path) -> MartData:
    """Read the published mart (read-only, so a run may publish meanwhile) and the labels."""
    if not mart_db.exists():
        raise FileNotFoundError(
            f"no published mart at {mart_db}: run `leap run` first (or set LEAP_MART_DB)"
        )
    with duckdb.connect(str(mart_db), read_only=True) as con:
        present = _mart_tables(con)
        missing = [name for name in CORE_TABLES if name not in present]
        if missing:
            raise ValueError(
                f"the published mart {mart_db} lacks the tables {missing}; "
                f"expected {list(CORE_TABLES)} (publish at least one evaluation year)"
            )
        tables = {
            name: con.sql(f'select * from main."{name}"').pl()
            for name in (*CORE_TABLES, *OPTIONAL_TABLES)
            if name in present
        }
    version = _latest_methodology(tables["county_scores"])
    dimensions, indicators = _framework(
        dataset_dir, version, tables["county_indicator_points"])
    return MartData(
        mart_db=mart_db,
        tables=tables,
        dimensions=dimensions,
        indicators=indicators,
        cutoffs=_cutoffs(dataset_dir, version),
        pinyin=_pinyin(tables["county_scores"], dataset_dir),
    )
