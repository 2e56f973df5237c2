"""A pipeline pre-extraction cannot use is refused in one line, never a traceback or silently empty quotes
(attack on issue 13: a `--base blank` NER model crashed `extract --model` with E030; a parser-less one gave 0
quotes; `--model numpy` gave a TypeError traceback)."""
import subprocess
import sys
from pathlib import Path

import spacy

ANNOTATOR = Path(sys.executable).with_name("annotator")


def run_extract(tmp_path, model):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "\\"We will win,\\" Ana Ruiz said on Monday."}\n')
    return subprocess.run([str(ANNOTATOR), "extract", str(source), "-o", str(tmp_path / "out.jsonl"),
                           "--model", str(model)], capture_output=True, text=True, timeout=300)


def test_parserless_pipeline_is_refused_in_one_line(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("ner")
    nlp.initialize()
    nlp.to_disk(tmp_path / "blank-ner")
    result = run_extract(tmp_path, tmp_path / "blank-ner")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "no dependency parser" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1, result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_a_python_package_that_is_not_a_pipeline_is_refused(tmp_path):
    result = run_extract(tmp_path, "numpy")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "not a spaCy pipeline" in result.stderr
