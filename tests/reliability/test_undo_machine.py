"""Undo across saves: random sequences of edits, undos and redos through the window's real QUndoCommands on a
real QUndoStack always leave the database (read through a second connection, i.e. what is saved) equal to a
model of what the user sees. Every edit is committed when it returns, so each undo and redo acts on saved data."""

from __future__ import annotations

import copy
import os
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from PySide6.QtGui import QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.core import ops  # noqa: E402
from annotator.core.model import Document, QuoteType, Status, TargetKind, TextRange  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.gui import commands  # noqa: E402

TEXT = "Zoë\u0301 said «we 👩\u200d💻 won»\r\nin תל אביב\tand 🇫🇷 Paris; <b>Mayor</b> said '); DROP TABLE x;--\r."
LABELS = ["PER", "ORG", "<b>x</b>", "'); DROP TABLE entities;--", " GPE "]
TAGS = ["check", "<i>t</i>", "a'b", "two  spaces"]  # edge spaces are refused in names (issue 17)
ANN = "ann"

positions = st.integers(0, len(TEXT) - 1)
lengths = st.integers(1, 8)


def visible(start: int, end: int) -> bool:
    """The model's rule (issue 17): an entity holds a character that is not whitespace, control or format, and
    not a combining mark alone (it has nothing to sit on)."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf", "Zs", "Zl", "Zp")
               and not unicodedata.category(c).startswith("M") for c in TEXT[start:end])


def span(start: int, length: int) -> tuple[int, int]:
    return start, min(len(TEXT), start + length)


class UndoMachine(RuleBasedStateMachine):
    @initialize()
    def open_database(self):
        QApplication.instance() or QApplication([])
        self.folder = tempfile.TemporaryDirectory()
        path = Path(self.folder.name) / "undo.db"
        self.store = Store(path)
        self.reader = Store(path)  # a second connection: what is on disk
        self.doc_id, _ = self.store.add_document(Document(text=TEXT))
        self.store.ensure_annotation_set(self.doc_id, ANN, start_from=None)
        self.stack = QUndoStack()
        self.notifier = commands.EditNotifier()
        self.state = {"entities": {}, "quotes": {}, "tags": set(), "status": "new"}
        self.history: list[tuple[bool, dict, dict]] = []  # (is a status command, state before, state after)
        self.index = 0

    def teardown(self):
        if hasattr(self, "store"):
            self.stack.clear()
            self.store.close()
            self.reader.close()
            self.folder.cleanup()

    # -- the model -----------------------------------------------------------------------------------------

    def touched(self, state):
        new = copy.deepcopy(state)
        if new["status"] == "new":
            new["status"] = "in_progress"
        return new

    def push(self, command, expected, *, status_command=False):
        """Apply like the window does (apply, then push); `expected` None means the edit must be refused."""
        try:
            command.apply()
        except ops.EditError:
            assert expected is None, "an edit the model allows was refused"
            return None
        assert expected is not None, "an edit the model refuses was made"
        before = self.state
        obsolete = command.isObsolete()
        self.stack.push(command)
        del self.history[self.index :]  # QUndoStack drops the redo tail on every push, even an obsolete one
        if obsolete:
            return command
        self.history.append((status_command, before, expected))
        self.index += 1
        self.state = expected
        return command

    def sorted_ids(self, kind):
        return sorted(self.state[kind])

    # -- edits ---------------------------------------------------------------------------------------------

    @rule(start=positions, length=lengths, label=st.sampled_from(LABELS), replace=st.booleans())
    def add_entity(self, start, length, label, replace):
        start, end = span(start, length)
        clashes = {i for i, (s, e, _) in self.state["entities"].items() if s < end and e > start}
        expected = None
        if (replace or not clashes) and visible(start, end):  # an entity needs a visible character
            expected = self.touched(self.state)
            for i in clashes:
                del expected["entities"][i]
            expected["tags"] = {t for t in expected["tags"] if not (t[0] == "entity" and t[1] in clashes)}
        command = commands.AddEntityCommand(
            self.store, self.notifier, doc_id=self.doc_id, annotator=ANN, start=start, end=end, label=label,
            replace_overlapping=replace,
        )
        if self.push(command, expected) is not None:
            expected["entities"][command.entity.id] = (start, end, label.strip())

    @precondition(lambda self: self.state["entities"])
    @rule(pick=st.integers(0, 100), label=st.sampled_from(LABELS))
    def relabel_entity(self, pick, label):
        entity_id = self.sorted_ids("entities")[pick % len(self.state["entities"])]
        expected = self.touched(self.state)
        s, e, _ = expected["entities"][entity_id]
        expected["entities"][entity_id] = (s, e, label.strip())
        self.push(commands.RelabelEntityCommand(self.store, self.notifier, doc_id=self.doc_id, annotator=ANN,
                                                entity_id=entity_id, label=label), expected)

    @precondition(lambda self: self.state["entities"])
    @rule(pick=st.integers(0, 100), start=positions, length=lengths)
    def resize_entity(self, pick, start, length):
        entity_id = self.sorted_ids("entities")[pick % len(self.state["entities"])]
        start, end = span(start, length)
        others = [(s, e) for i, (s, e, _) in self.state["entities"].items() if i != entity_id]
        expected = None
        if not any(s < end and e > start for s, e in others) and visible(start, end):
            expected = self.touched(self.state)
            expected["entities"][entity_id] = (start, end, expected["entities"][entity_id][2])
        self.push(commands.ResizeEntityCommand(self.store, self.notifier, doc_id=self.doc_id, annotator=ANN,
                                               entity_id=entity_id, start=start, end=end), expected)

    @precondition(lambda self: self.state["entities"])
    @rule(pick=st.integers(0, 100))
    def delete_entity(self, pick):
        entity_id = self.sorted_ids("entities")[pick % len(self.state["entities"])]
        expected = self.touched(self.state)
        del expected["entities"][entity_id]
        expected["tags"] = {t for t in expected["tags"] if not (t[0] == "entity" and t[1] == entity_id)}
        self.push(commands.DeleteEntityCommand(self.store, self.notifier, doc_id=self.doc_id, annotator=ANN,
                                               entity_id=entity_id), expected)

    @rule(start=positions, length=st.integers(1, 30), kind=st.sampled_from(list(QuoteType)))
    def add_quote(self, start, length, kind):
        start, end = span(start, length)
        expected = self.touched(self.state) if visible(start, end) else None  # a quote needs one too (issue 17)
        command = commands.AddQuoteCommand(self.store, self.notifier, doc_id=self.doc_id, annotator=ANN,
                                           start=start, end=end, type=kind)
        if self.push(command, expected) is not None:
            expected["quotes"][command.quote.id] = (start, end, kind.value, None, None)

    @precondition(lambda self: self.state["quotes"])
    @rule(pick=st.integers(0, 100), kind=st.sampled_from(list(QuoteType)), speaker=st.one_of(st.none(), positions),
          name=st.sampled_from([None, "Zoë", "<b>Mayor</b>", "'); DROP TABLE quotes;--"]))
    def update_quote(self, pick, kind, speaker, name):
        quote_id = self.sorted_ids("quotes")[pick % len(self.state["quotes"])]
        speaker_range = TextRange(*span(speaker, 3)) if speaker is not None else None
        expected = self.touched(self.state)
        s, e, *_ = expected["quotes"][quote_id]
        expected["quotes"][quote_id] = (
            s, e, kind.value, (speaker_range.start, speaker_range.end) if speaker_range else None, name
        )
        if speaker_range and not visible(speaker_range.start, speaker_range.end):
            expected = None  # a speaker needs a visible character (issue 17)
        self.push(commands.UpdateQuoteCommand("Edit quote", self.store, self.notifier, doc_id=self.doc_id,
                                              annotator=ANN, quote_id=quote_id, type=kind, speaker=speaker_range,
                                              speaker_name=name), expected)

    @precondition(lambda self: self.state["quotes"])
    @rule(pick=st.integers(0, 100))
    def delete_quote(self, pick):
        quote_id = self.sorted_ids("quotes")[pick % len(self.state["quotes"])]
        expected = self.touched(self.state)
        del expected["quotes"][quote_id]
        expected["tags"] = {t for t in expected["tags"] if not (t[0] == "quote" and t[1] == quote_id)}
        self.push(commands.DeleteQuoteCommand(self.store, self.notifier, doc_id=self.doc_id, annotator=ANN,
                                              quote_id=quote_id), expected)

    @rule(kind=st.sampled_from(list(TargetKind)), pick=st.integers(0, 100), tag=st.sampled_from(TAGS),
          present=st.booleans())
    def tag(self, kind, pick, tag, present):
        target_id = None
        if kind is not TargetKind.DOCUMENT:
            pool = self.sorted_ids("entities" if kind is TargetKind.ENTITY else "quotes")
            if not pool:
                return
            target_id = pool[pick % len(pool)]
        key = (kind.value, target_id or 0, tag.strip())
        changes = (key not in self.state["tags"]) if present else (key in self.state["tags"])
        expected = self.touched(self.state) if changes else copy.deepcopy(self.state)
        if present:
            expected["tags"].add(key)
        else:
            expected["tags"].discard(key)
        self.push(commands.TagCommand(self.store, self.notifier, doc_id=self.doc_id, annotator=ANN, tag=tag,
                                      present=present, target_kind=kind, target_id=target_id), expected)

    @rule(status=st.sampled_from(list(Status)))
    def set_status(self, status):
        expected = copy.deepcopy(self.state)
        expected["status"] = status.value
        self.push(commands.SetStatusCommand(self.store, self.notifier, doc_id=self.doc_id, annotator=ANN,
                                            status=status), expected, status_command=True)

    # -- undo and redo -------------------------------------------------------------------------------------

    @precondition(lambda self: self.index > 0)
    @rule()
    def undo(self):
        self.stack.undo()
        self.index -= 1
        status_command, before, _ = self.history[self.index]
        restored = copy.deepcopy(before)
        restored["status"] = before["status"] if status_command else self.touched(self.state)["status"]
        self.state = restored

    @precondition(lambda self: self.index < len(self.history))
    @rule()
    def redo(self):
        self.stack.redo()
        status_command, _, after = self.history[self.index]
        self.index += 1
        redone = copy.deepcopy(after)
        redone["status"] = after["status"] if status_command else self.touched(self.state)["status"]
        self.state = redone

    # -- what is saved equals what the user sees -----------------------------------------------------------

    @invariant()
    def saved_equals_model(self):
        if not hasattr(self, "store"):
            return
        aset = self.reader.annotation_set(self.doc_id, ANN)
        saved = {
            "entities": {e.id: (e.start, e.end, e.label) for e in aset.entities},
            "quotes": {
                q.id: (q.start, q.end, q.type.value, (q.speaker.start, q.speaker.end) if q.speaker else None,
                       q.speaker_name)
                for q in aset.quotes
            },
            "tags": {(t.target_kind.value, t.target_id or 0, t.tag) for t in aset.tags},
            "status": aset.status.value,
        }
        assert saved == self.state
        assert self.stack.index() == self.index and self.stack.count() == len(self.history)


UndoMachine.TestCase.settings = settings(  # UNDO_EXAMPLES=1000 for a longer hunt
    max_examples=int(os.environ.get("UNDO_EXAMPLES", "30")), stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestUndoAcrossSaves = UndoMachine.TestCase
