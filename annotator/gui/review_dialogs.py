"""Dialogs of review mode: edit an entity or a quote before it goes into the gold set.

Each has a class method `ask(...)` returning the new values or None; tests monkeypatch `ask`."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from annotator.core.model import QuoteType, TextRange
from annotator.gui.plain import plain_label
from annotator.gui.screen_fit import FitsScreen


def _spin(value: int, maximum: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, maximum)
    box.setValue(value)
    return box


class EntityEditDialog(FitsScreen, QDialog):
    def __init__(self, text: str, start: int, end: int, label: str, labels: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Edit entity for gold")
        self.text = text
        form = QFormLayout(self)
        self.start = _spin(start, len(text))
        self.end = _spin(end, len(text))
        self.label = QComboBox()
        self.label.setEditable(True)
        self.label.addItems(labels)
        self.label.setCurrentText(label)
        self.preview = plain_label()  # the article's text, never markup
        form.addRow("Start", self.start)
        form.addRow("End", self.end)
        form.addRow("Label", self.label)
        form.addRow("Text", self.preview)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.start.valueChanged.connect(self._update)
        self.end.valueChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.preview.setText(repr(self.text[self.start.value() : self.end.value()])[:80])

    def values(self) -> dict[str, Any]:
        return {"start": self.start.value(), "end": self.end.value(), "label": self.label.currentText().strip()}

    @classmethod
    def ask(cls, parent, text: str, start: int, end: int, label: str, labels: list[str]) -> dict[str, Any] | None:
        dialog = cls(text, start, end, label, labels, parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


class QuoteEditDialog(FitsScreen, QDialog):
    def __init__(self, text: str, quote, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Edit quote for gold")
        form = QFormLayout(self)
        self.start = _spin(quote.start, len(text))
        self.end = _spin(quote.end, len(text))
        self.type = QComboBox()
        self.type.addItems([t.value for t in QuoteType])
        self.type.setCurrentText(QuoteType(quote.type).value)
        self.speaker_start = _spin(quote.speaker.start if quote.speaker else 0, len(text))
        self.speaker_end = _spin(quote.speaker.end if quote.speaker else 0, len(text))
        self.speaker_name = QLineEdit(quote.speaker_name or "")
        self.cue_start = _spin(quote.cue.start if quote.cue else 0, len(text))
        self.cue_end = _spin(quote.cue.end if quote.cue else 0, len(text))
        for name, widget in (("Start", self.start), ("End", self.end), ("Type", self.type),
                             ("Speaker start", self.speaker_start), ("Speaker end", self.speaker_end),
                             ("Speaker name", self.speaker_name), ("Cue start", self.cue_start),
                             ("Cue end", self.cue_end)):
            form.addRow(name, widget)
        form.addRow(QLabel("A speaker or cue with start = end is cleared."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        speaker = (TextRange(self.speaker_start.value(), self.speaker_end.value())
                   if self.speaker_end.value() > self.speaker_start.value() else None)
        cue = TextRange(self.cue_start.value(), self.cue_end.value()) if self.cue_end.value() > self.cue_start.value() else None
        return {"start": self.start.value(), "end": self.end.value(), "type": QuoteType(self.type.currentText()),
                "speaker": speaker, "speaker_name": self.speaker_name.text().strip() or None, "cue": cue}

    @classmethod
    def ask(cls, parent, text: str, quote) -> dict[str, Any] | None:
        dialog = cls(text, quote, parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None
