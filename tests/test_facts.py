"""Reading case facts: fields by kind, defaults for absent properties, and bad literals named
by node and property (the fact reader runs after the shapes, but is also a library call)."""

import math

import pytest

from reasoner.engine.facts import read_case
from reasoner.engine.intake import parse
from reasoner.errors import InputError

PREFIXES = """@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def facts(body: str):
    case = PREFIXES + """<urn:case> a mtus:Case ; mtus:request <urn:req> .
        <urn:req> mtus:concept term:PhysicalTherapy ;
            mtus:requestDate "2015-07-30"^^xsd:date .
        """ + body
    return read_case(parse(case.encode(), "text/turtle"), "case.ttl")


def test_every_field_of_a_request_is_read():
    data = facts("""<urn:req> mtus:quantity 12 ; mtus:unit mtus:Visit ; mtus:durationDays 28 ;
        mtus:durationWeeks 4.0 ; mtus:frequencyPerWeek 3 ; mtus:purpose term:SymptomEvaluation ;
        mtus:purposeText "why" ; mtus:doseMg 10 ; mtus:dosesPerDay 2 ; mtus:levels 2 ;
        rdfs:label "PT x12" ; mtus:sourceText "physical therapy 12 visits" .""")
    req = data.requests[0]
    assert (req.node, req.concept, req.label, req.source_text) == (
        "urn:req", "https://w3id.org/mtus-kg/term/PhysicalTherapy", "PT x12",
        "physical therapy 12 visits")
    assert str(req.request_date) == "2015-07-30"
    assert (req.quantity, req.duration_days, req.duration_weeks, req.frequency_per_week) == (
        12.0, 28, 4.0, 3.0)
    assert req.unit.endswith("#Visit") and req.purposes[0].endswith("/SymptomEvaluation")
    assert (req.purpose_text, req.dose_mg, req.doses_per_day, req.levels) == ("why", 10, 2, 2)
    assert (req.types, req.ingredients, req.on_date) == ((), (), None)


def test_absent_properties_take_their_defaults():
    data = facts("""<urn:case> mtus:finding <urn:f> ; mtus:painScore <urn:p> ;
            mtus:priorTreatment <urn:t> ; mtus:medication <urn:m> .
        <urn:f> mtus:concept term:Tenderness ; mtus:status mtus:Absent .
        <urn:p> mtus:context mtus:WithMedication .
        <urn:t> mtus:concept term:PhysicalTherapy ; mtus:sessions 6 .
        <urn:m> mtus:concept term:PhysicalTherapy .""")
    assert data.findings[0].present is False and data.findings[0].label is None
    assert math.isnan(data.pain_scores[0].value) and data.pain_scores[0].value_high is None
    prior, current = data.courses
    assert (prior.is_medication, prior.sessions, prior.start, prior.relief_percent) == (
        False, 6, None, None)
    assert (current.is_medication, current.sessions, current.response) == (True, None, None)
    assert (data.age, data.sex, data.injury_date) == (None, None, None)


@pytest.mark.parametrize("body,message,term", [
    ('<urn:req> mtus:quantity "twelve" .', "'twelve' is not a number", "urn:req mtus:quantity"),
    ('<urn:req> mtus:levels 2.5 .', "'2.5' is not a whole number", "urn:req mtus:levels"),
    ('<urn:case> mtus:priorTreatment _:t . _:t mtus:startDate "last spring" .',
     "'last spring' is not a date (YYYY-MM-DD)", "mtus:startDate"),
    ('<urn:case> mtus:worker <urn:w> . <urn:w> mtus:age "old" .', "'old' is not a number",
     "urn:w mtus:age"),
])
def test_a_bad_literal_names_node_and_property(body, message, term):
    with pytest.raises(InputError) as caught:
        facts(body)
    assert caught.value.message == message and term in caught.value.term
    assert caught.value.source == "case.ttl"


def _facts_of(data):
    yield data
    for group in (data.diagnoses, data.findings, data.pain_scores, data.courses,
                  data.assessments, data.requests, data.studies):
        yield from group


def test_facts_equal_their_init_made_twins(kb):
    """read_case builds the frozen fact dataclasses without their __init__ (for speed): each
    must hold every field without a default and equal the object __init__ makes."""
    from dataclasses import MISSING, fields
    from pathlib import Path

    from reasoner.authoring.casetests import discover, load_case_test
    root = Path(__file__).resolve().parent.parent
    checked = 0
    for path in discover(root):
        test = load_case_test(path)
        for fact in _facts_of(read_case(list(test.triples), test.name)):
            required = {f.name for f in fields(fact)
                        if f.default is MISSING and f.default_factory is MISSING}
            assert required <= set(vars(fact)), (path, type(fact).__name__)
            twin = type(fact)(**{f.name: getattr(fact, f.name) for f in fields(fact)})
            assert twin == fact and hash(twin) == hash(fact)
            checked += 1
    assert checked > 1000
