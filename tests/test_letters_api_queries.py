"""POST /v1/letters, and the README's example queries over ingested letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.workflows.letters import ingest_letters as ingest
from reasoner.workflows.letters import letter_files

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "letters"
SEED = CORPUS / "000_352bc1bec7c49a86.txt"


def test_post_letter_stores_and_reports(client, store):
    answer = client.post("/v1/letters", content=SEED.read_bytes(),
                         headers={"Content-Type": "text/plain"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stored"] and body["layout"] == "imr-final-determination"
    [item] = body["items"]
    assert (item["recorded_outcome"], item["predicted"]) == ("upheld", "upheld")
    rows = store.query("ASK { ?i a <https://w3id.org/mtus-kg/ontology#IMRDetermination> }")
    assert rows.value
    # the determinations are stored with the letter, in the run graph the answer names
    run = body["run"]
    outcome = store.query(f"SELECT ?o {{ GRAPH <{run}> {{ ?d "
                          "<https://w3id.org/mtus-kg/ontology#outcome> ?o } }").rows
    assert [o.value.rsplit("#")[-1] for o, in outcome] == ["InsufficientDocumentation"]


def test_post_letter_without_storing_stores_nothing(client, store):
    answer = client.post("/v1/letters?store=false", content=SEED.read_bytes(),
                         headers={"Content-Type": "text/plain"})
    assert answer.status_code == 200 and answer.json()["run"] is None
    assert not answer.json()["stored"] and answer.json()["items"][0]["predicted"] == "upheld"
    assert not store.query("ASK { GRAPH ?g { ?s ?p ?o } FILTER(?g != "
                           "<https://w3id.org/mtus-kg/graph/guidelines>) }").value


@pytest.mark.parametrize("data, code", [(b"", 400), (b"hello there, nothing to see", 400)])
def test_post_unreadable_letter(client, data, code):
    answer = client.post("/v1/letters", content=data, headers={"Content-Type": "text/plain"})
    assert answer.status_code == code
    assert answer.json()["error"]["message"]


def test_post_letter_wrong_media_type(client):
    answer = client.post("/v1/letters", content=b"{}",
                         headers={"Content-Type": "application/json"})
    assert answer.status_code == 415


@pytest.fixture
def corpus_store(kb, store):
    store.ensure_guidelines(kb)
    ingest(letter_files([CORPUS]), kb, store)
    return store


def _rows(store, name: str) -> list[tuple]:
    result = store.query((ROOT / "docs" / name).read_text())
    return [tuple(v.value if v is not None else None for v in row) for row in result.rows]


def test_query_outcomes_by_category(corpus_store):
    rows = {(c, o): int(n) for c, o, n in _rows(corpus_store, "letters-outcomes-by-category.rq")}
    assert rows[("diagnostic service", "Upheld")] >= 2
    assert rows[("physical medicine", "Overturned")] >= 2
    assert sum(rows.values()) == 12  # every item once, 'unmapped' when not in the terminology


def test_query_cited_sections(corpus_store):
    rows = _rows(corpus_store, "letters-cited-sections.rq")
    assert rows[0][0].startswith("MTUS") and int(rows[0][2]) >= 2
    assert any("ODG" in r[0] for r in rows)


def test_query_upheld_without_functional_improvement(corpus_store):
    rows = {service: (int(upheld), int(without)) for service, upheld, without
            in _rows(corpus_store, "letters-upheld-without-functional-improvement.rq")}
    assert rows["lumbar flexion/extension radiographs"] == (1, 1)  # the seed's dynamic x-rays
    assert rows["hydrocodone/acetaminophen"] == (2, 2)  # Norco, twice, no improvement shown
    assert rows["carisoprodol"] == (1, 0)  # that case documents functional improvement on Soma
    assert sum(u for u, _ in rows.values()) == 8  # every upheld item of the corpus once


# The docs/letters-*.rq queries are written for speed at scale (aggregate first, single-pattern
# scans joined by hashing). These are the same questions asked the plain way: both must agree.
PLAIN_CITED = """PREFIX mtus: <https://w3id.org/mtus-kg/ontology#>
SELECT ?guideline ?section (COUNT(?imr) AS ?items) WHERE {
  ?imr a mtus:IMRDetermination ; mtus:citedGuidelineText ?text .
  BIND(IF(CONTAINS(?text, "Section(s):"), STRBEFORE(?text, ", Section(s):"), ?text) AS ?guideline)
  BIND(IF(CONTAINS(?text, "Section(s):"), STRAFTER(?text, "Section(s): "), "") AS ?section)
} GROUP BY ?guideline ?section"""
PLAIN_CATEGORY = """PREFIX mtus: <https://w3id.org/mtus-kg/ontology#>
PREFIX term: <https://w3id.org/mtus-kg/term/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?category ?outcome (COUNT(DISTINCT ?imr) AS ?items) WHERE {
  ?imr a mtus:IMRDetermination ; mtus:about ?request ; mtus:imrOutcome ?recorded .
  BIND(STRAFTER(STR(?recorded), "#") AS ?outcome)
  OPTIONAL {
    VALUES ?class { term:Drug term:DiagnosticService term:PhysicalMedicine term:Surgery }
    ?request mtus:concept ?service . ?service rdfs:subClassOf* ?class .
    ?class skos:prefLabel ?label . }
  BIND(COALESCE(STR(?label), "unmapped") AS ?category)
} GROUP BY ?category ?outcome"""
PLAIN_UPHELD = """PREFIX mtus: <https://w3id.org/mtus-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?service (COUNT(?imr) AS ?upheld) (SUM(?without) AS ?withoutImprovement) WHERE {
  ?case mtus:imrDetermination ?imr . ?imr mtus:imrOutcome mtus:Upheld ; mtus:about ?request .
  OPTIONAL { ?request mtus:concept ?concept . ?concept skos:prefLabel ?label }
  BIND(COALESCE(STR(?label), "unmapped") AS ?service)
  BIND(IF(EXISTS { ?case mtus:priorTreatment|mtus:medication ?course .
                   ?course mtus:response mtus:FunctionalImprovement }, 0, 1) AS ?without)
} GROUP BY ?service"""


@pytest.mark.parametrize("name, plain", [
    ("letters-cited-sections.rq", PLAIN_CITED),
    ("letters-outcomes-by-category.rq", PLAIN_CATEGORY),
    ("letters-upheld-without-functional-improvement.rq", PLAIN_UPHELD)])
def test_scaled_query_answers_as_the_plain_one(corpus_store, name, plain):
    plain_rows = [tuple(v.value for v in row) for row in corpus_store.query(plain).rows]
    assert sorted(_rows(corpus_store, name)) == sorted(plain_rows)
    assert len(plain_rows) >= 3
