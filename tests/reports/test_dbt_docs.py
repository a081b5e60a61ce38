"""`leap docs`: dbt's documentation site of the project, one static page that opens from disk
in a headless Chromium with nothing requested from the network, showing the models as they are
documented in the project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT_ROOT, copy_warehouse, run_leap

MODEL = "county_scores"


@pytest.fixture(scope="module")
def docs_dir(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dbt_docs")
    out = root / "dbt_docs"
    # dbt opens the working database for writing: a copy, not the shared warehouse
    warehouse = copy_warehouse(demo_warehouse, root / "warehouse")
    completed = run_leap(warehouse, "docs", "--out", str(out))
    if completed.returncode != 0:
        pytest.fail(f"`leap docs` exited {completed.returncode}\n{completed.stdout[-3000:]}"
                    f"\n{completed.stderr[-6000:]}")  # fmt: skip
    (out.parent / "leap_docs.log").write_text(completed.stdout, encoding="utf-8")
    return out


def documented_description(model: str) -> str:
    """The model's description as the project documents it (models/**.yml)."""
    for path in (PROJECT_ROOT / "models").rglob("*.yml"):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            if entry["name"] == model:
                return entry["description"]
    raise AssertionError(f"{model} is not documented")


def test_docs_site_is_one_static_page(docs_dir: Path) -> None:
    log = (docs_dir.parent / "leap_docs.log").read_text(encoding="utf-8")
    result = (
        sorted(path.name for path in docs_dir.iterdir()),
        int(re.search(r"\((\d+) models\)", log)[1]),
    )
    expected = (
        ["catalog.json", "index.html", "manifest.json"],
        len(list((PROJECT_ROOT / "models").rglob("*.sql"))),  # every model of the project
    )
    assert result == expected


def test_docs_open_offline_and_show_the_models(docs_dir: Path, browser) -> None:
    page = browser.new_page()
    leaving: list[str] = []
    page.on("request", lambda request: leaving.append(request.url)
            if not request.url.startswith(("file:", "data:")) else None)  # fmt: skip
    page.goto(f"{(docs_dir / 'index.html').as_uri()}#!/model/model.county_leap.{MODEL}")
    page.wait_for_selector(f"text={documented_description(MODEL)}", timeout=30_000)
    text = page.inner_text("body")
    page.close()
    result = (leaving, "Columns" in text, "evaluation_year" in text)
    assert result == ([], True, True)
