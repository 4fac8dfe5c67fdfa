"""A posted case may only describe itself: triples about other cases, guideline terms, runs
or reserved graphs, and determinations of its own making, are refused with 422 and nothing
is stored."""

from __future__ import annotations

import pytest

TURTLE = {"content-type": "text/turtle"}
HEAD = """@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://example.org/case/A/> .
:case a mtus:Case ; mtus:request :req .
:req a mtus:TreatmentRequest ; mtus:concept term:LumbarFlexionExtensionRadiograph ;
    mtus:requestDate "2015-07-30"^^xsd:date .
"""
SEED_REQ = "<https://w3id.org/mtus-kg/case/imr-352bc1bec7c49a86/req-dynamic-xray>"


@pytest.mark.parametrize("forged", [
    f"[] a mtus:Determination ; mtus:about {SEED_REQ} ; mtus:outcome mtus:MedicallyNecessary .",
    f"{SEED_REQ} mtus:concept term:LumbarFlexionExtensionRadiograph .",
    "<https://w3id.org/mtus-kg/guideline/lbc2004-lumbar-xray> mtus:statement \"anything\" .",
    "term:LumbarFlexionExtensionRadiograph a term:Nothing .",
    "mtus:Case a mtus:Other .",
    "<https://w3id.org/mtus-kg/run/abc> mtus:knowledgeBaseDigest \"x\" .",
    "<https://w3id.org/mtus-kg/graph/guidelines> mtus:statement \"x\" .",
    ":req mtus:outcome mtus:MedicallyNecessary .",
    "<https://example.org/case/B/req> a mtus:TreatmentRequest .",
])
def test_foreign_triples_are_refused_and_nothing_is_stored(client, forged):
    response = client.post("/v1/reason", content=(HEAD + forged).encode(), headers=TURTLE)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "foreign-data" and error["triple"]
    stored = client.get("/sparql", params={
        "query": "ASK { GRAPH <https://example.org/case/A/case> { ?s ?p ?o } }"})
    assert stored.json()["boolean"] is False


def test_the_same_case_without_the_forgery_is_stored(client):
    response = client.post("/v1/reason", content=HEAD.encode(), headers=TURTLE)
    assert response.status_code == 200 and response.json()["run"]


def test_a_case_may_not_describe_a_subject_another_case_stored(client):
    first = HEAD.replace("/case/A/", "/case/shared/")
    assert client.post("/v1/reason", content=first.encode(), headers=TURTLE).status_code == 200
    # Another case in the same namespace, describing the first case's request.
    second = first.replace(":case a mtus:Case", ":other-case a mtus:Case").replace(
        ":case a", ":other-case a")
    response = client.post("/v1/reason", content=second.encode(), headers=TURTLE)
    assert response.status_code == 422 and response.json()["error"]["code"] == "foreign-data"


def test_posting_a_case_again_leaves_one_current_determination(client):
    for _ in range(4):
        assert client.post("/v1/reason", content=HEAD.encode(), headers=TURTLE).status_code == 200
    rows = client.get("/sparql", params={"query": """PREFIX mtus: <https://w3id.org/mtus-kg/ontology#>
        SELECT ?d WHERE { <https://example.org/case/A/case> mtus:request ?r .
                          ?d mtus:about ?r ; mtus:outcome ?o }"""}).json()["results"]["bindings"]
    assert len(rows) == 1
