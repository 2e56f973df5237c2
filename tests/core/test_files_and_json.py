"""The shared primitives: atomic writes keep the old file on failure; strict JSON refuses hostile input."""
import os

import pytest

from annotator.core.files import atomic_write, write_text_atomic
from annotator.core.strict_json import JSONRejected, dumps_strict, loads_strict


def test_failed_atomic_write_keeps_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.jsonl"
    write_text_atomic(target, "old\n")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "out.txt"
    write_text_atomic(target, "old")
    with atomic_write(target) as handle:
        handle.write("new")
    assert target.read_text() == "new"


@pytest.mark.parametrize("text, reason", [
    ("[" * 50_000 + "]" * 50_000, "nested deeper"),
    ('{"a": NaN}', "NaN"),
    ('{"a": -Infinity}', "Infinity"),
    ("1" * 6000, "6000 digits"),
    ('{"a": 1e999}', "too large"),
    ('{"a":', "invalid JSON"),
])
def test_hostile_json_is_one_reason(text, reason):
    with pytest.raises(JSONRejected, match=reason):
        loads_strict(text)


def test_strict_dump_refuses_nan():
    with pytest.raises(ValueError):
        dumps_strict({"a": float("nan")})
    assert dumps_strict({"é": 1}) == '{"é": 1}'
