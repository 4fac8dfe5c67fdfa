"""Request body limits and raw body access, applied before anything parses a body."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, error_response


def body_too_large(max_bytes: int) -> ApiError:
    return ApiError(413, "body-too-large",
                    f"the request body is larger than the limit of {max_bytes} bytes",
                    limit=max_bytes)


class BodyLimit:
    """ASGI middleware: refuse a declared Content-Length over the limit at once, and stop
    reading a body (chunked or lying about its length) as soon as it passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        refusal = self._check_declared(declared)
        if refusal is not None:
            await error_response(refusal.status, refusal.code, refusal.message,
                                 refusal.details)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise body_too_large(self.max_bytes)
            return message

        await self.app(scope, limited, send)

    def _check_declared(self, declared: bytes | None) -> ApiError | None:
        if declared is None:
            return None
        try:
            length = int(declared)
        except ValueError:
            return ApiError(400, "bad-request", "Content-Length is not a number")
        return body_too_large(self.max_bytes) if length > self.max_bytes else None


@dataclass(frozen=True)
class RawBody:
    data: bytes
    media_type: str  # lower case, without parameters; "" when no Content-Type was sent


async def raw_body(request: Request) -> RawBody:
    content_type = request.headers.get("content-type", "")
    return RawBody(await request.body(), content_type.split(";")[0].strip().lower())
