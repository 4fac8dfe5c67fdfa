"""The read-only SPARQL 1.1 Protocol endpoint, after reasoning the seed case."""

from __future__ import annotations

import csv
import io
import select
import socket
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

# The README's example query: the seed case's determinations with the request each decides,
# its outcome and the guideline section and citation it rests on (the same text is in the
# README; tests/test_cli.py checks both).
README_QUERY = (Path(__file__).resolve().parent.parent / "docs" / "seed-determination.rq"
                ).read_text(encoding="utf-8")

MTUS = "https://w3id.org/mtus-kg/ontology#"
REQUEST = "https://w3id.org/mtus-kg/case/imr-352bc1bec7c49a86/req-dynamic-xray"
CITATION = "MTUS ACOEM Low Back Complaints 2004, Section(s): Special Studies, page 303"
EXPECTED = {"request": REQUEST, "service": "Dynamic x-rays of lumbar spine",
            "outcome": MTUS + "NotMedicallyNecessary", "section": "Special Studies",
            "citation": CITATION}
CONSTRUCT = f"""PREFIX mtus: <{MTUS}>
CONSTRUCT {{ ?d mtus:outcome ?o ; mtus:about ?r }}
WHERE {{ ?d a mtus:Determination ; mtus:outcome ?o ; mtus:about ?r }}"""
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@pytest.fixture
def seeded(client, seed_turtle):
    response = client.post("/v1/reason", content=seed_turtle,
                           headers={"content-type": "text/turtle"})
    assert response.status_code == 200, response.text
    return client


def ask(client, query: str, accept: str | None = None, method: str = "GET"):
    headers = {"accept": accept} if accept else {}
    if method == "GET":
        return client.get("/sparql", params={"query": query}, headers=headers)
    if method == "FORM":
        return client.post("/sparql", content=urlencode({"query": query}).encode(),
                           headers={**headers,
                                    "content-type": "application/x-www-form-urlencoded"})
    return client.post("/sparql", content=query.encode(),
                       headers={**headers, "content-type": "application/sparql-query"})


def rows_of(response, fmt) -> list[dict]:
    parsed = ox.parse_query_results(response.content, format=fmt)
    names = parsed.variables
    return [{v.value: row[v].value for v in names if row[v] is not None} for row in parsed]


@pytest.mark.parametrize("method", ["GET", "FORM", "POST"])
def test_readme_query_as_json(seeded, method):
    response = ask(seeded, README_QUERY, method=method)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    bindings = response.json()["results"]["bindings"]
    assert [{k: v["value"] for k, v in b.items()} for b in bindings] == [EXPECTED]
    assert bindings[0]["outcome"]["type"] == "uri"


