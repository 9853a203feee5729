"""The web process: the search API, the search pages, the /ops dashboard and /metrics in one FastAPI app."""

from fastapi import FastAPI

from services.dashboard.routes import metrics, ops
from services.search_api import errors
from services.search_api.routes import articles, export, health, quotes, saved, search, sources
from services.web import docs, pages

# /docs is served from local assets (services/web/docs.py); ReDoc is off because it only loads from a CDN
app = FastAPI(title="newsdesk search API", version="0.1.0", docs_url=None, redoc_url=None)
errors.install(app)
app.include_router(search.router)
app.include_router(quotes.router)
app.include_router(export.router)
app.include_router(saved.router)
app.include_router(articles.router)
app.include_router(sources.router)
app.include_router(health.router)
app.include_router(pages.router)
app.include_router(docs.router)
app.mount("/static", pages.static, name="static")
app.include_router(ops.router)
app.include_router(metrics.router)
