"""Small dialogs. Each asking dialog has an `ask()` classmethod, so tests can monkeypatch it."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.names import SHOWN_CHARACTERS, elide, name_problem, shown
from annotator.core.store import Store, StoreError
from annotator.gui.plain import name_tooltip, plain, plain_label
from annotator.gui.screen_fit import FitsScreen


def login_name() -> str:
    """The user's login name, a sensible first guess for the annotator's name ("" when it cannot be read)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class AnnotatorNameDialog:
    """Who is annotating: asked on first start and from the menu."""

    PROMPT = "Your name (every edit is recorded under it):"

    @classmethod
    def ask(cls, parent: QWidget | None, current: str = "") -> str | None:
        """The name typed (or None on cancel); offered pre-filled with the login name on first start. A name that
        breaks the visible-name rule (core/names.py: a space at either end, a newline, a zero-width or bidi
        control, nothing visible, too long, `model`/`gold`) is asked again with the reason in one line above the
        box, never accepted, never silently trimmed (README; attack 15b #3: "dave " became "dave") and never a
        silent exit (attack 15 #16)."""
        from annotator.core.names import annotator_name_problem

        text, problem = current or login_name(), None
        while True:
            prompt = f"{problem[0].upper()}{problem[1:]}.\n\n{cls.PROMPT}" if problem else cls.PROMPT
            name, ok = QInputDialog.getText(parent, "Who is annotating?", prompt, QLineEdit.EchoMode.Normal, text)
            if not ok:
                return None
            problem = annotator_name_problem(name)
            if problem is None:
                return name
            text = name


class SpeakerNameDialog:
    """The resolved name of a quote's speaker (e.g. "he" -> "John Kerry")."""

    @classmethod
    def ask(cls, parent: QWidget | None, current: str = "") -> str | None:
        name, ok = QInputDialog.getText(parent, "Speaker name", "Resolved speaker name:", QLineEdit.EchoMode.Normal, current)
        return name.strip() if ok else None


class TitleDialog:
    """A document's title (its headline), e.g. when ingest took a site's boilerplate line for it."""

    @classmethod
    def ask(cls, parent: QWidget | None, current: str = "") -> str | None:
        """The title typed, with runs of spaces made one ("" when nothing visible was typed), or None on
        cancel."""
        dialog = QInputDialog(parent)
        dialog.setWindowTitle("Document title")
        dialog.setLabelText("Title (the headline):")
        dialog.setTextValue(current)
        # a headline is a sentence: the box shows it whole (Qt's default is ~200 px, a fragment; attack 15 #18)
        width = dialog.fontMetrics().horizontalAdvance(current or "x" * 60) + 80
        dialog.resize(max(480, min(width, 900)), dialog.sizeHint().height())
        if not dialog.exec():
            return None
        return " ".join(dialog.textValue().split())  # "" for a title of only spaces: the caller says why not


class TagSetDialog(FitsScreen, QDialog):
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
        self.undo_button = buttons.addButton("Undo", QDialogButtonBox.ButtonRole.ActionRole)
        self.undo_button.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_button.clicked.connect(self.undo)
        self.history: list[tuple[str, str, str]] = []  # (added|removed, tag, scope), for Undo
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        for scope, listing in self.lists.items():
            listing.clear()
            for tag in self.store.tag_set(scope):  # a long name elided, whole in the tooltip
                item = QListWidgetItem(elide(tag))
                item.setData(Qt.ItemDataRole.UserRole, tag)
                item.setToolTip(name_tooltip(tag))
                listing.addItem(item)
        self.undo_button.setEnabled(bool(self.history))

    def add_tag(self, scope: str, tag: str | None = None) -> bool:
        """Add the typed tag; a name with a control character is refused in a message box (issue 17).
        True when added."""
        tag = tag if tag is not None else self.inputs[scope].text()
        if not tag:
            return False
        problem = name_problem(tag)  # a space at either end is refused, never trimmed (README; attack 15b #3)
        if problem:
            QMessageBox.warning(self, "Tag set", f'The tag "{shown(tag)}" {problem}; a tag name is one line of '
                                "visible text.")
            return False
        if tag in self.store.tag_set(scope):
            return False
        if not self._saved(lambda: self.store.add_to_tag_set(tag, scope)):
            return False
        self.history.append(("added", tag, scope))
        self.inputs[scope].clear()
        self.reload()
        return True

    def remove_selected(self, scope: str) -> None:
        """Remove the selected tags; a tag in use asks first (its uses stay on the documents, unlisted)."""
        tags = [item.data(Qt.ItemDataRole.UserRole) for item in self.lists[scope].selectedItems()]
        used = {tag: n for tag in tags if (n := self.store.tag_uses(tag, scope))}
        if used and not self.confirm_removal(used):
            return
        for tag in tags:
            if not self._saved(lambda name=tag: self.store.remove_from_tag_set(name, scope)):
                break
            self.history.append(("removed", tag, scope))
        self.reload()

    def confirm_removal(self, used: dict[str, int]) -> bool:
        uses = ", ".join(f"“{shown(tag)}” ({n} use{'s' if n != 1 else ''})" for tag, n in used.items())
        answer = QMessageBox.question(
            self, "Remove tags in use?",
            plain(f"{uses} — still on documents. Remove from the tag set? The uses stay (Undo puts the tag back)."),
        )
        return answer == QMessageBox.StandardButton.Yes

    def undo(self) -> None:
        """Take back the last add or remove of this dialog."""
        if not self.history:
            return
        change, tag, scope = self.history.pop()
        if change == "added":
            self._saved(lambda: self.store.remove_from_tag_set(tag, scope))
        else:
            self._saved(lambda: self.store.add_to_tag_set(tag, scope))
        self.reload()

    def _saved(self, change) -> bool:
        """Run one tag-set change; a database error (disk full, read-only) is said in a message box, not raised."""
        try:
            change()
            return True
        except (StoreError, sqlite3.Error) as error:
            QMessageBox.warning(self, "Tag set not saved", plain(str(error)))
            return False


