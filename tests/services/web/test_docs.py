"""/docs works offline: Swagger UI's page references only this server, and those assets are served."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from services.app import app


def test_docs_page_references_only_local_assets_that_are_served() -> None:
    with TestClient(app) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", page.text)
        assert urls, page.text
        assert all(url.startswith("/") or url.startswith("data:") for url in urls), urls
        assets = {url for url in urls if url.startswith("/static/")}
        assert {a.rsplit("/", 1)[1] for a in assets} == {"swagger-ui-bundle.js", "swagger-ui.css"}
        for asset in assets:
            served = client.get(asset)
            assert served.status_code == 200, asset
            kind = "javascript" if asset.endswith(".js") else "text/css"
            assert kind in served.headers["content-type"], served.headers["content-type"]
            assert len(served.content) > 10_000  # the real bundle, not an empty stub
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/docs/oauth2-redirect").status_code == 200
