"""The `ukg-aid` command line (Typer)."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="ukg-aid",
    help="Mutual-aid dispatch service of the Union of Kansai Governments.",
    no_args_is_help=True,
    add_completion=False,
)


def main() -> None:
    """Console-script entry point."""
    from ukg_aid.cli import commands  # noqa: F401, PLC0415 - registers sub-commands, lazily

    app()
