"""Start the edit driver as a real process, SIGKILL it at a random moment, and check what survived.
Shared by tests/reliability/test_crash.py and benchmarks/soak_crash.py."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from annotator.tools.edit_driver import verify_run

REPO = Path(__file__).resolve().parents[2]


def start_driver(db: Path, seed: int, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "annotator.tools.edit_driver", str(Path(db).resolve()), "--seed", str(seed), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )


def kill_round(db: Path, seed: int, rng: random.Random, *, max_delay: float = 0.5, ready_timeout: float = 30.0):
    """One round: start, wait until ready (or kill during start-up sometimes), run for a random while,
    SIGKILL, then verify. Returns (problems, facts)."""
    proc = start_driver(db, seed)
    chunks: list[bytes] = []
    ready = threading.Event()

    def pump() -> None:
        for line in proc.stdout:  # every line the driver flushed before dying
            chunks.append(line)
            if line.startswith(b"ready "):
                ready.set()
        ready.set()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    if rng.random() < 0.1:
        time.sleep(rng.uniform(0.0, 0.3))  # sometimes kill while it starts (migrations, setup)
    else:
        ready.wait(ready_timeout)
        time.sleep(rng.uniform(0.0, max_delay))
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    reader.join(10)
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stdout.close()
    proc.stderr.close()
    problems, facts = verify_run(db, b"".join(chunks).decode("utf-8"))
    if proc.returncode != -signal.SIGKILL:
        problems.append(f"driver ended by itself (rc {proc.returncode}) before the kill: {stderr[-2000:]}")
    facts["returncode"] = proc.returncode
    return problems, facts
