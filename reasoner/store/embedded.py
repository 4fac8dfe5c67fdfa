"""The RDF store: the guideline KB, cases and reasoning runs as named graphs, read by SPARQL.

Named graphs: GUIDELINE_GRAPH holds the knowledge-base triples and their digest; each case lives
in the graph named by its case IRI (replaced whole when the case is reasoned again); each run
(one PROV-O activity and its determinations) lives in the graph named by its run IRI.

Writes of cases, runs, letters posted one by one and the guidelines go through a journal
(`journal`, `deferred`, `applier`): a write is checked (a case may only describe itself), its
quads are appended to the journal (and synced to disk, with `sync`), and it is answered; a
background thread applies journaled writes to Oxigraph later, in batches, when writes pause
or a reader needs them (see `applier` for when and why). A crash loses no answered write:
whatever the journal still holds is applied again when the store is next opened, and
applying is idempotent. Queries in this process first wait until every write answered
before them is applied, so they see their own writes; another process that opens the store
read-only sees a write once it is applied (within about 0.1 s once writes pause, at most
`applier.MAX_WAIT` seconds plus the time to apply it under a steady stream). A store built on
a bare database (no directory) has no journal: its writes are committed before they are
answered.

The other writes go straight to Oxigraph, after the journal is applied and retired (so a
replay can never put an older write over them): a batch of new letters
(`save_letters_nquads`, used by `mtus ingest`) goes through Oxigraph's bulk loader behind an
intent log (PENDING_GRAPH) committed before and cleared after, which `recover`, run whenever
the store is opened for writing, uses to drop a batch cut off by a crash, so each letter is
still whole or absent; `bulk_load`, `prune` and `optimize` are maintenance.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from reasoner.store import casescope
from reasoner.store.applier import BATCH_BYTES, Applier
from reasoner.store.casescope import ForeignData
from reasoner.store.deferred import BULK_FROM, Pending, Record, apply_records, named_terms
from reasoner.store.graphs import (
    DIGEST,
    Guidelines,
    case_graph,
    graphs_of,
    guideline_graph,
)
from reasoner.store.groupcommit import GroupCommit, Write
from reasoner.store.journal import Journal
from reasoner.store.protocol import Run
from reasoner.store.querypool import UNION, Dataset, Limits, QueryPool
from reasoner.store.queryworker import open_read_only
from reasoner.store.sparql import (
    QueryResult,
    StoreError,
    result_text,
)
from reasoner.store.sparqlsyntax import PreparedQuery, prepare
from reasoner.vocab import GUIDELINE_GRAPH, PROV, RUN, m

logger = logging.getLogger(__name__)
DEFAULT_PATH = Path("var/store")
# The intent log of a batch write in progress (see Store.save_letters_nquads).
PENDING_GRAPH = "https://w3id.org/mtus-kg/graph/pending"
PENDING = m("pendingGraph")
_USED = ox.NamedNode(PROV + "used")
_ENDED = ox.NamedNode(PROV + "endedAtTime")
_GUIDELINES = ox.NamedNode(GUIDELINE_GRAPH)
# Quads written between two flushes of the memtables (see Store._written).
FLUSH_EVERY_QUADS = 50_000  # ~200 cases: the log stays under ~100 MB (measured)


class _Closed:
    """Stands for the database of a closed store: any use says so."""

    def __getattr__(self, name: str) -> Any:
        raise StoreError("the store is closed")


_CLOSED = _Closed()


@dataclass(slots=True)
class _Probe:
    """What is left to check of a case's write once the journaled writes are: whether a graph
    in Oxigraph (other than its own and those being replaced) describes these IRIs."""

    own: str
    subjects: set[str]
    objects: set[str]
    triples: list[ox.Triple]  # to name the refused triple


# The embedded store --------------------------------------------------------------------------

class Store:
    """An embedded Oxigraph store (on disk or in memory) implementing `GraphStore`."""

    def __init__(self, db: ox.Store, *, path: Path | None = None, read_only: bool = False,
                 timeout: float = 10.0, max_rows: int = 10_000, max_concurrent: int = 4,
                 memory_mb: int = 1024, max_bytes: int = 32 << 20, sync: bool = False,
                 scratch: tempfile.TemporaryDirectory | None = None) -> None:
        """`sync`: a journaled write is synced to disk before it is answered (`Journal`)."""
        self._db = db
        # absolute: query workers run in another directory and open snapshots beside it
        self.path = path.absolute() if path is not None else None
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
        # Journaled writes (see the module docstring): none until `_open_journal`.
        self._journal: Journal | None = None
        self._sync = sync
        self._applier: Applier | None = None
        self._pending = Pending()
        self._settled = 0  # the journal's last record when it was last applied and retired
        self._gate = threading.Lock()  # held to append to the journal, or to write around it
        self._checking = threading.Lock()  # a write's check and its entry in `_pending`
        self._unflushed = 0
        self._flushing = threading.Lock()
        # A store nobody closed still stops its query workers when it is collected.
        weakref.finalize(self, self._pool.close)

    @classmethod
    def memory(cls, **limits: Any) -> Store:
        """A throwaway store in a temporary directory (query workers are other processes, so
        they need something on disk to open), removed on close."""
        scratch = tempfile.TemporaryDirectory(prefix="mtus-store-")
        store = cls(ox.Store(os.path.join(scratch.name, "db")), scratch=scratch, **limits)
        store._open_journal()
        return store

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
            store._open_journal()
        return store

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._applier is not None:
            self._applier.close()  # applies what is journaled
        self._pool.close()
        if not self.read_only:
            self._db.flush()
            if self._journal is not None:
                if self._applier is None or self._applier.failure is None:
                    self._journal.retire_all()  # all of it applied, and flushed just above
                self._journal.close()
            shutil.rmtree(self._snapshot_dir(), ignore_errors=True)
        # Release the database (and its lock) now, not when the object is collected.
        self._db = _CLOSED  # type: ignore[assignment]
        if self._scratch is not None:
            self._scratch.cleanup()

    def _open_journal(self) -> None:
        """Apply what an earlier run journaled and may not have applied (a crash), then take
        writes through the journal. Raises StoreError if the journal cannot be replayed."""
        journal = Journal(self._journal_dir(), sync=self._sync)
        replayed = 0
        try:
            for batch in _batches(journal.records()):
                apply_records(self._db, batch)
                replayed += len(batch)
            self._db.flush()
        except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
            raise StoreError(f"could not apply the writes journaled in {journal.directory}: "
                             f"{exc}") from None
        if replayed:
            logger.warning("applied %d journaled writes left by an earlier run", replayed)
            self._changed()
        journal.retire_all()
        self._journal = journal
        self._applier = Applier(_weak(self._apply), _weak(self._after_apply))
        weakref.finalize(self, self._applier.close)

    def _journal_dir(self) -> Path:
        if self._scratch is not None:
            return Path(self._scratch.name) / "journal"
        assert self.path is not None
        return self.path.with_name(self.path.name + ".journal")

    def status(self) -> dict:
        # (no path: an anonymous client has no business knowing the server's directories)
        return {"backend": "oxigraph", "persistent": self.path is not None,
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

    def ensure_guidelines(self, kb: Guidelines) -> bool:
        """Rewrite the guideline graph unless it already holds this KB; True if rewritten."""
        if self.guidelines_digest() == kb.digest:
            return False
        self._replace_graphs(guideline_graph(kb))
        self._caught_up()  # so the digest read above sees it from now on
        return True

    def save_case(self, case: str, triples: Sequence[ox.Triple], run: Run) -> None:
        self.save_case_later(case, triples, run).result()

    def save_case_later(self, case: str, triples: Sequence[ox.Triple], run: Run) -> Future[None]:
        # The checks that need no store are made here, in the caller's thread: a refused case
        # never reaches the writer.
        graph = case_graph(case)
        terms = casescope.check(graph, triples)
        return self._submit({graph: triples}, dict([run]), case=graph, terms={graph: terms})

    def save_letter(self, case: str, triples: Iterable[ox.Triple], run: Run | None = None) -> None:
        """Replace the graph of a case read from an IMR letter and add its run in one
        transaction, so a failed write leaves neither."""
        graph = case_graph(case)
        self._replace_graphs({graph: triples}, dict([run]) if run else None, case=graph)

    def save_letter_nquads(self, case: str, data: bytes) -> None:
        """`save_letter` for a letter already serialized by `nquads` (its case graph and, if
        reasoned, its run graph): Oxigraph parses and inserts it in one transaction, with no
        Python term objects in between. A case stored before is replaced the usual way."""
        graph = ox.NamedNode(case_graph(case))
        with self._direct():
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
        again: list[tuple[str, bytes]] = []
        with self._direct():
            new: dict[str, tuple[Sequence[str], bytes]] = {}
            for case, graphs, data in letters:
                graph = case_graph(case)
                if graph in new or self._db.contains_named_graph(ox.NamedNode(graph)):
                    again.append((case, data))
                else:
                    new[graph] = (graphs, data)
            if len(new) == 1:  # one letter: a transaction is cheaper than the bulk path
                again += [(case, data) for case, (_, data) in new.items()]
            elif new:
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
        with self._direct():
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
        before = self.disk_bytes()
        with self._direct():
            runs: dict[str, list[tuple[str, str]]] = {}  # case -> [(ended at, run graph)]
            dropped: list[str] = []
            for q in self._db.quads_for_pattern(None, _USED, None, None):
                run, case = q.graph_name, q.object
                if not (isinstance(run, ox.NamedNode) and run.value.startswith(RUN)
                        and isinstance(case, ox.NamedNode)):
                    continue
                if not self._db.contains_named_graph(case):
                    dropped.append(run.value)  # its case is gone
                    continue
                ends = self._db.quads_for_pattern(q.subject, _ENDED, None, run)
                ended = next((str(getattr(e.object, "value", "")) for e in ends), "")
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
        """Replace the `replace` graphs and add the `add` graphs as one write; with `case`,
        the case's earlier runs are dropped by it too. Writes from concurrent callers are
        journaled (or committed) together (`groupcommit`)."""
        self._submit(replace, add, case).result()

    def _submit(self, replace: Mapping[str, Iterable[ox.Triple]],
                add: Mapping[str, Iterable[ox.Triple]] | None, case: str | None,
                terms: Mapping[str, tuple[set[str], set[str]]] | None = None) -> Future[None]:
        """Check the write against other writes not yet applied and serialise it here, in the
        caller's thread (ForeignData if a case may not make it); the writer thread checks it
        against Oxigraph and makes it durable. Under load, Python work split between two busy
        threads costs more CPU than the same work in one (the server decides a case on its
        event loop for that reason; here: 2.3 ms of CPU a write with all of it in the writer,
        ~1 ms in the caller), while the lookups in Oxigraph (0.3-3 ms, growing with the
        store's files) release the GIL and belong off the event loop."""
        self._check_writable()
        item = self._checked({g: list(t) for g, t in replace.items()},
                             {g: list(t) for g, t in (add or {}).items()}, case, terms or {})
        if self._writer is None:
            with self._writing:
                if self._writer is None:
                    # A weak reference: the writer thread must not keep the store alive.
                    self._writer = GroupCommit(weakref.WeakMethod(self._commit_writes))
                    weakref.finalize(self, self._writer.close)
        try:
            return self._writer.submit_nowait(Write(item))
        except RuntimeError as exc:
            self._pending.remove([item[0]])
            raise StoreError(str(exc)) from None

    def _checked(self, replace: dict[str, list[ox.Triple]], add: dict[str, list[ox.Triple]],
                 case: str | None, known: Mapping[str, tuple[set[str], set[str]]]
                 ) -> tuple[Record, _Probe | None]:
        """The write as a record, and what is left to check in Oxigraph; from here on the
        checks of later writes see it (`Pending`), so the check and the entry are one step
        for concurrent callers. `known`: the named terms of graphs the caller has read."""
        terms = {g: known[g] if g in known else named_terms(ts)
                 for g, ts in {**replace, **add}.items()}
        with self._checking:
            probe = self._check_subjects(replace, case, terms)
            # Blank nodes are relabelled per write (nquads): two cases' `_:b0` are two nodes.
            record = Record.of(replace, add, case, {g: s for g, (s, _) in terms.items()})
            self._pending.add(record)
        return record, probe

    def _commit_writes(self, writes: list[Write]) -> None:
        """The writer thread's `commit`: refuse the writes Oxigraph shows foreign, then make
        the others durable together, in the journal (answered now, applied by the applier)
        or, without a journal, in one transaction."""
        records = []
        for write in writes:
            record, probe = write.item
            try:
                if probe is not None:
                    self._check_stored(probe)
                records.append(record)
            except ForeignData as exc:
                write.error = exc
                self._pending.remove([record])
        if not records:
            return
        try:
            with self._gate:
                if self._journal is None:
                    self._apply(records)
                    return
                assert self._applier is not None
                self._applier.check()  # a write it cannot apply is refused, not journaled
                seq = self._journal.append([r.encode() for r in records])
                for i, record in enumerate(records):
                    record.seq = seq - len(records) + 1 + i
                self._applier.submit(records)
        except StoreError:
            if len(records) == 1:  # a failed group is retried write by write (groupcommit)
                self._pending.remove(records)  # refused: never applied in this process
            raise

    def _apply(self, records: list[Record]) -> None:
        """Put records into Oxigraph (the applier, and a store without a journal, whose
        writes must each be one transaction: nothing would repair a bulk load cut off)."""
        bulk_from = BULK_FROM if self._journal is not None else len(records) + 1
        try:
            with self._writing:
                apply_records(self._db, records, bulk_from)
                self._changed()
        except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
            raise StoreError(f"the write failed and changed nothing: {exc}") from None
        finally:
            self._pending.remove(records)
        if self._journal is None:
            self._written(sum(r.data.count(b"\n") for r in records))

    def _after_apply(self, applied: int) -> None:
        """After each applied batch (applier thread): a journal segment full of applied
        records is deleted once the store has flushed them to disk (RocksDB does not sync its
        own log), which also keeps that log small."""
        assert self._journal is not None
        if self._journal.has_closed_segments():
            self._db.flush()
            self._journal.retire(applied)

    @contextlib.contextmanager
    def _direct(self) -> Iterator[None]:
        """Hold the store for a write that bypasses the journal: journaled writes wait, the
        journal is applied and retired first (so a replay after a crash cannot put an older
        write over this one), and the write holds the store's write lock."""
        self._check_writable()
        with self._gate:
            if self._journal is not None and self._journal.seq != self._settled:
                assert self._applier is not None
                self._applier.wait()
                self._db.flush()
                self._journal.retire_all()
                self._settled = self._journal.seq
            with self._writing:
                yield

    def _caught_up(self, timeout: float | None = None) -> None:
        """Wait until every write journaled so far is in Oxigraph (reads in this process)."""
        if self._applier is not None:
            self._applier.wait(timeout=timeout)

    def _check_subjects(self, replace: Mapping[str, Sequence[ox.Triple]], case: str | None,
                        terms: Mapping[str, tuple[set[str], set[str]]]) -> _Probe | None:
        """A case may not describe a subject that another stored graph describes (a case
        sharing its namespace with another case, say), nor point at a node another case
        describes (a record "about" another case's request). Stored: journaled (`Pending`,
        checked here) or in Oxigraph (the returned probe, checked after: see Pending for the
        order); a graph a journaled write replaces counts as that write has it. `terms`: the
        named subjects and objects of each graph (`named_terms`)."""
        if case is None:
            return None
        subjects = set().union(*(terms[g][0] for g in replace))
        # An object that is also a subject here is covered, more strictly, by the subject test.
        objects = {o for g in replace for o in terms[g][1]
                   if not o.startswith(casescope.RESERVED)} - subjects
        triples = [t for ts in replace.values() for t in ts]
        for iri, graph in self._pending.described(subjects | objects).items():
            if graph != case:
                raise _foreign(iri, iri in subjects, triples)
        return _Probe(case, subjects, objects, triples)

    def _check_stored(self, probe: _Probe) -> None:
        """The probe against Oxigraph: one ASK, which rules out nearly every write without
        holding the GIL (a lookup per IRI from Python would hold it), then for a possible
        conflict the exact check, where a graph being replaced no longer counts. Pending is
        read first (see there): the graphs being replaced, before Oxigraph."""
        replacing = self._pending.replacing()
        if not self._maybe_elsewhere(probe):
            return
        own = ox.NamedNode(probe.own)
        for subject in probe.subjects:
            for q in self._db.quads_for_pattern(ox.NamedNode(subject), None, None, None):
                if q.graph_name != own and getattr(q.graph_name, "value", "") not in replacing:
                    raise ForeignData("another stored graph describes this subject; a case "
                                      "may only describe itself", q)
        for iri in probe.objects:
            for q in self._db.quads_for_pattern(ox.NamedNode(iri), None, None, None):
                if getattr(q.graph_name, "value", "") in replacing:
                    continue
                if q.graph_name not in (own, _GUIDELINES):
                    raise _foreign(iri, False, probe.triples)
                break

    def _maybe_elsewhere(self, probe: _Probe) -> bool:
        """Could a graph other than the case's own describe one of the probe's IRIs?"""
        parts = [f"{{ VALUES ?s {{ {' '.join(f'<{i}>' for i in iris)} }} "
                 f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({allowed})) }}"
                 for iris, allowed in ((probe.subjects, f"<{probe.own}>"),
                                       (probe.objects, f"<{probe.own}>, <{GUIDELINE_GRAPH}>"))
                 if iris]
        if not parts:
            return False
        try:
            return bool(self._db.query("ASK { " + " UNION ".join(parts) + " }"))
        except (OSError, SyntaxError, ValueError):
            return True  # an IRI SPARQL cannot spell as is: the exact check decides

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

    def graph_triples(self, graphs: Sequence[str]) -> dict[str, list[ox.Triple]]:
        """Read in this process: a query worker would hand back each quad as a result row,
        about ten times slower for the tens of thousands of graphs `mtus impact --store`
        reads. Callers are the workflows, never a user's query text."""
        self._caught_up()
        return {g: [q.triple for q in self._db.quads_for_pattern(None, None, None,
                                                                  ox.NamedNode(g))]
                for g in graphs}

    def query_text(self, sparql: str, fmt: str = "table") -> str:
        """For the CLI: `query` with `result_text` (table, json, xml, csv or tsv)."""
        return result_text(self.query(sparql), fmt)

    @property
    def query_isolation(self) -> str | None:
        """How query workers are kept off the network (None until one has started)."""
        return self._pool.isolation

    def _run(self, query: PreparedQuery, dataset: Dataset, limits: Limits) -> QueryResult:
        self._caught_up(limits.timeout)  # a query sees every write answered before it
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
            with self._writing:  # never in the middle of an applied batch (see deferred)
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


