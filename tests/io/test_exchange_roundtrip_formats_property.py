"""Hypothesis, per exchange format: a file in that format imported, exported in the same format and imported again
changes nothing (same documents, sets, entities, quotes with speaker and cue, tags), and the second export is the
same file as the first. Generated texts hold emoji, combining marks, CRLF and LF line breaks; quotes overlap
entities. Runs in-process through the same import_file / export the CLI calls."""

from __future__ import annotations

from pathlib import Path

import pytest
from exchange_helpers import write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import Status
from annotator.core.store import Store
from annotator.io.exporter import ExportOptions, export
from annotator.io.importer import import_file

WORDS = st.sampled_from(["Kerry", "said", "the", "Taliban", "“war”", "e\u0301te\u0301", "naïve", "😀", "Zoë",
                         "Paris", ",", "\"no\"", "U.S.", "don't", "Jönsdóttir-Krížová"])
BREAKS = st.sampled_from([" ", " ", " ", "\n", "\r\n"])
LABELS = st.sampled_from(["PERSON", "ORG", "GPE"])
TAGS = st.lists(st.sampled_from(["POLITICS", "LOCAL"]), unique=True, max_size=2).map(sorted)

WITH_QUOTES = {"jsonl", "prodigy", "doccano", "labelstudio", "brat"}
WITH_TAGS = {"jsonl", "prodigy", "doccano", "labelstudio"}
SINGLE_ANNOTATOR = {"conll", "iob", "brat"}
SUFFIX = {"prodigy": ".jsonl", "doccano": ".jsonl", "labelstudio": ".json", "conll": ".conll", "iob": ".iob",
          "brat": "", "jsonl": ".jsonl"}


@st.composite
def documents(draw, fmt: str):
    """annotator JSONL records: words joined by spaces or line breaks, spans on word boundaries."""
    records = []
    texts = draw(st.lists(st.lists(WORDS, min_size=3, max_size=14), min_size=1, max_size=3,
                          unique_by=lambda words: " ".join(words)))
    annotators = ["data"] if fmt in SINGLE_ANNOTATOR else ["alice", "bob"]
    for words in texts:
        text, bounds = "", []
        for i, word in enumerate(words):
            if i:
                text += draw(BREAKS)
            bounds.append((len(text), len(text) + len(word)))
            text += word
        for who in draw(st.lists(st.sampled_from(annotators), min_size=1, max_size=2, unique=True)):
            cuts = sorted(draw(st.lists(st.integers(0, len(words) - 1), max_size=4, unique=True)))
            spans = []
            for a, b in zip(cuts[::2], cuts[1::2]):
                spans.append({"start": bounds[a][0], "end": bounds[b][1], "label": draw(LABELS)})
            quotes = []
            if fmt in WITH_QUOTES and draw(st.booleans()):
                a, b = sorted(draw(st.lists(st.integers(0, len(words) - 1), min_size=2, max_size=2, unique=True)))
                speaker = cue = None
                if draw(st.booleans()):
                    s = draw(st.integers(0, len(words) - 1))
                    speaker = {"start": bounds[s][0], "end": bounds[s][1]}
                if draw(st.booleans()):
                    c = draw(st.integers(0, len(words) - 1))
                    cue = {"start": bounds[c][0], "end": bounds[c][1]}
                quotes.append({"start": bounds[a][0], "end": bounds[b][1],
                               "type": draw(st.sampled_from(["direct", "indirect", "mixed"])),
                               "speaker": speaker, "cue": cue,
                               "speaker_name": draw(st.none() | st.sampled_from(["John Kerry", "Zoë"])), "tags": []})
            records.append({"text": text, "_annotator_id": who, "answer": "accept", "spans": spans, "quotes": quotes,
                            "tags": draw(TAGS) if fmt in WITH_TAGS else []})
    return records


def state(store: Store) -> dict:
    result = {}
    for doc_id in store.iter_document_ids():
        doc = store.document(doc_id)
        for name in store.annotators_of(doc_id):
            aset = store.annotation_set(doc_id, name)
            result[(doc.text, name)] = (
                Status(aset.status).value,
                sorted((e.start, e.end, e.label) for e in aset.entities),
                sorted((q.start, q.end, q.type.value, q.speaker and (q.speaker.start, q.speaker.end),
                        q.cue and (q.cue.start, q.cue.end), q.speaker_name) for q in aset.quotes),
                aset.document_tags(),
            )
    return result


