"""The search API application: creates the app and includes one router per resource."""

from fastapi import FastAPI

from services.search_api.routes import articles, health, search

app = FastAPI(title="newsdesk search API", version="0.1.0")
app.include_router(search.router)
app.include_router(articles.router)
app.include_router(health.router)
