"""JSON responses from models the domain already validated."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def model_response(model: BaseModel) -> Response:
    """Serialize once with pydantic's Rust serializer.

    Returning the model itself makes FastAPI dump, validate again and re-encode it against the
    route's response_model; the route keeps response_model for its OpenAPI schema."""
    return Response(content=model.model_dump_json(), media_type="application/json")
