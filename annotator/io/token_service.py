"""Where the spaCy export's tokens start and end, for the window (which never imports spaCy): a span whose start
is not a token start or whose end is not a token end is one `doc.char_span` rejects, so the DocBin export leaves
it out (its tokens marked missing). The tokenizer is the export's own: `spacy.blank(lang)` (for English the same
rules as en_core_web_sm's tokenizer): "$3.99" is "$" + "3.99", "U.S." one token.

    python -c "from annotator.io.token_service import serve; serve()"

reads one JSON object a line on stdin, {"id": any, "text": str, "lang": "en"?}, and answers each with
{"id": same, "starts": [code points], "ends": [code points]} (or {"id", "error"}) on stdout. spaCy is imported
when the first request arrives.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any


def token_boundaries(nlp: Any, text: str) -> tuple[list[int], list[int]]:
    """(token starts, token ends) of `text` in code points, from `nlp.make_doc` (the tokenizer only)."""
    doc = nlp.make_doc(text)
    return [t.idx for t in doc], [t.idx + len(t.text) for t in doc]


def serve(stdin: IO[str] | None = None, stdout: IO[str] | None = None, *, niceness: int = 0) -> None:
    """Answer requests until stdin closes (see the module docstring). `niceness` > 0 lowers this process's CPU
    priority first (the window's helper runs at 15: the person editing comes first)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if niceness > 0 and hasattr(os, "nice"):
        try:
            os.nice(niceness)
        except OSError:
            pass
    pipelines: dict[str, Any] = {}
    for line in stdin:
        if not line.strip():
            continue
        request: dict[str, Any] = {}
        try:
            request = json.loads(line)
            lang = str(request.get("lang") or "en")
            if lang not in pipelines:
                import spacy

                pipelines[lang] = spacy.blank(lang)
            starts, ends = token_boundaries(pipelines[lang], str(request["text"]))
            answer = {"id": request.get("id"), "starts": starts, "ends": ends}
        except Exception as error:  # noqa: BLE001 - answered, never a dead service
            answer = {"id": request.get("id"), "error": f"{type(error).__name__}: {error}"}
        stdout.write(json.dumps(answer) + "\n")
        stdout.flush()
