"""Soak test for crash safety: many SIGKILL rounds of the edit driver on one database (and fresh ones).

    .venv/bin/python benchmarks/soak_crash.py [--rounds 200] [--seed 1] [--max-delay 1.0] [--fresh-every 50]

Each round starts `python -m annotator.tools.edit_driver DB`, kills it with SIGKILL at a random moment and
checks that every edit it reported saved is in the reopened database (exactly: last reported state, or that
plus the edit in flight), that PRAGMA integrity_check is ok and foreign_key_check is empty.
Exits 1 on the first problem.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "reliability"))

from crashkit import kill_round  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=1.0, help="longest run before the kill, seconds")
    parser.add_argument("--fresh-every", type=int, default=50, help="start a new database every N rounds")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    started = time.perf_counter()
    saved = in_flight = startup_kills = 0
    with tempfile.TemporaryDirectory(prefix="soak-crash-") as folder:
        db = Path(folder) / "soak-0.db"
        for number in range(options.rounds):
            if number and number % options.fresh_every == 0:
                db = Path(folder) / f"soak-{number}.db"
            problems, facts = kill_round(db, seed=options.seed * 100_000 + number, rng=rng, max_delay=options.max_delay)
            saved += facts["saved"]
            in_flight += facts["in_flight_committed"]
            startup_kills += not facts["ready"]
            if problems:
                print(f"round {number} (db {db.name}): FAILED", *problems, sep="\n  ", file=sys.stderr)
                return 1
            if (number + 1) % 10 == 0:
                print(f"{number + 1} rounds, {saved} reported edits verified, {in_flight} kills after commit "
                      f"before the report, {startup_kills} kills during start-up", flush=True)
    elapsed = time.perf_counter() - started
    print(f"OK: {options.rounds} kills, {saved} reported edits all found, {in_flight} in-flight edits committed "
          f"and found exactly, {startup_kills} start-up kills; {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
