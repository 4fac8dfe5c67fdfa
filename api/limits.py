"""Request body limits and raw body access, applied before anything parses a body."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import os
import re
import time
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
log = logging.getLogger(__name__)

DEFAULT_BODY_TIMEOUT_SECONDS = 30.0
# Work that can take seconds (reading a letter, deciding a large case) runs on threads of its
# own, at most this many at once; requests beyond wait on the event loop, not on a thread, so
# the thread pool that serves /health and the other routes is never exhausted by them.
HEAVY_THREADS = max(2, os.cpu_count() or 2)
# A request waits at most this long for its lane; then it is answered 503 with Retry-After.
# Without a bound, a burst of slow requests kept the last ones waiting past any client's
# timeout (60 queries of 200 kB: over a minute), and those clients saw no answer at all.
HEAVY_WAIT_SECONDS = 20.0


@dataclass
class _Lane:
    turn: anyio.CapacityLimiter  # requests holding a turn (they wait on the loop for one)
    threads: anyio.CapacityLimiter  # the lane's own threads (never the shared pool's)


_heavy: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Lane]] \
    = weakref.WeakKeyDictionary()


class Busy(ApiError):
    def __init__(self, lane: str, waited: float) -> None:
        retry = max(1, round(waited / 4))  # (a quarter of the wait: the queue moves)
        super().__init__(503, "busy", f"the server is busy with other long requests ({lane}) "
                         f"and this one waited {waited:g} s for its turn; retry in {retry} s",
                         retry_after_seconds=retry)
        self.headers = {"Retry-After": str(retry)}


async def run_heavy(func: Callable[[], T], lane: str = "documents",
                    wait: float = HEAVY_WAIT_SECONDS) -> T:
    """`func` on one of the HEAVY_THREADS threads of its lane (limiters per event loop:
    anyio's are bound to the loop that made them), or Busy (503) when no turn came within
    `wait` seconds. Lanes keep one kind of heavy work from queueing behind another:
    "documents" (letters, validations, large cases, RDF reports) and "sparql" (screening and
    rendering large queries)."""
    lanes = _heavy.setdefault(asyncio.get_running_loop(), {})
    held = lanes.get(lane)
    if held is None:
        held = lanes[lane] = _Lane(anyio.CapacityLimiter(HEAVY_THREADS),
                                   anyio.CapacityLimiter(HEAVY_THREADS))
    turn = False
    with anyio.move_on_after(wait):  # (the wait only: the work, once begun, is not cut)
        await held.turn.acquire()
        turn = True
    if not turn:
        raise Busy(lane, wait)
    try:
        return await anyio.to_thread.run_sync(func, limiter=held.threads)
    finally:
        held.turn.release()
DEFAULT_HEADER_TIMEOUT_SECONDS = 10.0
DEFAULT_CONNECTIONS_PER_CLIENT = 64
DEFAULT_MAX_CONNECTIONS = 256
# A request line and headers past this many bytes are answered 431. Without a bound, one
# client sending a growing header value at 10 MB/s kept the event loop copying it (the HTTP
# parsers grow a value by concatenation: quadratic) for 5-11 s in every 10 s.
MAX_HEAD_BYTES = 64 * 1024
DEFAULT_MAX_BODY_BYTES = 1 << 20
# A waiting connection this old makes room for a newcomer when every client holds its fair
# share: a client sends its request head at once, a half-sent one is long in coming.
STALE_HEAD_SECONDS = 1.0
# For so long a client whose connection was evicted makes room for none of its own: else each
# evicted half-sent head, reopened at once, evicted another, and all of them stayed young.
EVICTION_COOLDOWN_SECONDS = 2.0
_HEAD_END = re.compile(rb"\r?\n\r?\n")


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
            try:
                await send(message)
            except RuntimeError:
                # the connection is gone (reset by the client, or dropped to make room): a
                # request pipelined behind another still writes, and each such write was an
                # 8 kB traceback in the log, which any client could repeat
                log.info("%s %s: the connection closed before its answer was sent",
                         scope.get("method"), scope.get("path"))

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
    max_connections = DEFAULT_MAX_CONNECTIONS  # served at once (uvicorn's limit: a backstop)
    max_head_bytes = MAX_HEAD_BYTES
    max_request_bytes = 2 * DEFAULT_MAX_BODY_BYTES + MAX_HEAD_BYTES  # chunk framing included
    _open: dict[str, int] = {}  # connections open by client address (one server process)
    # connections whose request head is on its way, with when it began
    _waiting: dict[HeaderDeadline, float] = {}
    _evicted_until: dict[str | None, float] = {}  # clients whose connection was just evicted
    cycle: Any  # uvicorn's current request-response cycle (None before the first request)
    connections: set  # uvicorn's open connections of this server
    transport: Any
    _head_timer: asyncio.TimerHandle | None = None
    _client: str | None = None
    _refused = False
    _head_bytes = 0
    _head_tail = b""
    _request_bytes = 0

    def connection_made(self, transport: Any) -> None:
        peer = transport.get_extra_info("peername")
        client = _client_key(peer[0]) if isinstance(peer, tuple) and peer else None
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
        if not self._make_room():
            _answer_and_close(transport, b"503 Service Unavailable", error_body(
                "too-many-connections", "the server is at its connection limit, shared "
                "evenly among the clients waiting; retry shortly"))
            return
        self._arm()

    def _make_room(self) -> bool:
        """Connections waiting for a request (a head on its way, or kept alive between
        requests) may hold at most half of the connection budget, and all connections the
        whole of it. Past either line a new connection makes room by closing the oldest
        connection of the client holding the most (waiting ones for the half; any for the
        whole: unread responses and slow bodies hold slots too), if that client holds more
        than this one's would, or else a waiting connection older than a second (a client
        sends its head at once); failing both it is refused. A few addresses reopening
        half-sent heads as fast as they are closed (each under the per-client cap) so share
        the room among themselves, and a client with one connection is still served."""
        live = [c for c in self.connections if c is not self and not c.transport.is_closing()]
        waiting = [c for c in live if c in self._waiting
                   or getattr(c, "timeout_keep_alive_task", None) is not None]
        over_waiting = len(waiting) + 1 - max(1, self.max_connections // 2)
        over_total = len(live) + 1 - self.max_connections
        return (over_waiting <= 0 or self._evict(waiting, over_waiting)) and \
            (over_total <= 0 or self._evict(live, over_total))

    def _evict(self, pool: list[HeaderDeadline], count: int) -> bool:
        oldest = sorted(pool, key=lambda c: self._waiting.get(c, 0.0))  # kept-alive first
        by_client: dict[str | None, list[HeaderDeadline]] = {}
        for c in oldest:
            by_client.setdefault(c._client, []).append(c)
        mine = len(by_client.get(self._client, ()))
        now = time.monotonic()
        if self._evicted_until.get(self._client, 0.0) > now:
            return False  # a client just evicted makes no room: no chain of reconnections
        stale = now - STALE_HEAD_SECONDS
        for _ in range(count):
            held = max(by_client.values(), key=len, default=[])
            victim: HeaderDeadline | None = held.pop(0) if len(held) > mine + 1 else next(
                (c for c in oldest if self._waiting.get(c, stale) < stale
                 and not c.transport.is_closing()), None)
            if victim is None:
                return False  # every client holds its fair share, none of them stale
            if victim in by_client.get(victim._client, ()):
                by_client[victim._client].remove(victim)
            if len(self._evicted_until) >= 4096:  # (forget cooldowns that are over)
                for client in [k for k, until in self._evicted_until.items() if until <= now]:
                    del self._evicted_until[client]
            self._evicted_until[victim._client] = now + EVICTION_COOLDOWN_SECONDS
            victim._evicted()
        return True

    def _evicted(self) -> None:
        if self in self._waiting:
            self._close_waiting("the server is at its connection limit and this client holds "
                                "the most connections, or a request head long incomplete")
        else:
            # kept alive, or a request whose response is not read or body not sent: abort, as
            # close() would wait for an unread response to drain, holding the slot for ever
            self._abort()

    def _abort(self) -> None:
        """Drop the connection; its requests, the one under way and any pipelined behind it,
        send nothing more (uvicorn marks only the current one, and a pipelined one then wrote
        to the closed transport: a traceback in the log per connection)."""
        for cycle in [self.cycle, *(c for c, _ in getattr(self, "pipeline", ()))]:
            if cycle is not None:
                cycle.disconnected = True
        self.transport.abort()

    def data_received(self, data: bytes) -> None:
        if was_head := self._in_head():
            if self._head_too_large(data):
                self._close_waiting(f"the request line and headers exceed "
                                    f"{self.max_head_bytes} bytes",
                                    b"431 Request Header Fields Too Large", "header-too-large")
                return  # never handed to the parser
        else:
            # bytes while a request is under way: its body, chunked trailers, or the head of a
            # request pipelined behind it, all parsed at once; bounded so that neither a
            # growing trailer nor a pipelined head costs more than a body may
            self._request_bytes += len(data)
            if self._request_bytes > self.max_request_bytes:
                self._abort()
                return
        super().data_received(data)
        if self._in_head():
            self._arm()  # part of a head: the next request is on its way
        elif was_head:  # its head is in: from here BodyLimit keeps the time
            self._disarm()
            self._request_bytes = 0  # (what came with the head is its body: not counted)

    def _in_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _head_too_large(self, data: bytes) -> bool:
        """Counts the bytes of a head until its blank line (which may straddle two reads); a
        head that ends within this read counts up to its end (a 65,537-byte head sent in one
        read is as long as one sent in two)."""
        ends = _HEAD_END.search(self._head_tail + data[:3]) or _HEAD_END.search(data)
        if ends:
            # (a match in tail + 3 bytes ends within this read's first 3 bytes)
            head = self._head_bytes + (ends.end() if ends.string is data else 3)
            self._head_bytes, self._head_tail = 0, b""
            return head > self.max_head_bytes
        self._head_bytes += len(data)
        self._head_tail = data[-3:]
        return self._head_bytes > self.max_head_bytes

    def _close_waiting(self, why: str, status: bytes = b"408 Request Timeout",
                       code: str = "request-timeout") -> None:
        self._disarm()
        if not self.transport.is_closing():
            _answer_and_close(self.transport, status, error_body(code, why))

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        self._waiting.pop(self, None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        for cycle, _ in getattr(self, "pipeline", ()):  # (uvicorn marks the current one only)
            cycle.disconnected = True
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
            self._waiting[self] = time.monotonic()

    def _expired(self) -> None:
        self._head_timer = None
        self._waiting.pop(self, None)
        if self.transport.is_closing():
            return
        _answer_and_close(self.transport, b"408 Request Timeout", error_body(
            "request-timeout", "the request line and headers did not arrive within "
            f"{self.header_timeout_seconds:g} s", timeout_seconds=self.header_timeout_seconds))


def _client_key(address: str) -> str:
    """The client a connection counts against: its IPv4 address, or the /56 network of its
    IPv6 address (one subscriber is given a /56 or more, so counting addresses or /64s
    counts nothing)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/56", strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


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
