"""Helpers for the console's browser tests: a served instance with tokens, a browser page that
records every request, screenshots, and text checks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route

from tests.app_support import (
    REPO,
    SEED_DIR,
    _free_port,
    database_name,
    served,
    spawn,
    wait_until_ready,
)
from ukg_aid import migrate
from ukg_aid.auth import service as auth_service
from ukg_aid.db import Database
from ukg_aid.principal import Role
from ukg_aid.seed import seed

STATIC = REPO / "src" / "ukg_aid" / "console" / "static"
SHOTS = REPO / "var" / "screenshots"
CATALOGS = {
    lang: json.loads((STATIC / "i18n" / f"{lang}.json").read_text()) for lang in ("ja", "en")
}
ENGLISH = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")  # two English words in a row
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def _run(coro: Any) -> Any:
    """Run a coroutine to completion on a thread of its own, leaving the test session's event
    loop (pytest-asyncio's) untouched."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _prepare(url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url, pool_size=1)
    try:
        async with db.transaction() as session:
            await seed(session, SEED_DIR)
    finally:
        await db.dispose()


async def _issue(url: str, role: Role, member: str | None) -> str:
    db = Database(url, pool_size=1)
    try:
        async with db.transaction() as session:
            issued = await auth_service.create_token(
                session,
                name=f"{role.value}-{member or 'union'}-{uuid.uuid4().hex[:6]}",
                role=role,
                member_code=member,
                expires_in_days=1,
            )
    finally:
        await db.dispose()
    return issued.secret


@dataclass
class Console:
    """A real ``ukg-aid serve`` on its own seeded PostgreSQL database."""

    url: str
    database_url: str
    tokens: dict[tuple[str, str | None], str] = field(default_factory=dict)

    def token(self, role: str, member: str | None = None) -> str:
        key = (role, member)
        if key not in self.tokens:
            self.tokens[key] = _run(_issue(self.database_url, Role(role), member))
        return self.tokens[key]

    @contextmanager
    def api(self, role: str, member: str | None = None) -> Iterator[httpx.Client]:
        """An HTTP client with that role's token, for arranging and checking over the API."""
        headers = {"Authorization": f"Bearer {self.token(role, member)}"}
        with httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=60) as client:
            yield client


@contextmanager
def console_server(pg_server: str) -> Iterator[Console]:
    name = database_name("console")
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{pg_server}/{name}"
    try:
        _run(_prepare(url))
        with served(url) as base:
            yield Console(url=base, database_url=url)
    finally:
        with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    """A ``ukg-aid serve`` process on a fixed port that a test can kill and start again."""

    def __init__(self, database_url: str, **env: str) -> None:
        self.database_url = database_url
        self.env = env
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = os.environ | {
            "UKG_AID_DATABASE_URL": self.database_url,
            "UKG_AID_LOG_LEVEL": "warning",
            **self.env,
        }
        cli = Path(sys.executable).with_name("ukg-aid")
        self.proc = spawn([str(cli), "serve", "--port", str(self.port)], env)
        try:
            wait_until_ready(self.url, self.proc)  # as app_support.serve_process waits
        except RuntimeError:
            self.kill()
            raise

    def kill(self) -> None:
        """Die as a crashed server does: open streams break, nothing is said goodbye."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):  # it may have died on its own
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
            self.proc = None


class Watched:
    """A browser context whose every request is checked to go to the server only."""

    def __init__(self, browser: Browser, base: str) -> None:
        self.base = base
        self.foreign: list[str] = []
        self.problems: list[str] = []
        # A browser zone far from Japan: dates on the page must still be Japan time.
        self.context = browser.new_context(
            viewport={"width": 1366, "height": 768},
            timezone_id="Europe/London",
            locale="ja-JP",
            accept_downloads=True,
        )
        self.context.set_default_timeout(30_000)
        self.context.route("**/*", self._only_the_server)

    def _only_the_server(self, route: Route, request: Request) -> None:
        if request.url.startswith((self.base + "/", "data:", "blob:")):
            route.continue_()
        else:
            self.foreign.append(request.url)
            route.abort()

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("request", self._record)
        page.on("console", self._console)
        page.on("pageerror", lambda err: self.problems.append(f"page error: {err}"))
        return page

    def _record(self, request: Request) -> None:
        if not request.url.startswith((self.base + "/", "data:", "blob:")):
            self.foreign.append(request.url)

    def _console(self, msg: ConsoleMessage) -> None:
        text = msg.text
        if "missing message" in text or "Content Security Policy" in text or "Refused to" in text:
            self.problems.append(text)

    def close(self) -> None:
        self.context.close()


def log_in(
    page: Page,
    console: Console,
    role: str,
    member: str | None = None,
    lang: str = "ja",
    *,
    at: str | None = None,
) -> Page:
    """Log in through the form (on the server at ``at``, default the console's) and wait for
    the first screen."""
    page.goto(f"{at or console.url}/?lang={lang}")
    page.get_by_test_id("login-token").fill(console.token(role, member))
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("whoami").wait_for()
    ready(page, lang=lang)
    return page


def ready(page: Page, view: str | None = None, lang: str | None = None) -> None:
    """Wait until the screen (``view``, in ``lang``) is built: the shell marks ``main``."""
    page.wait_for_function(
        """([view, lang]) => {
          const [v, l] = (document.querySelector('[data-testid=main]').dataset.ready || ':')
            .split(':');
          return v !== '' && (!view || v === view) && (!lang || l === lang);
        }""",
        arg=[view, lang],
    )


def go(page: Page, route: str) -> None:
    page.evaluate("route => { location.hash = route; }", route)
    ready(page, view=route.removeprefix("#/").split("/")[0].split("?")[0])


def shoot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """A screenshot artifact under var/screenshots/ (gitignored)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    lang = page.evaluate("document.documentElement.lang")
    path = SHOTS / f"{name}-{lang}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def visible_texts(page: Page) -> list[dict[str, Any]]:
    """Every visible text node on the page with the nearest element carrying a lang attribute
    (the language toggle names the other language in that language). Free text people typed
    (delivery points, scenes, notes: ``data-user-text``) is not a label and is left out."""
    texts: list[dict[str, Any]] = page.evaluate(
        """() => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent.trim();
            const el = node.parentElement;
            const skip = 'script,style,noscript,[hidden],[data-user-text]';
            if (!text || !el || el.closest(skip)) continue;
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden' || style.display === 'none') continue;
            if (box.width === 0 && box.height === 0) continue;
            const langEl = el.closest('[lang]');
            out.push({ text, lang: langEl ? langEl.getAttribute('lang') : null,
                       i18n: el.dataset.i18n || null });
          }
          return out;
        }"""
    )
    return texts
