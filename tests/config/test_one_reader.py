"""One source of configuration: the Python code reads the dataset folder's files in two
modules only, and the configuration tables of a warehouse only through
`orchestration.config.configuration`.

A scan of the syntax tree of every module of `orchestration/`, `expectations/` and
`benchmarks/` (docstrings and comments are not code and are skipped). It reports, with file and
line:

- a path built into a dataset folder: `<folder> / ...`, `Path(<folder>, ...)`,
  `os.path.join(<folder>, ...)`, `<folder>.glob(...)` / `.iterdir()` / `.open()` /
  `.read_text()` and the like, where `<folder>` is a dataset folder: a name or attribute
  `dataset_dir`, `seeds_dir`, `DEFAULT_DATASET_DIR` (`Path(...)` of one), or the folder
  `"seeds"` itself; a path only tested for existence (`(<folder> / "values.csv").exists()`)
  reads nothing and is not reported;
- a file reader (`open`, `read_csv`, `scan_csv`, `csv.reader`, ...) given a dataset folder or a
  literal `seeds/<name>.csv`;
- SQL text reading the rows of a seed table dbt loads (`from seeds.<table>`, `join seeds.`)
  or naming a staging configuration model (`stg_config__`) outside `orchestration/config/`
  (the dbt wiring may still ask the catalog which seed tables exist: that reads no
  configuration).

The two modules allowed to read the folder: `orchestration/config/seed_files.py` (the
configuration's bootstrap) and `orchestration/dataset_values.py` (a dataset's `values.csv`:
data, not configuration). The test also checks that the scan finds their reads, and that it
finds each kind of read in a snippet written for the purpose.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

SCANNED = ("orchestration", "expectations", "benchmarks")
ALLOWED = {"orchestration/config/seed_files.py", "orchestration/dataset_values.py"}
CONFIGURATION_PACKAGE = "orchestration/config/"

FOLDER_NAMES = {"dataset_dir", "seeds_dir", "DEFAULT_DATASET_DIR", "dataset_folder"}
FOLDER_METHODS = {
    "glob",
    "rglob",
    "iterdir",
    "walk",
    "joinpath",
    "open",
    "read_text",
    "read_bytes",
}
EXISTENCE_TESTS = {"exists", "is_file", "is_dir"}
READERS = {
    "open",
    "read_csv",
    "scan_csv",
    "read_csv_auto",
    "reader",
    "DictReader",
    "listdir",
    "scandir",
    "loadtxt",
    "genfromtxt",
}
SEED_FILE_TEXT = re.compile(r"^(?:\./)?seeds/[\w.-]+\.csv$")
SEED_TABLE_SQL = re.compile(r"\b(?:from|join)\s+\"?seeds\"?\s*\.", re.IGNORECASE)
STAGING_MODEL_SQL = re.compile(r"stg_config__")


def _name(node: ast.AST) -> str | None:
    """The called name: `open`, `read_csv` of `pl.read_csv`, `join` of `os.path.join`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def is_folder(node: ast.AST) -> bool:
    """Whether an expression is a dataset folder (see the module's docstring)."""
    if isinstance(node, ast.Name | ast.Attribute):
        return _name(node) in FOLDER_NAMES
    if isinstance(node, ast.Constant):
        return node.value in ("seeds", "seeds/", "./seeds")
    if isinstance(node, ast.Call) and _name(node.func) == "Path" and len(node.args) == 1:
        return is_folder(node.args[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return isinstance(node.right, ast.Constant) and node.right.value == "seeds"
    return False


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (text, not code)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _only_tested_for_existence(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """`(<folder> / "x").exists()`: the join is the receiver of an existence test."""
    attribute = parents.get(id(node))
    call = parents.get(id(attribute)) if attribute is not None else None
    return (
        isinstance(attribute, ast.Attribute)
        and attribute.attr in EXISTENCE_TESTS
        and isinstance(call, ast.Call)
        and call.func is attribute
    )


def _path_reads(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """What kind of dataset-folder read a node is, if any."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and is_folder(node.left):
        if not _only_tested_for_existence(node, parents):
            return "builds a path into the dataset folder"
    if not isinstance(node, ast.Call):
        return None
    called = _name(node.func)
    if called in {"Path", "join"} and len(node.args) > 1 and is_folder(node.args[0]):
        return "builds a path into the dataset folder"
    if isinstance(node.func, ast.Attribute) and called in FOLDER_METHODS:
        if is_folder(node.func.value):
            return f"lists or opens the dataset folder ({called})"
    if called in READERS:
        for argument in node.args:
            literal = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            if is_folder(argument) or (literal and SEED_FILE_TEXT.match(argument.value)):
                return f"reads the dataset folder ({called})"
    return None


def _sql_reads(node: ast.AST, docstrings: set[int], module: str) -> str | None:
    """Whether a string constant of code is SQL reading configuration tables directly."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None
    if id(node) in docstrings:
        return None
    if SEED_TABLE_SQL.search(node.value):
        return "reads the seed tables dbt loads"
    if STAGING_MODEL_SQL.search(node.value) and not module.startswith(CONFIGURATION_PACKAGE):
        return "reads a staging configuration model directly"
    return None


def scan_source(source: str, module: str) -> list[str]:
    """Every direct read of configuration in a module's source, as `module:line: what`."""
    tree = ast.parse(source)
    docstrings, parents = _docstrings(tree), _parents(tree)
    found = []
    for node in ast.walk(tree):
        what = _path_reads(node, parents) or _sql_reads(node, docstrings, module)
        if what:
            found.append(f"{module}:{node.lineno}: {what}")
    return sorted(set(found), key=lambda text: (text.split(":")[0], int(text.split(":")[1])))


def scan_project() -> dict[str, list[str]]:
    """The reads found, by module (relative path), over the scanned packages."""
    found: dict[str, list[str]] = {}
    for package in SCANNED:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            module = path.relative_to(PROJECT_ROOT).as_posix()
            reads = scan_source(path.read_text(encoding="utf-8"), module)
            if reads:
                found[module] = reads
    return found


def test_only_the_two_allowed_modules_read_the_dataset_folder() -> None:
    found = scan_project()
    result = {module: reads for module, reads in found.items() if module not in ALLOWED}
    expected: dict[str, list[str]] = {}
    assert result == expected


def test_the_scan_finds_the_reads_of_the_allowed_modules() -> None:
    """The two modules that do read the folder are found: the scan sees real reads."""
    result = set(scan_project()) & ALLOWED
    expected = ALLOWED
    assert result == expected


def test_existence_tests_and_the_configuration_module_are_not_reads() -> None:
    source = (
        "from orchestration.config.configuration import Configuration\n"
        "def f(paths):\n"
        "    if (paths.dataset_dir / 'values.csv').exists():\n"
        "        return Configuration.from_dataset_dir(paths.dataset_dir).units\n"
        "    return 'expected a unit of seeds/units.csv'\n"
    )
    result = scan_source(source, "orchestration/example.py")
    expected: list[str] = []
    assert result == expected


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("rows = open(paths.dataset_dir / 'units.csv')", "builds a path into the dataset folder"),
        ("rows = Path(seeds_dir, 'units.csv')", "builds a path into the dataset folder"),
        ("rows = os.path.join(dataset_dir, 'units.csv')", "builds a path into the dataset folder"),
        ("rows = (PROJECT_ROOT / 'seeds' / 'units.csv')", "builds a path into the dataset folder"),
        ("rows = DEFAULT_DATASET_DIR.glob('*.csv')", "lists or opens the dataset folder (glob)"),
        ("rows = Path(dataset_dir).iterdir()", "lists or opens the dataset folder (iterdir)"),
        ("rows = pl.read_csv('seeds/units.csv')", "reads the dataset folder (read_csv)"),
        ("rows = con.sql('select * from seeds.units')", "reads the seed tables dbt loads"),
        (
            "rows = con.sql(f'select * from {s}.stg_config__units')",
            "reads a staging configuration model directly",
        ),
    ],
)  # fmt: skip
def test_each_kind_of_direct_read_is_found(line: str, what: str) -> None:
    result = scan_source(f"def f():\n    {line}\n", "orchestration/example.py")
    expected = [f"orchestration/example.py:2: {what}"]
    assert result == expected


def test_a_configuration_module_may_name_the_staging_models() -> None:
    source = "SQL = 'select * from staging.stg_config__units'\n"
    result = (
        scan_source(source, "orchestration/config/example.py"),
        scan_source(source, "orchestration/reports/example.py"),
    )
    expected = (
        [],
        ["orchestration/reports/example.py:1: reads a staging configuration model directly"],
    )
    assert result == expected


def test_the_scanned_packages_exist() -> None:
    result = [package for package in SCANNED if not (PROJECT_ROOT / package).is_dir()]
    expected: list[str] = []
    assert result == expected


def test_the_allowed_modules_exist() -> None:
    result = sorted(module for module in ALLOWED if not Path(PROJECT_ROOT / module).is_file())
    expected: list[str] = []
    assert result == expected
