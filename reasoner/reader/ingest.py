"""Letters in, case graphs plus the reviewer's record out; each letter stored whole or not at all.

A batch goes on past a bad file: each file gets its result or its error, and a letter that
fails is stored not at all (its graphs are built in memory first, then written in one
transaction, or for new letters in one bulk batch behind the store's intent log, see
`store_batch`). With `reason=True` each letter is also decided from its case facts only (the
recorded decision is never an input) and its determinations (the run graph) are written with
the letter, so a crash never leaves a letter without them.

Reading and reasoning are pure CPU work per letter, so a big batch can spread them over
worker processes (`jobs`); the store has one writer, this process, which takes the letters
in order.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reasoner.engine.casegraph import CaseGraph
from reasoner.errors import IncompleteCase, InputError, MtusError
from reasoner.reader.clean import clean, decode
from reasoner.reader.extract import Extracted, extract
from reasoner.reader.graph import LetterGraph, build
from reasoner.reader.layout import Letter, split
from reasoner.reader.lexicon import lexicon_for
from reasoner.vocab import m

LETTER_SUFFIXES = (".txt", ".text")
PARALLEL_FROM = 400  # letters: below this, starting worker processes costs more than it saves
_CHUNK = 16  # letters handed to a worker at a time
STORE_BATCH = 250  # letters stored together (one bulk load; see Store.save_letters_nquads)


@dataclass(frozen=True)
class ReadLetter:
    source: str
    letter: Letter
    extracted: Extracted
    graph: LetterGraph

    def summary(self) -> dict:
        return {"source": self.source, "case": self.graph.case, "layout": self.letter.layout,
                "items": [{"name": i.name, "recorded_outcome": i.outcome}
                          for i in self.letter.items],
                "facts": len(self.graph.facts), "record": len(self.graph.record)}


@dataclass(frozen=True)
class Outcome:
    """One file of a batch: its summary (see ReadLetter.summary; with reasoning, each item's
    `outcome` and the letter's `run` or `not_decided` reason) or its error."""

    source: str
    read: ReadLetter | None = None  # in-process reading only
    error: str | None = None
    summary: dict | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # read, reason, store

    @property
    def ok(self) -> bool:
        return self.error is None


def read_letter(data: bytes, source: str, kb, named_by_file: bool = True) -> ReadLetter:
    """Parse one letter; raises InputError naming the file when it cannot be read.

    A letter whose header gives no case number is identified by its file name, or, when it
    has none (`named_by_file=False`: a posted letter), by a digest of its text, so that two
    such letters never share a case graph and the same letter posted again replaces itself."""
    cleaned = clean(decode(data, source))
    letter = split(cleaned, source)
    extracted = extract(letter, lexicon_for(kb.terms))
    name = Path(source).stem if named_by_file else \
        "text-" + hashlib.sha256(data).hexdigest()[:16]
    return ReadLetter(source, letter, extracted, build(letter, extracted, name))


def letter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the letter files directly inside each directory (not below it:
    a corpus keeps its deliberately unreadable samples in a subdirectory)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in LETTER_SUFFIXES)
        else:
            files.append(path)
    return files


def read_file(path: Path, kb) -> Outcome:
    try:
        if not path.is_file():
            raise InputError("no such file", source=str(path))
        read = read_letter(path.read_bytes(), str(path), kb)
        return Outcome(str(path), read=read, summary=read.summary())
    except InputError as exc:
        return Outcome(str(path), error=exc.describe())
    except (MtusError, ValueError, OSError) as exc:
        return Outcome(str(path), error=f"{path}: {exc}")


def read_files(files: list[Path], kb,
               progress: Callable[[int, int, str], None] | None = None) -> Iterator[Outcome]:
    for n, path in enumerate(files, 1):
        if progress:
            progress(n, len(files), str(path))
        yield read_file(path, kb)


# Reasoning over a letter -----------------------------------------------------------------------

