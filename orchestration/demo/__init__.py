"""Deterministic demo data: realistic submission files for every county and data year.

`write_demo_inbox` writes the files of the three layouts of `orchestration.layouts` into
`<inbox>/<data_year>/`, calibrated so that the pipeline's scoring reproduces the published
provincial figures (class counts, means, leaps, score and rank rises), optionally with
recorded defects. `python -m orchestration.demo --inbox DIR` does the same from the shell.
"""

from orchestration.demo.calibration import ProvinceSummary, province_summary, score_year
from orchestration.demo.inbox import DemoFile, DemoManifest, write_demo_inbox
from orchestration.demo.simulation import DEFAULT_SEED

__all__ = [
    "DEFAULT_SEED",
    "DemoFile",
    "DemoManifest",
    "ProvinceSummary",
    "province_summary",
    "score_year",
    "write_demo_inbox",
]