def _tag_of(item: QListWidgetItem) -> str:
    """The full tag name of a list row (the row may show it elided)."""
    return item.data(Qt.ItemDataRole.UserRole)


class TagPickDialog(FitsScreen, QDialog):
    """The T quick-pick: a small popup with the tag set of the selection (span tags for an entity or quote,
    document tags otherwise), its present tags checked. Typing filters; Up/Down move; Enter (or Space on an empty
    filter) toggles the highlighted tag and STAYS open, its filter selected so the next letters pick the next tag
    — several tags in one go (attack 15 #17: it closed after each pick); clicking a box toggles too; Esc or a
    click outside closes. It only emits `toggled`: the window turns that into its tag command, so undo works as
    for the Tags panel, one step per tag."""

    toggled = Signal(str, bool)  # tag, present

    def __init__(self, tags: list[str], present: set[str] | list[str], title: str, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("tagPicker")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to filter · Enter ticks · Esc closes")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.hint = plain_label()  # it quotes the typed filter
        self.hint.setWordWrap(True)
        present = set(present)
        for tag in sorted(set(tags) | present):
            item = QListWidgetItem(shown(tag, SHOWN_CHARACTERS))  # long names elided, whole in the tooltip
            item.setData(Qt.ItemDataRole.UserRole, tag)
            item.setToolTip(name_tooltip(tag))
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if tag in present else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.heading = heading = QLabel(title)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(heading)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        self.list.setMaximumHeight(max(60, min(self.list.count(), 10) * (self.fontMetrics().height() + 6) + 6))
        self.resize(260, self.sizeHint().height())
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.installEventFilter(self)
        self.list.itemChanged.connect(self._item_changed)
        self.list.itemActivated.connect(lambda _item: self.toggle_current())
        self.apply_filter("")
        self.filter.setFocus()

    def visible_tags(self) -> list[str]:
        return [_tag_of(self.list.item(i)) for i in range(self.list.count()) if not self.list.item(i).isHidden()]

    def current_tag(self) -> str | None:
        item = self.list.currentItem()
        return _tag_of(item) if item is not None and not item.isHidden() else None

    def apply_filter(self, text: str) -> None:
        """Show the tags containing `text` (any case); highlight the first that starts with it, else the first."""
        needle = text.strip().casefold()
        first = prefix = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            name = _tag_of(item).casefold()
            item.setHidden(needle not in name)
            if not item.isHidden():
                first = first or item
                if prefix is None and name.startswith(needle):
                    prefix = item
        self.list.setCurrentItem(prefix or first)
        if self.list.count() == 0:
            self.hint.setText("The tag set is empty: Edit → Tag set… (Ctrl+Shift+T).")
        elif first is None:
            self.hint.setText(f"No tag matches “{text.strip()}” (add it with Edit → Tag set…).")
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))

    def toggle_current(self) -> None:
        """Enter: toggle the highlighted tag (emits `toggled`); the picker stays open with its filter selected, so
        typing starts the next pick and Esc closes."""
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return
        present = item.checkState() != Qt.CheckState.Checked
        self.list.blockSignals(True)
        item.setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.toggled.emit(_tag_of(item), present)
        self.filter.selectAll()
        self.hint.setText(f"{'Ticked' if present else 'Unticked'} “{shown(_tag_of(item), SHOWN_CHARACTERS)}” · "
                          "Enter ticks the next · Esc closes")
        self.hint.setVisible(True)

    def checked_tags(self) -> list[str]:
        return [_tag_of(self.list.item(i)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _item_changed(self, item: QListWidgetItem) -> None:
        self.toggled.emit(_tag_of(item), item.checkState() == Qt.CheckState.Checked)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.filter and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or (key == Qt.Key.Key_Space and not self.filter.text()):
                self.toggle_current()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                self._move(-1 if key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp) else +1)
                return True
        return super().eventFilter(obj, event)

    def _move(self, direction: int) -> None:
        rows = [i for i in range(self.list.count()) if not self.list.item(i).isHidden()]
        if not rows:
            return
        current = self.list.currentRow()
        later = [r for r in rows if (r > current if direction > 0 else r < current)]
        self.list.setCurrentRow((later[0] if direction > 0 else later[-1]) if later else current if current in rows else rows[0])


class HelpDialog(FitsScreen, QDialog):
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
            "selected text or entity. Drag an edge of the selected entity or quote to move it; T tags the "
            "selection (or the document). Ctrl+Return marks the document done and opens the next one."
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
