"""`benchmarks/run_all.py --only X --update-results`: a partial re-measure replaces just that script's rows in
RESULTS.md and says so above the table; every other row stays from the full run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

TABLE = """# Benchmark results

notes before
<!-- figures:begin -->
Measured 2026-11-01 on a machine; `make bench` took 30.0 min.

| benchmark | figure | value | target | vs baseline | pass |
|---|---|---|---|---|---|
| startup | start-up | 400 ms | < 1,000 ms | - | yes |
| long_article | edit worst | 91.7 ms | < 50 ms | - | **NO** |
| long_article | memory growth | 2.30 MB | < 1.00 MB | - | **NO** |
| memory | growth | 0.67 MB | < 5.00 MB | - | yes |
<!-- figures:end -->
notes after
"""


def load_runner(monkeypatch, results: Path):
    spec = importlib.util.spec_from_file_location("run_all", REPO / "benchmarks" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "RESULTS", results)
    return module


def test_a_partial_re_measure_replaces_only_its_rows_and_says_so(tmp_path, monkeypatch):
    results = tmp_path / "RESULTS.md"
    results.write_text(TABLE, encoding="utf-8")
    runner = load_runner(monkeypatch, results)
    figure = {"bench": "bench_long_article", "name": "edit worst", "value": 30.0, "unit": "ms", "target": 50.0,
              "ok": True}
    for _ in range(2):  # a second re-measure replaces the first one's note and rows
        runner.update_results([figure], [REPO / "benchmarks" / "bench_long_article.py"], "0.1 / 0.2 / 0.3")
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n\nnotes before\n") and text.endswith("notes after\n")
    assert text.count("Re-measured alone with `run_all.py --only long_article --update-results`") == 1
    rows = [line for line in text.splitlines() if line.startswith("| ") and "benchmark |" not in line]
    assert [row.split("|")[1].strip() for row in rows] == ["startup", "long_article", "memory"]
    assert "91.7 ms" not in text and "2.30 MB" not in text and "| 30" in text
    assert "| 400 ms |" in text and "| 0.67 MB |" in text
