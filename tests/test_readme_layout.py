"""The README's layout table matches the folders: every folder and module it names exists, and
every tracked top-level folder, every package and module of `orchestration/` and every module of
the Dagster wiring (`orchestration/defs/`) is named in it."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import PROJECT_ROOT


def layout_table() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def named_paths(table: str) -> set[str]:
    """Every `code` span of the table that looks like a path (has a / or a .py suffix)."""
    spans = re.findall(r"`([^`]+)`", table)
    return {span.rstrip("/") for span in spans if "/" in span or span.endswith(".py")}


def tracked_top_level_folders() -> set[str]:
    files = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return {path.split("/", 1)[0] for path in files if "/" in path and not path.startswith(".")}


def test_every_top_level_folder_is_in_the_layout_table() -> None:
    table = layout_table()
    result = sorted(folder for folder in tracked_top_level_folders() if f"`{folder}/" not in table)
    assert result == []


def test_every_orchestration_package_and_module_is_in_the_layout_table() -> None:
    table = layout_table()
    spans = set(re.findall(r"`([^`]+)`", table))
    packages = {
        path.name
        for path in (PROJECT_ROOT / "orchestration").iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name != "defs"
    }
    modules = {
        path.name
        for path in (PROJECT_ROOT / "orchestration").glob("*.py")
        if path.name != "__init__.py"
    }
    result = sorted(
        [name for name in packages if {f"{name}/", f"orchestration/{name}/"}.isdisjoint(spans)]
        + [name for name in modules if f"orchestration/{name}" not in spans]
    )
    assert result == []


def test_every_dagster_wiring_module_is_in_the_layout_table() -> None:
    table = layout_table()
    modules = {
        path.name
        for path in (PROJECT_ROOT / "orchestration" / "defs").iterdir()
        if path.name != "__init__.py" and not path.name.startswith((".", "__"))
    }
    result = sorted(name for name in modules if f"`{name}" not in table)
    assert result == []


def test_every_path_the_layout_table_names_exists() -> None:
    roots = [PROJECT_ROOT, PROJECT_ROOT / "orchestration", PROJECT_ROOT / "orchestration" / "defs",
             PROJECT_ROOT / "models", PROJECT_ROOT / "models" / "intermediate",
             PROJECT_ROOT / "expectations", PROJECT_ROOT / "scripts"]  # fmt: skip
    result = sorted(
        path
        for path in named_paths(layout_table())
        if not path.startswith("warehouse")  # written at run time
        and not any((root / path).exists() for root in roots)
    )
    assert result == []
