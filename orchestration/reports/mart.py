"""What the reports read: the published mart, and nothing else.

The core tables (scores, indicator points, transitions, province summary) and the methodology
tables (see `methodology.py`) are required. The other tables (awards, contributions to the
score change, gaps to the next class, rank uncertainty, data-quality status and checks) are
optional: when the mart has them the reports show them, otherwise the pages do without or derive
what they need from the core tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from orchestration.reports import methodology
from orchestration.reports.methodology import YearMethodology

CORE_TABLES = ("county_scores", "county_indicator_points", "county_transitions", "province_summary")
OPTIONAL_TABLES = (
    "awards",
    "award_totals",
    "county_change_contributions",
    "county_class_gaps",
    "county_rank_uncertainty",
    "data_quality_status",
    "data_quality_checks",
    "publication_log",
)
REQUIRED_TABLES = (*CORE_TABLES, *methodology.REQUIRED_TABLES)


@dataclass(frozen=True)
class MartData:
    """The published mart as polars frames (optional tables are None when absent) and the
    methodology of each of its evaluation years."""

    mart_db: Path
    tables: dict[str, pl.DataFrame]
    methodologies: dict[int, YearMethodology]
    pinyin: dict[tuple[str, str], str]

    def table(self, name: str) -> pl.DataFrame | None:
        """A mart table, or None when the mart does not have it (yet)."""
        return self.tables.get(name)

    def methodology(self, year: int) -> YearMethodology:
        """The methodology evaluation year `year` was scored with."""
        return self.methodologies[year]

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
    rows = con.sql("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()
    return {row[0] for row in rows}


def read_mart_tables(mart_db: Path) -> dict[str, pl.DataFrame]:
    """Every table the reports use, read at once (read-only, so a run may publish meanwhile)."""
    if not mart_db.exists():
        raise FileNotFoundError(
            f"no published mart at {mart_db}: run `leap run` first (or set LEAP_MART_DB)"
        )
    with duckdb.connect(str(mart_db), read_only=True) as con:
        present = _mart_tables(con)
        missing = [name for name in REQUIRED_TABLES if name not in present]
        if missing:
            raise ValueError(
                f"the published mart {mart_db} lacks the tables {missing}; the reports need "
                f"{list(REQUIRED_TABLES)} (publish the evaluation years again with `leap run`)"
            )
        wanted = (*REQUIRED_TABLES, *OPTIONAL_TABLES, *methodology.OPTIONAL_TABLES)
        return {
            name: con.sql(f'select * from main."{name}"').pl() for name in wanted if name in present
        }


def load_mart(mart_db: Path) -> MartData:
    """The published mart and each evaluation year's methodology, as the mart records them."""
    tables = read_mart_tables(mart_db)
    years = sorted(tables["county_scores"]["evaluation_year"].unique().to_list())
    return MartData(
        mart_db=mart_db,
        tables=tables,
        methodologies={year: methodology.year_methodology(tables, year) for year in years},
        pinyin=methodology.unit_pinyin(tables["units_by_year"]),
    )
