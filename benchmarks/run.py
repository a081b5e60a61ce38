"""The benchmark in one command: `.venv/bin/python -m benchmarks.run` or `bash benchmarks/run.sh`.

Prints the machine, then:

1. the uncertainty engine (`benchmarks/uncertainty_speed.py`): 10,000 replications of 168
   units x 17 indicators (target: <= 10 s) and per replication against COINr (>= 1,000x);
   1b. ingestion (`benchmarks/ingest_speed.py`): each data year of the demo inbox read (< 1 s);
2. the main job (`leap run` on the demo data in a temporary warehouse): every year, then one
   year re-run, and the README's queries on its published mart;
3. national scale (2,900 units x 20 years, generated): dbt build of every year, the
   uncertainty of every year, a corrected resubmission of one year re-scored (dbt for that
   year and what depends on it, then its uncertainty), and the queries on the marts;
4. stress scale (100,000 units x 20 years x 17 indicators, generated): the same, the Monte
   Carlo with 1,000 replications of the last year, each dbt build stopped after
   `--stress-timeout` seconds (reported with how far it got).

Every step runs in its own process; its wall time and peak resident memory (including the
processes it starts) are reported. dbt's DuckDB is held to `--memory-limit` (default 7GB).
Other options: `--skip speed,ingest,main,national,stress`, `--stress-units N`,
`--replications N`, `--keep DIR` (keep the generated warehouses there).

(Over 400 lines on purpose: the sections read top to bottom in the order they print, with the
measuring helpers they share above them; the generated data is in `data.py`, the steps each
measured process runs in `steps.py`.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml

from orchestration.config.paths import DBT_PROJECT_DIR, PROJECT_ROOT

BIN = Path(sys.executable).parent
# The Monte Carlo at stress scale: replications per year and years (a full 10,000 x 20 years
# of 100,000 units is 2 x 10^10 ranks; the engine would do it, in hours).
STRESS_REPLICATIONS = 1_000
STRESS_MC_YEARS = 1
CORRECTED_EVALUATION_YEAR = 2021
STEP_TIMEOUT = 1_800


@dataclass(frozen=True)
class Measured:
    """One step's outcome: wall time, peak resident memory, exit status and output."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def result(self) -> dict:
        """The JSON object a `benchmarks.steps` step printed last."""
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else {}

    def failure(self) -> str:
        if self.timed_out:
            return "stopped at the time limit"
        tail = (self.stderr or self.stdout).strip().splitlines()[-6:]
        return f"exit {self.returncode}: " + " | ".join(tail)


def measure(
    command: list[str],
    env: dict[str, str] | None = None,
    cwd: Path = PROJECT_ROOT,
    timeout: float = STEP_TIMEOUT,
) -> Measured:
    """Run a command in its own process group; wall time and peak RSS (the largest of it and
    its descendants, from wait4). Past `timeout` seconds the group is stopped."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, env=env, cwd=cwd, text=True, start_new_session=True
        )
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            if elapsed > timeout and not timed_out:
                timed_out = True
                os.killpg(process.pid, signal.SIGTERM)
            elif timed_out and elapsed > timeout + 15:
                os.killpg(process.pid, signal.SIGKILL)
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            min(seconds, timeout) if timed_out else seconds,
            usage.ru_maxrss / 1024,
            process.returncode,
            out.read(),
            err.read(),
            timed_out,
        )


def step(name: str, *args: str, env: dict[str, str] | None = None) -> Measured:
    return measure([sys.executable, "-m", "benchmarks.steps", name, *args], env=env)


def clean_environment(**extra: str) -> dict[str, str]:
    """This environment without the pipeline's LEAP_* settings, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEAP_")}
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def profiles_with_memory_limit(scratch: Path, memory_limit: str) -> Path:
    """A copy of the project's dbt profile whose DuckDB may use at most `memory_limit` (DuckDB
    takes 80% of the machine's memory by default; beyond the limit it spills to disk)."""
    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    for profile in profiles.values():
        for output in profile.get("outputs", {}).values():
            output.setdefault("settings", {})["memory_limit"] = memory_limit
    folder = scratch / "dbt_profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.yml").write_text(yaml.safe_dump(profiles), encoding="utf-8")
    return folder


