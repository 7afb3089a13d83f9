"""The shape of the code: layers that only point down, no cycles, no module too large to hold in one's
head, and imports at the top of modules, where a reader looks for them."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LONGEST_MODULE = 500


def _modules(folders=("bibliography", "api", "config", "tests", "benchmarks")):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_import_contracts_hold():
    """pyproject.toml's contracts: interfaces over services over models and formats over the vocabulary,
    the API, the admin and the commands independent, and no cycle between a package's modules."""
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("path", list(_modules()), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_is_longer_than_500_lines(path):
    assert len(path.read_text().splitlines()) <= LONGEST_MODULE


def test_imports_inside_functions_say_why():
    """An import inside a function hides a dependency from the reader and from the contracts' reader
    alike; the few that app loading demands say so beside them."""
    unexplained = []
    for path in _modules(("bibliography", "api", "config")):
        source = path.read_text()
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        line = lines[inner.lineno - 1]
                        reason = line.partition("PLC0415")[2].strip(" —-:")
                        if not reason:
                            unexplained.append(f"{path.relative_to(ROOT)}:{inner.lineno}: {line.strip()}")
    assert not unexplained, "\n".join(unexplained)
