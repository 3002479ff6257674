"""``/docs``: the interactive API page (Swagger UI), served entirely from the package.

The Swagger UI assets are vendored (``static/swagger-ui``, swagger-ui-dist 5.35.0, Apache-2.0;
see its SOURCE.md), so the page works on a desk with no internet access, and nothing is loaded
from elsewhere (no CDN, no online validator). The OpenAPI document declares the bearer scheme
(:data:`ukg_aid.deps.BEARER`, on every guard), so **Authorize** takes a token and
Try-it-out sends it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI_VERSION = "5.35.0"
ASSETS = Path(__file__).parent / "static" / "swagger-ui"
ASSETS_PATH = "/docs/assets"


def install(app: FastAPI) -> None:
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title="ukg-aid API",
            swagger_js_url=f"{root}{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_PATH}/favicon-32x32.png",
            swagger_ui_parameters={"persistAuthorization": True, "validatorUrl": None},
        )
