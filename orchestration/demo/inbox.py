"""Write a demo inbox: the submission files of each data year in `<inbox>/<data_year>/`.

The public entry point of the demo generator. It returns a `DemoManifest` with the files
written, every injected defect, the clean values and the scores the pipeline should compute
from them (the nominal scoring of the pipeline's engine), including the expected province
summary per evaluation year.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from orchestration.config.configuration import Configuration
from orchestration.demo.calibration import ProvinceSummary
from orchestration.demo.defects import (
    MANIFEST_COLUMNS,
    DefectContext,
    cover_missing_kinds,
    inject_year,
    manifest_rows,
)
from orchestration.demo.documents import Document, write_document
from orchestration.demo.seeds import seeds_from_configuration
from orchestration.demo.simulation import DEFAULT_SEED, Simulation, Stream, simulate, stream
from orchestration.demo.submissions import clean_documents, draw_layout_plan
from orchestration.demo.targets import YearTarget

DEFAULT_DATA_YEARS = range(2017, 2024)
MANIFEST_DIR_NAME = "demo_manifests"
# Prefixes of the files the generator writes; only these are removed before a rewrite.
GENERATED_PREFIXES = ("county_form_", "city_summary_", "expert_scores_")


@dataclass(frozen=True)
class DemoFile:
    """A file written into the inbox."""

    data_year: int
    path: Path
    layout: str
    fmt: str
    encoding: str | None
    unit_codes: tuple[str, ...]
    primary: bool  # False for defect extras: superseded copies, wrong-year and foreign files


@dataclass(frozen=True)
class DemoManifest:
    """What `write_demo_inbox` wrote and what the pipeline should make of it."""

    inbox_dir: Path
    seed: int
    defect_rate: float
    data_years: tuple[int, ...]
    files: tuple[DemoFile, ...]
    defects: tuple[dict[str, object], ...]
    summaries: tuple[ProvinceSummary, ...]  # expected, per evaluation year written
    targets: tuple[YearTarget, ...]
    simulation: Simulation

    def clean_values(self) -> pl.DataFrame:
        """The clean base variables (county and expert) of every unit and data year written."""
        records = []
        for data_year in self.data_years:
            year = self.simulation.years[data_year]
            for i, unit in enumerate(year.units):
                for code, array in year.values.items():
                    records.append(
                        (data_year, unit.unit_code, unit.unit_name, code, float(array[i]))
                    )
        return pl.DataFrame(
            records,
            schema=["data_year", "unit_code", "unit_name", "variable_code", "value"],
            orient="row",
        )

    def expected_scores(self) -> pl.DataFrame:
        """Each unit's expected total, class, rank and indicator points per evaluation year."""
        records = []
        for data_year in self.data_years:
            year = self.simulation.years[data_year]
            scores = year.scores
            for i, unit in enumerate(year.units):
                record = {
                    "evaluation_year": year.evaluation_year,
                    "data_year": data_year,
                    "unit_code": unit.unit_code,
                    "unit_name": unit.unit_name,
                    "points_total": float(scores.totals[i]),
                    "class_code": scores.classes[i],
                    "province_rank": int(scores.ranks[i]),
                }
                for code, points in scores.points.items():
                    record[f"points_{code}"] = float(points[i])
                records.append(record)
        return pl.DataFrame(records)

    def summary_frame(self) -> pl.DataFrame:
        """The expected province summary next to the targets, one row per evaluation year."""
        targets = {t.evaluation_year: t for t in self.targets}
        records = []
        for summary in self.summaries:
            target = targets[summary.evaluation_year]
            record = summary.as_dict()
            for name in (
                "class_a",
                "class_b",
                "class_c",
                "mean_score",
                "class_leaps",
                "demotions",
                "score_up",
                "rank_up",
            ):
                record[f"target_{name}"] = getattr(target, name)
            record["published_fields"] = ";".join(sorted(target.published))
            records.append(record)
        return pl.DataFrame(records)

    def defects_of(self, data_year: int) -> list[dict[str, object]]:
        """The defects injected into the files of one data year."""
        return [d for d in self.defects if d["data_year"] == data_year]

    def write(self, manifest_dir: Path | None = None) -> list[Path]:
        """Write `defects_<year>.csv` per data year plus the expected results, as CSV.

        By default into `<inbox>/../demo_manifests/`, outside the year folders so that the
        pipeline never mistakes a manifest for a submission.
        """
        folder = manifest_dir or self.inbox_dir.parent / MANIFEST_DIR_NAME
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for data_year in self.data_years:
            path = folder / f"defects_{data_year}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(MANIFEST_COLUMNS))
                writer.writeheader()
                for row in self.defects_of(data_year):
                    writer.writerow({k: "" if row[k] is None else row[k] for k in MANIFEST_COLUMNS})
            written.append(path)
        for name, frame in (
            ("expected_province_summary.csv", self.summary_frame()),
            ("expected_unit_scores.csv", self.expected_scores()),
            ("clean_values.csv", self.clean_values()),
        ):
            frame.write_csv(folder / name)
            written.append(folder / name)
        return written


