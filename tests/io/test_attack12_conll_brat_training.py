"""Attack 12 (session 3): CoNLL/IOB tokens and labels, brat ids / duplicates / labels / folders / discontinuous
spans, overlapping spans in the exports, and which version the training exports take (gold, people, never a
model's set unless asked; doccano's empty records). Each defect is driven with the attack's input and with
variations of its kind, through the real `annotator` CLI in subprocesses on real files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import Status
from annotator.core.store import Store

CLI = [str(Path(sys.executable).parent / "annotator")]


def cli(db: Path, *args, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*CLI, "--db", str(db), *map(str, args)], capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stderr, done.stderr
    if ok:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert len([line for line in done.stderr.splitlines() if line.startswith("Error")]) == 1, done.stderr
    return done


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def record(text: str, spans: list[tuple[str, str]], who: str = "pp", **more) -> dict:
    """A Prodigy ner_manual answer; each span is (the words, label), found in the text."""
    found, at = [], 0
    for words, label in spans:
        start = text.index(words, at)
        found.append({"start": start, "end": start + len(words), "label": label})
        at = start
    return {"text": text, "spans": found, "answer": "accept", "_annotator_id": who, **more}


def spacy_convert(tmp_path: Path, conll: Path) -> list[list[tuple[str, str]]]:
    """spaCy's own `spacy convert -c ner` on an export, read back: [(entity text, label)] a document."""
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / f"converted-{conll.stem}"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", str(conll), str(out), "--converter", "ner"],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    docs = DocBin().from_disk(next(out.glob("*.spacy"))).get_docs(spacy.blank("en").vocab)
    return [[(e.text, e.label_) for e in d.ents] for d in docs]


def docbin(folder: Path, split: str = "train"):
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(folder / f"{split}.spacy").get_docs(spacy.blank("en").vocab))


def sets(db: Path) -> dict[tuple[str, str], tuple[str, list]]:
    """(text, annotator) -> (status, [(start, end, label)])."""
    result = {}
    with Store(db, readonly=True) as store:
        for doc_id in store.iter_document_ids():
            doc = store.document(doc_id)
            for name in store.annotators_of(doc_id):
                aset = store.annotation_set(doc_id, name)
                result[(doc.text, name)] = (Status(aset.status).value,
                                            sorted((e.start, e.end, e.label) for e in aset.entities))
    return result


# -- #1 CoNLL / IOB export tokenizes like spaCy: an entity before punctuation is tagged -------------------------

PUNCT = {"text": "I visited Paris. Then Rome, and Oslo!", "spans": [
    {"start": 10, "end": 15, "label": "GPE"}, {"start": 22, "end": 26, "label": "GPE"},
    {"start": 32, "end": 36, "label": "GPE"}], "answer": "accept", "_annotator_id": "pp"}

NEWS = [  # (text, [(entity words, label)]): quotes, hyphens, possessives, emoji, brackets, dashes
    ("\u201cWe will not pay,\u201d said Angela Merkel's spokesman in Berlin.",
     [("Angela Merkel", "PERSON"), ("Berlin", "GPE")]),
    ("The Franco-German summit (in Strasbourg) ended; Macron's aides left for Paris\U0001F389 early.",
     [("Strasbourg", "GPE"), ("Macron", "PERSON"), ("Paris", "GPE")]),
    ("Shares of Tesla, Inc. fell 3% \u2014 Elon Musk's tweet? \"No comment,\" Reuters wrote.",
     [("Tesla, Inc.", "ORG"), ("Elon Musk", "PERSON"), ("Reuters", "ORG")]),
    ("Ms. O'Neill (D-N.Y.) met the U.N. envoy in S\u00e3o Paulo...",
     [("O'Neill", "PERSON"), ("U.N.", "ORG"), ("S\u00e3o Paulo", "GPE")]),
]


