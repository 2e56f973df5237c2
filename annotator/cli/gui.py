"""`annotator gui`: open the window on the database."""

from __future__ import annotations

import click

from annotator.cli.common import db_path_of, require_display


@click.command()
@click.option("--annotator", default=None, help="Annotate as this person (default: the name remembered, else asked).")
@click.pass_context
def gui(ctx, annotator):
    """Open the annotation window (the default when no sub-command is given)."""
    from annotator.core.names import annotator_name_problem
    from annotator.gui.app import run_app

    if annotator is not None and (problem := annotator_name_problem(annotator)):
        raise click.BadParameter(problem, param_hint="--annotator")  # the same rule as the name dialog
    require_display()
    raise SystemExit(run_app(db_path_of(ctx), annotator=annotator))


def register(group: click.Group) -> None:
    group.add_command(gui)
