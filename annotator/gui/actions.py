"""The annotation window's menus and keys, as data: `MENUS` lists every menu entry with a stable id, its text,
its keys and the window method it calls. `build_menus(window)` makes the QActions and returns them by id, so code
that needs an action (the article's context menu) asks for an id, never for a menu text that a rename would break.

Also here: the label actions and legend toolbar (`build_label_actions`), the undo/redo texts (`CommandText`) and
the rows of the keyboard-shortcut help (`shortcut_rows`).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QToolBar, QToolButton

from annotator.core.model import QuoteType, Status
from annotator.core.names import SHOWN_CHARACTERS, shown
from annotator.gui.plain import mnemonic, plain, strip_mnemonic

SEPARATOR = None
Key = str | QKeySequence.StandardKey
Entry = tuple[str, str, Key | list[Key] | None, str, tuple] | None
"""(id, menu text, keys, window method name, arguments) — or SEPARATOR."""

MENUS: list[tuple[str, list[Entry]]] = [
    ("&File", [
        ("file.import_articles", "&Import articles…", "Ctrl+I", "import_articles", ()),
        ("file.import_folder", "Import &folder…", "Ctrl+Shift+I", "import_folder", ()),
        SEPARATOR,
        ("file.import_annotations", "Import a&nnotations…", None, "import_annotations", ()),
        ("file.export", "&Export…", None, "export_annotations", ()),
        SEPARATOR,
        ("file.change_annotator", "Change &annotator…", "Ctrl+Shift+A", "change_annotator", ()),
        SEPARATOR,
        ("file.quit", "&Quit", QKeySequence.StandardKey.Quit, "close", ()),
    ]),
    ("&Edit", [
        "undo_redo",
        ("edit.undo_earlier", "Undo &earlier edit of this document", "Ctrl+Z", "undo_from_log", ()),
        SEPARATOR,
        ("edit.find", "&Find…", QKeySequence.StandardKey.Find, "show_find", ()),
        ("edit.find_next", "Find &next", "F3", "find_next", (False,)),
        ("edit.find_previous", "Find &previous", "Shift+F3", "find_next", (True,)),
        SEPARATOR,
        ("edit.snap", "&Snap selections to words", "W", "toggle_snapping", ()),
        ("edit.clear_selection", "Clear selection", "Esc", "clear_selection", ()),
        ("edit.tag_set", "&Tag set…", "Ctrl+Shift+T", "edit_tag_set", ()),
    ]),
    ("E&ntity", [
        "label_menu",
        ("entity.delete", "&Delete selected entity or quote", [QKeySequence.StandardKey.Delete, "Backspace"],
         "delete_selected", ()),
        ("entity.end_right", "Move &end right", "Alt+Right", "move_boundary", ("end", +1)),
        ("entity.end_left", "Move end left", "Alt+Left", "move_boundary", ("end", -1)),
        ("entity.start_left", "Move &start left", "Alt+Shift+Left", "move_boundary", ("start", -1)),
        ("entity.start_right", "Move start right", "Alt+Shift+Right", "move_boundary", ("start", +1)),
        ("entity.next", "Ne&xt entity", "]", "select_neighbour_entity", (+1,)),
        ("entity.previous", "Pre&vious entity", "[", "select_neighbour_entity", (-1,)),
        ("entity.tag", "&Tag selected…", "T", "quick_tag", ()),
        ("entity.pick_label", "&Pick a label by name…", "L", "pick_label", ()),
    ]),
    ("&Quote", [
        ("quote.new", "&New quote from selection", "Q", "add_quote", ()),
        ("quote.speaker", "Set &speaker from selection or entity", "S", "set_quote_role", ("speaker",)),
        ("quote.cue", "Set &cue from selection or entity", "C", "set_quote_role", ("cue",)),
        ("quote.speaker_name", "Speaker &name…", "Shift+S", "set_speaker_name", ()),
        ("quote.clear_speaker", "Clear speaker", "Alt+Shift+S", "clear_quote_role", ("speaker",)),
        ("quote.clear_cue", "Clear cue", "Alt+Shift+C", "clear_quote_role", ("cue",)),
        "type_menu",
        ("quote.delete", "&Delete quote", "Shift+Del", "delete_quote", ()),
        ("quote.next", "Next &quote", "Ctrl+]", "select_neighbour_quote", (+1,)),
        ("quote.previous", "Previous quote", "Ctrl+[", "select_neighbour_quote", (-1,)),
    ]),
    ("&Document", [
        ("document.done_next", "Mark &done and open next", ["Ctrl+Return", "Ctrl+Enter"], "done_and_next", ()),
        ("document.done", "Mark &done", "Ctrl+D", "set_status", (Status.DONE,)),
        ("document.skipped", "Mark &skipped", "Ctrl+K", "set_status", (Status.SKIPPED,)),
        ("document.rejected", "Mark &rejected", "Ctrl+R", "set_status", (Status.REJECTED,)),
        ("document.in_progress", "Mark in &progress", "Ctrl+Shift+P", "set_status", (Status.IN_PROGRESS,)),
        SEPARATOR,
        ("document.next", "&Next document", ["Ctrl+PgDown", "Alt+Down"], "open_neighbour", (+1,)),
        ("document.previous", "&Previous document", ["Ctrl+PgUp", "Alt+Up"], "open_neighbour", (-1,)),
        ("document.tags", "Document &tags…", "Ctrl+T", "quick_tag_document", ()),
        ("document.title", "Edit t&itle…", "F2", "edit_title", ()),
    ]),
    ("&View", [
        ("view.documents", "Focus &document list", "Ctrl+L", "focus_documents", ()),
        ("view.article", "Focus &article", "Ctrl+E", "focus_article", ()),
        ("view.quotes", "Focus &quotes", "Ctrl+Shift+Q", "focus_quotes", ()),
        ("view.entities", "Focus e&ntities", "Ctrl+Shift+E", "focus_entities", ()),
        SEPARATOR,
        ("view.review", "&Review mode…", "Ctrl+Shift+R", "open_review", ()),
        ("view.refresh", "Re&fresh from the database", "F5", "refresh_from_database", ()),
        ("view.compare", "&Compare with…", "Ctrl+Shift+K", "choose_comparison", ()),
        SEPARATOR,
        "dock_toggles",
    ]),
    ("&Help", [
        ("help.keys", "&Keyboard shortcuts", "F1", "show_help", ()),
    ]),
]
"""Menu by menu, in order. A plain string is a place the window fills itself: the undo/redo actions, the label
and quote-type submenus, the docks' show/hide toggles."""

