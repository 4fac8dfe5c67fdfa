"""The HTTP API through the real app: reasoning, validation, errors, limits, guidelines."""

from __future__ import annotations

import json
import select
import socket

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

TURTLE = {"content-type": "text/turtle"}
JSONLD = {"content-type": "application/ld+json"}
CASE = "https://example.org/case/jsonld-1/"
XRAY_RED_FLAG = "https://w3id.org/mtus-kg/guideline/lbc2004-lumbar-xray-red-flag"


def jsonld_case(**request_overrides) -> dict:
    request = {"id": CASE + "request", "type": "TreatmentRequest",
               "concept": "term:LumbarFlexionExtensionRadiograph",
               "bodyRegion": "term:LumbarSpine", "requestDate": "2015-07-30",
               **request_overrides}
    return {
        "@context": "https://w3id.org/mtus-kg/context.jsonld",
        "id": CASE + "case", "type": "Case",
        "worker": {"id": CASE + "worker", "type": "InjuredWorker", "age": 44, "sex": "Male"},
        "injury": {"id": CASE + "injury", "type": "Injury", "injuryDate": "2007-05-24",
                   "bodyRegion": "term:LumbarSpine"},
        "finding": [{"id": CASE + "no-red-flags", "type": "Finding",
                     "concept": "term:RedFlagSpinalPathology", "status": "Absent"}],
        "request": [{k: v for k, v in request.items() if v is not None}],
    }


def post_json(client, path: str, doc: dict):
    return client.post(path, content=json.dumps(doc).encode(), headers=JSONLD)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    assert "Traceback" not in response.text
    return error


# Reasoning ------------------------------------------------------------------------------------

def test_seed_case_is_decided_as_the_imr_letter_did(client, seed_turtle, store):
    response = client.post("/v1/reason", content=seed_turtle, headers=TURTLE)
    assert response.status_code == 200, response.text
    body = response.json()
    first = body["determinations"][0]
    assert first["outcome"] == "not-medically-necessary"
    assert first["imr_equivalent"] == "upheld"
    assert first["citation"]["guideline"] == "MTUS ACOEM Low Back Complaints 2004"
    assert first["citation"]["section"] == "Special Studies"
    assert first["decisive"][0] == XRAY_RED_FLAG
    assert body["run"].startswith("https://w3id.org/mtus-kg/run/")
    stored = store.query(f"ASK {{ GRAPH <{body['run']}> {{ ?d a ?type }} }}")
    assert stored.value is True


def test_store_false_reasons_without_writing(client, seed_turtle, store):
    response = client.post("/v1/reason?store=false", content=seed_turtle, headers=TURTLE)
    assert response.status_code == 200
    assert response.json()["run"] is None
    assert store.query("ASK { ?d a <https://w3id.org/mtus-kg/ontology#Determination> }").value \
        is False


def test_valid_jsonld_case_is_decided(client):
    response = post_json(client, "/v1/reason", jsonld_case())
    assert response.status_code == 200, response.text
    first = response.json()["determinations"][0]
    assert first["request"] == CASE + "request"
    assert first["outcome"] == "not-medically-necessary"


