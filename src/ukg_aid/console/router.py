"""Serve the console: ``GET /`` (``?lang=ja|en``) and ``/console/...`` static assets."""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
LANGS = ("ja", "en")

# The page may talk to its own server only: a browser-enforced twin of "no request leaves the
# LAN" (SPEC §13). Leaflet positions its panes through the CSSOM, which style-src allows.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=len(LANGS))
def catalog(lang: str) -> dict[str, str]:
    """The message catalog of ``lang`` (the same file the browser loads)."""
    data: dict[str, str] = json.loads((STATIC / "i18n" / f"{lang}.json").read_text("utf-8"))
    return data


@lru_cache(maxsize=len(LANGS))
def page(lang: str) -> str:
    """``index.html`` with its language, title and no-script text filled in."""
    messages = catalog(lang)
    return (
        (STATIC / "index.html")
        .read_text("utf-8")
        .replace("__LANG__", lang)
        .replace("__TITLE__", html.escape(messages["app.title"]))
        .replace("__NOSCRIPT__", html.escape(messages["app.noscript"]))
    )


@router.get("/")
async def console_page(
    lang: Annotated[str, Query(description="ja (default) or en")] = "ja",
) -> HTMLResponse:
    """The console page; an unknown language falls back to Japanese rather than an error page."""
    return HTMLResponse(page(lang if lang in LANGS else "ja"), headers=HEADERS)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/console", StaticFiles(directory=STATIC), name="console")
