"""`annotator gui`: open the window on the database."""

from __future__ import annotations

import click

from annotator.cli.common import db_path_of


@click.command()
@click.option("--annotator", default=None, help="Annotate as this person (default: the name remembered, else asked).")
@click.pass_context
def gui(ctx, annotator):
    """Open the annotation window (the default when no sub-command is given)."""
    from annotator.gui.app import run_app

    raise SystemExit(run_app(db_path_of(ctx), annotator=annotator))


def register(group: click.Group) -> None:
    group.add_command(gui)
