"""Where annotator keeps its files by default: the platform's standard user folders, from `platformdirs`.

| | data (annotations.db) | config (config.toml, gui.ini) |
|---|---|---|
| Linux | `$XDG_DATA_HOME/annotator` (`~/.local/share/annotator`) | `$XDG_CONFIG_HOME/annotator` (`~/.config/annotator`) |
| macOS | `~/Library/Application Support/annotator` | `~/Library/Application Support/annotator` |
| Windows | `%APPDATA%\\annotator` (roaming) | `%APPDATA%\\annotator` (roaming) |

The Linux and Windows folders are the ones annotator used before platformdirs; on macOS a configuration left in
the old `~/Library/Preferences/annotator/` is still read when the new folder has none.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_NAME = "annotator"
LEGACY_MACOS_CONFIG = Path("Library") / "Preferences" / APP_NAME
"""Relative to the home folder: where annotator < 0.2 kept its macOS configuration."""


def platform_dirs(platform: str | None = None):
    """The platformdirs object for `platform` (default: this one's `sys.platform`)."""
    platform = platform or sys.platform
    if platform == "win32":
        from platformdirs.windows import Windows as Dirs
    elif platform == "darwin":
        from platformdirs.macos import MacOS as Dirs
    else:
        from platformdirs.unix import Unix as Dirs
    return Dirs(APP_NAME, appauthor=False, roaming=True)


def user_data_dir(platform: str | None = None) -> Path:
    """The folder of the default database."""
    return Path(platform_dirs(platform).user_data_dir)


def user_config_dir(platform: str | None = None) -> Path:
    """The folder of `config.toml` and the window's `gui.ini`; on macOS the old Preferences folder while it
    still holds the configuration and the new one does not."""
    platform = platform or sys.platform
    folder = Path(platform_dirs(platform).user_config_dir)
    if platform == "darwin":
        legacy = Path.home() / LEGACY_MACOS_CONFIG
        if not folder.exists() and legacy.is_dir():
            return legacy
    return folder
