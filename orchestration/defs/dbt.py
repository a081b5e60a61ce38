"""dbt, run inside the Dagster process: the project, its manifest, and a resource that builds
the years of a run in one invocation.

dagster-dbt's `DbtCliResource` starts one dbt process per invocation (a few seconds to import
dbt and parse the project each time); this resource runs dbt's documented programmatic entry
point (`dbtRunner`) with the manifest parsed once per process (partial parsing keeps it cheap
across processes) and turns dbt's result events into Dagster events with dagster-dbt's own
translation (`DbtCoreCliEventMessage.to_default_asset_events`).

The manifest that defines the asset graph is prepared by setup (`scripts/setup.sh`), by
`leap run` before it loads the definitions, or by `dagster dev` (`prepare_if_dev`): never as a
side effect of importing the code location.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject

from orchestration.config.paths import (
    DBT_PROJECT_DIR,
    DEFAULT_WAREHOUSE_DIR,
    Paths,
    dbt_environment,
)
from orchestration.defs.progress import progress_bar, report_progress

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` only: re-parse the project when the code location loads (dagster-dbt's
# documented development loop); a run never parses at import.
dbt_project.prepare_if_dev()

# The project is parsed with a range of years set, so that the dependencies the year filters
# take only when a range is given (dbt_project/macros/evaluation_year_filter.sql) are in the
# manifest that every run's build then uses with its own range.
PARSE_VARS = {"first_evaluation_year": 0, "last_evaluation_year": 0}
RESULT_EVENTS = {"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"}
SEED_CHECKSUMS_TABLE = "main.leap_seed_checksums"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
dbt_log = logging.getLogger("leap.dbt")


class DbtBuildError(RuntimeError):
    """A dbt invocation that failed; the message names the failing nodes and dbt's error."""


@dataclass
class _ParsedProject:
    """The manifest parsed in this process for one dbt environment."""

    environment: tuple[tuple[str, str], ...]
    manifest: Any  # dbt.contracts.graph.manifest.Manifest
    seconds: float


_PARSED: dict[Path, _ParsedProject] = {}


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps its database open in the process after an invocation; close it so the
    pipeline's own connections (read-only ones too) can open the file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _project_args(target_dir: Path, log_dir: Path | None) -> list[str]:
    args = [
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target_dir), "--log-level", "none", "--no-use-colors",
        "--no-send-anonymous-usage-stats", "--no-version-check",
    ]  # fmt: skip
    if log_dir is None:
        return [*args, "--log-level-file", "none"]
    return [*args, "--log-path", str(log_dir), "--log-level-file", "debug"]


def parse_project(paths: Paths, target_dir: Path | None = None) -> tuple[Any, float]:
    """The project's manifest for these paths: parsed once per process (partial parsing reuses
    the previous parse in `target_dir`, by default dbt_project/target, which holds the manifest
    of the asset graph too). Returns the manifest and the seconds parsing took.

    `python -m orchestration.defs.dbt` prepares it for the default warehouse (scripts/setup.sh)."""
    from dbt.cli.main import dbtRunner

    target_dir = DBT_PROJECT_DIR / (target_dir or dbt_project.target_path)  # dbt's relative to it
    paths = parsing_paths(paths)
    environment = tuple(sorted(paths.dbt_environment().items()))
    parsed = _PARSED.get(target_dir)
    if parsed is not None and parsed.environment == environment:
        return parsed.manifest, 0.0
    started = time.perf_counter()
    with _parse_lock(target_dir), _scratch_target(target_dir) as scratch:
        args = ["parse", *_project_args(scratch, None), "--vars", json.dumps(PARSE_VARS)]
        if not (paths.dataset_dir / "values.csv").exists():
            # dbt_project.yml disables a dataset folder's values.csv as a seed; a folder without
            # one (Hebei's seeds/) leaves that configuration unused, on purpose.
            args += ["--warn-error-options", json.dumps({"silence": ["UnusedResourceConfigPath"]})]
        with dbt_environment(paths):
            result = dbtRunner(callbacks=[_log_dbt_event]).invoke(args)
        _close_dbt_duckdb()
        if result.success:
            _replace_artifacts(scratch, target_dir)
    if not result.success:
        raise DbtBuildError(
            f"dbt could not parse the project {DBT_PROJECT_DIR}: {result.exception}"
        )
    parsed = _ParsedProject(environment, result.result, time.perf_counter() - started)
    _PARSED[target_dir] = parsed
    return parsed.manifest, parsed.seconds


