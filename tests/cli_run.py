"""The real `annotator` command in a subprocess, as a user runs it, and the checks its refusals share.

Every CLI test drives the installed console script (or `python -c "from annotator.cli import main; main()"`
where a test needs the interpreter's warnings) in its own process: real files, real exit codes, real stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ANNOTATOR = Path(sys.executable).with_name("annotator")
"""The console script `pip install -e .` put beside this interpreter (the `.venv/bin/annotator` users run)."""

PYTHON_CLI = [sys.executable, "-c", "from annotator.cli import main; main()"]
"""The same command through the interpreter, so `PYTHONWARNINGS` reaches it (warnings must not leak to users)."""


def run_cli(db: Path | str | None, *args: object, ok: bool = True, timeout: float = 120,
            env: dict[str, str] | None = None, cwd: Path | None = None,
            command: list[str] | None = None) -> subprocess.CompletedProcess:
    """Run `annotator [--db DB] ARGS...` and return the finished process (text stdout/stderr).

    `db` None leaves `--db` out; arguments are turned into strings; `ok` asserts exit code 0 (showing stderr);
    `command` replaces the console script (e.g. `PYTHON_CLI`). Raises subprocess.TimeoutExpired after `timeout`
    seconds, so a hang fails the test instead of the suite.
    """
    argv = [*(command or [str(ANNOTATOR)]), *(["--db", str(db)] if db is not None else []), *map(str, args)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)
    if ok:
        assert result.returncode == 0, (result.returncode, result.stdout[-2000:], result.stderr[-3000:])
    return result


def one_line_error(result: subprocess.CompletedProcess, *needles: str, code: int | None = None,
                   only_line: bool = False) -> str:
    """Assert the command failed the way every user error must end: no traceback and exactly one `Error…` line
    on stderr naming each needle; returns that line. `code` pins the exit code (1 for a refusal, 2 for click's
    usage errors); `only_line` also requires that nothing else was printed on stderr."""
    assert result.returncode != 0, (result.stdout, result.stderr)
    if code is not None:
        assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error")]
    assert len(errors) == 1, result.stderr
    if only_line:
        assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0], (needle, result.stderr)
    return errors[0]


def run_python_cli(*args: object, timeout: float = 120, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`annotator ARGS...` through the interpreter with Python's warnings switched on (a child must print none);
    no `--db` is added and the exit code is not asserted."""
    return run_cli(None, *args, ok=False, timeout=timeout, cwd=cwd, command=PYTHON_CLI,
                   env={**os.environ, "PYTHONWARNINGS": "default"})