@dataclass(frozen=True)
class Reasoned:
    result: object | None  # kb.CaseResult, or None when nothing could be decided
    note: str | None  # why not (or why some items were left out)


def _v(term) -> str:
    return str(getattr(term, "value", term))


def requested(read: ReadLetter) -> list[str]:
    """The letter's request nodes, in the order of its disputed items."""
    return [_v(t.object) for t in read.graph.facts if t.predicate.value == m("request")]


def concepts_of(read: ReadLetter) -> dict[str, str]:
    """Fact node -> the terminology term the letter's text was matched to."""
    return {_v(t.subject): _v(t.object) for t in read.graph.facts
            if t.predicate.value == m("concept")}


def reason_letter(read: ReadLetter, kb) -> Reasoned:
    """Decide the letter from its case facts only. A request whose service is not in the
    terminology cannot be decided: it is left out, and said so."""
    facts = read.graph.facts
    concepts, requests = concepts_of(read), requested(read)
    unknown = [r for r in requests if r not in concepts]
    note = f"{len(unknown)} requested service(s) not in the terminology" if unknown else None
    if len(unknown) == len(requests):
        return Reasoned(None, note or "no requested item")
    decidable = [t for t in facts if not (t.predicate.value == m("request")
                                          and _v(t.object) in unknown)]
    try:
        # One index over the facts, shared by the completeness checks and the fact reading.
        return Reasoned(kb.reason(CaseGraph.of(decidable), read.source), note)
    except IncompleteCase as exc:
        return Reasoned(None, f"case not decidable: {exc}")


def item_outcomes(read: ReadLetter, reasoned: Reasoned) -> list[str | None]:
    """Our outcome for each disputed item, in the letter's order (None: not decided)."""
    decided = {d.request.node: d.outcome.value
               for d in getattr(reasoned.result, "determinations", ())}
    return [decided.get(r) for r in requested(read)]


