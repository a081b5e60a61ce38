"""Resources: the dbt project and CLI, bound to the warehouse paths in force."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import DBT_PROJECT_DIR, export_dbt_environment

export_dbt_environment()
# dbt is a console script of this environment; make it findable even when the environment's bin
# folder is not on PATH (the preparer and the CLI resource both call `dbt`).
_ENV_BIN = str(Path(sys.executable).parent)
if _ENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _ENV_BIN + os.pathsep + os.environ.get("PATH", "")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    # A fresh clone has no compiled manifest yet: parse once so the code location loads.
    dbt_project.preparer.prepare(dbt_project)

dbt_cli = DbtCliResource(project_dir=dbt_project)
