"""The Dagster logger of command-line runs: everything into the run's log file, and on the
console only what a person follows (each step's end with its time, and failures).

It logs through the Python logger `leap.dagster`, below `leap`, where the `leap` command line
attaches the run's log file and the console; runs launched from the UI keep Dagster's own
console logger.
"""

from __future__ import annotations

import logging

import dagster as dg

STEP_EVENTS = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED"}
dagster_log = logging.getLogger("leap.dagster")
step_log = logging.getLogger("leap.progress.steps")


class _StepLines(logging.Handler):
    """Turns Dagster's step events into one progress line each."""

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None or event.event_type_value not in STEP_EVENTS:
            return
        seconds = ""
        data = event.event_specific_data
        duration = getattr(getattr(data, "duration_ms", None), "real", None)
        if duration is not None:
            seconds = f" in {duration / 1000:.1f} s"
        step_log.info(
            f"step {event.step_key}: {STEP_EVENTS[event.event_type_value]}{seconds}"
        )


@dg.logger(
    config_schema={"log_level": dg.Field(str, is_required=False, default_value="DEBUG")},
    description="Every event into the `leap.dagster` Python logger (the run's log file); step "
    "ends and failures as progress lines.",
)
def leap_run_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    level = init_context.logger_config["log_level"]
    logger = logging.getLogger("leap.dagster.run")
    logger.setLevel(level)
    if not any(isinstance(handler, _StepLines) for handler in logger.handlers):
        logger.addHandler(_StepLines())
    return logger
