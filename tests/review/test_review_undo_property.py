"""Any sequence of review decisions, undone newest first, gives back the gold set it started from."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import Document, TextRange
from annotator.core.store import Store
from annotator.review.adjudication import Review
from tests.review.conftest import put_version, quote
from tests.review.test_review_adjudication import TEXT


def content(aset):
    return (
        sorted((e.start, e.end, e.label) for e in aset.entities),
        sorted((q.start, q.end, q.type.value, q.speaker, q.speaker_name, q.cue) for q in aset.quotes),
        aset.document_tags(),
    )


ACTIONS = st.lists(
    st.tuples(st.integers(0, 50), st.sampled_from(["alice", "bob", "carol", "reject", "edit", "accept"])), max_size=8
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_undo_everything_restores_gold(tmp_path_factory, actions):
    path = tmp_path_factory.mktemp("undo") / "db.sqlite"
    with Store(path) as store:
        d, _ = store.add_document(Document(text=TEXT))
        put_version(store, d, "alice", entities=[(14, 19, "PERSON"), (28, 37, "GPE"), (39, 43, "PERSON")],
                    quotes=[quote(1, 12, speaker=(14, 19), name="John Kerry", cue=(20, 24))], tags=["opinion"])
        put_version(store, d, "bob", entities=[(14, 19, "ORG"), (28, 37, "LOC"), (39, 48, "PERSON")],
                    quotes=[quote(0, 13, speaker=(39, 43), name="Aziz")], tags=["wire-copy"])
        put_version(store, d, "carol", entities=[(10, 19, "PERSON"), (28, 43, "GPE")], tags=["opinion"])
        review = Review(store, d, reviewer="rita")
        review.ensure_gold()
        start = content(review.gold_set())
        done = []
        for index, action in actions:
            item = review.items[index % len(review.items)]
            if action == "accept":
                done.append(review.accept_version(["alice", "bob", "carol"][index % 3]))
            elif action == "reject":
                done.append(review.reject(item))
            elif action == "edit":
                if item.kind == "entity":
                    done.append(review.edit_entity(item, start=item.start, end=item.end, label="FAC"))
                elif item.kind != "tag":
                    done.append(review.edit_quote(item, speaker=TextRange(39, 43), speaker_name="Sartaj Aziz"))
            elif action in item.choices:
                done.append(review.take(item, action))
        for applied in reversed(done):
            review.undo(applied)
        assert content(review.gold_set()) == start
        assert review.gold_set().status == review.agreed_set()[0].status
        assert {k for k, v in review.decisions().items() if v.decision != "auto"} == set()
