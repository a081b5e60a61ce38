#!/usr/bin/env bash
# The test suite: set up (including the browser the report tests drive), then run pytest.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-test-tools.sh
exec .venv/bin/python -m pytest "$@"
