"""``ukg-aid stock export|import``: the stock CSV for desks without the console.

Both talk to a running service (``--url``, ``--token`` or ``UKG_AID_URL``/``UKG_AID_TOKEN``).
``import`` previews by default and applies only with ``--apply``; a file that is not UTF-8 is
refused before anything is sent, naming the encoding it looks like (Excel's plain "CSV" on
Japanese Windows is Shift-JIS).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ukg_aid.client import ApiError, UkgClient
from ukg_aid.stockpiles.schemas import StockImportResult

T = TypeVar("T")
stock_app = typer.Typer(help="Stock CSV export and import (Excel).", no_args_is_help=True)
err = Console(stderr=True)

Url = Annotated[str, typer.Option(envvar="UKG_AID_URL", help="the service, e.g. http://host:8000")]
Token = Annotated[str, typer.Option(envvar="UKG_AID_TOKEN", help="bearer token")]


def _run(url: str, token: str, work: Callable[[UkgClient], Awaitable[T]]) -> T:
    async def main() -> T:
        client = UkgClient.connect(url, token)
        try:
            return await work(client)
        finally:
            await client.aclose()

    try:
        return asyncio.run(main())
    except ApiError as exc:
        err.print(f"[red]refused ({exc.status}):[/red] {escape(str(exc.problem.get('detail')))}")
        for e in exc.problem.get("errors", []):
            where = f"line {e.get('line')}" if "line" in e else ".".join(map(str, e["loc"]))
            column = f" [{e['column']}]" if e.get("column") else ""
            err.print(escape(f"  {where}{column}: {e.get('msg')}"))
        raise typer.Exit(1) from exc
    except httpx.TransportError as exc:
        err.print(f"[red]cannot reach {url}:[/red] {exc}")
        raise typer.Exit(1) from exc


@stock_app.command("export")
def export(
    url: Url,
    token: Token,
    member: Annotated[str | None, typer.Option(help="member code")] = None,
    depot_id: Annotated[int | None, typer.Option(help="one depot")] = None,
    out: Annotated[Path | None, typer.Option(help="write here (default: stdout)")] = None,
) -> None:
    """Write the stock CSV (UTF-8 with BOM, opens in Excel)."""
    text = _run(url, token, lambda c: c.export_stock(member=member, depot_id=depot_id))
    if out is None:
        typer.echo(text.removeprefix("\ufeff"), nl=False)
        return
    out.write_bytes(text.encode("utf-8"))
    err.print(f"{len(text.splitlines()) - 1} rows written to {out}")


def read_utf8(path: Path) -> str:
    """The file's text, or a clear refusal naming its encoding (exit 2)."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        _encoding_exit(path, "UTF-16 (Excel's 'Unicode text')")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            data.decode("cp932")
        except UnicodeDecodeError:
            _encoding_exit(path, f"not UTF-8 (byte 0x{data[exc.start]:02x} at {exc.start})")
        _encoding_exit(path, "Shift-JIS (CP932, Excel's plain 'CSV' on Japanese Windows)")


def _encoding_exit(path: Path, what: str) -> NoReturn:
    err.print(
        f"[red]error:[/red] {path} is {what}; save it as 'CSV UTF-8 (comma delimited)' "
        "and import it again"
    )
    raise typer.Exit(2)


@stock_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="the CSV")],
    url: Url,
    token: Token,
    reason: Annotated[str, typer.Option(help="ledger reason for every changed row")],
    apply: Annotated[bool, typer.Option("--apply", help="apply (default: preview)")] = False,
    key: Annotated[str | None, typer.Option(help="Idempotency-Key for a safe retry")] = None,
) -> None:
    """Preview (or with --apply, apply) a stock CSV; any bad line refuses the whole file."""
    text = read_utf8(file)

    async def work(client: UkgClient) -> StockImportResult:
        return await client.import_stock(text, reason, dry_run=not apply, key=key)

    result = _run(url, token, work)
    _print(result)


def _print(result: StockImportResult) -> None:
    table = Table("line", "depot", "item", "on_hand", "reserve_floor")
    for c in result.changes:
        table.add_row(
            str(c.line),
            f"{c.depot_id} {c.depot_name}",
            f"{c.item_code} {c.item_name_ja}",
            _arrow(c.on_hand_before, c.on_hand_after, c.created),
            _arrow(c.reserve_floor_before, c.reserve_floor_after, c.created),
        )
    if result.changes:
        Console().print(table)
    state = "applied" if result.applied else "preview only, nothing changed; add --apply"
    typer.echo(f"{len(result.changes)} changed, {result.unchanged} unchanged ({state})")


def _arrow(before: Any, after: Any, created: bool) -> str:
    if created:
        return f"(new) {after}"
    return str(after) if before == after else f"{before} → {after}"
