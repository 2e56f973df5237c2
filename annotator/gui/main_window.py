"""The annotation window: document list, article view, entity / quote / tag panels, menus and status bar.

Reads come from the store; every edit goes through a QUndoCommand (commands.py) that calls core.ops and is
committed at once. The window then re-reads just the rows the command touched (`Change`) and repaints.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, Qt, QTimer, Slot
from PySide6.QtGui import (
    QPalette,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import MODEL_ANNOTATOR, Document, QuoteType, Status, Tag, TargetKind
from annotator.core.edit_history import blocker, last_log_id, next_step
from annotator.core.errors import Cancelled, UserError
from annotator.core.ops import EditError
from annotator.core.store import NotFoundError, Store, StoreError
from annotator.gui import commands as cmd
from annotator.gui import file_dialogs
from annotator.gui.gc_pauses import IdlePauseCollector
from annotator.gui.actions import (
    build_label_actions,
    build_legend,
    build_menus,
    shortcut_rows,
)
from annotator.gui.article_view import ArticleView
from annotator.gui.background import BackgroundRun
from annotator.gui.colors import readable
from annotator.gui.db_watcher import DatabaseWatcher
from annotator.gui.dialogs import (
    AnnotatorNameDialog,
    HelpDialog,
    TagPickDialog,
    TagSetDialog,
    TitleDialog,
)
from annotator.gui.document_list import DocumentListModel, DocumentListView
from annotator.gui.editing import EditActions, EditSession
from annotator.gui.exchange_dialogs import ExportDialog, ImportDialog
from annotator.gui.find_bar import FindBar
from annotator.gui.quote_table import QuoteColumns, QuoteTable
from annotator.gui.warm_up import warm_up
from annotator.gui.own_set import point_command_at_copies, take_own_set
from annotator.gui.panels import (
    EntityTableModel,
    SpanTableView,
    TagsPanel,
)
from annotator.gui.plain import escape, plain, strip_mnemonic
from annotator.core.names import annotator_name_problem
from annotator.gui.settings import app_settings
from annotator.gui.snapping import snap_to_words
from annotator.gui.store_guard import edit_refusal, open_window_store, readonly_banner_text, show_banner
from annotator.gui.type_ahead import guard
from annotator.gui.version_overlay import NO_COMPARISON, VersionOverlay, comparison_choices
from annotator.gui.workers import ImportWorker
from annotator.gui.screen_fit import FitsScreen, fit_to_screen, fit_within_screen


IDLE_SAVE_STATE = "All saved"
"""The save state while no edit of this session is shown: nothing is pending ("Saved hh:mm:ss" comes only from a
committed edit: attack 15b #17 found a bare "Saved" at start-up, before any edit)."""


def gone_meanwhile(message: str) -> str:
    """The sentence for an edit whose entity or quote another window or program deleted after it was shown
    (the store says "no entity with id N")."""
    what = "entity" if "entity" in message else "quote" if "quote" in message else "annotation"
    return (f"that {what} was deleted meanwhile in another window or program; the document is shown as it is "
            "now")


class MainWindow(FitsScreen, QMainWindow):
    """One annotator correcting documents of one database."""

    def __init__(self, store: Store | str | Path, annotator: str | None = None):
        super().__init__()
        self.settings = app_settings()
        self.annotator = annotator or self._remembered_annotator()  # Cancelled before anything is opened
        # never edit the pre-extraction or gold here; never a name with a newline, a zero-width or bidi control
        if problem := annotator_name_problem(self.annotator):
            raise UserError(problem)
        self._owns_store = not isinstance(store, Store)
        # a read-only file or folder opens read-only (with a banner); other start-up errors raise StoreError
        self.store, self.readonly_reason = open_window_store(store) if self._owns_store else (store, None)
        self.settings.setValue("annotator", self.annotator)
        if not self.store.readonly:
            self.store.annotator_id(self.annotator)
        self.window_log_start = last_log_id(self.store)  # later lines of other sessions: other windows' edits
        self.doc: Document | None = None
        self.borrowed = False  # the open document shows the model's set: the annotator has none yet
        self.compared_with: str | None = None  # View → Compare with…: whose version is drawn over yours
        self.problem: str | None = None  # the refusal the status bar shows now (show_problem), if any
        self.undo_barrier: dict[int, int] = {}  # doc id -> edit-log id at and before which Ctrl+Z stops
        self.tags: list[Tag] = []
        self.undo_stack = QUndoStack(self)
        self.notifier = cmd.EditNotifier(self)
        self.notifier.edited.connect(self.on_edited)
        self.notifier.failed.connect(self.on_undo_failed)
        self.edits = EditSession(self.store, self.notifier, self._edit_context)
        self.edit_actions = EditActions(self, self.edits)
        self.import_run: BackgroundRun | None = None
        self.import_thread = None
        self.gc_pauses = IdlePauseCollector(self)  # full garbage collections only when idle, never inside an edit
        self.import_worker: ImportWorker | None = None
        self.tag_picker: TagPickDialog | None = None
        self.setWindowTitle("annotator")
        self._build_widgets()
        self._build_actions()
        self._build_status_bar()
        self.refresh_labels()
        self._restore_layout()
        self.update_progress()
        self._open_initial_document()
        self.watch_database()
        # once idle after start-up: what the first edit would pay for first (warm_up.py; issue 15: < 16 ms)
        QTimer.singleShot(0, lambda: warm_up(self.view.font()))
        if self.store.readonly:
            show_banner(self, readonly_banner_text(self.readonly_reason or f"{self.store.path} is open read-only"))
            self.save_label.setText("Read-only")

    # -- set-up ----------------------------------------------------------------------------------------------

    def _remembered_annotator(self) -> str:
        name = self.settings.value("annotator", "")
        if name and not annotator_name_problem(str(name)):
            return str(name)
        name = AnnotatorNameDialog.ask(None, "")
        if not name:  # Cancel on first start: open nothing, record nothing (issue 15)
            raise Cancelled("no annotator name given: the window was not opened")
        return name

    def _build_widgets(self) -> None:
        self.view = ArticleView()
        self.view.entity_clicked.connect(self.on_entity_clicked)
        self.view.quote_clicked.connect(self.on_quote_clicked)
        self.view.span_resized.connect(self.on_span_resized)
        self.view.resizable = True
        self.find_bar = FindBar(self.view)
        self.find_bar.not_found.connect(self._say_not_found)
        self.find_box = self.find_bar.box
        self.doc_title = QLabel()
        self.doc_title.setObjectName("documentTitle")
        self.doc_title.setTextFormat(Qt.TextFormat.PlainText)  # a title is data, never markup
        self.doc_title.setWordWrap(True)
        font = self.doc_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.doc_title.setFont(font)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addWidget(self.doc_title)
        self.compare_note = QLabel()  # "Comparing with bob: …" or "bob has no annotations on this document"
        self.compare_note.setObjectName("comparisonNote")
        self.compare_note.setTextFormat(Qt.TextFormat.PlainText)  # a teammate's name is data
        self.compare_note.setWordWrap(True)
        self.compare_note.setStyleSheet("font-style: italic")  # a note about the view, not part of the article
        self.compare_note.hide()
        layout.addWidget(self.compare_note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)

        self.doc_model = DocumentListModel(self.store, self.annotator, self)
        self.doc_list = DocumentListView(self.doc_model)
        self.doc_list.document_activated.connect(self.open_document)
        self.entity_model = EntityTableModel(self)
        self.entity_table = SpanTableView(self.entity_model)
        self.entity_table.picked.connect(self.pick_entity)
        self.quote_model = QuoteTable(self)
        self.quote_table = SpanTableView(self.quote_model)
        self.quote_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # text order first
        self.quote_table.setSortingEnabled(True)  # the model sorts itself (quote_table.py): row_of stays right
        self.quote_model.sort_column = None
        QuoteColumns(self.quote_table)  # the Content column gets the room (issue 15, attack #14)
        self.quote_table.picked.connect(self.pick_quote)
        self.tags_panel = TagsPanel()
        self.tags_panel.toggled.connect(self.on_tag_toggled)
        self.tags_panel.edit_tag_set.connect(self.edit_tag_set)
        guard(self.tags_panel.document_list, self.tags_panel.span_list)

        self.docks: dict[str, QDockWidget] = {}
        for name, title, widget, area in (
            ("documents", "Documents", self.doc_list, Qt.DockWidgetArea.LeftDockWidgetArea),
            ("quotes", "Quotes", self.quote_table, Qt.DockWidgetArea.RightDockWidgetArea),
            ("entities", "Entities", self.entity_table, Qt.DockWidgetArea.RightDockWidgetArea),
            ("tags", "Tags", self.tags_panel, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"{name}Dock")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.splitDockWidget(self.docks["quotes"], self.docks["tags"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["quotes"], self.docks["entities"])
        self.docks["quotes"].raise_()
        self.resizeDocks([self.docks["documents"], self.docks["quotes"]], [420, 420], Qt.Orientation.Horizontal)

    def _build_actions(self) -> None:
        """Menus and keys from the table in actions.py; `actions_by_id` holds them by id."""
        self.actions_by_id = build_menus(self)
        # Ctrl+Z reaches into the edit log (earlier sessions) only when this session has nothing left to undo:
        # one of the two Ctrl+Z actions is enabled at a time, so the key is never ambiguous.
        earlier = self.actions_by_id["edit.undo_earlier"]
        self.undo_stack.canUndoChanged.connect(lambda can: earlier.setEnabled(not can))
        self.snap_action.setChecked(self.settings.value("snap", True, type=bool))
        self.view.snapping = self.snap_action.isChecked()
        self.legend = build_legend(self)
        from annotator.gui.model_menu import install_model_menu  # Model → Train… / Re-annotate (issue 13)
        from annotator.gui.token_check import install_token_check  # flags spans the spaCy export drops

        install_model_menu(self, lambda: self.store.path, self.refresh_from_database)
        install_token_check(self)

    def focus_documents(self) -> None:
        self.focus_dock("documents", self.doc_list.table)

    def focus_article(self) -> None:
        self.view.setFocus()

    def focus_quotes(self) -> None:
        self.focus_dock("quotes", self.quote_table)

    def focus_entities(self) -> None:
        self.focus_dock("entities", self.entity_table)

    def _build_status_bar(self) -> None:
        self.annotator_label = QLabel()
        self.progress_label = QLabel()
        self.save_label = QLabel(IDLE_SAVE_STATE)
        self.save_label.setObjectName("saveState")
        self.annotator_label.setTextFormat(Qt.TextFormat.RichText)  # markup of ours; user text in it is escaped
        self.save_label.setTextFormat(Qt.TextFormat.RichText)
        status = self.statusBar()
        status.addPermanentWidget(self.annotator_label)
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.save_label)
        self.show_annotator()

    def show_annotator(self) -> None:
        # isolated (U+2068…U+2069): a right-to-left name is shown as typed and does not reorder "Annotator:"
        self.annotator_label.setText(f"Annotator: <b>\u2068{escape(self.annotator)}\u2069</b>")

    def refresh_labels(self) -> None:
        """Label actions (keys 1–9), the legend toolbar and the view's colours, from store.labels()."""
        labels = self.store.labels()
        self.view.set_labels(labels)
        self.entity_model.colors = labels
        build_label_actions(self, labels)

    def _restore_layout(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
            fit_within_screen(self)  # saved on a larger screen
        else:
            fit_to_screen(self, 1400, 860)
        state = self.settings.value("state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        else:  # the article keeps most of the width, also on a small screen (issue 15, attack #3)
            width = self.width()
            self.resizeDocks([self.docks["documents"], self.docks["quotes"]],
                             [min(440, width * 26 // 100), min(520, width * 28 // 100)], Qt.Orientation.Horizontal)

    def _open_initial_document(self) -> None:
        last = self.settings.value("last_document")
        try:
            last = int(last) if last is not None else None
        except (TypeError, ValueError):
            last = None
        if last is not None and self.doc_model.row_of(last) is not None:
            self.open_document(last)
        elif (first := self.doc_model.id_at(0)) is not None:
            self.open_document(first)
        else:
            self.show_empty()

    def closeEvent(self, event) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState())
        self.settings.setValue("snap", self.snap_action.isChecked())
        if self.doc is not None:
            self.settings.setValue("last_document", self.doc.id)
        self.settings.sync()
        self.watch_timer.stop()
        self.gc_pauses.release()
        if self.import_run is not None:
            self.import_run.done.disconnect(self._import_run_done)  # nothing to show in a closed window
            self.import_run.cancel_and_wait(5000)
        super().closeEvent(event)
        if self._owns_store:
            self.store.close()

    # -- documents -------------------------------------------------------------------------------------------

    def show_empty(self) -> None:
        self.doc = None
        self.doc_title.setText("No documents yet — File → Import articles… (Ctrl+I)")
        self.view.show_text("")
        self.refresh_panels()

    def open_document(self, doc_id: int) -> None:
        """Show a document with this annotator's set (created from the model's pre-extraction if new)."""
        try:
            doc = self.store.document(doc_id)
            aset = self.store.annotation_set(doc_id, self.annotator)
            # No set of theirs yet: show the model's, borrowed; the first edit makes their own (own_set.py).
            self.borrowed = aset is None
            if aset is None:
                aset = self.store.annotation_set(doc_id, MODEL_ANNOTATOR)
        except (NotFoundError, StoreError) as error:
            self.show_problem(str(error))
            self.doc_list.show_document(self.doc.id if self.doc else None)  # the highlight stays on the open one
            return
        if self.doc is None or self.doc.id != doc_id:
            self.show_saved_state()  # a refusal on the last document says nothing about this one (attack 15 #13)
        self.doc = doc
        self.tags = list(aset.tags) if aset else []
        self.doc_title.setText(doc.title or f"Document {doc.id}")
        self.view.show_annotation_set(doc.text, aset, doc.boilerplate or [])  # boilerplate lines dimmed
        self.refresh_panels()
        self.doc_list.show_document(doc_id)
        self.doc_model.refresh_document(doc_id)
        self.settings.setValue("last_document", doc_id)
        self.update_status_text()
        if self.compared_with:
            self.compare_with(self.compared_with)  # the comparison follows from document to document
        self.gc_pauses.document_shown()

    def choose_comparison(self) -> None:
        """View → Compare with…: pick the model or a teammate whose version is drawn over yours."""
        if self.doc is None:
            return
        choices = comparison_choices(self.store.annotators_of(self.doc.id), self.annotator)
        current = choices.index(self.compared_with) if self.compared_with in choices else 0
        name, ok = QInputDialog.getItem(self, "Compare with", "Show this version over yours:", choices, current, False)
        if ok:
            self.compare_with(None if name == NO_COMPARISON else name)

    def compare_with(self, name: str | None) -> None:
        """Draw `name`'s version of the open document over yours, differences marked (None: stop)."""
        self.compared_with = name
        self.view.overlay = None  # never the last document's comparison over this one
        self.view.viewport().update()
        if self.doc is None or name is None:
            self.compare_note.hide()
            return
        try:
            theirs = self.store.annotation_set(self.doc.id, name)
        except (NotFoundError, StoreError) as error:
            self.show_problem(str(error))
            return
        if theirs is None:
            # nothing to compare: marking every span of yours "only yours" would say they disagree (attack 15 #4)
            who = "The model has no pre-extraction" if name == MODEL_ANNOTATOR else f"{name} has no annotations"
            self._say_comparison(f"{who} on this document: nothing to compare. "
                                 "(View → Compare with… to compare with someone else.)")
            return
        self.view.overlay = VersionOverlay(name, theirs, self.view.offsets)
        self.view.viewport().update()
        self.update_comparison_counts()

    def update_comparison_counts(self) -> None:
        """Re-count the differences with the compared version (after opening a document, after each edit):
        the line above the article always holds the counts for what is shown."""
        if self.view.overlay is not None:
            self._say_comparison(self.view.overlay.summary(self.view.index, self.view.offsets.qt_length))

    def _say_comparison(self, text: str) -> None:
        self.compare_note.setText(text)
        self.compare_note.setToolTip(text)
        self.compare_note.show()
        self.statusBar().showMessage(text, 10000)

    def open_neighbour(self, direction: int) -> None:
        if self.doc is None:
            return
        row = self.doc_model.row_of(self.doc.id)
        if row is None:  # the open document left the list (a filter, F5): its neighbour by position, not the top
            target = self.doc_model.nearest(self.doc.id, direction)  # (attack 15b #11: Ctrl+PgDn opened the first)
        else:
            target = self.doc_model.id_at(row + direction)
        if target is None:
            self.statusBar().showMessage("No more documents in this list.", 4000)
            return
        self.open_document(target)

    def done_and_next(self) -> None:
        """Ctrl+Return: mark done, then open the next unfinished document of the list, wrapping round to the top."""
        if self.doc is not None and self.set_status(Status.DONE):
            target = self.doc_model.next_unfinished(self.doc.id)
            if target is None:
                self.statusBar().showMessage("Done: no unfinished documents left in this list.", 6000)
                return
            self.open_document(target)

    # -- edits -----------------------------------------------------------------------------------------------

    def push(self, command: cmd.EditCommand) -> bool:
        """Run an edit (one committed transaction) and put it on the undo stack; say so in the status bar."""
        refusal = edit_refusal(self.store)  # read-only, or cut off from the live WAL: never a false "Saved"
        if refusal:
            self.show_problem(refusal)
            return False
        took = self.borrowed
        try:
            if took:
                self._first_edit(command)
            else:
                command.apply()
        except (EditError, NotFoundError, StoreError, ValueError, sqlite3.Error) as error:  # any database error
            if took and not self.borrowed and self.store.annotation_set(self.doc.id, self.annotator) is None:
                self.open_document(self.doc.id)  # the copy was rolled back with the edit: show the model's again
            if isinstance(error, NotFoundError) and not took:
                # a row id means nothing to a person (attack 15b #5b: "no entity with id 2051"): say what happened
                # and show the document as it is now
                self.refresh_from_database()
                self.show_problem(gone_meanwhile(str(error)))
                return False
            self.show_problem(str(error))
            return False
        if command.isObsolete():
            return True
        self.undo_stack.push(command)
        return True

    def _first_edit(self, command: cmd.EditCommand) -> None:
        """The first edit on a borrowed set: the person's copy and the edit in ONE transaction (one commit, one
        fsync: the first edit after start-up stays under 16 ms, issue 15). An edit the ops refuse (EditError …)
        is rolled back alone, to its savepoint; the copy is kept, as a separate commit kept it before."""
        refused: Exception | None = None
        with self.store.transaction():
            self._take_own_set(command)
            try:
                command.apply()
            except (EditError, NotFoundError, ValueError) as error:
                refused = error
        if refused is not None:
            raise refused

    def _take_own_set(self, command: cmd.EditCommand) -> None:
        """The first edit on a borrowed (model) set: make the annotator's own copy, show it, aim the edit at it."""
        entity_ids, quote_ids = list(self.view.index.entities.by_id), list(self.view.index.quotes.by_id)
        selected_entity, selected_quote = self.view.selected_entity_id, self.view.selected_quote_id
        try:
            own, ids = take_own_set(self.store, self.doc.id, self.annotator, entity_ids, quote_ids)
        except EditError:
            self.open_document(self.doc.id)
            raise
        self.borrowed = False
        point_command_at_copies(command, ids)
        self.tags = list(own.tags)
        self.view.replace_spans(own.entities, own.quotes)
        self.view.select_entity(ids.entity(selected_entity))
        self.view.select_quote(ids.quote(selected_quote))

    def undo_from_log(self) -> None:
        """Ctrl+Z when this session has nothing left to undo: undo the annotator's most recent earlier edit of
        the open document, read from the edit log (core/edit_history.py); refused with a message if those rows
        changed since."""
        if self.doc is None or self.undo_stack.canUndo():
            return
        try:
            entry = next_step(self.store, self.doc.id, self.annotator)
            reason = blocker(self.store, entry, window_start=self.window_log_start) if entry else None
        except (NotFoundError, StoreError, sqlite3.Error) as error:
            self.show_problem(str(error), state="Not undone")
            return
        if entry is None or entry.id <= self.undo_barrier.get(self.doc.id, 0):
            self.statusBar().showMessage("Nothing earlier to undo on this document.", 6000)
            return
        if reason:
            self._stop_history(entry, reason)
            return
        command = cmd.LoggedEditCommand(self.store, self.notifier, doc_id=self.doc.id, annotator=self.annotator,
                                        entry=entry)
        self.undo_stack.push(command)  # shows "Undo … (earlier session)" for the moment it is there
        self.undo_stack.undo()  # obsolete once undone or refused: Qt drops it either way
        if command.failure:
            self.refresh_from_database()  # show the rows as they are now, then say why (the refresh resets the bar)
            self._stop_history(entry, command.failure)
            return
        # Ctrl+Shift+Z has nothing to redo after this (attack 15 #18: it was silent): say so while it matters
        self.statusBar().showMessage(f"Undid “{entry.description()}” from {entry.clock()} (an earlier session). "
                                     "That cannot be redone with Ctrl+Shift+Z: if it was a slip, make the edit "
                                     "again.", 10000)

    def _stop_history(self, entry, reason: str) -> None:
        """The earlier edit `entry` cannot be undone: say so once, naming it and why, and drop it and everything
        before it from this window's Ctrl+Z (the next press says there is nothing earlier), as Anki and INCEpTION
        drop an undo history that no longer applies — never the same refusal again and again (attack 15 #8)."""
        self.undo_barrier[entry.doc_id] = entry.id
        self.show_problem(f"can't undo “{entry.description()}” ({entry.clock()}) or anything before it: {reason}. "
                          "Ctrl+Z stops here.", state="Not undone")

    def _edit_context(self) -> tuple[int, str]:
        return self.doc.id, self.annotator

    PROBLEM_SHOWN_MS = 15000

    def show_problem(self, message: str, *, state: str = "Not saved") -> None:
        """Say that an edit (or an undo: `state` "Not undone") was refused: a short red state at the right of the
        status bar, the whole sentence in its tooltip and, for a while, in the status bar's message area (which
        has the room: a long sentence in the permanent label ran off the window's edge, attack 15 #8). It lasts
        until the next edit or the next document (attack 15 #13)."""
        red = readable("#c0392b", self.palette().color(QPalette.ColorRole.Window)).name()  # dark mode too
        self.save_label.setText(f"<span style='color:{red}'>{escape(state)}</span>")
        self.save_label.setToolTip(f"{state}: {message}")
        self.problem = message
        self.statusBar().showMessage(f"{state}: {message}", self.PROBLEM_SHOWN_MS)

    def show_saved_state(self, text: str | None = None) -> None:
        """The save state for what is shown now: `text` ("Saved 10:22:05"), else IDLE_SAVE_STATE (or "Read-only"); any
        earlier refusal is cleared (it was about another edit or another document)."""
        if self.store.readonly:
            self.save_label.setText("Read-only")
            return
        if cut := self.store.cut_off():  # still true on the next document: edits stay refused
            self.show_problem(f"{cut} — close and reopen the window")
            return
        self.problem = None
        self.save_label.setToolTip("")
        self.save_label.setText(text or IDLE_SAVE_STATE)

    def on_edited(self, change: cmd.Change) -> None:
        """Re-read what a command touched (it is committed) and repaint just that."""
        self.doc_model.refresh_document(change.doc_id)
        self.show_saved_state(f"Saved {time.strftime('%H:%M:%S')}")
        self.gc_pauses.edited()
        if self.doc is None or change.doc_id != self.doc.id:
            self.open_document(change.doc_id)  # undo/redo of an edit on another document: show it
            self.update_progress()
            return
        for entity_id in change.entities:
            try:
                entity = self.store.entity(entity_id)
                self.view.put_entity(entity)
            except NotFoundError:
                self.view.remove_entity(entity_id)
        for quote_id in change.quotes:
            try:
                self.view.put_quote(self.store.quote(quote_id))
            except NotFoundError:
                self.view.remove_quote(quote_id)
        if change.tags:
            self.reload_tags()
        if change.status:
            self.update_progress()
        self.refresh_panels()
        self.update_status_text()
        self.update_comparison_counts()

    def reload_tags(self) -> None:
        self.tags = self.store.tags(self.doc.id, self.annotator)

    def selection(self) -> tuple[int, int] | None:
        """The selected text in code points, snapped to words when snapping is on; None if nothing."""
        selected = self.view.selected_range()
        if selected is None or self.doc is None:
            return None
        start, end = snap_to_words(self.doc.text, *selected) if self.snap_action.isChecked() else selected
        return (start, end) if end > start else None

    # Edit verbs live in editing.EditActions; these one-line delegates keep the names menus, panels, tests and
    # tools call.
    def apply_label(self, label: str) -> None:
        self.edit_actions.apply_label(label)

    def delete_selected(self) -> None:
        self.edit_actions.delete_selected()

    def move_boundary(self, which: str, direction: int) -> None:
        self.edit_actions.move_boundary(which, direction)

    def on_span_resized(self, kind: str, span_id: int, start: int, end: int) -> None:
        self.edit_actions.on_span_resized(kind, span_id, start, end)

    def add_quote(self) -> None:
        self.edit_actions.add_quote()

    def set_quote_role(self, role: str) -> None:
        self.edit_actions.set_quote_role(role)

    def clear_quote_role(self, role: str) -> None:
        self.edit_actions.clear_quote_role(role)

    def set_speaker_name(self) -> None:
        self.edit_actions.set_speaker_name()

    def set_quote_type(self, qtype: QuoteType) -> None:
        self.edit_actions.set_quote_type(qtype)

    def delete_quote(self) -> None:
        self.edit_actions.delete_quote()

    def on_tag_toggled(self, kind: str, target_id, tag: str, present: bool) -> None:
        self.edit_actions.on_tag_toggled(kind, target_id, tag, present)

    def set_status(self, status: Status) -> bool:
        return self.edit_actions.set_status(status)

    # -- selection -------------------------------------------------------------------------------------------

    def on_entity_clicked(self, entity_id) -> None:
        self.entity_table.show_row(self.entity_model.row_of(entity_id))
        self.refresh_tags_panel()

    def on_quote_clicked(self, quote_id) -> None:
        self.quote_table.show_row(self.quote_model.row_of(quote_id))
        self.refresh_tags_panel()

    def select_entity(self, entity_id: int | None, *, scroll: bool = False) -> None:
        self.view.select_entity(entity_id, scroll=scroll)
        self.on_entity_clicked(entity_id)

    def select_quote(self, quote_id: int | None, *, scroll: bool = False) -> None:
        self.view.select_quote(quote_id, scroll=scroll)
        self.on_quote_clicked(quote_id)

    def pick_entity(self, entity_id: int) -> None:
        self.select_entity(entity_id, scroll=True)

    def pick_quote(self, quote_id: int) -> None:
        self.view.select_entity(None)
        self.select_quote(quote_id, scroll=True)

    def clear_selection(self) -> None:
        if self.view.drag is not None:  # Esc while dragging an edge: drop the drag, keep the selection
            self.view.cancel_edge_drag()
            return
        if self.find_bar.isVisible() and self.find_box.hasFocus():
            self.find_bar.close_bar()
            return
        self.view.clear_text_selection()
        self.select_entity(None)
        self.select_quote(None)

    def select_neighbour_entity(self, direction: int) -> None:
        spans = self.view.index.entities.ordered()
        if spans:
            self.select_entity(_neighbour(spans, self.view.selected_entity_id, self.view.textCursor().position(), direction), scroll=True)

    def select_neighbour_quote(self, direction: int) -> None:
        spans = self.view.index.quotes.ordered()
        if spans:
            self.select_quote(_neighbour(spans, self.view.selected_quote_id, self.view.textCursor().position(), direction), scroll=True)

    # -- panels and status -----------------------------------------------------------------------------------

    def refresh_panels(self) -> None:
        text = self.doc.text if self.doc else ""
        entities = [s.entity for s in self.view.index.entities.ordered()]
        quotes = [s.quote for s in self.view.index.quotes.ordered()]
        by_target: dict[tuple[TargetKind, int], list[str]] = {}
        for t in self.tags:
            if t.target_kind is not TargetKind.DOCUMENT:
                by_target.setdefault((t.target_kind, t.target_id), []).append(t.tag)
        owner = MODEL_ANNOTATOR if self.borrowed else self.annotator  # the Origin column names who changed a span
        self.entity_model.owner = self.quote_model.owner = owner
        self.entity_model.set_entities(text, entities, {i: v for (k, i), v in by_target.items() if k is TargetKind.ENTITY})
        self.quote_model.set_quotes(text, quotes, {i: v for (k, i), v in by_target.items() if k is TargetKind.QUOTE})
        self.entity_table.show_row(self.entity_model.row_of(self.view.selected_entity_id))
        self.quote_table.show_row(self.quote_model.row_of(self.view.selected_quote_id))
        self.docks["entities"].setWindowTitle(f"Entities ({len(entities)})")
        self.docks["quotes"].setWindowTitle(f"Quotes ({len(quotes)})")
        self.refresh_tags_panel()

    def refresh_tags_panel(self) -> None:
        target, title = None, ""
        text = self.doc.text if self.doc else ""
        if self.view.selected_entity_id is not None:
            e = self.view.index.entities.by_id[self.view.selected_entity_id].entity
            target, title = (TargetKind.ENTITY, e.id), f"{e.label} “{text[e.start:e.end][:40]}”"
        elif self.view.selected_quote_id is not None:
            q = self.view.index.quotes.by_id[self.view.selected_quote_id].quote
            target, title = (TargetKind.QUOTE, q.id), f"quote “{text[q.start:q.end][:40]}…”"
        span_tags = [t.tag for t in self.tags if target and t.target_kind is target[0] and t.target_id == target[1]]
        self.tags_panel.show_tags(
            document_set=self.store.tag_set("document"),
            document_tags=[t.tag for t in self.tags if t.target_kind is TargetKind.DOCUMENT],
            span_set=self.store.tag_set("span"), target=target, target_title=title, span_tags=span_tags,
        )

    def update_progress(self) -> None:
        done, total = self.store.progress(self.annotator)
        self.progress_label.setText(f"Progress: {done} / {total} done")

    def update_status_text(self) -> None:
        if self.doc is None:
            return
        status = self.store.status(self.doc.id, self.annotator).value.replace("_", " ")
        self.statusBar().showMessage(f"Document {self.doc.id}: {status}")

    # -- other actions ---------------------------------------------------------------------------------------

    def toggle_snapping(self) -> None:
        self.settings.setValue("snap", self.snap_action.isChecked())
        self.view.snapping = self.snap_action.isChecked()
        self.statusBar().showMessage(f"Snapping to words {'on' if self.snap_action.isChecked() else 'off'}", 3000)

    def show_find(self) -> None:
        self.find_bar.open()

    def find_next(self, *, backward: bool = False) -> bool:
        return self.find_bar.find_next(backward=backward)

    def _say_not_found(self, needle: str) -> None:
        self.statusBar().showMessage(f"“{needle}” not found", 3000)

    def focus_dock(self, name: str, widget: QWidget) -> None:
        self.docks[name].show()
        self.docks[name].raise_()
        widget.setFocus()

    def focus_tags(self) -> None:
        self.focus_dock("tags", self.tags_panel.span_list if self.tags_panel.span_list.isEnabled() else self.tags_panel.document_list)

    def tag_target(self) -> tuple[TargetKind, int | None, str]:
        """What T tags: the selected entity, else the selected quote, else the document — with a title."""
        text = self.doc.text if self.doc else ""
        if self.view.selected_entity_id is not None:
            e = self.view.index.entities.by_id[self.view.selected_entity_id].entity
            return TargetKind.ENTITY, e.id, f"Tag {e.label} “{_clip(text[e.start:e.end])}”"
        if self.view.selected_quote_id is not None:
            q = self.view.index.quotes.by_id[self.view.selected_quote_id].quote
            return TargetKind.QUOTE, q.id, f"Tag quote “{_clip(text[q.start:q.end])}”"
        return TargetKind.DOCUMENT, None, "Tag the document"

    def quick_tag(self, *, document: bool = False) -> None:
        """T: a filterable popup of the tag set by the selection (Ctrl+T, `document`: the document's tags); Enter
        toggles a tag through TagCommand."""
        if self.doc is None:
            return
        kind, target_id, title = (TargetKind.DOCUMENT, None, "Tag the document") if document else self.tag_target()
        present = [t.tag for t in self.tags if t.target_kind is kind and (kind is TargetKind.DOCUMENT or t.target_id == target_id)]
        tag_set = self.store.tag_set("document" if kind is TargetKind.DOCUMENT else "span")
        picker = TagPickDialog(tag_set, present, title, self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.toggled.connect(lambda tag, on: self.on_tag_toggled(kind.value, target_id, tag, on))
        picker.finished.connect(lambda _result: self._tag_picker_closed(picker))
        self.tag_picker = picker
        anchor = self._tag_anchor(kind, target_id)
        picker.move(anchor)
        picker.show()
        picker.filter.setFocus()

    def _tag_picker_closed(self, picker: TagPickDialog) -> None:
        if self.tag_picker is picker:
            self.tag_picker = None
        self.view.setFocus()  # back to the article, so the next key is a shortcut again

    def _tag_anchor(self, kind: TargetKind, target_id: int | None):
        """Where the popup opens: under the selected span if it is on screen, else at the article's top left."""
        if kind is TargetKind.ENTITY:
            span = self.view.index.entities.by_id[target_id]
        elif kind is TargetKind.QUOTE:
            span = self.view.index.quotes.by_id[target_id]
        else:
            span = None
        rects = self.view.range_rects(span.start, span.end) if span is not None else []
        viewport = self.view.viewport()
        if rects and viewport.rect().contains(rects[0].bottomLeft().toPoint()):
            return viewport.mapToGlobal(rects[0].bottomLeft().toPoint() + QPoint(0, 16))
        return viewport.mapToGlobal(QPoint(24, 8))

    def pick_label(self) -> None:
        """L: the type-ahead label picker (label_picker.py) for the text selection or the selected entity; Enter
        applies the label as its number key would (labels past the ninth have none)."""
        if self.doc is None:
            return
        if self.selection() is None and self.view.selected_entity_id is None:
            self.edit_actions.hint("Select some text (or an entity) first, then press L and type a label.")
            return
        from annotator.gui.label_picker import LabelPickDialog

        title = "Label the selection" if self.selection() is not None else "Relabel the entity"
        picker = LabelPickDialog(self.store.labels(), title, self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.picked.connect(self.apply_label)
        picker.finished.connect(lambda _result: self._label_picker_closed(picker))
        self.label_picker = picker
        cursor = self.view.textCursor()
        if cursor.hasSelection():  # under the selected text when it is on screen
            rects = self.view.range_rects(cursor.selectionStart(), cursor.selectionEnd())
            viewport = self.view.viewport()
            on_screen = rects and viewport.rect().contains(rects[0].bottomLeft().toPoint())
            picker.move(viewport.mapToGlobal(rects[0].bottomLeft().toPoint() + QPoint(0, 16)) if on_screen
                        else viewport.mapToGlobal(QPoint(24, 8)))
        else:
            picker.move(self._tag_anchor(TargetKind.ENTITY, self.view.selected_entity_id))
        picker.show()
        picker.filter.setFocus()

    def _label_picker_closed(self, picker) -> None:
        if getattr(self, "label_picker", None) is picker:
            self.label_picker = None
        self.view.setFocus()

    def quick_tag_document(self) -> None:
        self.quick_tag(document=True)

    def edit_title(self) -> None:
        """Document → Edit title…: give the open document its real headline (written at once, for everyone)."""
        if self.doc is None:
            return
        title = TitleDialog.ask(self, self.doc.title)
        if title is None or title == self.doc.title:
            return
        if not title:  # only spaces: refused in words, as `annotator title` does (attack 15b #13: silently kept)
            self.show_problem("a title cannot be empty; the title is unchanged")
            return
        try:
            self.store.set_title(self.doc.id, title)
            self.doc = self.store.document(self.doc.id)
        except (NotFoundError, StoreError, ValueError) as error:
            self.show_problem(str(error))
            return
        self.doc_title.setText(self.doc.title)
        self.doc_model.refresh_document(self.doc.id)
        self.statusBar().showMessage("Title saved.", 4000)

    def focus_document_tags(self) -> None:
        self.focus_dock("tags", self.tags_panel.document_list)

    def edit_tag_set(self) -> None:
        refusal = edit_refusal(self.store)
        if refusal:
            self.show_problem(refusal)
            return
        TagSetDialog(self.store, self).exec()
        self.refresh_tags_panel()

    def change_annotator(self) -> None:
        name = AnnotatorNameDialog.ask(self, self.annotator)
        if not name or name == self.annotator:
            return
        if problem := annotator_name_problem(name):  # the dialog asks again already; a patched one may not
            self.show_problem(problem)
            QMessageBox.warning(self, "Change annotator", problem)
            return
        self.annotator = name  # no annotator row yet: written with the first edit (attack 15b #16: switching to
        self.settings.setValue("annotator", name)  # a name made it a choice in Export with no work done)
        self.show_annotator()
        self.undo_stack.clear()
        self.doc_model.set_annotator(name)
        self.update_progress()
        if self.doc is not None:
            self.open_document(self.doc.id)

    def show_help(self) -> None:
        rows = []
        for menu_action in self.menuBar().actions():
            rows.extend(shortcut_rows(menu_action.menu(), strip_mnemonic(menu_action.text())))
        HelpDialog(rows, self).exec()

    def import_articles(self, paths: list[str] | None = None) -> None:
        """Ask for .txt/.jsonl files (or use `paths`), then ingest + pre-extract them in a worker thread."""
        if self.import_thread is not None:
            return
        if not paths:
            paths = file_dialogs.open_file_names(self, "Import articles", "", "Articles (*.txt *.jsonl);;All files (*)")
        if not paths:
            return
        worker = ImportWorker(self.store.path, paths)
        self.start_import(worker)

    def import_folder(self, folder: str | None = None) -> None:
        """Ask for a folder (or use `folder`) and import its .txt articles (sub-folders too) like files."""
        if self.import_thread is not None:
            return
        if not folder:
            folder = file_dialogs.existing_directory(self, "Import a folder of articles (.txt)")
        if folder:
            self.start_import(ImportWorker(self.store.path, [folder]))

    def import_annotations(self) -> None:
        """File → Import annotations… (JSONL / Prodigy / doccano) through the exchange dialog, then show the
        result: the import may have replaced sets, labels and documents behind this window."""
        report = ImportDialog.run(self, self.store.path)
        if report is not None:
            self.reload_after_import()

    def export_annotations(self) -> None:
        """File → Export… (it only reads the database, so nothing here needs re-reading afterwards)."""
        ExportDialog.run(self, self.store.path, self.annotator)

    def open_review(self) -> None:
        """View → Review mode: every annotator's version of each document, agreement, and the gold set, in a
        window of its own (its own Store connection). This window re-reads the database when it closes."""
        from annotator.gui.review_window import ReviewWindow

        if getattr(self, "review_window", None) is not None and self.review_window.isVisible():
            self.review_window.raise_()
            self.review_window.activateWindow()
            return
        self.review_window = ReviewWindow(self.store.path, self.annotator)
        self.review_window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.review_window.destroyed.connect(self.reload_after_review)
        self.review_window.show()

    def reload_after_review(self) -> None:
        self.review_window = None
        self.reload_after_import()

    WATCH_INTERVAL_MS = 2000

    def watch_database(self) -> None:
        """Poll (cheaply) for commits by other windows or the command line, and show them when they come."""
        self.watcher = DatabaseWatcher(self.store, self.WATCH_INTERVAL_MS, self)
        self.watcher.changed.connect(self._show_changes_made_elsewhere)
        self.watcher.cut_off.connect(self._show_cut_off)
        self.watch_timer = self.watcher.timer
        self.watcher.start()

    def refresh_if_changed_elsewhere(self) -> None:
        self.watcher.poll()

    def _show_cut_off(self, reason: str) -> None:
        """The watcher found this window cut off from the live WAL: say so (once) and refuse edits from now on."""
        self.show_problem(f"{reason} — close and reopen the window")
        show_banner(self, f"Cut off: {reason}. Edits are refused; close and reopen the window.")

    def _show_changes_made_elsewhere(self) -> None:
        self.refresh_from_database()
        self.statusBar().showMessage("Updated with changes saved by another window or command.", 4000)

    def refresh_from_database(self) -> None:
        """Re-read what another connection may have changed (labels, list, progress, the open document),
        keeping the undo history and where the article is scrolled to."""
        scroll = self.view.verticalScrollBar().value()
        selected_entity, selected_quote = self.view.selected_entity_id, self.view.selected_quote_id
        self.refresh_labels()
        self.doc_model.reload()
        self.update_progress()
        if self.doc is not None:
            self.open_document(self.doc.id)
            self.view.verticalScrollBar().setValue(scroll)
            if selected_entity in self.view.index.entities.by_id:
                self.select_entity(selected_entity)
            elif selected_quote in self.view.index.quotes.by_id:
                self.select_quote(selected_quote)

    def on_undo_failed(self, message: str) -> None:
        """An undo/redo met rows another window changed: say so, show the database as it is, and drop the undo
        history (its later steps may depend on the one that failed)."""
        self.show_problem(message, state="Not redone" if message.startswith("can't redo") else "Not undone")
        QTimer.singleShot(0, self.undo_stack.clear)
        QTimer.singleShot(0, self.refresh_from_database)

    def reload_after_import(self) -> None:
        """Re-read everything another connection may have changed: labels, the list, progress, the open
        document. The undo stack is cleared: its commands point at rows an import may have replaced."""
        self.undo_stack.clear()
        self.refresh_labels()
        self.doc_model.reload()
        self.update_progress()
        if self.doc is not None:
            self.open_document(self.doc.id)
        elif (first := self.doc_model.id_at(0)) is not None:
            self.open_document(first)

    def start_import(self, worker: ImportWorker) -> None:
        """Run the worker in its thread behind a cancellable progress dialog (gui/background.py: its signals
        reach this window only through the run, in the GUI thread)."""
        run = BackgroundRun(self, worker, title="Importing articles…")
        run.done.connect(self._import_run_done)
        self.import_run = run
        self.import_worker = worker
        self.import_thread = run.worker_thread
        run.start()

    @Slot()
    def _import_run_done(self) -> None:
        run = self.import_run
        self._import_done(run.result if run is not None else None, run.error if run is not None else None)

    def _import_done(self, report, error: str | None) -> None:
        self.import_run = None
        self.import_thread = None
        self.import_worker = None
        # the import's commits (from its own connection) are this window's: take them in now, so the watcher
        # does not report them as "changes saved by another window" over the import's summary
        self.store.changed_elsewhere()
        self.doc_model.reload()
        self.update_progress()
        if error:
            QMessageBox.warning(self, "Import failed", plain(error))
            return
        self.statusBar().showMessage(f"Import: {report.summary()}", 8000)
        if self.doc is None and (first := self.doc_model.id_at(0)) is not None:
            self.open_document(first)


def _neighbour(spans, current_id, cursor_position: int, direction: int) -> int:
    ids = [s.id for s in spans]
    if current_id in ids:
        return ids[(ids.index(current_id) + direction) % len(ids)]
    after = [s.id for s in spans if s.start >= cursor_position]
    return (after[0] if after else ids[0]) if direction > 0 else ([s.id for s in spans if s.start < cursor_position] or ids)[-1]


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
