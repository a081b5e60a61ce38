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

# The dbt manifest that defines the Dagster asset graph, prepared by setup (never at import
# time): the same in-process parse `leap run` does (orchestration/defs/dbt.py), so that the first
# run's parse is a partial one; `leap run` re-parses, partially, when models change.
if [ ! -f dbt_project/target/manifest.json ]; then
    echo "setup: parsing the dbt project"
    .venv/bin/python -m orchestration.defs.dbt >/dev/null
fi