@pytest.mark.parametrize("fmt", ["conll", "iob"])
def test_conll_and_iob_tag_an_entity_followed_by_punctuation(tmp_path, fmt):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "punct.jsonl", [PUNCT]), "--no-extract")
    out = tmp_path / f"pu.{fmt}"
    done = cli(db, "export", "--format", fmt, "-o", out)
    assert "UserWarning" not in done.stderr and "W030" not in done.stderr  # the tool's own listing only
    rows = [line.split() for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    tagged = {row[0]: row[-1] for row in rows}
    assert tagged["Paris"] == tagged["Rome"] == tagged["Oslo"] == "B-GPE"
    assert tagged["."] == tagged[","] == tagged["!"] == "O"
    if fmt == "conll":
        assert spacy_convert(tmp_path, out) == [[("Paris", "GPE"), ("Rome", "GPE"), ("Oslo", "GPE")]]


def test_conll_export_of_news_text_reads_back_through_spacy_convert(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "news.jsonl", [record(t, s) for t, s in NEWS]), "--no-extract")
    out = tmp_path / "news.conll"
    done = cli(db, "export", "--format", "conll", "-o", out)
    assert "not aligned" not in done.stderr
    def squeezed(docs):  # spacy convert joins tokens by spaces ("Tesla , Inc.")
        return [[(words.replace(" ", ""), label) for words, label in doc] for doc in docs]

    assert squeezed(spacy_convert(tmp_path, out)) == squeezed([s for _, s in NEWS])
    # the tokens are spaCy's own (the spaCy DocBin export's): "Merkel" "'s", "Franco" "-" "German", "Paris" "🎉"
    import spacy

    words = [line.split()[0] for line in out.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("-DOCSTART-")]
    nlp = spacy.blank("en")
    assert words == [t.text for text, _ in NEWS for t in nlp.make_doc(text) if not t.is_space]
    # imported back, the text is the tokens joined by spaces and the entities are the same words
    again = tmp_path / "again.db"
    cli(again, "import", out, "--no-extract")
    back = sets(again)
    assert sorted(label for (_, _), (_, ents) in back.items() for *_, label in ents) == sorted(
        label for _, s in NEWS for _, label in s)


def test_conll_lists_an_entity_that_is_not_on_token_boundaries_or_crosses_a_line(tmp_path):
    text = "Visit Berlinale now.\nNew\nYork is big."
    db = tmp_path / "a.db"
    answer = {"text": text, "answer": "accept", "_annotator_id": "pp", "spans": [
        {"start": 6, "end": 12, "label": "GPE"},  # "Berlin" inside the token "Berlinale"
        {"start": 21, "end": 29, "label": "GPE"},  # "New\nYork" crosses a line
        {"start": 30, "end": 32, "label": "X"}]}  # "is": fine
    cli(db, "import", jsonl(tmp_path / "m.jsonl", [answer]), "--no-extract")
    for fmt in ("conll", "iob"):
        done = cli(db, "export", "--format", fmt, "-o", tmp_path / f"m.{fmt}")
        assert "not aligned: document 1 (pp): GPE entity 6-12" in done.stderr
        assert "GPE entity 21-29" in done.stderr and "crosses a line" in done.stderr
        assert "2 spans not aligned with tokens" in done.stdout
        assert "UserWarning" not in done.stderr
        # attack s4 M8: O on tokens a person labelled would teach "no entity": the document is left out
        assert "the document is left out" in done.stderr and "0 records of 0 documents" in done.stdout
        assert "Berlinale" not in (tmp_path / f"m.{fmt}").read_text(encoding="utf-8")


# -- #7 a label CoNLL's / brat's columns cannot hold -----------------------------------------------------------


@pytest.mark.parametrize("label, fmt", [("NEW LABEL", "conll"), ("TWO\u00a0WORDS", "iob"), ("NEW LABEL", "brat"),
                                        ("TWO\u2003WORDS", "brat"), ("TAB\tBED", "conll")])
def test_a_label_with_whitespace_is_refused_in_one_line_and_nothing_is_written(tmp_path, label, fmt):
    db = tmp_path / "a.db"
    answer = {"text": "Hello Bob and Ann", "answer": "accept", "_annotator_id": "sp-x",
              "spans": [{"start": 6, "end": 9, "label": label}, {"start": 14, "end": 17, "label": "A;B"}]}
    done = subprocess.run([*CLI, "--db", str(db), "import", str(jsonl(tmp_path / "s.jsonl", [answer])),
                           "--no-extract"], capture_output=True, text=True, timeout=120)
    if done.returncode:  # a label the import itself refuses (a tab) is refused there, in one line
        assert "Traceback" not in done.stderr and done.stderr.count("\n") <= 2
        return
    out = tmp_path / f"out.{fmt}"
    refused = cli(db, "export", "--format", fmt, "-o", out, ok=False)
    assert repr(label) in refused.stderr and "--labels" in refused.stderr
    assert not out.exists()
    # leaving the label out exports the rest; the other label (with a ";") reads back as it is
    cli(db, "export", "--format", fmt, "-o", out, "--labels", "A;B")
    if fmt == "conll":
        assert spacy_convert(tmp_path, out) == [[("Ann", "A;B")]]


