"""Run every `benchmarks/bench_*.py` in its own subprocess, then print a summary of all figures.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/run_all.py [--quick] [--only corpus,startup]

Each script prints `FIGURE {json}` lines through `_common.report`; this runner streams the output as it comes,
collects the figures and prints one table (figure, value, target, ratio to the baseline measured in the same run,
pass). A full run (not --quick, all benchmarks) also rewrites the table in `benchmarks/RESULTS.md` between its
markers, leaving the notes around it alone. Exits non-zero when a benchmark script crashed (or, with --strict,
when a figure misses its target).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import FIGURE_PREFIX, format_ratio, format_target, format_value  # noqa: E402

ORDER = ["startup", "long_article", "memory", "corpus", "extract", "exchange", "ingest"]
"""Start-up first (least disturbed by page cache and memory the others leave behind); unknown ones follow by name."""

TIMEOUTS = {"distributed": 1800.0}
"""Scripts that need longer than --timeout (seconds): distributed starts local clusters and loads 100,000 records."""

RESULTS = HERE / "RESULTS.md"
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"


def discover(only: list[str] | None) -> list[Path]:
    scripts = sorted(HERE.glob("bench_*.py"))

    def key(path: Path) -> tuple[int, str]:
        name = path.stem.removeprefix("bench_")
        return (ORDER.index(name) if name in ORDER else len(ORDER), name)

    scripts.sort(key=key)
    if only:
        scripts = [s for s in scripts if any(o in s.stem for o in only)]
    return scripts


def run_one(script: Path, *, quick: bool, timeout: float) -> tuple[list[dict], int, float, list[str]]:
    """Run one script, echo its output live, return (figures, return code, seconds, last lines of output)."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONUNBUFFERED"] = "1"
    if quick:
        env["ANNOTATOR_BENCH_QUICK"] = "1"
    command = [sys.executable, str(script)] + (["--quick"] if quick else [])
    figures: list[dict] = []
    tail: list[str] = []
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=HERE.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            line = line.rstrip("\n")
            if line.startswith(FIGURE_PREFIX):
                try:
                    figures.append(json.loads(line[len(FIGURE_PREFIX) :]))
                except json.JSONDecodeError:
                    print(line)
                continue
            print(line, flush=True)
            tail = (tail + [line])[-15:]
            if time.perf_counter() - started > timeout:
                raise subprocess.TimeoutExpired(command, timeout)
        code = process.wait(timeout=max(1.0, timeout - (time.perf_counter() - started)))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        tail.append(f"(killed after {timeout:.0f} s)")
        code = -9
    return figures, code, time.perf_counter() - started, tail


def table(figures: list[dict]) -> list[str]:
    rows = ["| benchmark | figure | value | target | vs baseline | pass |", "|---|---|---|---|---|---|"]
    for f in figures:
        verdict = {True: "yes", False: "**NO**", None: "info"}[f.get("ok")]
        rows.append(
            f"| {f['bench'].removeprefix('bench_')} | {f['name']} | {format_value(f['value'], f['unit'])} | "
            f"{format_target(f['target'], f['unit'])} | {format_ratio(f)} | {verdict} |"
        )
    return rows


def machine() -> str:
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', '')}"
    )


def load() -> str:
    """The machine's load average (1 / 5 / 15 min): figures taken on a busy machine are slower than on an idle one."""
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on Windows
        return "n/a"


