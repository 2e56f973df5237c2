"""Attack 15 #6: S after the annotator corrected the speaker's entity stores the corrected person, never the
model's stale resolved name (the quote's own old name, or another quote's stale one)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Entity, Quote, QuoteType, TextRange
from annotator.core.speaker_names import resolve_speaker
from annotator.core.store import Store
from tests.gui.conftest import add_article

TEXT = 'Organiser João Pereira said "the march goes on" to the crowd.'
SPEAKER = TEXT.index("Organiser")
NAME = TEXT.index("João")


@pytest.fixture
def pereira(window):
    with Store(window.store.path) as store:
        doc_id = add_article(
            store, TEXT, "March",
            entities=[Entity(SPEAKER, NAME + len("João Pereira"), "PERSON")],
            quotes=[Quote(TEXT.index('"'), TEXT.index("to the") - 1, QuoteType.DIRECT,
                          speaker=TextRange(SPEAKER, NAME + len("João Pereira")),
                          speaker_name="Organiser João Pereira", cue=TextRange(TEXT.index("said"), TEXT.index("said") + 4))],
        )
    window.open_document(doc_id)
    return doc_id


def _stored_quote(window, doc_id):
    with Store(window.store.path, readonly=True) as check:
        (quote,) = check.annotation_set(doc_id, "alice").quotes
    return quote


def test_s_on_the_corrected_entity_stores_the_corrected_person(window, qtbot, pereira):
    (entity_id,) = window.view.index.entities.by_id
    window.select_entity(entity_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    entity_id = window.view.selected_entity_id  # the first edit made alice's own copy
    # the correction: the entity is "João Pereira" now (Alt+Shift+→ moves the start by a word)
    assert window.store.entity(entity_id).start == NAME, window.store.entity(entity_id)
    (quote_id,) = window.view.index.quotes.by_id
    window.select_quote(quote_id)
    window.view.select_entity(entity_id)
    qtbot.keyClick(window.view, Qt.Key.Key_S)
    quote = _stored_quote(window, pereira)
    assert (quote.speaker.start, quote.speaker_name) == (NAME, "João Pereira")


@pytest.mark.parametrize("speaker_text, stale, person", [
    # another quote still holds the model's stale name with a title in front: a title is not more of a name
    ("Pereira", "Organiser João Pereira", "João Pereira"),
    ("Pereira", "Organizer João Pereira", "João Pereira"),
    # a quote whose speaker span holds a PERSON entity: the entity is the name, not its stored speaker name
    ("João Pereira", "João Pereira Neto", "João Pereira"),
])
def test_stale_names_of_other_quotes_do_not_win(speaker_text, stale, person):
    text = "João Pereira spoke first. Pereira said it. Later Pereira agreed."
    entities = [Entity(0, 12, "PERSON")]
    at = text.index(speaker_text) if speaker_text != "Pereira" else text.index("Pereira said")
    other = Quote(at, at + len(speaker_text), QuoteType.INDIRECT, speaker=TextRange(at, at + len(speaker_text)),
                  speaker_name=stale, id=100)
    start = text.rindex("Pereira")
    assert resolve_speaker(text, start, start + len("Pereira"), entities, [other]) == person


def test_the_edited_quotes_own_old_name_is_not_used():
    text = "Organiser João Pereira said it."
    quote = Quote(23, 30, QuoteType.INDIRECT, speaker=TextRange(0, 22), speaker_name="João Pereira Neto",
                  id=7)
    assert resolve_speaker(text, 10, 22, [], [quote], editing=7) == "João Pereira"
    assert resolve_speaker(text, 10, 22, [], [quote]) == "João Pereira Neto"  # what won before the fix