def test_plain_json_media_type_is_read_as_jsonld(client):
    response = client.post("/v1/reason", content=json.dumps(jsonld_case()).encode(),
                           headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 200, response.text


def test_jsonld_request_without_date_is_422_naming_it(client):
    error = assert_error(post_json(client, "/v1/reason", jsonld_case(requestDate=None)),
                         422, "incomplete-case")
    named = [p for p in error["problems"] if p["path"] == "mtus:requestDate"]
    assert named and "request date" in named[0]["message"]
    assert named[0]["focus"] == CASE + "request"


def test_case_without_request_is_422_naming_the_requested_service(client):
    doc = jsonld_case()
    del doc["request"]
    error = assert_error(post_json(client, "/v1/reason", doc), 422, "incomplete-case")
    assert [p["path"] for p in error["problems"]] == ["mtus:request"]
    assert "requested service" in error["problems"][0]["message"]


def test_malformed_turtle_is_400_with_line_and_column(client):
    bad = b"@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .\n<urn:x> a mtus:Case ;;\n  ] .\n"
    error = assert_error(client.post("/v1/reason", content=bad, headers=TURTLE),
                         400, "bad-input")
    assert error["line"] == 3 and error["column"] is not None


def test_malformed_json_is_400_with_line_and_column(client):
    bad = b'{\n  "@context": "https://w3id.org/mtus-kg/context.jsonld",\n  "id": ,\n}'
    error = assert_error(client.post("/v1/reason", content=bad, headers=JSONLD),
                         400, "bad-input")
    assert (error["line"], error["column"]) == (3, 9)


def test_remote_jsonld_context_is_refused_without_any_connection(client):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/ctx"
        doc = {**jsonld_case(), "@context": url}
        error = assert_error(post_json(client, "/v1/reason", doc), 400, "bad-input")
        assert error["term"] == url
        readable, _, _ = select.select([listener], [], [], 0.2)
        assert readable == [], "the server connected to the remote context"
    finally:
        listener.close()


def test_case_without_an_iri_is_decided_but_not_stored(client):
    doc = jsonld_case()
    del doc["id"]
    error = assert_error(post_json(client, "/v1/reason", doc), 400, "bad-input")
    assert "@id" in error["message"]
    response = client.post("/v1/reason?store=false", content=json.dumps(doc).encode(),
                           headers=JSONLD)
    assert response.status_code == 200 and response.json()["case"].startswith("_:")


def test_unsupported_media_type_is_415(client, seed_turtle):
    response = client.post("/v1/reason", content=seed_turtle,
                           headers={"content-type": "text/plain"})
    assert_error(response, 415, "unsupported-media-type")


def test_body_over_the_limit_is_413_by_content_length(make_client, seed_turtle):
    client = make_client(max_body_bytes=1000)
    assert len(seed_turtle) > 1000
    response = client.post("/v1/reason", content=seed_turtle, headers=TURTLE)
    assert_error(response, 413, "body-too-large")


def test_body_over_the_limit_is_413_when_streamed_without_length(make_client, seed_turtle):
    client = make_client(max_body_bytes=1000)
    chunks = iter([seed_turtle[i:i + 500] for i in range(0, len(seed_turtle), 500)])
    response = client.post("/v1/reason", content=chunks, headers=TURTLE)
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "body-too-large")


def test_unexpected_failure_is_500_without_traceback(kb, seed_turtle):
    class BrokenStore:
        read_only = False

        def ensure_guidelines(self, kb):
            return False

        def save_case_later(self, case, triples, run):
            raise RuntimeError("disk on fire")

    app = create_app(kb=kb, store=BrokenStore(), settings=Settings())
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/v1/reason", content=seed_turtle, headers=TURTLE)
    error = assert_error(response, 500, "internal")
    assert "disk on fire" not in response.text and error["message"]


def test_storing_needs_the_api_key_when_one_is_set(make_client, seed_turtle):
    client = make_client(api_key="s3cret-key-of-20-chars")
    assert_error(client.post("/v1/reason", content=seed_turtle, headers=TURTLE),
                 401, "unauthorized")
    assert client.post("/v1/reason?store=false", content=seed_turtle,
                       headers=TURTLE).status_code == 200
    keyed = {**TURTLE, "x-api-key": "s3cret-key-of-20-chars"}
    assert client.post("/v1/reason", content=seed_turtle, headers=keyed).status_code == 200


# Validation -----------------------------------------------------------------------------------

def test_validate_reports_problems_with_200(client, seed_turtle):
    ok = client.post("/v1/validate", content=seed_turtle, headers=TURTLE)
    assert ok.status_code == 200 and ok.json()["conforms"] is True
    incomplete = post_json(client, "/v1/validate", jsonld_case(requestDate=None))
    assert incomplete.status_code == 200
    body = incomplete.json()
    assert body["conforms"] is False
    assert any(p["path"] == "mtus:requestDate" for p in body["problems"])


def test_validate_malformed_input_is_400(client):
    response = client.post("/v1/validate", content=b"{", headers=JSONLD)
    assert_error(response, 400, "bad-input")


# Guidelines, health, context, OpenAPI ---------------------------------------------------------

def test_guidelines_list(client, kb):
    body = client.get("/v1/guidelines").json()
    # a recommendation carried into several editions is listed once
    unique = {r.iri for r in kb.program.recommendations}
    assert body["count"] == len(unique) == len(body["guidelines"])
    xray = next(g for g in body["guidelines"] if g["id"] == "lbc2004-lumbar-xray")
    assert xray["source"] == "MTUS" and xray["verification"] in {"V", "K", "K?"}
    assert xray["citation"]["section"] == "Special Studies"
    assert xray["edition"]["in_force_from"] == "2007-06-15"
    assert xray["applies_to"][0]["label"]
    assert "criteria" not in xray


def test_guideline_detail_has_the_criteria_tree(client):
    body = client.get("/v1/guidelines/lbc2004-lumbar-xray").json()
    assert body["iri"] == "https://w3id.org/mtus-kg/guideline/lbc2004-lumbar-xray"

    def walk(node):
        yield node
        for child in node["children"]:
            yield from walk(child)

    nodes = list(walk(body["criteria"]))
    assert XRAY_RED_FLAG in {n["iri"] for n in nodes}
    assert all(n["kind"] and n["statement"] for n in nodes)