def _clear_generated(year_dir: Path) -> None:
    """Remove files a previous run of the generator left in a year folder."""
    if not year_dir.is_dir():
        return
    for path in year_dir.iterdir():
        if path.is_file() and path.name.startswith(GENERATED_PREFIXES):
            path.unlink()


def _check_years(simulation: Simulation, data_years: range) -> None:
    """Refuse data years the generator has no targets for."""
    missing = [y for y in data_years if y not in simulation.years]
    if missing or len(data_years) == 0:
        known = sorted(simulation.years)
        raise ValueError(
            f"demo data years {list(data_years)}: no targets for {missing or 'an empty range'}; "
            f"choose years within {known[0]}-{known[-1]}"
        )


def write_demo_inbox(
    inbox_dir: Path,
    seed: int = DEFAULT_SEED,
    defect_rate: float = 0.0,
    data_years: range = DEFAULT_DATA_YEARS,
    cover_all_kinds: bool = True,
    configuration: Configuration | None = None,
) -> DemoManifest:
    """Write realistic submission files into `inbox_dir/<data_year>/` and describe them.

    Deterministic for a seed. With `defect_rate` > 0 that share of files and of values gets a
    defect, and (with `cover_all_kinds`) every defect kind appears at least once; with 0 the
    files are clean and every unit's variables appear exactly once per data year. The units,
    variables and indicators come from `configuration` (default: the repository's seeds/).
    """
    if not 0.0 <= defect_rate <= 1.0:
        raise ValueError(f"defect_rate must be within [0, 1], got {defect_rate}")
    inbox_dir = Path(inbox_dir)
    seeds = seeds_from_configuration(configuration) if configuration is not None else None
    simulation = simulate(seed, seeds)
    _check_years(simulation, data_years)
    plan = draw_layout_plan(simulation, stream(seed, Stream.LAYOUT), stream(seed, Stream.PEOPLE))
    documents: dict[int, list[Document]] = {
        y: clean_documents(simulation, plan, y) for y in data_years
    }
    if defect_rate > 0:
        rng = stream(seed, Stream.DEFECTS)
        contexts = [DefectContext(simulation, plan, rng, y, documents[y]) for y in data_years]
        for ctx in contexts:
            inject_year(ctx, defect_rate)
        if cover_all_kinds:
            cover_missing_kinds(contexts)
    files: list[DemoFile] = []
    defects: list[dict[str, object]] = []
    for data_year in data_years:
        year_dir = inbox_dir / str(data_year)
        _clear_generated(year_dir)
        year_dir.mkdir(parents=True, exist_ok=True)
        for doc in documents[data_year]:
            path = write_document(doc, year_dir)
            files.append(
                DemoFile(
                    data_year, path, doc.layout, doc.fmt, doc.encoding, doc.unit_codes, doc.primary
                )
            )
            defects.extend(manifest_rows(doc))
    lag = simulation.seeds.data_year_lag
    evaluation_years = [y + lag for y in data_years]
    return DemoManifest(
        inbox_dir=inbox_dir,
        seed=seed,
        defect_rate=defect_rate,
        data_years=tuple(data_years),
        files=tuple(files),
        defects=tuple(defects),
        summaries=tuple(simulation.summaries[y] for y in evaluation_years),
        targets=tuple(simulation.targets[y] for y in evaluation_years),
        simulation=simulation,
    )
