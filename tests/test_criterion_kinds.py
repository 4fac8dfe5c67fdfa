"""Each criterion kind on small cases: met, not met and not documented, at the boundaries."""

import pytest

from reasoner.engine.compile import Compiler, Index, NodeReader
from reasoner.engine.criteria import REGISTRY, Context, Truth
from reasoner.engine.facts import read_case
from reasoner.engine.intake import parse

T, F, U = Truth.MET, Truth.NOT_MET, Truth.UNKNOWN
PREFIXES = """@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def criterion(kb, body: str):
    """Compile one criterion node `<urn:c>` written in Turtle against the shipped terminology."""
    index = Index()
    index.add(parse((PREFIXES + body).encode(), "text/turtle"), "<test>")
    compiler = Compiler(index, kb.terms)
    kind = next(t for t in index.types("urn:c") if t in REGISTRY)
    return REGISTRY[kind].compile(NodeReader("urn:c", compiler))


def evaluate(kb, crit, facts: str, request: str = "",
             service: str = "term:PhysicalTherapy") -> Truth:
    case = PREFIXES + f"""<urn:case> a mtus:Case ; mtus:request <urn:req> .
        <urn:req> mtus:concept {service} ;
            mtus:requestDate "2015-07-30"^^xsd:date {request} .
        {facts}"""
    data = read_case(parse(case.encode(), "text/turtle"))
    return crit.evaluate(Context(data, data.requests[0], kb.terms)).truth


def with_worker(props: str) -> str:
    return f"<urn:case> mtus:worker <urn:w> ; mtus:injury <urn:i> . {props}"


@pytest.mark.parametrize("facts,expected", [
    ('<urn:w> mtus:age 66 .', T), ('<urn:w> mtus:age 65 .', F), ("", U)])
def test_age_within(kb, facts, expected):
    crit = criterion(kb, "<urn:c> a mtus:AgeWithin ; mtus:minAge 66 .")
    assert evaluate(kb, crit, with_worker(facts)) == expected


@pytest.mark.parametrize("injured,expected", [
    ("2013-07-31", T), ("2013-07-30", T), ("2013-07-29", F), (None, U)])
def test_time_since_injury(kb, injured, expected):
    crit = criterion(kb, "<urn:c> a mtus:TimeSinceInjury ; mtus:maxDays 730 .")
    facts = f'<urn:i> mtus:injuryDate "{injured}"^^xsd:date .' if injured else ""
    assert evaluate(kb, crit, with_worker(facts)) == expected


def test_pain_score_documented(kb):
    crit = criterion(kb, "<urn:c> a mtus:PainScoreDocumented .")
    assert evaluate(kb, crit, "<urn:case> mtus:painScore [ mtus:value 7 ] .") == T
    assert evaluate(kb, crit, "") == U


_CONSISTENT_SCREEN = ("<urn:c> a mtus:AssessmentDocumented ; mtus:ofClass term:UrineDrugScreen ; "
                      "mtus:requiredResult mtus:Consistent .")


def _screens(results, dates) -> str:
    return " ".join(
        f'<urn:case> mtus:assessment <urn:a{n}> . <urn:a{n}> mtus:concept term:UrineDrugScreen ;'
        f' mtus:result mtus:{r} ; mtus:onDate "{day}"^^xsd:date .'
        for n, (r, day) in enumerate(zip(results, dates, strict=False)))


@pytest.mark.parametrize("results,expected", [
    (("Consistent",), T), (("Inconsistent",), F), ((), U),
    # the latest screen recorded only as done leaves the latest result unknown
    (("Consistent", "Documented"), U), (("Documented", "Inconsistent"), F)])
def test_latest_assessment_result(kb, results, expected):
    screens = _screens(results, [f"2015-0{n + 1}-01" for n in range(len(results))])
    assert evaluate(kb, criterion(kb, _CONSISTENT_SCREEN), screens) == expected


@pytest.mark.parametrize("results,expected", [
    (("Documented", "Consistent"), T), (("Consistent", "Documented"), T),
    (("Documented", "Inconsistent"), F)])
def test_of_two_records_of_one_day_the_one_with_its_result_decides(kb, results, expected):
    # a list of records reviewed names the screen; its report, the same day, tells the result
    screens = _screens(results, ["2015-01-13"] * len(results))
    assert evaluate(kb, criterion(kb, _CONSISTENT_SCREEN), screens) == expected


@pytest.mark.parametrize("levels,expected", [("; mtus:levels 2", T), ("; mtus:levels 3", F),
                                             ("", U)])
def test_requested_levels(kb, levels, expected):
    crit = criterion(kb, "<urn:c> a mtus:RequestedLevelsWithin ; mtus:maxLevels 2 .")
    assert evaluate(kb, crit, "", levels) == expected


@pytest.mark.parametrize("req,expected", [
    ("; mtus:requestType term:Rental", T), ("; mtus:requestType term:Purchase", F), ("", F)])
def test_request_type_is_judged_as_written(kb, req, expected):
    crit = criterion(kb, "<urn:c> a mtus:RequestTypeIs ; mtus:acceptedType term:Rental .")
    assert evaluate(kb, crit, "", req) == expected


@pytest.mark.parametrize("req,expected", [
    ("; mtus:ingredient term:Ibuprofen", T),
    ("; mtus:ingredient term:Ibuprofen, term:Cyclobenzaprine", F), ("", U)])
def test_one_excluded_ingredient_fails_the_compound(kb, req, expected):
    crit = criterion(kb, "<urn:c> a mtus:IngredientsExclude ; mtus:excludedClass "
                         "term:MuscleRelaxant .")
    assert evaluate(kb, crit, "", req) == expected


UDS = '<urn:case> mtus:assessment [ mtus:concept term:UrineDrugScreen {} ] .'


@pytest.mark.parametrize("facts,expected", [
    (UDS.format('; mtus:onDate "2015-03-01"^^xsd:date'), F),  # with the requested one: 2
    (UDS.format('; mtus:onDate "2015-03-01"^^xsd:date') + UDS.format(
        '; mtus:onDate "2015-06-01"^^xsd:date'), F),
    (UDS.format('; mtus:onDate "2014-03-01"^^xsd:date'), T),
    (UDS.format(""), U)])
def test_assessment_count_within_a_year(kb, facts, expected):
    crit = criterion(kb, "<urn:c> a mtus:AssessmentCountWithin ; mtus:ofClass "
                         "term:UrineDrugScreen ; mtus:maxCount 1 ; mtus:windowDays 365 .")
    assert evaluate(kb, crit, facts, service="term:UrineDrugScreen") == expected


ESI = ('<urn:case> mtus:priorTreatment [ mtus:concept term:PhysicalTherapy ; '
       'mtus:onDate "2015-05-01"^^xsd:date {} ] .')


@pytest.mark.parametrize("facts,expected", [
    (ESI.format("; mtus:reliefPercent 50 ; mtus:reliefWeeks 6"), T),
    (ESI.format("; mtus:reliefPercent 40 ; mtus:reliefWeeks 8"), F),
    (ESI.format("; mtus:reliefPercent 60"), U), ("", F)])
def test_treatment_relief(kb, facts, expected):
    crit = criterion(kb, "<urn:c> a mtus:TreatmentTried ; mtus:ofClass term:PhysicalMedicine ; "
                         "mtus:minReliefPercent 50 ; mtus:minReliefWeeks 6 .")
    assert evaluate(kb, crit, facts) == expected


@pytest.mark.parametrize("minimum,expected", [(90, T), (91, F)])
def test_treatment_timing(kb, minimum, expected):
    crit = criterion(kb, "<urn:c> a mtus:TreatmentTried ; mtus:ofClass term:PhysicalMedicine ; "
                         f"mtus:minDaysBefore {minimum} .")
    assert evaluate(kb, crit, ESI.format("")) == expected


@pytest.mark.parametrize("dose,expected", [(100, T), (101, F)])
def test_unconverted_daily_dose(kb, dose, expected):
    crit = criterion(kb, "<urn:c> a mtus:DailyDoseWithin ; mtus:ofClass term:Tramadol ; "
                         'mtus:maxDailyDose 400 ; mtus:unconverted "true"^^xsd:boolean .')
    facts = (f"<urn:case> mtus:medication [ mtus:concept term:Tramadol ; mtus:doseMg {dose} ; "
             "mtus:dosesPerDay 4 ] .")
    assert evaluate(kb, crit, facts) == expected


MRI = '<urn:case> mtus:diagnosticStudy [ mtus:concept term:LumbarMRI {} ] .'


@pytest.mark.parametrize("facts,expected", [
    (MRI.format('; mtus:onDate "2015-01-30"^^xsd:date'), T),
    (MRI.format('; mtus:onDate "2014-01-30"^^xsd:date'), F),
    (MRI.format(""), U), ("", F)])
def test_study_done_within_a_window(kb, facts, expected):
    crit = criterion(kb, "<urn:c> a mtus:StudyDone ; mtus:ofClass term:LumbarMRI ; "
                         "mtus:maxDaysBefore 365 .")
    assert evaluate(kb, crit, facts) == expected
