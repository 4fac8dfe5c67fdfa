"""A case that is no real case (numbers no quantity can be, thousands of requests or facts) is
bad input with a clear message, never a 500 or a run graph of hundreds of thousands of quads."""

from __future__ import annotations

import pytest

SEED = """@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://example.org/limits/1/> .
:case a mtus:Case ; mtus:worker :w ; mtus:injury :i ; mtus:request :r .
:w a mtus:InjuredWorker ; mtus:age 44 .
:i a mtus:Injury ; mtus:injuryDate "2014-01-01"^^xsd:date .
:r a mtus:TreatmentRequest ; mtus:concept term:PhysicalTherapy ;
    mtus:requestDate "2015-01-01"^^xsd:date ; mtus:quantity 6 ; mtus:durationWeeks WEEKS .
"""


@pytest.mark.parametrize("weeks", ['"INF"^^xsd:double', '"NaN"^^xsd:double', "1e309",
                                   "1" * 5000])
def test_a_number_no_quantity_can_be_is_refused(client, weeks):
    response = client.post("/v1/reason?store=false", content=SEED.replace("WEEKS", weeks),
                           headers={"content-type": "text/turtle"})
    assert response.status_code in (400, 422), response.text
    assert "durationWeeks" in response.text and "usable number" in response.text


def _many(requests: int, findings: int) -> str:
    body = SEED.replace("WEEKS", "2").replace("mtus:request :r .", "mtus:request :r ;\n    "
                                              + "".join(f"mtus:request :r{n} ; "
                                                        for n in range(requests))
                                              + "".join(f"mtus:finding :f{n} ; "
                                                        for n in range(findings)) + "a mtus:Case .")
    body += "".join(f":r{n} a mtus:TreatmentRequest ; mtus:concept term:Acupuncture ; "
                    f'mtus:requestDate "2015-01-01"^^xsd:date .\n' for n in range(requests))
    body += "".join(f":f{n} a mtus:Finding ; mtus:concept term:RedFlagSpinalPathology ; "
                    "mtus:status mtus:Absent .\n" for n in range(findings))
    return body


@pytest.mark.parametrize(("requests", "findings", "said"), [
    (60, 0, "at most 50"), (0, 2500, "at most 2000")])
def test_a_case_too_large_to_be_real_is_refused(client, requests, findings, said):
    response = client.post("/v1/reason", content=_many(requests, findings),
                           headers={"content-type": "text/turtle"})
    assert response.status_code in (400, 413, 422), response.text
    assert said in response.text


def test_a_case_within_the_limits_is_decided(client):
    response = client.post("/v1/reason?store=false", content=_many(40, 300),
                           headers={"content-type": "text/turtle"})
    assert response.status_code == 200, response.text
    assert len(response.json()["determinations"]) == 41


@pytest.mark.parametrize("records, refused", [(3, False), (4, True), (8000, True)])
def test_a_case_cannot_carry_thousands_of_decision_records(client, records, refused):
    """Decision records about one request (a UR decision and an IMR determination, as a
    letter has one per item): a few are a case's; thousands would count thousands of times
    in the letters' statistics."""
    body = SEED.replace("WEEKS", "2") + "".join(
        f":imr{n} a mtus:IMRDetermination ; mtus:about :r ; mtus:imrOutcome mtus:Overturned .\n"
        for n in range(records))
    response = client.post("/v1/reason?store=false", content=body,
                           headers={"content-type": "text/turtle"})
    if refused:
        assert response.status_code in (400, 422), response.text
        assert "recorded decisions" in response.text
    else:
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(("extra", "said"), [
    # one record about every request: it counted once per request in the letters' statistics
    (":imr a mtus:IMRDetermination ; mtus:about :r, :r0, :r1 ; "
     "mtus:imrOutcome mtus:Overturned .", "about 3 requests"),
    # a finding doubling as a record escaped the bound on records besides the facts
    (":f0 a mtus:IMRDetermination ; mtus:about :r ; mtus:imrOutcome mtus:Overturned .",
     "both a fact"),
])
def test_a_decision_record_is_about_one_request_and_no_fact(client, extra, said):
    body = _many(2, 1) + extra + "\n"
    response = client.post("/v1/reason?store=false", content=body,
                           headers={"content-type": "text/turtle"})
    assert response.status_code in (400, 422), response.text
    assert said in response.text and "mtus:about" in response.text


BIG = "1" + "0" * 309  # an xsd:integer past a float's range


@pytest.mark.parametrize("fact", [
    f"mtus:worker [ mtus:age {BIG} ]",
    f"mtus:painScore [ mtus:value {BIG} ]",
    f"mtus:painScore [ mtus:value 5 ; mtus:valueHigh -{BIG} ]",
    f"mtus:priorTreatment [ mtus:concept term:PhysicalTherapy ; mtus:sessions {BIG} ]",
    f"mtus:priorTreatment [ mtus:concept term:PhysicalTherapy ; mtus:reliefPercent {BIG} ]",
])
@pytest.mark.parametrize("route", ["reason", "validate"])
def test_an_integer_past_a_floats_range_is_no_500(client, fact, route):
    body = SEED.replace("WEEKS", "2").replace("mtus:request :r .", f"mtus:request :r ; {fact} .")
    response = client.post(f"/v1/{route}?store=false", content=body,
                           headers={"content-type": "text/turtle"})
    assert response.status_code < 500, response.text
    if route == "validate":  # a report, conforming or not (sessions have no upper bound)
        assert response.status_code == 200 and "conforms" in response.json()


@pytest.mark.parametrize(("extra", "said"), [
    # a fact carrying what only a decision's record says (22,000 forged citations in one post)
    (':f0 mtus:citedGuidelineText "FORGED, Section(s): X", "FORGED 2, Section(s): Y" .',
     "is about no request"),
    (':imr a mtus:IMRDetermination ; mtus:about :r ; mtus:citedGuidelineText "A", "B" .',
     "2 times"),
])
def test_a_decisions_record_says_each_thing_once_and_of_a_request(client, extra, said):
    response = client.post("/v1/reason?store=false", content=_many(1, 1) + extra + "\n",
                           headers={"content-type": "text/turtle"})
    assert response.status_code in (400, 422), response.text
    assert said in response.text