@contextmanager
def _parse_lock(target_dir: Path) -> Iterator[None]:
    """One parse of the shared target folder at a time, across processes (two `leap run`s of
    one checkout, a sensor's run beside the command line's): each parse starts from the
    partial-parsing state the previous one left whole."""
    target_dir.mkdir(parents=True, exist_ok=True)
    with open(target_dir / ".parse.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _scratch_target(target_dir: Path) -> Iterator[Path]:
    """A private folder for dbt to write its parse into (starting from the shared partial-parsing
    state), removed afterwards, with what a killed parse left behind."""
    for stale in target_dir.glob(".parse-*"):
        shutil.rmtree(stale, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix=".parse-", dir=target_dir))
    try:
        state = target_dir / PARTIAL_PARSE_FILE
        if state.exists():
            shutil.copy2(state, scratch / PARTIAL_PARSE_FILE)
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _replace_artifacts(scratch: Path, target_dir: Path) -> None:
    """dbt's files of a parse moved over the shared ones, each in one rename: a process reading
    `manifest.json` (the asset graph, the published tables) reads a whole file, the previous
    parse's or this one's, never one being written."""
    for path in scratch.iterdir():
        if path.is_file():
            os.replace(path, target_dir / path.name)


def parsing_paths(paths: Paths) -> Paths:
    """The paths the project is parsed with: the working database's folder is the default
    warehouse's, whatever the warehouse. dbt hashes the profile's connection settings (the
    database path among them) and parses the whole project again when they change (5-8 s);
    parsing never opens the database, and the manifest depends only on the database's name
    (the file name, kept), so every warehouse shares one partial parse."""
    return replace(paths, work_db=DEFAULT_WAREHOUSE_DIR / paths.work_db.name)


def _log_dbt_event(event: Any) -> None:
    """Every dbt event into the run's log (the console shows only the progress)."""
    level = logging.DEBUG if event.info.level == "debug" else logging.INFO
    if event.info.level in ("warn", "error"):
        level = logging.WARNING if event.info.level == "warn" else logging.ERROR
    if dbt_log.isEnabledFor(level):
        dbt_log.log(level, "dbt: %s", event.info.msg)


def year_vars(years: Sequence[int]) -> dict[str, int]:
    """The dbt vars of a run: its first and last evaluation year (the macro
    `evaluation_year_filter` filters every incremental model by them)."""
    return {"first_evaluation_year": min(years), "last_evaluation_year": max(years)}


