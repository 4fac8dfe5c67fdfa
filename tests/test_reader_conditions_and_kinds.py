"""Treating physicians' reports by other authors (heldout-vq): a clearance still to come ("I
will proceed with the trial once she is cleared"), and a plan line whose kind of request stands
after its dash ("TENS unit - 30-day home trial (rental)"). Several phrasings each, with the
cases that must stay."""

from __future__ import annotations

import pytest

from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("I will proceed with the trial once she is cleared.", "cleared", Assertion.HYPOTHETICAL),
    ("We will schedule the trial as soon as she is cleared by psychology.", "cleared",
     Assertion.HYPOTHETICAL),
    ("We will wait to schedule the trial unless he is cleared by psychology.", "cleared",
     Assertion.HYPOTHETICAL),
    ("Once the injection wore off the pain returned.", "injection", Assertion.PRESENT),
    # (guards: "once" as a frequency, and "until" telling what happened)
    ("She takes tramadol once daily for pain.", "pain", Assertion.PRESENT),
    ("The knee gets stuck until he works it free, medial joint line tenderness on exam.",
     "joint line tenderness", Assertion.PRESENT),
])
def test_a_condition_still_to_be_met(text, name, expected):
    at = text.index(name)
    assert assertions(text, [(at, at + len(name))])[0] is expected


def _requests(kb, plan: str) -> dict[str, dict]:
    text = ("PR-2 PROGRESS REPORT\nDOS: 02/11/2020\nNeck pain 5/10. PT 12 visits in 2019 helped.\n"
            f"PLAN / RFA:\n{plan}\nRTC 6 wks.\n")
    facts = read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
    return {f.concept.removeprefix(TERM): f.props for f in facts if f.kind == "request"}


@pytest.mark.parametrize(("line", "kind"), [
    ("1. TENS unit - 30-day home trial (rental), for use at home and on breaks.", "Trial"),
    ("1. TENS unit - rental for 30 days.", "Rental"),
    ("1. TENS unit - purchase.", "Purchase"),
])
def test_the_kind_after_a_plan_lines_dash(kb, line, kind):
    assert _requests(kb, line)["TENSUnit"]["type"] == TERM + kind


def test_a_dash_then_a_hold_is_no_kind(kb):
    # (guard: "repeat" after the dash names what the hold waits for, not the request's kind)
    asked = _requests(kb, "1. Hydrocodone/APAP 7.5/325 mg #90 - hold pending repeat UDS")
    assert "RepeatCourse" not in str(asked)


@pytest.mark.parametrize(("sentence", "cleared"), [
    ("A pre-implant psychological evaluation concluded that there were no psychological "
     "contraindications and that he was cleared for a trial.", True),
    ("The psychological evaluation found no psychological contraindications to the trial.", True),
    ("Psychological evaluation: no contraindication to the spinal cord stimulator trial.", True),
    # (guard: no clearance is no clearance)
    ("There is no psychological clearance for the stimulator trial.", False),
])
def test_no_contraindication_clears(sentence, cleared):
    from reasoner.reader.confirmations import clearances
    [found] = clearances(sentence)
    assert found.present is cleared


@pytest.mark.parametrize(("sentence", "homebound"), [
    ("He lives with his wife, who drives him to appointments, and he goes to church and to the "
     "grocery store with her on weekends.", False),
    ("She lives with her daughter, and she walks to the corner store most days.", False),
    # (guard: what someone else does tells nothing of the worker leaving home)
    ("His wife goes to the store for him.", None),
])
def test_an_outing_in_its_own_clause(sentence, homebound):
    from reasoner.reader.judgments import judgments
    said = [j.present for j in judgments(sentence) if j.concept == TERM + "Homebound"]
    assert said == ([] if homebound is None else [homebound])


def test_what_is_said_of_a_drug_by_name_outweighs_what_is_said_of_all(kb):
    text = ("PROGRESS REPORT 02/21/2023\nThe patient is a 42-year-old woman with CRPS of the left "
            "hand.\nOn 02/07/2022 Lyrica 75 mg twice a day and nortriptyline 25 mg at bedtime "
            "were started.\nSince the Lyrica was started she can tolerate a sleeve on the arm, "
            "types for up to two hours, and returned to work four hours a day.\nThe pain was "
            "5/10 with medications and 8/10 without, and allodynia of the hand persisted.\n"
            "TREATMENT PLAN:\n1. Lyrica 75 mg #60.\n")
    facts = read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
    lyrica = [f for f in facts if f.kind == "medication" and f.concept == TERM + "Pregabalin"]
    assert lyrica[0].props["response"].endswith("FunctionalImprovement")


@pytest.mark.parametrize("sentence", [
    "The surgeon noted that the extrusion on MRI accounts for her left S1 findings on "
    "examination.",
    "The extrusion on the MRI accounts for her symptoms and examination.",
])
def test_imaging_that_accounts_for_the_examination_is_concordant(kb, sentence):
    text = ("PROGRESS REPORT 01/20/2015\nThe patient is a 44-year-old woman with left leg pain.\n"
            "Lumbar MRI dated 10/09/2014 revealed an L5-S1 extrusion compressing the left S1 "
            f"root.\n{sentence}\nTREATMENT PLAN:\n1. Left L5-S1 microdiscectomy.\n")
    facts = read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
    assert any(f.kind == "finding" and f.concept == TERM + "ImagingConcordantWithExam"
               and f.props["present"] for f in facts)


