"""Concurrent mixed requests (reason, validate, guidelines, SPARQL) on one app, sharing the
knowledge base and the store, answer exactly as the same requests sent one by one.

A smaller count than bench/concurrency.py, which runs 8 x 1000 over real HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from bench.bench_mix import mix_documents
from bench.concurrency import compare, mixed_requests, run_concurrently, send

CLIENTS = 8
PER_CLIENT = 30


def test_concurrent_mixed_requests_match_serial_answers(kb, store):
    ids = sorted(r.iri.rsplit("/", 1)[-1] for r in kb.program.recommendations)
    requests = mixed_requests(CLIENTS * PER_CLIENT, mix_documents(), ids)
    app = create_app(kb=kb, store=store, settings=Settings())

    def make_client() -> TestClient:
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        client.close = lambda: client.__exit__(None, None, None)  # type: ignore[method-assign]
        return client

    serial_client = make_client()
    serial = [send(serial_client, r) for r in requests]
    serial_client.close()
    assert {status for status, _ in serial} <= {200, 422}, "the mix should be answerable"
    result = run_concurrently(make_client, requests, CLIENTS)
    assert result["errors"] == []
    assert compare(serial, result["answers"], requests) == []
    stored = {r.body for r in requests if ("store", "true") in r.params}
    runs = store.query("SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?a a "
                       "<http://www.w3.org/ns/prov#Activity> } }").rows[0][0]
    assert stored and int(runs.value) >= len(stored)
