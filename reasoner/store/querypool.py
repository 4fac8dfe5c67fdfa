"""Query workers that a deadline or a limit really stops.

A SPARQL query runs in a worker process (`queryworker`), never in the server: Oxigraph cannot
be interrupted from Python, so a query past its deadline is ended by killing its worker, and a
query that exhausts the worker's memory or stack ends the worker, not the server. Either way
its slot is free at once and a fresh worker is started for the next query. Workers are started
on demand, at most `size` at a time, and kept for the queries that follow.
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from reasoner.store.sparql import (
    AskResult,
    GraphResult,
    QueryError,
    QueryResult,
    QueryTimeout,
    SelectResult,
    StoreError,
    syntax_error,
)
from reasoner.store.sparqlsyntax import PreparedQuery, relocate

_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding `reasoner`
log = logging.getLogger("mtus.query")
_HEADER_BYTES = 1 << 16


class QueryLimit(QueryError):
    """The query ended its worker: it needed more memory or stack than a worker may use."""

    code = "query-limit"


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of one query: None for both is the union of all graphs as the default
    graph (or the query's own FROM / FROM NAMED); lists come from the SPARQL protocol's
    default-graph-uri and named-graph-uri, which override the query's."""

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None

    def options(self, query: PreparedQuery) -> dict:
        given = self.default is not None or self.named is not None
        return {"union": not (given or query.has_dataset),
                "default": list(self.default or ()) if given else None,
                "named": list(self.named or ()) if given else None}


UNION = Dataset()


@dataclass(frozen=True)
class Limits:
    timeout: float
    max_rows: int
    max_bytes: int


class _Worker:
    def __init__(self, memory_bytes: int) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [_ROOT, *filter(None, [os.environ.get("PYTHONPATH")])]),
            # glibc reserves 64 MiB of address space per thread arena: with the default
            # number, a worker idles at ~500 MiB of its cap; with two, at ~175 MiB.
            "MALLOC_ARENA_MAX": "2"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reasoner.store.queryworker", str(memory_bytes)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd=_ROOT)
        self._buffer = bytearray()
        hello = json.loads(self._line(time.monotonic() + 30))
        self.isolation: str = hello.get("isolation", "none")

    def call(self, request: dict, deadline: float) -> tuple[dict, bytes]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        header = json.loads(self._line(deadline))
        return header, self._exactly(header["size"], deadline)

    def _line(self, deadline: float) -> bytes:
        while b"\n" not in self._buffer:
            if len(self._buffer) > _HEADER_BYTES:
                raise _Died("the worker sent a malformed answer")
            self._fill(deadline)
        line, self._buffer = self._buffer.split(b"\n", 1)
        return bytes(line)

    def _exactly(self, size: int, deadline: float) -> bytes:
        while len(self._buffer) < size:
            self._fill(deadline)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def _fill(self, deadline: float) -> None:
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        remaining = deadline - time.monotonic()
        poller = select.poll()  # not select(): a busy process may hold fds above 1024
        poller.register(fd, select.POLLIN)
        if remaining <= 0 or not poller.poll(remaining * 1000):
            raise _Late()
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            raise _Died(f"the worker ended ({_how(self.proc.wait())})")
        self._buffer += chunk  # a bytearray grows in place (bytes would copy it each time)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


class _Late(Exception):
    pass


class _Died(Exception):
    pass


def _how(returncode: int) -> str:
    return f"signal {-returncode}" if returncode < 0 else f"exit status {returncode}"


