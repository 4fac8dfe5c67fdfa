"""Answering by a deadline: a query evaluated on a thread holding a slot, and results taken
up to a limit while the clock is checked. Shared by both back-ends."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from reasoner.store.sparql import QueryResult, QueryTimeout


def run_bounded(slots: threading.BoundedSemaphore,
                evaluate: Callable[[str, int, float], QueryResult],
                sparql: str, timeout: float, limit: int) -> QueryResult:
    """Run `evaluate(sparql, limit, deadline)` in a worker thread holding a query slot and
    answer by the deadline: the result, its error, or QueryTimeout. Shared by every backend."""
    deadline = time.monotonic() + timeout
    if not slots.acquire(timeout=timeout):
        raise QueryTimeout(f"no query slot became free within {timeout:g} s")
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["result"] = evaluate(sparql, limit, deadline)
        except Exception as exc:  # handed over to the waiting thread
            box["error"] = _detached(exc)
        finally:
            slots.release()
            done.set()

    threading.Thread(target=work, name="sparql-query", daemon=True).start()
    if not done.wait(max(0.0, deadline - time.monotonic())):
        raise QueryTimeout(f"the query ran longer than {timeout:g} s")
    if "error" in box:
        raise box["error"]
    return box["result"]


def _detached(exc: BaseException) -> BaseException:
    # Traceback frames hold pyoxigraph result iterators, which must be freed in the thread
    # that made them (pyo3 refuses to drop them elsewhere).
    link: BaseException | None = exc
    while link is not None:
        link.__traceback__ = None
        link = link.__context__
    return exc


def take(items: Iterator, limit: int, deadline: float) -> tuple[list, bool]:
    """Up to `limit` items, checking the deadline between them; (items, truncated)."""
    taken = []
    for item in items:
        if time.monotonic() > deadline:
            raise QueryTimeout("the query ran out of time")
        taken.append(item)
        if len(taken) >= limit:
            return taken, True
    return taken, False
