"""Clinicians' shorthand as case summaries copy it: lines that open in small letters or with a
date after a full stop, an "h/o:" history, strengths written without "mg", a course restated in
brackets, "CURES ok", a screen scheduled rather than done, charted responses ("able to fold
laundry", "~40% less burning"), "RFA" before the service it asks for."""

from __future__ import annotations

import pytest

from reasoner.reader.items import dose_props
from reasoner.reader.letter import read_letter
from reasoner.reader.lexicon import lexicon_for
from reasoner.reader.relief import reliefs
from reasoner.reader.responses import response_of
from reasoner.vocab import MTUS, TERM


def _facts(kb, summary: str, plan: str = "1. Acupuncture x6."):
    text = f"PROGRESS NOTE\n\nVisit: 04/20/2021\n\n{summary}\n\nREQUESTS:\n{plan}\n"
    return read_letter(text.encode(), "note.txt", kb.terms).extracted.facts


def _of(facts, kind: str):
    return [f for f in facts if f.kind == kind]


def test_a_charted_history_label_after_a_full_stop_lists_courses(kb):
    facts = _facts(kb, "Dx: lumbar DDD L4-5; h/o PUD 2015.\n"
                       "h/o: PT x20 2016-17; prior ESI 2017 no relief (R L4-5 IL ESI 6/5/17).")
    courses = {f.concept.removeprefix(TERM): f.props for f in _of(facts, "prior")}
    assert courses["PhysicalTherapy"]["sessions"] == 20
    # the course restated in brackets is the same course, with its date
    [esi] = [p for c, p in courses.items() if c.endswith("EpiduralSteroidInjection")]
    assert str(esi["on_date"]) == "2017-06-05" and esi["response"] == MTUS + "NoImprovement"
    assert len([f for f in _of(facts, "prior") if "Epidural" in f.concept]) == 1


def test_a_line_opening_with_a_date_after_a_full_stop_is_a_statement_of_its_own(kb):
    facts = _facts(kb, "Norco 5/325 BID since 2/2017.\n"
                       "3/22/21: VAS 8/10 w/o, 4/10 w/ meds; FI: walks 2 blocks -> 6 blocks.\n"
                       "4/20/21 PR-2 - stable; UDS at each visit q3 mos.",
                  plan="1. Norco 5/325 #60.")
    [norco] = _of(facts, "medication")
    assert norco.props["response"] == MTUS + "FunctionalImprovement"
    assert not [f for f in _of(facts, "assessment") if f.concept == TERM + "UrineDrugScreen"]


@pytest.mark.parametrize(("said", "result"), [
    ("CURES ok/reviewed, 1 prescriber.", "Consistent"),
    ("UDS 3/12/21 clean.", "Consistent"),
    ("No CURES report on file.", None),
])
def test_a_check_said_ok_was_done_and_found_nothing_amiss(kb, said, result):
    facts = _facts(kb, f"Meds: Norco 5/325 BID.\n{said}", plan="1. Norco 5/325 #60.")
    found = [f.props["assessment_result"] for f in _of(facts, "assessment")
             if f.concept in (TERM + "PrescriptionMonitoringCheck", TERM + "UrineDrugScreen")]
    assert found == ([MTUS + result] if result else [])


@pytest.mark.parametrize(("tail", "dose", "per_day"), [
    (" 500 BID", 500.0, 2.0),
    (" IR 10 q6h prn #120", 10.0, 4.0),
    (" 600 TID since 5/4/16", 600.0, 3.0),
    (" 1 TID prn", None, 3.0),  # one tablet, not 1 mg
    (" 2 tabs BID", None, 2.0),
])
def test_a_strength_without_its_unit_before_the_schedule(tail, dose, per_day):
    props = dose_props(tail)
    assert (props.get("dose_mg"), props.get("doses_per_day")) == (dose, per_day)