CHECKABLE = {"edit.snap"}
CONTEXT_MENU = ["label_menu", None, "entity.delete", "entity.tag", None, "quote.new", "quote.speaker", "quote.cue",
                "quote.speaker_name", "type_menu", "quote.delete"]
"""The article's right-click menu, by action id (None: a separator)."""


def _keys(keys: Key | list[Key] | None) -> list[QKeySequence]:
    if not keys:
        return []
    return [QKeySequence(k) for k in (keys if isinstance(keys, list) else [keys])]


def _caller(window: QMainWindow, method: str, args: tuple):
    """A slot taking no arguments (so Qt's `checked` is not passed on) that calls window.method(*args)."""
    if method == "find_next":
        return lambda: window.find_next(backward=args[0])
    return lambda: getattr(window, method)(*args)


def add_action(window: QMainWindow, menu: QMenu, text: str, slot, keys: Key | list[Key] | None = None, *,
               checkable: bool = False) -> QAction:
    """One QAction in `menu`, also added to the window so its keys work wherever the focus is."""
    action = QAction(text, window)
    if keys:
        action.setShortcuts(_keys(keys))
    action.setCheckable(checkable)
    action.triggered.connect(slot)
    menu.addAction(action)
    window.addAction(action)
    return action


def build_menus(window) -> dict[str, QAction]:
    """The window's menu bar from MENUS; returns the actions by id. Sets window.undo_action / redo_action,
    label_menu, type_menu, entity_menu and snap_action (names the window and tests use)."""
    by_id: dict[str, QAction] = {}
    bar = window.menuBar()
    for title, entries in MENUS:
        menu = bar.addMenu(title)
        for entry in entries:
            if entry is SEPARATOR:
                menu.addSeparator()
            elif entry == "undo_redo":
                _add_undo_redo(window, menu)
                by_id["edit.undo"], by_id["edit.redo"] = window.undo_action, window.redo_action
            elif entry == "label_menu":
                window.entity_menu = menu
                window.label_menu = menu.addMenu("&Label selection as")
                window.label_actions = []
            elif entry == "type_menu":
                window.type_menu = menu.addMenu("&Type")
                for key, qtype in zip(("Alt+1", "Alt+2", "Alt+3"), QuoteType):
                    by_id[f"quote.type.{qtype.value}"] = add_action(
                        window, window.type_menu, qtype.value.capitalize(), _caller(window, "set_quote_type", (qtype,)), key)
            elif entry == "dock_toggles":
                for dock in window.docks.values():
                    menu.addAction(dock.toggleViewAction())
            else:
                action_id, text, keys, method, args = entry
                by_id[action_id] = add_action(window, menu, text, _caller(window, method, args), keys,
                                              checkable=action_id in CHECKABLE)
    window.snap_action = by_id["edit.snap"]
    return by_id


