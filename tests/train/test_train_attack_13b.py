"""Issue 13's third attack (attack-13b), fixed: each kind through the real command line (real subprocesses, real
spaCy, training runs of 2 steps on a few documents).

- #3 re-training into a pipeline folder refuses when any file at any depth is not the training's own;
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_train_attack_s3 import one_line_error  # noqa: E402
from test_train_cli import cli, gadget_corpus  # noqa: E402


# -- #3: files a person put inside a pipeline's sub-folders are never deleted ---------------------------------


@pytest.mark.slow
def test_retraining_refuses_a_pipeline_holding_nested_user_files(tmp_path):
    db = tmp_path / "a.db"
    gadget_corpus(db, 4)
    out = tmp_path / "m1"
    cli(db, "train", "ner", "--base", "blank", "--output", out, "--max-steps", 2)
    cli(db, "train", "ner", "--base", "blank", "--output", out, "--max-steps", 2)  # its own pipeline: replaced
    for extra in ("ner/mynotes.txt", "vocab/sub/k.txt"):
        (out / extra).parent.mkdir(parents=True, exist_ok=True)
        (out / extra).write_text("keep")
        result = cli(db, "train", "ner", "--base", "blank", "--output", out, "--max-steps", 2, ok=False)
        one_line_error(result, str(out), extra.rsplit("/", 1)[0])
        assert (out / extra).read_text() == "keep"
        (out / extra).unlink()
        if extra.startswith("vocab/sub"):
            (out / "vocab" / "sub").rmdir()
    cli(db, "train", "ner", "--base", "blank", "--output", out, "--max-steps", 2)  # clean again: replaced
