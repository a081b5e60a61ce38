#!/usr/bin/env bash
# Set up everything the pipeline needs on a fresh machine, idempotently:
# a Python 3.11 virtual environment in .venv with the locked dependencies, the project itself,
# byte-compiled once (imports of dagster/dbt/GX are slow otherwise), and the dbt manifest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
    echo "setup: installing uv (dependency resolver and installer)"
    python3 -m pip install --quiet --disable-pip-version-check uv
fi
UV="$(command -v uv || echo "python3 -m uv")"

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv (Python 3.11)"
    $UV venv --quiet --python 3.11 .venv
fi

stamp=.venv/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s requirements.lock "$stamp"; then
    echo "setup: installing the locked dependencies (requirements.lock)"
    $UV pip install --quiet --python .venv/bin/python -r requirements.lock
    $UV pip install --quiet --python .venv/bin/python --no-deps -e .
    echo "setup: byte-compiling the environment once"
    .venv/bin/python -m compileall -q -j 0 .venv/lib/python3.11/site-packages >/dev/null 2>&1 || true
    cp requirements.lock "$stamp"
fi

# The dbt manifest that defines the Dagster asset graph, prepared the way dagster-dbt documents
# (never at import time; `leap run` re-parses in-process, partially, when models change). The
# variables are the ones `leap run` gives dbt for the default warehouse, so that its first
# parse is a partial one.
if [ ! -f dbt_project/target/manifest.json ]; then
    echo "setup: parsing the dbt project"
    PATH="$PWD/.venv/bin:$PATH" LEAP_WORK_DB="$PWD/warehouse/work.duckdb" LEAP_AWARDS=true \
        DBT_WARN_ERROR_OPTIONS='{"silence": ["UnusedResourceConfigPath"]}' \
        .venv/bin/dagster-dbt project prepare-and-package --file orchestration/defs/dbt.py \
        >/dev/null
fi
