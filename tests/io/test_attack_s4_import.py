"""Attack s4, record-level import semantics, through the real `annotator` CLI on real files:

- H1: a span labelled QUOTE is a quote only when it is annotator's own quote encoding (quote_type /
  speaker_name, a SPEAKER/CUE relation; brat: a QuoteType attribute, a speaker/cue relation, a speaker_name
  note); anything else is a person's entity with that label, and a record that mixes both kinds says so in one
  warning line. annotator's own exports of quotes (Prodigy, doccano, Label Studio, brat) still read back as quotes.
- H2: binary answers (ner.teach) and a complete manual answer of one annotator on one text merge as Prodigy
  merges the answers on one input (manual spans + accepted suggestions; rejects are constraints), in any order,
  in one file or two, and the merge survives annotator's own exports.
- M10: answers kept inside a record (`earlier_answers`, `binary_tasks`, `manual_answer`) pass the checks of a
  top-level record, refused with file:line naming the nested answer; annotator's own exports re-import.
- M11: a BOM at the start of a record's `text` is stripped and offsets shifted, whichever text came first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.store import Store

CLI = [str(Path(sys.executable).parent / "annotator")]


def run(db: Path, *args, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert "Traceback" not in done.stderr, done.stderr
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def docbin(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """{text: [(token, iob+type or '-' for missing)]} of every DocBin in `folder`."""
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    out = {}
    for path in sorted(folder.glob("*.spacy")):
        for doc in DocBin().from_disk(path).get_docs(vocab):
            out[doc.text] = [(t.text, (t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "")) or "-") for t in doc]
    return out


def quote_groups(folder: Path) -> dict[str, list[tuple[str, str]]]:
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("en").vocab
    out = {}
    for path in sorted(folder.glob("*.spacy")):
        for doc in DocBin().from_disk(path).get_docs(vocab):
            out[doc.text] = [(s.text, s.label_) for s in doc.spans.get("quotes", [])]
    return out


def stored(db: Path) -> dict[tuple[str, str], dict]:
    """(text, annotator) -> {"status", "entities": [(start, end, label)], "quotes": [(start, end, type, speaker)]}."""
    out = {}
    with Store(db) as store:
        for doc_id in store.iter_document_ids():
            text = store.document(doc_id).text
            for name in store.annotators_of(doc_id):
                aset = store.annotation_set(doc_id, name)
                if aset is None:
                    continue
                out[(text, name)] = {
                    "status": str(aset.status.value if hasattr(aset.status, "value") else aset.status),
                    "entities": sorted((e.start, e.end, e.label) for e in aset.entities),
                    "quotes": sorted((q.start, q.end, str(q.type.value if hasattr(q.type, "value") else q.type),
                                      (q.speaker.start, q.speaker.end) if q.speaker else None) for q in aset.quotes),
                    "extra": aset.extra,
                }
    return out


def warnings_of(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("warning:")]


# -- H1: QUOTE as an entity label ------------------------------------------------------------------------------

QL2 = {"text": "He met Quote Media and Acme today.", "spans": [{"start": 7, "end": 18, "label": "QUOTE"},
       {"start": 23, "end": 27, "label": "ORG"}], "answer": "accept", "_view_id": "ner_manual", "_annotator_id": "ned"}


@pytest.mark.parametrize("record", [
    QL2,
    {**QL2, "_view_id": None},  # no view id
    {**QL2, "_view_id": "spans_manual"},
    {**QL2, "spans": [{"start": 7, "end": 18, "label": "QUOTE", "token_start": 2, "token_end": 3}]},
])
def test_prodigy_quote_label_without_quote_marks_stays_an_entity(tmp_path, record):
    source = jsonl(tmp_path / "ql2.jsonl", [record])
    done = run(tmp_path / "q.db", "import", "--no-extract", source)
    assert not warnings_of(done), done.stderr  # nothing here looks like annotator's quotes: no warning
    found = stored(tmp_path / "q.db")[(record["text"], "ned")]
    assert (7, 18, "QUOTE") in found["entities"] and found["quotes"] == []
    run(tmp_path / "q.db", "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    tokens = dict(docbin(tmp_path / "sp")[record["text"]])
    assert tokens["Quote"] == "B-QUOTE" and tokens["Media"] == "I-QUOTE"
    assert not quote_groups(tmp_path / "sp")[record["text"]]
    conll = run(tmp_path / "q.db", "export", "--format", "conll", "-o", "-").stdout
    assert "Quote -X- -X- B-QUOTE" in conll


def test_prodigy_quote_label_next_to_cue_span_is_an_entity_with_one_warning(tmp_path):
    record = {"text": "He said hello to Quote Inc.", "spans": [{"start": 17, "end": 26, "label": "QUOTE"},
              {"start": 3, "end": 7, "label": "CUE"}], "answer": "accept", "_view_id": "ner_manual",
              "_annotator_id": "ned"}
    done = run(tmp_path / "q.db", "import", "--no-extract", jsonl(tmp_path / "ql.jsonl", [record]))
    found = stored(tmp_path / "q.db")[(record["text"], "ned")]
    assert found["entities"] == [(3, 7, "CUE"), (17, 26, "QUOTE")] and found["quotes"] == []
    lines = warnings_of(done)
    assert len(lines) == 1 and "ql.jsonl:1" in lines[0] and "QUOTE 17-26" in lines[0] and "entity" in lines[0]


def test_quote_marked_by_a_speaker_relation_or_quote_type_is_a_quote(tmp_path):
    text = 'Ann said "we won" today.'
    by_relation = {"text": text, "answer": "accept", "_annotator_id": "rel",
                   "spans": [{"start": 9, "end": 17, "label": "QUOTE"}, {"start": 0, "end": 3, "label": "SPEAKER"}],
                   "relations": [{"head_span": {"start": 9, "end": 17, "label": "QUOTE"},
                                  "child_span": {"start": 0, "end": 3, "label": "SPEAKER"}, "label": "SPEAKER"}]}
    by_type = {"text": text, "answer": "accept", "_annotator_id": "typ",
               "spans": [{"start": 9, "end": 17, "label": "QUOTE", "quote_type": "direct"}]}
    # a QUOTE span a relation joins under another label is not the quote encoding: both stay entities
    other = {**by_relation, "_annotator_id": "oth",
             "relations": [{**by_relation["relations"][0], "label": "said_by"}]}
    run(tmp_path / "q.db", "import", "--no-extract", jsonl(tmp_path / "r.jsonl", [by_relation, by_type, other]))
    found = stored(tmp_path / "q.db")
    assert found[(text, "rel")]["quotes"] == [(9, 17, "direct", (0, 3))] and found[(text, "rel")]["entities"] == []
    assert found[(text, "typ")]["quotes"] == [(9, 17, "direct", None)]
    assert found[(text, "oth")]["quotes"] == [] and (9, 17, "QUOTE") in found[(text, "oth")]["entities"]


@pytest.mark.parametrize("record", [
    {"text": "He met Quote Media today.", "label": [[7, 18, "QUOTE"]], "user": "dan"},
    {"text": "He met Quote Media today.", "entities": [{"id": 1, "start_offset": 7, "end_offset": 18,
                                                     "label": "QUOTE"}], "relations": [], "user": "dan"},
])
def test_doccano_quote_label_without_marks_is_an_entity(tmp_path, record):
    run(tmp_path / "d.db", "import", "--no-extract", "--format", "doccano", jsonl(tmp_path / "d.jsonl", [record]))
    found = stored(tmp_path / "d.db")[(record["text"], "dan")]
    assert found["entities"] == [(7, 18, "QUOTE")] and found["quotes"] == []


def test_label_studio_quote_region_without_marks_is_an_entity(tmp_path):
    task = [{"id": 1, "data": {"text": "He met Quote Media today."}, "annotations": [{"id": 1, "completed_by": 3,
             "result": [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
                         "value": {"start": 7, "end": 18, "text": "Quote Media", "labels": ["QUOTE"]}}]}]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(task), encoding="utf-8")
    run(tmp_path / "l.db", "import", "--no-extract", path)
    (found,) = stored(tmp_path / "l.db").values()
    assert found["entities"] == [(7, 18, "QUOTE")] and found["quotes"] == []


def test_brat_quote_type_without_marks_is_an_entity_with_a_warning(tmp_path):
    folder = tmp_path / "ann"
    folder.mkdir()
    (folder / "a.txt").write_text("Quote Media hired Ann.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tQuote 0 11\tQuote Media\nT2\tSpeaker 18 21\tAnn\n", encoding="utf-8")
    (folder / "b.txt").write_text("Quote Media hired Bo.", encoding="utf-8")
    (folder / "b.ann").write_text("T1\tQuote 0 11\tQuote Media\n", encoding="utf-8")
    done = run(tmp_path / "b.db", "import", folder)
    found = stored(tmp_path / "b.db")
    assert found[("Quote Media hired Ann.", "ann")]["entities"] == [(0, 11, "Quote"), (18, 21, "Speaker")]
    assert found[("Quote Media hired Bo.", "ann")]["entities"] == [(0, 11, "Quote")]
    assert all(not value["quotes"] for value in found.values())
    lines = warnings_of(done)
    assert len(lines) == 1 and "a.ann:1" in lines[0] and "entity" in lines[0]


OWN_QUOTES = {"text": 'Ann said "we won". Officials said prices would fall.', "answer": "accept", "_annotator_id": "qa",
              "spans": [{"start": 0, "end": 3, "label": "PERSON"}],
              "quotes": [{"start": 9, "end": 17, "type": "direct"},
                         {"start": 34, "end": 51, "type": "indirect", "speaker": {"start": 19, "end": 28},
                          "cue": {"start": 29, "end": 33}}]}


@pytest.mark.parametrize("fmt,out", [("prodigy", "o.jsonl"), ("jsonl", "o.jsonl"), ("doccano", "o.jsonl"),
                                     ("labelstudio", "o.json"), ("brat", "obrat")])
def test_own_quotes_still_read_back_as_quotes(tmp_path, fmt, out):
    """A direct quote without speaker or cue (the shape a bare QUOTE span looks like) and an indirect quote with
    both come back as quotes from every format annotator writes them to."""
    run(tmp_path / "a.db", "import", "--no-extract", jsonl(tmp_path / "q.jsonl", [OWN_QUOTES]))
    run(tmp_path / "a.db", "export", "--format", fmt, "-o", tmp_path / out)
    done = run(tmp_path / "b.db", "import", "--no-extract", "--annotator", "qa", tmp_path / out)
    assert not [w for w in warnings_of(done) if "quote" in w.lower()], done.stderr
    (found,) = [v for (text, name), v in stored(tmp_path / "b.db").items() if name == "qa"]
    assert found["quotes"] == [(9, 17, "direct", None), (34, 51, "indirect", (19, 28))]
    assert found["entities"] == [(0, 3, "PERSON")]


# -- H2: a manual answer and binary answers of one annotator on one text ---------------------------------------

TEXT = "Kofi Annan visited Geneva."
MANUAL = {"text": TEXT, "spans": [{"start": 0, "end": 10, "label": "PERSON"}, {"start": 19, "end": 25, "label": "GPE"}],
          "answer": "accept", "_view_id": "ner_manual", "_annotator_id": "mo", "_timestamp": 100,
          "_input_hash": 1, "_task_hash": 2}
TEACH_REJECT = {"text": TEXT, "spans": [{"start": 19, "end": 25, "label": "LOC"}], "answer": "reject", "_view_id": "ner",
                "_annotator_id": "mo", "_timestamp": 200, "_input_hash": 1, "_task_hash": 3, "meta": {"score": 0.3}}
FULL = [("Kofi", "B-PERSON"), ("Annan", "I-PERSON"), ("visited", "O"), ("Geneva", "B-GPE"), (".", "O")]


def training_tokens(tmp_path: Path, db: Path, name: str = "sp") -> list[tuple[str, str]]:
    run(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / name)
    return docbin(tmp_path / name)[TEXT]


@pytest.mark.parametrize("order", ["manual-first", "teach-first"])
def test_binary_reject_after_manual_answer_keeps_the_manual_answer(tmp_path, order):
    records = [MANUAL, TEACH_REJECT] if order == "manual-first" else [TEACH_REJECT, MANUAL]
    done = run(tmp_path / "m.db", "import", "--no-extract", jsonl(tmp_path / "mt.jsonl", records))
    assert "earlier answers replaced" not in done.stdout + done.stderr
    found = stored(tmp_path / "m.db")[(TEXT, "mo")]
    assert found["status"] == "done" and found["entities"] == [(0, 10, "PERSON"), (19, 25, "GPE")]
    assert training_tokens(tmp_path, tmp_path / "m.db") == FULL
    conll = run(tmp_path / "m.db", "export", "--format", "conll", "-o", "-")
    assert "Kofi -X- -X- B-PERSON" in conll.stdout and "not judged" not in conll.stderr


@pytest.mark.parametrize("order", ["manual-first", "teach-first"])
def test_manual_and_binary_answers_from_two_imports_merge(tmp_path, order):
    first, second = (MANUAL, TEACH_REJECT) if order == "manual-first" else (TEACH_REJECT, MANUAL)
    run(tmp_path / "m.db", "import", "--no-extract", jsonl(tmp_path / "one.jsonl", [first]))
    run(tmp_path / "m.db", "import", "--no-extract", jsonl(tmp_path / "two.jsonl", [second]))
    assert training_tokens(tmp_path, tmp_path / "m.db") == FULL


def test_accepted_suggestion_joins_the_manual_answer_conflicts_warn(tmp_path):
    text = "Kofi Annan visited Geneva on Monday."
    manual = {**MANUAL, "text": text}
    accept_new = {"text": text, "spans": [{"start": 29, "end": 35, "label": "DATE"}], "answer": "accept",
                  "_view_id": "ner", "_annotator_id": "mo", "_task_hash": 4}
    reject_manual = {"text": text, "spans": [{"start": 0, "end": 10, "label": "PERSON"}], "answer": "reject",
                     "_view_id": "ner", "_annotator_id": "mo", "_task_hash": 5}
    accept_clash = {"text": text, "spans": [{"start": 5, "end": 18, "label": "ORG"}], "answer": "accept",
                    "_view_id": "ner", "_annotator_id": "mo", "_task_hash": 6}
    done = run(tmp_path / "m.db", "import", "--no-extract",
               jsonl(tmp_path / "mix.jsonl", [accept_new, manual, reject_manual, accept_clash]))
    found = stored(tmp_path / "m.db")[(text, "mo")]
    assert found["entities"] == [(0, 10, "PERSON"), (19, 25, "GPE"), (29, 35, "DATE")]
    lines = warnings_of(done)
    assert any("rejects PERSON 0-10" in w for w in lines) and any("ORG 5-18" in w for w in lines)
    run(tmp_path / "m.db", "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    assert [tag for _, tag in docbin(tmp_path / "sp")[text]] == [
        "B-PERSON", "I-PERSON", "O", "B-GPE", "O", "B-DATE", "O"]


@pytest.mark.parametrize("fmt", ["prodigy", "jsonl"])
def test_merged_answers_survive_own_export(tmp_path, fmt):
    run(tmp_path / "m.db", "import", "--no-extract", jsonl(tmp_path / "mt.jsonl", [MANUAL, TEACH_REJECT]))
    run(tmp_path / "m.db", "export", "--format", fmt, "-o", tmp_path / "out.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    if fmt == "prodigy":  # the manual answer and the binary task, each a record of its own as they came
        assert [r.get("_view_id") for r in lines] == ["ner_manual", "ner"]
        assert lines[1]["answer"] == "reject" and lines[0]["answer"] == "accept"
    run(tmp_path / "n.db", "import", "--no-extract", tmp_path / "out.jsonl")
    assert training_tokens(tmp_path, tmp_path / "n.db") == FULL
    again = run(tmp_path / "m.db", "import", "--no-extract", tmp_path / "out.jsonl")
    assert "0 annotation sets written" in again.stdout + again.stderr


def test_rejected_manual_answer_is_still_replaced_by_the_later_rule(tmp_path):
    """A manual `reject` is a decision about the whole text, not a complete annotation: binary answers do not
    merge into it (the later-answer rule applies, as before)."""
    rejected = {**MANUAL, "answer": "reject"}
    done = run(tmp_path / "m.db", "import", "--no-extract", jsonl(tmp_path / "r.jsonl", [rejected, TEACH_REJECT]))
    assert "earlier answers replaced" in done.stdout + done.stderr


# -- M10: answers nested in annotator JSONL --------------------------------------------------------------------

BASE = {"text": "Oslo is cold.", "spans": [{"start": 0, "end": 4, "label": "GPE"}], "answer": "accept",
        "_annotator_id": "ea"}


@pytest.mark.parametrize("nested,needle", [
    ({"earlier_answers": [{"_annotator_id": "ea", "answer": "accept",
                           "spans": [{"start": 50, "end": 99, "label": "GPE"}]}]}, "earlier_answers[0]"),
    ({"earlier_answers": [{"answer": "accept", "spans": [{"start": 0, "end": 4, "label": "B-BAD\n"}]}]},
     "earlier_answers[0]"),
    ({"earlier_answers": [{"answer": "accept", "spans": [{"start": 0, "end": 4, "label": "LOC\u202e"}]}]},
     "earlier_answers[0]"),
    ({"earlier_answers": ["not an answer"]}, "earlier_answers[0]"),
    ({"earlier_answers": [{"answer": "maybe", "spans": []}]}, "earlier_answers[0]"),
    ({"earlier_answers": [{"text": "Another text.", "answer": "accept", "spans": []}]}, "earlier_answers[0]"),
    ({"earlier_answers": {"answer": "accept"}}, "earlier_answers"),
    ({"binary_tasks": [{"answer": "accept", "spans": [{"start": -5, "end": 2, "label": "X"}]}]}, "binary_tasks[0]"),
    ({"binary_tasks": [{"answer": "reject", "spans": [{"start": 0, "end": 4, "label": "I-LOC"}]}]},
     "binary_tasks[0]"),
    ({"binary_tasks": [{"answer": "accept", "_view_id": "ner", "spans": [{"start": 0, "end": 4, "label": ""}]}]},
     "binary_tasks[0]"),
    ({"binary_tasks": [{"answer": "yes", "spans": [{"start": 0, "end": 4, "label": "LOC"}]}]}, "binary_tasks[0]"),
    ({"binary_tasks": [{"answer": "accept", "spans": [{"start": 4, "end": 5, "label": "LOC"}]}]}, "binary_tasks[0]"),
    ({"manual_answer": {"answer": "accept", "spans": [{"start": 0, "end": 40, "label": "GPE"}]},
      "binary_tasks": []}, "manual_answer"),
    ({"earlier_answers": [{"answer": "accept", "spans": [], "earlier_answers": [
        {"answer": "accept", "spans": [{"start": 0, "end": 99, "label": "GPE"}]}]}]}, "earlier_answers[0]"),
])
def test_nested_answers_are_checked_like_records(tmp_path, nested, needle):
    source = jsonl(tmp_path / "ea.jsonl", [{"text": "Fine text.", "answer": "accept", "_annotator_id": "x"},
                                           {**BASE, **nested}])
    done = run(tmp_path / "ea.db", "import", "--no-extract", source, ok=False)
    assert done.returncode != 0
    message = done.stderr.strip().splitlines()
    assert any(line.startswith("Error:") and "ea.jsonl:2:" in line and needle in line for line in message), done.stderr
    assert not (tmp_path / "ea.db").exists() or not stored(tmp_path / "ea.db")


def test_attack_input_is_refused_and_own_exports_reimport(tmp_path):
    attack = {**BASE, "earlier_answers": [{"_annotator_id": "ea", "answer": "accept",
                                           "spans": [{"start": 50, "end": 99, "label": "B-BAD\n"}]}],
              "binary_tasks": [{"answer": "accept", "spans": [{"start": -5, "end": 2, "label": "X"}]}]}
    done = run(tmp_path / "ea.db", "import", jsonl(tmp_path / "ea.jsonl", [attack]), ok=False)
    assert done.returncode != 0 and "ea.jsonl:1:" in done.stderr
    # annotator's own nested answers: earlier answers (two manual answers), binary answers merged with a manual one
    second = {**BASE, "spans": [{"start": 0, "end": 4, "label": "LOC"}], "_timestamp": 5}
    teach = {"text": BASE["text"], "spans": [{"start": 8, "end": 12, "label": "X"}], "answer": "reject",
             "_view_id": "ner", "_annotator_id": "ea"}
    run(tmp_path / "own.db", "import", "--no-extract",
        jsonl(tmp_path / "own.jsonl", [{**BASE, "_timestamp": 1}, second, teach]))
    for fmt in ("jsonl", "prodigy"):
        run(tmp_path / "own.db", "export", "--format", fmt, "-o", tmp_path / f"own.{fmt}.jsonl")
        run(tmp_path / f"back-{fmt}.db", "import", "--no-extract", tmp_path / f"own.{fmt}.jsonl")
        found = stored(tmp_path / f"back-{fmt}.db")[(BASE["text"], "ea")]
        assert found["entities"] == [(0, 4, "LOC")]


# -- M11: a BOM at the start of a record's text ----------------------------------------------------------------

def test_doccano_text_bom_is_stripped_offsets_shifted(tmp_path):
    source = jsonl(tmp_path / "bom.jsonl", [{"text": "\ufeffParis is big.", "label": [[1, 6, "GPE"]]},
                                            {"text": "\ufeffRome is big.", "label": [[0, 5, "GPE"]]}])
    done = run(tmp_path / "b.db", "import", source)
    assert "whitespace" not in done.stdout + done.stderr
    found = stored(tmp_path / "b.db")
    assert found[("Paris is big.", "bom")]["entities"] == [(0, 5, "GPE")]
    assert found[("Rome is big.", "bom")]["entities"] == [(0, 4, "GPE")]
    conll = run(tmp_path / "b.db", "export", "--format", "conll", "-o", "-").stdout
    assert "\ufeff" not in conll and "Paris -X- -X- B-GPE" in conll and "Rome -X- -X- B-GPE" in conll
    run(tmp_path / "b.db", "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    assert docbin(tmp_path / "sp")["Paris is big."][0] == ("Paris", "B-GPE")


PRODIGY_BOM = {"text": "\ufeffAnn Lee met Bob.", "answer": "accept", "_annotator_id": "pb",
               "spans": [{"start": 1, "end": 8, "label": "PERSON", "text": "Ann Lee"}],
               "tokens": [{"text": "\ufeffAnn", "start": 0, "end": 4, "id": 0}, {"text": "Lee", "start": 5, "end": 8, "id": 1}],
               "quotes": [{"start": 13, "end": 16, "type": "direct", "speaker": {"start": 1, "end": 4}}]}
PLAIN = {"text": "Ann Lee met Bob.", "answer": "accept", "_annotator_id": "other",
         "spans": [{"start": 12, "end": 15, "label": "PERSON"}]}


@pytest.mark.parametrize("order", ["bom-first", "plain-first", "ingested-first"])
def test_bom_text_is_the_same_document_whatever_came_first(tmp_path, order):
    db = tmp_path / "o.db"
    if order == "ingested-first":
        (tmp_path / "a.txt").write_text("Ann Lee met Bob.", encoding="utf-8")
        run(db, "ingest", "--no-extract", tmp_path / "a.txt")
        run(db, "import", "--no-extract", jsonl(tmp_path / "b.jsonl", [PRODIGY_BOM]))
    else:
        records = [PRODIGY_BOM, PLAIN] if order == "bom-first" else [PLAIN, PRODIGY_BOM]
        run(db, "import", "--no-extract", jsonl(tmp_path / "b.jsonl", records[:1]))
        run(db, "import", "--no-extract", jsonl(tmp_path / "c.jsonl", records[1:]))
    found = stored(db)
    assert {text for text, _ in found} == {"Ann Lee met Bob."}
    pb = found[("Ann Lee met Bob.", "pb")]
    assert pb["entities"] == [(0, 7, "PERSON")] and pb["quotes"] == [(12, 15, "direct", (0, 3))]
    assert pb["extra"]["tokens"][0] == {"text": "Ann", "start": 0, "end": 3, "id": 0}


def test_bom_binary_answers_merge_and_reimport(tmp_path):
    tasks = [{"text": "\ufeffTim Cook leads Apple.", "spans": [{"start": 1, "end": 9, "label": "PERSON"}],
              "answer": "accept", "_view_id": "ner", "_annotator_id": "be"},
             {"text": "\ufeffTim Cook leads Apple.", "spans": [{"start": 16, "end": 21, "label": "PERSON"}],
              "answer": "reject", "_view_id": "ner", "_annotator_id": "be"}]
    run(tmp_path / "t.db", "import", "--no-extract", jsonl(tmp_path / "t.jsonl", tasks))
    found = stored(tmp_path / "t.db")[("Tim Cook leads Apple.", "be")]
    assert found["entities"] == [(0, 8, "PERSON")]
    assert [t["spans"][0]["start"] for t in found["extra"]["binary_tasks"]] == [0, 15]
    run(tmp_path / "t.db", "export", "--format", "prodigy", "-o", tmp_path / "t.p.jsonl")
    again = run(tmp_path / "t.db", "import", "--no-extract", tmp_path / "t.p.jsonl")
    assert "0 annotation sets written" in again.stdout + again.stderr


def test_text_that_is_only_a_bom_is_refused(tmp_path):
    done = run(tmp_path / "z.db", "import", jsonl(tmp_path / "z.jsonl", [{"text": "\ufeff", "label": []}]), ok=False)
    assert done.returncode != 0 and "z.jsonl:1" in done.stderr


def test_bom_record_onto_a_stored_text_that_kept_its_bom(tmp_path):
    """A database from an older annotator may hold a text with its BOM: a record (with or without one) is placed
    onto it, not one character off."""
    from annotator.core.model import Document, content_hash

    db = tmp_path / "old.db"
    with Store(db) as store:
        store.add_document(Document(text="\ufeffParis is big.", title="t", source="s", meta={},
                                    hash=content_hash("\ufeffParis is big.")))
    run(db, "import", "--no-extract", jsonl(tmp_path / "b.jsonl", [
        {"text": "\ufeffParis is big.", "spans": [{"start": 1, "end": 6, "label": "GPE"}], "answer": "accept",
         "_annotator_id": "bo"}]))
    found = stored(db)
    assert found[("\ufeffParis is big.", "bo")]["entities"] == [(1, 6, "GPE")]


def test_second_manual_answer_after_merge_follows_the_later_rule_and_keeps_binary_answers(tmp_path):
    text = "Kofi Annan visited Geneva on Monday."
    first = {**MANUAL, "text": text}
    teach = {"text": text, "spans": [{"start": 29, "end": 35, "label": "DATE"}], "answer": "accept",
             "_view_id": "ner", "_annotator_id": "mo", "_timestamp": 150}
    second = {**first, "spans": [{"start": 0, "end": 10, "label": "PERSON"}, {"start": 19, "end": 25, "label": "LOC"}],
              "_timestamp": 300, "_task_hash": 9}
    source = jsonl(tmp_path / "m.jsonl", [first, teach, second])
    done = run(tmp_path / "m.db", "import", "--no-extract", source)
    assert "1 earlier answers replaced" in done.stdout + done.stderr
    found = stored(tmp_path / "m.db")[(text, "mo")]
    assert found["entities"] == [(0, 10, "PERSON"), (19, 25, "LOC"), (29, 35, "DATE")]
    assert len(found["extra"]["earlier_answers"]) == 1
    again = run(tmp_path / "m.db", "import", "--no-extract", source)
    assert "0 annotation sets written" in again.stdout + again.stderr
    run(tmp_path / "m.db", "export", "--format", "prodigy", "-o", tmp_path / "p.jsonl")
    run(tmp_path / "n.db", "import", "--no-extract", tmp_path / "p.jsonl")
    assert stored(tmp_path / "n.db")[(text, "mo")]["entities"] == found["entities"]


def test_textcat_binary_label_joins_a_manual_answer_as_a_document_tag(tmp_path):
    manual = {**MANUAL}
    textcat = {"text": TEXT, "label": "POLITICS", "answer": "accept", "_view_id": "classification",
               "_annotator_id": "mo"}
    run(tmp_path / "m.db", "import", "--no-extract", jsonl(tmp_path / "c.jsonl", [manual, textcat]))
    with Store(tmp_path / "m.db") as store:
        (doc_id,) = list(store.iter_document_ids())
        aset = store.annotation_set(doc_id, "mo")
        assert aset.document_tags() == ["POLITICS"] and len(aset.entities) == 2
    assert training_tokens(tmp_path, tmp_path / "m.db") == FULL


def test_binary_answers_stored_then_a_merged_jsonl_record(tmp_path):
    """The tasks stored first, then annotator JSONL of the merged set (manual + the same task): one merged set."""
    run(tmp_path / "a.db", "import", "--no-extract", jsonl(tmp_path / "mt.jsonl", [MANUAL, TEACH_REJECT]))
    run(tmp_path / "a.db", "export", "--format", "jsonl", "-o", tmp_path / "merged.jsonl")
    run(tmp_path / "b.db", "import", "--no-extract", jsonl(tmp_path / "t.jsonl", [TEACH_REJECT]))
    run(tmp_path / "b.db", "import", "--no-extract", tmp_path / "merged.jsonl")
    found = stored(tmp_path / "b.db")[(TEXT, "mo")]
    assert found["entities"] == [(0, 10, "PERSON"), (19, 25, "GPE")] and len(found["extra"]["binary_tasks"]) == 1
    assert training_tokens(tmp_path, tmp_path / "b.db") == FULL


@pytest.mark.parametrize("order", ["manual-first", "teach-first"])
def test_manual_answer_equal_to_the_accepted_suggestions_is_complete_either_order(tmp_path, order):
    teach = {"text": TEXT, "spans": [{"start": 0, "end": 10, "label": "PERSON"}], "answer": "accept",
             "_view_id": "ner", "_annotator_id": "mo"}
    manual = {**MANUAL, "spans": [{"start": 0, "end": 10, "label": "PERSON"}]}
    records = [manual, teach] if order == "manual-first" else [teach, manual]
    run(tmp_path / "m.db", "import", "--no-extract", jsonl(tmp_path / "e.jsonl", records))
    assert training_tokens(tmp_path, tmp_path / "m.db") == [
        ("Kofi", "B-PERSON"), ("Annan", "I-PERSON"), ("visited", "O"), ("Geneva", "O"), (".", "O")]


def test_label_studio_quote_joined_to_a_speaker_is_a_quote_and_bom_text_is_shifted(tmp_path):
    text = '\ufeffAnn said "we won" today.'
    result = [
        {"id": "q", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 10, "end": 18, "text": '"we won"', "labels": ["QUOTE"]}},
        {"id": "s", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 1, "end": 4, "text": "Ann", "labels": ["SPEAKER"]}},
        {"from_id": "q", "to_id": "s", "type": "relation", "direction": "right", "labels": ["SPEAKER"]},
    ]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"id": 4, "data": {"text": text},
                                 "annotations": [{"id": 1, "completed_by": 3, "result": result}]}]), encoding="utf-8")
    run(tmp_path / "l.db", "import", "--no-extract", path)
    ((stored_text, _), found), = stored(tmp_path / "l.db").items()
    assert stored_text == text[1:]
    assert found["quotes"] == [(9, 17, "direct", (0, 3))] and found["entities"] == []
