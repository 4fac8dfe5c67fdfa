"""The embedded store's journal: a write is answered once journaled, applied to Oxigraph in the
background, and applied again when the store opens after a crash (reasoner/store/journal.py,
deferred.py, applier.py)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_crash_safety import SEED_BASE, kill_9_after

import reasoner.store.applier as applier
import reasoner.store.embedded as embedded
from reasoner.engine.report import case_report, run_triples
from reasoner.store.casescope import ForeignData
from reasoner.store.deferred import Record, apply_records, named_terms, rounds
from reasoner.store.embedded import Store
from reasoner.store.journal import Journal
from reasoner.store.sparql import StoreError
from reasoner.vocab import PROV, RUN
from reasoner.workflows.cases import save_result

COUNT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def counts(store: Store) -> dict[str, int]:
    return {g.value: int(n.value) for g, n in store.query(COUNT_GRAPHS).rows}


def seed_like(kb, seed_turtle: bytes, i: int):
    """The seed case under its own namespace (a distinct case)."""
    doc = seed_turtle.replace(SEED_BASE.encode(), f"https://example.org/journal/{i}/".encode())
    return kb.reason_document(doc, "text/turtle")


def record(kb, result) -> Record:
    """The journal record `save_result` writes for a decided case."""
    run_iri, run = run_triples(case_report(result, kb.digest))
    graphs = {result.case: list(result.triples), run_iri: run}
    return Record.of({result.case: graphs[result.case]}, {run_iri: run}, result.case,
                     {g: named_terms(t)[0] for g, t in graphs.items()})


@pytest.fixture
def held(monkeypatch):
    """The applier held until `.set()`: what is journaled meanwhile waits unapplied."""
    release = threading.Event()
    real = embedded.apply_records

    def apply(*args, **kwargs):
        release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(embedded, "apply_records", apply)
    yield release
    release.set()


@pytest.fixture
def opened(kb, tmp_path):
    """An on-disk store with the guidelines in it (applied: `ensure_guidelines` waits)."""
    store = Store.open(tmp_path / "store")
    store.ensure_guidelines(kb)
    yield store
    store.close()


# The journal file ----------------------------------------------------------------------------

def test_records_come_back_in_order_across_segments(tmp_path):
    journal = Journal(tmp_path / "j", segment_bytes=60)
    payloads = [bytes([i]) * 60 for i in range(5)]
    for p in payloads:
        journal.append([p])
    journal.close()
    assert len(list((tmp_path / "j").iterdir())) == 5  # a record fills a segment
    assert list(Journal(tmp_path / "j").records()) == payloads


def test_a_torn_last_record_is_cut_off_and_the_rest_kept(tmp_path):
    """A crash in the middle of an append leaves part of a record that was never answered."""
    journal = Journal(tmp_path / "j")
    journal.append([b"first", b"second"])
    journal.close()
    segment = next((tmp_path / "j").iterdir())
    whole = segment.stat().st_size
    with open(segment, "ab") as f:
        f.write(b"\x40\x00\x00\x00\x01\x02\x03\x04part of a record")
    assert list(Journal(tmp_path / "j").records()) == [b"first", b"second"]
    assert segment.stat().st_size == whole  # cut, so nothing is appended behind it


def test_a_full_disk_loses_no_answered_write_and_the_journal_reopens(tmp_path, monkeypatch):
    """A short write (a full disk takes what fits, and says so only on the next write) is an
    error, not an answered record; the torn tail is cut to the last whole record, never
    padded with zeros past the file's end."""
    import os

    import reasoner.store.journal as journal_module

    journal = Journal(tmp_path / "j")
    journal.append([b"answered"])
    real_write, room = os.write, [10]

    def full_disk(fd: int, data) -> int:
        if room[0] <= 0:
            raise OSError(28, "No space left on device")
        n = min(room[0], len(data))
        room[0] -= n
        return real_write(fd, bytes(data[:n]))

    monkeypatch.setattr(journal_module.os, "write", full_disk)
    with pytest.raises(StoreError):
        journal.append([b"refused: the disk filled in the middle of it"])
    monkeypatch.setattr(journal_module.os, "write", real_write)
    journal.append([b"after the disk was freed"])
    journal.close()
    assert list(Journal(tmp_path / "j").records()) == [b"answered",
                                                       b"after the disk was freed"]


def test_damage_before_the_last_segment_is_refused(tmp_path):
    journal = Journal(tmp_path / "j", segment_bytes=10)
    journal.append([b"first record"])
    journal.append([b"second record"])
    journal.close()
    first = sorted((tmp_path / "j").iterdir())[0]
    first.write_bytes(first.read_bytes()[:-1] + b"?")
    with pytest.raises(StoreError, match="damaged"):
        list(Journal(tmp_path / "j").records())


def test_only_closed_fully_applied_segments_are_retired(tmp_path):
    journal = Journal(tmp_path / "j", segment_bytes=18)
    assert journal.append([b"one record"]) == 1  # 8 + 10 bytes: fills segment 1
    assert journal.append([b"two"]) == 2  # segment 2, still open
    assert journal.retire(0) == []
    assert len(journal.retire(2)) == 1  # segment 1; the open one stays
    assert [p.name for p in (tmp_path / "j").iterdir()] == ["000000000002.journal"]


