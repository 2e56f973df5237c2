from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def extractor():
    from annotator.extract import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def quotes_of(extractor):
    """text -> list of (type, content, speaker as written, resolved name, cue) for each quote."""

    def run(text: str):
        extraction = extractor.extract_one(text)
        return [
            (
                str(q.type),
                text[q.start : q.end],
                q.speaker.text_of(text) if q.speaker else None,
                q.speaker_name,
                q.cue.text_of(text) if q.cue else None,
            )
            for q in extraction.quotes
        ]

    return run