def dbt_build(
    dataset_dir: Path,
    work_db: Path,
    scratch: Path,
    profiles_dir: Path,
    year: int | None = None,
    timeout: float = STEP_TIMEOUT,
) -> Measured:
    """`dbt build` of the project on a working database (every year, or one year and the years
    that depend on it, as the Dagster asset runs it). Unit tests are left out: they check
    formulas on fixed fixtures, the same work at any scale."""
    command = [
        str(BIN / "dbt"), "build",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(profiles_dir),
        "--target-path", str(scratch / "dbt_target"), "--log-path", str(scratch / "dbt_logs"),
        "--exclude", "test_type:unit",
    ]  # fmt: skip
    if year is not None:
        command += ["--vars", json.dumps({"evaluation_year": year})]
    env = clean_environment(LEAP_WORK_DB=str(work_db), LEAP_DATASET_DIR=str(dataset_dir))
    return measure(command, env=env, cwd=DBT_PROJECT_DIR, timeout=timeout)


def dbt_progress(measured: Measured) -> str:
    """How far a dbt run got: its last "N of M" line."""
    done = re.findall(r"\b(\d+) of (\d+) (?:OK|PASS|WARN|ERROR|FAIL)", measured.stdout)
    if not done:
        return ""
    return f"dbt had finished {len(set(done))} of {done[0][1]} nodes"


# --- the report ------------------------------------------------------------------------------


def say(text: str = "") -> None:
    print(text, flush=True)


def figure(label: str, measured: Measured | None = None, note: str = "") -> None:
    """One line of the report: label, wall time, peak memory, note."""
    if measured is None:
        say(f"  {label:<58} {note}")
        return
    if not measured.ok:
        say(f"  {label:<58} FAILED after {measured.seconds:.1f} s ({measured.failure()}) {note}")
        return
    say(f"  {label:<58} {measured.seconds:8.1f} s  {measured.peak_mb:8.0f} MB peak  {note}")


def machine() -> None:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{memory_kb / 2**20:.1f} GiB"
    except OSError:
        memory = "unknown"
    versions = ", ".join(
        f"{package} {metadata.version(package)}"
        for package in ("duckdb", "polars", "numpy", "dagster", "dbt-core", "dbt-duckdb")
    )
    say("Machine")
    say(
        f"  CPU      {cpu}, {len(os.sched_getaffinity(0))} cores available "
        f"({os.cpu_count()} online)"
    )
    say(f"  memory   {memory}")
    say(f"  system   {platform.platform()}")
    say(f"  Python   {platform.python_version()}; {versions}")
    say(f"  load     {load()} (1, 5, 15 min) at start: other work on the machine slows the figures")


def load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def standalone(title: str, module: str, *args: str) -> None:
    """A benchmark script of its own (it prints its figures and targets): its lines, indented,
    with its wall time and peak memory."""
    say(f"\n{title}")
    measured = measure([sys.executable, "-m", module, *args])
    for line in measured.stdout.strip().splitlines():
        say(f"  {line}")
    figure(f"({module}, whole script)", measured)


def uncertainty_speed(replications: int) -> None:
    """Issue 14's figures: Hebei's Monte Carlo and the per-replication speed against COINr."""
    standalone(
        "1. The uncertainty engine (target: 10,000 replications of 168 units x 17 indicators "
        "in <= 10 s on 2 cores; >= 1,000x COINr per replication)",
        "benchmarks.uncertainty_speed", "--replications", str(replications),
    )  # fmt: skip


def ingest_speed() -> None:
    """Issue 10's figure: one data year of the demo inbox read."""
    standalone(
        "1b. Ingestion: every data year of the demo inbox read (target < 1 s per year)",
        "benchmarks.ingest_speed",
    )


FLOOR_IMPORT = "import dagster, dagster_dbt, dbt.cli.main, great_expectations, duckdb, polars"
MAIN_TARGET, CORRECTION_TARGET = 4.0, 2.0  # times the floor
QUERY_TARGET_MS = 50.0


