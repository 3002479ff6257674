"""Browser tests of the console: Playwright for Python on Debian's Chromium, against a real
``ukg-aid serve`` process on its own PostgreSQL database (one server per test module)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.console.console_support import Console, Watched, console_server

CHROMIUM = os.environ.get("UKG_AID_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
]


# Generous waits: the machine is shared and often loaded (a 2-core box running other suites);
# the assertions are about what appears, not how fast.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Playwright's sync API runs its own event loop in the main thread while it is open, and
    pytest-asyncio's loop cannot run beside it: the browser lives for one module of (sync) tests
    and is closed before any async test elsewhere runs (the page's HTTP test is in tests/api)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does it)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def console(pg_server: str) -> Iterator[Console]:
    """One served instance for the modules whose tests leave no requests or plans behind (a
    server takes seconds to start on this machine); a module that needs a day of its own
    overrides this with a module-scoped one."""
    with console_server(pg_server) as served_console:
        yield served_console


@pytest.fixture
def browse(browser: Browser, console: Console) -> Iterator[Watched]:
    """New pages in one context; after the test, no request went to any host but the server
    and no page raised an error, missed a message or broke the content security policy."""
    watched = Watched(browser, console.url)
    yield watched
    watched.close()
    assert watched.foreign == [], f"requests left the server: {watched.foreign}"
    assert watched.problems == [], watched.problems


@pytest.fixture
def page(browse: Watched) -> Page:
    return browse.new_page()