def test_an_indented_rfa_table_under_its_heading(kb):
    # (its header read without its indentation had put the service column where the rows'
    # numbers stand: the four rows ran into one request)
    text = ("PR-2 PROGRESS REPORT\nDOS: 03/20/2018\nNeck pain 6/10 into the right arm.\n"
            ">> PLAN / REQUESTED AUTHORIZATION\n"
            "   #  SERVICE                                              QTY    CPT/HCPCS\n"
            "   1  Right C5-6 interlaminar cervical epidural steroid injection    1    62321\n"
            "   2  Home cervical traction unit (over-the-door), purchase          1    E0860\n"
            "   3  Physical therapy, cervical spine, 2x/week x 4 weeks            8    97110\n"
            "\nFollow-up in 4 weeks.\n")
    items = read_letter(text.encode(), "pr2.txt", kb.terms).letter.items
    assert [i.name.split(",")[0].split(" 1 ")[0] for i in items] == [
        "Right C5-6 interlaminar cervical epidural steroid injection",
        "Home cervical traction unit (over-the-door)", "Physical therapy"]


@pytest.mark.parametrize(("sentence", "gain"), [
    ("Since starting meloxicam she could stand through her eight-hour shift and climb the "
     "stairs at home.", True),
    ("Since taking gabapentin he can walk to the mailbox again.", True),
    # (guard: not able)
    ("Since starting meloxicam she could not stand through her shift.", False),
])
def test_what_the_worker_can_do_since_starting_a_drug(sentence, gain):
    from reasoner.reader.responses import response_of
    assert (response_of(sentence) == "FunctionalImprovement") is gain


@pytest.mark.parametrize(("sentence", "response"), [
    ("The therapist noted that she continued to have episodes of locking and that her squat "
     "remained limited to 30 degrees.", "NoImprovement"),
    ("At discharge his knee flexion remains limited to 90 degrees.", "NoImprovement"),
    # (guards: pain going on tells no course's result; a limit that improved is a gain)
    ("She continues to have pain.", None),
    ("Her motion was limited but improved after PT.", "SubjectiveImprovement"),
])
def test_a_limit_that_stayed(sentence, response):
    from reasoner.reader.responses import response_of
    assert response_of(sentence) == response


def _imr(kb, summary: str, item: str):
    text = ("IMR FINAL DETERMINATION\nCase Number: CM18-0000002\nDate of Injury: 06/03/2016\n"
            f"Treatment(s) in Dispute Listed Below:\n1. {item}\n\nCLINICAL CASE SUMMARY\n"
            f"{summary}\n\nIMR ISSUES, DECISIONS AND RATIONALES\n"
            f"1. {item} is not medically necessary.\n")
    return read_letter(text.encode(), "imr.txt", kb.terms).extracted.facts


def test_a_visit_told_as_seen_on_a_spelled_date_is_the_report(kb):
    # (the therapist's note of 2016 had stayed the report date: the request decided two
    # years early, under another edition)
    facts = _imr(kb, "The patient is a 61-year-old man with low back pain. The therapist's "
                     "final note of 09/22/2016 recorded no change.\nWhen seen on April 17, 2018 "
                     "he reported axial low back pain of 6/10.\nThe pain physician requested "
                     "flexion/extension x-rays of the lumbar spine.", "Lumbar flexion/extension "
                     "x-rays")
    [asked] = [f for f in facts if f.kind == "request"]
    assert str(asked.props["request_date"]) == "2018-04-17"


def test_an_assessment_that_was(kb):
    facts = _imr(kb, "The patient is a 48-year-old man with neck and arm pain.\nThe physician's "
                     "assessment was left C7 radiculopathy, confirmed by MRI.\nEMG/NCS of the "
                     "upper extremities was requested.", "EMG/NCS of the upper extremities")
    assert TERM + "RadiculopathyConfirmedByImaging" in {f.concept for f in facts
                                                       if f.kind == "diagnosis"}


def test_a_course_told_as_pre_operative_stays_before_the_operation(kb):
    facts = _imr(kb, "The patient is a 38-year-old man, s/p L L5-S1 microdiscectomy 07/22/2019.\n"
                     "Pre-op: PT x6 (11/2018-01/2019) w/o benefit.\nPost-op PT x8 completed "
                     "09/2019; PT progress note 09/30/2019: sitting tolerance 15 -> 60 min.\n"
                     "RFA 10/08/2019: post-op PT 2x4 lumbar spine.", "Post-operative physical "
                     "therapy 2x4 for the lumbar spine")
    courses = {(f.concept.removeprefix(TERM), f.props.get("sessions")) for f in facts
               if f.kind == "prior" and "Therapy" in (f.concept or "")}
    assert ("PhysicalTherapy", 6) in courses and ("PostsurgicalPhysicalTherapy", 8) in courses


def test_a_closing_response_is_the_lists_with_counts_and_years(kb):
    facts = _imr(kb, "59 y/o M custodian, DOI 02/03/2020, chronic LBP.\nPT x12 (2020) and chiro "
                     "x6 (2021) w/ transient relief, no functional change; HEP ongoing.",
                     "Bilateral L4-5 RF neurotomy")
    said = {f.concept.removeprefix(TERM): f.props.get("response") for f in facts
            if f.kind == "prior" and f.concept}
    assert said["PhysicalTherapy"] is not None
    assert said["PhysicalTherapy"] == next(v for k, v in said.items() if "Manipulation" in k)


def test_the_diagnosis_of_x_was_made(kb):
    # (guard: "the diagnosis of X was made" names X before its "was")
    facts = _imr(kb, "The patient is a 44-year-old woman with right arm pain.\nThe diagnosis of "
                     "complex regional pain syndrome of the right upper extremity was made at "
                     "that time.\nA TENS unit 30-day home rental was requested.",
                     "TENS unit, 30-day home rental")
    assert TERM + "ComplexRegionalPainSyndrome" in {f.concept for f in facts
                                                    if f.kind == "diagnosis"}
