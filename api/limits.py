"""Request body limits and raw body access, applied before anything parses a body."""

from __future__ import annotations

import asyncio
import json
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.errors import ApiError, error_body, error_response

T = TypeVar("T")

DEFAULT_BODY_TIMEOUT_SECONDS = 30.0
# Work that can take seconds (reading a letter, deciding a large case) runs on threads of its
# own, at most this many at once; requests beyond wait on the event loop, not on a thread, so
# the thread pool that serves /health and the other routes is never exhausted by them.
HEAVY_THREADS = max(2, os.cpu_count() or 2)
_heavy: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, anyio.CapacityLimiter]] \
    = weakref.WeakKeyDictionary()


async def run_heavy(func: Callable[[], T], lane: str = "documents") -> T:
    """`func` on one of the HEAVY_THREADS threads of its lane (a limiter per event loop:
    anyio's are bound to the loop that made them). Lanes keep one kind of heavy work from
    queueing behind another: "documents" (letters, validations, large cases, RDF reports) and
    "sparql" (screening and rendering large queries)."""
    lanes = _heavy.setdefault(asyncio.get_running_loop(), {})
    limiter = lanes.get(lane)
    if limiter is None:
        limiter = lanes[lane] = anyio.CapacityLimiter(HEAVY_THREADS)
    return await anyio.to_thread.run_sync(func, limiter=limiter)
DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
DEFAULT_CONNECTIONS_PER_CLIENT = 64


def body_too_large(max_bytes: int) -> ApiError:
    return ApiError(413, "body-too-large",
                    f"the request body is larger than the limit of {max_bytes} bytes",
                    limit=max_bytes)


class BodyTimeout(ApiError):
    """The body did not arrive in time: a client trickling it (or declaring more than it
    sends) would otherwise hold a request, and its share of the server, forever."""

    def __init__(self, seconds: float) -> None:
        super().__init__(408, "request-timeout", "the request body did not arrive within "
                         f"{seconds:g} s", timeout_seconds=seconds)