def test_conll_labels_with_punctuation_and_letters_read_back_identically_by_spacy(tmp_path):
    text = "Dr. Müller of Zürich-Kloten met Ada."
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "l.jsonl", [record(text, [("Müller", "PER/Arzt"), ("Zürich-Kloten", "Ört"),
                                                                 ("Ada", "X-I-O")])]), "--no-extract")
    out = tmp_path / "l.conll"
    cli(db, "export", "--format", "conll", "-o", out)
    assert spacy_convert(tmp_path, out) == [[("Müller", "PER/Arzt"), ("Zürich - Kloten", "Ört"), ("Ada", "X-I-O")]]


# -- #27 a token line with the wrong number of columns ------------------------------------------------------


@pytest.mark.parametrize("content, line", [
    ("I\tO\nlove\tO\nNew York B-LOC\n.\tO\n", 3),  # the attack's
    ("I\tO\nlove\tO\nNew York\tB-LOC\n.\tO\n", 3),  # tab-separated, a space in the token
    ("-DOCSTART- -X- O O\n\nI PRP B-NP O\nflew VBD B-VP O\nto TO B-PP O\nLos Angeles NNP B-NP B-LOC\n", 6),
    ("We O\nmet O\n\nSan Jose B-LOC\n", 4),
])
def test_a_token_line_with_more_columns_is_refused_with_its_line(tmp_path, content, line):
    path = tmp_path / "t.iob"
    path.write_text(content, encoding="utf-8")
    db = tmp_path / "a.db"
    done = cli(db, "import", path, "--no-extract", ok=False)
    assert f"t.iob:{line}:" in done.stderr and "columns" in done.stderr
    assert not Path(db).exists() or not sets(db)


def test_a_file_with_three_columns_throughout_still_imports(tmp_path):
    path = tmp_path / "three.txt"
    path.write_text("Ada NNP B-PER\nLovelace NNP I-PER\nwrote VBD O\n\nLondon NNP B-LOC\n", encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", path, "--no-extract")
    assert sorted(ents for _, ents in sets(db).values()) == [[(0, 6, "LOC")], [(0, 12, "PER")]]


# -- #2 / #9 which version a training export takes -----------------------------------------------------------

LS_TASKS = [
    {"id": 1, "data": {"text": "Angela Merkel visited Berlin today."},
     "annotations": [{"id": 10, "completed_by": {"email": "zoe@x.org"}, "result": [
         {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
          "value": {"start": 0, "end": 13, "text": "Angela Merkel", "labels": ["PER"]}},
         {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
          "value": {"start": 22, "end": 28, "text": "Berlin", "labels": ["LOC"]}}]}],
     "predictions": [{"model_version": "v1", "result": [
         {"id": "c", "from_name": "label", "to_name": "text", "type": "labels",
          "value": {"start": 0, "end": 13, "text": "Angela Merkel", "labels": ["PER"]}}]}]},
    {"id": 2, "data": {"text": "Nobody looked at Paris."},
     "annotations": [{"id": 11, "completed_by": {"email": "zoe@x.org"}, "was_cancelled": True, "result": []}],
     "predictions": [{"result": [{"id": "d", "from_name": "label", "to_name": "text", "type": "labels",
                                  "value": {"start": 17, "end": 22, "text": "Paris", "labels": ["LOC"]}}]}]},
]


def test_label_studio_predictions_never_train_over_a_person_nor_for_one_who_skipped(tmp_path):
    db = tmp_path / "a.db"
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(LS_TASKS), encoding="utf-8")
    cli(db, "import", path, "--no-extract")
    done = cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    # predictions are the model's pre-annotation, status new (issue-12b): never a training candidate at all
    assert "1 records of 1 documents" in done.stdout
    (doc,) = docbin(tmp_path / "sp")
    assert [(e.text, e.label_) for e in doc.ents] == [("Angela Merkel", "PER"), ("Berlin", "LOC")]
    assert doc.user_data["annotator"]["annotator"] == "zoe@x.org"
    for fmt in ("doccano", "conll", "iob"):
        out = cli(db, "export", "--format", fmt, "-o", "-").stdout
        assert "Paris" not in out and "Berlin" in out
    # asked for, the model's sets rank after the person's and never stand in for the one who skipped
    asked = cli(db, "export", "--format", "doccano", "-o", "-", "--include-model")
    lines = [json.loads(line) for line in asked.stdout.splitlines() if line.startswith("{")]
    assert [r["user"] for r in lines] == ["zoe@x.org"]
    assert "zoe@x.org (skipped)" in asked.stderr and "never stands in" in asked.stderr


