"""Issue 11, after the attack, the small ones through the real `annotator` process: `list | head` ends quietly,
a FIFO or broken link named on ingest gets a message saying what it is, config batch_size 0 is refused like
--batch-size 0."""

from __future__ import annotations

import os
import subprocess

from faults import ANNOTATOR_BIN, cli


def test_list_into_a_pipe_closed_early_prints_no_broken_pipe_error(tmp_path):
    db = tmp_path / "a.db"
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(300):
        (folder / f"{i:03d}.txt").write_text(f"Story {i}\nWords of story {i}.\n", encoding="utf-8")
    assert cli(db, "ingest", "--no-extract", folder).returncode == 0
    result = subprocess.run(f"'{ANNOTATOR_BIN}' --db '{db}' list | head -1", shell=True, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.count("\n") == 1
    assert "Broken pipe" not in result.stderr and "Error" not in result.stderr, result.stderr


def test_ingest_names_a_fifo_and_a_broken_link_for_what_they_are(tmp_path):
    db = tmp_path / "a.db"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    broken = tmp_path / "broken.txt"
    broken.symlink_to(tmp_path / "gone.txt")
    fifo_result = cli(db, "ingest", "--no-extract", fifo)
    assert fifo_result.returncode == 1 and "not a regular file" in fifo_result.stderr, fifo_result.stderr
    broken_result = cli(db, "ingest", "--no-extract", broken)
    assert broken_result.returncode in (1, 2), broken_result.stderr  # click's own check may say it first
    assert "broken symbolic link" in broken_result.stderr or "does not exist" in broken_result.stderr
    assert not db.exists()


def test_config_batch_size_zero_is_refused_not_silently_skipping_pre_extraction(tmp_path):
    db = tmp_path / "a.db"
    config = tmp_path / "config.toml"
    config.write_text("[extract]\nbatch_size = 0\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text('Title\nAlice said "the plan works" in Paris.\n', encoding="utf-8")
    result = subprocess.run([str(ANNOTATOR_BIN), "--db", str(db), "ingest", str(article)], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "ANNOTATOR_CONFIG": str(config)})
    assert result.returncode != 0
    assert "batch_size" in result.stderr and ("at least 1" in result.stderr or "1 or more" in result.stderr), result.stderr
