"""Command line: `python -m orchestration.demo --inbox DIR [--seed N] [--defect-rate R]
[--years 2017-2023]`.

Writes the inbox, the manifests into `DIR/../demo_manifests/`, and prints the expected
province summary per evaluation year next to its targets.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from orchestration.demo.inbox import DEFAULT_DATA_YEARS, DemoManifest, write_demo_inbox
from orchestration.demo.simulation import DEFAULT_SEED


def parse_years(text: str) -> range:
    """`2017-2023` or `2019` as a range of data years."""
    first, _, last = text.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2017-2023, got {text!r}") from None
    if end < start:
        raise argparse.ArgumentTypeError(f"years {text!r}: the last year is before the first")
    return range(start, end + 1)


def summary_table(manifest: DemoManifest) -> str:
    """The expected province summary against the targets, as a fixed-width table."""
    targets = {t.evaluation_year: t for t in manifest.targets}
    fields = (
        "class_a",
        "class_b",
        "class_c",
        "mean_score",
        "class_leaps",
        "demotions",
        "score_up",
        "rank_up",
    )
    header = "eval  units " + " ".join(f"{f:>17s}" for f in fields)
    lines = [header, "      (expected / target; * = published)"]
    for summary in manifest.summaries:
        target = targets[summary.evaluation_year]
        cells = []
        for name in fields:
            got, want = getattr(summary, name), getattr(target, name)
            mark = "*" if name in target.published else " "
            cells.append(f"{_fmt(got):>7s} /{_fmt(want):>7s}{mark}")
        lines.append(f"{summary.evaluation_year}  {summary.units:5d} " + " ".join(cells))
    return "\n".join(lines)


def _fmt(value: object) -> str:
    """A figure for the table ('-' when absent)."""
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator from the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.demo", description="Write a deterministic demo inbox."
    )
    parser.add_argument("--inbox", type=Path, required=True, help="inbox folder to write into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--defect-rate",
        type=float,
        default=0.0,
        help="share of files and values with a defect, 0..1 (default 0)",
    )
    parser.add_argument(
        "--years",
        type=parse_years,
        default=DEFAULT_DATA_YEARS,
        help="data years, e.g. 2017-2023 (default)",
    )
    parser.add_argument(
        "--manifest-dir",
        type=Path,
        default=None,
        help="where to write the manifests (default: INBOX/../demo_manifests)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        manifest = write_demo_inbox(args.inbox, args.seed, args.defect_rate, args.years)
    except ValueError as error:
        parser.error(str(error))
    written = manifest.write(args.manifest_dir)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {len(manifest.files)} files for data years {args.years.start}-"
        f"{args.years.stop - 1} into {args.inbox} in {elapsed:.1f} s; "
        f"{len(manifest.defects)} defects recorded in {written[0].parent}"
    )
    print(summary_table(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
