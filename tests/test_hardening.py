"""Hostile input through the real app: refused with a clear 4xx, and never an outbound
connection (a local listener stands in for the remote host and must see no connection)."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator

import pytest

from reasoner.store.sparqlsyntax import MAX_NESTING

TURTLE = {"content-type": "text/turtle"}
JSONLD = {"content-type": "application/ld+json"}
CTX = "https://w3id.org/mtus-kg/context.jsonld"
CASE = "https://example.org/case/hostile/"


class Listener:
    """A loopback port nothing should ever connect to."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def connected(self, wait: float = 0.2) -> bool:
        return bool(select.select([self.sock], [], [], wait)[0])


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    try:
        yield lst
        assert not lst.connected(), "something connected to the listener"
    finally:
        lst.sock.close()


def case_doc(**extra) -> dict:
    return {"@context": CTX, "id": CASE + "case", "type": "Case",
            "worker": {"id": CASE + "worker", "type": "InjuredWorker", "age": 44},
            "request": [{"id": CASE + "req", "type": "TreatmentRequest",
                         "concept": "term:LumbarFlexionExtensionRadiograph",
                         "requestDate": "2015-07-30"}], **extra}


def refused(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"] and "Traceback" not in response.text
    if code:
        assert error["code"] == code
    return error


# JSON-LD contexts ---------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["top", "list", "node", "scoped", "import", "nested-scoped"])
@pytest.mark.parametrize("path", ["/v1/reason", "/v1/validate"])
def test_remote_jsonld_contexts_are_refused_wherever_they_appear(client, listener, where, path):
    url = listener.url + "/context.jsonld"
    doc = case_doc()
    if where == "top":
        doc["@context"] = url
    elif where == "list":
        doc["@context"] = [CTX, url]
    elif where == "node":
        doc["worker"]["@context"] = url
    elif where == "scoped":
        doc["@context"] = [CTX, {"x": {"@id": "urn:x", "@context": url}}]
    elif where == "import":
        doc["@context"] = [CTX, {"@import": url}]
    else:
        doc["@context"] = [CTX, {"x": {"@id": "urn:x", "@context": {
            "y": {"@id": "urn:y", "@context": [url]}}}}]
    response = client.post(path, content=json.dumps(doc).encode(), headers=JSONLD)
    error = refused(response, 400, "bad-input")
    assert url in (error.get("term") or "") or "not fetched" in error["message"]


def test_owl_imports_in_a_case_document_is_not_followed(client, listener, seed_turtle):
    doc = seed_turtle + (f"\n<{CASE}ontology> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
                         f"  <http://www.w3.org/2002/07/owl#imports> <{listener.url}/x.ttl> .\n"
                         ).encode()
    response = client.post("/v1/reason?store=false", content=doc, headers=TURTLE)
    assert response.status_code == 200, response.text
    jsonld = case_doc()
    jsonld["@context"] = [CTX, {"owl": "http://www.w3.org/2002/07/owl#"}]
    jsonld["owl:imports"] = {"@id": listener.url + "/y.jsonld"}
    response = client.post("/v1/validate", content=json.dumps(jsonld).encode(), headers=JSONLD)
    assert response.status_code == 200, response.text


# SPARQL ------------------------------------------------------------------------------------

@pytest.mark.parametrize("send", ["get", "form", "body"])
@pytest.mark.parametrize("query", [
    "SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "select * {{ ?s ?p ?o {{ select * {{ service silent <{url}/> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}/> {{ }} }} }}",
])
def test_service_is_refused_without_any_connection(client, listener, send, query):
    text = query.format(url=listener.url)
    if send == "get":
        response = client.get("/sparql", params={"query": text})
    elif send == "form":
        response = client.post("/sparql", data={"query": text})
    else:
        response = client.post("/sparql", content=text.encode(),
                               headers={"content-type": "application/sparql-query"})
    refused(response, 400, "service-refused")


@pytest.mark.parametrize("opening,closing", [("{ ", " }"), ("(", ")")])
def test_deeply_nested_queries_are_refused_before_the_parser(client, opening, closing):
    # 5,000 levels crash Oxigraph's parser with SIGSEGV (the whole server); refuse them.
    deep = 5000
    if opening == "(":
        query = "SELECT * { ?s ?p ?o FILTER(" + opening * deep + "1" + closing * deep + ") }"
    else:
        query = "SELECT * WHERE " + opening * deep + "?s ?p ?o" + closing * deep
    error = refused(client.get("/sparql", params={"query": query}), 400, "bad-query")
    assert "nest" in error["message"]
    shallow = "SELECT * WHERE " + "{ " * 20 + "?s ?p ?o" + " }" * 20
    assert client.get("/sparql", params={"query": shallow}).status_code == 200
    assert MAX_NESTING >= 20


# Formats that would need an XML parser, oversized and deeply nested bodies ------------------

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY ext SYSTEM "{url}/secret">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><r>&b;&ext;</r></rdf:RDF>"""


@pytest.mark.parametrize("media", ["application/rdf+xml", "application/xml", "text/xml"])
@pytest.mark.parametrize("path", ["/v1/reason", "/v1/validate", "/sparql"])
def test_xml_bodies_are_refused_unparsed(client, listener, media, path):
    body = XXE.replace(b"{url}", listener.url.encode())
    refused(client.post(path, content=body, headers={"content-type": media}), 415,
            "unsupported-media-type")


def test_xml_declared_as_turtle_is_a_400_syntax_error(client, listener):
    body = XXE.replace(b"{url}", listener.url.encode())
    error = refused(client.post("/v1/reason", content=body, headers=TURTLE), 400, "bad-input")
    assert error["line"] is not None


@pytest.mark.parametrize("path,media", [("/v1/reason", "text/turtle"),
                                        ("/v1/validate", "application/ld+json"),
                                        ("/sparql", "application/sparql-query")])
def test_bodies_over_the_limit_are_413_everywhere(make_client, path, media):
    client = make_client(max_body_bytes=4096)
    body = b"#" + b" " * 5000
    refused(client.post(path, content=body, headers={"content-type": media}), 413,
            "body-too-large")


@pytest.mark.parametrize("depth", [100, 5_000, 200_000])
def test_deep_json_nesting_is_a_400(client, depth):
    body = ('{"@context": "' + CTX + '", "id": "urn:c", "type": "Case", "label": '
            + "[" * depth + "1" + "]" * depth + "}").encode()
    for path in ("/v1/reason", "/v1/validate"):
        error = refused(client.post(path, content=body, headers=JSONLD), 400, "bad-input")
        assert "nested" in error["message"]


def test_deeply_nested_turtle_is_read_without_a_5xx(client):
    deep = 20_000
    body = (f"<{CASE}case> a <https://w3id.org/mtus-kg/ontology#Case> ; <urn:p> "
            + "[ <urn:p> " * deep + "1" + " ]" * deep + " .").encode()
    response = client.post("/v1/reason?store=false", content=body, headers=TURTLE)
    assert response.status_code == 422, response.text  # read, and no request to decide


# Writes need the API key when one is configured ---------------------------------------------

def test_writes_need_the_configured_api_key(make_client, seed_turtle, store):
    client = make_client(api_key="s3cret-key-of-20-chars")
    for headers in (TURTLE, {**TURTLE, "x-api-key": "wrong"}, {**TURTLE, "x-api-key": ""}):
        refused(client.post("/v1/reason", content=seed_turtle, headers=headers), 401,
                "unauthorized")
    count = "SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/mtus-kg/ontology#Determination> }"
    assert store.query(count).rows[0][0].value == "0"
    ok = client.post("/v1/reason", content=seed_turtle,
                     headers={**TURTLE, "x-api-key": "s3cret-key-of-20-chars"})
    assert ok.status_code == 200 and ok.json()["run"]
    assert store.query(count).rows[0][0].value == "1"
    # The key never turns the SPARQL endpoint into a writer.
    update = client.post("/sparql", content=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                         headers={"content-type": "application/sparql-update",
                                  "x-api-key": "s3cret-key-of-20-chars"})
    refused(update, 403, "read-only")


@pytest.mark.parametrize("key", ["", "   ", "short"])
def test_an_empty_or_short_api_key_is_refused_at_start(key):
    """MTUS_API_KEY= matched an empty X-API-Key header: the server looked protected."""
    from api.settings import Settings
    with pytest.raises(ValueError, match="at least 16 characters"):
        Settings(api_key=key)
