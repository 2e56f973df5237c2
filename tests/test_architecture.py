"""Rules of the house, checked: the core never imports Qt, only extraction/export import spaCy, the window
starts without spaCy, and every CLI command is documented in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "annotator"


def module_level_imports(path: Path) -> set[str]:
    """Top-level package names imported at module level (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def all_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


QT_FREE = ["core", "io", "review", "extract", "cli", "train"]


@pytest.mark.parametrize("room", QT_FREE)
def test_qt_free_rooms_never_import_qt(room):
    offenders = [
        str(path.relative_to(REPO))
        for path in (PACKAGE / room).rglob("*.py")
        if any(name.split(".")[0] in {"PySide6", "shiboken6"} for name in all_imports(path))
        and not path.name.endswith("_dialogs.py")
    ]
    assert offenders == []


def test_spacy_is_never_imported_at_module_level_outside_extraction_and_export():
    offenders = [
        str(path.relative_to(REPO))
        for path in PACKAGE.rglob("*.py")
        if "spacy" in module_level_imports(path) and "extract" not in path.parts
    ]
    assert offenders == []


def test_the_core_does_not_depend_on_the_window_or_extraction():
    for path in (PACKAGE / "core").rglob("*.py"):
        imported = all_imports(path)
        assert not any(name.startswith(("annotator.gui", "annotator.extract", "annotator.cli")) for name in imported), path


def test_every_cli_command_is_in_the_readme():
    from annotator.cli import main

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in main.commands if not re.search(rf"annotator {re.escape(name)}\b", readme)]
    assert missing == []


def test_no_undefined_or_unused_names():
    """pyflakes' checks (ruff F): an undefined name is a crash waiting for its code path; an unused import or
    variable is usually a leftover of a change."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "F,E9", "--output-format", "concise", "--no-cache",
         "annotator", "tests", "benchmarks"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
