"""dbt's documentation site of the project (every model, column, test and the lineage graph),
generated from the project and the working database, as one static page that works offline.

`dbt docs generate --static` inlines the manifest and the catalog into `static_index.html`, so
the page needs no web server; anonymous usage tracking is switched off in the manifest, so the
page loads nothing from the network (its tracker only loads when the manifest allows it).

    dbt_docs/index.html       the site: open it in a browser, from disk or a file share
    dbt_docs/manifest.json    the project as dbt parsed it
    dbt_docs/catalog.json     the tables and columns of the working database
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.warehouse.publish import swap_in_folder

ARTIFACTS = {
    "static_index.html": "index.html",
    "manifest.json": "manifest.json",
    "catalog.json": "catalog.json",
}


@dataclass(frozen=True)
class DocsSummary:
    """What `build_dbt_docs` wrote."""

    index: Path
    models: int
    seconds: float


def _generate(project_dir: Path, profiles_dir: Path, target_dir: Path) -> int:
    """Run `dbt docs generate --static` into `target_dir`; returns the number of models."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(
        [
            "docs",
            "generate",
            "--static",
            "--quiet",
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(profiles_dir),
            "--target-path",
            str(target_dir),
            "--no-send-anonymous-usage-stats",
        ]
    )
    if not result.success:
        raise RuntimeError(
            f"`dbt docs generate` failed for the project {project_dir}: "
            f"{result.exception or 'see the dbt log above'}"
        )
    manifest = json.loads((target_dir / "manifest.json").read_text(encoding="utf-8"))
    return sum(1 for node in manifest["nodes"].values() if node["resource_type"] == "model")


def build_dbt_docs(
    project_dir: Path, profiles_dir: Path, work_db: Path, out_dir: Path
) -> DocsSummary:
    """Generate the documentation site into `out_dir` (replaced in one rename). dbt reads the
    project's environment as the pipeline sets it (`config.paths.dbt_environment`): its profile must
    point at `work_db`, the working database whose tables and columns the catalog lists."""
    started = time.perf_counter()
    if not work_db.exists():
        raise FileNotFoundError(
            f"no working database at {work_db}: the documentation's catalog lists its tables; "
            f"run `leap run` first"
        )
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = out_dir.with_name(out_dir.name + ".building")
    if fresh.exists():
        shutil.rmtree(fresh)
    fresh.mkdir()
    with tempfile.TemporaryDirectory(prefix="dbt_docs_target_", dir=out_dir.parent) as target:
        models = _generate(project_dir, profiles_dir, Path(target))
        for source, name in ARTIFACTS.items():
            shutil.copy2(Path(target) / source, fresh / name)
    swap_in_folder(fresh, out_dir)
    return DocsSummary(out_dir / "index.html", models, time.perf_counter() - started)
