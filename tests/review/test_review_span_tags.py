"""Tags on entities and quotes: review items on matched spans, decisions into gold (undoable), agreement."""

from __future__ import annotations

import pytest

from annotator.core.model import AnnotationSet, Entity, Tag, TargetKind
from annotator.core.store import Store
from annotator.review.adjudication import SPAN_TAG, Review, candidate_items, entity_tags, gold_value
from annotator.review.agreement import ALL, compare_span_tags, compute_agreement
from tests.review.conftest import put_version, quote
from tests.review.test_review_adjudication import TEXT

# Kerry [14, 19), Islamabad [28, 37), Aziz [39, 43), "Aziz met" [39, 48), quote content [1, 12)


def tagged_versions(store, add_doc):
    d = add_doc(TEXT, "Kerry visit")
    put_version(
        store, d, "alice",
        entities=[(14, 19, "PERSON"), (28, 37, "GPE"), (39, 43, "PERSON")],
        quotes=[quote(1, 12)],
        span_tags=[("entity", 0, "key"), ("entity", 0, "named"), ("entity", 1, "place"), ("entity", 2, "key"),
                   ("quote", 0, "attributed")],
    )
    put_version(
        store, d, "bob",
        entities=[(14, 19, "PERSON"), (28, 37, "LOC"), (39, 48, "PERSON")],
        quotes=[quote(1, 12)],
        span_tags=[("entity", 0, "named"), ("entity", 1, "place"), ("entity", 2, "key")],
    )
    return d


def span_tags_of(aset):
    """Gold tags by (entity span | quote span) -> sorted names."""
    out = {}
    by_id = {("entity", e.id): (e.start, e.end) for e in aset.entities}
    by_id.update({("quote", q.id): (q.start, q.end) for q in aset.quotes})
    for t in aset.tags:
        if t.target_kind is not TargetKind.DOCUMENT:
            out.setdefault((t.target_kind.value, *by_id[(t.target_kind.value, t.target_id)]), []).append(t.tag)
    return {k: sorted(v) for k, v in out.items()}


def test_span_tag_items_only_on_matched_spans(store, add_doc):
    d = tagged_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    tags = {i.key: i for i in review.items if i.kind == SPAN_TAG}
    assert set(tags) == {
        "spantag:entity:14:19:key", "spantag:entity:14:19:named", "spantag:entity:28:37:place",
        "spantag:quote:1:12:attributed",
    }  # 39:43 and 39:48 are each held by one annotator only: no span-tag items
    assert tags["spantag:entity:14:19:key"].choices == {"alice": True, "bob": False}
    assert tags["spantag:entity:14:19:named"].unanimous
    assert tags["spantag:quote:1:12:attributed"].choices == {"alice": True, "bob": False}
    assert tags["spantag:entity:14:19:key"].span_key == "entity:14:19"
    assert tags["spantag:quote:1:12:attributed"].target_kind is TargetKind.QUOTE
    assert {i.key for i in review.disagreements() if i.kind == SPAN_TAG} == {
        "spantag:entity:14:19:key", "spantag:quote:1:12:attributed",
    }


def test_tag_names_with_colons_and_sets_without_ids(store, add_doc):
    d = add_doc(TEXT)
    put_version(store, d, "alice", entities=[(14, 19, "PERSON")], span_tags=[("entity", 0, "src:wire")])
    put_version(store, d, "bob", entities=[(14, 19, "PERSON")])
    item = next(i for i in Review(store, d, reviewer="rita").items if i.kind == SPAN_TAG)
    assert (item.key, item.tag_name, item.span_key) == ("spantag:entity:14:19:src:wire", "src:wire", "entity:14:19")
    # in-memory sets (tags refer to list positions, entities have no ids) read the same way
    fresh = AnnotationSet(d, "carol", entities=[Entity(14, 19, "PERSON")], tags=[Tag("x", TargetKind.ENTITY, 0)])
    assert entity_tags(fresh) == {(14, 19): {"x"}}
    keys = [i.key for i in candidate_items({"carol": fresh, "alice": store.annotation_set(d, "alice")})]
    assert "spantag:entity:14:19:x" in keys and "spantag:entity:14:19:src:wire" in keys


