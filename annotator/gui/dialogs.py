"""Small dialogs. Each asking dialog has an `ask()` classmethod, so tests can monkeypatch it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.store import Store


class AnnotatorNameDialog:
    """Who is annotating: asked on first start and from the menu."""

    @classmethod
    def ask(cls, parent: QWidget | None, current: str = "") -> str | None:
        name, ok = QInputDialog.getText(
            parent, "Who is annotating?", "Your name (every edit is recorded under it):", QLineEdit.EchoMode.Normal, current
        )
        name = name.strip()
        return name if ok and name else None


class SpeakerNameDialog:
    """The resolved name of a quote's speaker (e.g. "he" -> "John Kerry")."""

    @classmethod
    def ask(cls, parent: QWidget | None, current: str = "") -> str | None:
        name, ok = QInputDialog.getText(parent, "Speaker name", "Resolved speaker name:", QLineEdit.EchoMode.Normal, current)
        return name.strip() if ok else None


class TagSetDialog(QDialog):
    """Add or remove tags in the tag set (document tags and span tags). Changes are written at once."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Tag set")
        self.store = store
        tabs = QTabWidget()
        self.lists: dict[str, QListWidget] = {}
        self.inputs: dict[str, QLineEdit] = {}
        for scope, title in (("document", "Document tags"), ("span", "Entity and quote tags")):
            page = QWidget()
            listing = QListWidget()
            entry = QLineEdit()
            entry.setPlaceholderText("new tag")
            add = QPushButton("Add")
            remove = QPushButton("Remove selected")
            add.clicked.connect(lambda _=False, s=scope: self.add_tag(s))
            entry.returnPressed.connect(lambda s=scope: self.add_tag(s))
            remove.clicked.connect(lambda _=False, s=scope: self.remove_selected(s))
            row = QHBoxLayout()
            row.addWidget(entry, 1)
            row.addWidget(add)
            layout = QVBoxLayout(page)
            layout.addWidget(listing)
            layout.addLayout(row)
            layout.addWidget(remove)
            tabs.addTab(page, title)
            self.lists[scope], self.inputs[scope] = listing, entry
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        for scope, listing in self.lists.items():
            listing.clear()
            listing.addItems(self.store.tag_set(scope))

    def add_tag(self, scope: str, tag: str | None = None) -> None:
        tag = (tag if tag is not None else self.inputs[scope].text()).strip()
        if tag:
            self.store.add_to_tag_set(tag, scope)
            self.inputs[scope].clear()
            self.reload()

    def remove_selected(self, scope: str) -> None:
        for item in self.lists[scope].selectedItems():
            self.store.remove_from_tag_set(item.text(), scope)
        self.reload()


class HelpDialog(QDialog):
    """Every action with its shortcut (built from the window's actions, so it never goes stale)."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().hide()
        intro = QLabel(
            "Select text and press a label key (1–9) to add an entity; click an entity to select it. "
            "Q makes a quote of the selection; with a quote selected, S and C set its speaker and cue from the "
            "selected text or entity. Ctrl+Return marks the document done and opens the next one."
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(620, 640)
        self.table = table
