"""JSON responses serialised in one step by orjson, for the hot path (POST /v1/reason).

A route that returns a dict with `response_model=` has FastAPI validate the dict against the
model and then serialise it, on every request. A route that returns a Response skips both;
its `response_model` still documents the body in OpenAPI. Use it only where the model would
pass the dict through unchanged (no dropped extra keys, no coercion), as CaseReport does."""

from __future__ import annotations

import orjson
from pydantic_core import to_jsonable_python
from starlette.responses import Response


def json_response(content: object, status_code: int = 200) -> Response:
    """Compact UTF-8 JSON, the bytes FastAPI's own serialisation writes for such a dict.
    Values orjson cannot write natively go through pydantic's conversion, as they would."""
    body = orjson.dumps(content, default=to_jsonable_python)
    return Response(body, status_code=status_code, media_type="application/json")