def test_a_model_set_from_any_import_is_left_out_of_training_unless_asked(tmp_path):
    text = "Kofi Annan spoke in Accra."
    records = [record(text, [("Kofi Annan", "PERSON")], who="model"),  # imported as model@<file stem>
               record(text, [("Kofi Annan", "PERSON"), ("Accra", "GPE")], who="ama")]
    solo = record("Only the model saw Lagos.", [("Lagos", "GPE")], who="model")
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "mixed.jsonl", [*records, solo]), "--no-extract")
    done = cli(db, "export", "--format", "doccano", "-o", "-", "--versions", "all")
    users = [json.loads(line)["user"] for line in done.stdout.splitlines() if line.startswith("{")]
    assert users == ["ama"]
    asked = cli(db, "export", "--format", "doccano", "-o", "-", "--include-model")
    kept = {json.loads(line)["text"]: json.loads(line)["user"] for line in asked.stdout.splitlines()
            if line.startswith("{")}
    assert kept == {text: "ama", "Only the model saw Lagos.": "model@mixed"}


REVIEW = {"text": "Merkel met Macron in Paris.", "answer": "accept", "_annotator_id": "ds-alice", "_view_id": "review",
          "spans": [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 11, "end": 17, "label": "PERSON"}],
          "versions": [
              {"text": "Merkel met Macron in Paris.", "answer": "accept", "sessions": ["ds-alice", "ds-bob"],
               "default": True, "spans": [{"start": 0, "end": 6, "label": "PERSON"}]},
              {"text": "Merkel met Macron in Paris.", "answer": "accept", "sessions": ["ds-carl"], "default": False,
               "spans": [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 11, "end": 17, "label": "ORG"}]}]}


def test_a_prodigy_review_answer_is_the_gold_version_of_the_training_exports(tmp_path):
    db = tmp_path / "a.db"
    later = record("Merkel met Macron in Paris.", [("Paris", "GPE")], who="ds-dan")  # a later person's set
    cli(db, "import", jsonl(tmp_path / "review.jsonl", [REVIEW, later]), "--no-extract")
    done = cli(db, "export", "--format", "doccano", "-o", "-")
    (line,) = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    assert line["user"] == "gold@ds-alice"
    assert [(e["start_offset"], e["label"]) for e in line["entities"]] == [(0, "PERSON"), (11, "PERSON")]
    assert "kept gold@ds-alice (gold)" in done.stderr
    cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    (doc,) = docbin(tmp_path / "sp")
    assert [(e.text, e.label_) for e in doc.ents] == [("Merkel", "PERSON"), ("Macron", "PERSON")]


# -- #10 doccano records nobody annotated ------------------------------------------------------------------------


def test_doccano_records_with_empty_annotation_lists_are_documents_to_annotate(tmp_path):
    records = [
        {"id": 1, "text": "Sam founded Acme.", "label": [[0, 3, "PER"]], "Comments": []},
        {"id": 2, "text": "Nobody annotated this one.", "label": [], "Comments": []},
        {"id": 3, "text": "Nor this one.", "entities": [], "relations": [], "Comments": []},
        {"id": 4, "text": "Or this one, by user 7.", "labels": [], "user": 7},
        {"id": 5, "text": "A category only.", "label": ["POSITIVE"]},
    ]
    db = tmp_path / "a.db"
    done = cli(db, "import", jsonl(tmp_path / "dpu.jsonl", records), "--no-extract")
    assert "3 texts without annotations (status new)" in done.stdout
    found = sets(db)
    assert {text for text, _ in found} == {"Sam founded Acme.", "A category only."}
    cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    assert sorted(d.text for d in docbin(tmp_path / "sp")) == ["A category only.", "Sam founded Acme."]


def test_an_empty_set_a_person_finished_goes_to_doccano_and_back_as_done(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "e.jsonl", [record("Nothing to see here.", [], who="kim"),
                                                    record("Lagos again.", [("Lagos", "GPE")], who="kim")]),
        "--no-extract")
    out = tmp_path / "d.jsonl"
    cli(db, "export", "--format", "doccano", "-o", out)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("done") for r in lines] == [True, None]
    again = tmp_path / "again.db"
    cli(again, "import", out, "--no-extract")
    assert sets(again) == {("Nothing to see here.", "kim"): ("done", []),
                           ("Lagos again.", "kim"): ("done", [(0, 5, "GPE")])}
    out2 = tmp_path / "d2.jsonl"
    cli(again, "export", "--format", "doccano", "-o", out2)
    assert out2.read_bytes() == out.read_bytes()


