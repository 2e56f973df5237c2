"""Issue 11 after the attack (item 7): quote extraction on a text of one repeated sentence was quadratic
(25k characters: 21 s, 100k: 155 s), because each speaker mention walked the whole doc to find an earlier full
name. Checked here by counting that walk's work (tokens looked at), not by timing: it must grow linearly."""

from __future__ import annotations

from annotator.extract import speakers


def tokens_walked(extractor, monkeypatch, repeats: int) -> int:
    text = 'Alice said "the plan works" in Paris. ' * repeats
    walked = {"n": 0}
    original = speakers.SpeakerResolver._propn_chain

    def counting(self, tok):
        walked["n"] += 1
        return original(self, tok)

    monkeypatch.setattr(speakers.SpeakerResolver, "_propn_chain", counting)
    extraction = extractor.extract_one(text)
    monkeypatch.setattr(speakers.SpeakerResolver, "_propn_chain", original)
    assert len(extraction.quotes) == repeats  # every quote still found, with its speaker
    assert all(q.speaker is not None for q in extraction.quotes)
    return walked["n"]


def test_speaker_name_lookups_grow_linearly_with_the_number_of_mentions(extractor, monkeypatch):
    small = tokens_walked(extractor, monkeypatch, 40)
    large = tokens_walked(extractor, monkeypatch, 160)
    # 4x the mentions: linear work is about 4x; the old walk over the whole doc per mention was about 16x
    assert large <= 6 * max(small, 1), (small, large)
