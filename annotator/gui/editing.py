"""The annotation window's edits: `EditSession` builds each undo command with its context bound (store, notifier,
open document, annotator), and `EditActions` turns the selection into those commands (what the edit keys do).

Nothing here touches the store directly: every edit is one QUndoCommand (commands.py) pushed through the window's
`push`, which runs it (one committed transaction) and puts it on the undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from annotator.core.model import Quote, QuoteType, Status, TargetKind, TextRange
from annotator.core.store import Store
from annotator.gui import commands as cmd
from annotator.gui.dialogs import SpeakerNameDialog
from annotator.gui.snapping import step

QUOTE_MARKS = "\"“”„«»‘’'‹›"


def guess_quote_type(text: str, start: int) -> QuoteType:
    """A new quote is direct when its text starts at, or just after, a quotation mark (QUOTE_MARKS); indirect
    otherwise. `start` is in code points."""
    direct = text[start] in QUOTE_MARKS or (start > 0 and text[start - 1] in QUOTE_MARKS)
    return QuoteType.DIRECT if direct else QuoteType.INDIRECT


class EditSession:
    """Builds the window's undo commands with the context already bound: `edits.add_entity(start, end, label)`
    instead of `cmd.AddEntityCommand(store, notifier, doc_id=..., annotator=..., ...)`. `context()` returns the
    open document's id and the annotator at the moment a command is built (both change while the window lives).
    Offsets are code points."""

    def __init__(self, store: Store, notifier: cmd.EditNotifier, context: Callable[[], tuple[int, str]]):
        self.store = store
        self.notifier = notifier
        self.context = context

    def _bound(self) -> dict:
        doc_id, annotator = self.context()
        return {"doc_id": doc_id, "annotator": annotator}

    def add_entity(self, start: int, end: int, label: str, *, replace_overlapping: bool = False) -> cmd.AddEntityCommand:
        return cmd.AddEntityCommand(self.store, self.notifier, **self._bound(), start=start, end=end, label=label,
                                    replace_overlapping=replace_overlapping)

    def relabel_entity(self, entity_id: int, label: str) -> cmd.RelabelEntityCommand:
        return cmd.RelabelEntityCommand(self.store, self.notifier, **self._bound(), entity_id=entity_id, label=label)

    def resize_entity(self, entity_id: int, start: int, end: int) -> cmd.ResizeEntityCommand:
        return cmd.ResizeEntityCommand(self.store, self.notifier, **self._bound(), entity_id=entity_id, start=start,
                                       end=end)

    def delete_entity(self, entity_id: int) -> cmd.DeleteEntityCommand:
        return cmd.DeleteEntityCommand(self.store, self.notifier, **self._bound(), entity_id=entity_id)

    def add_quote(self, start: int, end: int, type: QuoteType) -> cmd.AddQuoteCommand:
        return cmd.AddQuoteCommand(self.store, self.notifier, **self._bound(), start=start, end=end, type=type)

    def update_quote(self, text: str, quote_id: int, **changes) -> cmd.UpdateQuoteCommand:
        """`text` is the undo entry's text ("Set speaker"); `changes` are ops.update_quote's keyword arguments."""
        return cmd.UpdateQuoteCommand(text, self.store, self.notifier, **self._bound(), quote_id=quote_id, **changes)

    def delete_quote(self, quote_id: int) -> cmd.DeleteQuoteCommand:
        return cmd.DeleteQuoteCommand(self.store, self.notifier, **self._bound(), quote_id=quote_id)

    def tag(self, kind: TargetKind, target_id: int | None, tag: str, present: bool) -> cmd.TagCommand:
        return cmd.TagCommand(self.store, self.notifier, **self._bound(), tag=tag, present=present, target_kind=kind,
                              target_id=target_id)

    def set_status(self, status: Status) -> cmd.SetStatusCommand:
        return cmd.SetStatusCommand(self.store, self.notifier, **self._bound(), status=status)


class EditActions:
    """What the edit keys do with the current selection (Anki's Reviewer/Editor shape: a plain controller holding
    the window). Each verb builds one command through the session and pushes it through the window; with no
    document open it does nothing, with no fitting selection it says what to select in the status bar."""

    def __init__(self, window, session: EditSession):
        """`window`: the MainWindow (not imported here: main_window imports this module) — its view, doc,
        selection(), snap_action, push(), select_entity/select_quote and statusBar() are used."""
        self.window = window
        self.session = session

    @property
    def view(self):
        return self.window.view

    def hint(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 4000)

    def apply_label(self, label: str) -> None:
        window = self.window
        if window.doc is None:
            return
        selected = window.selection()
        if selected is not None:
            command = self.session.add_entity(*selected, label=label, replace_overlapping=True)
            if window.push(command):
                self.view.clear_text_selection()
                if command.entity is not None:
                    window.select_entity(command.entity.id)
        elif self.view.selected_entity_id is not None:
            window.push(self.session.relabel_entity(self.view.selected_entity_id, label))
        else:
            self.hint("Select some text (or an entity) first.")

    def delete_selected(self) -> None:
        if self.window.doc is None:
            return
        if self.view.selected_entity_id is not None:
            self.window.push(self.session.delete_entity(self.view.selected_entity_id))
        elif self.view.selected_quote_id is not None:
            self.delete_quote()

    def move_boundary(self, which: str, direction: int) -> None:
        """Move the selected entity's (else quote's) start or end by a word (a character with snapping off)."""
        window = self.window
        if window.doc is None:
            return
        by_word = window.snap_action.isChecked()
        if self.view.selected_entity_id is not None:
            span = self.view.index.entities.by_id[self.view.selected_entity_id].entity
        elif self.view.selected_quote_id is not None:
            span = self.view.index.quotes.by_id[self.view.selected_quote_id].quote
        else:
            self.hint("Select an entity or a quote first.")
            return
        start, end = span.start, span.end
        if which == "start":
            start = step(window.doc.text, start, direction, edge="start", by_word=by_word)
        else:
            end = step(window.doc.text, end, direction, edge="end", by_word=by_word)
        if end <= start or (start, end) == (span.start, span.end):
            return
        self.on_span_resized("entity" if self.view.selected_entity_id is not None else "quote", span.id, start, end)

    def on_span_resized(self, kind: str, span_id: int, start: int, end: int) -> None:
        """An edge of the selected entity or quote was moved (dragged, or by keys): one undoable edit."""
        if self.window.doc is None:
            return
        if kind == "entity":
            self.window.push(self.session.resize_entity(span_id, start, end))
        else:
            self.window.push(self.session.update_quote("Resize quote", span_id, start=start, end=end))

    def add_quote(self) -> None:
        window = self.window
        selected = window.selection()
        if window.doc is None or selected is None:
            self.hint("Select the quote's text first.")
            return
        start, end = selected
        command = self.session.add_quote(start, end, guess_quote_type(window.doc.text, start))
        if window.push(command):
            self.view.clear_text_selection()
            window.select_quote(command.quote.id)

    def _role_range(self) -> tuple[int, int] | None:
        selected = self.window.selection()
        if selected is not None:
            return selected
        if self.view.selected_entity_id is not None:
            e = self.view.index.entities.by_id[self.view.selected_entity_id].entity
            return e.start, e.end
        return None

    def set_quote_role(self, role: str) -> None:
        """Make the selected text (or the selected entity) the selected quote's speaker or cue."""
        window = self.window
        if window.doc is None or self.view.selected_quote_id is None:
            self.hint("Select a quote first (click it, or pick it in the Quotes panel).")
            return
        picked = self._role_range()
        if picked is None:
            self.hint(f"Select the {role}'s text or click an entity first.")
            return
        if role == "speaker":
            changes = cmd.speaker_changes(window.doc.text, *picked, [s.entity for s in self.view.index.entities.ordered()],
                                          [s.quote for s in self.view.index.quotes.ordered()],
                                          editing=self.view.selected_quote_id)
        else:
            changes = {"cue": TextRange(*picked)}
        if window.push(self.session.update_quote(f"Set {role}", self.view.selected_quote_id, **changes)):
            self.view.clear_text_selection()

    def clear_quote_role(self, role: str) -> None:
        if self.window.doc is None or self.view.selected_quote_id is None:
            return
        changes = {"speaker": None, "speaker_name": None} if role == "speaker" else {"cue": None}
        self.window.push(self.session.update_quote(f"Clear {role}", self.view.selected_quote_id, **changes))

    def set_speaker_name(self) -> None:
        quote = self.selected_quote()
        if quote is None:
            return
        name = SpeakerNameDialog.ask(self.window, quote.speaker_name or "")
        if name is not None:
            self.window.push(self.session.update_quote("Set speaker name", quote.id, speaker_name=name or None))

    def set_quote_type(self, qtype: QuoteType) -> None:
        quote = self.selected_quote()
        if quote is not None and quote.type != qtype:
            self.window.push(self.session.update_quote(f"Set type {qtype.value}", quote.id, type=qtype))

    def delete_quote(self) -> None:
        quote = self.selected_quote()
        if quote is not None:
            self.window.push(self.session.delete_quote(quote.id))

    def selected_quote(self) -> Quote | None:
        if self.window.doc is None or self.view.selected_quote_id is None:
            self.hint("Select a quote first.")
            return None
        return self.view.index.quotes.by_id[self.view.selected_quote_id].quote

    def on_tag_toggled(self, kind: str, target_id, tag: str, present: bool) -> None:
        if self.window.doc is None:
            return
        self.window.push(self.session.tag(TargetKind(kind), target_id, tag, present))

    def set_status(self, status: Status) -> bool:
        if self.window.doc is None:
            return False
        return self.window.push(self.session.set_status(status))
