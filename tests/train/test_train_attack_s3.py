"""Issue 13's second attack, fixed (session 3): each kind through the real command line (real subprocesses, real
spaCy), tiny training runs (a few steps on a few documents).

- #5 a pipeline trained `--base blank` is the next `--base` (train -> correct -> train again iterates);
- #6 boilerplate lines are missing in DocBins, not O;
- #7 the quote suggester is capped, longer quotes counted as not learned;
- #9 staging folders of dead trainings are removed by the next run, SIGTERM leaves none, a symlinked --output;
- #10 / #14 numeric options and every usage error: one line, exit 2, `--help` intact;
- #11 `--align expand` collisions: both left out, missing, original offsets;
- #12 labels colliding with BILUO/IOB tags are refused;
- #13 exact split sizes, a dev side of its own, honest summary.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.model import AnnotationSet, Document, Entity, Quote, Status
from annotator.core.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from test_train_cli import cli, gadget_corpus  # noqa: E402
from tests.cli_run import ANNOTATOR  # noqa: E402
from test_training_data import biluo, docbin_docs  # noqa: E402


def one_line_error(result, *needles, code=None):
    lines = [line for line in result.stderr.splitlines() if line.strip()]  # an import's refusal is one line too
    assert result.returncode != 0 and len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    if code is not None:
        assert result.returncode == code


# -- #5: the loop iterates from a blank-trained pipeline ------------------------------------------------------


@pytest.mark.slow
def test_a_blank_trained_pipeline_is_the_next_base(tmp_path):
    import spacy

    db = tmp_path / "a.db"
    gadget_corpus(db, 6)
    first, second, third = tmp_path / "m1", tmp_path / "m2", tmp_path / "m3"
    cli(db, "train", "ner", "--base", "blank", "--output", first, "--max-steps", 3)
    result = cli(db, "train", "ner", "--base", first, "--output", second, "--max-steps", 3)
    assert "E203" not in result.stderr and "W086" not in result.stderr
    cli(db, "train", "ner", "--base", second, "--output", third, "--max-steps", 3)  # and again
    nlp = spacy.load(third)
    assert "GADGET" in nlp.get_pipe("ner").labels
    assert nlp("Ruth Adams bought a Zorblax 9000 in Rome.") is not None
    assert not list(tmp_path.glob(".*training-*"))


# -- #6: boilerplate lines are missing, not O ----------------------------------------------------------------

BOILERPLATE_TEXT = ("Accessibility links\nObama Visits Paris Amid Talks\nShare on Facebook\n"
                    "Barack Obama arrived in Paris on Monday for talks with Emmanuel Macron.\n"
                    "READ MORE: Angela Merkel meets Joe Biden in Berlin\nPhoto: Reuters / Jean Dupont\n")


@pytest.mark.filterwarnings("ignore:.*W030")
def test_boilerplate_lines_are_missing_in_the_docbin(tmp_path):
    db = tmp_path / "a.db"
    text = BOILERPLATE_TEXT
    obama = text.index("Barack Obama")
    merkel = text.index("Angela Merkel")
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text=text))
        store.replace_annotation_set(AnnotationSet(
            doc_id=doc_id, annotator="alice", status=Status.DONE,
            entities=[Entity(obama, obama + 12, "PERSON"), Entity(merkel, merkel + 13, "PERSON")]))
    cli(db, "export", "--format", "spacy", "--split", 1, "-o", tmp_path / "c")
    (doc,) = docbin_docs(tmp_path / "c" / "train.spacy")
    tags = dict(zip([t.text for t in doc], biluo(doc)))
    for word in ("Biden", "Berlin", "Reuters", "Dupont", "Accessibility", "Facebook"):
        assert tags[word] == "-", (word, tags[word])  # unannotated boilerplate: missing, not O
    assert tags["Angela"] == "B-PERSON" and tags["Merkel"] == "L-PERSON"  # a kept entity there stays one
    assert tags["Barack"] == "B-PERSON" and tags["Paris"] == "O" and tags["Macron"] == "O"  # article text: O
    assert doc.user_data["annotator"]["boilerplate"]


# -- #7: the suggester is capped ----------------------------------------------------------------------------


def test_suggester_sizes_are_capped():
    from annotator.train.configs import MAX_QUOTE_TOKENS, quote_suggester_sizes, too_long_quotes

    assert quote_suggester_sizes([5, 8, 13, 22]) == (5, 22)
    lengths = [2, 3, 600, 600, 3, 600]
    low, high = quote_suggester_sizes(lengths)
    assert high == MAX_QUOTE_TOKENS and low <= high and too_long_quotes(lengths) == 3
    assert quote_suggester_sizes([500] * 3) == (MAX_QUOTE_TOKENS, MAX_QUOTE_TOKENS)
    assert quote_suggester_sizes([2, 90, 95], ceiling=10) == (2, 10)


@pytest.mark.slow
def test_train_quotes_with_very_long_quotes_is_capped_and_counted(tmp_path):
    db = tmp_path / "a.db"
    with Store(db) as store:
        for i in range(4):
            short = f'"We win {i}," Ann Lee said.'
            long_words = " ".join(f"word{j}" for j in range(120 + i))
            text = f'{short} Then "{long_words}" Bob Stone said.'
            doc_id, _ = store.add_document(Document(text=text))
            store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE, quotes=[
                Quote(1, short.index(',"')), Quote(text.index(long_words), text.index(long_words) + len(long_words))]))
    out = tmp_path / "q"
    result = cli(db, "train", "quotes", "--output", out, "--max-steps", 2, "--max-quote-tokens", 20, timeout=600)
    assert "at most --max-quote-tokens 20" in result.stderr
    assert "longer than 20 tokens are not learned" in result.stderr
    config = (out / "training-config.cfg").read_text()
    assert "max_size = 20" in config
    one_line_error(cli(db, "train", "quotes", "--output", out, "--max-quote-tokens", 100000, ok=False),
                   "--max-quote-tokens", code=2)


# -- #9: staging folders ------------------------------------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.slow
def test_stale_staging_folders_are_removed_and_only_those(tmp_path):
    db = tmp_path / "a.db"
    gadget_corpus(db, 4)
    gone = dead_pid()
    stale = [tmp_path / f".m.training-{gone}", tmp_path / f".other.old-{gone}", tmp_path / f".annotator-train-{gone}-x1"]
    for folder in stale:
        (folder / "out").mkdir(parents=True)
    alive = tmp_path / f".m.training-{os.getpid()}"  # a live training (this process) keeps its folder
    alive.mkdir()
    foreign = tmp_path / ".m.training-notapid"
    foreign.mkdir()
    target = tmp_path / "elsewhere"
    target.mkdir()
    link = tmp_path / f".x.training-{gone}"
    link.symlink_to(target)  # a link with our name is never followed nor removed
    result = cli(db, "train", "ner", "--base", "blank", "--output", tmp_path / "m", "--max-steps", 2)
    assert "removed 3 staging folder(s)" in result.stderr
    assert not any(folder.exists() for folder in stale)
    assert alive.exists() and foreign.exists() and link.is_symlink() and target.exists()


@pytest.mark.slow
def test_sigterm_during_training_leaves_no_staging_folder(tmp_path):
    db = tmp_path / "a.db"
    gadget_corpus(db, 6)
    process = subprocess.Popen([ANNOTATOR, "--db", str(db), "train", "ner", "--base", "blank", "--output",
                                str(tmp_path / "m"), "--max-steps", "100000", "--json-progress"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:  # wait until spaCy is really training
            if json.loads(line).get("phase") == "train":
                break
        assert list(tmp_path.glob(".m.training-*"))
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    assert "Traceback" not in process.stderr.read()
    assert not list(tmp_path.glob(".m.*")) and not list(tmp_path.glob(".annotator-train-*"))
    assert not (tmp_path / "m").exists()


@pytest.mark.slow
def test_a_symlinked_output_is_written_at_its_target(tmp_path):
    import spacy

    db = tmp_path / "a.db"
    gadget_corpus(db, 4)
    real = tmp_path / "models" / "ner-1"
    real.parent.mkdir()
    link = tmp_path / "current"
    link.symlink_to(real)
    result = cli(db, "train", "ner", "--base", "blank", "--output", link, "--max-steps", 2)
    assert "symbolic link" in result.stderr
    cli(db, "train", "ner", "--base", "blank", "--output", link, "--max-steps", 2)  # replaced through the link
    assert link.is_symlink() and real.is_dir() and spacy.load(link) is not None
    assert not list(tmp_path.glob(".*")) and not list(real.parent.glob(".*"))


# -- #10 / #14: one-line refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("args, option", [
    (["--learn-rate", "nan"], "--learn-rate"), (["--learn-rate", "inf"], "--learn-rate"),
    (["--learn-rate", "-0.1"], "--learn-rate"), (["--learn-rate", "1e308"], "--learn-rate"),
    (["--learn-rate", "0"], "--learn-rate"), (["--seed", "99999999999999999999"], "--seed"),
    (["--seed", "-1"], "--seed"), (["--max-steps", "0"], "--max-steps"), (["--max-steps", "10**9"], "--max-steps"),
    (["--max-steps", "1000000000"], "--max-steps"), (["--eval-split", "nan"], "--eval-split"),
    (["--eval-split", "1"], "--eval-split"), (["--eval-split", "-inf"], "--eval-split"),
    (["--eval-frequency", "0"], "--eval-frequency"),
])
def test_bad_numbers_are_one_line_refusals(tmp_path, args, option):
    result = cli(tmp_path / "a.db", "train", "ner", "--output", tmp_path / "m", *args, ok=False)
    one_line_error(result, option, "annotator train ner --help", code=2)


def all_commands():
    from annotator.cli import main

    found = []

    def walk(group, path):
        for name, command in sorted(group.commands.items()):
            found.append([*path, name])
            if hasattr(command, "commands"):
                walk(command, [*path, name])

    walk(main, [])
    return found


def test_every_command_gives_usage_errors_in_one_line_and_keeps_help():
    commands = all_commands()
    assert ["train", "ner"] in commands and ["import"] in commands and len(commands) > 15
    script = (
        "import sys\nfrom click.testing import CliRunner\nfrom annotator.cli import main\n"
        "import json\nout = []\nrunner = CliRunner()\n"
        f"for path in {commands!r}:\n"
        "    bad = runner.invoke(main, [*path, '--no-such-option'], prog_name='annotator')\n"
        "    helped = runner.invoke(main, [*path, '--help'], prog_name='annotator')\n"
        "    out.append([path, bad.exit_code, bad.output, helped.exit_code, helped.output])\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for path, bad_code, bad_output, help_code, help_output in json.loads(result.stdout):
        lines = [line for line in bad_output.splitlines() if line.strip()]
        assert bad_code != 0 and len(lines) == 1 and lines[0].startswith("Error: "), (path, bad_output)
        if "No such option" in lines[0]:  # (`search` takes any words as its query: it fails on the database)
            assert bad_code == 2 and f"annotator {' '.join(path)} --help" in lines[0], lines[0]
        else:
            assert path == ["search"], (path, lines[0])
        assert help_code == 0 and help_output.startswith("Usage: ") and len(help_output.splitlines()) > 3, path


def test_usage_errors_through_the_real_entry_point(tmp_path):
    one_line_error(cli(tmp_path / "a.db", "frobnicate", ok=False), "No such command", code=2)
    one_line_error(cli(tmp_path / "a.db", "import", ok=False), "Missing argument", code=2)
    one_line_error(cli(tmp_path / "a.db", "export", "--format", "nope", ok=False), "--format", code=2)
    bare = subprocess.run([ANNOTATOR, "train"], capture_output=True, text=True, timeout=60)
    assert "Commands:" in bare.stdout + bare.stderr  # a bare group still shows its help


# -- #11: --align expand collisions --------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:.*W030")
@pytest.mark.parametrize("first, second", [((11, 14, "GPE"), (14, 18, "LOC")), ((11, 15, "ORG"), (15, 18, "ORG"))])
def test_expand_collisions_leave_both_out_as_missing(tmp_path, first, second):
    text = "Fans visit NewYork and LosAngeles today, said Ann Lee."
    db = tmp_path / "a.db"
    with Store(db) as store:
        doc_id, _ = store.add_document(Document(text=text))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE, entities=[
            Entity(*first), Entity(*second), Entity(23, 26, "GPE")]))
    result = cli(db, "export", "--format", "spacy", "--align", "expand", "--split", 1, "-o", tmp_path / "c")
    lines = [line for line in result.stderr.splitlines() if line.startswith("not aligned")]
    assert len(lines) == 3, lines  # one line per span, no span counted twice
    for start, end, label in (first, second):
        line = next(line for line in lines if f"{label} entity {start}-{end} " in line)  # its own offsets
        assert "shares tokens with" in line and "no label is picked" in line
    (doc,) = docbin_docs(tmp_path / "c" / "train.spacy")
    tags = dict(zip([t.text for t in doc], biluo(doc)))
    assert tags["NewYork"] == "-"  # neither label picked
    assert tags["LosAngeles"] == "U-GPE"  # a lone expansion is kept


# -- #12: labels colliding with BILUO / IOB tags -----------------------------------------------------------


@pytest.mark.parametrize("label", ["O", "-", "B-X", "I-PER", "U-ORG", "L-LOC", "S-X", "E-X", "O-X"])
def test_labels_colliding_with_tag_schemes_are_refused_at_import(tmp_path, label):
    source = tmp_path / "l.jsonl"
    source.write_text(json.dumps({"text": "Red Falcons won.", "answer": "accept",
                                  "spans": [{"start": 0, "end": 11, "label": "TEAM"}]}) + "\n"
                      + json.dumps({"text": "Blue Sharks lost.", "answer": "accept",
                                    "spans": [{"start": 0, "end": 11, "label": label}]}) + "\n")
    one_line_error(cli(tmp_path / "a.db", "import", source, ok=False), "l.jsonl:2:", "tag")


@pytest.mark.parametrize("label", ["SPORTS TEAM", "B", "OX", "BX-1", "o", "PER-B"])
def test_other_labels_and_tags_named_like_tags_are_fine(tmp_path, label):
    source = tmp_path / "l.jsonl"
    source.write_text(json.dumps({"text": "Red Falcons won.", "answer": "accept", "tags": ["O"],
                                  "spans": [{"start": 0, "end": 11, "label": label}]}) + "\n")
    cli(tmp_path / "a.db", "import", source)


def test_labels_colliding_with_tag_schemes_are_refused_in_the_window_ops(store):
    from annotator.core import ops
    from annotator.core.ops import EditError

    doc_id, _ = store.add_document(Document(text="Red Falcons won."))
    for label in ("O", "-", "B-TEAM"):
        with pytest.raises(EditError, match="tag"):
            ops.add_entity(store, doc_id=doc_id, annotator="alice", start=0, end=11, label=label)
    entity, _ = ops.add_entity(store, doc_id=doc_id, annotator="alice", start=0, end=11, label="TEAM")
    with pytest.raises(EditError, match="tag"):
        ops.relabel_entity(store, entity_id=entity.id, label="O")


@pytest.mark.filterwarnings("ignore:.*W030")
def test_a_stored_colliding_label_is_left_out_of_the_docbin_as_missing(tmp_path):
    db = tmp_path / "a.db"
    with Store(db) as store:  # stored directly, as a database from before the refusal holds it
        doc_id, _ = store.add_document(Document(text="Red Falcons beat Blue Sharks."))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE, entities=[
            Entity(0, 11, "O"), Entity(17, 28, "TEAM")]))
    result = cli(db, "export", "--format", "spacy", "--split", 1, "-o", tmp_path / "c")
    assert "token tag" in result.stderr
    (doc,) = docbin_docs(tmp_path / "c" / "train.spacy")
    assert biluo(doc)[:2] == ["-", "-"] and "B-TEAM" in biluo(doc)


# -- #13: the split ----------------------------------------------------------------------------------------


def test_split_sizes_are_exact():
    from annotator.train.data import side_sizes

    assert side_sizes(13, 0.2) == (7, 3, 3)
    assert side_sizes(4, 0.2) == (3, 0, 1)  # too few for a dev side: the held-out side picks the checkpoint
    assert side_sizes(2, 0.9999) == (1, 0, 1)
    assert side_sizes(6, 0.2) == (4, 1, 1)
    assert side_sizes(100, 0.1) == (80, 10, 10)
    for total in range(2, 60):
        for share in (0.01, 0.2, 0.5, 0.99):
            train, dev, test = side_sizes(total, share)
            assert train >= 1 and test >= 1 and dev >= 0 and train + dev + test == total


def test_split_is_stable_and_summary_counts_training_only(store, tmp_path):
    from annotator.train.data import build_training_data

    for i in range(13):
        doc_id, _ = store.add_document(Document(text=f"Team {i} won: Red Falcons {i}."))
        store.replace_annotation_set(AnnotationSet(doc_id=doc_id, annotator="alice", status=Status.DONE,
                                                   entities=[Entity(0, 4 + len(str(i)) + 1, "TEAM")]))
    held = set()
    for seed in range(4):
        data = build_training_data(store, tmp_path / f"s{seed}", seed=seed)
        assert (data.train_docs, data.dev_docs, data.test_docs) == (7, 3, 3)  # every seed: 20 % is 3 of 13
        assert data.entity_labels == {"TEAM": 7}  # the training documents' entities only
        assert "7 documents to train on, 3 to pick the best checkpoint, 3 held out" in data.summary()
        texts = {d.text for d in docbin_docs(data.test_path)}
        assert not texts & {d.text for d in docbin_docs(data.dev_path)}
        assert not texts & {d.text for d in docbin_docs(data.train_path)}
        held.add(frozenset(texts))
    assert len(held) > 1  # the seed moves the split
    again = build_training_data(store, tmp_path / "again", seed=0)
    assert {d.text for d in docbin_docs(again.test_path)} == {d.text for d in docbin_docs(tmp_path / "s0" / "test.spacy")}


@pytest.mark.slow
def test_a_small_set_says_the_held_out_documents_picked_the_checkpoint(tmp_path):
    db = tmp_path / "a.db"
    gadget_corpus(db, 4)
    result = cli(db, "train", "ner", "--base", "blank", "--output", tmp_path / "m", "--max-steps", 2)
    assert "also pick the best checkpoint" in result.stderr
    assert "held-out scores (1 documents, also used to pick the checkpoint: optimistic)" in result.stdout
    info = json.loads((tmp_path / "m" / "annotator_training.json").read_text())
    assert info["dev_is_test"] is True and info["test_docs"] == 1


def test_an_empty_base_is_refused_in_one_line(tmp_path):
    result = cli(tmp_path / "a.db", "train", "ner", "--output", tmp_path / "m", "--base", "", ok=False)
    one_line_error(result, "empty --base", code=2)