def test_span_tag_decisions_into_gold_and_undo(store, add_doc, db_path):
    d = tagged_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    review.ensure_gold()
    gold = review.gold_set()
    # gold starts with what all agree on: Kerry with its agreed tag, the quote untagged; Islamabad waits (label)
    assert span_tags_of(gold) == {("entity", 14, 19): ["named"]}
    items = {i.key: i for i in review.items}
    steps = [
        review.take(items["spantag:entity:14:19:key"], "alice"),
        review.take(items["spantag:entity:28:37:place"], "bob"),  # brings bob's LOC entity first
        review.reject(items["spantag:quote:1:12:attributed"]),
    ]
    assert gold_value(items["spantag:entity:14:19:key"], review.gold_set()) is True
    assert gold_value(items["spantag:quote:1:12:attributed"], review.gold_set()) is False
    assert {i.key for i in review.unresolved()} == {"entity:39:43", "entity:39:48"}
    with Store(db_path, readonly=True) as fresh:
        gold = fresh.annotation_set(d, "gold")
        assert [(e.start, e.end, e.label) for e in gold.entities] == [(14, 19, "PERSON"), (28, 37, "LOC")]
        assert span_tags_of(gold) == {("entity", 14, 19): ["key", "named"], ("entity", 28, 37): ["place"]}
        rows = [tuple(r) for r in fresh.query(
            "SELECT item_key, decision, chosen_from FROM review_decisions WHERE decision != 'auto' ORDER BY id")]
        assert rows == [
            ("spantag:entity:14:19:key", "take", "alice"),
            ("entity:28:37", "take", "bob"),
            ("spantag:entity:28:37:place", "take", "bob"),
            ("spantag:quote:1:12:attributed", "reject", None),
        ]
        log = [r[0] for r in fresh.query("SELECT op FROM edit_log ORDER BY id")]
        assert log.count("add_tag") >= 2  # written through annotator.core.ops
    for applied in reversed(steps):
        review.undo(applied)
    gold = review.gold_set()
    assert [(e.start, e.end) for e in gold.entities] == [(14, 19)]
    assert span_tags_of(gold) == {("entity", 14, 19): ["named"]}
    assert {i.key for i in review.unresolved() if i.kind == SPAN_TAG} == {
        "spantag:entity:14:19:key", "spantag:quote:1:12:attributed",
    }  # 28:37 "place" is unanimous: never unresolved


def test_rejecting_a_tagged_quote_removes_its_tags_and_settles_them(store, add_doc):
    d = tagged_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    items = {i.key: i for i in review.items}
    review.take(items["spantag:quote:1:12:attributed"], "alice")
    assert ("quote", 1, 12) in span_tags_of(review.gold_set())
    applied = review.reject(items["quote:1:12"])
    assert review.gold_set().quotes == [] and span_tags_of(review.gold_set()) == {("entity", 14, 19): ["named"]}
    assert not review.is_resolved(items["spantag:entity:14:19:key"])
    assert review.is_resolved(items["spantag:quote:1:12:attributed"])
    review.undo(applied)
    assert span_tags_of(review.gold_set())[("quote", 1, 12)] == ["attributed"]


def test_accept_version_carries_span_tags(store, add_doc):
    d = tagged_versions(store, add_doc)
    review = Review(store, d, reviewer="rita")
    review.accept_version("alice")
    assert span_tags_of(review.gold_set()) == {
        ("entity", 14, 19): ["key", "named"], ("entity", 28, 37): ["place"], ("entity", 39, 43): ["key"],
        ("quote", 1, 12): ["attributed"],
    }
    assert review.unresolved() == []


def test_span_tag_agreement_by_hand(store, add_doc):
    d = tagged_versions(store, add_doc)
    alice, bob = store.annotation_set(d, "alice"), store.annotation_set(d, "bob")
    assert entity_tags(alice)[(14, 19)] == {"key", "named"}
    result = compare_span_tags(alice, bob)
    # entities matched by boundaries (any label): 14:19 {key, named} vs {named} -> key no, named yes;
    # 28:37 {place} vs {place} -> yes; 39:43 / 39:48 are not matched. Quote 1:12: attributed vs none -> no.
    entity = result["entity"]
    assert (entity[ALL].agree, entity[ALL].total) == (2, 3)
    assert (entity["key"].agree, entity["key"].total) == (0, 1)
    assert (entity["place"].agree, entity["place"].total) == (1, 1)
    assert (result["quote"][ALL].agree, result["quote"][ALL].total) == (0, 1)
    report = compute_agreement(store)
    assert report.span_tags["entity"][ALL].value == pytest.approx(2 / 3)
    assert report.span_tags["quote"]["attributed"].value == 0.0
    assert report.documents[0].span_tags == pytest.approx(2 / 4)
    data = report.as_dict()
    assert data["span_tags"]["entity"]["named"] == {"agree": 1, "total": 1, "value": 1.0}
    assert any(r["measure"] == "entity_tag_agreement" and r["label"] == "key" for r in report.csv_rows())


def test_no_tags_means_no_span_tag_figures(store, add_doc):
    d = add_doc(TEXT)
    put_version(store, d, "alice", entities=[(14, 19, "PERSON")])
    put_version(store, d, "bob", entities=[(14, 19, "PERSON")])
    report = compute_agreement(store)
    assert report.span_tags["entity"][ALL].total == 0
    assert report.as_dict()["span_tags"]["entity"][ALL]["value"] is None


def test_agreement_cli_prints_span_tags(store, add_doc, db_path):
    from click.testing import CliRunner

    from annotator.cli import main

    tagged_versions(store, add_doc)
    out = CliRunner().invoke(main, ["--db", str(db_path), "agreement"], catch_exceptions=False).output
    assert "Span tags (percentage agreement on matched spans)" in out
    assert any(line.split()[:5] == ["entity", "ALL", "2", "3", "0.667"] for line in out.splitlines())
    help_text = CliRunner().invoke(main, ["agreement", "--help"]).output
    assert "percentage agreement on matched spans" in help_text
