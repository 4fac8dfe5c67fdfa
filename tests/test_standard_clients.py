"""Standard clients against the real server: SPARQLWrapper and rdflib's SPARQLStore over
/sparql (SELECT, ASK, CONSTRUCT, DESCRIBE), every RDF format a graph can be asked for, the
guideline resource as Turtle and JSON-LD, the API docs with their assets served locally, and
the Allow header and HEAD.

The server is `mtus serve` in a subprocess on a free loopback port (tests/attack_server.py),
with the seed case reasoned and stored through POST /v1/reason."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from attack_server import AttackServer
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper

ROOT = Path(__file__).resolve().parent.parent
MTUS = "https://w3id.org/mtus-kg/ontology#"
GL = "https://w3id.org/mtus-kg/guideline/"
CASE = "https://w3id.org/mtus-kg/case/imr-352bc1bec7c49a86/"
REQUEST = CASE + "req-dynamic-xray"
SERVICE = "Dynamic x-rays of lumbar spine"
CITATION = "MTUS ACOEM Low Back Complaints 2004, Section(s): Special Studies, page 303"
RECOMMENDATION = GL + "lbc2004-lumbar-xray"

SELECT = f"""PREFIX mtus: <{MTUS}>
SELECT ?request ?outcome ?citation WHERE {{
  ?d a mtus:Determination ; mtus:about ?request ; mtus:outcome ?outcome ;
     mtus:citation ?citation }}"""
CONSTRUCT = f"""PREFIX mtus: <{MTUS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ ?d mtus:outcome ?o ; mtus:about ?r ; mtus:citation ?c . ?r rdfs:label ?l }}
WHERE {{ ?d a mtus:Determination ; mtus:outcome ?o ; mtus:about ?r ; mtus:citation ?c .
        ?r rdfs:label ?l }}"""
DESCRIBE = f"DESCRIBE <{REQUEST}>"
GRAPH_FORMATS = {  # media type -> rdflib parser
    "text/turtle": "turtle", "application/n-triples": "nt",
    "application/rdf+xml": "xml", "application/ld+json": "json-ld",
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    served = AttackServer(env={"MTUS_SPARQL_TIMEOUT_SECONDS": "20"}).start()
    try:
        response = httpx.post(served.url + "/v1/reason",
                              content=(ROOT / "examples" / "seed-case.ttl").read_bytes(),
                              headers={"content-type": "text/turtle"}, timeout=60)
        assert response.status_code == 200, response.text
        yield served.url
    finally:
        served.stop()


@pytest.fixture(scope="module")
def determination(server) -> str:
    """The IRI of the seed case's stored determination."""
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(SELECT.replace("SELECT ?request", "SELECT ?d ?request"))
    sw.setReturnFormat(JSON)
    rows = sw.queryAndConvert()["results"]["bindings"]
    assert len(rows) == 1, rows
    return rows[0]["d"]["value"]


def expected_construct(determination: str) -> set[tuple]:
    d, r = URIRef(determination), URIRef(REQUEST)
    return {(d, URIRef(MTUS + "outcome"), URIRef(MTUS + "NotMedicallyNecessary")),
            (d, URIRef(MTUS + "about"), r), (d, URIRef(MTUS + "citation"), Literal(CITATION)),
            (r, RDFS.label, Literal(SERVICE))}


def sparql(server: str, query: str, accept: str | None = None) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return httpx.get(server + "/sparql", params={"query": query}, headers=headers, timeout=30)


# SPARQLWrapper ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", [JSON, XML])
@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select(server, fmt, method):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(SELECT)
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    result = sw.query()
    converted = result.convert()
    if fmt == JSON:
        rows = [{k: v["value"] for k, v in b.items()} for b in converted["results"]["bindings"]]
    else:  # a minidom document of application/sparql-results+xml
        assert result.response.headers["content-type"].startswith(
            "application/sparql-results+xml")
        rows = [{b.getAttribute("name"): b.firstChild.firstChild.data
                 for b in r.getElementsByTagName("binding")}
                for r in converted.getElementsByTagName("result")]
    assert rows == [{"request": REQUEST, "outcome": MTUS + "NotMedicallyNecessary",
                     "citation": CITATION}]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(server, fmt):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setReturnFormat(fmt)
    answers = []
    for outcome in ("NotMedicallyNecessary", "MedicallyNecessary"):
        sw.setQuery(f"PREFIX mtus: <{MTUS}> ASK {{ ?d mtus:about <{REQUEST}> ; "
                    f"mtus:outcome mtus:{outcome} }}")
        converted = sw.queryAndConvert()
        if fmt == JSON:
            answers.append(converted["boolean"])
        else:
            answers.append(converted.getElementsByTagName("boolean")[0].firstChild.data
                           == "true")
    assert answers == [True, False]


