"""`mtus serve`: check the options and the address, then run the app under uvicorn."""

from __future__ import annotations

import errno
import os
import socket

import uvicorn

from api.limits import HEADER_DEADLINE_PROTOCOL, MAX_HEAD_BYTES, HeaderDeadline
from api.settings import Settings


class CannotServe(Exception):
    """The server cannot listen or did not start; the message says what to do."""


def serve(host: str, port: int, store: str, *, workers: int = 1,
          access_log: bool = True) -> None:
    """Run the API until stopped. ValueError for options that cannot work together,
    CannotServe when the address is taken or the app fails to start."""
    if workers < 1:
        raise ValueError("--workers must be at least 1")
    if workers > 1 and not Settings().sparql_query_url:
        # Each worker is a process with its own store: the embedded one is locked by the
        # first, and ':memory:' stores would differ from worker to worker.
        raise ValueError("--workers above 1 needs a SPARQL server store (MTUS_SPARQL_QUERY_URL)")
    # uvicorn loads the app (knowledge base, store and its lock) before it binds, then exits
    # 3 with a bare OSError; so try the address first and say what to do.
    problem = cannot_listen(host, port)
    if problem:
        raise CannotServe(problem)
    os.environ["MTUS_STORE_PATH"] = store  # the flag wins over the environment
    # The protocol class answers 408 to a client whose request head trickles in (uvicorn has
    # no such deadline; the app's own BodyLimit only sees complete heads). uvicorn picks
    # uvloop and httptools when installed (uvicorn[standard]), else asyncio + h11.
    HeaderDeadline.per_client_limit = Settings().max_connections_per_client
    HeaderDeadline.max_connections = Settings().max_connections
    HeaderDeadline.max_request_bytes = 2 * Settings().max_body_bytes + MAX_HEAD_BYTES
    try:
        # (limit_concurrency: thousands of clients each sending a large body at once would
        # otherwise hold them all in memory; those beyond the limit get 503 at once)
        uvicorn.run("api.main:app", host=host, port=port, log_level="info", workers=workers,
                    access_log=access_log, http=HEADER_DEADLINE_PROTOCOL,
                    # (the protocol keeps the connections to max_connections, evicting or
                    # refusing; uvicorn's own limit, which counts connections still closing
                    # and answers 503, is only the backstop)
                    limit_concurrency=2 * Settings().max_connections + 1)
    except SystemExit as exc:  # uvicorn's sys.exit(3): the app or the bind failed at start
        if exc.code not in (None, 0):
            raise CannotServe("the server did not start (the log above says why)") from None


def cannot_listen(host: str, port: int) -> str | None:
    """Why uvicorn could not listen on host:port, or None: binds a socket the way uvicorn
    does (SO_REUSEADDR, IPv6 for an address with ':') and closes it again."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as exc:  # socket.gaierror too: a host name that does not resolve
        if exc.errno == errno.EADDRINUSE:
            return (f"port {port} is in use on {host}; pass --port (e.g. --port {port + 1}) "
                    "or stop the process that holds it")
        if exc.errno == errno.EACCES:
            low = " (ports below 1024 need privileges)" if port < 1024 else ""
            return f"not permitted to listen on port {port}{low}; pass --port"
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}; check --host"
    return None
