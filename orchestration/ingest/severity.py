"""Which ingest problems block the year: `ingest_problems:` of `expectations/gate.yaml`.

One place decides, for every problem code of `problems.PROBLEM_CODES`, whether it is an
`error` (the year must not be published until the file is fixed), a `warning` (published and
alerted) or `info` (a note). The ingestion stamps the configured severity on each row of
`raw.ingest_problems`; the quality gate can re-judge stored rows through the same function.

The file is `LEAP_GATE_CONFIG` when set (as for the rest of the gate), else the project's
`expectations/gate.yaml`. A code without a severity, an unknown code or an unknown severity is
an error that names the file and the code: a problem must never go unjudged.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from orchestration.ingest.problems import PROBLEM_CODES, SEVERITIES

SECTION = "ingest_problems"
DEFAULT_GATE_CONFIG = Path(__file__).resolve().parents[2] / "expectations" / "gate.yaml"


def gate_config_path() -> Path:
    """`LEAP_GATE_CONFIG` if set, else `expectations/gate.yaml` of the project."""
    configured = os.environ.get("LEAP_GATE_CONFIG", "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_GATE_CONFIG


def problem_severities(path: Path | None = None) -> MappingProxyType[str, str]:
    """problem_code → severity (error | warning | info), from the gate configuration file."""
    where = Path(path) if path is not None else gate_config_path()
    if not where.exists():
        raise FileNotFoundError(
            f"gate configuration {where} does not exist; expected it to hold the section "
            f"{SECTION}: (problem code → error | warning | info)"
        )
    return _load(where.resolve(), where.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load(where: Path, _mtime_ns: int) -> MappingProxyType[str, str]:
    raw = yaml.safe_load(where.read_text(encoding="utf-8")) or {}
    return MappingProxyType(checked_severities(raw.get(SECTION), where))


def checked_severities(section: Any, where: Path | str) -> dict[str, str]:
    """Check a `ingest_problems:` mapping against the registered problem codes."""
    if not isinstance(section, dict):
        raise ValueError(
            f"{where}: no {SECTION}: section (problem code → error | warning | info); "
            f"expected one severity for each of {len(PROBLEM_CODES)} problem codes"
        )
    unknown = sorted(set(section) - set(PROBLEM_CODES))
    if unknown:
        raise ValueError(
            f"{where}: {SECTION} names unknown problem codes {unknown}; expected codes of "
            "orchestration/ingest/problems.py PROBLEM_CODES"
        )
    missing = sorted(set(PROBLEM_CODES) - set(section))
    if missing:
        raise ValueError(f"{where}: {SECTION} has no severity for {missing}")
    bad = {code: value for code, value in section.items() if value not in SEVERITIES}
    if bad:
        raise ValueError(f"{where}: {SECTION} severities {bad} are not one of {list(SEVERITIES)}")
    return {code: str(section[code]) for code in PROBLEM_CODES}
