"""Writes answered from the journal and put into Oxigraph afterwards: the record of one write,
how a batch of records is applied, and what is journaled but not yet applied (`Pending`).

Applying a record is idempotent: it drops every graph it writes (and the earlier runs of its
case) before writing them, so records applied twice, in journal order, leave what applying
them once leaves. That is what makes replaying the journal after a crash safe, and what lets
a large batch go in through Oxigraph's bulk loader, which is not transactional: a crash in
the middle leaves part of the batch, which the replay drops and writes again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from reasoner.store.casescope import RESERVED
from reasoner.store.graphs import drop_and_insert, nquads
from reasoner.vocab import PROV, RUN

# From this many records on, a batch is bulk-loaded: measured (2,000 seed-sized cases, CPU
# including RocksDB's background merges) 3.9-4.4 ms a case in batches of 128-512 against
# 7.3-9.2 ms for Oxigraph's transactional load in batches of 8-256; below ~32 the bulk
# loader's fixed cost per call (new files, a memtable flush) makes it dearer (7-13 ms at 8).
BULK_FROM = 32
_USED = ox.NamedNode(PROV + "used")


@dataclass(eq=False, slots=True)
class Record:
    """One write: graphs replaced whole, graphs added, the case whose earlier runs it
    supersedes, and all of its quads as N-Quads. `seq` is its place in the journal."""

    replace: tuple[str, ...]
    add: tuple[str, ...]
    case: str | None
    data: bytes
    seq: int = 0
    # named subjects outside the store's own namespaces, by graph: what `Pending` answers
    subjects: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, replace: Mapping[str, Sequence[ox.Triple]],
           add: Mapping[str, Sequence[ox.Triple]], case: str | None,
           subjects: Mapping[str, set[str]]) -> Record:
        """The record of a write; `subjects`: the named subjects of each of its graphs."""
        own = {g: {s for s in found if not s.startswith(RESERVED)}
               for g, found in subjects.items()}
        return cls(tuple(replace), tuple(add), case, nquads({**replace, **add}),
                   subjects={g: found for g, found in own.items() if found})

    def encode(self) -> bytes:
        head = json.dumps({"replace": self.replace, "add": self.add, "case": self.case})
        return head.encode() + b"\n" + self.data

    @classmethod
    def decode(cls, payload: bytes, seq: int) -> Record:
        head, _, data = payload.partition(b"\n")
        fields = json.loads(head)
        return cls(tuple(fields["replace"]), tuple(fields["add"]), fields["case"], data, seq)

    def graphs(self) -> set[str]:
        """Every graph this record writes or may drop."""
        return {*self.replace, *self.add, *([self.case] if self.case else [])}


def named_terms(triples: Iterable[ox.Triple]) -> tuple[set[str], set[str]]:
    """The IRIs the triples have as subject and as object, in one pass (each attribute of a
    pyoxigraph term is a new Python object: a pass costs ~0.1 ms for a seed-sized case)."""
    subjects: set[str] = set()
    objects: set[str] = set()
    for t in triples:
        subject, obj = t.subject, t.object
        if type(subject) is ox.NamedNode:
            subjects.add(subject.value)
        if type(obj) is ox.NamedNode:
            objects.add(obj.value)
    return subjects, objects


def apply_records(db: ox.Store, records: Sequence[Record], bulk_from: int = BULK_FROM) -> None:
    """Apply records in order: each round (records that touch no graph in common) is one
    transaction, or a drop then a bulk load when it is large. Raises what Oxigraph raises."""
    for part in rounds(records):
        drops = _drops(db, part)
        data = b"".join(r.data for r in part)
        if len(part) >= bulk_from:
            if drops:
                db.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in drops))
            # lenient: the data is `nquads` output of terms pyoxigraph already checked
            db.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
        elif drops:  # a replacement: one update, so no reader ever sees the case missing
            db.update(drop_and_insert(drops, ox.parse(data, format=ox.RdfFormat.N_QUADS)))
        else:  # N-Quads parsed by Oxigraph: ~2.4x cheaper than Python quad objects
            db.load(data, format=ox.RdfFormat.N_QUADS)


def rounds(records: Sequence[Record]) -> list[list[Record]]:
    """The records cut, in order, where one touches a graph an earlier one in the same round
    touches (a case posted twice in quick succession): within a round order does not matter."""
    out: list[list[Record]] = [[]]
    touched: set[str] = set()
    for record in records:
        graphs = record.graphs()
        if touched & graphs:
            out.append([])
            touched = set()
        out[-1].append(record)
        touched |= graphs
    return [part for part in out if part]


def _drops(db: ox.Store, records: Iterable[Record]) -> list[str]:
    """The graphs to drop first: those the records write that exist (a case stored before, or
    a record applied before a crash) and the earlier runs of their cases."""
    drops = [g for r in records for g in (*r.replace, *r.add)
             if db.contains_named_graph(ox.NamedNode(g))]
    drops += [g for r in records if r.case for g in runs_of(db, r.case)]
    return list(dict.fromkeys(drops))


def runs_of(db: ox.Store, case: str) -> list[str]:
    """The run graphs that decided `case` (prov:used)."""
    return sorted({q.graph_name.value for q in db.quads_for_pattern(
        None, _USED, ox.NamedNode(case), None)
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(RUN)})


class Pending:
    """What journaled records not yet applied will write, as the check of a new write must
    see it (`embedded.Store._check_subjects`): which graph describes a subject, and which
    stored graphs are about to be replaced. Read it before Oxigraph, so a record applied
    meanwhile is seen in one or the other: it leaves here only after it is in Oxigraph."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._described: dict[str, tuple[str, Record]] = {}  # subject -> (graph, record)
        self._replacing: dict[str, Record] = {}  # graph -> the last record replacing it

    def add(self, record: Record) -> None:
        with self._lock:
            for graph, subjects in record.subjects.items():
                for subject in subjects:
                    self._described[subject] = (graph, record)
            for graph in record.replace:
                self._replacing[graph] = record

    def remove(self, records: Iterable[Record]) -> None:
        """Forget applied (or refused) records; a later record's entries stay."""
        with self._lock:
            for record in records:
                for subjects in record.subjects.values():
                    for subject in subjects:
                        if self._described.get(subject, (None, None))[1] is record:
                            del self._described[subject]
                for graph in record.replace:
                    if self._replacing.get(graph) is record:
                        del self._replacing[graph]

    def described(self, iris: Iterable[str]) -> dict[str, str]:
        """The graph that pending records say describes each of `iris` (where one does)."""
        with self._lock:
            return {i: self._described[i][0] for i in iris if i in self._described}

    def replacing(self) -> set[str]:
        """The stored graphs that pending records replace."""
        with self._lock:
            return set(self._replacing)
