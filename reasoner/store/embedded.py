"""The RDF store: the guideline KB, cases and reasoning runs as named graphs, read by SPARQL.

Named graphs: GUIDELINE_GRAPH holds the knowledge-base triples and their digest; each case lives
in the graph named by its case IRI (replaced whole when the case is reasoned again); each run
(one PROV-O activity and its determinations) lives in the graph named by its run IRI.

Every write is one transaction: a failure leaves the previous state intact. Replacing a graph
that exists is ONE SPARQL Update request (DROP + INSERT DATA), which Oxigraph applies
atomically and which a SPARQL 1.1 endpoint can receive as is: that is what lets a remote
backend implement `GraphStore` with the same update text. Writing graphs that do not exist
yet (a new case, a new run) needs no DROP, so the embedded store hands the quads to Oxigraph's
transactional `extend` instead of printing and parsing an update.

The one exception is a batch of new letters (`save_letters_nquads`, used by `mtus ingest`):
Oxigraph's bulk loader writes it several times faster than a transaction would, and an intent
log (PENDING_GRAPH) committed before and cleared after lets `recover`, run whenever the store
is opened for writing, drop a batch cut off by a crash, so each letter is still whole or absent.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

from reasoner.engine.report import run_triples
from reasoner.errors import InputError
from reasoner.store import casescope
from reasoner.store.casescope import ForeignData
from reasoner.store.groupcommit import GroupCommit, Write
from reasoner.store.querypool import UNION, Dataset, Limits, QueryPool
from reasoner.store.queryworker import open_read_only
from reasoner.store.sparql import (
    QueryResult,
    QueryTimeout,
    StoreError,
    result_text,
    term_text,
)
from reasoner.store.sparqlsyntax import PreparedQuery, prepare
from reasoner.vocab import GUIDELINE_GRAPH, PROV, RUN, m

DEFAULT_PATH = Path("var/store")
DIGEST = m("knowledgeBaseDigest")
# The intent log of a batch write in progress (see Store.save_letters_nquads).
PENDING_GRAPH = "https://w3id.org/mtus-kg/graph/pending"
PENDING = m("pendingGraph")
_RESERVED = ("https://w3id.org/mtus-kg/graph/", RUN)
_USED = ox.NamedNode(PROV + "used")
_ENDED = ox.NamedNode(PROV + "endedAtTime")
_GUIDELINES = ox.NamedNode(GUIDELINE_GRAPH)
# Quads written between two flushes of the memtables (see Store._written).
FLUSH_EVERY_QUADS = 50_000  # ~200 cases: the log stays under ~100 MB (measured)


@runtime_checkable
class GraphStore(Protocol):
    """What the API and CLI use; a remote SPARQL 1.1 endpoint backend can provide the same."""

    read_only: bool

    def ensure_guidelines(self, kb: Any) -> bool: ...
    def save_case(self, result: Any, kb: Any) -> str: ...
    def query(self, sparql: str, *, timeout: float | None = None,
              max_rows: int | None = None, dataset: Dataset = UNION) -> QueryResult: ...
    def status(self) -> dict: ...
    def close(self) -> None: ...


# Writes ----------------------------------------------------------------------------------------

def replace_graphs_update(replace: Mapping[str, Iterable[ox.Triple]],
                          add: Mapping[str, Iterable[ox.Triple]] | None = None,
                          drop: Iterable[str] = ()) -> str:
    """One SPARQL Update: drop the `replace` graphs (and the `drop` ones), then insert the
    `replace` and `add` graphs.

    A blank node label used in two graphs is one node: INSERT DATA scopes labels to the request.
    """
    graphs = {**replace, **(add or {})}
    drops = "".join(f"DROP SILENT GRAPH {ox.NamedNode(g)} ;\n" for g in [*replace, *drop])
    blocks = "\n".join(
        f"GRAPH {ox.NamedNode(g)} {{\n"
        + "".join(f"{term_text(t.subject)} {term_text(t.predicate)} {term_text(t.object)} .\n"
                  for t in triples) + "}"
        for g, triples in graphs.items())
    return f"{drops}INSERT DATA {{\n{blocks}\n}}"


def drop_and_insert(drops: Iterable[str], quads: Iterable[ox.Quad]) -> str:
    """One SPARQL Update: drop the graphs `drops`, then insert `quads` (blank nodes already
    relabelled apart by `quads_of`, so their labels can share one INSERT DATA)."""
    graphs: dict[str, list] = {}
    for q in quads:
        graphs.setdefault(q.graph_name.value, []).append(q)
    return replace_graphs_update({}, graphs, drop=dict.fromkeys(drops))


def quads_of(graphs: Mapping[str, Iterable[ox.Triple]]) -> list[ox.Quad]:
    """The graphs as quads. Each blank node label becomes a new node, shared by all of them:
    what INSERT DATA does with labels, so both write paths store the same data."""
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
             for name, triples in graphs.items() for t in triples]
    if not any(isinstance(q.subject, ox.BlankNode | ox.Triple)
               or isinstance(q.object, ox.BlankNode | ox.Triple) for q in quads):
        return quads  # the usual case: nothing to relabel
    fresh: dict[str, ox.BlankNode] = {}

    def term(t):
        if isinstance(t, ox.BlankNode):
            return fresh.setdefault(t.value, ox.BlankNode())
        if isinstance(t, ox.Triple):
            return ox.Triple(term(t.subject), t.predicate, term(t.object))
        return t

    return [ox.Quad(term(q.subject), q.predicate, term(q.object), q.graph_name) for q in quads]


def nquads(graphs: Mapping[str, Iterable[ox.Triple]]) -> bytes:
    """The graphs as N-Quads, blank nodes relabelled as `quads_of` does: how a letter prepared
    in a worker process reaches the writer (cheaper than pickling terms)."""
    parts = []
    for name, triples in graphs.items():
        data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
        if b"_:" in data or b"<<" in data:  # blank nodes or triple terms: the careful way
            return ox.serialize(quads_of(graphs), format=ox.RdfFormat.N_QUADS) or b""
        # N-Triples escapes line breaks inside literals, so ' .\n' only ends a statement.
        parts.append(data.replace(b" .\n", f" <{name}> .\n".encode()))
    return b"".join(parts)


def graphs_of(data: bytes) -> dict[str, list[ox.Triple]]:
    """N-Quads back to triples by graph name."""
    graphs: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(getattr(q.graph_name, "value", ""), []).append(q.triple)
    return graphs


def case_graph(case: str) -> str:
    """The graph name of a case: its IRI, which must not collide with our own graphs."""
    if case.startswith("_:"):
        raise InputError("the mtus:Case is a blank node, so it cannot name its graph in the "
                         "store: give it an IRI (\"@id\" in JSON-LD), or do not store it",
                         term=case)
    if case.startswith(_RESERVED):
        raise InputError("the case IRI is in a namespace reserved for the store's own graphs",
                         term=case)
    return case


class _Closed:
    """Stands for the database of a closed store: any use says so."""

    def __getattr__(self, name: str) -> Any:
        raise StoreError("the store is closed")


_CLOSED = _Closed()


# The embedded store --------------------------------------------------------------------------

class Store:
    """An embedded Oxigraph store (on disk or in memory) implementing `GraphStore`."""

    def __init__(self, db: ox.Store, *, path: Path | None = None, read_only: bool = False,
                 timeout: float = 10.0, max_rows: int = 10_000, max_concurrent: int = 4,
                 memory_mb: int = 1024, max_bytes: int = 32 << 20,
                 scratch: tempfile.TemporaryDirectory | None = None) -> None:
        self._db = db
        self.path = path
        self.read_only = read_only
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        # Queries run in killable worker processes on snapshots of the store (querypool).
        self._pool = QueryPool(max_concurrent, memory_mb)
        self._scratch = scratch  # the directory of a throwaway store, removed on close
        self._generation = 0  # bumped by every write: a snapshot older than it is stale
        self._snapshot_refs: dict[str, int] = {}  # snapshot -> queries using it; newest last
        self._snapshot_gen = -1  # the generation the newest snapshot holds
        self._snapshot_lock = threading.Lock()
        # "Does the graph exist?" and the write that depends on the answer happen as one.
        self._writing = threading.Lock()
        self._writer: GroupCommit | None = None  # started by the first grouped write
        self._unflushed = 0
        self._flushing = threading.Lock()
        # A store nobody closed still stops its query workers when it is collected.
        weakref.finalize(self, self._pool.close)

    @classmethod
    def memory(cls, **limits: Any) -> Store:
        """A throwaway store in a temporary directory (query workers are other processes, so
        they need something on disk to open), removed on close."""
        scratch = tempfile.TemporaryDirectory(prefix="mtus-store-")
        return cls(ox.Store(os.path.join(scratch.name, "db")), scratch=scratch, **limits)

    @classmethod
    def open(cls, path: str | Path = DEFAULT_PATH, read_only: bool = False,
             **limits: Any) -> Store:
        """Open (creating if needed) an on-disk store.

        Only one process can hold it read-write. `read_only=True` needs no lock, so a CLI can
        query while a server writes; it sees the data committed when it was opened.
        """
        path = Path(path)
        try:
            if read_only:
                db = open_read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                db = ox.Store(str(path))
        except (OSError, RuntimeError) as exc:
            hint = "" if read_only else " (if a server holds it, open it read-only)"
            raise StoreError(f"cannot open the store at {path}: {exc}{hint}") from None
        store = cls(db, path=path, read_only=read_only, **limits)
        if not read_only:
            shutil.rmtree(store._snapshot_dir(), ignore_errors=True)  # a previous run's
            store.recover()
        return store

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._pool.close()
        if not self.read_only:
            self._db.flush()
            shutil.rmtree(self._snapshot_dir(), ignore_errors=True)
        # Release the database (and its lock) now, not when the object is collected.
        self._db = _CLOSED  # type: ignore[assignment]
        if self._scratch is not None:
            self._scratch.cleanup()

    def status(self) -> dict:
        return {"backend": "oxigraph", "path": str(self.path) if self.path else ":memory:",
                "read_only": self.read_only, "guidelines_digest": self.guidelines_digest(),
                # how query workers are kept off the network ("none" deserves attention);
                # null until the first query started one
                "query_isolation": self.query_isolation}

    # writes
    def guidelines_digest(self) -> str | None:
        g = ox.NamedNode(GUIDELINE_GRAPH)
        for quad in self._db.quads_for_pattern(g, ox.NamedNode(DIGEST), None, g):
            return quad.object.value if isinstance(quad.object, ox.Literal) else None
        return None

    def ensure_guidelines(self, kb: Any) -> bool:
        """Rewrite the guideline graph unless it already holds this KB; True if rewritten."""
        if self.guidelines_digest() == kb.digest:
            return False
        g = ox.NamedNode(GUIDELINE_GRAPH)
        stamp = ox.Triple(g, ox.NamedNode(DIGEST), ox.Literal(kb.digest))
        self._replace_graphs({GUIDELINE_GRAPH: [*kb.triples, stamp]})
        return True

    def save_case(self, result: Any, kb: Any) -> str:
        """Replace the case graph and add a run graph that supersedes the case's earlier
        runs, atomically; returns the run IRI. A case may only state things about itself
        (`casescope`): anything else is refused with ForeignData and nothing is written."""
        graph, run_iri, run = self._case_write(result, kb)
        self._replace_graphs({graph: result.triples}, {run_iri: run}, case=graph)
        return run_iri

    def save_case_later(self, result: Any, kb: Any) -> tuple[str, Future]:
        """`save_case` without waiting: the run IRI, and a future done once the write is
        committed (its exception if refused)."""
        graph, run_iri, run = self._case_write(result, kb)
        return run_iri, self._submit({graph: result.triples}, {run_iri: run}, case=graph)

    @staticmethod
    def _case_write(result: Any, kb: Any) -> tuple[str, str, list[ox.Triple]]:
        """The case graph's name and the new run, after the checks that need no store."""
        graph = case_graph(result.case)
        casescope.check(graph, result.triples)
        run_iri, run = run_triples(result, kb)
        return graph, run_iri, run

    def save_letter(self, case: str, triples: Iterable[ox.Triple],
                    run: tuple[str, Iterable[ox.Triple]] | None = None) -> None:
        """Replace the graph of a case read from an IMR letter (facts and the reviewer's
        record) and add its reasoning run (`report.run_triples`: the PROV-O activity and the
        determinations) in one transaction, so a failed write leaves neither."""
        graph = case_graph(case)
        self._replace_graphs({graph: triples}, dict([run]) if run else None, case=graph)

    def save_letter_nquads(self, case: str, data: bytes) -> None:
        """`save_letter` for a letter already serialized by `nquads` (its case graph and, if
        reasoned, its run graph): Oxigraph parses and inserts it in one transaction, with no
        Python term objects in between. A case stored before is replaced the usual way."""
        graph = ox.NamedNode(case_graph(case))
        self._check_writable()
        with self._writing:
            if not self._db.contains_named_graph(graph):
                try:
                    self._db.load(data, format=ox.RdfFormat.N_QUADS)
                except (OSError, SyntaxError, ValueError) as exc:
                    raise StoreError(f"the write failed and changed nothing: {exc}") from None
                self._changed()
                return
        self._replace_letter(graph.value, data)

    def _replace_letter(self, graph: str, data: bytes) -> None:
        """A letter's N-Quads over a case stored before: its graph replaced, its run added."""
        graphs = graphs_of(data)
        self._replace_graphs({graph: graphs.pop(graph, [])}, graphs, case=graph)

    def save_letters_nquads(self, letters: Sequence[tuple[str, Sequence[str], bytes]]) -> None:
        """Store a batch of letters, each (case IRI, the names of its graphs, its N-Quads as
        `nquads` writes them: they are loaded without re-checking IRIs), every letter whole or
        not at all.

        Letters whose case is new go in through Oxigraph's bulk loader, several times cheaper
        per quad than a transaction, made crash-safe by an intent log: (1) their graph names
        are committed to PENDING_GRAPH, (2) the data is bulk-loaded, (3) the names are removed
        in one transaction. A store opened after a crash first drops every graph still named
        there (`recover`), so a letter cut off in (2) is gone, never partial; until (3), readers
        in this process and read-only opens elsewhere may see the batch half-written. A case
        stored before, or twice in the batch, is replaced the usual way, one transaction each.
        On failure the bulk part is undone as after a crash and StoreError raised: the caller
        may retry letter by letter.
        """
        self._check_writable()
        again: list[tuple[str, bytes]] = []
        with self._writing:
            new: dict[str, tuple[Sequence[str], bytes]] = {}
            for case, graphs, data in letters:
                graph = case_graph(case)
                if graph in new or self._db.contains_named_graph(ox.NamedNode(graph)):
                    again.append((case, data))
                else:
                    new[graph] = (graphs, data)
            if new:
                self._bulk_new(list(new.values()))
        for case, data in again:
            self.save_letter_nquads(case, data)

    def _bulk_new(self, letters: list[tuple[Sequence[str], bytes]]) -> None:
        log, pending = ox.NamedNode(PENDING_GRAPH), ox.NamedNode(PENDING)
        marks = [ox.Quad(log, pending, ox.NamedNode(g), log) for graphs, _ in letters
                 for g in graphs]
        try:
            self._db.extend(marks)
            # lenient: the data is `nquads` output, serialised from terms pyoxigraph already
            # checked, so re-checking every IRI is wasted (~9% of this step, measured).
            self._db.bulk_load(b"".join(data for _, data in letters),
                               format=ox.RdfFormat.N_QUADS, lenient=True)
            self._db.update(f"DROP SILENT GRAPH {log}")
            self._changed()
        except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
            self.recover()
            raise StoreError(f"the batch write failed and changed nothing: {exc}") from None

    def recover(self) -> list[str]:
        """Drop the graphs of a batch write that did not finish (a crash, or an error inside
        `save_letters_nquads`), in one transaction; returns their names."""
        log = ox.NamedNode(PENDING_GRAPH)
        if not self._db.contains_named_graph(log):
            return []
        graphs = sorted({q.object.value for q in self._db.quads_for_pattern(
            log, ox.NamedNode(PENDING), None, log) if isinstance(q.object, ox.NamedNode)})
        self._write("".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in graphs)
                    + f"DROP SILENT GRAPH {log}")
        return graphs

    def bulk_load(self, *sources: str | Path | bytes, lenient: bool = False) -> None:
        """Load N-Quads files (or bytes) at Oxigraph's bulk speed, for initial loads and
        benchmarks. Unlike every other write this is not one transaction: a crash mid-load
        keeps part of the data.

        Several files are loaded side by side, one Oxigraph loader per file (at most one per
        CPU at a time): one loader keeps about 1.5 cores busy. Each file is its own document,
        so a blank node label means one node within a file only, as in any RDF load.
        `lenient` skips Oxigraph's IRI checks: for files this project wrote itself. Call
        `optimize` after a large load, before querying."""
        self._check_writable()
        errors: list[StoreError] = []
        pending = list(sources)
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if not pending or errors:
                        return
                    source = pending.pop(0)
                try:
                    self._bulk_part(source, lenient)
                except StoreError as exc:
                    errors.append(exc)

        workers = [threading.Thread(target=work, name="bulk-load")
                   for _ in range(min(len(sources), os.cpu_count() or 1))]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        self._changed()
        if errors:
            raise errors[0]

    def prune(self) -> dict:
        """Drop what no query should see any more, then compact: runs superseded by a later
        run of the same case (stores written before runs were superseded on write) and runs
        whose case graph is gone. Returns what was dropped and the size before and after."""
        self._check_writable()
        before = self.disk_bytes()
        with self._writing:
            runs: dict[str, list[tuple[str, str]]] = {}  # case -> [(ended at, run graph)]
            dropped: list[str] = []
            for q in self._db.quads_for_pattern(None, _USED, None, None):
                run, case = q.graph_name, q.object
                if not (isinstance(run, ox.NamedNode) and run.value.startswith(RUN)):
                    continue
                if not self._db.contains_named_graph(case):
                    dropped.append(run.value)  # its case is gone
                    continue
                ended = next((e.object.value for e in self._db.quads_for_pattern(
                    q.subject, _ENDED, None, run)), "")
                runs.setdefault(case.value, []).append((ended, run.value))
            for decided in runs.values():
                dropped += [run for _, run in sorted(decided)[:-1]]  # all but the latest
            if dropped:
                self._write(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in dropped))
        self._db.flush()
        self.optimize()
        return {"runs_dropped": len(dropped), "bytes_before": before,
                "bytes_after": self.disk_bytes()}

    def disk_bytes(self) -> int | None:
        if self.path is None:
            return None
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    def optimize(self) -> None:
        """Compact the store (Oxigraph's optimize), e.g. after a bulk load: until the loader's
        files are merged, queries read more of them and compete with the merge for the CPU."""
        self._check_writable()
        try:
            self._db.optimize()
        except OSError as exc:
            raise StoreError(f"optimizing the store failed: {exc}") from None

    def _bulk_part(self, source: str | Path | bytes, lenient: bool) -> None:
        what = "the data" if isinstance(source, bytes) else str(source)
        try:
            if isinstance(source, bytes):
                self._db.bulk_load(source, format=ox.RdfFormat.N_QUADS, lenient=lenient)
            else:
                self._db.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS,
                                   lenient=lenient)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"the bulk load of {what} failed: {exc}") from None

    def _replace_graphs(self, replace: Mapping[str, Iterable[ox.Triple]],
                        add: Mapping[str, Iterable[ox.Triple]] | None = None,
                        case: str | None = None) -> None:
        """Replace the `replace` graphs and add the `add` graphs in one transaction; with
        `case`, the case's earlier runs are dropped in it too. Writes from concurrent callers
        are committed together (`groupcommit`)."""
        self._submit(replace, add, case).result()

    def _submit(self, replace: Mapping[str, Iterable[ox.Triple]],
                add: Mapping[str, Iterable[ox.Triple]] | None, case: str | None) -> Future:
        self._check_writable()
        write = Write({g: list(t) for g, t in replace.items()},
                      {g: list(t) for g, t in (add or {}).items()}, case)
        if self._writer is None:
            with self._writing:
                if self._writer is None:
                    # A weak reference: the writer thread must not keep the store alive.
                    self._writer = GroupCommit(weakref.WeakMethod(self._commit_writes))
                    weakref.finalize(self, self._writer.close)
        try:
            return self._writer.submit_nowait(write)
        except RuntimeError as exc:
            raise StoreError(str(exc)) from None

    def _commit_writes(self, writes: list[Write]) -> None:
        """One transaction for all `writes` (the writer thread's `commit`)."""
        with self._writing:
            drops: list[str] = []
            graphs: list[dict] = []
            for write in writes:
                try:
                    self._check_subjects(write)
                except ForeignData as exc:
                    write.error = exc
                    continue
                drops += [g for g in write.replace
                          if self._db.contains_named_graph(ox.NamedNode(g))]
                drops += self._runs_of(write.case) if write.case else []
                graphs.append({**write.replace, **write.add})
            # Blank nodes are relabelled per write (quads_of, nquads): two cases' `_:b0` are
            # two nodes.
            if drops:
                quads = [q for g in graphs for q in quads_of(g)]
                self._write(drop_and_insert(drops, quads))
            elif graphs:
                # N-Quads parsed by Oxigraph in one transaction: ~2.4x cheaper than handing
                # it Python quad objects (measured: 4.3 vs 10.3 ms for a 250-quad case).
                try:
                    self._db.load(b"".join(nquads(g) for g in graphs),
                                  format=ox.RdfFormat.N_QUADS)
                except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
                    raise StoreError(f"the write failed and changed nothing: {exc}") from None
                self._changed()
            self._written(sum(len(t) for g in graphs for t in g.values()))

    def _runs_of(self, case: str) -> list[str]:
        """The run graphs that decided `case` (prov:used)."""
        return sorted({q.graph_name.value for q in self._db.quads_for_pattern(
            None, _USED, ox.NamedNode(case), None)
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(RUN)})

    def _check_subjects(self, write: Write) -> None:
        """A case may not describe a subject that another stored graph describes (a case
        sharing its namespace with another case, say)."""
        if write.case is None:
            return
        own = ox.NamedNode(write.case)
        for triples in write.replace.values():
            for subject in {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}:
                for q in self._db.quads_for_pattern(subject, None, None, None):
                    if q.graph_name != own:
                        raise ForeignData("another stored graph describes this subject; a case "
                                          "may only describe itself", q)
            # Nor point at another case's nodes (a record "about" another case's request).
            for t in triples:
                if isinstance(t.object, ox.NamedNode) and \
                        not t.object.value.startswith(casescope.RESERVED):
                    for q in self._db.quads_for_pattern(t.object, None, None, None):
                        if q.graph_name not in (own, _GUIDELINES):
                            raise ForeignData("this triple points at a node another stored "
                                              "case describes", t)
                        break

    def _written(self, quads: int) -> None:
        """Flush the memtables now and then, on a thread of its own: RocksDB keeps its
        write-ahead log until they are flushed, and some rarely fill on their own (the log
        grew to gigabytes under sustained small writes)."""
        self._unflushed += quads
        if self._unflushed < FLUSH_EVERY_QUADS or self._flushing.locked():
            return
        self._unflushed = 0

        def flush() -> None:
            with self._flushing, contextlib.suppress(OSError):
                self._db.flush()

        threading.Thread(target=flush, name="store-flush", daemon=True).start()

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")

    def _write(self, update: str) -> None:
        self._check_writable()
        try:
            self._db.update(update)
        except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
            raise StoreError(f"the write failed and changed nothing: {exc}") from None
        self._changed()

    # reads
    def query(self, sparql: str, *, timeout: float | None = None,
              max_rows: int | None = None, dataset: Dataset = UNION) -> QueryResult:
        """Run a read-only query with a time, row and byte limit. The default graph is the
        union of all graphs unless the query (FROM, FROM NAMED) or `dataset` names one."""
        limits = Limits(self.timeout if timeout is None else timeout,
                        max_rows or self.max_rows, self.max_bytes)
        return self._run(prepare(sparql), dataset, limits)

    def query_text(self, sparql: str, fmt: str = "table") -> str:
        """For the CLI: `query` with `result_text` (table, json, xml, csv or tsv)."""
        return result_text(self.query(sparql), fmt)

    @property
    def query_isolation(self) -> str | None:
        """How query workers are kept off the network (None until one has started)."""
        return self._pool.isolation

    def _run(self, query: PreparedQuery, dataset: Dataset, limits: Limits) -> QueryResult:
        snapshot = self._take_snapshot()
        try:
            return self._pool.run(snapshot, query, dataset, limits)
        finally:
            self._drop_snapshot(snapshot)

    def _snapshot_dir(self) -> Path:
        if self._scratch is not None:
            return Path(self._scratch.name) / "snapshots"
        assert self.path is not None
        return self.path.with_name(self.path.name + ".snapshots")

    def _changed(self) -> None:
        self._generation += 1

    def _take_snapshot(self) -> str:
        """A checkpoint of the store as of the last write, made when a query needs one: query
        workers open it read-only while this process goes on writing (a RocksDB checkpoint
        is hard links plus the unflushed writes, tens of ms). Counted as in use until
        `_drop_snapshot`: one is removed only when no query holds it and a newer one exists
        (under concurrent writes and queries, a query could be handed one an instant before
        a newer one replaced it)."""
        if self.read_only:
            assert self.path is not None
            return str(self.path)  # nothing here writes: the workers open it as we did
        with self._snapshot_lock:
            generation = self._generation
            if self._snapshot_gen != generation or not self._snapshot_refs:
                self._snapshot_refs[self._new_snapshot(generation)] = 0
                self._snapshot_gen = generation
            current = next(reversed(self._snapshot_refs))
            self._snapshot_refs[current] += 1
            return current

    def _new_snapshot(self, generation: int) -> str:
        target = self._snapshot_dir() / f"{generation}-{uuid.uuid4().hex[:8]}"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db.backup(str(target))
        except OSError as exc:
            raise StoreError(f"could not snapshot the store for a query: {exc}") from None
        return str(target)

    def _drop_snapshot(self, snapshot: str) -> None:
        if self.read_only:
            return
        with self._snapshot_lock:
            self._snapshot_refs[snapshot] -= 1
            current = next(reversed(self._snapshot_refs))
            for old, refs in list(self._snapshot_refs.items()):
                if refs == 0 and old != current:
                    del self._snapshot_refs[old]
                    shutil.rmtree(old, ignore_errors=True)


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
