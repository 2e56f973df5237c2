"""Fuzz the Label Studio, CoNLL/IOB, brat and doccano CSV readers: the only failure allowed is an InputError
naming the file, and importing the same file twice never crashes."""

import json
import os
import tempfile
from pathlib import Path
from hypothesis import given, settings, strategies as st, HealthCheck
from annotator.core.store import Store
from annotator.io.articles import InputError
from annotator.io.importer import import_file

S = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "15")), deadline=None, suppress_health_check=list(HealthCheck))
txt = st.text(alphabet=st.sampled_from(list("ab \n\r😀é-#\tBIO")), min_size=0, max_size=20)
scal = st.one_of(st.none(), st.booleans(), st.integers(-3, 30), txt, st.floats(allow_nan=False))
vals = st.recursive(scal, lambda i: st.one_of(st.lists(i, max_size=3), st.dictionaries(st.sampled_from(["id","type","value","start","end","labels","text","choices","from_id","to_id","result","completed_by","was_cancelled","data","annotations","predictions","label","annotator"]), i, max_size=4)), max_leaves=20)
result = st.fixed_dictionaries({"id": st.sampled_from(["a","b",1,[1]]), "type": st.sampled_from(["labels","relation","choices","x",None]),
    "value": st.one_of(vals, st.fixed_dictionaries({"start": st.integers(-1, 12), "end": st.integers(-1, 14), "labels": st.one_of(vals, st.lists(st.sampled_from(["PER","QUOTE","SPEAKER"]), max_size=2))})),
    "from_id": st.sampled_from(["a","b",2]), "to_id": st.sampled_from(["a","b"])})
task = st.one_of(vals, st.fixed_dictionaries({"data": st.one_of(vals, st.fixed_dictionaries({"text": txt})),
    "annotations": st.one_of(vals, st.lists(st.fixed_dictionaries({"result": st.one_of(vals, st.lists(result, max_size=4)), "completed_by": vals, "was_cancelled": vals}), max_size=2)),
    "predictions": st.one_of(st.just([]), st.lists(st.fixed_dictionaries({"result": st.lists(result, max_size=3)}), max_size=2))}))

def run(path, fmt):
    with tempfile.TemporaryDirectory() as d:
        with Store(Path(d) / "f.db") as store:
            for _ in range(2):
                try:
                    import_file(store, path, fmt=fmt, annotator="fz")
                except InputError as e:
                    assert str(e).startswith(str(path.with_suffix(""))), e

@S
@given(st.lists(task, min_size=1, max_size=3))
def test_fuzz_labelstudio(tasks):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.json"; p.write_text(json.dumps(tasks)); run(p, "labelstudio")

line = st.one_of(txt, st.lists(st.sampled_from(["w","-DOCSTART-","B-PER","I-PER","O","E-X","S-X","U-","B","#","é😀"]), min_size=0, max_size=4).map(" ".join))
@S
@given(st.lists(line, min_size=1, max_size=12))
def test_fuzz_conll(lines):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.conll"; p.write_text("\n".join(lines)); run(p, "conll")

annline = st.one_of(txt, st.builds(lambda i, l, a, b, t: f"T{i}\t{l} {a} {b}\t{t}", st.integers(1,3), st.sampled_from(["PER","Quote","Speaker","Cue"]), st.integers(0,12), st.integers(0,14), txt),
    st.builds(lambda i, k, a, b: f"R{i}\t{k} Arg1:T{a} Arg2:T{b}", st.integers(1,3), st.sampled_from(["HasSpeaker","HasCue","rel"]), st.integers(1,3), st.integers(1,3)),
    st.builds(lambda a, v: f"A1\tQuoteType T{a} {v}", st.integers(1,3), st.sampled_from(["indirect","x",""])),
    st.builds(lambda a, n: f"#1\tAnnotatorNotes T{a}\t{n}", st.integers(1,3), txt))
@S
@given(txt, st.lists(annline, max_size=6))
def test_fuzz_brat(text, lines):
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "x.txt").write_text(text, newline=""); (Path(d) / "x.ann").write_text("\n".join(lines))
        run(Path(d) / "x.ann", "brat")

@S
@given(st.lists(st.lists(txt, min_size=1, max_size=3), min_size=0, max_size=5))
def test_fuzz_doccano_csv(rows):
    import csv, io
    buf = io.StringIO(); w = csv.writer(buf); w.writerow(["text", "label"]); [w.writerow(r) for r in rows]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.csv"; p.write_text(buf.getvalue()); run(p, "doccano-csv")

