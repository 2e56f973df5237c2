"""Entity, quote and tag agreement on hand-built documents."""

from __future__ import annotations

import itertools
import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.core.model import Entity, Status
from annotator.review.agreement import ALL, character_units, compute_agreement, entity_prf
from tests.review.conftest import put_version, quote

TEXT = "Kerry met Aziz in Islamabad on Monday. " * 2 + "x" * 40


def test_entity_prf_by_hand():
    a = [Entity(0, 5, "PERSON"), Entity(10, 15, "ORG"), Entity(20, 25, "GPE")]
    b = [Entity(0, 5, "PERSON"), Entity(10, 17, "ORG"), Entity(20, 25, "LOC"), Entity(30, 35, "PERSON")]
    exact = entity_prf(a, b, mode="exact")
    # exact: only PERSON [0,5) matches -> tp 1; A's ORG and GPE unmatched -> fn 2; B's ORG, LOC, PERSON@30 -> fp 3
    # P = 1/4, R = 1/3, F1 = 2*1 / (2*1 + 3 + 2) = 2/7
    assert (exact[ALL].tp, exact[ALL].fp, exact[ALL].fn) == (1, 3, 2)
    assert exact[ALL].precision == pytest.approx(1 / 4)
    assert exact[ALL].recall == pytest.approx(1 / 3)
    assert exact[ALL].f1 == pytest.approx(2 / 7)
    assert (exact["PERSON"].tp, exact["PERSON"].fp, exact["PERSON"].fn) == (1, 1, 0)
    assert (exact["ORG"].tp, exact["ORG"].fp, exact["ORG"].fn) == (0, 1, 1)
    overlap = entity_prf(a, b, mode="overlap")
    # overlap: ORG [10,15) ~ [10,17) now matches -> tp 2; GPE vs LOC differ in label -> fn 1, fp LOC + PERSON@30 = 2
    # P = 2/4, R = 2/3, F1 = 4 / (4 + 2 + 1) = 4/7
    assert overlap[ALL].f1 == pytest.approx(4 / 7)
    assert overlap[ALL].precision == pytest.approx(0.5)
    assert overlap[ALL].recall == pytest.approx(2 / 3)


def test_character_alpha_by_hand_and_against_package():
    text = "ab cd"
    units = character_units(text, [[Entity(0, 2, "X")], [Entity(0, 1, "X")]])
    # non-whitespace characters a, b, c, d: (X,X), (X,O), (O,O), (O,O) -> the alpha worked by hand in
    # test_review_kappa: 1 - 7*2/30 = 16/30
    assert dict(units) == {("X", "X"): 1, ("X", "O"): 1, ("O", "O"): 2}
    from annotator.review.agreement import alpha_of

    assert alpha_of(units) == pytest.approx(16 / 30)


def explicit_matrix(text, versions, codes):
    """Reliability data the slow way: one column per non-whitespace character, one row per annotator."""
    rows = []
    for entities in versions:
        row = []
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            label = next((e.label for e in entities if e.start <= i < e.end), "O")
            row.append(codes.setdefault(label, len(codes)))
        rows.append(row)
    return rows


def test_corpus_alpha_and_f1_from_store(store, add_doc):
    d1 = add_doc(TEXT, "one")
    d2 = add_doc("Pakistan and the United States talked in Washington.", "two")
    put_version(store, d1, "alice", entities=[(0, 5, "PERSON"), (10, 14, "PERSON"), (18, 27, "GPE")])
    put_version(store, d1, "bob", entities=[(0, 5, "PERSON"), (10, 14, "ORG"), (18, 27, "GPE"), (31, 37, "DATE")])
    put_version(store, d2, "alice", entities=[(0, 8, "GPE"), (13, 30, "GPE"), (41, 51, "GPE")])
    put_version(store, d2, "bob", entities=[(0, 8, "GPE"), (17, 30, "GPE")])
    report = compute_agreement(store)
    assert report.annotators == ["alice", "bob"]
    prf = report.entity_exact[("alice", "bob")][ALL]
    # d1: PERSON@0 and GPE@18 match (tp 2); alice PERSON@10 fn; bob ORG@10, DATE fp 2
    # d2: GPE@0 matches (tp 1); alice GPE@13, GPE@41 fn 2; bob GPE@17 fp 1  -> tp 3, fp 3, fn 3, F1 = 0.5
    assert (prf.tp, prf.fp, prf.fn) == (3, 3, 3)
    assert prf.f1 == pytest.approx(0.5)
    assert report.entity_overlap[("alice", "bob")][ALL].tp == 4  # GPE@13 ~ GPE@17 overlap
    codes: dict[str, int] = {}
    data = []
    for doc_id in (d1, d2):
        text = store.document(doc_id).text
        versions = [store.annotation_set(doc_id, n).entities for n in ("alice", "bob")]
        data.append(explicit_matrix(text, versions, codes))
    matrix = np.array([data[0][0] + data[1][0], data[0][1] + data[1][1]], dtype=float)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert report.entity_alpha[ALL] == pytest.approx(expected)
    binary = (matrix == codes["GPE"]).astype(float)
    assert report.entity_alpha["GPE"] == pytest.approx(
        krippendorff.alpha(reliability_data=binary, level_of_measurement="nominal")
    )
    # the document with more disagreement (d2: 3 of 4 items differ vs d1: 2 of 5) comes first
    assert [d.doc_id for d in report.documents] == [d2, d1]


