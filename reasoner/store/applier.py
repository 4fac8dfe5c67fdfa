"""The applier: one background thread that puts journaled records into the store, in order.

Writers hand it records once they are durable in the journal (`submit`). Putting a seed-sized
case into Oxigraph costs ~3-4 ms of CPU (bulk loader and the background merges it causes),
twice what deciding it costs, and applying while requests are being answered slows them down
even at the lowest priority (on 2 cores, measured: p50 of storing requests 14-16 ms instead
of 8-9 ms, with Oxigraph's merges and the loader competing for the cores and caches). So
records wait while writes keep coming, and are applied, in large batches (the cheapest per
quad), when:

- a reader needs them (`wait`: a query, a write around the journal, closing): at once;
- writes pause for QUIET seconds;
- the oldest has waited MAX_WAIT seconds, which bounds how stale another process reading the
  store (read-only) can find it;
- APPLY_BYTES are waiting, which bounds the memory held, the wait of a reader that needs them
  all, and the replay after a crash; then the backlog is applied until it is empty.

Writers wait while BACKLOG_BYTES are waiting: under sustained load the store answers as fast
as it applies. If applying fails, the applier stops and says why on every later call (the
records stay in the journal and are applied when the store is next opened): it never skips an
answered write.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable

from reasoner.store.deferred import Record
from reasoner.store.sparql import QueryTimeout, StoreError

log = logging.getLogger(__name__)
QUIET = 0.1
MAX_WAIT = 5.0
APPLY_BYTES = 64 << 20  # ~1,100 seed-sized cases: 2-4 s to apply, replayed as fast on open
BACKLOG_BYTES = 128 << 20
# One batch stops at this many bytes of N-Quads (~280 seed-sized cases): it bounds how long a
# batch holds the store, and so how long a query's snapshot waits behind it.
BATCH_BYTES = 16 << 20
# What applies in the background yields the CPU to the request path (Linux: this thread only).
NICENESS = 10


class Applier:
    def __init__(self, apply: Callable[[list[Record]], None],
                 applied: Callable[[int], None], name: str = "store-applier") -> None:
        """`apply(records)` puts records into the store or raises; `applied(seq)` is called
        after each batch, outside any lock here (the store retires journal segments)."""
        self._apply, self._applied_hook = apply, applied
        self._queue: list[tuple[float, Record]] = []  # (when it came, the record)
        self._backlog = 0  # bytes queued or being applied
        self._cond = threading.Condition()
        self.submitted = 0  # the last record handed over
        self.applied = 0  # the last record in the store
        self.failure: str | None = None  # why applying stopped
        self._closed = False
        self._waiting = 0  # readers in `wait`: they want the records now
        self._draining = False  # the backlog reached APPLY_BYTES: apply until it is empty
        self._last_submit = 0.0
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, records: list[Record]) -> None:
        """Queue journaled records (in journal order); waits while the backlog is full."""
        with self._cond:
            while self._backlog >= BACKLOG_BYTES and self.failure is None and not self._closed:
                self._cond.wait()
            self._raise_failure()
            self._last_submit = now = time.monotonic()
            self._queue += [(now, r) for r in records]
            self._backlog += sum(len(r.data) for r in records)
            self.submitted = records[-1].seq if records else self.submitted
            self._cond.notify_all()

    def wait(self, seq: int | None = None, timeout: float | None = None) -> None:
        """Return once every record up to `seq` (default: all submitted so far) is applied;
        QueryTimeout after `timeout` seconds, StoreError if applying failed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self.submitted if seq is None else seq
            self._waiting += 1
            self._cond.notify_all()
            try:
                while self.applied < target and self.failure is None:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        raise QueryTimeout(f"the store is still applying earlier writes "
                                           f"({target - self.applied} left); try again shortly")
                    self._cond.wait(left)
            finally:
                self._waiting -= 1
            self._raise_failure()

    def check(self) -> None:
        """Raise StoreError if applying has failed (before a write is journaled: it could
        not be applied until the store is opened again)."""
        with self._cond:
            self._raise_failure()

    def close(self) -> None:
        """Apply what is queued, then stop."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()

    def _raise_failure(self) -> None:
        if self.failure is not None:
            raise StoreError(f"the store could not apply journaled writes ({self.failure}); "
                             "they are kept in its journal and applied when it is next opened")

    def _loop(self) -> None:
        with contextlib.suppress(AttributeError, OSError):  # not Linux: normal priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
        while (batch := self._next_batch()) is not None:
            try:
                self._apply(batch)
            except Exception as exc:  # noqa: BLE001 - stop; every later call reports it
                self._stop(exc)
                return
            self._done(batch)

    def _stop(self, exc: Exception) -> None:
        # The message, not the exception: its frames hold the database, which must close
        # (and free its lock) when the store is closed.
        message = str(exc) or type(exc).__name__
        log.error("applying journaled writes failed: %s", message)
        with self._cond:
            self.failure = message
            self._cond.notify_all()

    def _done(self, batch: list[Record]) -> None:
        with self._cond:
            self.applied = batch[-1].seq
            self._backlog -= sum(len(r.data) for r in batch)
            self._cond.notify_all()
        try:
            self._applied_hook(self.applied)
        except Exception as exc:  # noqa: BLE001 - the segments are retired after a later batch
            log.warning("retiring applied journal segments failed: %s", str(exc))

    def _next_batch(self) -> list[Record] | None:
        """The next batch once it is due (see the module docstring), None once closed."""
        with self._cond:
            while (due := self._due_in()) != 0:
                self._cond.wait(due)
            size, count = 0, 0
            for _, record in self._queue:
                if count and size + len(record.data) > BATCH_BYTES:
                    break
                size, count = size + len(record.data), count + 1
            if not count:
                return None
            batch, self._queue = self._queue[:count], self._queue[count:]
            self._draining = self._draining and bool(self._queue)
            return [record for _, record in batch]

    def _due_in(self) -> float | None:
        """0 when a batch is due (or the applier is closed and done), else the seconds until
        one could be (None: not before something is queued)."""
        if not self._queue:
            return 0 if self._closed else None
        if self._backlog >= APPLY_BYTES:
            self._draining = True
        if self._closed or self._waiting or self._draining:
            return 0
        now = time.monotonic()
        left = min(self._last_submit + QUIET, self._queue[0][0] + MAX_WAIT) - now
        return left if left > 0 else 0
