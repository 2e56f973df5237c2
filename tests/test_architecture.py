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


# -- import graph ------------------------------------------------------------------------------------------------

def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def annotator_imports(path: Path) -> set[str]:
    """Every annotator.* module this file imports, at module level or inside functions (ast.walk), resolved to a
    module we have: `from annotator.gui import commands` is an edge to annotator.gui.commands."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # `import annotator.x.y.name` -> the module that holds it
                target = target.rpartition(".")[0]
            if target.startswith("annotator") and target != here:
                found.add(target)
    return found


def import_cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    graph = {name: annotator_imports(path) for name, path in MODULES.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return cycles


def test_no_import_cycles_among_annotator_modules():
    """Imports inside functions count too: a lazy import still ties two modules together (the old
    gui/app -> main_window -> review_window -> app circle was made of lazy imports)."""
    assert import_cycles() == []


def test_the_cycle_finder_sees_lazy_imports(tmp_path):
    """The walk must see an import inside a function (guards the check above against going blind)."""
    assert "annotator.gui.review_window" in annotator_imports(PACKAGE / "gui" / "app.py")
    assert "annotator.gui.main_window" in annotator_imports(PACKAGE / "gui" / "app.py")


def test_the_core_imports_nothing_from_the_outer_rooms():
    offenders = {
        name: sorted(t for t in annotator_imports(path)
                     if t.split(".")[1:2] and t.split(".")[1] in {"io", "review", "extract", "gui", "cli", "tools"})
        for name, path in MODULES.items() if name.startswith("annotator.core")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


# -- SQL stays in the core --------------------------------------------------------------------------------------

SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|REPLACE|BEGIN|COMMIT|"
                       r"ROLLBACK|SAVEPOINT|RELEASE|ATTACH|VACUUM)\s")
CONNECTION_CALLS = {"execute", "executemany", "executescript", "query"}

SQL_ALLOWED: dict[str, str] = {
    # May only shrink. Each entry: why the SQL is not (yet) a store method.
    "annotator/io/exporter.py": "the measured read fast path of export (tests/io/test_export_fast_path.py): "
                                "batched reads on a raw cursor; to become core/export_rows.py",
    "annotator/tools/edit_driver.py": "a fault-injection tool that checks the file from outside: its own sqlite3 "
                                      "connection for integrity_check / foreign_key_check and edit-log read-back",
}


def sql_uses(path: Path) -> list[str]:
    """SQL text (string literals and f-string heads starting with a statement keyword) and connection calls
    (`.execute(`, `.query(`, `.conn`, `sqlite3.connect(`...) in one file, as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            text = str(node.values[0].value)
        if text is not None and SQL_START.match(text):
            found.append(f"{node.lineno}: SQL {text.strip()[:40]!r}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CONNECTION_CALLS:
            found.append(f"{node.lineno}: .{node.func.attr}(")
        if (isinstance(node, ast.Attribute) and node.attr == "connect" and isinstance(node.value, ast.Name)
                and node.value.id == "sqlite3"):
            found.append(f"{node.lineno}: sqlite3.connect")
        if isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append(f"{node.lineno}: .conn")
    return found


def test_sql_stays_in_the_core():
    """No SQL text or connection calls outside annotator/core/ (the store); the allowlist can only shrink."""
    offenders = {
        str(path.relative_to(REPO)): uses
        for path in sorted(PACKAGE.rglob("*.py"))
        if "core" != path.relative_to(PACKAGE).parts[0]
        and str(path.relative_to(REPO)) not in SQL_ALLOWED
        and (uses := sql_uses(path))
    }
    assert offenders == {}


def test_the_sql_allowlist_only_names_files_that_still_need_it():
    """An entry whose file no longer holds SQL must go (the list only shrinks); every entry gives its reason."""
    stale = [name for name in SQL_ALLOWED if not sql_uses(REPO / name)]
    assert stale == []
    assert all(reason.strip() for reason in SQL_ALLOWED.values())


def test_names_copied_to_break_an_import_cycle_stay_equal():
    """Modules that name another module's constant to avoid importing it must name the same value."""
    from annotator.io import labelstudio, prodigy_answers, quote_coverage, records

    assert quote_coverage.IMPORT_KEY == records.IMPORT_KEY
    assert quote_coverage.BINARY_KEY == prodigy_answers.BINARY_KEY
    assert quote_coverage.LABEL_STUDIO_KEY == labelstudio.LS_KEY
