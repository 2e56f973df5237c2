"""Where the window remembers things (annotator name, layout, last document): an ini file in the user's
config folder (XDG_CONFIG_HOME on Linux), so tests that point XDG_CONFIG_HOME at a temp dir never touch yours."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from annotator.core.config import config_path


def settings_path() -> str:
    return str(config_path().with_name("gui.ini"))


def app_settings() -> QSettings:
    return QSettings(settings_path(), QSettings.Format.IniFormat)
