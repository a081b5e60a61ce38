"""The test suite's time by folder (or top-level test file), from pytest's JUnit XML report:
the seconds its tests took (setup, call and teardown), summed over the workers, and their count.

    python .ci/test_times.py test-results/junit.xml
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent / "tests"


def area(classname: str) -> str:
    """`tests/<folder>` or `tests/<file>.py` of a JUnit class name (tests.reports.test_pdf)."""
    first = classname.split(".")[1]
    return f"tests/{first}" if (TESTS_DIR / first).is_dir() else f"tests/{first}.py"


def times_by_area(report: Path) -> dict[str, tuple[float, int]]:
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for case in ET.parse(report).getroot().iter("testcase"):
        name = area(case.get("classname", "tests.unknown"))
        seconds[name] += float(case.get("time", 0.0))
        counts[name] += 1
    return {name: (seconds[name], counts[name]) for name in seconds}


def main(report: Path) -> None:
    times = times_by_area(report)
    total = sum(seconds for seconds, _ in times.values())
    print(f"test time by folder (seconds summed over the workers; {total:.0f} s in all):")
    for name, (seconds, count) in sorted(times.items(), key=lambda item: -item[1][0]):
        print(f"  {seconds:7.1f} s  {count:4d} tests  {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
