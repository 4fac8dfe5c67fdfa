"""An append-only, durable log of writes: what the embedded store answers a write after.

Committing a case to Oxigraph costs 5-15 ms of CPU (it grows with the store), more than
deciding it; appending the same bytes to a file costs a few microseconds. So a write is
answered once its record is in this journal (`append`), and is put into Oxigraph afterwards,
in batches, by the store's applier. A crash between the two loses nothing: the records still
in the journal are applied again when the store is next opened (`records`), which is safe
because applying a record is idempotent (it drops what it writes before writing it; see
`reasoner.store.deferred`).

The journal is a directory of segment files, numbered in order. A record is its length, a
CRC-32 of its payload and the payload. A crash while appending leaves a torn last record,
which was never answered: reading stops there and the next append starts over it. A segment
whose records are all applied, and made durable in the store, is deleted (`retire`).
"""

from __future__ import annotations

import contextlib
import os
import struct
import threading
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from reasoner.store.sparql import StoreError

_HEAD = struct.Struct("<II")  # payload length, CRC-32 of the payload
SEGMENT_BYTES = 16 << 20  # ~280 seed-sized cases: each retired segment costs one store flush
_SUFFIX = ".journal"


class Journal:
    """The segment files of one store's journal; `append` is called by one thread at a time."""

    def __init__(self, directory: Path, sync: bool = False,
                 segment_bytes: int = SEGMENT_BYTES) -> None:
        """`sync`: each append is synced to disk before it returns (see `append`)."""
        self.directory = directory
        self.sync = sync
        self.segment_bytes = segment_bytes
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # the segment list: appends, rotation and retiring
        self._segments = sorted(directory.glob(f"*{_SUFFIX}"))
        self._last_seq: dict[Path, int] = {}  # closed segment -> the last record in it
        self._fd: int | None = None
        self._size = 0
        self.seq = 0  # records appended since this journal was opened

    def records(self) -> Iterator[bytes]:
        """Every whole record left by an earlier run, oldest first: what it wrote and may not
        have applied. A torn record at the very end (a crash mid-append) is cut off."""
        for i, segment in enumerate(self._segments):
            last = i == len(self._segments) - 1
            yield from _read(segment, cut_torn_tail=last)

    def append(self, payloads: Sequence[bytes]) -> int:
        """Write the records; returns the sequence number of the last. Once written they
        survive the process being killed (they are in the operating system's cache, as a
        commit to Oxigraph is: RocksDB does not sync its log either); with `sync`, they are
        also synced to disk, so they survive a power cut, for 0.5-10 ms more per append
        (measured on this machine's shared disk). Raises StoreError if they could not be
        written (the caller answers an error)."""
        data = b"".join(_HEAD.pack(len(p), zlib.crc32(p)) + p for p in payloads)
        with self._lock:
            fd = self._current()
            try:
                _write_all(fd, data)
                if self.sync:
                    os.fdatasync(fd)
            except OSError as exc:
                self._abandon(fd)
                raise StoreError(f"the write could not be made durable: {exc}") from None
            self._size += len(data)
            self.seq += len(payloads)
            if self._size >= self.segment_bytes:
                self._close_current()
            return self.seq

    def retire(self, applied: int) -> list[Path]:
        """Delete the closed segments whose records are all at or below sequence `applied`.
        Call only once what they hold is durable in the store (after its flush)."""
        with self._lock:
            done = [s for s in self._segments if self._last_seq.get(s, applied + 1) <= applied]
            for segment in done:
                segment.unlink(missing_ok=True)
                self._segments.remove(segment)
                del self._last_seq[segment]
            return done

    def retire_all(self) -> None:
        """Delete every segment: everything in them is applied and durable in the store."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            for segment in self._segments:
                segment.unlink(missing_ok=True)
            self._segments, self._last_seq, self._size = [], {}, 0

    def has_closed_segments(self) -> bool:
        return bool(self._last_seq)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _current(self) -> int:
        if self._fd is None:
            number = int(self._segments[-1].stem) + 1 if self._segments else 1
            path = self.directory / f"{number:012d}{_SUFFIX}"
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            _sync_directory(self.directory)  # the new file's name is durable too
            self._segments.append(path)
            self._size = 0
        return self._fd

    def _close_current(self) -> None:
        assert self._fd is not None
        os.close(self._fd)
        self._fd = None
        self._last_seq[self._segments[-1]] = self.seq

    def _abandon(self, fd: int) -> None:
        """After a failed append the file may end in part of a record (answered with an
        error): cut it off and go on in a new segment, so nothing is written behind it."""
        # If even this fails, reading stops at the torn record and refuses the journal.
        # (never beyond the file's real end: that would pad the torn tail with zeros)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, min(self._size, os.fstat(fd).st_size))
        os.close(fd)
        self._fd = None
        self._last_seq[self._segments[-1]] = self.seq


def _write_all(fd: int, data: bytes) -> None:
    """All of `data`, or OSError: a short write (a full disk takes what fits and says so
    only on the next call) is never taken as the whole record."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(28, "no space left on device: the record was written in part")
        view = view[written:]


def _read(segment: Path, cut_torn_tail: bool) -> Iterator[bytes]:
    data = segment.read_bytes()
    at = 0
    while at < len(data):
        payload = _record_at(data, at)
        if payload is None:
            if not cut_torn_tail:
                raise StoreError(f"the journal segment {segment} is damaged at byte {at}; "
                                 "writes after it may be missing from the store")
            with open(segment, "r+b") as f:  # never answered: drop it before appending
                f.truncate(at)
                os.fsync(f.fileno())
            return
        yield payload
        at += _HEAD.size + len(payload)


def _record_at(data: bytes, at: int) -> bytes | None:
    """The payload of the record at `at`, or None if it is torn or damaged."""
    if at + _HEAD.size > len(data):
        return None
    length, crc = _HEAD.unpack_from(data, at)
    payload = data[at + _HEAD.size:at + _HEAD.size + length]
    return payload if len(payload) == length and zlib.crc32(payload) == crc else None


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
