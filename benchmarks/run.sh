#!/usr/bin/env bash
# The benchmark in one command (see benchmarks/README.md). Arguments go to benchmarks.run.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m benchmarks.run "$@"
