#!/usr/bin/env bash
# The test suite: set up (including the browser the report tests drive), then run pytest on
# one worker per core (pytest-xdist; PYTEST_XDIST_AUTO_NUM_WORKERS=N for another count), tests
# that must share a worker kept together (`--dist loadgroup`, see tests/conftest.py).
# Extra arguments go to pytest (e.g. `-n 0` for one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-test-tools.sh
# The dbt manifest brought up to date (a partial parse) before the workers start: otherwise,
# after a model changed, the first `leap run` of each worker re-parses and rewrites
# dbt_project/target/manifest.json while another worker's run reads it.
.venv/bin/python -m orchestration.defs.dbt >/dev/null
exec .venv/bin/python -m pytest -n auto --dist loadgroup "$@"