def write_results(figures: list[dict], crashed: list[str], seconds: float, load_before: str) -> None:
    lines = [
        BEGIN,
        f"Measured {date.today().isoformat()} on {machine()}; `make bench` took {seconds / 60:.1f} min.",
        f"Load average (1 / 5 / 15 min) at the start: {load_before}; at the end: {load()} "
        f"(on {os.cpu_count()} cores; other work on the machine slows every figure, ratios to a baseline in the "
        "same run less so).",
        "",
        *table(figures),
    ]
    if crashed:
        lines += ["", "Crashed (no or partial figures): " + ", ".join(crashed)]
    lines.append(END)
    block = "\n".join(lines)
    if RESULTS.exists() and BEGIN in (old := RESULTS.read_text(encoding="utf-8")) and END in old:
        head, rest = old.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = "# Benchmark results\n\nWritten by `make bench` (benchmarks/run_all.py).\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def update_results(figures: list[dict], scripts: list[Path], load_before: str) -> None:
    """Replace, in RESULTS.md's table, the rows of the scripts just run (`--only X --update-results`) and keep
    every other row from the last full run. A line above the table names what was re-measured, when, and under
    which load, so no row looks as if it came from the full run. Raises SystemExit when RESULTS.md has no table."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if BEGIN not in old or END not in old:
        raise SystemExit("benchmarks/RESULTS.md has no figures table yet: run the full `make bench` first")
    head, rest = old.split(BEGIN, 1)
    block, tail = rest.split(END, 1)
    names = sorted({script.stem.removeprefix("bench_") for script in scripts})
    prefix = f"Re-measured alone with `run_all.py --only {','.join(names)} --update-results`"
    note = (f"{prefix} on {date.today().isoformat()} (load average at the start {load_before}, at the end "
            f"{load()}): the rows of {', '.join(names)}; every other row is from the full run above.")
    lines: list[str] = []
    new_rows = table(figures)[2:]
    for line in block.strip("\n").splitlines():
        if line.startswith(prefix):
            continue  # an earlier re-measure of the same scripts: replaced by this one
        if line.startswith("| benchmark |"):
            lines += [note, ""]
        cells = line.split("|")
        if line.startswith("| ") and len(cells) > 2 and cells[1].strip() in names:
            if new_rows:  # the new rows stand where the script's first old row stood
                lines += new_rows
                new_rows = []
            continue
        lines.append(line)
    lines += new_rows  # a script the full run did not have
    RESULTS.write_text(head + BEGIN + "\n" + "\n".join(lines) + "\n" + END + tail, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke run); RESULTS.md is not touched")
    parser.add_argument("--only", default="", help="comma-separated parts of script names, e.g. corpus,startup")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one script is killed")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any figure misses its target")
    parser.add_argument("--no-results", action="store_true", help="do not rewrite benchmarks/RESULTS.md")
    parser.add_argument("--update-results", action="store_true",
                        help="with --only: replace just those scripts' rows in RESULTS.md, saying so above the table")
    args = parser.parse_args()
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    scripts = discover(only)
    if not scripts:
        print("no benchmarks/bench_*.py found", file=sys.stderr)
        return 1
    load_before = load()
    print(f"annotator benchmarks{' (--quick)' if args.quick else ''} on {machine()}; load average {load_before}")
    started = time.perf_counter()
    figures: list[dict] = []
    crashed: list[str] = []
    durations: list[tuple[str, float, int]] = []
    for script in scripts:
        print(f"\n######## {script.name}", flush=True)
        timeout = max(args.timeout, TIMEOUTS.get(script.stem.removeprefix("bench_"), 0.0))
        found, code, seconds, tail = run_one(script, quick=args.quick, timeout=timeout)
        figures += found
        durations.append((script.name, seconds, code))
        if code != 0:
            crashed.append(script.name)
            print(f"!! {script.name} exited with {code}; last lines:\n   " + "\n   ".join(tail), flush=True)
    total = time.perf_counter() - started

    print("\n" + "=" * 100 + "\nSummary\n")
    for line in table(figures):
        print(line)
    print()
    for name, seconds, code in durations:
        print(f"  {name:<28} {seconds:7.1f} s{'' if code == 0 else f'  (exit {code})'}")
    failed = [f for f in figures if f.get("ok") is False]
    passed = [f for f in figures if f.get("ok") is True]
    print(
        f"\n{len(passed)} figures pass, {len(failed)} miss their target, "
        f"{len(figures) - len(passed) - len(failed)} informational; {len(crashed)} scripts crashed; "
        f"{total / 60:.1f} min in all."
    )
    for f in failed:
        print(f"  MISSED: {f['bench']}: {f['name']} = {format_value(f['value'], f['unit'])} "
              f"(target {format_target(f['target'], f['unit'])})")
    if not args.quick and not only and not args.no_results:
        write_results(figures, crashed, total, load_before)
        print(f"\nwrote {RESULTS.relative_to(HERE.parent)}")
    elif args.update_results and only and not args.quick and not crashed:
        update_results(figures, scripts, load_before)
        print(f"\nupdated the rows of {', '.join(s.name for s in scripts)} in {RESULTS.relative_to(HERE.parent)}")
    if crashed or (args.strict and failed):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
