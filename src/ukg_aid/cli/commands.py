"""Sub-commands of ``ukg-aid``: serve, db, seed, token (and the quake/drill/stock apps)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from ukg_aid import migrate
from ukg_aid.auth import service as auth_service
from ukg_aid.cli import app, render
from ukg_aid.cli.drill import drill_app
from ukg_aid.cli.quake import quake_app
from ukg_aid.cli.stock import stock_app
from ukg_aid.config import get_settings
from ukg_aid.db import Database
from ukg_aid.errors import AppError
from ukg_aid.principal import Role
from ukg_aid.seed import seed as run_seed

T = TypeVar("T")
err = Console(stderr=True)

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
token_app = typer.Typer(help="API bearer tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(quake_app, name="quake")
app.add_typer(drill_app, name="drill")
app.add_typer(stock_app, name="stock")


def _with_session(work: Callable[..., Awaitable[T]]) -> T:
    """Run ``work(session)`` in one committed transaction; AppErrors exit 1 with their detail."""

    async def main() -> T:
        settings = get_settings()
        db = Database(settings.database_url, pool_size=1)
        try:
            async with db.transaction() as session:
                return await work(session)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except AppError as exc:
        err.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="port ($PORT)")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
) -> None:
    """Serve the API with uvicorn (several workers: metrics summed, workers die with us)."""
    from ukg_aid import serving  # noqa: PLC0415 - only the server needs uvicorn

    serving.serve(
        host=host,
        port=port,
        workers=workers,
        log_level=os.environ.get("UKG_AID_LOG_LEVEL", "info"),
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    settings = get_settings()
    migrate.upgrade(settings.database_url, revision)
    err.print(f"database at {migrate.head_revision() if revision == 'head' else revision}")


@app.command()
def seed(
    at: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S"],
            help="date what is added (training deployments replaying a past earthquake: the "
            "scenario's start, e.g. 1995-01-17T05:46:00+0900); default now, Japan time",
        ),
    ] = None,
    example_counterparts: Annotated[
        bool,
        typer.Option(
            "--example-counterparts",
            help="also set the EXAMPLE counterpart pairs (invented, not the union's: "
            "data/stockpiles/examples/counterparts.example.csv) on the only active incident",
        ),
    ] = False,
) -> None:
    """Load data/stockpiles (idempotent: adds what is missing, overwrites no live stock).

    Opens a default active incident when none exists; sets no counterpart pairs unless asked.
    """
    seed_dir = get_settings().seed_dir
    report = _with_session(
        lambda s: run_seed(s, seed_dir, at=at, with_example_counterparts=example_counterparts)
    )
    added = ", ".join(f"{n} {what}" for what, n in report.added.items()) or "nothing new"
    err.print(f"seeded from {seed_dir}: {added}")


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="admin|coordinator|ems|desk|observer")],
    name: Annotated[str, typer.Option(help="unique name, shown in the audit log")],
    member: Annotated[str | None, typer.Option(help="member code (desk tokens)")] = None,
    expires_days: Annotated[int, typer.Option(min=0, help="0 = never")] = 90,
) -> None:
    """Create a token; the secret is printed once, as the last line of stdout."""
    issued = _with_session(
        lambda s: auth_service.create_token(
            s, name=name, role=role, member_code=member, expires_in_days=expires_days or None
        )
    )
    expiry = issued.token.expires_at.isoformat() if issued.token.expires_at else "never"
    err.print(
        f"token '{name}' ({role.value}{', member ' + member if member else ''}) "
        f"expires {expiry}. Store it now: it is not shown again."
    )
    typer.echo(issued.secret)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="token name")]) -> None:
    """Revoke a token by name (immediately refused with 401)."""
    _with_session(lambda s: auth_service.revoke_token(s, name=name))
    err.print(f"token '{name}' revoked")


@token_app.command("list")
def token_list() -> None:
    """List tokens (never their secrets)."""
    tokens = _with_session(auth_service.list_tokens)
    console = Console()
    tz = ZoneInfo(get_settings().timezone)
    console.print(render.token_table(tokens, tz=tz, width=console.width))
