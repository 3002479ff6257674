"""GET / serves the console page (SPEC §13): Japanese by default, English on request, its
assets from the package, a content security policy that keeps the page on this server."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "ukg_aid" / "console" / "static"
CATALOGS = {
    lang: json.loads((STATIC / "i18n" / f"{lang}.json").read_text()) for lang in ("ja", "en")
}


@pytest.mark.sqlite
async def test_the_page_is_served_in_japanese_by_default_and_english_on_request(
    client: httpx.AsyncClient,
) -> None:
    ja = await client.get("/")
    assert ja.status_code == 200
    assert ja.headers["content-type"].startswith("text/html")
    assert '<html lang="ja">' in ja.text
    assert f"<title>{CATALOGS['ja']['app.title']}</title>" in ja.text
    assert "default-src 'self'" in ja.headers["content-security-policy"]
    en = await client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in en.text
    assert f"<title>{CATALOGS['en']['app.title']}</title>" in en.text
    assert '<html lang="ja">' in (await client.get("/", params={"lang": "xx"})).text
    catalog = await client.get("/console/i18n/en.json")
    assert json.loads(catalog.text) == CATALOGS["en"]
    script = await client.get("/console/js/main.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert (await client.get("/console/vendor/leaflet/leaflet.js")).status_code == 200
    assert (await client.get("/console/js/nope.js")).status_code == 404
