"""Group commit: one writer thread makes every write waiting for it durable at once.

Callers hand their write to the writer thread and wait; the writer takes everything that
queued up while it was busy and commits it together: for the embedded store, one append to
its journal (one transaction when it has none). Each caller is answered only after the commit
holding its write, so the durability of a write is that of the commit; if a grouped commit
fails, the writes in it are retried one by one so that each caller gets its own answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Write:
    """One caller's write (`item`, as the commit function takes it) and its answer."""

    item: Any
    error: BaseException | None = None
    future: Future = field(default_factory=Future)

    def finish(self) -> None:
        """Answer the caller: its error, or None once committed."""
        if self.future.done():
            return
        if self.error is not None:
            self.future.set_exception(self.error)
        else:
            self.future.set_result(None)


class GroupCommit:
    def __init__(self, commit: Callable[[], Callable[[list[Write]], None] | None],
                 name: str = "store-writer") -> None:
        """`commit()` gives the function (None once its store is gone) that commits writes in
        one transaction or raises; it may also set `error` on single writes it refuses (those
        are then left out of the transaction). A weak method reference fits."""
        self._commit = commit
        self._pending: list[Write] = []
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, write: Write) -> None:
        """Queue the write and wait until it is committed; its error is raised here."""
        self.submit_nowait(write).result()

    def submit_nowait(self, write: Write) -> Future:
        """Queue the write; the future is done once it is committed (or refused). An event
        loop awaits it with `asyncio.wrap_future` instead of parking a thread on it."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the store is closed")
            self._pending.append(write)
            self._cond.notify()
        return write.future

    def close(self) -> None:
        """Commit what is queued, then stop the writer."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                if not self._pending:
                    return
                batch, self._pending = self._pending, []
            self._run(batch)

    def _run(self, batch: list[Write]) -> None:
        try:
            commit = self._commit()
            if commit is None:
                raise RuntimeError("the store is closed")
            commit(batch)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting callers
            if len(batch) == 1:
                batch[0].error = batch[0].error or exc
            else:  # find out whose write failed: each alone
                for write in batch:
                    if write.error is None:
                        self._run([write])
                    write.finish()
                return
        for write in batch:
            write.finish()