@pytest.mark.parametrize("accept", sorted(RESULT_FORMATS))
def test_readme_query_in_each_results_format(seeded, accept):
    response = ask(seeded, README_QUERY, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    assert rows_of(response, RESULT_FORMATS[accept]) == [EXPECTED]


def test_readme_query_as_csv(seeded):
    response = ask(seeded, README_QUERY, "text/csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows == [EXPECTED]


def test_outcomes_by_section_counts_the_seed_determination(seeded, seed_turtle):
    query = (Path(__file__).resolve().parent.parent / "docs" / "outcomes-by-section.rq"
             ).read_text(encoding="utf-8")
    other = seed_turtle.replace(b"imr-352bc1bec7c49a86", b"imr-second-case")
    assert seeded.post("/v1/reason", content=other,
                       headers={"Content-Type": "text/turtle"}).status_code == 200
    rows = rows_of(ask(seeded, query, "text/tab-separated-values"), ox.QueryResultsFormat.TSV)
    assert rows == [{"guideline": "ACOEM 2nd edition (2004), chapter 12, as adopted in the MTUS",
                     "section": "Special Studies", "outcome": "NotMedicallyNecessary",
                     "determinations": "2"}]


def test_accept_with_quality_values_picks_the_preferred_format(seeded):
    response = ask(seeded, README_QUERY, "text/csv;q=0.5, application/sparql-results+xml")
    assert response.headers["content-type"].startswith("application/sparql-results+xml")


def test_ask(seeded):
    response = ask(seeded, f"ASK {{ ?d a <{MTUS}Determination> }}")
    assert response.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("accept,fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                        (None, ox.RdfFormat.TURTLE)])
def test_construct_as_graph(seeded, accept, fmt):
    response = ask(seeded, CONSTRUCT, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept or "text/turtle")
    triples = list(ox.parse(response.content, format=fmt))
    assert {(t.predicate.value, t.object.value) for t in triples} == {
        (MTUS + "outcome", MTUS + "NotMedicallyNecessary"), (MTUS + "about", REQUEST)}


def test_unsupported_accept_is_406(seeded):
    response = ask(seeded, README_QUERY, "image/png")
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not-acceptable"


def test_graph_media_type_for_a_select_is_406(seeded):
    assert ask(seeded, README_QUERY, "text/turtle").status_code == 406


@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql", params={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
    lambda c: c.post("/sparql", content=b"update=INSERT+DATA+%7B%7D",
                     headers={"content-type": "application/x-www-form-urlencoded"}),
    lambda c: c.post("/sparql", content=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                     headers={"content-type": "application/sparql-update"}),
    lambda c: ask(c, "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    lambda c: ask(c, "PREFIX ex: <urn:ex:> DELETE WHERE { ?s ?p ?o }", method="POST"),
], ids=["get-update", "form-update", "sparql-update", "insert-as-query", "delete-as-query"])
def test_updates_are_refused(seeded, send, store):
    before = store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows
    response = send(seeded)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "read-only"
    assert store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows == before


def test_service_is_refused_without_any_connection(seeded):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    try:
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        response = ask(seeded, query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "service-refused"
        assert select.select([listener], [], [], 0.2)[0] == []
    finally:
        listener.close()


def test_syntax_error_is_400_with_the_parser_message(seeded):
    response = ask(seeded, "SELECT * WHERE {\n  ?s ?p\n}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad-query" and "expected" in error["message"]
    assert error["line"] == 3


def test_missing_query_is_400(seeded):
    assert seeded.get("/sparql").json()["error"]["code"] == "missing-query"


COUNT = "SELECT (COUNT(*) AS ?n) {from_} WHERE {{ ?s ?p ?o }}"
GUIDELINES = "https://w3id.org/mtus-kg/graph/guidelines"


def count(response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_from_names_the_default_graph_and_without_it_the_default_is_the_union(seeded):
    union = count(ask(seeded, COUNT.format(from_="")))
    guidelines = count(ask(seeded, COUNT.format(from_=f"FROM <{GUIDELINES}>")))
    assert union > guidelines > 0
    assert count(ask(seeded, COUNT.format(from_="FROM <http://example.org/none>"))) == 0
    # FROM NAMED alone: the default graph is empty, the named graph is there for GRAPH.
    assert count(ask(seeded, COUNT.format(from_=f"FROM NAMED <{GUIDELINES}>"))) == 0
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GUIDELINES}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(ask(seeded, named)) == guidelines


@pytest.mark.parametrize("route", ["get", "form", "direct"])
def test_dataset_parameters_override_the_query_on_every_route(seeded, route):
    query = COUNT.format(from_="FROM <http://example.org/none>")
    params = [("default-graph-uri", GUIDELINES)]
    if route == "get":
        response = seeded.get("/sparql", params=[("query", query), *params])
    elif route == "form":
        response = seeded.post("/sparql", data={"query": query, "default-graph-uri": GUIDELINES})
    else:
        response = seeded.post("/sparql", params=params, content=query,
                               headers={"content-type": "application/sparql-query"})
    guidelines = count(ask(seeded, COUNT.format(from_=f"FROM <{GUIDELINES}>")))
    assert count(response) == guidelines
    only_named = seeded.get("/sparql", params={"query": COUNT.format(from_=""),
                                               "named-graph-uri": GUIDELINES})
    assert count(only_named) == 0


def test_a_dataset_parameter_that_is_not_an_iri_is_400(seeded):
    response = seeded.get("/sparql", params={"query": README_QUERY,
                                             "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert response.json()["error"]["term"] == "not an iri"


def test_slow_query_answers_503_at_the_time_limit(make_client):
    # Millions of rows from the guideline graph alone; the limit stops it between rows.
    client = make_client(sparql_timeout_seconds=0.3, sparql_max_rows=10**9)
    response = ask(client, "SELECT * { ?a ?b ?c . ?d ?e ?f }")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "query-timeout"


def test_rows_stop_at_the_limit_with_a_header(make_client, seed_turtle):
    client = make_client(sparql_max_rows=5)
    client.post("/v1/reason", content=seed_turtle, headers={"content-type": "text/turtle"})
    response = ask(client, "SELECT * { ?s ?p ?o }")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 5
    assert response.headers["x-sparql-maxrows"] == "5"
    assert "x-sparql-maxrows" not in ask(client, README_QUERY).headers


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV)])
def test_a_directional_literal_keeps_its_direction(client, accept, fmt):
    # RDF 1.2 "x"@en--rtl: the results formats carry the base direction (its:dir); CSV has
    # no place for a language, so it writes the value alone
    response = ask(client, 'SELECT ?o WHERE { BIND("x"@en--rtl AS ?o) }', accept)
    assert response.status_code == 200, response.text
    [row] = list(ox.parse_query_results(response.content, format=fmt))
    assert (row[0].value, row[0].language, str(row[0].direction)) == ("x", "en", "rtl")


@pytest.mark.parametrize("query", [
    "SELECT ?o WHERE { BIND(<<( <urn:a> <urn:b> 1 )>> AS ?o) }",
    "SELECT ?o WHERE { BIND(<<( <urn:a> <urn:b> <<( <urn:c> <urn:d> 2 )>> )>> AS ?o) "
    "FILTER(?o != <<( <urn:a> <urn:b> 1 )>>) }",
    "CONSTRUCT { <urn:s> <urn:p> <<( <urn:a> <urn:b> 1 )>> } WHERE {}"])
def test_triple_terms_of_full_iris_are_read_as_iris(client, query):
    # inside <<( ... )>> a `<` opens an IRI even within an expression: no less-than there
    response = ask(client, query, "application/sparql-results+json, text/turtle;q=0.9")
    assert response.status_code == 200, response.text
    assert b"urn:a" in response.content and b"urn:b" in response.content


def test_long_queries_are_screened_one_at_a_time(monkeypatch):
    """Screening is pure Python: two threads screening long queries at once gain nothing under
    the GIL and starve the event loop (/health waited 1.8 s in a burst); short ones never wait."""
    import threading
    import time

    from reasoner.store import sparqlsyntax

    running, most = 0, 0
    guard = threading.Lock()
    real = sparqlsyntax._prepare

    def counting(text):
        nonlocal running, most
        if len(text) <= sparqlsyntax.LONG_QUERY_CHARS:
            return real(text)
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # (releases the GIL: without the lock the threads would overlap)
        try:
            return real(text)
        finally:
            with guard:
                running -= 1

    monkeypatch.setattr(sparqlsyntax, "_prepare", counting)
    long = "ASK { VALUES ?x { " + "1 " * (sparqlsyntax.LONG_QUERY_CHARS // 2) + "} }"
    threads = [threading.Thread(target=sparqlsyntax.prepare, args=(long,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.02)
    started = time.monotonic()
    sparqlsyntax.prepare("ASK { ?s ?p ?o }")  # short: not behind the long ones
    short_took = time.monotonic() - started
    for thread in threads:
        thread.join()
    assert most == 1, most
    assert short_took < 0.1, short_took
