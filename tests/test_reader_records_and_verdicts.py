"""Phrasings from held-out IMR letters by other authors (heldout-ue, -uf, -ui, and the corpus's
-xh, -s): a relative "with" an illness, an instrument named after what it measures, "full" in
a kind's name ("full-thickness"), a plan that "included" the service, a review's own sentence
about it, no gain said as what stayed ("remained unable to squat", "continued to report
catching"), what a drug "was noted to" do, an operation and a therapist's note dated by the log
entry they open, a distance walked in "blocks", and function said unchanged before the drug.
Several phrasings each, with the cases that must stay."""

from __future__ import annotations

import pytest

from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.letter import read_letter
from reasoner.reader.responses import item_response
from reasoner.vocab import TERM, m


def _facts(kb, body: str, kind: str):
    text = f"PR-2 PROGRESS REPORT\nDOS: 05/10/2016\nSUBJECTIVE:\n{body}\nPLAN:\n1. Lumbar MRI.\n"
    return [f for f in read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
            if f.kind == kind]


def _said(sentence: str, name: str) -> Assertion:
    at = sentence.index(name)
    return assertions(sentence, [(at, at + len(name))])[0]


@pytest.mark.parametrize(("sentence", "name", "expected"), [
    ("FAMILY HISTORY: Mother and brother with type 2 diabetes.", "diabetes", Assertion.FAMILY),
    ("Brother with diabetes.", "diabetes", Assertion.FAMILY),
    ("FH: father with lumbar stenosis.", "lumbar stenosis", Assertion.FAMILY),
    ("The examination is consistent with the MRI findings of a full-thickness tear.",
     "consistent with the MRI findings", Assertion.PRESENT),
    # (guards: the worker's own illness beside a relative, and "full" as a normal finding)
    ("She lives with her daughter and has diabetes.", "diabetes", Assertion.PRESENT),
    ("Range of motion full.", "Range of motion", Assertion.ABSENT),
])
def test_who_has_it_and_what_full_says(sentence, name, expected):
    assert _said(sentence, name) is expected


@pytest.mark.parametrize(("sentence", "present"), [
    ("Her Fear-Avoidance Beliefs Questionnaire score was 5, and the psychologist found no "
     "fear-avoidance beliefs.", [False]),
    ("Pain Catastrophizing Scale 38, high catastrophizing.", [True]),
    ("He displays marked fear of reinjury.", [True]),
])
def test_an_instrument_is_not_its_finding(kb, sentence, present):
    found = [f.props["present"] for f in _facts(kb, sentence, "finding")
             if f.concept == TERM + "FearAvoidanceBeliefs"]
    assert found == present


@pytest.mark.parametrize(("tail", "response"), [
    ("; at discharge he remained unable to squat or kneel.", "NoImprovement"),
    ("; at discharge he continued to report catching.", "NoImprovement"),
    (" was noted to reduce her aching from 6/10 to 3/10 and to allow her to complete her "
     "full typing shift.", "FunctionalImprovement"),
    ("; he was walking six blocks instead of one, and he was climbing stairs step over step.",
     "FunctionalImprovement"),
    # (guard: what a drug is given for is a goal, not a result)
    (" was started to reduce her pain and to allow her to return to work.", None),
])
def test_what_stayed_and_what_was_noted(tail, response):
    assert item_response(tail) == response


def test_function_said_unchanged_before_the_drug(kb):
    [norco] = _facts(kb, "Norco 10/325 since 04/2015. One tab TID.\nFunction unchanged on "
                         "Norco: off work since 03/2015, sits 20 minutes, walks one block.",
                     "medication")
    assert norco.props["response"] == m("NoImprovement")


