"""`train --output` replaces only a folder that holds a trained pipeline and nothing else (attack on issue 13:
retraining into a folder that also held the live database deleted it)."""
import json

import pytest

from annotator.train.run import MANIFEST, TRAINING_INFO, TrainError, check_output, pipeline_manifest


def make_pipeline_folder(folder):
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"components": ["ner", "tok2vec"]}))
    (folder / "config.cfg").write_text("[nlp]\n")
    (folder / TRAINING_INFO).write_text("{}")
    for name in ("ner", "tok2vec", "vocab"):
        (folder / name).mkdir()
    (folder / "ner" / "model").write_bytes(b"\x01")
    (folder / "tokenizer").write_bytes(b"\x00")
    (folder / MANIFEST).write_text(json.dumps(pipeline_manifest(folder)))
    return folder


def test_a_trained_pipeline_alone_may_be_replaced(tmp_path):
    check_output(make_pipeline_folder(tmp_path / "model"))
    check_output(tmp_path / "missing")


@pytest.mark.parametrize("extra", ["live.db", "NOTES.md", "live.db-wal"])
def test_a_pipeline_folder_holding_anything_else_is_refused(tmp_path, extra):
    folder = make_pipeline_folder(tmp_path / "model")
    (folder / extra).write_text("keep me")
    with pytest.raises(TrainError, match=extra.replace(".", r"\.")):
        check_output(folder)
    assert (folder / extra).read_text() == "keep me"


def test_a_marker_without_meta_is_not_a_pipeline(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / TRAINING_INFO).write_text("{}")
    (folder / "team.db").write_text("x")
    with pytest.raises(TrainError, match=MANIFEST):
        check_output(folder)


@pytest.mark.parametrize("extra", ["ner/mynotes.txt", "vocab/sub/k.txt", "tokenizer_notes/a", "ner/deep/er/x.db"])
def test_a_file_in_a_component_folder_is_refused_by_name(tmp_path, extra):
    """Attack 13b #3: files inside the pipeline's sub-folders were deleted by the next training."""
    folder = make_pipeline_folder(tmp_path / "model")
    (folder / extra).parent.mkdir(parents=True, exist_ok=True)
    (folder / extra).write_text("keep me")
    with pytest.raises(TrainError) as caught:
        check_output(folder)
    message = str(caught.value)
    assert "\n" not in message and (extra in message or extra.split("/")[0] + "/" in message), message


def test_an_empty_foreign_folder_and_an_edited_file_are_refused(tmp_path):
    folder = make_pipeline_folder(tmp_path / "model")
    (folder / "vocab" / "mine").mkdir()
    with pytest.raises(TrainError, match="vocab/mine/"):
        check_output(folder)
    (folder / "vocab" / "mine").rmdir()
    (folder / "ner" / "model").write_bytes(b"edited by hand")
    with pytest.raises(TrainError, match="ner/model .changed since training"):
        check_output(folder)


def test_a_base_that_is_not_a_pipeline_is_a_value_error(tmp_path):
    """`train ner --base numpy` gave a TypeError traceback; the CLI reports ValueError in one line."""
    from annotator.train.configs import TrainSettings, ner_config

    settings = TrainSettings(train_path=tmp_path / "train.spacy", dev_path=tmp_path / "dev.spacy")
    with pytest.raises(ValueError, match="not a spaCy pipeline"):
        ner_config(settings, "numpy")