def content(path: Path) -> dict[str, bytes] | bytes:
    return {p.name: p.read_bytes() for p in path.iterdir()} if path.is_dir() else path.read_bytes()


SAME_DATABASE_FIXED_POINT = {"prodigy", "doccano", "labelstudio", "jsonl"}
"""Formats whose first re-import into the source database is checked to change nothing (attack 12 #25)."""


def check_round_trip(tmp: Path, fmt: str, records: list[dict]) -> None:
    with Store(tmp / "seed.db") as seed:
        import_file(seed, write_jsonl(tmp / "seed.jsonl", records))
        (tmp / "e1").mkdir()
        export(seed, ExportOptions(format=fmt, output=tmp / "e1" / f"data{SUFFIX[fmt]}", statuses=list(Status),
                                   versions="all"))  # every annotator (doccano's default is one version)
        if fmt in SAME_DATABASE_FIXED_POINT:  # the export back into the database it came from: nothing changes
            again = import_file(seed, tmp / "e1" / f"data{SUFFIX[fmt]}")
            assert (again.sets_written, again.documents_created, again.earlier_kept) == (0, 0, []), again.summary()
    first = tmp / "e1" / f"data{SUFFIX[fmt]}"
    if fmt in ("conll", "iob") and not first.read_text(encoding="utf-8").strip():
        return  # every line was web boilerplate (a name alone on a line): left out of CoNLL, nothing to re-import
    states, files = [], []
    for step in (1, 2):
        source = tmp / f"e{step}" / f"data{SUFFIX[fmt]}"
        with Store(tmp / f"s{step}.db") as store:
            import_file(store, source)
            states.append(state(store))
            (tmp / f"e{step + 1}").mkdir()
            target = tmp / f"e{step + 1}" / f"data{SUFFIX[fmt]}"
            export(store, ExportOptions(format=fmt, output=target, statuses=list(Status), versions="all"))
            files.append(content(target))
    assert states[0] == states[1]
    assert files[0] == files[1]
    assert states[0], "the round trip kept nothing"


SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", ["prodigy", "doccano", "labelstudio", "brat", "conll", "iob"])
def test_import_export_import_changes_nothing(tmp_path_factory, fmt):
    @SETTINGS
    @given(documents(fmt))
    def run(records):
        check_round_trip(tmp_path_factory.mktemp(fmt), fmt, records)

    run()


@st.composite
def teach_tasks(draw):
    """Prodigy binary tasks (ner.teach / textcat.teach shapes): several a text, any answers, repeats."""
    words = draw(st.lists(WORDS, min_size=3, max_size=10))
    text, bounds = "", []
    for i, word in enumerate(words):
        text += (draw(BREAKS) if i else "")
        bounds.append((len(text), len(text) + len(word)))
        text += word
    tasks = []
    for _ in range(draw(st.integers(1, 6))):
        answer = draw(st.sampled_from(["accept", "reject", "ignore"]))
        if draw(st.booleans()):
            i = draw(st.integers(0, len(words) - 1))
            task = {"text": text, "spans": [{"start": bounds[i][0], "end": bounds[i][1], "label": draw(LABELS)}],
                    "meta": {"score": 0.5}, "_view_id": "ner", "answer": answer}
        else:
            task = {"text": text, "label": draw(st.sampled_from(["POLITICS", "LOCAL"])), "answer": answer}
        tasks.append(task)
        if draw(st.booleans()):
            tasks.append(dict(task))  # an exact repeat counts once
    return tasks


@SETTINGS
@given(teach_tasks())
def test_binary_tasks_import_export_import_changes_nothing(tmp_path_factory, tasks):
    tmp = tmp_path_factory.mktemp("teach")
    (tmp / "e1").mkdir()
    write_jsonl(tmp / "e1" / "data.jsonl", tasks)
    states, files = [], []
    for step in (1, 2):
        with Store(tmp / f"s{step}.db") as store:
            import_file(store, tmp / f"e{step}" / "data.jsonl")
            states.append(state(store))
            (tmp / f"e{step + 1}").mkdir()
            export(store, ExportOptions(format="prodigy", output=tmp / f"e{step + 1}" / "data.jsonl",
                                        statuses=list(Status)))
            files.append(content(tmp / f"e{step + 1}" / "data.jsonl"))
            if step == 1:  # the export back into the same database changes nothing (attack 12 #25)
                assert import_file(store, tmp / "e2" / "data.jsonl").sets_written == 0
    assert states[0] == states[1] and files[0] == files[1]
