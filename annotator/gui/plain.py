"""Show user text (titles, article text, labels, tags, annotator and speaker names, paths, error messages)
literally in Qt widgets.

Qt reads some strings as markup: tooltips, QLabel (Qt.AutoText, the default), QMessageBox text and the labels of
QProgressDialog / QInputDialog become rich text when `Qt.mightBeRichText` says so (a known tag such as "<b>" in
the first line, or "&lt;"); texts of actions, buttons, tabs and group boxes take "&" as a mnemonic marker; window
titles hide "[*]". Item views paint DisplayRole, QStatusBar messages and QPainter.drawText as plain text, so
those need nothing. Every user string that reaches one of the former goes through one of these helpers:

- `escape(text)`  inside markup we write ourselves ("Annotator: <b>{escape(name)}</b>");
- `plain(text)`   where no markup is intended (tooltips, message boxes): unchanged unless Qt would take it as
                  rich text, then escaped HTML that shows the same characters, spaces and line breaks;
- `plain_label(text)`  a QLabel that never reads its text as markup;
- `mnemonic(text)` / `strip_mnemonic(text)`  for action and button texts; `window_title(text)` for titles.
"""

from __future__ import annotations

import html
import re

from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel, QWidget

_MNEMONIC = re.compile(r"&(.?)", re.DOTALL)


def escape(text: object) -> str:
    """`text` as HTML character data: for user text inside markup we write."""
    return html.escape(str(text), quote=True)


def plain(text: object) -> str:
    """`text` for a sink that guesses the format (tooltip, QMessageBox, AutoText label): shown literally.

    Text Qt would not take as rich text is returned as is (so it looks exactly as before); otherwise it is
    escaped and wrapped in a paragraph that keeps its white space and line breaks."""
    text = str(text)
    if not Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{escape(text)}</p>"


TOOLTIP_WIDTH = 80
"""Characters a tooltip line holds before it wraps (a tooltip is one unwrapped line otherwise)."""
TOOLTIP_LIMIT = 1000
"""Characters of a name a tooltip shows at most; the rest is said as a count."""


def name_tooltip(text: object, *, width: int = TOOLTIP_WIDTH, limit: int = TOOLTIP_LIMIT) -> str:
    """A tooltip for a user string that may be very long (a 10,000-character label): shown literally, cut after
    `limit` characters with "… (N characters)", and any word longer than `width` broken every `width`
    characters (Qt wraps a rich-text tooltip at spaces, never inside a word), so it stays readable on screen.
    Text with no such word and within the limit is returned as `plain(text)`, unchanged."""
    text = str(text)
    words = re.split(r"(\s+)", text[:limit])
    if len(text) <= limit and all(len(word) <= width for word in words):
        return plain(text)
    pieces = []
    for word in words:
        if word.isspace() or not word:
            pieces.append(escape(word).replace("\n", "<br>"))
        else:
            pieces.append("<br>".join(escape(word[i : i + width]) for i in range(0, len(word), width)))
    body = "".join(pieces)
    if len(text) > limit:
        body += f"<br>… ({len(text):,} characters)"
    return f"<p style='white-space:pre-wrap'>{body}</p>"


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel whose text is always plain text (never markup)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def mnemonic(text: object) -> str:
    """`text` for an action, button or tab text: its "&" shown, not taken as a shortcut marker."""
    return str(text).replace("&", "&&")


def strip_mnemonic(text: str) -> str:
    """What an action text shows: "&File" -> "File", "R&&D" -> "R&D"."""
    return _MNEMONIC.sub(r"\1", text)


def window_title(text: object) -> str:
    """`text` for setWindowTitle: a "[*]" in it is shown, not taken as the modified-marker placeholder."""
    return str(text).replace("[*]", "[*][*]")
