"""What a note credits to a treatment and what its words mean beside their neighbours: a
change credited by a sentence of its own ("He attributes both to the current regimen"), a
screen's result told by the next sentence alone ("... nothing else. Consistent."), "RFA" as
the Request for Authorization form unless an ablation is told, a drug named as what another
is meant to spare, and "testing" as the test it names."""

from __future__ import annotations

import pytest

from reasoner.reader.items import parse_item
from reasoner.reader.letter import read_letter
from reasoner.reader.lexicon import lexicon_for
from reasoner.vocab import MTUS, TERM


def _facts(kb, snippet: str, plan: str = "1. Acupuncture x6."):
    text = f"PROGRESS NOTE\n\nVisit: 05/06/2024\n\n{snippet}\n\nREQUESTS:\n{plan}\n"
    return read_letter(text.encode(), "note.txt", kb.terms).extracted


def _responses(extracted):
    return {f.concept.removeprefix(TERM): f.props.get("response") for f in extracted.facts
            if f.kind in ("medication", "prior")}


@pytest.mark.parametrize(("snippet", "credited", "response"), [
    ("Current medications: tramadol 50 mg three times a day; omeprazole 20 mg daily.\n"
     "She now cooks dinner and walks to the bus stop. She attributes this to the tramadol.",
     "Tramadol", "FunctionalImprovement"),
    ("Medications: Percocet 5/325 twice a day.\nHe returned to modified duty in March and "
     "mows his own lawn. He credits the medication for these gains.",
     "Oxycodone", "FunctionalImprovement"),
    ("Takes meloxicam 15 mg daily. Pain is down from 7/10 to 4/10, which she ascribes to "
     "the meloxicam.", "Meloxicam", "SubjectiveImprovement"),
])
def test_a_change_credited_to_a_treatment_by_a_sentence_of_its_own(kb, snippet, credited,
                                                                    response):
    found = _responses(_facts(kb, snippet))
    assert found[credited] == MTUS + response


def test_a_credit_without_a_change_told_gives_no_response(kb):
    found = _responses(_facts(kb, "Current medications: tramadol 50 mg twice a day.\n"
                                  "Pain 6/10. He attributes his sleep problems to the pain."))
    assert found["Tramadol"] is None


@pytest.mark.parametrize(("snippet", "result"), [
    ("Urine drug screen 01/13/2026: hydrocodone and metabolites; nothing else. Consistent.",
     "Consistent"),
    ("UDS collected 4/2/24 showed oxycodone and THC. Inconsistent with the prescribed "
     "regimen.", "Inconsistent"),
    ("Urine toxicology of 02/02/2023 reviewed today. Results were consistent with his "
     "prescriptions.", "Consistent"),
])
def test_a_screens_result_told_by_the_next_sentence_alone(kb, snippet, result):
    found = _facts(kb, f"Current medications: oxycodone 10 mg twice a day.\n{snippet}")
    screens = [f for f in found.facts if f.kind == "assessment"
               and f.concept == TERM + "UrineDrugScreen"]
    assert [f.props["assessment_result"] for f in screens] == [MTUS + result]


def test_a_result_sentence_after_no_screen_changes_nothing(kb):
    found = _facts(kb, "Current medications: oxycodone 10 mg twice a day.\nHis gait is "
                       "antalgic. Consistent with his history.")
    assert not [f for f in found.facts if f.kind == "assessment"
                and f.concept == TERM + "UrineDrugScreen"]


@pytest.mark.parametrize(("text", "ablation"), [
    ("Refills requested (RFA of 03/10/2026):", False),
    ("RFA 02-09-2016 for repeat L4-5 ESI", False),
    ("RFA the same day: MRI of the right shoulder", False),
    ("The RFA requests twelve more visits.", False),
    ("before the RFA goes to UR", False),
    ("RFA Norco 5/325 #60", False),  # charted: the form, before the drug it asks for
    ("RFA R L4-5 and L5-S1 facets", True),
    ("The physician requested RFA at bilateral L4-5 and L5-S1", True),
    ("left L4-5 RFA", True),
    ("repeat RFA of the L4-5 medial branches", True),
    ("lumbar RFA", True),
])
def test_rfa_is_the_form_unless_an_ablation_is_told(kb, text, ablation):
    lex = lexicon_for(kb.terms)
    found = [h.term for h in lex.find(text, TERM + "Treatment")]
    assert any(lex.terms.is_a(t, TERM + "RadiofrequencyAblation") for t in found) is ablation


