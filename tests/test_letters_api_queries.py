"""POST /v1/letters, and the README's example queries over ingested letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.letters.ingest import ingest, letter_files

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
    items = {r[2] for r in _rows(corpus_store, "letters-upheld-without-functional-improvement.rq")}
    assert "Dynamic x-rays of lumbar spine" in items
    assert "Norco 10/325mg #120" in items
    assert "Soma 350mg #60" not in items  # that case documents functional improvement on Soma