@pytest.mark.parametrize(("text", "expected"), [
    ("Gabapentin: ~40% less burning, sleeps 6 hrs (was 3), able to fold laundry",
     "FunctionalImprovement"),
    ("not able to fold laundry", None),
    ("able to sit 10 min only", None),
])
def test_a_charted_response(text, expected):
    assert response_of(text) == expected


def test_less_of_a_symptom_by_a_share_is_relief():
    assert [r.percent for r in reliefs("Gabapentin: ~40% less burning")] == [40.0]


@pytest.mark.parametrize("said", ["no aberrant beh", "opioid agmt on file", "no ADRs"])
def test_monitoring_shorthand(kb, said):
    facts = _facts(kb, f"Meds: Norco 5/325 BID.\n{said}.", plan="1. Norco 5/325 #60.")
    assert _of(facts, "assessment")


@pytest.mark.parametrize(("text", "injection"), [
    ("PT x12 2021 -> quad strength improved; CSI R knee 9/2021 -> 4 wks relief.", True),
    ("RE: Employee: P. Okafor     Claim: CSI-11-20874", False),
])
def test_csi_is_a_corticosteroid_injection_not_a_claim_number(kb, text, injection):
    lex = lexicon_for(kb.terms)
    found = [h.term for h in lex.find(text, TERM + "Treatment")]
    assert any(lex.terms.is_a(t, TERM + "CorticosteroidInjection") for t in found) is injection


def test_a_decision_line_read_through_a_fax_names_no_course(kb):
    facts = _facts(kb, "Injections to date: none.\n1) Subacr0mial injecti0n -- 0VERTURNED",
                   plan="1. Right subacromial corticosteroid injection x1.")
    assert not [f for f in _of(facts, "prior") if "Injection" in f.concept]


@pytest.mark.parametrize("dx", ["dx: r C6 radiculopathy, confirmed on mri; cervical strain.",
                                "Diagnoses: L5 radiculopathy confirmed by MRI."])
def test_a_radiculopathy_confirmed_on_imaging_in_the_diagnoses(kb, dx):
    facts = _facts(kb, dx, plan="1. EMG/NCV bilateral upper extremities.")
    assert TERM + "RadiculopathyConfirmedByImaging" in {f.concept for f in _of(facts, "diagnosis")}


def test_a_statement_the_record_calls_copied_forward_tells_nothing_of_now(kb):
    facts = _facts(kb, 'Every progress report since 03/2021 repeats the line "unable to perform '
                       'self-care without assistance"; the reviewer notes that this statement has '
                       'been copied forward and is outdated.', plan="1. Functional restoration "
                       "program x 80 hours.")
    assert not [f for f in _of(facts, "finding")
                if f.concept == TERM + "SignificantFunctionalLoss"]


@pytest.mark.parametrize(("plan", "asked"), [
    ("1. Acetaminophen to continue; duloxetine remains discontinued.\n2. MRI lumbar spine.",
     ["MRI lumbar spine"]),
    ("1. Naproxen 500 mg BID -- continue\n2. Tramadol 50 mg TID #90 -- refill requested",
     ["Tramadol 50 mg TID #90 -- refill requested"]),
    ("1. Hydrocodone/APAP -- DISCONTINUE, taper over 2 weeks\n2. Urine drug screen, POC",
     ["Urine drug screen, POC"]),
    ("1. Chiropractic manipulation, lumbar, 1 time a week for 6 weeks -- continued care with "
     "documented improvement.", ["Chiropractic manipulation, lumbar, 1 time a week for 6 weeks"]),
])
def test_a_plan_line_that_continues_or_stops_a_drug_asks_for_nothing(kb, plan, asked):
    text = ("PROGRESS NOTE\n\nVisit: 04/20/2021\n\nLow back pain 5/10.\n\nPLAN:\n" + plan + "\n")
    read = read_letter(text.encode(), "note.txt", kb.terms)
    assert [i.name.split(" -- ")[0] if "continued care" in i.name else i.name
            for i in read.letter.items] == asked
