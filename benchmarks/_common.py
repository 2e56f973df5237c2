"""Helpers shared by every `benchmarks/bench_*.py` script.

Each benchmark is a script with a `main()` that prints its figures through `report(...)`; `run_all.py` runs them
one by one in fresh subprocesses and collects the figures into a summary (and `benchmarks/RESULTS.md`).

A figure line starts with `FIGURE ` followed by one JSON object, so the runner can parse it while a person
reads the human line printed right after it. Sizes scale down with `--quick` (or `ANNOTATOR_BENCH_QUICK=1`).
Every generated input is seeded: the same command gives the same data on any machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
"""Generated data and caches (git-ignored). Safe to delete; it is rebuilt on the next run."""

FIGURE_PREFIX = "FIGURE "

if str(REPO) not in sys.path:  # run as `python benchmarks/bench_x.py` from anywhere
    sys.path.insert(0, str(REPO))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


# -- command line ----------------------------------------------------------------------------------------------


def parse_args(description: str = "", extra: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """`--quick` (smaller sizes, for a smoke run) and `--seed`; `extra` may add a benchmark's own options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", default=is_quick(), help="scale sizes down (smoke run)")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("ANNOTATOR_BENCH_SEED", "7")))
    if extra:
        extra(parser)
    args = parser.parse_args()
    if args.quick:
        os.environ["ANNOTATOR_BENCH_QUICK"] = "1"
    return args


def is_quick() -> bool:
    return os.environ.get("ANNOTATOR_BENCH_QUICK", "") not in ("", "0")


def scaled(full: int, quick: int, *, quick_mode: bool | None = None) -> int:
    """`full` normally, `quick` under --quick."""
    return quick if (is_quick() if quick_mode is None else quick_mode) else full


# -- measuring -------------------------------------------------------------------------------------------------


class Timer:
    """`with Timer() as t: ...` then `t.ms`. Wall clock (perf_counter), which is what a person waits for."""

    def __init__(self) -> None:
        self.start = 0.0
        self.seconds = 0.0

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start

    @property
    def ms(self) -> float:
        return self.seconds * 1000.0


@contextmanager
def timed() -> Iterator[Timer]:
    with Timer() as timer:
        yield timer


def measure(fn: Callable[[], Any], *, repeat: int = 5, warmup: int = 0, stat: str = "median") -> float:
    """Run `fn` `repeat` times (after `warmup` untimed runs); return the median (or "max", "min", "mean") in ms."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000.0)
    return summarize(samples, stat)


def summarize(samples_ms: list[float], stat: str = "median") -> float:
    if not samples_ms:
        return float("nan")
    if stat == "median":
        return statistics.median(samples_ms)
    if stat == "max":
        return max(samples_ms)
    if stat == "min":
        return min(samples_ms)
    if stat == "mean":
        return statistics.fmean(samples_ms)
    if stat == "p95":
        ordered = sorted(samples_ms)
        return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    raise ValueError(f"unknown statistic {stat!r}")


def alternate_rounds(
    baseline: Callable[[], float], ours: Callable[[], float], *, rounds: int = 5, warmup: bool = True
) -> tuple[list[float], list[float], list[float]]:
    """Time a baseline and our code in alternating rounds (baseline first in odd rounds, ours first in even ones),
    after one untimed warm-up of each so neither pays the cold cache alone.

    Each callable does the work once and returns a rate (records/s, docs/s; higher is better).
    Returns (baseline rates, our rates, per-round ratios ours/baseline): report the median ratio with its spread
    (`ratio_of`), never one round's.
    """
    if warmup:
        baseline()
        ours()
    base_rates, our_rates, ratios = [], [], []
    for i in range(rounds):
        gc.collect()
        if i % 2 == 0:
            b = baseline()
            o = ours()
        else:
            o = ours()
            b = baseline()
        base_rates.append(b)
        our_rates.append(o)
        ratios.append(o / b if b else float("nan"))
    return base_rates, our_rates, ratios


def ratio_of(ratios: list[float]) -> dict[str, float]:
    """Median and spread (min, max) of per-round ratios, for `report(..., ratio=...)`."""
    return {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios), "rounds": len(ratios)}


def growth_per_unit(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (size, memory) points: memory added per unit of size (e.g. bytes per record).
    A streaming reader has a slope near 0 whatever its fixed cost; `full < 2 * half + c` passes even for linear
    growth, this does not."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / var if var else float("nan")


def _status_kb(field: str, pid: int | str = "self") -> int:
    """A `VmXxx:` line of /proc/<pid>/status in kB (0 where /proc is missing, e.g. macOS)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb(pid: int | str = "self") -> float:
    """Current resident memory (VmRSS) in MB."""
    return _status_kb("VmRSS", pid) / 1024.0


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) in MB; falls back to resource.getrusage where /proc is missing."""
    kb = _status_kb("VmHWM", pid)
    if kb:
        return kb / 1024.0
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0
    except Exception:  # pragma: no cover - non-POSIX
        return float("nan")


def reset_peak_rss() -> bool:
    """Reset VmHWM (Linux: write 5 to /proc/self/clear_refs) so a later peak covers only what follows."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


