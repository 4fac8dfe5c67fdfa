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

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

from reasoner.errors import InputError
from reasoner.report import run_triples
from reasoner.sparql import (
    AskResult,
    GraphResult,
    QueryResult,
    QueryTimeout,
    SelectResult,
    StoreError,
    Term,
    result_text,
    screen_query,
    syntax_error,
)
from reasoner.vocab import GUIDELINE_GRAPH, RUN, m

DEFAULT_PATH = Path("var/store")
DIGEST = m("knowledgeBaseDigest")
# The intent log of a batch write in progress (see Store.save_letters_nquads).
PENDING_GRAPH = "https://w3id.org/mtus-kg/graph/pending"
PENDING = m("pendingGraph")
_RESERVED = ("https://w3id.org/mtus-kg/graph/", RUN)


@runtime_checkable
class GraphStore(Protocol):
    """What the API and CLI use; a remote SPARQL 1.1 endpoint backend can provide the same."""

    read_only: bool

    def ensure_guidelines(self, kb: Any) -> bool: ...
    def save_case(self, result: Any, kb: Any) -> str: ...
    def query(self, sparql: str, *, timeout: float | None = None,
              max_rows: int | None = None) -> QueryResult: ...
    def status(self) -> dict: ...
    def close(self) -> None: ...


# Writes ----------------------------------------------------------------------------------------

def term_text(term: Term) -> str:
    """A term in N-Triples syntax, which SPARQL reads with the same escapes."""
    if isinstance(term, ox.Triple):
        return f"<<( {term_text(term.subject)} {term_text(term.predicate)} " \
               f"{term_text(term.object)} )>>"
    return str(term)


def replace_graphs_update(replace: Mapping[str, Iterable[ox.Triple]],
                          add: Mapping[str, Iterable[ox.Triple]] | None = None) -> str:
    """One SPARQL Update: drop the `replace` graphs, then insert them and the `add` graphs.

    A blank node label used in two graphs is one node: INSERT DATA scopes labels to the request.
    """
    graphs = {**replace, **(add or {})}
    drops = "".join(f"DROP SILENT GRAPH {ox.NamedNode(g)} ;\n" for g in replace)
    blocks = "\n".join(
        f"GRAPH {ox.NamedNode(g)} {{\n"
        + "".join(f"{term_text(t.subject)} {term_text(t.predicate)} {term_text(t.object)} .\n"
                  for t in triples) + "}"
        for g, triples in graphs.items())
    return f"{drops}INSERT DATA {{\n{blocks}\n}}"


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


# The embedded store --------------------------------------------------------------------------

class Store:
    """An embedded Oxigraph store (on disk or in memory) implementing `GraphStore`."""

    def __init__(self, db: ox.Store, *, path: Path | None = None, read_only: bool = False,
                 timeout: float = 10.0, max_rows: int = 10_000, max_concurrent: int = 4) -> None:
        self._db = db
        self.path = path
        self.read_only = read_only
        self.timeout = timeout
        self.max_rows = max_rows
        # A runaway query keeps its slot until it ends, so they cannot pile up without bound.
        self._slots = threading.BoundedSemaphore(max_concurrent)
        # "Does the graph exist?" and the write that depends on the answer happen as one.
        self._writing = threading.Lock()

    @classmethod
    def memory(cls, **limits: Any) -> Store:
        return cls(ox.Store(), **limits)

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
                db = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                db = ox.Store(str(path))
        except OSError as exc:
            hint = "" if read_only else " (if a server holds it, open it read-only)"
            raise StoreError(f"cannot open the store at {path}: {exc}{hint}") from None
        store = cls(db, path=path, read_only=read_only, **limits)
        if not read_only:
            store.recover()
        return store

    def close(self) -> None:
        if not self.read_only:
            self._db.flush()

    def status(self) -> dict:
        return {"backend": "oxigraph", "path": str(self.path) if self.path else ":memory:",
                "read_only": self.read_only, "guidelines_digest": self.guidelines_digest()}

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
        """Replace the case graph and add a run graph, atomically; returns the run IRI."""
        graph = case_graph(result.case)
        run_iri, run = run_triples(result, kb)
        self._replace_graphs({graph: result.triples}, {run_iri: run})
        return run_iri

    def save_letter(self, case: str, triples: Iterable[ox.Triple],
                    run: tuple[str, Iterable[ox.Triple]] | None = None) -> None:
        """Replace the graph of a case read from an IMR letter (facts and the reviewer's
        record) and add its reasoning run (`report.run_triples`: the PROV-O activity and the
        determinations) in one transaction, so a failed write leaves neither."""
        self._replace_graphs({case_graph(case): triples}, dict([run]) if run else None)

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
                return
        self._replace_letter(graph.value, data)

    def _replace_letter(self, graph: str, data: bytes) -> None:
        """A letter's N-Quads over a case stored before: its graph replaced, its run added."""
        graphs = graphs_of(data)
        self._replace_graphs({graph: graphs.pop(graph, [])}, graphs)

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
        if errors:
            raise errors[0]

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
                        add: Mapping[str, Iterable[ox.Triple]] | None = None) -> None:
        """Replace the `replace` graphs and add the `add` graphs in one transaction."""
        self._check_writable()
        with self._writing:
            if any(self._db.contains_named_graph(ox.NamedNode(g)) for g in replace):
                self._write(replace_graphs_update(replace, add))
                return
            try:
                self._db.extend(quads_of({**replace, **(add or {})}))
            except (OSError, RuntimeError, ValueError) as exc:
                raise StoreError(f"the write failed and changed nothing: {exc}") from None

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")

    def _write(self, update: str) -> None:
        self._check_writable()
        try:
            self._db.update(update)
        except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
            raise StoreError(f"the write failed and changed nothing: {exc}") from None

    # reads
    def query(self, sparql: str, *, timeout: float | None = None,
              max_rows: int | None = None) -> QueryResult:
        """Run a read-only query over the union of all graphs, with a time and row limit.

        The time limit is checked between result rows, and the caller is answered at the
        deadline in any case. What it cannot interrupt is one step inside Oxigraph that
        produces no row (a sort, an aggregate, a long run of rows rejected by FILTER): that
        keeps running in its worker thread, holding a query slot, until it yields or ends.
        """
        screen_query(sparql)
        return run_bounded(self._slots, self._evaluate, sparql,
                           self.timeout if timeout is None else timeout,
                           max_rows or self.max_rows)

    def query_text(self, sparql: str, fmt: str = "table") -> str:
        """For the CLI: `query` with `result_text` (table, json, xml, csv or tsv)."""
        return result_text(self.query(sparql), fmt)

    def _evaluate(self, sparql: str, limit: int, deadline: float) -> QueryResult:
        try:
            answer = self._db.query(sparql, use_default_graph_as_union=True)
            if isinstance(answer, ox.QueryBoolean):
                return AskResult(bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                names = tuple(v.value for v in answer.variables)
                rows = (tuple(s[i] for i in range(len(names))) for s in answer)
                taken, truncated = take(rows, limit, deadline)
                return SelectResult(names, tuple(taken), truncated)
            triples, truncated = take(iter(answer), limit, deadline)
            return GraphResult(tuple(triples), truncated)
        except SyntaxError as exc:
            raise syntax_error(exc) from None
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"the query failed: {exc}") from None


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
