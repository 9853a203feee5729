"""Error answers: every bad parameter is a 4xx JSON body with a message; backend trouble is a 502/503."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from elasticsearch import ApiError, TransportError
from elasticsearch import ConnectionError as ESConnectionError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

log = logging.getLogger(__name__)


def _describe(errors: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body"))
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "invalid request"


def _bad_request(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError | ValidationError):  # registered for these two only
        raise exc
    return _bad_request(422, _describe(list(exc.errors())))


async def _backend(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ApiError) and 400 <= exc.status_code < 500 and exc.status_code != 404:
        # The only user input that reaches Elasticsearch unparsed is a cursor: a refusal means a bad cursor.
        log.info("Elasticsearch refused a request: %s", exc)
        return _bad_request(400, "the search backend refused this request (stale or foreign cursor?)")
    log.warning("search backend unavailable: %s", exc)
    return _bad_request(503, "the search backend is unavailable; try again shortly")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ValidationError, _validation)
    for backend_error in (ApiError, ESConnectionError, TransportError):
        app.add_exception_handler(backend_error, _backend)
