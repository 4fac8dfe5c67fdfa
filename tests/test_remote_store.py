"""The store on a SPARQL 1.1 server (`oxigraph serve`): what only the remote backend has to
get right. The shared store, SPARQL and API tests also run on it (the `store` fixture)."""

from __future__ import annotations

import select
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from reasoner.store.protocol import GraphStore
from reasoner.store.remote import RemoteStore
from reasoner.store.sparql import QueryError, ServiceRefused, StoreError, UpdateRefused
from reasoner.vocab import GUIDELINE_GRAPH


@pytest.fixture
def remote(oxigraph_server) -> RemoteStore:
    store = RemoteStore.oxigraph(oxigraph_server)
    store._write("DROP ALL")
    return store


def test_remote_store_implements_the_shared_interface(remote):
    assert isinstance(remote, GraphStore)
    assert remote.status()["backend"] == "sparql"


def test_only_http_endpoints_are_accepted():
    for url in ("file:///etc/passwd", "ftp://example.org/sparql", "/query"):
        with pytest.raises(StoreError, match="http"):
            RemoteStore(url)


def test_without_an_update_endpoint_the_store_is_read_only(oxigraph_server, kb):
    reader = RemoteStore(oxigraph_server + "/query")
    assert reader.read_only
    with pytest.raises(StoreError, match="read-only"):
        reader.ensure_guidelines(kb)


def test_guidelines_round_trip_and_digest(remote, kb):
    assert remote.guidelines_digest() is None
    assert remote.ensure_guidelines(kb) is True
    assert remote.guidelines_digest() == kb.digest
    assert remote.ensure_guidelines(kb) is False
    count = remote.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{GUIDELINE_GRAPH}> {{ ?s ?p ?o }} }}")
    assert int(count.rows[0][0].value) == len({str(t) for t in kb.triples}) + 1


def test_a_failed_update_changes_nothing(remote, kb):
    remote.ensure_guidelines(kb)
    before = remote.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows
    with pytest.raises(StoreError, match="changed nothing"):
        remote._write("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } } ;\n"
                      "DROP GRAPH <urn:mtus-test:missing>")
    assert remote.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows == before


def test_hostile_queries_never_reach_the_server(remote):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        port = listener.getsockname()[1]
        with pytest.raises(ServiceRefused):
            remote.query(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}")
        with pytest.raises(UpdateRefused):
            remote.query("DROP ALL")
        with pytest.raises(QueryError, match="nest"):  # would crash the server's parser
            remote.query("SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000)
        assert select.select([listener], [], [], 0.2)[0] == []
    finally:
        listener.close()
    assert remote.query("ASK {}").value is True  # the server is still up


class _Redirect(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.send_response(307)
        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_redirects_are_not_followed_and_a_dead_server_is_a_store_error():
    server = HTTPServer(("127.0.0.1", 0), _Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{server.server_port}/query")
        with pytest.raises(StoreError, match="307|redirect"):
            store.query("ASK {}")
    finally:
        server.shutdown()
        server.server_close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    with pytest.raises(StoreError):
        RemoteStore(f"http://127.0.0.1:{dead}/query").query("ASK {}", timeout=2)


def test_the_api_serves_from_a_remote_store_set_by_configuration(kb, oxigraph_server,
                                                                  seed_turtle):
    RemoteStore.oxigraph(oxigraph_server)._write("DROP ALL")
    settings = Settings(sparql_query_url=oxigraph_server + "/query",
                        sparql_update_url=oxigraph_server + "/update")
    with TestClient(create_app(kb=kb, settings=settings)) as client:
        assert client.get("/health").json()["store"]["backend"] == "sparql"
        run = client.post("/v1/reason", content=seed_turtle,
                          headers={"content-type": "text/turtle"}).json()["run"]
        found = client.get("/sparql", params={"query": f"ASK {{ GRAPH <{run}> {{ ?s ?p ?o }} }}"})
        assert found.json()["boolean"] is True
