"""Undoable review decisions: one QUndoCommand per decision, calling annotator.review.adjudication.

Like the editor's commands, the window calls `apply()` before pushing (so a decision that cannot be made
raises instead of landing on the stack) and the push's first `redo()` is skipped. Commands never touch
widgets: the window refreshes on the stack's `indexChanged`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.review.adjudication import Applied, Review


class ReviewDecisionCommand(QUndoCommand):
    """Do a decision (`decide()` returns the `Applied` the core wrote); undo takes it back; redo decides again."""

    def __init__(self, text: str, review: Review, decide: Callable[[], Applied]):
        super().__init__(text)
        self.review = review
        self.decide = decide
        self.applied: Applied | None = None
        self._skip_redo = False

    def apply(self) -> None:
        self.applied = self.decide()
        self._skip_redo = True

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.applied = self.decide()

    def undo(self) -> None:
        if self.applied is not None:
            self.review.undo(self.applied)
            self.applied = None