@pytest.mark.parametrize("fmt,media", [(XML, "application/rdf+xml"), (TURTLE, "text/turtle"),
                                       (JSONLD, "application/ld+json")])
def test_sparqlwrapper_construct(server, determination, fmt, media):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(CONSTRUCT)
    sw.setReturnFormat(fmt)
    result = sw.query()
    assert result.response.headers["content-type"].startswith(media)
    converted = result.convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(
        data=converted, format="turtle")
    assert set(graph) == expected_construct(determination)


def test_sparqlwrapper_describe(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery(DESCRIBE)  # default return format: XML, so Accept: application/rdf+xml
    graph = sw.queryAndConvert()
    assert isinstance(graph, Graph)
    request = URIRef(REQUEST)
    assert (request, RDFS.label, Literal(SERVICE)) in graph
    assert (request, RDF.type, URIRef(MTUS + "TreatmentRequest")) in graph
    assert set(graph.subjects()) == {request}  # DESCRIBE: about the request only


# rdflib's SPARQLStore --------------------------------------------------------------------

@pytest.fixture
def store_graph(server) -> Iterator[Graph]:
    store = SPARQLStore(server + "/sparql")  # asks for application/rdf+xml and sparql+xml
    yield Graph(store=store)
    store.close()


def test_sparqlstore_select_and_ask(store_graph):
    rows = [tuple(str(v) for v in row) for row in store_graph.query(SELECT)]
    assert rows == [(REQUEST, MTUS + "NotMedicallyNecessary", CITATION)]
    assert store_graph.query(f"ASK {{ <{REQUEST}> ?p ?o }}").askAnswer is True
    assert store_graph.query("ASK { <urn:nothing:here> ?p ?o }").askAnswer is False


def test_sparqlstore_construct_and_describe(store_graph, determination):
    constructed = store_graph.query(CONSTRUCT).graph
    assert set(constructed) == expected_construct(determination)
    described = store_graph.query(DESCRIBE).graph
    assert (URIRef(REQUEST), RDFS.label, Literal(SERVICE)) in described


def test_sparqlstore_triples(store_graph):
    """Graph.triples on a SPARQLStore sends its own SELECT."""
    assert set(store_graph.objects(URIRef(REQUEST), RDFS.label)) == {Literal(SERVICE)}


# Every RDF format, by Accept ------------------------------------------------------------

def test_every_graph_format_parses_back_to_the_same_triples(server, determination):
    baseline = sparql(server, CONSTRUCT, "application/n-triples")
    expected = {str(q.triple) for q in ox.parse(baseline.content,
                                                format=ox.RdfFormat.N_TRIPLES)}
    assert len(expected) == 4
    graphs = {}
    for media, parser in GRAPH_FORMATS.items():
        response = sparql(server, CONSTRUCT, media)
        assert response.status_code == 200, (media, response.text)
        assert response.headers["content-type"].startswith(media)
        assert "accept" in response.headers["vary"].lower()
        fmt = ox.RdfFormat.from_media_type(media)
        assert {str(q.triple) for q in ox.parse(response.content, format=fmt)} == expected
        graphs[media] = Graph().parse(data=response.content, format=parser)
        assert set(graphs[media]) == expected_construct(determination), media
    assert all(isomorphic(g, graphs["text/turtle"]) for g in graphs.values())


@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
def test_describe_in_every_format(server, media):
    response = sparql(server, DESCRIBE, media)
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.content, format=GRAPH_FORMATS[media])
    assert (URIRef(REQUEST), RDFS.label, Literal(SERVICE)) in graph


