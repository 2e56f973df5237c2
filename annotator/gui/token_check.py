"""Flag, in the window, the spans the spaCy export would leave out: the open document's text goes to a tokenizer
subprocess (`annotator.io.token_service`, the export's own tokenizer) a moment after it opens; when its token
boundaries come back, `snapping.cuts_a_word` also flags spans off those tokens ("3" of "$3.99", "U.S" of
"U.S."), in the article (red outline on the label pill) and the entity panel, like spans cut inside a word.

The window never imports spaCy: the subprocess does, started only when the first document has been open for
`DELAY_MS`. Off with `ANNOTATOR_TOKEN_CHECK=0` (the test suite sets it; tests of this module turn it on).
Texts over `MAX_CHARS` are not checked (the edit path of a very long article pays nothing); every other text is
tokenized once, off the GUI thread, and its boundaries kept by content (`snapping`, the 4 latest texts).

Hook (main window): `install_token_check(window)`; it reads `window.doc`, repaints `window.view` and calls
`window.refresh_panels()`.
"""

from __future__ import annotations

import json
import os
import sys

from PySide6.QtCore import QEvent, QObject, QProcess, QTimer, Signal

from annotator.gui import snapping

DELAY_MS = 2000
"""How long a document is open before its tokens are asked for (and the first poll starts the subprocess)."""
MAX_CHARS = 100_000
"""Texts longer than this (about 16,000 words; news articles are a few thousand characters) are not checked, so
the helper never starts for them. Profiled (benchmarks/profile_token_check.py, the 100,000-word article of
bench_long_article): the check costs the GUI thread nothing measurable per edit (12.09 ms CPU median without the
tokens, 12.14 ms with them, 90 edits each); the tokens' arrival costs 18 ms once; the helper process costs
about 1 s CPU once a session (starting Python and importing spaCy; tokenizing 578 kB is 82 ms). That one
second, competing with the window on two loaded cores while a long article is edited, is what made edit
medians look 10-40 % slower; a very long article now never starts it, and the spaCy export lists the spans it
leaves out anyway."""
SERVICE = [sys.executable, "-c", "from annotator.io.token_service import serve; serve(niceness=15)"]


class TokenCheck(QObject):
    """A long-lived tokenizer subprocess; `request(text)` asks for a text's token boundaries, `ready(text)`
    fires once they are stored in `snapping`."""

    ready = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.process: QProcess | None = None
        self.pending: dict[int, str] = {}
        self._next = 0
        self._buffer = b""

    def request(self, text: str) -> None:
        """Ask for `text`'s token boundaries once (a text already known or pending is not sent again; a text
        longer than MAX_CHARS is never sent: no helper CPU while a long article is edited)."""
        if len(text) > MAX_CHARS or snapping.has_token_boundaries(text) or any(
                len(p) == len(text) and p == text for p in self.pending.values()):
            return
        if self.process is None or self.process.state() == QProcess.ProcessState.NotRunning:
            self.process = QProcess(self)
            self.process.readyReadStandardOutput.connect(self._read)
            self.process.start(SERVICE[0], SERVICE[1:])
        self._next += 1
        self.pending[self._next] = text
        self.process.write((json.dumps({"id": self._next, "text": text}) + "\n").encode("utf-8"))

    def _read(self) -> None:
        assert self.process is not None
        self._buffer += bytes(self.process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            text = self.pending.pop(answer.get("id"), None)
            if text is not None and "starts" in answer:
                snapping.set_token_boundaries(text, answer["starts"], answer["ends"])
                self.ready.emit(text)

    def stop(self) -> None:
        """End the subprocess (closing its stdin ends it; killed if it does not end within a second)."""
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.closeWriteChannel()
            if not self.process.waitForFinished(1000):
                self.process.kill()
                self.process.waitForFinished(1000)
        self.process = None
        self.pending.clear()


class _WindowHook(QObject):
    def __init__(self, window, check: TokenCheck):
        super().__init__(window)
        self.window = window
        self.check = check
        self.timer = QTimer(self)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        check.ready.connect(self.refresh)
        window.installEventFilter(self)

    def poll(self) -> None:
        doc = getattr(self.window, "doc", None)
        if doc is not None and doc.text:
            self.check.request(doc.text)

    def refresh(self, text: str) -> None:
        doc = getattr(self.window, "doc", None)
        if doc is not None and doc.text == text:
            self.window.view.viewport().update()
            self.window.refresh_panels()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.timer.stop()
            self.check.stop()
        return False


def install_token_check(window) -> TokenCheck | None:
    """Start flagging `window`'s spans that the spaCy export would drop (None when ANNOTATOR_TOKEN_CHECK=0)."""
    if os.environ.get("ANNOTATOR_TOKEN_CHECK", "1") == "0":
        return None
    check = TokenCheck(window)
    window.token_check = check
    window.token_check_hook = _WindowHook(window, check)
    return check
