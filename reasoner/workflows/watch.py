"""`mtus check --watch`: re-run the quick checks whenever a file of the knowledge base changes.

Polling modification times (twice a second) needs no dependency and works on every file
system an author's copy may sit on; the knowledge base is a few hundred files, so a poll costs
about a millisecond. A change is acted on once the files have stopped changing for one poll,
so an editor that saves in several writes (or a `git checkout`) starts one check, not several.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

WATCHED = ("ontology", "shapes", "tests/cases")  # what `mtus check` reads
Snapshot = dict[str, tuple[int, int]]  # file (relative to the root) -> (mtime in ns, size)


def snapshot(root: Path) -> Snapshot:
    """Every file under the watched folders of `root`, with its modification time and size."""
    out: Snapshot = {}
    for folder in WATCHED:
        for path in sorted((root / folder).rglob("*")):
            try:
                stat = path.stat()
            except OSError:  # removed between listing and stat: it is gone
                continue
            if path.is_file() and not path.name.startswith("."):  # not editors' swap files
                out[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return out


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """The files added, removed or modified between two snapshots, each marked as such."""
    added = [f"added {f}" for f in sorted(after.keys() - before.keys())]
    removed = [f"removed {f}" for f in sorted(before.keys() - after.keys())]
    edited = [f"changed {f}" for f in sorted(before.keys() & after.keys())
              if before[f] != after[f]]
    return added + removed + edited


def wait_for_change(root: Path, last: Snapshot, interval: float = 0.5,
                    sleep: Callable[[float], None] = time.sleep) -> tuple[Snapshot, list[str]]:
    """Poll until a file changes and then holds still for one interval; the new snapshot and
    what changed since `last`."""
    while True:
        sleep(interval)
        now = snapshot(root)
        if now == last:
            continue
        while True:  # let a save in several writes finish
            sleep(interval)
            settled = snapshot(root)
            if settled == now:
                return settled, changes(last, settled)
            now = settled
