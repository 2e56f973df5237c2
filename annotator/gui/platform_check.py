"""Before the window starts on Linux/X11: are the system libraries Qt's xcb platform plugin needs installed?

Qt ≥ 6.5 needs `libxcb-cursor0`, which many fresh desktops lack; Qt then aborts with "could not load the Qt
platform plugin "xcb"" and a core dump. We ask the dynamic linker (`ldd` on the plugin, which lists its libraries
and theirs) which libraries are missing, and name the package and the one command that installs them on
Debian/Ubuntu and on Fedora. `python -m annotator.gui.platform_check` (run by `make run`) exits 1 with that
message; `annotator gui` checks the same before it creates the application. Imports no Qt module.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGES: dict[str, tuple[str, str]] = {
    # soname: (Debian/Ubuntu package, Fedora package)
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
}


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin (libqxcb.so), without importing Qt; None if not found."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def will_use_xcb(environ: dict[str, str] | None = None) -> bool:
    """Whether Qt will load the xcb plugin: on Linux, unless QT_QPA_PLATFORM names another platform or the
    session is Wayland (Qt 6 then prefers its wayland plugin)."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if platform:
        return platform == "xcb"
    return not (env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland")


def missing_libraries(plugin: Path) -> list[str]:
    """Sonames the dynamic linker cannot find for `plugin` (ldd: "libfoo.so.0 => not found"). [] when ldd is
    not there (nothing to say then: Qt's own message follows)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    missing = []
    for line in out.splitlines():
        if "not found" in line:
            name = line.split("=>")[0].strip()
            if name and name not in missing:
                missing.append(name)
    return missing


def advice(missing: list[str]) -> str:
    """The message for these missing sonames: which packages, and the one install command per distribution."""
    debian = [PACKAGES[m][0] for m in missing if m in PACKAGES]
    fedora = [PACKAGES[m][1] for m in missing if m in PACKAGES]
    unknown = [m for m in missing if m not in PACKAGES]
    debian, fedora = list(dict.fromkeys(debian)), list(dict.fromkeys(fedora))
    lines = [f"annotator: the window cannot start: Qt's xcb platform plugin needs {', '.join(missing)}, "
             "which is not installed."]
    if debian:
        lines.append(f"  Debian/Ubuntu (package {', '.join(debian)}):  sudo apt-get install -y {' '.join(debian)}")
        lines.append(f"  Fedora (package {', '.join(fedora)}):  sudo dnf install -y {' '.join(fedora)}")
    if unknown:
        lines.append(f"  Install the package that provides {', '.join(unknown)} (your package manager can search "
                     "for the file name).")
    return "\n".join(lines)


def check(environ: dict[str, str] | None = None) -> str | None:
    """None if the window can start here as far as system libraries go; else the message to print."""
    if not will_use_xcb(environ):
        return None
    plugin = xcb_plugin()
    if plugin is None:
        return None
    missing = missing_libraries(plugin)
    return advice(missing) if missing else None


def main() -> int:
    problem = check()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