def test_unknown_guideline_is_404_with_error_body(client):
    assert_error(client.get("/v1/guidelines/no-such-thing"), 404, "not-found")


def test_health(client, kb):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["knowledge_base"] == {"digest": kb.digest,
                                      "recommendations": kb.program.recommendation_count}
    assert body["store"]["guidelines_digest"] == kb.digest


def test_context_is_served_as_jsonld(client):
    response = client.get("/v1/context.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert "@context" in response.json()


@pytest.mark.parametrize("path", ["/v1/reason", "/v1/validate"])
def test_openapi_documents_the_case_body_media_types(client, path):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"][path]["post"]
    assert operation["summary"]
    media = set(operation["requestBody"]["content"])
    assert {"text/turtle", "application/ld+json", "application/json"} <= media
    assert client.get("/docs").status_code == 200


def test_settings_come_from_mtus_environment_variables(monkeypatch):
    monkeypatch.setenv("MTUS_STORE_PATH", "/srv/mtus/store")  # what `mtus serve --store` sets
    monkeypatch.setenv("MTUS_MAX_BODY_BYTES", "2048")
    settings = Settings()
    assert (settings.store_path, settings.max_body_bytes) == ("/srv/mtus/store", 2048)
    monkeypatch.setenv("MTUS_SPARQL_TIMEOUT_SECONDS", "0")
    with pytest.raises(ValueError):
        Settings()


@pytest.mark.parametrize("media,fmt", [("text/turtle", "TURTLE"),
                                       ("application/ld+json", "JSON_LD"),
                                       ("application/n-triples", "N_TRIPLES"),
                                       ("application/rdf+xml", "RDF_XML")])
def test_reason_answers_the_run_graph_in_rdf_by_accept(client, seed_turtle, media, fmt):
    import pyoxigraph as ox

    response = client.post("/v1/reason", content=seed_turtle,
                           headers={**TURTLE, "accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    graph = ox.Store()
    graph.load(response.content, format=getattr(ox.RdfFormat, fmt))
    mtus = "https://w3id.org/mtus-kg/ontology#"
    (row,) = graph.query(f"SELECT ?outcome ?run WHERE {{ ?d <{mtus}outcome> ?outcome ; "
                         "<http://www.w3.org/ns/prov#wasGeneratedBy> ?run }")
    assert row["outcome"].value == mtus + "NotMedicallyNecessary"
    # stored: the graph is the stored run, the one a SPARQL query finds
    stored = client.get("/sparql", params={"query": "SELECT ?run WHERE { ?run "
                                                    "<http://www.w3.org/ns/prov#used> ?c }"})
    assert row["run"].value in stored.text


def test_reason_json_by_default_and_406_for_what_it_cannot_write(client, seed_turtle):
    for accept in ("*/*", "application/json", "text/*;q=0.1, application/json"):
        response = client.post("/v1/reason?store=false", content=seed_turtle,
                               headers={**TURTLE, "accept": accept})
        assert response.json()["determinations"][0]["outcome"] == "not-medically-necessary"
    refused = client.post("/v1/reason?store=false", content=seed_turtle,
                          headers={**TURTLE, "accept": "image/png"})
    error = assert_error(refused, 406, "not-acceptable")
    assert "text/turtle" in error["available"]


def test_openapi_types_the_report_and_documents_the_real_error_body(client):
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    determinations = components["CaseReport"]["properties"]["determinations"]
    assert determinations["items"] == {"$ref": "#/components/schemas/DeterminationReport"}
    assert "criteria" in components["DeterminationReport"]["properties"]
    assert "HTTPValidationError" not in str(schema)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == \
                        {"$ref": "#/components/schemas/ErrorBody"}, (path, method, status)


def test_reason_rdf_answer_is_the_stored_run_graph(client, seed_turtle):
    import pyoxigraph as ox

    response = client.post("/v1/reason", content=seed_turtle,
                           headers={**TURTLE, "accept": "application/n-triples"})
    answered = {str(q.triple) for q in ox.parse(response.content,
                                                format=ox.RdfFormat.N_TRIPLES)}
    run = next(t.split()[0][1:-1] for t in answered
               if "http://www.w3.org/ns/prov#endedAtTime" in t)
    stored = client.get("/sparql", params={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ "
                                                    f"GRAPH <{run}> {{ ?s ?p ?o }} }}"},
                        headers={"accept": "application/n-triples"})
    assert stored.status_code == 200
    assert {str(q.triple) for q in ox.parse(stored.content,
                                            format=ox.RdfFormat.N_TRIPLES)} == answered