@pytest.mark.parametrize("accept,media", [
    ("text/turtle;q=0.2, application/rdf+xml;q=0.9, application/ld+json;q=0.5",
     "application/rdf+xml"),
    ("application/rdf+xml;q=0.1, application/ld+json", "application/ld+json"),
    ("application/sparql-results+json, application/n-triples;q=0.5", "application/n-triples"),
    ("*/*", "text/turtle"),
    ("application/*", "application/n-triples"),
])
def test_graph_negotiation_follows_quality_values(server, accept, media):
    response = sparql(server, CONSTRUCT, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)


@pytest.mark.parametrize("query,accept,available", [
    (CONSTRUCT, "application/sparql-results+json",
     ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]),
    (SELECT, "application/rdf+xml",
     ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
      "text/tab-separated-values", "application/json"]),
    (CONSTRUCT, "image/png, text/turtle;q=0", None),
])
def test_406_has_the_error_body_and_lists_what_can_be_produced(server, query, accept,
                                                               available):
    response = sparql(server, query, accept)
    assert response.status_code == 406
    error = response.json()["error"]
    assert error["code"] == "not-acceptable" and error["message"]
    if available is not None:
        assert error["available"] == available
    else:  # refused before running: every type the endpoint has, and Turtle among them
        assert "text/turtle" in error["available"] and "text/csv" in error["available"]


def test_rdf_xml_is_not_offered_for_a_predicate_it_cannot_write(server):
    """RDF/XML writes a predicate as an element name: <http://example.org/1> cannot be one."""
    query = 'CONSTRUCT { <urn:x:a> <http://example.org/1> "v" } WHERE {}'
    refused = sparql(server, query, "application/rdf+xml")
    assert refused.status_code == 406
    assert "application/rdf+xml" not in refused.json()["error"]["available"]
    fallback = sparql(server, query, "application/rdf+xml, text/turtle;q=0.5")
    assert fallback.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=fallback.content, format="turtle")) == 1
    fine = sparql(server, 'CONSTRUCT { <urn:x:a> <http://example.org/p1> "v" } WHERE {}',
                  "application/rdf+xml")
    assert fine.headers["content-type"].startswith("application/rdf+xml")
    assert {str(p) for p in Graph().parse(data=fine.content, format="xml").predicates()} == {
        "http://example.org/p1"}


# The guideline resource ------------------------------------------------------------------

@pytest.mark.parametrize("media,parser", [("text/turtle", "turtle"),
                                          ("application/ld+json", "json-ld")])
