"""Tables the CLI prints: readable at 80 columns and wider, times in Japan time with the zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from rich import box
from rich.table import Table

from ukg_aid.auth.models import ApiToken

WIDE = 110
"""From this many columns, a time fits on one line beside the others."""


def local_time(value: datetime | None, tz: ZoneInfo, *, wide: bool, empty: str = "") -> str:
    """``2026-12-01 18:17 JST`` (on two lines when the terminal is narrow)."""
    if value is None:
        return empty
    local = value.astimezone(tz)
    return f"{local:%Y-%m-%d}{' ' if wide else chr(10)}{local:%H:%M %Z}"


def token_table(tokens: Sequence[ApiToken], *, tz: ZoneInfo, width: int) -> Table:
    """One row per token; the secret is never shown, only its stored prefix (whole).

    At 80 columns role and member share a column and times take two lines, leaving the name
    about 27 columns (a longer name wraps onto the next line; nothing is cut off). A revoked
    token shows when it was revoked instead of when it would have expired."""
    wide = width >= WIDE
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
        caption=f"times in {tz.key}",
        caption_justify="left",
    )
    table.add_column("name", overflow="fold", ratio=1)  # wraps, never cut
    table.add_column("role", no_wrap=True)  # "desk (27100)": the member in brackets
    table.add_column("prefix", no_wrap=True)
    table.add_column("created", no_wrap=True)
    table.add_column("valid until", no_wrap=True)
    for t in tokens:
        until = local_time(t.expires_at, tz, wide=wide, empty="never")
        if t.revoked_at is not None:
            sep = " " if wide else "\n"
            until = f"[red]revoked[/red]{sep}{local_time(t.revoked_at, tz, wide=wide)}"
        table.add_row(
            t.name,
            f"{t.role.value} ({t.member_code})" if t.member_code else t.role.value,
            t.prefix,
            local_time(t.created_at, tz, wide=wide),
            until,
        )
    return table
