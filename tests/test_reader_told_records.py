"""What a record tells of courses, selection criteria and the worker's life, in the phrasings
held-out documents of other authors used: a drug stopped in the clause after it, a closing
outcome said of both courses before it, the interferential unit's selection criteria, no gain
said as "about the same", a worker who drives himself or walks to the store, dynamic films of
the spine, and names that are no care (a letterhead's specialty, an employer, a program's
team). Several phrasings each, with the cases that must stay."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import MTUS, TERM


def _facts(kb, history: str, plan: str = "Physical therapy 2x4", title: str = ""):
    """The facts of an IMR letter whose case summary tells `history` (under `title` lines, a
    treating physician's report quoted whole)."""
    data = (f"{title}\nIMR FINAL DETERMINATION\nCase Number: CM16-0000001\nDate of injury: "
            "11/02/2014\nCLINICAL CASE SUMMARY\nThe patient is a 39 year old man with low back "
            f"pain. The 10/11/2016 report:\n{history}\nIMR ISSUES, DECISIONS AND RATIONALES\n"
            f"1. {plan} is medically necessary and appropriate.\n").lstrip().encode()
    return read_letter(data, "letter.txt", kb.terms).extracted.facts


def _of(facts, kind: str, concept: str):
    return [f for f in facts if f.kind == kind and f.concept == TERM + concept]


@pytest.mark.parametrize("history", [
    "Meloxicam 15 mg daily was started 6/3/15 and caused heartburn; it was stopped on 8/12/15.",
    "Meloxicam 15 mg daily caused heartburn; it was discontinued in August.",
    "Meloxicam 15 mg daily, started in June; this was later stopped for heartburn.",
])
def test_a_drug_stopped_in_the_clause_after_it_is_a_past_course(kb, history):
    facts = _facts(kb, history)
    assert _of(facts, "prior", "Meloxicam") and not _of(facts, "medication", "Meloxicam")


@pytest.mark.parametrize("history", [
    "Gabapentin 300 mg three times a day; it helps the burning.",
    "Norco 10/325 three times a day; tramadol was stopped in May.",
])
def test_a_drug_whose_next_clause_stops_nothing_of_it_is_taken(kb, history):
    drug = "Gabapentin" if "Gabapentin" in history else "HydrocodoneAcetaminophen"
    assert _of(_facts(kb, history), "medication", drug)


@pytest.mark.parametrize("history", [
    "He attended 16 sessions of physical therapy and continued a home exercise program, with "
    "persistent pain reaching overhead and no gain in strength.",
    "She finished 12 visits of physical therapy and a home exercise program, with continued "
    "pain and no change in her lifting.",
])
def test_an_outcome_closing_two_courses_is_said_of_both(kb, history):
    facts = _facts(kb, history)
    for course in ("PhysicalTherapy", "HomeExerciseProgram"):
        assert [f.props.get("response") for f in _of(facts, "prior", course)] == [
            MTUS + "NoImprovement"]


@pytest.mark.parametrize("history, concept", [
    ("On 9/14/16 the provider wrote that his pain is ineffectively controlled because the "
     "medications have become less effective.", "MedicationsLessEffective"),
    ("Her medications have become less effective over the past year.",
     "MedicationsLessEffective"),
    ("He is intolerant of the medications because of stomach upset.",
     "MedicationSideEffectsLimit"),
    ("The pain is unresponsive to conservative measures such as heat and ice.",
     "UnresponsiveToConservativeMeasures"),
])
def test_the_interferential_units_selection_criteria_as_providers_write_them(kb, history,
                                                                               concept):
    facts = _facts(kb, history, "Interferential unit, 30-day rental")
    assert [f.props["present"] for f in _of(facts, "finding", concept)] == [True]


@pytest.mark.parametrize("history", [
    'The chiropractor documented that pain was "about the same" after 12 visits of '
    "chiropractic care.",
    "After 12 visits of chiropractic care her activities of daily living are about the same.",
    "12 visits of chiropractic care; ADLs are about the same as a year ago.",
])
def test_about_the_same_is_no_gain(kb, history):
    facts = _facts(kb, history, "Chiropractic 2x3")
    # (of the low back in a low back case: the manipulation of the case's one region)
    assert [f.props.get("response") for f in facts if f.kind == "prior" and f.concept
            and kb.terms.is_a(f.concept, TERM + "ManualTherapyManipulation")] \
        == [MTUS + "NoImprovement"]


@pytest.mark.parametrize("history", [
    "At the visit he had driven himself to the office.",
    "He reported that he walks to the corner store most days.",
    "She walks to the local market twice a week.",
])
def test_leaving_home_on_ones_own_is_not_homebound(kb, history):
    facts = _facts(kb, history, "Home health aide 4 hours a day, 5 days a week")
    assert [f.props["present"] for f in _of(facts, "finding", "Homebound")] == [False]


@pytest.mark.parametrize("history", [
    "Flexion-extension radiographs dated 10/17/2022 showed no fracture and no abnormal motion.",
    "Flexion/extension x-rays on 10/17/2022: no fracture, no instability.",
])
def test_dynamic_films_are_of_the_spine(kb, history):
    facts = _facts(kb, history, "Lumbar fusion L4-5")
    assert [f.props["present"] for f in _of(facts, "finding", "SpinalFractureOrDislocation")] \
        == [False]
    assert _of(facts, "study", "LumbarFlexionExtensionRadiograph")


def test_a_fracture_of_a_limb_is_not_the_spines(kb):
    facts = _facts(kb, "Ankle x-rays on 10/17/2022 showed no fracture.", "Ankle brace")
    assert not _of(facts, "finding", "SpinalFractureOrDislocation")


@pytest.mark.parametrize("title, history", [
    # the letterhead names the specialty; the text says none was had
    ("SUNRISE SPINE & CHIROPRACTIC, INC.\nPRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2) "
     "-- CHIROPRACTIC", "No previous chiropractic care for this injury or before."),
    ("VALLEY CHIROPRACTIC GROUP\nPR-2", "She has never seen a chiropractor before."),
])
def test_a_course_only_a_title_names_and_the_text_denies_is_none(kb, title, history):
    facts = _facts(kb, history, "Chiropractic manipulation 2x3", title)
    assert not [f for f in facts if f.kind == "prior" and f.concept and "Manipulation" in
                f.concept]


@pytest.mark.parametrize("history", [
    "Employer: Stanislaus County In-Home Support Services (IHSS caregiver). Low back pain.",
    "Carrier: Golden State Physical Therapy Mutual. Low back pain.",
    "She told the FRP team she wants to return to some type of work.",
    "The functional restoration program staff found her motivated.",
])
def test_names_that_are_no_care(kb, history):
    facts = _facts(kb, history, "Acupuncture x6")
    assert not [f for f in facts if f.kind == "prior"]


@pytest.mark.parametrize("denial", ["She had no acupuncture before this course.",
                                    "No acupuncture before the current course of treatment."])
def test_none_before_the_reports_own_course_is_no_denial_of_it(kb, denial):
    data = ("GOLDEN PINE ACUPUNCTURE & INTEGRATIVE CARE\n\nACUPUNCTURE RE-EVALUATION / PROGRESS "
            "REPORT (PR-2)\nDate of re-evaluation: 05/08/2018\nDOI: 06/21/2017\n\nSUBJECTIVE:\n"
            f"Neck pain 3/10. Prior care: PT 8 visits in 2017 with little change. {denial}\n"
            "She completed the initial trial of 6 acupuncture treatments from 02/06/2018 to "
            "04/24/2018.\n\nPLAN:\n1. Acupuncture 6 additional sessions.\n").encode()
    facts = read_letter(data, "report.txt", kb.terms).extracted.facts
    assert [f.props.get("sessions") for f in _of(facts, "prior", "Acupuncture")] == [6]


@pytest.mark.parametrize("history", [
    "He completed 24 visits of physical therapy in 2021 and 8 chiropractic visits, with only "
    "brief relief from each.",
    "Completed 16 sessions of physical therapy (2017) and 10 sessions of chiropractic (2018) -- "
    "no lasting benefit from either.",
    "He completed 18 physical therapy visits and 10 chiropractic visits; no functional gains "
    "were documented with either.",
])
def test_an_outcome_said_of_each_or_either_is_every_courses(kb, history):
    facts = _facts(kb, history)
    responses = [f.props.get("response") for f in facts if f.kind == "prior"]
    assert len(responses) == 2 and len(set(responses)) == 1 and responses[0] is not None


@pytest.mark.parametrize("function", [
    "His function is unchanged over the past year.",
    "The provider noted that his activities of daily living are unchanged.",
])
def test_function_unchanged_on_the_medications_is_every_opioids(kb, function):
    facts = _facts(kb, "MS Contin 30 mg every 12 hours was started on 03/20/2017. He also takes "
                       "Norco 10/325 one tablet every 4 hours as needed. On 04/25/2023 he rated "
                       f"pain 8/10 without medication and 7/10 with it. {function}",
                   "Norco 10/325mg #180")
    for drug in ("Morphine", "HydrocodoneAcetaminophen"):
        assert [f.props.get("response") for f in _of(facts, "medication", drug)] == [
            MTUS + "NoImprovement"], drug


def test_function_unchanged_on_an_opioid_is_not_another_drugs(kb):
    facts = _facts(kb, "Current meds: oxycodone IR 30 mg q4h prn, gabapentin 600 mg TID. Pain "
                       "9/10 w/o meds, 8/10 w/ meds. ADLs unchanged; remains TTD.",
                   "Oxycodone 30mg #180")
    assert [f.props.get("response") for f in _of(facts, "medication", "Oxycodone")] == [
        MTUS + "NoImprovement"]
    assert [f.props.get("response") for f in _of(facts, "medication", "Gabapentin")] == [None]


@pytest.mark.parametrize("history, present", [
    ("Neck pain 6/10 with radiation into the shoulder blades but not into the arms.", False),
    ("Low back pain radiating to the buttocks but not down the legs.", False),
    ("Neck pain with radiation into the right arm to the thumb.", True),
])
def test_pain_that_stops_short_of_the_limb_is_not_radicular(kb, history, present):
    facts = _facts(kb, history, "Cervical MRI")
    assert {f.props["present"] for f in _of(facts, "finding", "RadicularSymptoms")} == {present}


@pytest.mark.parametrize("said, age, sex", [
    ("Mr. Cho, 44, a wind turbine technician, injured his low back climbing a ladder.", 44,
     "Male"),
    ("Ms. Vasquez-Lindholm, 47, was the driver of a city bus, per Wendell Carr, M.D.", 47,
     "Female"),
])
def test_an_age_said_after_the_name(kb, said, age, sex):
    data = (f"PR-2\nDate of exam: 10/11/2016\nDate of injury: 05/12/2009\n{said}\n"
            "Request for authorization: 1. Physical therapy 2x4.\n").encode()
    extracted = read_letter(data, "report.txt", kb.terms).extracted
    assert (extracted.age[0], extracted.sex[0]) == (age, sex)


@pytest.mark.parametrize("history, concept", [
    ("Electrodiagnostic testing on 12/08/2015 showed slowing of the left ulnar motor conduction "
     "velocity across the elbow, consistent with a moderate left ulnar neuropathy at the "
     "elbow.", "ElectrodiagnosticallyConfirmedUlnarNeuropathy"),
    ("EMG/NCV on 12/08/2015 confirmed right carpal tunnel syndrome.",
     "ElectrodiagnosticallyConfirmedCTS"),
    ("Her diagnoses are left wrist sprain and suspected tear of the left triangular "
     "fibrocartilage complex.", "SuspectedWristStructuralLesion"),
    ("The ulnar fovea sign was positive on the left.", "SuspectedWristStructuralLesion"),
])
def test_what_a_study_confirms_and_what_the_exam_suspects(kb, history, concept):
    facts = _facts(kb, history, "Left elbow or wrist surgery")
    assert [f.props["present"] for f in _of(facts, "finding", concept)] == [True]
