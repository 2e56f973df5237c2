"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call (the process aborts with
"deallocating None" after some thousands of calls); annotator pins 6.11.3. This guards the pin."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import PySide6

PINNED = "6.11.3"


def test_pyside6_is_the_pinned_version():
    """The pin in pyproject.toml and what is installed are both 6.11.3 (6.12.0 aborts, see above)."""
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = pyproject["project"]["dependencies"]
    assert f"PySide6-Essentials=={PINNED}" in requirements, requirements
    assert PySide6.__version__ == PINNED, PySide6.__version__


def test_many_void_calls_do_not_abort():
    script = textwrap.dedent(
        """
        import annotator.gui
        from PySide6.QtWidgets import QApplication, QLabel
        app = QApplication([])
        label = QLabel()
        for _ in range(300_000):
            label.setText("x")
        print("alive")
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip() == "alive"