# Applying records --------------------------------------------------------------------------

def test_applying_records_twice_leaves_what_applying_them_once_leaves(kb, seed_turtle):
    """What makes a replay after a crash safe: every path (transaction, bulk) drops what a
    record writes, and the earlier runs of its case, before writing it."""
    first = [record(kb, seed_like(kb, seed_turtle, i)) for i in range(3)]
    again = record(kb, seed_like(kb, seed_turtle, 1))  # case 1 reasoned again
    records = [*first, again]
    for bulk_from in (1, 100):
        once, twice = ox.Store(), ox.Store()
        apply_records(once, records, bulk_from)
        apply_records(twice, records, bulk_from)
        apply_records(twice, records[1:], bulk_from)  # a crash after the first record
        assert sorted(map(str, once)) == sorted(map(str, twice))
        runs = {q.graph_name.value for q in once.quads_for_pattern(
            None, ox.NamedNode(PROV + "used"), None, None)}
        assert len(runs) == 3 and again.add[0] in runs and first[1].add[0] not in runs


def test_a_case_twice_in_one_batch_is_applied_in_order(kb, seed_turtle):
    older, newer = (record(kb, seed_like(kb, seed_turtle, 7)) for _ in range(2))
    other = record(kb, seed_like(kb, seed_turtle, 8))
    assert rounds([older, other, newer]) == [[older, other], [newer]]
    db = ox.Store()
    apply_records(db, [older, other, newer])
    graphs = {q.graph_name.value for q in db}
    assert newer.add[0] in graphs and older.add[0] not in graphs  # superseded


# The store ---------------------------------------------------------------------------------

def test_a_write_is_answered_from_the_journal_and_a_query_waits_for_it(kb, seed_turtle,
                                                                     opened, held):
    result = seed_like(kb, seed_turtle, 1)
    save_result(kb, result, opened)  # returns while the applier is held
    assert not opened._db.contains_named_graph(ox.NamedNode(result.case))
    threading.Timer(0.3, held.set).start()
    start = time.monotonic()
    found = opened.query(f"ASK {{ GRAPH <{result.case}> {{ ?s ?p ?o }} }}")
    assert found.value is True and time.monotonic() - start >= 0.25


