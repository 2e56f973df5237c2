"""Issue 15, defect 13: a missing libxcb-cursor0 (or another library of Qt's xcb plugin) is named, with its package
and the one install command for Debian/Ubuntu and Fedora, before Qt aborts; `make run` runs the check first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from annotator.gui import platform_check

REPO = Path(__file__).resolve().parents[2]


def _fake_ldd(tmp_path: Path, *missing: str) -> dict[str, str]:
    """A PATH whose `ldd` reports these sonames as not found (the real linker's output format)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lines = "".join(f"\\t{name} => not found\\n" for name in missing)
    script = bin_dir / "ldd"
    script.write_text(f"#!/bin/sh\nprintf '\\tlibc.so.6 => /lib/libc.so.6 (0x0)\\n{lines}'\n")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "QT_QPA_PLATFORM": "xcb"}


def test_missing_xcb_cursor_names_the_package_and_the_commands(tmp_path):
    env = _fake_ldd(tmp_path, "libxcb-cursor.so.0")
    out = subprocess.run([sys.executable, "-m", "annotator.gui.platform_check"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "libxcb-cursor.so.0" in out.stderr
    assert "sudo apt-get install -y libxcb-cursor0" in out.stderr
    assert "sudo dnf install -y xcb-util-cursor" in out.stderr


def test_several_missing_libraries_one_command_each_distribution(tmp_path):
    env = _fake_ldd(tmp_path, "libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libxcb-icccm.so.4", "libweird.so.9")
    out = subprocess.run([sys.executable, "-m", "annotator.gui.platform_check"], env=env, capture_output=True,
                         text=True, timeout=60)
    apt = [line for line in out.stderr.splitlines() if "apt-get" in line]
    dnf = [line for line in out.stderr.splitlines() if "dnf" in line]
    assert len(apt) == 1 and apt[0].endswith("sudo apt-get install -y libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4")
    assert len(dnf) == 1 and dnf[0].endswith("sudo dnf install -y xcb-util-cursor libxkbcommon-x11 xcb-util-wm")
    assert "libweird.so.9" in out.stderr


def test_gui_command_stops_with_the_message_instead_of_qts_abort(tmp_path):
    env = _fake_ldd(tmp_path, "libxcb-cursor.so.0")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    out = subprocess.run([str(Path(sys.executable).with_name("annotator")), "--db", str(tmp_path / "a.db"), "gui"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "sudo apt-get install -y libxcb-cursor0" in out.stderr
    assert "Traceback" not in out.stderr and "core dumped" not in out.stderr


def test_nothing_missing_or_not_xcb_passes(tmp_path):
    env = _fake_ldd(tmp_path)
    out = subprocess.run([sys.executable, "-m", "annotator.gui.platform_check"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stderr == ""
    assert platform_check.check({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert not platform_check.will_use_xcb({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"})
    assert platform_check.will_use_xcb({"DISPLAY": ":0"})


def test_make_run_checks_before_starting():
    makefile = (REPO / "Makefile").read_text()
    run = makefile.split("\nrun:")[1].split("\n\n")[0]
    lines = [line.strip() for line in run.splitlines()[1:]]
    assert lines[0] == "$(BIN)/python -m annotator.gui.platform_check"
