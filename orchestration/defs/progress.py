"""Progress of a run for people: one line per year and step, a bar where work takes a while.

Assets report through `report_progress`, which writes to the Dagster log (the UI and the run's
log file) and to the Python logger `leap.progress`. Nothing prints unless someone listens: the
`leap` command line attaches a console handler to that logger (and turns the bars on), the
Dagster UI shows the Dagster log only.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

progress_log = logging.getLogger("leap.progress")
progress_log.propagate = True


def report_progress(context: Any, text: str) -> None:
    """One progress line: into the Dagster log, and to whoever listens to `leap.progress`."""
    if context is not None:
        context.log.info(text)
    progress_log.info(text)


def bars_enabled() -> bool:
    """Bars only for a person at a terminal running the command line."""
    return getattr(progress_log, "show_bars", False) and sys.stderr.isatty()


class _NoBar:
    def update(self, count: int = 1) -> None:
        pass


@contextmanager
def progress_bar(total: int, description: str) -> Iterator[Any]:
    """A progress bar on the terminal (tqdm), or nothing when no person watches."""
    if not bars_enabled():
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=f"  {description}", leave=False, unit="node") as bar:
        yield bar