def test_guideline_as_rdf(server, media, parser):
    response = httpx.get(server + "/v1/guidelines/lbc2004-lumbar-xray",
                         headers={"accept": media}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    graph = Graph().parse(data=response.content, format=parser)
    rec = URIRef(RECOMMENDATION)
    assert (rec, RDF.type, URIRef(MTUS + "Recommendation")) in graph
    assert (rec, URIRef(MTUS + "criterion"), URIRef(RECOMMENDATION + "-indication")) in graph
    # the criteria tree, operand lists included, its section and the section's edition
    red_flag = URIRef(RECOMMENDATION + "-red-flag")
    assert (red_flag, RDF.type, URIRef(MTUS + "FindingPresent")) in graph
    operands = graph.value(URIRef(RECOMMENDATION + "-indication"), URIRef(MTUS + "operands"))
    assert red_flag in set(graph.items(operands))
    section = graph.value(rec, URIRef(MTUS + "section"))
    assert section is not None and (section, None, None) in graph
    assert any(o for o in graph.objects(section, None) if (o, None, None) in graph)
    # nothing about other recommendations
    others = {s for s in graph.subjects(RDF.type, URIRef(MTUS + "Recommendation"))}
    assert others == {rec}


def test_guideline_turtle_and_jsonld_are_the_same_graph(server):
    url = server + "/v1/guidelines/lbc2004-lumbar-xray"
    turtle = httpx.get(url, headers={"accept": "text/turtle"}, timeout=30).content
    jsonld = httpx.get(url, headers={"accept": "application/ld+json"}, timeout=30).content
    assert isomorphic(Graph().parse(data=turtle, format="turtle"),
                      Graph().parse(data=jsonld, format="json-ld"))


@pytest.mark.parametrize("accept", [None, "application/json", "*/*",
                                    "text/html, application/json;q=0.5"])
def test_guideline_json_stays_the_default(server, accept):
    response = httpx.get(server + "/v1/guidelines/lbc2004-lumbar-xray",
                         headers={"accept": accept} if accept else {}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["iri"] == RECOMMENDATION


def test_guideline_406_and_404(server):
    response = httpx.get(server + "/v1/guidelines/lbc2004-lumbar-xray",
                         headers={"accept": "application/rdf+xml"}, timeout=30)
    assert response.status_code == 406
    error = response.json()["error"]
    assert error["code"] == "not-acceptable"
    assert error["available"] == ["application/json", "text/turtle", "application/ld+json"]
    missing = httpx.get(server + "/v1/guidelines/no-such", headers={"accept": "text/turtle"},
                        timeout=30)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"


# The docs, offline ----------------------------------------------------------------------

@pytest.mark.parametrize("page,script", [("/docs", "SwaggerUIBundle"), ("/redoc", "Redoc")])
def test_docs_use_only_local_assets(server, page, script):
    response = httpx.get(server + page, timeout=30)
    assert response.status_code == 200
    html = response.text
    assert "http://" not in html and "https://" not in html  # no CDN, no fonts, no validator
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(u.endswith(".js") for u in urls), urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = httpx.get(server + url, timeout=30)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    scripts = [u for u in urls if u.endswith(".js")]
    assert all(script in httpx.get(server + u, timeout=30).text for u in scripts)
    if page == "/docs":
        assert "validatorUrl" in html and re.search(r"url: '/openapi.json'", html)
        assert any(u.endswith(".css") for u in urls)


def test_openapi_documents_the_new_formats_and_no_head_twins(server):
    spec = httpx.get(server + "/openapi.json", timeout=30).json()
    sparql_200 = spec["paths"]["/sparql"]["get"]["responses"]["200"]["content"]
    assert {"application/rdf+xml", "application/ld+json"} <= set(sparql_200)
    guideline = spec["paths"]["/v1/guidelines/{guideline_id}"]["get"]
    assert {"application/json", "text/turtle", "application/ld+json"} <= set(
        guideline["responses"]["200"]["content"])
    assert not any("head" in ops for ops in spec["paths"].values())
    assert "/docs" not in spec["paths"]


# Allow and HEAD --------------------------------------------------------------------------

@pytest.mark.parametrize("method,path,allowed", [
    ("PUT", "/sparql", {"GET", "HEAD", "POST"}),
    ("DELETE", "/sparql", {"GET", "HEAD", "POST"}),
    ("DELETE", "/health", {"GET", "HEAD"}),
    ("GET", "/v1/reason", {"POST"}),
    ("POST", "/v1/guidelines/lbc2004-lumbar-xray", {"GET", "HEAD"}),
])
def test_405_allow_lists_every_method_served(server, method, path, allowed):
    response = httpx.request(method, server + path, timeout=30)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
    assert response.json()["error"]["code"] == "method-not-allowed"


@pytest.mark.parametrize("path,media", [
    ("/health", "application/json"), ("/v1/guidelines", "application/json"),
    ("/v1/guidelines/lbc2004-lumbar-xray", "application/json"),
    ("/v1/context.jsonld", "application/ld+json"), ("/docs", "text/html"),
    ("/openapi.json", "application/json"),
])
def test_head_answers_like_get_without_a_body(server, path, media):
    head = httpx.head(server + path, timeout=30)
    assert head.status_code == 200, path
    assert head.content == b""
    assert head.headers["content-type"].startswith(media)
    get = httpx.get(server + path, timeout=30)
    assert get.status_code == 200 and get.content


def test_head_on_sparql(server):
    head = httpx.head(server + "/sparql", params={"query": CONSTRUCT},
                      headers={"accept": "application/rdf+xml"}, timeout=30)
    assert head.status_code == 200
    assert head.headers["content-type"].startswith("application/rdf+xml")
    assert head.content == b""
