"""The dashboard as its own service (`uvicorn services.dashboard.main:app`); `newsdesk serve` includes it too."""

from fastapi import FastAPI

from services.dashboard.routes import metrics, ops

app = FastAPI(title="newsdesk dashboard", version="0.1.0")
app.include_router(ops.router)
app.include_router(metrics.router)


@app.get("/healthz", tags=["health"], summary="The dashboard process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
