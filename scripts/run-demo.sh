#!/usr/bin/env bash
# The main job on the embedded default: set up, write the demo submissions into the inbox if it
# is empty (`--demo`: the user asked for the demo), materialize evaluation years 2018-2024 in one
# run, gate and publish them to warehouse/mart.duckdb, and print the province summary. Extra
# arguments go to `leap run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/leap run --demo "$@"