# One letter, ready to store ------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """A letter read (and decided) with its graphs as N-Quads: the form in which it leaves a
    worker process (pickling term objects costs more than the parse) and the form Oxigraph
    stores fastest."""

    outcome: Outcome
    case: str | None = None
    data: bytes = b""
    graphs: tuple[str, ...] = ()  # the graph names in `data`


def prepare(path: Path, kb, reason: bool, keep_read: bool = False) -> Prepared:
    from reasoner.engine.report import run_triples
    from reasoner.store.embedded import case_graph, nquads

    start = time.perf_counter()
    outcome = read_file(path, kb)
    seconds = {"read": time.perf_counter() - start}
    if outcome.read is None:
        return Prepared(Outcome(outcome.source, error=outcome.error, seconds=seconds))
    read, summary = outcome.read, dict(outcome.summary or {})
    try:
        graphs = {case_graph(read.graph.case): read.graph.triples}
    except InputError as exc:
        return Prepared(Outcome(outcome.source, error=exc.describe(), seconds=seconds))
    if reason:
        start = time.perf_counter()
        reasoned = reason_letter(read, kb)
        for item, decided in zip(summary["items"], item_outcomes(read, reasoned), strict=True):
            item["outcome"] = decided
        if reasoned.result is not None:
            run_iri, graphs[run_iri] = run_triples(reasoned.result, kb)
            summary["run"] = run_iri
        if reasoned.note:
            summary["not_decided"] = reasoned.note
        seconds["reason"] = time.perf_counter() - start
    return Prepared(Outcome(outcome.source, read if keep_read else None, None, summary, seconds),
                    read.graph.case, nquads(graphs), tuple(graphs))


def store_prepared(prepared: Prepared, store) -> Outcome:
    outcome = prepared.outcome
    if not outcome.ok or prepared.case is None:
        return outcome
    start = time.perf_counter()
    try:
        store.save_letter_nquads(prepared.case, prepared.data)
    except MtusError as exc:
        return Outcome(outcome.source, error=f"{outcome.source}: {exc}", seconds=outcome.seconds)
    return _stored(outcome, time.perf_counter() - start)


# The batch ---------------------------------------------------------------------------------

def ingest(files: list[Path], kb, store,
           progress: Callable[[int, int, str], None] | None = None, *,
           reason: bool = False, jobs: int | None = 0) -> list[Outcome]:
    """Read (and decide) and store each letter, whole or not at all (in batches of
    STORE_BATCH where the store allows, see store_batch); errors are per file.

    `jobs`: worker processes that read and reason while this process writes (0: none, all
    here; None: for a big batch one per CPU, else none)."""
    results: list[Outcome] = []
    batch: list[Prepared] = []

    def flush() -> None:
        for outcome in store_batch(batch, store):
            results.append(outcome)
            if progress:
                progress(len(results), len(files), outcome.source)
        batch.clear()

    for prepared in _prepared(files, kb, reason, _jobs(jobs, len(files))):
        batch.append(prepared)
        if len(batch) == STORE_BATCH:
            flush()
    flush()
    return results


def store_batch(batch: list[Prepared], store) -> list[Outcome]:
    """Store prepared letters together when the store can (`save_letters_nquads`: each letter
    still whole or absent), else one by one; a failed batch is retried one by one, so an
    error names its letter."""
    ready = [p for p in batch if p.outcome.ok and p.case is not None]
    save_all = getattr(store, "save_letters_nquads", None)
    if save_all is None or len(ready) < 2:
        return [store_prepared(p, store) for p in batch]
    start = time.perf_counter()
    try:
        save_all([(p.case, p.graphs, p.data) for p in ready])
    except MtusError:
        return [store_prepared(p, store) for p in batch]
    share = (time.perf_counter() - start) / len(ready)
    stored = {id(p) for p in ready}
    return [_stored(p.outcome, share) if id(p) in stored else p.outcome for p in batch]


def _stored(outcome: Outcome, seconds: float) -> Outcome:
    return Outcome(outcome.source, outcome.read, None, outcome.summary,
                   {**outcome.seconds, "store": seconds})


def _jobs(jobs: int | None, letters: int) -> int:
    if jobs is None:
        # Reading and reasoning take most of the time now that new letters are bulk-loaded
        # (store_batch): one worker per CPU, the writer sharing them.
        jobs = (os.cpu_count() or 1) if letters >= PARALLEL_FROM else 0
    return max(0, min(jobs, letters))


def _prepared(files: list[Path], kb, reason: bool, jobs: int) -> Iterator[Prepared]:
    if jobs == 0:
        yield from (prepare(path, kb, reason) for path in files)
        return
    # fork shares the loaded knowledge base with the workers; elsewhere they load their own.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    # A bounded number of letters in flight (unbounded, finished letters piled up: gigabytes
    # for 10,000), with room for the batch being stored and the next one, so the workers
    # keep reading and reasoning while the writer bulk-loads.
    window = threading.BoundedSemaphore(2 * STORE_BATCH + jobs * _CHUNK)

    def feed() -> Iterator[Path]:
        for path in files:
            window.acquire()
            yield path

    with context.Pool(jobs, _worker_start, (kb if method == "fork" else None, kb.root,
                                            reason)) as pool:
        for prepared in pool.imap(_worker_prepare, feed(), chunksize=_CHUNK):
            window.release()
            yield prepared


_WORKER: dict = {}


def _worker_start(kb, root, reason: bool) -> None:
    if kb is None:
        from reasoner.engine.kb import KnowledgeBase

        kb = KnowledgeBase.load(root)
    _WORKER.update(kb=kb, reason=reason)


def _worker_prepare(path: Path) -> Prepared:
    return prepare(path, _WORKER["kb"], _WORKER["reason"])


# Progress ------------------------------------------------------------------------------------

def progress_bar(stream, *, interval: float | None = None) -> Callable[[int, int, str], None]:
    """A one-line progress bar with count, rate and time left, on `stream` (stderr).

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