def import_floor() -> float | None:
    """The floor no run can beat here: one Python process importing dagster, dagster_dbt, dbt,
    great_expectations, duckdb and polars (best of three, so the file cache is warm)."""
    say("\n0. The floor: one process importing dagster, dagster_dbt, dbt, GX, duckdb, polars")
    runs = [measure([sys.executable, "-c", FLOOR_IMPORT]) for _ in range(3)]
    if not all(run.ok for run in runs):
        figure("imports", next(run for run in runs if not run.ok))
        return None
    best = min(run.seconds for run in runs)
    say(f"  imports: best of 3 {best:.1f} s ({', '.join(f'{run.seconds:.1f}' for run in runs)})")
    return best


def against_floor(seconds: float, floor: float | None, target: float) -> str:
    if not floor:
        return ""
    ratio = seconds / floor
    verdict = "met" if ratio <= target else "NOT met"
    return f"{ratio:.1f}x the floor (target <= {target:.0f}x: {verdict})"


def query_latencies(db: Path, schema: str, year: int, county: str) -> None:
    measured = step(
        "queries", "--db", str(db), "--schema", schema, "--year", str(year), "--county", county
    )
    if not measured.ok:
        figure("queries", measured)
        return
    for name, outcome in measured.result().items():
        if "error" in outcome:
            say(f"    {name:<56} not available ({outcome['error']})")
        else:
            met = "met" if outcome["median_ms"] <= QUERY_TARGET_MS else "NOT met"
            say(
                f"    {name:<56} {outcome['median_ms']:8.2f} ms median, {outcome['max_ms']:.2f} "
                f"ms max, {outcome['rows']} rows (connection opened each time; target "
                f"<= {QUERY_TARGET_MS:.0f} ms {met})"
            )


def main_job(scratch: Path, floor: float | None) -> None:
    say("\n2. The main job: `leap run` on the demo data (temporary warehouse)")
    try:
        import orchestration.demo  # noqa: F401
    except ImportError as error:
        say(f"  skipped: the demo generator is not importable ({error})")
        return
    warehouse = scratch / "demo_warehouse"
    env = clean_environment(
        LEAP_WAREHOUSE_DIR=str(warehouse), DAGSTER_HOME=str(warehouse / "dagster_home")
    )
    everything = measure([str(BIN / "leap"), "run", "--demo"], env=env)
    figure(
        "every year, 2018-2024, one run (demo files written first)",
        everything,
        against_floor(everything.seconds, floor, MAIN_TARGET) if everything.ok else "",
    )
    if not everything.ok:
        return
    say(f"    console: {len(everything.stdout.splitlines())} lines")
    for line in everything.stdout.splitlines():
        if re.match(r"\s+(demo submissions|dbt project parsed|step )", line):
            say(f"    {line.strip()}")
    again = measure([str(BIN / "leap"), "run", "--years", str(CORRECTED_EVALUATION_YEAR)], env=env)
    figure(
        f"one year re-run ({CORRECTED_EVALUATION_YEAR}, the correction path)",
        again,
        against_floor(again.seconds, floor, CORRECTION_TARGET) if again.ok else "",
    )
    if again.ok:
        for line in again.stdout.splitlines():
            if re.match(r"\s+(dbt build|step scoring_models)", line):
                say(f"    {line.strip()}")
    say(f"  README queries on the published mart (median of {20} runs):")
    query_latencies(warehouse / "mart.duckdb", "main", 2024, "130123")


@dataclass(frozen=True)
class Scale:
    """A generated dataset's size and how the benchmark runs it."""

    number: int
    name: str
    units: int
    years: int
    replications: int
    uncertainty_years: int | None  # the last N years; None: every year
    dbt_timeout: float
    engine_alone: bool  # also time the engine on generated values, without dbt


