"""A one-line progress bar for long batches (`mtus ingest`, `mtus eval`), on stderr."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

Progress = Callable[[int, int, str], None]  # (done, total, the item just done)


def progress_bar(stream: TextIO, *, interval: float | None = None) -> Progress:
    """Count, rate and time left, on `stream`.

    On a terminal it is redrawn in place at most ten times a second; otherwise (a log, a
    pipe) a line is written every `interval` seconds (default 10) and at the end."""
    tty = getattr(stream, "isatty", lambda: False)()
    every = interval if interval is not None else 0.1 if tty else 10.0
    began = time.monotonic()
    shown = [began - every]  # draw the first call at once

    def show(n: int, total: int, name: str) -> None:
        now = time.monotonic()
        if n < total and now - shown[0] < every:
            return
        shown[0] = now
        stream.write(("\r" if tty else "") + bar_text(n, total, now - began, Path(name).name)
                     + ("\n" if n == total or not tty else ""))
        stream.flush()
    return show


def bar_text(n: int, total: int, elapsed: float, name: str = "") -> str:
    width = 30
    filled = width * n // max(total, 1)
    rate = n / elapsed if elapsed > 0 else 0.0
    left = (total - n) / rate if rate else 0.0
    return (f"[{'#' * filled}{'.' * (width - filled)}] {n}/{total} {rate:7.1f}/s "
            f"ETA {int(left) // 60:d}:{int(left) % 60:02d} {name[:30]:30}")
