"""The seed letter end to end: the acceptance case of the foundation."""

from pathlib import Path

import orjson
import pytest

from reasoner import IncompleteCase
from reasoner.engine.intake import parse
from reasoner.engine.report import case_report


def case_json(result, kb) -> dict:
    """The report as the CLI and the API write it (the JSON output contract)."""
    return orjson.loads(orjson.dumps(case_report(result, kb.digest)))

ROOT = Path(__file__).resolve().parent.parent
SEED_TTL = ROOT / "examples" / "seed-case.ttl"
SEED_JSONLD = ROOT / "examples" / "seed-case.jsonld"
GL = "https://w3id.org/mtus-kg/guideline/"


def test_turtle_and_json_ld_examples_are_the_same_graph():
    ttl = {str(t) for t in parse(SEED_TTL.read_bytes(), "text/turtle")}
    jsonld = {str(t) for t in parse(SEED_JSONLD.read_bytes(), "application/ld+json")}
    assert ttl == jsonld


def test_seed_states_every_fact_of_the_letter(kb):
    from reasoner.engine.facts import read_case

    facts = read_case(parse(SEED_TTL.read_bytes(), "text/turtle"))
    assert (facts.age, facts.sex.rsplit("#")[-1], str(facts.injury_date)) == (44, "Male",
                                                                                "2007-05-24")
    assert len(facts.diagnoses) == 9
    meds = {c.label for c in facts.courses if c.is_medication}
    assert meds == {"Flexeril", "Senna", "Zantac", "Norco", "Motrin", "Flomax", "Lyrica",
                    "calcium; magnesium; and zinc supplement"}
    prior = {c.label: c.on_date for c in facts.courses if not c.is_medication}
    assert str(prior["spinal cord stimulator"]) == "2014-01-17"
    assert str(prior["transurethral resection of prostate"]) == "2015-03-26"
    assert sorted(str(s.on_date) for s in facts.studies) == ["2013-02-07", "2014-12-13"]
    pain = sorted((p.value, p.value_high) for p in facts.pain_scores)
    assert pain == [(4.0, None), (6.0, 7.0)]
    assert facts.requests[0].label == "Dynamic x-rays of lumbar spine"
    assert "2015-08-20" in SEED_TTL.read_text()  # UR non-certification date


@pytest.mark.parametrize("path,media", [(SEED_TTL, "text/turtle"),
                                        (SEED_JSONLD, "application/ld+json")])
def test_seed_is_upheld_on_the_absence_of_red_flags(kb, path, media):
    out = case_json(kb.reason_document(path.read_bytes(), media, str(path)), kb)
    (d,) = out["determinations"]
    assert (d["outcome"], d["imr_equivalent"]) == ("not-medically-necessary", "upheld")
    assert d["citation"]["guideline"] == "MTUS ACOEM Low Back Complaints 2004"
    assert d["citation"]["section"] == "Special Studies"
    assert d["decisive"][0] == GL + "lbc2004-lumbar-xray-red-flag"
    red_flag = next(c for c in d["criteria"] if c["criterion"] == d["decisive"][0])
    assert red_flag["result"] == "not-met"
    assert red_flag["evidence"][0]["fact"].endswith("/f-no-red-flags")
    assert "documented absent" in red_flag["evidence"][0]["text"]


def _seed_with(old: str, new: str) -> bytes:
    text = SEED_TTL.read_text()
    assert old in text
    return text.replace(old, new).encode()


RED_FLAG_LINE = (":f-no-red-flags a mtus:Finding ; mtus:concept term:RedFlagSpinalPathology ; "
                 "mtus:status mtus:Absent ;")


def test_a_documented_red_flag_makes_it_medically_necessary(kb):
    data = _seed_with(RED_FLAG_LINE, ":f-no-red-flags a mtus:Finding ; mtus:concept "
                      "term:ProgressiveNeurologicalDeficit ; mtus:status mtus:Present ;")
    (d,) = case_json(kb.reason_document(data, "text/turtle"), kb)["determinations"]
    assert (d["outcome"], d["imr_equivalent"]) == ("medically-necessary", "overturned")
    assert d["decisive"] == [GL + "lbc2004-lumbar-xray-red-flag"]


def test_red_flag_status_not_stated_is_insufficient_documentation(kb):
    data = _seed_with(", :f-no-red-flags ;", " ;")
    data = data.replace(RED_FLAG_LINE.encode(), b":unused a mtus:Finding ; mtus:concept "
                        b"term:RedFlagSpinalPathology ; mtus:status mtus:Absent ;")
    (d,) = case_json(kb.reason_document(data, "text/turtle"), kb)["determinations"]
    assert d["outcome"] == "insufficient-documentation"
    assert d["imr_equivalent"] == "upheld"
    assert any("Red-flag assessment" in m for m in d["missing"])
    assert d["decisive"] == [GL + "lbc2004-lumbar-xray-red-flag"]


@pytest.mark.parametrize("old,new,named", [
    ("    mtus:request :req-dynamic-xray ;\n", "", "requested service"),
    ('    mtus:requestDate "2015-07-30"^^xsd:date ;\n', "", "request date"),
])
def test_missing_required_facts_are_named(kb, old, new, named):
    with pytest.raises(IncompleteCase) as err:
        kb.reason_document(_seed_with(old, new), "text/turtle")
    assert any(named in p.message for p in err.value.problems)


def test_unknown_concept_is_named(kb):
    data = _seed_with("term:LumbarFlexionExtensionRadiograph ;\n    mtus:bodyRegion",
                      "term:NoSuchThing ;\n    mtus:bodyRegion")
    with pytest.raises(IncompleteCase) as err:
        kb.reason_document(data, "text/turtle")
    assert any("term:NoSuchThing" in p.message for p in err.value.problems)


def test_the_imr_record_is_never_a_case_fact(kb):
    flipped = _seed_with("mtus:imrOutcome mtus:Upheld", "mtus:imrOutcome mtus:Overturned")
    a = case_json(kb.reason_document(SEED_TTL.read_bytes(), "text/turtle"), kb)
    b = case_json(kb.reason_document(flipped, "text/turtle"), kb)
    assert a["determinations"] == b["determinations"]
