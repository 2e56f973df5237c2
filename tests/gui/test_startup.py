"""The window starts without importing spaCy (checked in a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_window_start_imports_no_spacy(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        from annotator.gui.app import make_application
        from annotator.gui.main_window import MainWindow
        app = make_application()
        window = MainWindow({str(tmp_path / 'db.sqlite')!r}, "alice")
        window.show()
        app.processEvents()
        print("spacy" in sys.modules, any(m.startswith("annotator.extract") for m in sys.modules))
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=True)
    assert out.stdout.split() == ["False", "False"]