@dataclass
class _Collected:
    """dbt's result events of one invocation, and its failures as people read them."""

    events: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class ScoringDbtResource(dg.ConfigurableResource):
    """Runs `dbt build` of the scoring project in this process for the years of a run."""

    threads: int = 2

    def build(
        self,
        context: dg.AssetExecutionContext,
        paths: Paths,
        years: Sequence[int],
        translator: DagsterDbtTranslator,
    ) -> Iterator[Any]:
        """Build every selected node for `years` in one invocation and yield the Dagster events
        of its models, seeds and tests; raises DbtBuildError when a node failed."""
        from dagster_dbt.asset_utils import (
            get_manifest_and_translator_from_dbt_assets,
            get_subset_selection_for_context,
        )

        manifest, parse_seconds = parse_project(paths)
        # the manifest the asset graph was defined with (the same project, parsed at setup)
        manifest_dict, _, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
        selection, indirect = get_subset_selection_for_context(
            context=context, manifest=manifest_dict, select=None, exclude=None, selector=None,
            dagster_dbt_translator=translator, current_dbt_indirect_selection_env=None,
        )  # fmt: skip
        unchanged_seeds = self._unchanged_seeds(paths, manifest)
        args = [
            "build", *_project_args(paths.dbt_target_dir, paths.logs_dir / "dbt"),
            "--threads", str(self.threads),
            # dbt unit tests check the SQL, not the year's data: the test suite runs them.
            "--exclude-resource-type", "unit_test",
            "--vars", json.dumps(year_vars(years)),
            *selection,
        ]  # fmt: skip
        if indirect:
            args += ["--indirect-selection", indirect]
        if unchanged_seeds and not selection:
            # The configuration is loaded once, not per run: only changed seeds are reloaded.
            # Tests are selected directly, so that the tests of a kept seed still run.
            changed = sorted(set(self._seed_checksums(manifest)) - set(unchanged_seeds))
            args += ["--select", "resource_type:model", "resource_type:test", *changed]
        collected = self._invoke(args, manifest, paths)
        self._record_seeds(paths, manifest, collected)
        label = f"{min(years)}-{max(years)}" if len(years) > 1 else str(years[0])
        report_progress(
            context,
            f"dbt build {label}: {len(collected.events)} nodes"
            + (f" ({len(unchanged_seeds)} unchanged seeds kept)" if unchanged_seeds else "")
            + (f", parse {parse_seconds:.1f} s" if parse_seconds else ""),
        )
        for raw_event in collected.events:
            yield from _dagster_events(raw_event, manifest_dict, translator, context)
        if collected.failures:
            raise DbtBuildError(
                f"dbt build of evaluation years {label} failed:\n  "
                + "\n  ".join(collected.failures[:10])
                + f"\n(full dbt log: {paths.logs_dir / 'dbt' / 'dbt.log'})"
            )

    def _invoke(self, args: list[str], manifest: Any, paths: Paths) -> _Collected:
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_dict

        collected = _Collected()
        total = sum(1 for node in manifest.nodes.values() if node.resource_type != "unit_test")
        with progress_bar(total, "dbt") as bar:

            def on_event(event: Any) -> None:
                _log_dbt_event(event)
                if event.info.name not in RESULT_EVENTS:
                    return
                raw = msg_to_dict(event)
                collected.events.append(raw)
                bar.update(1)
                status = str(raw["data"].get("status", "")).lower()
                if status in ("error", "fail"):
                    node = raw["data"].get("node_info", {})
                    collected.failures.append(
                        f"{node.get('resource_type', 'node')} {node.get('node_name')}: "
                        f"{status} ({raw['info'].get('msg', '').strip()})"
                    )

            paths.dbt_target_dir.mkdir(parents=True, exist_ok=True)
            with dbt_environment(paths):
                result = dbtRunner(manifest=manifest, callbacks=[on_event]).invoke(args)
            _close_dbt_duckdb()
        if result.exception is not None:
            collected.failures.append(f"dbt stopped: {result.exception}")
        return collected

    @staticmethod
    def _seed_checksums(manifest: Any) -> dict[str, str]:
        return {
            node.name: node.checksum.checksum
            for node in manifest.nodes.values()
            if node.resource_type == "seed"
        }

    def _unchanged_seeds(self, paths: Paths, manifest: Any) -> list[str]:
        """Seeds whose file is the one already loaded into the working database."""
        from orchestration.warehouse.connection import connect_work_db

        if not paths.work_db.exists():
            return []
        current = self._seed_checksums(manifest)
        with connect_work_db(paths.work_db, read_only=True) as con:
            exists = con.execute(
                "select count(*) from duckdb_tables() "
                "where schema_name = 'main' and table_name = 'leap_seed_checksums'"
            ).fetchone()[0]
            if not exists:
                return []
            loaded = dict(
                con.execute(f"select seed, checksum from {SEED_CHECKSUMS_TABLE}").fetchall()
            )
            tables = {
                row[0]
                for row in con.execute(
                    "select table_name from duckdb_tables() where schema_name = 'seeds'"
                ).fetchall()
            }
        return sorted(
            name
            for name, checksum in current.items()
            if loaded.get(name) == checksum and name in tables
        )

    def _record_seeds(self, paths: Paths, manifest: Any, collected: _Collected) -> None:
        """Remember the checksum of each seed loaded successfully by this invocation."""
        from orchestration.warehouse.connection import connect_work_db

        checksums = self._seed_checksums(manifest)
        loaded = [
            event["data"]["node_info"]["node_name"]
            for event in collected.events
            if event["info"]["name"] == "LogSeedResult"
            and str(event["data"].get("status", "")).lower() in ("success", "pass")
        ]
        if not loaded:
            return
        with connect_work_db(paths.work_db) as con:
            con.execute(
                f"create table if not exists {SEED_CHECKSUMS_TABLE} "
                "(seed varchar primary key, checksum varchar)"
            )
            for name in loaded:
                con.execute(
                    f"insert or replace into {SEED_CHECKSUMS_TABLE} values (?, ?)",
                    [name, checksums.get(name)],
                )


def _dagster_events(
    raw_event: dict,
    manifest: Mapping[str, Any],
    translator: DagsterDbtTranslator,
    context: dg.AssetExecutionContext,
) -> Iterator[Any]:
    from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

    message = DbtCoreCliEventMessage(raw_event=raw_event, event_history_metadata={})
    yield from message.to_default_asset_events(
        manifest=manifest, dagster_dbt_translator=translator, context=context
    )


if __name__ == "__main__":
    from orchestration.config.paths import paths_from_environment

    print(f"dbt manifest prepared in {parse_project(paths_from_environment())[1]:.1f} s")
