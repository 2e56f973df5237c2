"""File dialogs that never open a file they list.

Why: Qt's file dialog fills its list through QFileSystemModel, whose icon provider asks QMimeDatabase for each
file's type (`QAbstractFileIconProvider::icon`/`type` -> `mimeTypeForFile`), and QMimeDatabase reads the first
bytes of any file its name does not identify (`a.db`, `a.db-wal`, `a.db-shm`). That open()+close() of the
database file happens in the window's own process, and POSIX drops every lock a process holds on a file when it
closes ANY descriptor of that file: SQLite's locks vanish (https://www.sqlite.org/howtocorrupt.html §2.2), the
next `annotator` command thinks it is alone, checkpoints and deletes the WAL the window still writes to, and the
window's later edits are lost or corrupt the file (issue 11).

So every dialog of annotator is built here: Qt's own (non-native) dialog, with an icon provider that answers
from the file name and stat(2) only (never opening a file), no custom directory icons (which read
`.directory` files) and no symlink resolution. `strace -f -e trace=openat` of a window showing these dialogs
in the database's folder shows no open of any listed file (tests/gui/test_dialog_locks.py checks the effect).
"""

from __future__ import annotations

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QWidget

__all__ = ["NameOnlyIconProvider", "existing_directory", "make_file_dialog", "open_file_name", "open_file_names",
           "save_file_name"]


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and type names from QFileInfo's stat data and the file name: a folder icon or a file icon, and
    "TXT File"-style types. Never reads a file's content (unlike Qt's default, which sniffs MIME types)."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)
        style = QApplication.style()
        self._folder = style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
        self._file = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        self._drive = style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon)
        self._computer = style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)

    def icon(self, what):  # noqa: D401 - Qt's overloads: icon(IconType) and icon(QFileInfo)
        if isinstance(what, QFileInfo):
            return self._folder if what.isDir() else self._file
        kind = QAbstractFileIconProvider.IconType
        return {kind.Folder: self._folder, kind.Drive: self._drive, kind.Computer: self._computer,
                kind.Desktop: self._folder, kind.Trashcan: self._folder, kind.Network: self._computer
                }.get(what, self._file)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} File" if suffix else "File"


def make_file_dialog(parent: QWidget | None, caption: str, directory: str = "", filters: str = "") -> QFileDialog:
    """A QFileDialog that lists files without opening them (see the module's doc)."""
    dialog = QFileDialog(parent, caption, directory, filters)
    dialog.setOptions(
        QFileDialog.Option.DontUseNativeDialog
        | QFileDialog.Option.DontUseCustomDirectoryIcons
        | QFileDialog.Option.DontResolveSymlinks
    )
    provider = NameOnlyIconProvider()
    dialog.setIconProvider(provider)
    dialog._icon_provider = provider  # the dialog does not own it: keep it alive as long as the dialog
    return dialog


def _run(dialog: QFileDialog) -> list[str]:
    try:
        return dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []
    finally:
        dialog.deleteLater()


def open_file_names(parent: QWidget | None, caption: str, directory: str = "", filters: str = "") -> list[str]:
    """= QFileDialog.getOpenFileNames(...)[0], without opening the listed files. [] when cancelled."""
    dialog = make_file_dialog(parent, caption, directory, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    return _run(dialog)


def open_file_name(parent: QWidget | None, caption: str, directory: str = "", filters: str = "") -> str:
    """= QFileDialog.getOpenFileName(...)[0], without opening the listed files. "" when cancelled."""
    dialog = make_file_dialog(parent, caption, directory, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return next(iter(_run(dialog)), "")


def save_file_name(parent: QWidget | None, caption: str, directory: str = "", filters: str = "") -> str:
    """= QFileDialog.getSaveFileName(...)[0], without opening the listed files. "" when cancelled."""
    dialog = make_file_dialog(parent, caption, directory, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    return next(iter(_run(dialog)), "")


def existing_directory(parent: QWidget | None, caption: str, directory: str = "") -> str:
    """= QFileDialog.getExistingDirectory(...), without opening the listed files. "" when cancelled."""
    dialog = make_file_dialog(parent, caption, directory)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return next(iter(_run(dialog)), "")
