"""Sensors: new or changed inbox files launch the annual run of their year."""

import hashlib
import json

import dagster as dg

from orchestration.config.configuration import Configuration
from orchestration.config.paths import paths_from_environment
from orchestration.defs.jobs import annual_run
from orchestration.defs.partitions import evaluation_years


def inbox_fingerprints() -> dict[str, str]:
    """One fingerprint per data-year folder of the inbox, from its files' names, sizes and
    modification times (cheap: no file is read)."""
    inbox = paths_from_environment().inbox_dir
    fingerprints: dict[str, str] = {}
    if not inbox.is_dir():
        return fingerprints
    year_dirs = sorted(path for path in inbox.iterdir() if path.is_dir() and path.name.isdigit())
    for year_dir in year_dirs:
        listing = sorted(
            f"{entry.name}:{entry.stat().st_size}:{entry.stat().st_mtime_ns}"
            for entry in year_dir.iterdir()
            if entry.is_file() and not entry.name.startswith((".", "_"))
        )
        if listing:
            fingerprints[year_dir.name] = hashlib.sha256("\n".join(listing).encode()).hexdigest()
    return fingerprints


def evaluation_year_of_data_year(data_year: int) -> int:
    """The evaluation year that scores a data year (the methodology's data-year lag)."""
    config = Configuration.from_dataset_dir(paths_from_environment().dataset_dir)
    return config.evaluation_year_of(data_year)


@dg.sensor(
    job=annual_run, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.STOPPED
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    """Launches the annual run of a year when files of its data year appear or change."""
    previous = json.loads(context.cursor) if context.cursor else {}
    current = inbox_fingerprints()
    partitions = set(evaluation_years.get_partition_keys())
    for data_year, fingerprint in current.items():
        if previous.get(data_year) == fingerprint:
            continue
        evaluation_year = str(evaluation_year_of_data_year(int(data_year)))
        if evaluation_year not in partitions:
            context.log.warning(
                f"inbox folder {data_year} changed but evaluation year {evaluation_year} is not a "
                f"partition ({min(partitions)}-{max(partitions)}); set LEAP_LAST_YEAR"
            )
            continue
        yield dg.RunRequest(
            run_key=f"inbox-{data_year}-{fingerprint[:16]}",
            partition_key=evaluation_year,
            tags={"leap/trigger": "inbox_sensor", "leap/data_year": data_year},
        )
    context.update_cursor(json.dumps(current))
