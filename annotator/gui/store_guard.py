"""The window's hold on its database: open it writable or, where it cannot be written, read-only with a banner;
refuse edits when read-only or cut off from the live WAL; show a start-up error in a message box.

Cut off: if this process ever loses SQLite's POSIX locks (something open()+close()d the database file), another
process may checkpoint and delete the `-wal` this window still has open; from then on every edit would land in
a deleted file. `Store.cut_off()` notices (the `-wal`/database inode changed, by stat(2)); the window then stops
saying "Saved", refuses edits with a red "Not saved", and says to reopen it (issue 11).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QToolBar, QWidget

from annotator.core.store import ReadOnlyError, Store, StoreError
from annotator.gui.plain import plain


def open_window_store(path: str | Path) -> tuple[Store, str | None]:
    """(store, None) when the database can be written, else (read-only store, why): a read-only file or folder.
    Other problems (not a database, newer schema, damaged) raise StoreError with one line."""
    try:
        return Store(path), None
    except ReadOnlyError as error:
        return Store(path, readonly=True), str(error)


def edit_refusal(store: Store) -> str | None:
    """Why no edit may be written now (read-only, or cut off from the live database), else None."""
    if store.readonly:
        return f"{store.path} is open read-only; this edit was not saved"
    cut = store.cut_off()
    if cut:
        return f"{cut}; this edit was not saved — close and reopen the window"
    return None


def show_banner(window: QMainWindow, text: str) -> QLabel:
    """A visible strip at the top of the window (a fixed tool bar) holding `text`; returns its label."""
    existing = window.findChild(QLabel, "storeBanner")
    if existing is not None:
        existing.setText(plain(text))
        return existing
    bar = QToolBar("Database", window)
    bar.setObjectName("storeBannerBar")
    bar.setMovable(False)
    bar.setFloatable(False)
    label = QLabel(plain(text), bar)
    label.setObjectName("storeBanner")
    label.setWordWrap(True)
    label.setStyleSheet("QLabel { background: #fff3cd; color: #5c4400; padding: 4px 8px; font-weight: bold; }")
    bar.addWidget(label)
    window.addToolBar(bar)
    return label


def readonly_banner_text(reason: str) -> str:
    return f"Read-only — {reason}. You can read, search and export; edits are not saved."


def start_up_failed(parent: QWidget | None, path: str | Path, error: BaseException) -> None:
    """Show why the window could not open the database (not only on stderr, which a desktop launch hides)."""
    message = str(error) if isinstance(error, StoreError) else f"{type(error).__name__}: {error}"
    QMessageBox.critical(parent, "annotator cannot open the database", plain(f"{path}\n\n{message}"))
