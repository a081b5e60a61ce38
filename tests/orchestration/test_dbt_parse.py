"""Two processes of one checkout parse the dbt project at the same time (two `leap run`s, a
sensor's run beside the command line's, the test suite's workers): every process that reads
`dbt_project/target/manifest.json` meanwhile reads a whole manifest, and the parses leave no
scratch folder behind. (A torn manifest once stopped a `leap run` at import with a
JSONDecodeError.)"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PROJECT_ROOT

TARGET = PROJECT_ROOT / "dbt_project" / "target"
PARSE = (
    "from orchestration.config.paths import paths_from_environment\n"
    "from orchestration.defs.dbt import parse_project\n"
    "parse_project(paths_from_environment())\n"
)


def start_parse(dataset: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEAP_")}
    env["LEAP_DATASET_DIR"] = str(dataset)
    return subprocess.Popen(
        [sys.executable, "-c", PARSE],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def scratch_folders_between_parses() -> list[str]:
    """The parse folders in the shared target while no parse runs (taking the parses' lock:
    other processes of the suite may be parsing now, each in its own scratch folder)."""
    with open(TARGET / ".parse.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return sorted(path.name for path in TARGET.glob(".parse-*"))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def test_concurrent_parses_never_show_a_torn_manifest(tmp_path: Path) -> None:
    # another dataset folder (a copy of the seeds) changes dbt's environment: a full parse
    other_dataset = shutil.copytree(PROJECT_ROOT / "seeds", tmp_path / "dataset")
    parses = [start_parse(PROJECT_ROOT / "seeds"), start_parse(other_dataset)]
    reads, torn = 0, []
    while any(parse.poll() is None for parse in parses):
        try:
            json.loads((TARGET / "manifest.json").read_text(encoding="utf-8"))
            reads += 1
        except (json.JSONDecodeError, FileNotFoundError) as error:
            torn.append(str(error)[:200])
        time.sleep(0.01)
    # leave the default dataset's manifest, as the other tests expect it
    restore = start_parse(PROJECT_ROOT / "seeds")
    restore.wait(timeout=600)

    outcomes = [(parse.returncode, parse.stderr.read()[-2000:]) for parse in parses]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert torn == []
    assert reads > 0
    assert scratch_folders_between_parses() == []
    assert restore.returncode == 0