# -- brat: ids (#4), duplicates (#5), folders (#23), discontinuous (#26) -------------------------------------------

BRAT_TEXT = "John Smith said the bank in New York failed.\n\"It is over,\" he said.\n"
BRAT_ANN = ("T1\tPERSON 0 10\tJohn Smith\nT2\tORG 16 24;28 36\tthe bank New York\nT4\tQuote 46 57\tIt is over,\n"
            "T5\tPERSON 59 61\the\nT6\tCue 62 66\tsaid\nR1\tSpeaker Arg1:T4 Arg2:T5\nR2\tCue Arg1:T4 Arg2:T6\n"
            "A1\tNegated T1\n#1\tAnnotatorNotes T1\tthe CEO\n*\tEquiv T1 T5\nT7\tFailure 37 43\tfailed\n"
            "E1\tFailure:T7 Theme:T2\n#2\tAnnotatorNotes R1\tsure\nA2\tSpeculation E1\n")


def brat_refs(ann: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(id -> what it is, [(line id, referenced id)]) of an .ann, parsed here independently of the reader."""
    ids, refs = {}, []
    for line in ann.splitlines():
        fields = line.split("\t")
        if fields[0] != "*":
            assert fields[0] not in ids, f"duplicate id in the export: {line!r}"
        if fields[0].startswith("T"):
            ids[fields[0]] = f"{fields[1]}|{fields[2]}"
        elif fields[0] != "*":
            ids[fields[0]] = fields[1]
        for token in fields[1].split():
            found = re.match(r"^(?:[^:]*:)?([TREAMN#]\d+)$", token)
            if found:
                refs.append((fields[0], found.group(1)))
    return ids, refs


def meaning(ann: str) -> set[str]:
    """Every line with its references replaced by what they point at: the same meaning whatever the ids."""
    ids, _ = brat_refs(ann)
    result = set()
    for line in ann.splitlines():
        fields = line.split("\t")
        body = " ".join(re.sub(r"^((?:[^:]*:)?)([TREAMN#]\d+)$", lambda m: m.group(1) + "<" + ids.get(
            m.group(2), "?") + ">", token) for token in fields[1].split())
        result.add("\t".join([fields[0][0], body, *fields[2:]]))
    return result


@pytest.mark.parametrize("renumber", [False, True])
def test_brat_export_keeps_every_reference_of_kept_lines_true(tmp_path, renumber):
    ann = BRAT_ANN
    if renumber:  # a variation: sparse ids in another order
        new_ids = {"T1": "T31", "T2": "T12", "T4": "T40", "T5": "T9", "T6": "T3", "T7": "T77", "R1": "R8",
                   "R2": "R1", "E1": "E5"}
        ann = re.sub(r"\b[TRE]\d+\b", lambda m: new_ids.get(m.group(), m.group()), ann)
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(BRAT_TEXT, encoding="utf-8")
    (folder / "a.ann").write_text(ann, encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", folder, "--no-extract")
    out = tmp_path / "out"
    cli(db, "export", "--format", "brat", "-o", out)
    written = (out / "a.ann").read_text(encoding="utf-8")
    ids, refs = brat_refs(written)
    assert all(ref in ids for _, ref in refs), written
    assert meaning(written) >= meaning(ann) - {m for m in meaning(ann) if m.startswith("#\tAnnotatorNotes <Quote")}
    # import -> export -> import -> export: the same file
    again = tmp_path / "again.db"
    cli(again, "import", out, "--no-extract")
    cli(again, "export", "--format", "brat", "-o", tmp_path / "out2")
    assert (tmp_path / "out2" / "a.ann").read_text(encoding="utf-8") == written


@pytest.mark.parametrize("ann, line, ident", [
    ("T1\tPER 0 3\tAnn\nT1\tPER 8 11\tBob\n", 2, "T1"),  # the attack's
    ("T1\tPER 0 3\tAnn\nT2\tPER 8 11\tBob\nR1\tMeets Arg1:T1 Arg2:T2\nR1\tMeets Arg1:T2 Arg2:T1\n", 4, "R1"),
    ("T1\tPER 0 3\tAnn\nA1\tNegated T1\n\nA1\tUnsure T1\n", 4, "A1"),
    ("T3\tPER 0 3\tAnn\n#1\tAnnotatorNotes T3\tx\nT3\tLOC 8 11\tBob\n", 3, "T3"),
])
def test_a_duplicate_brat_id_is_refused_with_its_line(tmp_path, ann, line, ident):
    folder = tmp_path / "dupid"
    folder.mkdir()
    (folder / "d.txt").write_text("Ann met Bob.\n", encoding="utf-8")
    (folder / "d.ann").write_text(ann, encoding="utf-8")
    db = tmp_path / "a.db"
    done = cli(db, "import", folder, "--no-extract", ok=False)
    assert f"d.ann:{line}: duplicate id {ident}" in done.stderr


def test_brat_export_writes_into_an_existing_collection_folder(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "b.jsonl", [record("Ada met Bob.", [("Ada", "PER")], who="kim")]),
        "--no-extract")
    out = tmp_path / "collection"
    out.mkdir()
    (out / "annotation.conf").write_text("[entities]\nPER\n", encoding="utf-8")
    cli(db, "export", "--format", "brat", "-o", out)
    cli(db, "export", "--format", "brat", "-o", out)  # refreshed in place
    assert sorted(p.name for p in out.iterdir()) == ["annotation.conf", "doc-1.ann", "doc-1.txt"]
    assert (out / "annotation.conf").read_text(encoding="utf-8") == "[entities]\nPER\n"
    assert (out / "doc-1.ann").read_text(encoding="utf-8") == "T1\tPER 0 3\tAda\n"
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x", encoding="utf-8")
    refused = cli(db, "export", "--format", "brat", "-o", a_file, ok=False)
    assert "brat export writes a folder" in refused.stderr and "train" not in refused.stderr
    help_text = cli(db, "export", "--help").stdout
    assert "brat" in help_text and "a folder for spacy, brat" in " ".join(help_text.split())


def test_a_discontinuous_brat_entity_does_not_train_but_goes_back_to_brat(tmp_path):
    folder = tmp_path / "disc"
    folder.mkdir()
    text = "The bank in New York and the Bank of Oslo failed.\n"
    (folder / "d.txt").write_text(text, encoding="utf-8")
    (folder / "d.ann").write_text("T1\tORG 4 8;12 20\tbank New York\nT2\tORG 25 41\tthe Bank of Oslo\n",
                                  encoding="utf-8")
    db = tmp_path / "a.db"
    done = cli(db, "import", folder, "--no-extract")
    assert "left out of NER training" in done.stderr
    sp = cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    assert "discontinuous ORG entity 4-8; 12-20" in sp.stderr and "cannot hold" in sp.stdout
    (doc,) = docbin(tmp_path / "sp")
    assert [(e.text, e.label_) for e in doc.ents] == [("the Bank of Oslo", "ORG")]
    assert [t.ent_iob_ for t in doc[1:5]] == ["", "", "", ""]  # bank in New York: missing, neither ORG nor O
    conll = cli(db, "export", "--format", "conll", "-o", "-")
    assert "discontinuous ORG entity" in conll.stderr and "in -X- -X- I-ORG" not in conll.stdout
    assert "bank" not in conll.stdout and "the document is left out" in conll.stderr  # never O (attack s4 M8)
    cli(db, "export", "--format", "brat", "-o", tmp_path / "out")
    assert "T1\tORG 4 8;12 20\tbank New York\n" in (tmp_path / "out" / "d.ann").read_text(encoding="utf-8")


# -- #8 overlapping spans go where the format can hold them ------------------------------------------------------

SPANS = {"text": "The Bank of England raised rates.", "_view_id": "spans_manual", "answer": "accept",
         "_annotator_id": "sp", "spans": [{"start": 4, "end": 19, "label": "ORG"}, {"start": 12, "end": 19, "label": "GPE"}]}


def test_overlapping_spans_reach_the_span_group_brat_and_label_studio_and_are_listed(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "p_spans.jsonl", [SPANS]), "--no-extract")
    done = cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    assert "GPE span 12-19 overlaps an entity" in done.stderr and "cannot hold" in done.stdout
    (doc,) = docbin(tmp_path / "sp")
    assert [(e.text, e.label_) for e in doc.ents] == [("Bank of England", "ORG")]
    assert sorted((s.text, s.label_) for s in doc.spans["sc"]) == [("Bank of England", "ORG"), ("England", "GPE")]
    cli(db, "export", "--format", "brat", "-o", tmp_path / "brat")
    ann = (tmp_path / "brat" / "doc-1.ann").read_text(encoding="utf-8")
    assert "\tORG 4 19\tBank of England\n" in ann and "\tGPE 12 19\tEngland\n" in ann
    # brat -> annotator -> brat keeps both (the overlapping one apart from the entities, with a warning)
    again = tmp_path / "again.db"
    back = cli(again, "import", tmp_path / "brat", "--no-extract")
    assert "overlaps an earlier entity" in back.stderr
    cli(again, "export", "--format", "brat", "-o", tmp_path / "brat2")
    assert (tmp_path / "brat2" / "doc-1.ann").read_text(encoding="utf-8") == ann
    ls = json.loads(cli(db, "export", "--format", "labelstudio", "-o", "-").stdout)
    regions = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                     for r in ls[0]["annotations"][0]["result"] if r["type"] == "labels")
    assert regions == [(4, 19, "ORG"), (12, 19, "GPE")]
    conll = cli(db, "export", "--format", "conll", "-o", "-")
    assert "GPE span 12-19 overlaps an entity: left out" in conll.stderr
    doccano = cli(db, "export", "--format", "doccano", "-o", "-")
    # doccano holds overlapping spans: written as entities (attack 12 #14, issue-12b), read back apart again
    (line,) = [json.loads(x) for x in doccano.stdout.splitlines() if x.startswith("{")]
    assert sorted((e["start_offset"], e["end_offset"], e["label"]) for e in line["entities"]) == [
        (4, 19, "ORG"), (12, 19, "GPE")]


def test_nested_brat_spans_import_and_train_as_a_span_group(tmp_path):
    folder = tmp_path / "nested"
    folder.mkdir()
    (folder / "n.txt").write_text("Officials at Oslo University Hospital said so.\n", encoding="utf-8")
    (folder / "n.ann").write_text("T1\tORG 13 37\tOslo University Hospital\nT2\tGPE 13 17\tOslo\n"
                                  "T3\tORG 13 28\tOslo University\n", encoding="utf-8")
    db = tmp_path / "a.db"
    done = cli(db, "import", folder, "--no-extract")
    assert "n.ann:2:" in done.stderr and "n.ann:3:" in done.stderr
    cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    (doc,) = docbin(tmp_path / "sp")
    assert [e.text for e in doc.ents] == ["Oslo University Hospital"]
    assert len(doc.spans["sc"]) == 3


def test_iob_export_separates_documents_the_way_spacy_convert_reads_them(tmp_path):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "d.jsonl", [
        record("Ada Lovelace wrote.\nBabbage built it in London.", [("Ada Lovelace", "PER"), ("London", "LOC")]),
        record("Paris, again.", [("Paris", "LOC")])]), "--no-extract")
    out = tmp_path / "d.iob"
    cli(db, "export", "--format", "iob", "-o", out)
    text = out.read_text(encoding="utf-8")
    assert "-DOCSTART-\tO" not in text and text.count("-DOCSTART- -X- O O\n") == 2
    assert spacy_convert(tmp_path, out) == [[("Ada Lovelace", "PER"), ("London", "LOC")], [("Paris", "LOC")]]
    again = tmp_path / "again.db"
    cli(again, "import", out, "--no-extract")
    assert len(sets(again)) == 2  # two documents, as exported


def test_a_kept_brat_line_whose_target_was_deleted_or_relabelled_is_left_out_and_listed(tmp_path):
    from annotator.core import ops

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(BRAT_TEXT, encoding="utf-8")
    (folder / "a.ann").write_text(BRAT_ANN, encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", folder, "--no-extract")
    with Store(db) as store:  # in the window: "failed" deleted, "John Smith" relabelled
        aset = store.annotation_set(1, "corpus")
        by_text = {BRAT_TEXT[e.start:e.end]: e for e in aset.entities}
        ops.delete_entity(store, entity_id=by_text["failed"].id)
        ops.relabel_entity(store, entity_id=by_text["John Smith"].id, label="PER")
    done = cli(db, "export", "--format", "brat", "-o", tmp_path / "out")
    written = (tmp_path / "out" / "a.ann").read_text(encoding="utf-8")
    ids, refs = brat_refs(written)
    assert all(ref in ids for _, ref in refs), written
    assert "E1\t" not in written and "A2\tSpeculation" not in written
    assert "T1\tPER 0 10\tJohn Smith\n" in written and "*\tEquiv T1 T5\n" in written  # relabelled: same id
    assert "brat line 'E1\\tFailure:T7 Theme:T2' left out: it points at T7" in done.stderr
    assert "brat line 'A2\\tSpeculation E1' left out: it points at E1" in done.stderr
    assert "#2\tAnnotatorNotes R1\tsure" in written  # the speaker relation is still there under its id
    assert "PER 0 10\tJohn Smith" in written


def test_a_relation_type_with_whitespace_is_refused_for_brat(tmp_path):
    text = "Ada works for Acme."
    answer = {"text": text, "answer": "accept", "_annotator_id": "r", "spans": [
        {"start": 0, "end": 3, "label": "PER", "token_start": 0, "token_end": 0},
        {"start": 14, "end": 18, "label": "ORG", "token_start": 3, "token_end": 3}],
        "relations": [{"head": 0, "child": 3, "label": "WORKS FOR",
                       "head_span": {"start": 0, "end": 3, "label": "PER", "token_start": 0, "token_end": 0},
                       "child_span": {"start": 14, "end": 18, "label": "ORG", "token_start": 3, "token_end": 3}}]}
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "rel.jsonl", [answer]), "--no-extract")
    refused = cli(db, "export", "--format", "brat", "-o", tmp_path / "out", ok=False)
    assert "relation type 'WORKS FOR'" in refused.stderr
    assert not (tmp_path / "out").exists()


def test_a_brat_pair_by_file_or_by_folder_is_the_same_annotator_and_set(tmp_path):
    folder = tmp_path / "collection"
    folder.mkdir()
    (folder / "a.txt").write_text("Ada met Bob.\n", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPER 0 3\tAda\n", encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", folder / "a.ann", "--no-extract")
    again = cli(db, "import", folder, "--no-extract")
    assert "0 annotation sets written, 1 unchanged" in again.stdout
    assert list(sets(db)) == [("Ada met Bob.\n", "collection")]


def test_naming_only_the_model_set_exports_it_as_it_is(tmp_path):
    db = tmp_path / "a.db"
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(LS_TASKS), encoding="utf-8")
    cli(db, "import", path, "--no-extract")
    # the predictions went to the documents' `model` sets (they had none; issue-12b), status new
    done = cli(db, "export", "--format", "doccano", "-o", "-", "--annotator", "model")
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    assert {(line["user"], line["text"]) for line in lines} == {
        ("model", "Nobody looked at Paris."), ("model", "Angela Merkel visited Berlin today.")}


@pytest.mark.parametrize("labels", [["NOPE"], ["PRESON", "ORGG"], ["PER,X"]])
def test_export_labels_that_name_no_known_label_are_refused(tmp_path, labels):
    db = tmp_path / "a.db"
    cli(db, "import", jsonl(tmp_path / "l.jsonl", [record("Ada met Bob.", [("Ada", "PER")])]), "--no-extract")
    args = [a for label in labels for a in ("--labels", label)]
    if labels == ["PER,X"]:  # one comma-separated value: PER is known, so it exports
        out = cli(db, "export", "--format", "prodigy", "-o", "-", *args).stdout
        assert '"label": "PER"' in out
        return
    refused = cli(db, "export", "--format", "prodigy", "-o", "-", *args, ok=False)
    assert "no entity label named" in refused.stderr and "PER" in refused.stderr


def test_a_discontinuous_brat_span_that_overlaps_an_entity_stays_out_of_every_spacy_span(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "x.txt").write_text("The bank in New York failed.\n", encoding="utf-8")
    (folder / "x.ann").write_text("T1\tGPE 12 20\tNew York\nT2\tORG 4 8;12 20\tbank New York\n", encoding="utf-8")
    db = tmp_path / "a.db"
    cli(db, "import", folder, "--no-extract")
    done = cli(db, "export", "--format", "spacy", "--split", "1", "-o", tmp_path / "sp")
    assert "discontinuous ORG span 4-20 overlaps an entity: left out" in done.stderr
    (doc,) = docbin(tmp_path / "sp")
    assert [(e.text, e.label_) for e in doc.ents] == [("New York", "GPE")]
    assert "sc" not in doc.spans or all(s.label_ != "ORG" for s in doc.spans["sc"])
    cli(db, "export", "--format", "brat", "-o", tmp_path / "out")
    assert "T2\tORG 4 8;12 20\tbank New York\n" in (tmp_path / "out" / "x.ann").read_text(encoding="utf-8")