def _add_undo_redo(window, menu: QMenu) -> None:
    undo = window.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    window.undo_stack.undoTextChanged.connect(CommandText(undo, "&Undo").show)
    redo = window.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    window.undo_stack.redoTextChanged.connect(CommandText(redo, "&Redo").show)
    menu.addActions([undo, redo])
    window.addActions([undo, redo])
    window.undo_action, window.redo_action = undo, redo


def build_legend(window) -> QToolBar:
    """The "Labels" toolbar (filled by build_label_actions)."""
    legend = QToolBar("Labels")
    legend.setObjectName("labelsToolbar")
    legend.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, legend)
    return legend


def build_label_actions(window, labels: dict[str, str]) -> None:
    """Label actions (keys 1–9, the rest under "More labels") in the Label menu and the legend toolbar, the
    quote/speaker/cue legend, and the article's context menu. `labels`: name -> colour, in order."""
    for action in window.label_actions:
        window.removeAction(action)
    window.label_menu.clear()
    window.legend.clear()
    # QToolBar.clear() keeps the separator and widget actions the toolbar made (its children): without this
    # every refresh (another window's commit, F5) left ~3 of them behind, with the legend label.
    for made in window.legend.findChildren(QAction, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if made is not window.legend.toggleViewAction():
            made.deleteLater()
    window.label_actions = []
    for position, (name, color) in enumerate(labels.items()):
        key = str(position + 1) if position < 9 else None
        short = shown(name, SHOWN_CHARACTERS)  # a long name elided, whole in the tooltip (issue 17)
        action = QAction(swatch(color), mnemonic(f"{key} {short}" if key else short), window)
        action.setToolTip(plain(f"Label the selection (or the selected entity) {name}"
                                + (f" — key {key}" if key else " — press L and type its name")))
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _=False, label=name: window.apply_label(label))
        window.label_menu.addAction(action)
        window.addAction(action)
        window.label_actions.append(action)
        if position < 9:
            window.legend.addAction(action)
    more = window.label_actions[9:]
    if more:
        button = QToolButton()
        button.setText("More labels (L)")
        button.setObjectName("moreLabels")
        button.setToolTip("Labels without a number key: press L and type a label's name (any label), Enter applies")
        menu = QMenu(button)
        menu.addActions(more)
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        window.legend.addWidget(button)
    window.legend.addSeparator()
    scheme = window.view.scheme
    legend = QLabel(
        f"<span style='background:{scheme.quote_band_active.name()}; border-bottom:2px solid {scheme.quote.name()}'>"
        f"&nbsp;quote&nbsp;</span>&nbsp; <span style='color:{scheme.speaker.name()}'>▭ speaker</span>&nbsp; "
        f"<span style='color:{scheme.cue.name()}'>┅ cue</span>"
    )
    legend.setContentsMargins(6, 0, 6, 0)
    window.legend.addWidget(legend)
    places = {"label_menu": window.label_menu, "type_menu": window.type_menu}
    window.view.context_actions = [None if i is None else places.get(i) or window.actions_by_id[i] for i in CONTEXT_MENU]


class CommandText(QObject):
    """Keeps an undo/redo action's text as "&Undo <command>" with the command's "&" shown, not taken as a
    mnemonic (command texts hold labels and tags: "Add R&D"). A child of the action, so the stack's signal
    is disconnected when the action goes."""

    def __init__(self, action: QAction, prefix: str):
        super().__init__(action)
        self.action, self.prefix = action, prefix

    @Slot(str)
    def show(self, text: str) -> None:
        if shiboken6.isValid(self.action):  # the stack clears itself while a closing window is torn down
            self.action.setText(f"{self.prefix} {mnemonic(text)}".rstrip())


def shortcut_rows(menu: QMenu | None, title: str) -> list[tuple[str, str, str]]:
    """(menu path, action text, keys) for every action of `menu` and its submenus, for the help dialog."""
    if menu is None:
        return []
    rows = []
    for action in menu.actions():
        if action.menu() is not None:
            rows.extend(shortcut_rows(action.menu(), f"{title} › {strip_mnemonic(action.text())}"))
        elif not action.isSeparator():
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            rows.append((title, strip_mnemonic(action.text()), keys))
    return rows


def swatch(color: str) -> QIcon:
    """A 14×14 px square of the label's colour."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)