# -- reporting -------------------------------------------------------------------------------------------------


def report(
    name: str,
    value: float,
    unit: str,
    target: float | str | None = None,
    ok: bool | None = None,
    *,
    baseline: float | None = None,
    baseline_name: str | None = None,
    note: str = "",
    ratio: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Print one figure: a machine-readable `FIGURE {...}` line and a human line.

    `target` is what the figure must beat (a number: "< target", or a text such as "0 rows"); `ok` whether it does
    (computed as value < target when omitted and target is a number). `baseline` is the same work done the
    simplest possible way in this run (e.g. a bare sqlite3 SELECT): the ratio value/baseline is printed with it.
    `ratio` (from `ratio_of`) replaces that single ratio by the median of alternating rounds with its spread.
    """
    if ok is None and isinstance(target, (int, float)):
        ok = value < target
    spread = None
    if ratio is not None:
        spread = ratio
        ratio = ratio["median"]
    else:
        ratio = (value / baseline) if baseline not in (None, 0) and value == value else None
    figure = {
        "bench": Path(sys.argv[0]).stem,
        "name": name,
        "value": value,
        "unit": unit,
        "target": target,
        "ok": ok,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": ratio,
        "ratio_spread": spread,
        "note": note,
        "quick": is_quick(),
    }
    print(FIGURE_PREFIX + json.dumps(figure, ensure_ascii=False), flush=True)
    print("  " + format_figure(figure), flush=True)
    return figure


def format_value(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "n/a"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 10:
        return f"{int(value):,} {unit}".strip()
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}".strip()
    if abs(value) >= 10:
        return f"{value:.1f} {unit}".strip()
    return f"{value:.2f} {unit}".strip()


def format_target(target: Any, unit: str) -> str:
    if target is None:
        return "-"
    if isinstance(target, (int, float)):
        return "< " + format_value(target, unit)
    return str(target)


def format_ratio(figure: dict[str, Any]) -> str:
    if figure.get("ratio") is None:
        return "-"
    spread = figure.get("ratio_spread")
    if spread:
        return (f"{figure['ratio']:.2f}x (median of {spread['rounds']} alternating rounds, "
                f"{spread['min']:.2f}–{spread['max']:.2f}) {figure.get('baseline_name') or 'baseline'}")
    return f"{figure['ratio']:.2f}x {figure.get('baseline_name') or 'baseline'}"


def format_figure(figure: dict[str, Any]) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "info"}[figure["ok"]]
    line = (
        f"[{verdict}] {figure['name']}: {format_value(figure['value'], figure['unit'])}"
        f"  (target {format_target(figure['target'], figure['unit'])}"
    )
    if figure.get("ratio") is not None:
        line += f"; {format_ratio(figure)}"
    line += ")"
    if figure.get("note"):
        line += f"  — {figure['note']}"
    return line


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def note(text: str) -> None:
    """A line of context (data sizes, how long generation took) that is not a figure."""
    print(f"  . {text}", flush=True)
