"""Resources: the dbt project and CLI, bound to the warehouse paths in force."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.config.paths import DBT_PROJECT_DIR, PROJECT_ROOT, export_dbt_environment

export_dbt_environment()
# dbt is a console script of this environment; make it findable even when the environment's bin
# folder is not on PATH (the preparer and the CLI resource both call `dbt`).
_ENV_BIN = str(Path(sys.executable).parent)
if _ENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _ENV_BIN + os.pathsep + os.environ.get("PATH", "")



def manifest_environment() -> str:
    """What the manifest depends on besides files: the dataset folder and its optional marts."""
    return json.dumps({name: os.environ.get(name, "") for name in MANIFEST_ENVIRONMENT})


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing, was parsed for another dataset folder, or is older
    than a model, seed, macro or project file, so that an edited configuration is never run
    against the asset graph of the previous one."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    stamp = manifest.with_name("leap_manifest_environment.json")
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != manifest_environment():
        return True
    built = manifest.stat().st_mtime
    sources = [PROJECT_ROOT / "models", PROJECT_ROOT / "seeds", DBT_PROJECT_DIR / "macros",
               DBT_PROJECT_DIR / "tests"]
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for folder in sources:
        files.extend(path for path in folder.rglob("*") if path.is_file())
    return any(path.stat().st_mtime > built for path in files)


MANIFEST_ENVIRONMENT = ("LEAP_DATASET_DIR", "LEAP_OPTIONAL_SEEDS")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if manifest_is_stale(dbt_project):
    # A fresh clone has no manifest yet, and an edited model or seed needs a new one.
    dbt_project.preparer.prepare(dbt_project)
    dbt_project.manifest_path.with_name("leap_manifest_environment.json").write_text(
        manifest_environment(), encoding="utf-8"
    )

dbt_cli = DbtCliResource(project_dir=dbt_project)