def scale(spec: Scale, scratch: Path, memory_limit: str) -> None:
    """Generate, score with dbt, run the uncertainty, correct one year, query."""
    folder = scratch / spec.name
    say(
        f"\n{spec.number}. {spec.name.capitalize()} scale: {spec.units:,} units x {spec.years} "
        f"years x 17 indicators (generated; DuckDB memory limit {memory_limit})"
    )
    generated = step(
        "generate", "--folder", str(folder), "--units", str(spec.units), "--years", str(spec.years)
    )
    figure("generate the submissions (raw.submitted_values)", generated)
    if not generated.ok:
        return
    if spec.engine_alone:
        engine = step(
            "mc-speed", "--units", str(spec.units), "--replications", str(spec.replications)
        )
        note = uncertainty_note(engine)
        figure("uncertainty engine alone, one year of generated values", engine, note)
    info = generated.result()
    dataset_dir, work_db = Path(info["dataset_dir"]), Path(info["work_db"])
    evaluation_years = info["evaluation_years"]
    profiles = profiles_with_memory_limit(folder, memory_limit)
    built = dbt_build(dataset_dir, work_db, folder, profiles, timeout=spec.dbt_timeout)
    figure("dbt build, every year (seeds, models, tests)", built, dbt_progress(built))
    if not built.ok:
        return
    say(f"    working database: {work_db.stat().st_size / 2**20:,.0f} MB")
    span = evaluation_years[-(spec.uncertainty_years or len(evaluation_years)) :]
    uncertainty = uncertainty_of(work_db, span, spec.replications)
    figure(f"uncertainty, {len(span)} year(s)", uncertainty, uncertainty_note(uncertainty))

    year = CORRECTED_EVALUATION_YEAR
    corrected = step("correct", "--work-db", str(work_db), "--data-year", str(year - 1))
    if not corrected.ok:
        figure(f"correction of {year}", corrected)
        return
    rebuilt = dbt_build(dataset_dir, work_db, folder, profiles, year, timeout=spec.dbt_timeout)
    figure(
        f"correction of {year}: dbt build of {year} and what depends on it",
        rebuilt,
        f"({corrected.result()['rows_added']:,} corrected values) {dbt_progress(rebuilt)}",
    )
    redone = uncertainty_of(work_db, [year], spec.replications)
    figure(f"correction of {year}: its uncertainty", redone, uncertainty_note(redone))
    mart_db = folder / "mart.duckdb"
    manifest = folder / "dbt_target" / "manifest.json"
    published = step(
        "publish", "--work-db", str(work_db), "--mart-db", str(mart_db), "--manifest", str(manifest)
    )
    figure(
        "publish every year (sorted for the README's questions)",
        published,
        f"{published.result()['mart_mb']:,.0f} MB mart" if published.ok else "",
    )
    if published.ok:
        say("  README queries on the published mart (median of 20 runs):")
        query_latencies(mart_db, "main", evaluation_years[-1], info["first_unit"])


def uncertainty_of(work_db: Path, years: list[int], replications: int) -> Measured:
    """The `rank_uncertainty` asset's work for these years (read, Monte Carlo, write)."""
    listed = ",".join(str(year) for year in years)
    return step(
        "mc-years", "--work-db", str(work_db), "--years", listed,
        "--replications", str(replications),
    )  # fmt: skip


def uncertainty_note(measured: Measured) -> str:
    if not measured.ok:
        return ""
    result = measured.result()
    years = result.get("years", 1)
    return (
        f"{result['replications']:,} replications x {years} year(s): "
        f"{result.get('seconds_per_year', result['seconds']):.1f} s/year, "
        f"{result['replications_per_second']:,.0f} replications/s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated: speed,ingest,main,national,stress"
    )
    parser.add_argument("--replications", type=int, default=10_000)
    parser.add_argument("--stress-units", type=int, default=100_000)
    parser.add_argument(
        "--stress-timeout", type=float, default=600, help="seconds allowed per stress dbt build"
    )
    parser.add_argument("--memory-limit", default="7GB", help="DuckDB memory limit for dbt")
    parser.add_argument("--keep", type=Path, default=None, help="keep generated data here")
    args = parser.parse_args(argv)
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    scales = [
        Scale(3, "national", 2_900, 20, args.replications, None, STEP_TIMEOUT, False),
        Scale(4, "stress", args.stress_units, 20, STRESS_REPLICATIONS, STRESS_MC_YEARS,
              args.stress_timeout, True),
    ]  # fmt: skip

    started = time.perf_counter()
    machine()
    with tempfile.TemporaryDirectory(prefix="leap-benchmark-") as temporary:
        scratch = args.keep or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        floor = import_floor() if "main" not in skip else None
        if "speed" not in skip:
            uncertainty_speed(args.replications)
        if "ingest" not in skip:
            ingest_speed()
        if "main" not in skip:
            main_job(scratch, floor)
        for spec in scales:
            if spec.name not in skip:
                scale(spec, scratch, args.memory_limit)
    say(
        f"\nbenchmark finished in {(time.perf_counter() - started) / 60:.1f} min; "
        f"load {load()} at the end"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
