"""The store: named graphs per KB, case and run; atomic writes; read-only SPARQL screening."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace

import pyoxigraph as ox
import pytest

from reasoner.engine.report import case_report, run_triples
from reasoner.errors import InputError
from reasoner.store.embedded import Store
from reasoner.store.graphs import quads_of
from reasoner.store.protocol import GraphStore
from reasoner.store.sparql import (
    QueryError,
    QueryTimeout,
    ServiceRefused,
    StoreError,
    UpdateRefused,
)
from reasoner.store.sparqlsyntax import prepare
from reasoner.vocab import GUIDELINE_GRAPH, RUN, m
from reasoner.workflows.cases import save_result

CASE = "https://w3id.org/mtus-kg/case/imr-352bc1bec7c49a86/case"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def seed(kb, seed_turtle):
    return kb.reason_document(seed_turtle, "text/turtle")


OTHER_CASE = b"""@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix : <https://example.org/case/other/> .
:case a mtus:Case ; mtus:request :req .
:req a mtus:TreatmentRequest ; mtus:concept term:LumbarFlexionExtensionRadiograph ;
    mtus:requestDate "2015-07-30"^^<http://www.w3.org/2001/XMLSchema#date> .
"""


def graphs(store: Store) -> dict[str, int]:
    result = store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {g.value: int(n.value) for g, n in result.rows}


def runs(store: Store) -> set[str]:
    return {g for g in graphs(store) if g.startswith(RUN)}


def relabelled(result, text: str):
    """The same case with its label changed: a new version of the case document."""
    triples = [ox.Triple(t.subject, t.predicate, ox.Literal(text))
               if t.subject.value == CASE and t.predicate.value == LABEL else t
               for t in result.triples]
    return replace(result, triples=triples)


def test_store_implements_the_shared_interface():
    assert isinstance(Store.memory(), GraphStore)


def test_saving_a_case_again_replaces_its_graph_and_supersedes_its_run(kb, seed, store):
    store.ensure_guidelines(kb)
    first = save_result(kb, seed, store).run
    second = save_result(kb, relabelled(seed, "second version"), store).run
    assert first != second and runs(store) == {second}
    assert set(graphs(store)) == {GUIDELINE_GRAPH, CASE, second}
    assert graphs(store)[CASE] == len(seed.triples)
    labels = store.query(f"SELECT ?l {{ GRAPH <{CASE}> {{ <{CASE}> <{LABEL}> ?l }} }}").rows
    assert [row[0].value for row in labels] == ["second version"]
    outcomes = store.query(f"SELECT ?d {{ ?d <{m('about')}> ?r ; <{m('outcome')}> ?o }}").rows
    assert len(outcomes) == len(seed.determinations)  # the current determinations only


def test_runs_of_other_cases_are_kept(kb, seed, store):
    other = kb.reason_document(OTHER_CASE, "text/turtle")
    kept = save_result(kb, other, store).run
    save_result(kb, seed, store)
    latest = save_result(kb, seed, store).run
    assert runs(store) == {kept, latest}


def test_run_graph_links_determinations_to_the_case(kb, seed, store):
    run = save_result(kb, seed, store).run
    found = store.query(f"""PREFIX prov: <http://www.w3.org/ns/prov#>
        ASK {{ GRAPH <{run}> {{ <{run}> prov:used <{CASE}> .
                               ?d prov:wasGeneratedBy <{run}> ; <{m('about')}> ?r }}
              GRAPH <{CASE}> {{ ?r a ?type }} }}""")
    assert found.value is True


def test_graph_triples_reads_whole_graphs_as_stored(kb, seed, store):
    """The workflows' bulk read (`mtus impact --store`): each graph's triples, blank nodes
    kept apart by graph; a graph that is not there is empty."""
    other = kb.reason_document(OTHER_CASE, "text/turtle")
    save_result(kb, seed, store)
    save_result(kb, other, store)
    missing = "https://example.org/case/none/case"
    found = store.graph_triples([CASE, other.case, missing])
    assert list(found) == [CASE, other.case, missing] and found[missing] == []
    assert len(found[CASE]) == len(seed.triples) and len(found[other.case]) == len(other.triples)
    expect = {(t.subject.value, t.predicate.value, t.object.value) for t in seed.triples
              if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object,
                                                                            ox.BlankNode)}
    assert expect <= {(t.subject.value, t.predicate.value, t.object.value) for t in found[CASE]}


class FlakyDb:
    """An Oxigraph store whose next update can be made to fail after its first operations."""

    def __init__(self) -> None:
        self.db = ox.Store()
        self.fail = False

    def update(self, text: str) -> None:
        if self.fail:  # runs the DROP and INSERT, then fails on a missing graph
            text += " ;\nDROP GRAPH <urn:mtus-test:missing>"
        self.db.update(text)

    def __getattr__(self, name):
        return getattr(self.db, name)


def test_a_failed_save_leaves_the_previous_state_intact(kb, seed):
    db = FlakyDb()
    store = Store(db)  # type: ignore[arg-type]
    store.ensure_guidelines(kb)
    save_result(kb, seed, store)
    before = sorted(str(q) for q in db.db)
    db.fail = True
    with pytest.raises(StoreError, match="changed nothing"):
        save_result(kb, relabelled(seed, "never stored"), store)
    assert sorted(str(q) for q in db.db) == before


def test_a_case_without_an_iri_or_in_a_reserved_namespace_is_not_stored(kb, seed, store):
    with pytest.raises(InputError, match="blank node"):
        save_result(kb, replace(seed, case="_:b0"), store)
    with pytest.raises(InputError, match="reserved"):
        save_result(kb, replace(seed, case=GUIDELINE_GRAPH), store)
    assert graphs(store) == {}


def test_ensure_guidelines_rewrites_only_a_different_kb(kb, store):
    assert store.ensure_guidelines(kb) is True
    assert store.ensure_guidelines(kb) is False
    distinct = len({str(t) for t in kb.triples})
    assert graphs(store)[GUIDELINE_GRAPH] == distinct + 1  # plus the digest stamp
    assert store.status()["guidelines_digest"] == kb.digest

    class OtherKb:
        digest = "0000000000000000"
        triples = kb.triples[:10]

    assert store.ensure_guidelines(OtherKb()) is True
    assert graphs(store)[GUIDELINE_GRAPH] == 11
    assert store.guidelines_digest() == OtherKb.digest


def test_a_read_only_store_queries_while_a_writer_holds_it(kb, seed, tmp_path):
    path = tmp_path / "store"
    writer = Store.open(path)
    writer.ensure_guidelines(kb)
    run = save_result(kb, seed, writer).run
    with pytest.raises(StoreError, match="read-only"):
        Store.open(path)  # the writer holds the lock
    reader = Store.open(path, read_only=True)
    assert run in runs(reader)
    with pytest.raises(StoreError, match="read-only"):
        save_result(kb, seed, reader)
    # As the CLI would: another process, while this one keeps the write lock.
    script = ("import sys; from reasoner.store.embedded import Store; "
              "s = Store.open(sys.argv[1], read_only=True); "
              "print(len(s.query('SELECT ?g { GRAPH ?g {} }').rows))")
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                         text=True, timeout=60, check=True)
    assert int(out.stdout) == 3
    writer.close()


@pytest.mark.parametrize("query", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX ex: <urn:ex:>\nDELETE WHERE { ?s ex:p ?o }",
    "# a comment\nload <http://example.org/data.ttl>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP ALL",
    "PREFIX p: <urn:p#> CLEAR ALL",
    "SELECT * {} ; DROP ALL",
])
def test_updates_are_refused(query, store):
    with pytest.raises(UpdateRefused):
        store.query(query)


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://example.org/> { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o .SERVICE<http://example.org/>{ ?s ?p ?o } }",
    "SELECT * { ?s ?p 1SERVICE <http://example.org/> { } }",
    'SELECT * { ?s ?p "x" SERVICE ?endpoint { } }',
    "PREFIX ex: <urn:ex:> SELECT * { ?s ?p ex:a\\# . SERVICE <http://x/> { } }",
    "SELECT * { ?s ?p ?o # not the end\n SERVICE <http://x/> { } }",
    "ASK { BIND(\"a\\u0022\" AS ?v) SERVICE <http://x/> { } }",
    # The escape-then-# trick that hid SERVICE from the old text screen.
    "SELECT ?a WHERE { OPTIONAL { ?x ?y <http://a/\\u0041#> } SERVICE <http://127.0.0.1:9/x> "
    "{ ?a ?b ?c } }",
    "SELECT * { ?s ?p ?o . { SELECT * { SERVICE SILENT <http://x/> { ?a ?b ?c } } } }",
    "PREFIX x: <http://127.0.0.1:9/> ASK { FILTER EXISTS { sErViCe x:y { ?a ?b ?c } } }",
    "SELECT * { ?s ?p ?o } # \\u000a\r SERVICE <http://x/> { }",
])
def test_service_is_refused_wherever_it_is_a_keyword(query):
    with pytest.raises(ServiceRefused):
        prepare(query)


@pytest.mark.parametrize("query", [
    'SELECT * { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT * { ?s ?p '''a\nSERVICE <http://x/> {}''' }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://x/> { }",
    "SELECT * { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX service: <urn:s:> SELECT ?service { ?service a service:Service }",
    "SELECT * { ?s <urn:p> <urn:insert> } # DROP ALL",
])
def test_service_and_update_words_outside_keywords_are_allowed(query, store):
    prepare(query)
    store.query(query)


def test_syntax_errors_name_line_and_column(store):
    with pytest.raises(QueryError) as caught:
        store.query("SELECT *\nWHERE { ?s ?p }")
    assert caught.value.line == 2 and caught.value.column is not None


def test_row_limit_truncates_and_says_so(kb, store):
    store.ensure_guidelines(kb)
    result = store.query("SELECT * { ?s ?p ?o }", max_rows=3)
    assert len(result.rows) == 3 and result.truncated
    graph = store.query("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=3)
    assert len(graph.triples) == 3 and graph.truncated
    assert not store.query("SELECT * { ?s ?p ?o } LIMIT 2", max_rows=3).truncated


SLOW = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g ?c ?f ?i"


def test_time_limit_stops_the_work_and_frees_the_slot_at_once(kb):
    """The query runs in a worker process that is killed at the deadline: the slot is free
    for the next query straight away, and nothing keeps computing."""
    store = Store.memory(max_concurrent=1, memory_mb=4096)
    try:
        store.ensure_guidelines(kb)
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="stopped"):
            store.query(SLOW, timeout=0.5)
        assert time.monotonic() - started < 1.5
        assert store.query("ASK { ?s ?p ?o }", timeout=5).value is True
        assert store._pool._count == 1  # the killed worker was not kept
    finally:
        store.close()


def test_query_text_for_the_cli(kb, seed, store):
    save_result(kb, seed, store)
    query = f"SELECT ?outcome {{ ?d <{m('outcome')}> ?outcome }}"
    assert store.query_text(query).splitlines() == [
        "outcome", "-" * len("mtus:NotMedicallyNecessary"), "mtus:NotMedicallyNecessary"]
    assert store.query_text(query, "csv") == f"outcome\r\n{m('NotMedicallyNecessary')}\r\n"
    assert store.query_text("ASK {}") == "true"


def test_bulk_load_of_several_files_at_once_equals_loading_them_one_by_one(tmp_path):
    """Files are loaded side by side; each is its own document (a blank node label is one node
    within its file) and together they give what loading them in turn gives."""
    files = []
    for part in range(3):
        path = tmp_path / f"part{part}.nq"
        path.write_text("".join(f'_:b{i % 7} <urn:p> "{part}-{i}" <urn:g{i % 3}> .\n'
                                f'<urn:s{part}-{i}> <urn:q> _:b{i % 7} <urn:g0> .\n'
                                for i in range(1000)))
        files.append(path)
    together, in_turn = Store.open(tmp_path / "together"), Store.open(tmp_path / "in-turn")
    together.bulk_load(*files)
    for path in files:
        in_turn.bulk_load(path)
    count = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    nodes = "SELECT (COUNT(DISTINCT ?b) AS ?n) { GRAPH ?g { ?b <urn:p> ?v } }"
    joined = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s <urn:q> ?b } GRAPH ?h { ?b <urn:p> ?v } }"
    for query, expected in ((count, 6000), (nodes, 21), (joined, 3 * 1000 * 1000 // 7)):
        a, b = (int(s.query(query).rows[0][0].value) for s in (together, in_turn))
        assert a == b and abs(a - expected) <= 3000, (query, a, b)


def test_bulk_load_error_names_the_file(tmp_path):
    good, bad = tmp_path / "good.nq", tmp_path / "bad.nq"
    good.write_text("<urn:s> <urn:p> <urn:o> .\n")
    bad.write_text("<urn:s> <urn:p> <urn:o> .\n" * 100 + "<urn:s> <urn:p> .\n")
    store = Store.open(tmp_path / "store")
    with pytest.raises(StoreError, match=r"bulk load of .*bad\.nq failed.*line 101"):
        store.bulk_load(good, bad)


def test_prune_drops_superseded_and_orphaned_runs_and_keeps_the_latest(kb, seed, tmp_path):
    """Stores written before runs were superseded on write hold every run: prune keeps the
    latest run of each case and drops runs whose case graph is gone."""
    store = Store.open(tmp_path / "store")
    try:
        store.ensure_guidelines(kb)
        old_runs = []
        for _ in range(3):  # as an older version wrote them: runs added, none dropped
            run_iri, run = run_triples(case_report(seed, kb.digest))
            store._db.extend(quads_of({run_iri: run}))
            old_runs.append(run_iri)
            time.sleep(0.01)
        store._db.extend(quads_of({CASE: seed.triples}))
        gone = replace(seed, case="https://example.org/gone/case")
        orphan_iri, orphan = run_triples(case_report(gone, kb.digest))
        store._db.extend(quads_of({orphan_iri: orphan}))
        store._changed()
        report = store.prune()
        assert report["runs_dropped"] == 3
        assert runs(store) == {old_runs[-1]}
    finally:
        store.close()
