"""Ingestion speed: one data year of the demo inbox read by `read_inbox_year` (target < 1 s).

`.venv/bin/python -m benchmarks.ingest_speed [--inbox DIR] [--repeats N] [--defect-rate R]`

Writes the demo inbox (as `leap demo --inbox DIR` does) into a temporary folder unless `--inbox`
points at one, then reads every data year `--repeats` times in this process (after one warm-up
read that loads the seeds' code paths) and prints, per year, the files, values and problems, the
fastest and median wall time and the CPU time of the process (which a machine shared with other
work inflates much less than the wall time); then the slowest year's median wall time against
the target. Reading only: storing into DuckDB is not timed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from orchestration.config.paths import PROJECT_ROOT
from orchestration.demo import write_demo_inbox
from orchestration.ingest import read_inbox_year

TARGET_SECONDS = 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest_speed", description=__doc__)
    parser.add_argument("--inbox", type=Path, help="an inbox folder (default: a fresh demo one)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--defect-rate", type=float, default=0.0, help="for a fresh demo inbox")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ingest_speed_") as tmp:
        inbox = args.inbox or Path(tmp) / "inbox"
        if args.inbox is None:
            started = time.perf_counter()
            write_demo_inbox(inbox, defect_rate=args.defect_rate)
            print(f"demo inbox written in {time.perf_counter() - started:.1f} s ({inbox})")
        medians = [_year(inbox, year, args.repeats) for year in _years(inbox)]
    if not medians:
        print(f"no data year folders in {inbox}")
        return 1
    slowest = max(medians)
    verdict = "within" if slowest < TARGET_SECONDS else "OVER"
    print(
        f"ingest_speed: slowest year median {slowest:.3f} s ({verdict} the target of "
        f"{TARGET_SECONDS:.0f} s per year)"
    )
    return 0


def _years(inbox: Path) -> list[int]:
    return sorted(int(p.name) for p in inbox.iterdir() if p.is_dir() and p.name.isdigit())


def _year(inbox: Path, year: int, repeats: int) -> float:
    seeds = PROJECT_ROOT / "seeds"
    read_inbox_year(inbox, year, seeds)  # warm-up
    times, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = read_inbox_year(inbox, year, seeds)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    median = statistics.median(times)
    print(
        f"data year {year}: {result.files.height} files, {result.values.height} values, "
        f"{result.problems.height} problems; wall fastest {min(times):.3f} s, median "
        f"{median:.3f} s; CPU median {statistics.median(cpu):.3f} s"
    )
    return median


if __name__ == "__main__":
    raise SystemExit(main())