def test_three_annotators_alpha_with_missing_versions(store, add_doc):
    d1 = add_doc("Kerry met Aziz in Islamabad.")
    d2 = add_doc("Obama spoke in Berlin yesterday.")
    put_version(store, d1, "a", entities=[(0, 5, "PERSON"), (10, 14, "PERSON")])
    put_version(store, d1, "b", entities=[(0, 5, "PERSON"), (18, 27, "GPE")])
    put_version(store, d1, "c", entities=[(0, 5, "ORG")])
    put_version(store, d2, "a", entities=[(0, 5, "PERSON"), (15, 21, "GPE")])
    put_version(store, d2, "b", entities=[(0, 5, "PERSON"), (15, 21, "LOC")])  # c never did d2
    report = compute_agreement(store)
    codes: dict[str, int] = {}
    rows = {n: [] for n in "abc"}
    for doc_id in (d1, d2):
        text = store.document(doc_id).text
        for n in "abc":
            aset = store.annotation_set(doc_id, n)
            if aset is None:
                rows[n] += [np.nan] * sum(not ch.isspace() for ch in text)
            else:
                rows[n] += explicit_matrix(text, [aset.entities], codes)[0]
    matrix = np.array([rows[n] for n in "abc"], dtype=float)
    assert report.entity_alpha[ALL] == pytest.approx(
        krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    )
    assert set(report.entity_exact) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert report.tag_method == "fleiss"


def test_quotes_by_hand(store, add_doc):
    text = "w" * 100
    d = add_doc(text)
    put_version(store, d, "alice", quotes=[
        quote(0, 20, speaker=(25, 30), name="John Kerry", cue=(31, 35)),
        quote(40, 50, speaker=(60, 65)),
    ])
    put_version(store, d, "bob", quotes=[
        quote(5, 20, speaker=(26, 30), name="john  kerry"),  # overlap 15 / union 20 = 0.75 -> same quote
        quote(45, 70, speaker=(60, 65)),  # overlap 5 / union 30 = 0.17 < 0.5 -> a different quote
    ])
    q = compute_agreement(store).quotes[("alice", "bob")]
    # tp 1, fn 1 (alice [40,50)), fp 1 (bob [45,70)): F1 = 2 / (2 + 1 + 1) = 0.5
    assert (q.prf.tp, q.prf.fp, q.prf.fn) == (1, 1, 1)
    assert q.prf.f1 == pytest.approx(0.5)
    assert (q.speaker.agree, q.speaker.total) == (1, 1)  # same resolved name, case and spaces ignored
    assert (q.cue.agree, q.cue.total) == (0, 1)  # alice has a cue, bob none
    assert (q.type.agree, q.type.total) == (1, 1)


def test_tag_kappa_against_sklearn(store, add_doc):
    alice = [["opinion"], ["opinion", "wire-copy"], [], ["opinion"], ["duplicate"], []]
    bob = [["opinion"], ["wire-copy"], [], [], ["duplicate"], ["opinion"]]
    for i, (ta, tb) in enumerate(zip(alice, bob)):
        d = add_doc(f"document number {i}")
        put_version(store, d, "alice", tags=ta)
        put_version(store, d, "bob", tags=tb)
    report = compute_agreement(store)
    assert report.tag_method == "cohen"
    a = [("opinion" in t) for t in alice]
    b = [("opinion" in t) for t in bob]
    # opinion: alice y y n y n n, bob y n n n n y -> agree on docs 0, 2, 4 -> p_o = 3/6 = 0.5
    # p_e = (3/6)(2/6) + (3/6)(4/6) = 6/36 + 12/36 = 0.5 -> kappa = 0
    assert report.tag_kappa["opinion"] == pytest.approx(0.0)
    assert report.tag_kappa["opinion"] == pytest.approx(cohen_kappa_score(a, b))
    tag_names = sorted(set(store.tag_set("document")) | {"opinion", "wire-copy", "duplicate"})
    pooled_a = [t in doc for t in tag_names for doc in alice]
    pooled_b = [t in doc for t in tag_names for doc in bob]
    assert report.tag_kappa[ALL] == pytest.approx(cohen_kappa_score(pooled_a, pooled_b))
    assert math.isnan(report.tag_kappa["boilerplate"])  # nobody used it: undefined, not 1


def test_new_and_model_sets_are_left_out_by_default(store, add_doc):
    d = add_doc("Kerry met Aziz.")
    put_version(store, d, "model", entities=[(0, 5, "PERSON")])
    put_version(store, d, "alice", entities=[(0, 5, "PERSON")])
    put_version(store, d, "bob", entities=[(0, 5, "ORG")])
    put_version(store, d, "carol", entities=[(0, 5, "ORG")], status=Status.NEW)
    assert compute_agreement(store).annotators == ["alice", "bob", "carol"]
    report = compute_agreement(store)
    assert report.documents[0].annotators == ["alice", "bob"]  # carol's set was never worked on
    with_model = compute_agreement(store, include_model=True)
    assert "model" in with_model.annotators
    assert with_model.entity_exact[("alice", "model")][ALL].f1 == 1.0
    only = compute_agreement(store, labels=["PERSON"])
    assert only.entity_exact[("alice", "bob")][ALL].fn == 1 and only.entity_exact[("alice", "bob")][ALL].fp == 0
    assert list(itertools.chain(report.csv_rows()))
    assert report.as_dict()["documents"][0]["doc_id"] == d