def test_an_operation_dated_by_its_log_entry(kb):
    facts = _facts(kb, "He is status post right knee arthroscopic partial medial meniscectomy.\n"
                       "02/23/2016: Right knee arthroscopic partial medial meniscectomy was "
                       "performed without complication.", "prior")
    [surgery] = [f for f in facts if f.concept == TERM + "ArthroscopicMeniscectomy"]
    assert str(surgery.props["on_date"]) == "2016-02-23"


def test_a_later_visit_does_not_date_the_operation(kb):
    # (guard: a visit after the operation is the visit's date)
    facts = _facts(kb, "03/01/2016: First post-op visit after the partial medial meniscectomy.",
                   "prior")
    assert all(f.props.get("on_date") is None for f in facts
               if f.concept == TERM + "ArthroscopicMeniscectomy")


@pytest.mark.parametrize(("line", "sessions"), [
    ("07/08/14 - PT note, visit 6 of 6: flexion 85 -> 115 deg.", 6),
    ("Chiro daily note, visit #4/12.", 4),
])
def test_a_note_numbered_by_its_visit(kb, line, sessions):
    [course] = _facts(kb, line, "prior")
    assert course.props["sessions"] == sessions


def test_a_therapists_note_after_the_operation_is_postsurgical(kb):
    facts = _facts(kb, "05/20/14 - R knee arthroscopic partial medial meniscectomy.\n"
                       "07/08/14 - PT note, visit 6 of 6: flexion 85 -> 115 deg.", "prior")
    assert TERM + "PostsurgicalPhysicalTherapy" in {f.concept for f in facts}


def _letter(plan: str, review: str) -> str:
    return ("IMR FINAL DETERMINATION\nCase Number: CM19-0000001\nDate of injury: 11/03/2018\n"
            "CLINICAL CASE SUMMARY\nThe injured worker is a 40-year-old man with low back pain "
            f"radiating to the left leg. {plan} {review}\n"
            "IMR ISSUES, DECISIONS AND RATIONALES\n1. MRI of the lumbar spine is medically "
            "necessary and appropriate.\n")


@pytest.mark.parametrize("plan", [
    "The treatment plan included an MRI of the lumbar spine to determine candidacy for an "
    "epidural steroid injection.",
    "The plan calls for an MRI of the lumbar spine to determine candidacy for an epidural "
    "steroid injection.",
])
def test_the_plan_that_asks_for_it_over_the_reviews_sentence(kb, plan):
    review = "On 05-29-2019, Utilization Review non-certified the requests for an MRI of the " \
             "lumbar spine."
    read = read_letter(_letter(plan, review).encode(), "imr.txt", kb.terms)
    [mri] = [f for f in read.extracted.facts if f.kind == "request"]
    assert TERM + "InjectionPlanning" in mri.props["purposes"]


def test_the_rfa_date_in_a_letters_header_dates_its_items(kb):
    text = ("IMR FINAL DETERMINATION\nCase Number: CM17-0000001\nDate of Injury: 09/15/2014\n"
            "Request for Authorization dated: 03/14/2017\nCLINICAL CASE SUMMARY\nThe injured "
            "worker is a 45-year-old woman.\n09/20/2016: Psych eval. Dx MDD. Rec CBT x 4.\n"
            "On 12/06/2016 the psychologist reported that she had completed 4 sessions of "
            "cognitive behavioral therapy.\nThe providers requested 6 additional CBT sessions.\n"
            "IMR ISSUES, DECISIONS AND RATIONALES\n1. Cognitive behavioral therapy, 6 additional "
            "sessions is medically necessary and appropriate.\n")
    facts = read_letter(text.encode(), "imr.txt", kb.terms).extracted.facts
    [asked] = [f for f in facts if f.kind == "request"]
    assert str(asked.props["request_date"]) == "2017-03-14"
    # ("Rec CBT x 4": recommended, not had; the four sessions had are the psychologist's)
    courses = [f for f in facts if f.kind == "prior" and f.concept.endswith("BehavioralTherapy")]
    assert [c.props.get("sessions") for c in courses] == [4]