def _foreign(iri: str, as_subject: bool, triples: Sequence[ox.Triple]) -> ForeignData:
    """The refusal of a case's first triple that has `iri` as its subject (or object)."""
    t = next((t for t in triples if getattr(t.subject if as_subject else t.object, "value",
                                            None) == iri), None)
    if t is None:  # no triple names it: a stored case whose folder holds this one's IRIs
        return ForeignData(f"this case's IRIs lie in the folder of the stored case <{iri}>; "
                           "a case may only write in a folder of its own", triples[0])
    if as_subject:
        return ForeignData("another stored graph describes this subject; a case may only "
                           "describe itself", t)
    return ForeignData("this triple points at a node another stored case describes", t)


def _batches(payloads: Iterable[bytes]) -> Iterator[list[Record]]:
    """Journal records read back, numbered, in batches of about BATCH_BYTES."""
    batch: list[Record] = []
    size = 0
    for seq, payload in enumerate(payloads, 1):
        batch.append(Record.decode(payload, seq))
        size += len(payload)
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _weak(method: Callable[..., None]) -> Callable[..., None]:
    """`method` called through a weak reference: the applier thread must not keep the store
    alive (a store nobody closed is still collected; its journal is replayed on next open)."""
    ref = weakref.WeakMethod(method)

    def call(*args: Any) -> None:
        bound = ref()
        if bound is None:
            raise StoreError("the store is closed")
        bound(*args)

    return call
