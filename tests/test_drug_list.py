"""The MTUS Drug List beside drug determinations: status by the version in force on the
request date, Special Fill and Perioperative Fill windows from the case, never a verdict on
medical necessity."""

import shutil
from pathlib import Path

import pytest

from reasoner import KnowledgeBase, KnowledgeBaseError
from reasoner.engine.report import case_report

ROOT = Path(__file__).resolve().parent.parent

CASE = """@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix :     <https://w3id.org/mtus-kg/case/drug-list/> .
:case a mtus:Case ; mtus:worker :w ; mtus:injury :i ; mtus:diagnosis :dx ;
    mtus:request :r {courses} .
:w a mtus:InjuredWorker ; mtus:age 40 ; mtus:sex mtus:Male .
:i a mtus:Injury ; mtus:injuryDate "{injury}"^^xsd:date ; mtus:bodyRegion term:LumbarSpine .
:dx a mtus:Diagnosis ; mtus:concept term:LowBackPain .
:r a mtus:TreatmentRequest ; rdfs:label "the drug" ; mtus:concept term:{drug} ;
    mtus:requestDate "{day}"^^xsd:date {extra} .
{more}
"""


def _status(kb, drug, day, injury="2021-01-04", courses="", extra="", more=""):
    text = CASE.format(drug=drug, day=day, injury=injury, courses=courses, extra=extra,
                       more=more)
    result = kb.reason_document(text.encode(), "text/turtle")
    return case_report(result, kb.digest).determinations[0].drug_list


def test_an_exempt_drug_needs_no_prospective_review(kb):
    got = _status(kb, "Naproxen", "2022-03-04")
    assert got.status == "exempt" and got.version == "Drug List v9"
    assert got.prospective_review.startswith("not required")
    assert got.special_fill is None and got.verification == "K?"


def test_a_non_exempt_opioid_within_7_days_of_injury_is_a_special_fill(kb):
    at_limit = _status(kb, "HydrocodoneAcetaminophen", "2021-01-11")  # injury + 7 days
    past = _status(kb, "HydrocodoneAcetaminophen", "2021-01-12")
    assert at_limit.status == "non-exempt" and at_limit.special_fill == "applies"
    assert at_limit.prospective_review.startswith("not required if dispensed as the fill")
    assert past.special_fill == "does not apply" and past.prospective_review == "required"


def test_a_surgery_within_4_days_before_the_request_is_a_perioperative_fill(kb):
    surgery = (':s a mtus:PriorTreatment ; mtus:concept term:LumbarFusion ; '
               'mtus:startDate "{}"^^xsd:date .')
    got = _status(kb, "Oxycodone", "2022-05-10", courses="; mtus:priorTreatment :s",
                  more=surgery.format("2022-05-06"))
    late = _status(kb, "Oxycodone", "2022-05-10", courses="; mtus:priorTreatment :s",
                   more=surgery.format("2022-05-05"))
    assert got.perioperative_fill == "applies" and got.special_fill == "does not apply"
    assert late.perioperative_fill == "does not apply" and late.prospective_review == "required"


def test_a_non_exempt_drug_the_list_marks_for_no_fill(kb):
    got = _status(kb, "Carisoprodol", "2021-01-05")  # within 7 days, but no fill allowed
    assert got.status == "non-exempt" and got.special_fill is None
    assert got.prospective_review == "required"


def test_a_compound_is_unlisted_whatever_its_ingredients(kb):
    got = _status(kb, "TopicalAnalgesic", "2024-03-01",
                  extra="; mtus:ingredient term:Gabapentin, term:Ketoprofen")
    assert got.status == "unlisted" and got.prospective_review == "required"
    assert got.version == "Drug List v11"


def test_a_drug_without_an_entry_is_not_encoded_rather_than_unlisted(kb):
    got = _status(kb, "Celecoxib", "2026-01-01")
    assert got.status == "not encoded" and got.version == "Drug List v13"
    assert got.prospective_review == "unknown"


def test_no_status_before_the_formulary_or_for_a_service(kb):
    assert _status(kb, "Naproxen", "2017-12-31") is None
    assert _status(kb, "LumbarMRI", "2022-03-04") is None


def test_the_version_follows_the_request_date(kb):
    assert _status(kb, "Naproxen", "2018-09-30").version == "Drug List v1"
    assert _status(kb, "Naproxen", "2018-10-01").version == "Drug List v3"


def test_a_bad_status_is_refused_at_load(tmp_path):
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "shapes", tmp_path / "shapes")
    path = tmp_path / "ontology" / "guidelines" / "mtus-formulary-2018.ttl"
    path.write_text(path.read_text().replace("mtus:listStatus mtus:Exempt ;",
                                             "mtus:listStatus mtus:Recommended ;", 1))
    with pytest.raises(KnowledgeBaseError, match="mtus:listStatus"):
        KnowledgeBase.load(tmp_path)