def applied(store: Store, case: str, within: float = 10.0) -> bool:
    """Whether the case reaches Oxigraph within `within` seconds with no reader asking."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if store._db.contains_named_graph(ox.NamedNode(case)):
            return True
        time.sleep(0.02)
    return False


def test_writes_are_applied_once_they_pause(kb, seed_turtle, opened):
    result = seed_like(kb, seed_turtle, 5)
    save_result(kb, result, opened)
    assert applied(opened, result.case)


def test_under_a_steady_stream_writes_wait_at_most_max_wait(kb, seed_turtle, opened,
                                                            monkeypatch):
    monkeypatch.setattr(applier, "QUIET", 60.0)  # as if writes never paused
    monkeypatch.setattr(applier, "MAX_WAIT", 0.2)
    result = seed_like(kb, seed_turtle, 6)
    save_result(kb, result, opened)
    assert applied(opened, result.case)


def test_writers_wait_while_the_backlog_is_full(kb, seed_turtle, opened, held, monkeypatch):
    monkeypatch.setattr(applier, "BACKLOG_BYTES", 1)
    first, second = (seed_like(kb, seed_turtle, i) for i in (7, 8))
    save_result(kb, first, opened)  # the backlog was empty: answered
    waiting = opened.save_case_later(second.case, second.triples,
                                     run_triples(case_report(second, kb.digest)))
    time.sleep(0.5)
    assert not waiting.done()  # the first is not applied yet (held)
    held.set()
    waiting.result(timeout=30)
    assert applied(opened, second.case)


def test_a_journaled_case_counts_as_stored_for_what_a_case_may_describe(opened, held):
    """A case inside the folder of another (`.../shared/sub/case` in the folder of
    `.../shared/case`) may not be stored while the first is journaled and not yet applied,
    nor once it is."""
    base = "https://example.org/shared/"
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

    def case(folder: str) -> tuple[str, list[ox.Triple]]:
        iri, request = ox.NamedNode(folder + "case"), ox.NamedNode(folder + "req")
        return iri.value, [ox.Triple(iri, ox.NamedNode(base + "request"), request),
                           ox.Triple(request, label, ox.Literal(folder))]

    def run(case_iri: str, n: int) -> tuple[str, list[ox.Triple]]:
        iri = ox.NamedNode(f"{RUN}journal-test-{n}")
        return iri.value, [ox.Triple(iri, ox.NamedNode(PROV + "used"), ox.NamedNode(case_iri))]

    a, b = case(base), case(base + "sub/")
    opened.save_case(*a, run(a[0], 1))
    with pytest.raises(ForeignData, match="folder of the stored case"):
        opened.save_case(*b, run(b[0], 2))
    held.set()
    assert set(counts(opened)) >= {a[0], f"{RUN}journal-test-1"}
    assert b[0] not in counts(opened)
    with pytest.raises(ForeignData, match="folder of the stored case"):
        opened.save_case(*b, run(b[0], 3))  # now found in Oxigraph


def test_a_write_around_the_journal_applies_it_first(kb, seed_turtle, opened, held):
    result = seed_like(kb, seed_turtle, 2)
    save_result(kb, result, opened)
    journal = opened._journal_dir()
    threading.Timer(0.3, held.set).start()
    opened.prune()  # writes around the journal: waits for it to be applied and retired
    assert result.case in counts(opened)
    assert list(journal.iterdir()) == []


def test_a_failed_apply_stops_writes_and_the_next_open_applies_the_journal(
        kb, seed_turtle, tmp_path, monkeypatch):
    store = Store.open(tmp_path / "store")
    store.ensure_guidelines(kb)
    real = embedded.apply_records

    def fail(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(embedded, "apply_records", fail)
    first = seed_like(kb, seed_turtle, 3)
    save_result(kb, first, store)  # journaled, then the apply fails
    with pytest.raises(StoreError, match="could not apply journaled writes"):
        store.query("ASK { ?s ?p ?o }")
    with pytest.raises(StoreError, match="could not apply journaled writes"):
        save_result(kb, seed_like(kb, seed_turtle, 4), store)
    store.close()  # keeps the journal: its writes are not in the store
    monkeypatch.setattr(embedded, "apply_records", real)
    reopened = Store.open(tmp_path / "store")
    assert first.case in counts(reopened)
    assert list(reopened._journal_dir().iterdir()) == []
    reopened.close()


def test_the_journal_of_a_crash_is_applied_when_the_store_opens(kb, seed_turtle, tmp_path):
    """What a killed server leaves: records journaled (answered), some not applied at all,
    and a bulk apply cut off half way. Opening the store applies them, each case whole."""
    path = tmp_path / "store"
    store = Store.open(path)
    store.ensure_guidelines(kb)
    kept = seed_like(kb, seed_turtle, 0)
    save_result(kb, kept, store)
    store.close()
    results = [seed_like(kb, seed_turtle, i) for i in range(1, 5)]
    records = [record(kb, r) for r in results]
    journal = Journal(path.with_name("store.journal"))
    journal.append([r.encode() for r in records])
    journal.close()
    db = ox.Store(str(path))
    cut = b"".join(r.data for r in records[:2])
    db.bulk_load(cut[:len(cut) // 2].rsplit(b"\n", 1)[0] + b"\n", format=ox.RdfFormat.N_QUADS)
    del db
    reopened = Store.open(path)
    found = counts(reopened)
    for r, rec in zip([kept, *results], [None, *records], strict=True):
        assert found[r.case] == len({str(t) for t in r.triples}), r.case
        if rec is not None:
            assert rec.add[0] in found
    assert sum(g.startswith(RUN) for g in found) == 5  # one run a case, none partial
    assert list(path.with_name("store.journal").iterdir()) == []
    reopened.close()


HELD_WRITER = f"""
import sys, threading
from pathlib import Path
import reasoner.store.applier as applier
import reasoner.store.embedded as embedded
from reasoner.engine.kb import KnowledgeBase
from reasoner.store.embedded import Store
from reasoner.workflows.cases import save_result
kb = KnowledgeBase.load()
store = Store.open(sys.argv[1])
store.ensure_guidelines(kb)
# From here on nothing journaled is applied: the kill lands between journal and store.
embedded.apply_records = lambda *args, **kwargs: threading.Event().wait()
seed = Path(sys.argv[2]).read_text()
for i in range(1000):
    doc = seed.replace({SEED_BASE!r}, f"https://example.org/journal/{{i}}/").encode()
    result = kb.reason_document(doc, "text/turtle")
    save_result(kb, result, store)
    print(result.case, flush=True)  # only once answered
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_kill_9_between_journal_and_store_loses_no_answered_write(kb, seed_turtle, tmp_path):
    seed = tmp_path / "seed.ttl"
    seed.write_bytes(seed_turtle)
    done = kill_9_after(HELD_WRITER, [str(tmp_path / "store"), str(seed)], reported=20,
                        pause=0.01, within=120)
    journal = tmp_path / "store.journal"
    assert any(p.stat().st_size for p in journal.iterdir())
    store = Store.open(tmp_path / "store")
    found = counts(store)
    whole = len({str(t) for t in seed_like(kb, seed_turtle, 0).triples})
    cases = {g: n for g, n in found.items() if g.startswith("https://example.org/journal/")}
    assert set(done) <= set(cases), "an answered write is missing"
    assert all(n == whole for n in cases.values()), f"a partial case: {cases}"
    assert sum(g.startswith(RUN) for g in found) == len(cases)
    assert list(journal.iterdir()) == []
    store.close()


def test_journal_directory_is_beside_the_store(tmp_path):
    store = Store.open(tmp_path / "data")
    assert store._journal_dir() == Path(tmp_path / "data.journal")
    store.close()
