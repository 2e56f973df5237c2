"""The `annotator` command: one entry point, a sub-command per task, sharing the core with the window.

Each sub-command lives in a module of this package that exposes `register(group)`; module-level imports stay
light (no spaCy, no Qt) so `annotator --help` and the window start fast.
"""

from __future__ import annotations

import os
import signal
import sys


def _terminated_while_starting(_signum, _frame) -> None:
    """SIGTERM before a command runs (imports, option parsing): nothing was done yet, so one line and exit 143,
    as a shell reports a process SIGTERM ended, instead of a silent death (attack v4 L3). The command's own
    handling (`common.stop_on_sigterm`) takes over once it starts."""
    os.write(2, b"Error: interrupted (SIGTERM) while starting; nothing was done\n")
    os._exit(143)


try:  # first of all, before the imports that take most of the start-up time
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated_while_starting)
except ValueError:  # imported outside the main thread: signals are not this thread's to handle
    pass

import importlib  # noqa: E402 - after the SIGTERM handler on purpose
import sqlite3  # noqa: E402

import click  # noqa: E402

from annotator.cli.common import pass_context_db, stop_on_sigterm  # noqa: E402
from annotator.core.errors import InputError, NotFoundError, UserError  # noqa: E402
from annotator.core.store import StoreError  # noqa: E402

COMMAND_MODULES = ["corpus", "gui", "extract", "review", "exchange", "train"]


class OneLineUsageError(click.ClickException):
    """A usage error (bad option value, missing argument, unknown command) as ONE line, exit code 2 as click's:
    `Error: Invalid value for '--max-steps': 0 is not in the range x>=1. (see `annotator train ner --help`)`.
    Click's own form is four lines (Usage / Try / blank / Error); `--help` and a bare group's help are unchanged."""

    exit_code = 2

    @classmethod
    def of(cls, error: click.UsageError) -> "OneLineUsageError":
        where = error.ctx.command_path if error.ctx is not None else "annotator"
        message = " ".join(error.format_message().split())
        return cls(f"{message} (see `{where} --help`)")


def _one_line(error: click.UsageError) -> click.ClickException:
    if isinstance(error, click.exceptions.NoArgsIsHelpError):
        return error  # `annotator train` alone prints the group's help, as click does
    return OneLineUsageError.of(error)


class AnnotatorGroup(click.Group):
    """The command group; a database problem met mid-command (busy, damaged, too new, disk full, read-only),
    a file that cannot be written, a refused name or config value (UserError), a bad input line (InputError)
    or an unknown annotator or document (NotFoundError) is a clear one-line error, never a traceback; so is a
    usage error of any command (OneLineUsageError)."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            raise _one_line(error) from None

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl+C (or SIGTERM where a command turned it into one) a command did not
            # say more about: one line, never click's bare "Aborted!"
            from annotator.cli.common import Interrupted

            note = (ctx.obj or {}).get("interrupt_note") if isinstance(ctx.obj, dict) else None
            raise Interrupted(note or "the change in progress was not saved (each change is saved whole or not "
                                      "at all)") from None
        except click.UsageError as error:  # a sub-command's options or arguments, or a value refused in it
            raise _one_line(error) from None
        except (StoreError, UserError, InputError, NotFoundError) as error:
            raise click.ClickException(str(error)) from None
        except sqlite3.Error as error:  # a database error no command expected: still one line
            raise click.ClickException(f"{ctx.obj.get('db_path') if ctx.obj else 'database'}: database error "
                                       f"({error}); the change in progress was not saved") from None
        except BrokenPipeError:  # `annotator list | head`: the reader has all it wanted; leave quietly, like cat
            import os

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain again
            raise SystemExit(141) from None
        except OSError as error:  # a full disk or a read-only folder met while writing a file
            if error.filename is None and _stdout_failed(error):  # `annotator list > /dev/full`: no file name to give
                from annotator.cli.common import stdout_failed

                stdout_failed(error, "the output was not written whole")
            raise click.ClickException(f"{error.filename or 'a file'}: {error.strerror or error}") from None
        try:  # what a command printed is written now, so a full standard output is said as one line
            sys.stdout.flush()
        except BrokenPipeError:
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(141) from None
        except OSError as error:  # `annotator list > /dev/full`
            from annotator.cli.common import stdout_failed

            stdout_failed(error, "the output was not written whole")
        return result


def _stdout_failed(error: OSError) -> bool:
    """Whether the write that failed (an OSError without a file name is a stream's) was to standard output: the
    innermost frame was writing to it (`click.echo`'s `file`, `shutil.copyfileobj`'s `fdst`), or standard output
    cannot be flushed either."""
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    streams = [stream for stream in (sys.stdout, sys.__stdout__) if stream is not None]
    streams += [getattr(stream, "buffer", None) for stream in streams]
    if tb is not None and any(value is stream for value in tb.tb_frame.f_locals.values() for stream in streams
                              if stream is not None):
        return True
    try:
        sys.stdout.flush()
    except OSError:
        return True
    return False


@click.group(
    cls=AnnotatorGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar="ANNOTATOR_DB",
    default=None,
    help="The annotation database (default: $ANNOTATOR_DB, else annotations.db in your data folder; "
    "`annotator where` prints it).",
)
@click.version_option(package_name="annotator")
@click.pass_context
def main(ctx: click.Context, db_path: str | None) -> None:
    """Annotate entities and quotes in news text. With no sub-command, opens the window."""
    if db_path is not None and not db_path.strip():
        if ctx.get_parameter_source("db_path") is click.core.ParameterSource.COMMANDLINE:
            raise click.BadParameter("an empty path names no database", param_hint="--db")
        db_path = None  # ANNOTATOR_DB="" is unset
    if ctx.invoked_subcommand in (None, "gui"):  # the window: SIGTERM ends it as it always did
        if signal.getsignal(signal.SIGTERM) is _terminated_while_starting:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    else:  # every command: SIGTERM and Ctrl+C unwind it and end in one line saying what was kept
        stop_on_sigterm()
    pass_context_db(ctx, db_path)
    if ctx.invoked_subcommand is None:
        ctx.invoke(main.commands["gui"])


for _name in COMMAND_MODULES:
    importlib.import_module(f"annotator.cli.{_name}").register(main)


def run() -> None:  # pragma: no cover - console script shim
    sys.exit(main())
