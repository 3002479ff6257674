"""``/docs`` works as the README promises: everything it loads comes from the service itself,
and the OpenAPI document declares the bearer scheme so **Authorize** and Try-it-out work."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from ukg_aid.principal import Role

pytestmark = pytest.mark.sqlite

ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")
SRC = Path(__file__).resolve().parents[2] / "src" / "ukg_aid"


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


async def test_the_docs_page_loads_only_its_own_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert ABSOLUTE.findall(page.text) == []  # no CDN, no fonts, no online validator
    assert '"validatorUrl": null' in page.text
    parser = _Refs()
    parser.feed(page.text)
    assert len(parser.refs) == 3, parser.refs  # the bundle, its stylesheet, the icon
    types = {".js": "javascript", ".css": "text/css", ".png": "image/png"}
    for ref in parser.refs:
        asset = await client.get(ref)
        assert asset.status_code == 200, ref
        assert types[Path(ref).suffix] in asset.headers["content-type"], ref
        assert len(asset.content) > 500, ref
    css = (await client.get("/docs/assets/swagger-ui.css")).text
    assert not [
        u for u in re.findall(r"url\(([^)]*)\)", css) if not u.strip("'\"").startswith("data:")
    ]
    assert (await client.get("/redoc")).status_code == 404  # dropped: it needs a CDN and fonts


def test_no_cdn_url_anywhere_in_the_package() -> None:
    cdns = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com")
    hits = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*")
        if p.is_file() and p.suffix in {".py", ".js", ".css", ".html", ".md"}
        and any(cdn in p.read_text(errors="ignore") for cdn in cdns)
    ]  # fmt: skip
    assert hits == []


async def test_openapi_declares_the_bearer_scheme_and_which_routes_need_it(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    scheme = spec["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            needs = [list(s) for s in op.get("security", [])]
            if path.startswith("/api/v1/") or path == "/metrics":
                assert needs == [["bearer"]], (method, path)
            else:
                assert needs == [], (method, path)  # healthz, readyz: no token


async def test_a_token_from_authorize_works_as_try_it_out_sends_it(
    client: httpx.AsyncClient, tokens
) -> None:
    """Swagger UI sends ``Authorization: Bearer <what was pasted>`` for the http/bearer scheme."""
    headers = await tokens.headers(Role.observer)
    assert (await client.get("/api/v1/members", headers=headers)).status_code == 200
    refused = await client.get("/api/v1/members")
    assert refused.status_code == 401
    assert refused.json()["code"] == "missing-token"
