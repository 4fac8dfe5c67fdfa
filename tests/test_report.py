"""Report invariants over every guideline case: a determination says how sure its decisive
criteria are, flags non-MTUS sources, and its trace and contract fields are consistent."""

from pathlib import Path

import orjson
import pytest

from reasoner.authoring import casetests
from reasoner.engine.report import case_report


def case_json(result, kb) -> dict:
    """The report as the CLI and the API write it (the JSON output contract)."""
    return orjson.loads(orjson.dumps(case_report(result, kb.digest)))

ROOT = Path(__file__).resolve().parent.parent
FILES = casetests.discover(ROOT / "tests" / "cases")


@pytest.fixture(scope="module")
def determinations(kb) -> list[dict]:
    out = []
    for path in FILES:
        test = casetests.load_case_test(path)
        result = kb.reason(list(test.triples), str(path))
        out += case_json(result, kb)["determinations"]
    return out


def test_every_case_file_was_decided(determinations):
    assert len(determinations) >= len(FILES)


def test_confidence_of_the_decisive_criteria_is_stated(determinations):
    seen = set()
    for d in determinations:
        tags = {c["verification"] for c in d["criteria"] if c["criterion"] in d["decisive"]}
        notes = " ".join(d["notes"])
        if d["recommendation"] and d["recommendation"]["verification"] == "K?":
            assert "[K?]" in notes, d["request"]  # the recommendation's own doubt is stated
            notes = notes.replace("The recommendation itself is of low confidence [K?]", "")
        if "K?" in tags:
            assert "[K?]" in notes, d["request"]
        elif "K" in tags:
            assert "[K]" in notes, d["request"]
        else:
            assert "[K" not in notes, d["request"]
        seen |= tags
    assert {"V", "K", "K?"} <= seen  # the corpus exercises all three


def test_non_mtus_sources_are_flagged(determinations):
    flagged = [d for d in determinations if d["citation"] and d["citation"]["source"] == "non-MTUS"]
    assert flagged
    assert all("non-MTUS" in " ".join(d["notes"]) for d in flagged)


def test_contract_fields_agree(determinations):
    imr = {"medically-necessary": "overturned", "not-medically-necessary": "upheld",
           "insufficient-documentation": "upheld", "not-addressed": None,
           "not-medical-treatment": "upheld"}
    for d in determinations:
        assert d["imr_equivalent"] == imr[d["outcome"]]
        results = {c["criterion"]: c["result"] for c in d["criteria"]}
        assert all(iri in results for iri in d["decisive"])
        if d["outcome"] == "insufficient-documentation":
            assert d["missing"], d["request"]
        # not addressed, or a request naming only a kind of service ("Medication"): no
        # recommendation applied, so nothing is cited
        if d["outcome"] == "not-medical-treatment":
            assert "not medical treatment" in d["notes"][0], d["request"]
        if d["outcome"] == "not-addressed" or d["citation"] is None:
            assert d["outcome"] in ("not-addressed", "insufficient-documentation",
                                    "not-medical-treatment")
            assert d["citation"] is None and not d["criteria"]
        else:
            assert d["citation"]["guideline"] and d["citation"]["section"]


UNDATED_INJURY = b"""@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix :     <https://w3id.org/mtus-kg/case/report-test/undated-injury/> .
:case a mtus:Case ; mtus:worker :w ; mtus:injury :i ; mtus:diagnosis :dx ; mtus:request :r .
:w a mtus:InjuredWorker ; mtus:age 40 ; mtus:sex mtus:Male .
:i a mtus:Injury ; mtus:bodyRegion term:Knee .
:dx a mtus:Diagnosis ; mtus:concept term:KneeOsteoarthritis .
:r a mtus:TreatmentRequest ; rdfs:label "TENS unit rental" ; mtus:concept term:TENSUnit ;
    mtus:requestDate "2022-03-04"^^xsd:date .
"""


def test_an_undocumented_applicability_fact_is_missing_documentation_not_silence(kb):
    # the 2017 chronic-pain rules for a TENS unit apply from 90 days after the injury: without
    # the date of injury the request cannot be decided, and the report says what to get
    from reasoner.engine.report import case_report
    result = kb.reason_document(UNDATED_INJURY, "text/turtle")
    [d] = case_report(result, kb.digest).determinations
    assert d.outcome == "insufficient-documentation" and d.citation is None
    assert any("date of injury" in m.lower() for m in d.missing)
    assert "do not document" not in d.notes[0] and "does not document" in d.notes[0]


def test_a_proof_lists_the_first_facts_and_counts_them_all(kb):
    # 30 red flags, all read by the x-ray's red-flag criterion: the trace names 20 of them and
    # says 30, in the JSON contract and in the stored run (mtus:usedFactCount)
    from reasoner.engine.report import MAX_EVIDENCE, case_report, run_triples
    base = "https://example.org/many-flags/"
    flags = "\n".join(f"<{base}f{i}> a m:Finding ; m:concept t:RedFlagSpinalPathology ; "
                      "m:status m:Present ." for i in range(30))
    doc = f"""@prefix m: <https://w3id.org/mtus-kg/ontology#> .
@prefix t: <https://w3id.org/mtus-kg/term/> .
@prefix x: <http://www.w3.org/2001/XMLSchema#> .
<{base}case> a m:Case ; m:injury <{base}i> ; m:request <{base}r> ;
    m:finding {", ".join(f"<{base}f{i}>" for i in range(30))} .
<{base}i> a m:Injury ; m:injuryDate "2014-01-01"^^x:date ; m:bodyRegion t:LumbarSpine .
<{base}r> a m:TreatmentRequest ; m:concept t:LumbarFlexionExtensionRadiograph ;
    m:requestDate "2015-07-30"^^x:date .
{flags}
"""
    report = case_report(kb.reason_document(doc.encode(), "text/turtle"), kb.digest)
    [d] = report.determinations
    wide = [c for c in d.criteria if c.evidence_total == 30]
    assert wide and all(len(c.evidence) == MAX_EVIDENCE == 20 for c in wide)
    assert all(len(c.evidence) == c.evidence_total for c in d.criteria if c not in wide)
    _, triples = run_triples(report)
    counts = [t.object.value for t in triples if t.predicate.value.endswith("#usedFactCount")]
    assert counts == ["30"] * len(wide)
    criteria = case_json(kb.reason_document(doc.encode(), "text/turtle"), kb)[
        "determinations"][0]["criteria"]
    assert [(len(c["evidence"]), c["evidence_total"]) for c in criteria
            if c["evidence_total"] == 30] == [(20, 30)] * len(wide)


def test_a_met_resting_on_an_unsettled_criterion_is_not_certified_on_its_word(determinations):
    """'Criteria met' may be certified without a physician; when a decisive criterion is of
    low confidence [K?] the action says to check the guideline text first."""
    met = [d for d in determinations if d["outcome"] == "medically-necessary"]
    unsettled = [d for d in met if any(c["decisive"] and c["verification"] == "K?"
                                       for c in d["criteria"])]
    assert unsettled and all("[K?]" in d["action"] for d in unsettled)
    assert all(d["action"] == "criteria met: may be certified"
               for d in met if d not in unsettled)