class BodyLimit:
    """ASGI middleware: refuse a declared Content-Length over the limit at once, and stop
    reading a body (chunked or lying about its length) as soon as it passes the limit or
    the deadline for receiving all of it (`body_timeout_seconds` from the request's start).
    A timed-out request is answered 408 and its connection closed: the rest of that body
    may still be on its way, and the connection cannot carry another request after it."""

    def __init__(self, app: ASGIApp, max_bytes: int,
                 body_timeout_seconds: float = DEFAULT_BODY_TIMEOUT_SECONDS) -> None:
        if not body_timeout_seconds > 0:
            raise ValueError("body_timeout_seconds must be positive")
        self.app = app
        self.max_bytes = max_bytes
        self.body_timeout_seconds = body_timeout_seconds

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
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout_seconds
        received = 0
        body_done = timed_out = started = False

        async def limited() -> Message:
            nonlocal received, body_done, timed_out
            if body_done:  # the app waiting for the disconnect: no deadline on that
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                raise BodyTimeout(self.body_timeout_seconds) from None
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise body_too_large(self.max_bytes)
            return message

        async def closing(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if timed_out:
                    message = {**message, "headers": _closing(message.get("headers", []))}
            await send(message)

        try:
            await self.app(scope, limited, closing)
        except BodyTimeout as exc:
            # The app's error handlers answer it as any ApiError; this is for an app (or a
            # route) that lets it through.
            if started:
                raise
            await error_response(exc.status, exc.code, exc.message, exc.details,
                                 headers={"connection": "close"})(scope, receive, send)

    def _check_declared(self, declared: bytes | None) -> ApiError | None:
        if declared is None:
            return None
        try:
            length = int(declared)
        except ValueError:
            return ApiError(400, "bad-request", "Content-Length is not a number")
        return body_too_large(self.max_bytes) if length > self.max_bytes else None


def _closing(headers: list) -> list:
    return [(k, v) for k, v in headers if k.lower() != b"connection"] + [
        (b"connection", b"close")]


class HeaderDeadline(asyncio.Protocol):
    """Mixin for uvicorn's HTTP protocols: a request whose head (request line and headers)
    is not all in `header_timeout_seconds` after it began is answered 408 and its connection
    closed. The ASGI app only sees a request once its head is complete, so a client that
    trickles headers (or connects and sends nothing) never reaches BodyLimit, and uvicorn
    itself has no such timeout. Serve with `uvicorn.run(..., http=HEADER_DEADLINE_PROTOCOL)`."""

    header_timeout_seconds = DEFAULT_HEADER_TIMEOUT_SECONDS
    # Connections one client address may hold open at once: uvicorn's limit_concurrency is one
    # budget for everyone, which a single client holding half-sent requests (reopened as each
    # deadline closes them) would otherwise fill, leaving every other client 503.
    per_client_limit = DEFAULT_CONNECTIONS_PER_CLIENT
    _open: dict[str, int] = {}  # connections open by client address (one server process)
    cycle: Any  # uvicorn's current request-response cycle (None before the first request)
    transport: Any
    _head_timer: asyncio.TimerHandle | None = None
    _client: str | None = None
    _refused = False

    def connection_made(self, transport: Any) -> None:
        peer = transport.get_extra_info("peername")
        client = peer[0] if isinstance(peer, tuple) and peer else None
        if client is not None and self._open.get(client, 0) >= self.per_client_limit:
            _answer_and_close(transport, b"429 Too Many Requests", error_body(
                "too-many-connections", f"this client already holds {self.per_client_limit} "
                "open connections; close some or reuse them (keep-alive)",
                limit=self.per_client_limit))
            self._refused = True
            return  # never handed to uvicorn: it holds no slot
        if client is not None:
            self._client = client
            self._open[client] = self._open.get(client, 0) + 1
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is None or self.cycle.response_complete:
            self._arm()  # part of a head: the next request is on its way
        elif self._head_timer is not None:
            self._head_timer.cancel()  # its head is in: from here BodyLimit keeps the time
            self._head_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        if self._refused:
            return  # refused in connection_made: uvicorn never saw it
        if self._client is not None:
            left = self._open.get(self._client, 1) - 1
            if left > 0:
                self._open[self._client] = left
            else:
                self._open.pop(self._client, None)
            self._client = None
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = asyncio.get_running_loop().call_later(
                self.header_timeout_seconds, self._expired)

    def _expired(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        _answer_and_close(self.transport, b"408 Request Timeout", error_body(
            "request-timeout", "the request line and headers did not arrive within "
            f"{self.header_timeout_seconds:g} s", timeout_seconds=self.header_timeout_seconds))


def _answer_and_close(transport: Any, status: bytes, error: dict) -> None:
    """Answer a connection the app never saw with an error body, and close it."""
    body = json.dumps(error).encode()
    transport.write(b"HTTP/1.1 %s\r\ncontent-type: application/json\r\nconnection: close\r\n"
                    b"content-length: %d\r\n\r\n%s" % (status, len(body), body))
    transport.close()


class H11HeaderDeadline(HeaderDeadline, H11Protocol):
    pass


HEADER_DEADLINE_PROTOCOL: type[asyncio.Protocol] = H11HeaderDeadline
try:  # httptools comes with uvicorn[standard]; uvicorn itself prefers it when installed
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover
    pass
else:
    class HttpToolsHeaderDeadline(HeaderDeadline, HttpToolsProtocol):
        pass

    HEADER_DEADLINE_PROTOCOL = HttpToolsHeaderDeadline


@dataclass(frozen=True)
class RawBody:
    data: bytes
    media_type: str  # lower case, without parameters; "" when no Content-Type was sent


async def raw_body(request: Request) -> RawBody:
    content_type = request.headers.get("content-type", "")
    return RawBody(await request.body(), content_type.split(";")[0].strip().lower())
