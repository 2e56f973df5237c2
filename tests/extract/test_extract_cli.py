import json

import click
from click.testing import CliRunner

from annotator.cli.extract import register


def cli():
    group = click.Group()
    register(group)
    return group


def test_jsonl_and_txt_inputs(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a1", "text": '"We will win," Maria Lopez said.', "meta": {"feed": "x"}}) + "\n"
        + json.dumps({"text": "Nothing to see."}) + "\n",
        encoding="utf-8",
    )
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "b.txt").write_text("\n  My Title\n\nKerry said the talks went well.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli(), ["extract", str(src), str(folder), "-o", str(out), "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["meta"].get("id") for r in rows] == ["a1", None, None]
    assert rows[0]["meta"]["feed"] == "x"
    [q] = rows[0]["quotes"]
    assert q["text"] == "We will win," and q["type"] == "direct" and q["speaker_name"] == "Maria Lopez"
    assert q["speaker"]["text"] == "Maria Lopez" and q["cue"]["text"] == "said" and q["tags"] == []
    assert {"start", "end", "label", "text"} <= set(rows[0]["spans"][0])
    assert rows[2]["meta"]["title"] == "My Title" and rows[2]["meta"]["source"].endswith("b.txt")
    assert rows[2]["quotes"][0]["cue"]["text"] == "said"


def test_bad_inputs_report_path_and_line(tmp_path):
    runner = CliRunner()
    cases = {
        "bad.jsonl": ('{"text": "ok"}\n{not json}\n', ":2: invalid JSON"),
        "notext.jsonl": ('{"meta": {}}\n', ':1: record has no "text"'),
        "num.jsonl": ('{"text": 3}\n', ':1: "text" must be a string'),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = runner.invoke(cli(), ["extract", str(path), "-o", str(tmp_path / "o.jsonl")])
        assert result.exit_code == 1 and f"{path}{message}" in result.output, result.output
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café".encode("latin-1"))
    result = runner.invoke(cli(), ["extract", str(latin), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1 and f"{latin}:1: not UTF-8" in result.output
    assert not (tmp_path / "o.jsonl").exists()
