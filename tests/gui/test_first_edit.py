"""Issue 15, defect 2: the first edit after start-up imports nothing heavy (sqlite_utils pulls in numpy: it cost
120–390 ms inside the first edit). Checked in a fresh interpreter, as `annotator gui` starts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from annotator.core.store import Store
from tests.gui.conftest import add_article

HEAVY = ("sqlite_utils", "numpy", "spacy", "thinc")


def _first_edits_in_fresh_process(tmp_path, edits: str) -> list[str]:
    db = tmp_path / "db.sqlite"
    with Store(db) as store:
        add_article(store)
    script = textwrap.dedent(
        f"""
        import sys
        from annotator.gui.app import make_application
        from annotator.gui.main_window import MainWindow
        app = make_application([])
        window = MainWindow({str(db)!r}, "alice")
        window.show()
        app.processEvents()
        before = {{m for m in sys.modules if m.split(".")[0] in {HEAVY!r}}}
        {edits}
        app.processEvents()
        after = sorted(m.split(".")[0] for m in sys.modules if m.split(".")[0] in {HEAVY!r})
        print("BEFORE", sorted(before))
        print("AFTER", sorted(set(after)))
        window.close()
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=90,
                         check=True)
    return out.stdout.splitlines()


def test_first_entity_edit_imports_nothing_heavy(tmp_path):
    lines = _first_edits_in_fresh_process(
        tmp_path, "window.view.select_range(20, 24); window.apply_label('ORG'); window.undo_stack.undo()"
    )
    assert "BEFORE []" in lines and "AFTER []" in lines, lines


def test_first_status_and_quote_edits_import_nothing_heavy(tmp_path):
    """Other kinds of first edit: a status change, a new quote (nested transactions: savepoints), a tag."""
    lines = _first_edits_in_fresh_process(
        tmp_path,
        "from annotator.core.model import Status; window.set_status(Status.DONE); "
        "window.view.select_range(41, 79); window.add_quote(); window.on_tag_toggled('document', None, 'x', True)",
    )
    assert "AFTER []" in lines, lines