@pytest.mark.parametrize(("name", "concept"), [
    ('Voltaren 1% gel, 100 g, to the low back twice a day, "to try to cut down on the Norco."',
     "DiclofenacTopical"),
    ("Lidoderm 5% patch #30 in order to reduce the oxycodone", "LidocainePatch"),
    ("Duloxetine 30 mg #30, hoping to wean off the tramadol", "Duloxetine"),
])
def test_a_drug_named_as_what_the_request_should_spare_is_not_asked_for(kb, name, concept):
    props = parse_item(name, lexicon_for(kb.terms))
    assert props["concept"] == TERM + concept and not props.get("ingredients")


@pytest.mark.parametrize("name", ["Urine drug testing, monthly x 12", "urine drug testing"])
def test_testing_names_the_test(kb, name):
    assert parse_item(name, lexicon_for(kb.terms))["concept"] == TERM + "UrineDrugScreen"


@pytest.mark.parametrize(("name", "concept"), [
    ("follow-up", "FollowUpOfficeVisit"),
    ("Follow up in 4 weeks", "FollowUpOfficeVisit"),
    ("F/U with the treating physician", "FollowUpOfficeVisit"),
    ("follow-up MRI of the knee", "MagneticResonanceImaging"),
    ("Transportation to and from physical therapy, 12 round trips", "MedicalTransportation"),
])
def test_a_return_visit_and_where_transport_goes(kb, name, concept):
    found = parse_item(name, lexicon_for(kb.terms))["concept"]
    assert kb.terms.is_a(found, TERM + concept)


def test_a_screens_result_is_read_within_its_own_clause(kb):
    found = _facts(kb, "Current medications: tramadol 50 mg twice a day.\nNo side effects "
                       "reported. No aberrant behavior; UDS 3/12/13 consistent with tramadol.")
    screens = [f for f in found.facts if f.kind == "assessment"
               and f.concept == TERM + "UrineDrugScreen"]
    assert [f.props["assessment_result"] for f in screens] == [MTUS + "Consistent"]


def test_an_everyday_task_improved_is_a_functional_gain(kb):
    found = _responses(_facts(kb, "Medications: Anaprox DS 550 mg twice a day. Anaprox has "
                                  "improved her reaching at shelf height."))
    assert found["Naproxen"] == MTUS + "FunctionalImprovement"


@pytest.mark.parametrize("said", [
    "She was evaluated for a functional restoration program on 06/09/2015.",
    "He was considered for a functional restoration program in 2014.",
    "She is a candidate for a functional restoration program.",
])
def test_a_program_evaluated_for_is_not_a_program_had(kb, said):
    found = _facts(kb, f"History: {said}")
    assert not [f for f in found.facts if f.kind == "prior"
                and f.concept == TERM + "FunctionalRestorationProgram"]


REPORT = ("PR-2\nDate of exam: 03/14/2023\nDate of injury: 01/02/2021\n"
          "Diagnosis: lumbar strain; cervical strain.\nRequests for authorization:\n{}\n")


def _requests(kb, lines: str):
    read = read_letter(REPORT.format(lines).encode(), "report.txt", kb.terms)
    return [(f.concept.removeprefix(TERM), f.props.get("region", "") and
             f.props["region"].removeprefix(TERM), f.props.get("dose_mg"))
            for f in read.extracted.facts if f.kind == "request"]


def test_the_same_service_for_two_regions_is_two_requests(kb):
    assert _requests(kb, "1. PT 2x6 lumbar spine\n2. PT 2x6 cervical spine") == [
        ("PhysicalTherapy", "LumbarSpine", None), ("PhysicalTherapy", "CervicalSpine", None)]


def test_a_drug_at_two_strengths_is_two_requests(kb):
    assert _requests(kb, "1. Norco 10/325 #90\n2. Norco 5/325 #30") == [
        ("HydrocodoneAcetaminophen", None, 10.0), ("HydrocodoneAcetaminophen", None, 5.0)]


def test_a_service_named_again_with_its_region_is_the_same_request(kb):
    assert _requests(kb, "1. PT 2x6\n2. PT 2x6 lumbar spine") == [
        ("PhysicalTherapy", "LumbarSpine", None)]


def test_a_plan_line_opening_with_rfa_asks_for_the_ablation(kb):
    [(concept, _, _)] = _requests(kb, "1. RFA bilateral L4-5, L5-S1 facets")
    assert kb.terms.is_a(TERM + concept, TERM + "RadiofrequencyAblation")


def test_a_clearance_asked_for_a_procedure_is_the_evaluation(kb):
    assert [c for c, _, _ in _requests(kb, "1. Psych clearance for SCS trial")] == [
        "PsychologicalEvaluation"]


@pytest.mark.parametrize("worker", [
    "The injured worker is a 44-year-old female home health aide who injured her low back.",
    "He is a 52-year-old physical therapist with neck pain since a transfer on 01/04/2023.",
])
def test_a_service_named_as_the_workers_job_is_no_course(kb, worker):
    found = _facts(kb, worker)
    assert not [f for f in found.facts if f.kind == "prior"]