class QueryPool:
    """At most `size` queries at a time, each in a worker capped at `memory_mb` MiB."""

    def __init__(self, size: int = 4, memory_mb: int = 1024) -> None:
        self.size = size
        self.memory_mb = memory_mb
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        self.isolation: str | None = None  # how the last started worker left the network
        self.closed = False
        # Queries waiting for a slot hold a server thread each: past this many, more are
        # refused at once rather than starving every other route of threads.
        self.max_waiting = 4 * size
        self._waiting = 0

    def run(self, snapshot: str, query: PreparedQuery, dataset: Dataset,
            limits: Limits) -> QueryResult:
        deadline = time.monotonic() + limits.timeout
        worker = self._acquire(deadline, limits.timeout)
        request = {"store": snapshot, "query": query.text, **dataset.options(query),
                   "max_rows": limits.max_rows, "max_bytes": limits.max_bytes}
        try:
            header, payload = worker.call(request, deadline)
        except _Late:
            self._discard(worker)
            raise QueryTimeout(f"the query ran longer than {limits.timeout:g} s and was "
                               "stopped") from None
        except (_Died, OSError, ValueError) as exc:
            self._discard(worker)
            raise QueryLimit(f"the query was stopped: it needed more memory or stack than a "
                             f"query may use (MTUS_SPARQL_MEMORY_MB={self.memory_mb}); {exc}"
                             ) from None
        self._release(worker)
        try:
            return _result(header, payload)
        except QueryError as error:
            raise relocate(error, query) from None

    def close(self) -> None:
        with self._cond:
            self.closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        with self._cond:
            if not self._idle and self._count >= self.size and \
                    self._waiting >= self.max_waiting:
                raise QueryTimeout(f"the endpoint is busy: {self.size} queries running and "
                                   f"{self._waiting} waiting; try again shortly")
            self._waiting += 1
            try:
                while not self._idle and self._count >= self.size:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or self.closed:
                        raise QueryTimeout(f"no query slot became free within {timeout:g} s")
                    self._cond.wait(remaining)
            finally:
                self._waiting -= 1
            if self.closed:
                raise StoreError("the store is closed")
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            worker = _Worker(self.memory_mb << 20)
        except (OSError, ValueError, _Late, _Died) as exc:
            self._gone()
            raise StoreError(f"could not start a query worker: {exc}") from None
        if worker.isolation == "none" and self.isolation != "none":
            log.warning("SPARQL query workers run WITHOUT network isolation: neither a "
                        "network namespace nor seccomp is available here")
        self.isolation = worker.isolation
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if self.closed:
                self._count -= 1
                worker.kill()
                return
            self._idle.append(worker)
            self._cond.notify()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        self._gone()

    def _gone(self) -> None:
        with self._cond:
            self._count -= 1
            self._cond.notify()


def _result(header: dict, payload: bytes) -> QueryResult:
    if not header.get("ok"):
        if header.get("error") == "syntax":
            raise syntax_error(SyntaxError(header.get("message", "")))
        if header.get("error") == "limit":
            raise QueryLimit(f"the query was stopped: {header.get('message')}")
        if header.get("error") == "query":
            raise QueryError(f"the query cannot be evaluated: {header.get('message')}")
        raise StoreError(f"the query failed: {header.get('message')}")
    truncated = header.get("cut") is not None
    try:
        return _parsed(header, payload, truncated)
    except (MemoryError, SyntaxError, ValueError) as exc:
        # pyoxigraph's parsers hold one value in a 16 MiB buffer: a result with a larger value
        # (a string doubled by BIND ... CONCAT) is refused as a limit, not a server error
        raise QueryLimit("the query was stopped: a value in its result is too large to "
                         f"return ({exc.__class__.__name__}: {str(exc)[:120]})") from None


def _parsed(header: dict, payload: bytes, truncated: bool) -> QueryResult:
    """The worker's result read back (everything read here, on this thread: pyoxigraph's
    iterators may not be dropped on another one)."""
    if header["kind"] == "graph":
        triples = tuple(q.triple for q in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES))
        return GraphResult(triples, truncated, header["cut"])
    answer = ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return AskResult(bool(answer))
    try:
        names = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(s[i] for i in range(len(names))) for s in answer)
    finally:
        del answer
    return SelectResult(names, rows, truncated, header["cut"])
