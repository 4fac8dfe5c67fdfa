"""Progress reports exported from EHR systems: numbered orders ("[1]", "#1") under "Plan/Orders",
a problem list's headings ("#2 INSOMNIA") that order nothing, the report's own date in a
bracketed header field ("[ENCOUNTER] 06/09/2020") as the request date even when an entry of its
history dated earlier names the service, and an export's time stamp after the form's title
("REQUEST FOR AUTHORIZATION  exported 03/17/2021") that dates no RFA. Also from the same
work: red flags said in a shoulder case are the shoulder's too, and a review's words reported
with "according to the UR physician" are no facts."""

from __future__ import annotations

import datetime as dt

import pytest

from reasoner.reader.clean import clean, decode
from reasoner.reader.layout import split
from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

HEAD = ("Northmere Chart | Clinical Document Export | PR-2 Treating Physician Progress Report\n"
        "Generated 06/10/2020 08:03 PDT  --  user: jcarrow\n\n"
        "[PATIENT]         L., Greta A.    (F)\n[INJURY DATE]     08/21/2019\n"
        "[ENCOUNTER]       06/09/2020  Office visit, established patient\n\n"
        "HPI: 51 y/o woman, right shoulder pain since 08/21/2019 lifting cartons.\n"
        "03/02/2020: tizanidine 4 mg at night was started for spasm.\n\n")


def _items(text: str) -> list[str]:
    return [i.name for i in split(clean(decode(text.encode(), "r.txt")), "r.txt").items]


@pytest.mark.parametrize("marker", ["[{n}]", "#{n}", "# {n}"])
def test_numbered_orders_of_an_ehr(marker):
    orders = "".join(f"{marker.format(n=n)} {name}\n" for n, name in enumerate(
        ["MRI right shoulder without contrast - RFA", "Tizanidine 4 mg #30 - RFA",
         "Continue the home exercise program."], start=1))
    assert _items(HEAD + "Plan/Orders:\n" + orders) == ["MRI right shoulder without contrast",
                                                         "Tizanidine 4 mg #30"]


def test_a_problem_lists_headings_order_nothing():
    # (a guard: "#2 INSOMNIA" heads a problem, it is no numbered order)
    text = (HEAD + "This note is organized by problem.\n\n#1 CHRONIC NECK PAIN\n"
            "S: Neck pain 6/10.\nP: Continue home exercises.\n\n#2 INSOMNIA\n"
            "S: She wakes about three times a night.\nA: Insomnia secondary to pain.\n"
            "P: Zolpidem 10 mg at bedtime, #30.\n")
    items = _items(text)
    assert "Zolpidem 10 mg at bedtime, #30" in items
    assert not [name for name in items if "INSOMNIA" in name or "NECK PAIN" in name]


def test_the_reports_own_date_is_the_request_date(kb):
    text = HEAD + "Plan/Orders:\n#1 Tizanidine 4 mg #30, one at night - RFA\n"
    [request] = [f for f in read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
                 if f.kind == "request"]
    assert request.props["request_date"] == dt.date(2020, 6, 9)


def test_an_export_time_stamp_dates_no_rfa(kb):
    text = ("PR-2 PROGRESS REPORT / REQUEST FOR AUTHORIZATION        exported 03/17/2021 10:15\n\n"
            "Date of exam: 03/16/2021\n\nHPI: 44 y/o woman with numbness of the right hand.\n\n"
            "PLAN:\n1. Right carpal tunnel release.\n")
    [request] = [f for f in read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
                 if f.kind == "request"]
    assert request.props["request_date"] == dt.date(2021, 3, 16)


def test_red_flags_in_a_shoulder_case_are_the_shoulders(kb):
    text = (HEAD.replace("right shoulder pain since 08/21/2019 lifting cartons",
                         "injured her right shoulder on 08/21/2019 lifting cartons") +
            "Exam: no history of trauma, fever, night sweats or weight loss; no red flags.\n"
            "Diagnosis: right shoulder impingement syndrome.\n\nPLAN:\n1. MRI right shoulder.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    flags = [f for f in facts if f.kind == "finding" and f.concept == TERM + "ShoulderRedFlag"]
    assert flags and not any(f.props["present"] for f in flags)


def test_what_the_ur_physician_is_reported_to_say_is_no_fact(kb):
    text = (HEAD + 'According to the UR physician, "six sessions of physical therapy were '
            'completed without benefit." The latest PR-2 states that physical therapy "was never '
            'started."\n\nPLAN:\n1. MRI right shoulder.\n')
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    assert not [f for f in facts if f.kind == "prior" and f.concept == TERM + "PhysicalTherapy"]


BRACKETED = """ WHARFSIDE OCCUPATIONAL HEALTH      EHR Export v4.2
 Document Type: PR-2 Primary Treating Physician's Progress Report
Date of Injury ......... 06/14/2016
Visit Date ............. 05/09/2017
---------------------------------------------------------------------
[SUBJECTIVE]
Chief Complaint: Right shoulder, status post surgery
Surgical History: 01/24/2017 right shoulder arthroscopic rotator cuff repair (Dr. P. O.)
Interval History: Post-op physical therapy, 12 visits completed 02/07/2017 - 04/28/2017.
Prior TENS Use: None
---------------------------------------------------------------------
[PLAN / REQUESTED TREATMENT]
{first} Post-operative physical therapy, right shoulder, 2x/week x 6 weeks (12 visits)
{second} Cold therapy unit, right shoulder, 30-day rental for home use at night
{third} TENS unit, purchase, for home use
Work Status: Modified duty continued
"""


@pytest.mark.parametrize("labels", [("Req 1:", "Req 2:", "Req 3:"),
                                    ("Request #1 -", "Request #2 -", "Request #3 -"),
                                    ("Order 1:", "Order 2:", "Order 3:")])
def test_an_ehr_s_labelled_orders_under_a_bracketed_heading(kb, labels):
    text = BRACKETED.format(first=labels[0], second=labels[1], third=labels[2])
    assert _items(text) == [
        "Post-operative physical therapy, right shoulder, 2x/week x 6 weeks (12 visits)",
        "Cold therapy unit, right shoulder, 30-day rental for home use at night",
        "TENS unit, purchase, for home use"]
    read = read_letter(text.encode(), "ehr.txt", kb.terms)
    courses = {f.concept.removeprefix(TERM): f for f in read.extracted.facts
               if f.kind == "prior"}
    # what the plan asks for was not had; the operation is named with the history's date
    assert "TENSUnit" not in courses and "ShoulderColdTherapyUnit" not in courses
    assert str(courses["ArthroscopicRotatorCuffRepair"].props["on_date"]) == "2017-01-24"
    assert "Surgery" not in courses


CHECKLIST = """POST-OP VISIT / PR-2                                      01/20/2026
DOI ....... 09/12/2023
Procedure . L total knee arthroplasty 11/04/2025
Interval:
 * Oxycodone 5 mg 1 q6h prn since surgery 11/04/2025.
RFA:
 {box} 1. PT L knee, 12 more visits (2x6)
 {box} 2. Front-wheeled walker, purchase
 [ ] 3. Oxycodone 5 mg #60 (post-op pain, 1 q6h prn)
"""


def test_a_numbered_list_whose_boxes_no_one_ticked(kb):
    assert _items(CHECKLIST.format(box="[ ]")) == [
        "PT L knee, 12 more visits (2x6)", "Front-wheeled walker, purchase",
        "Oxycodone 5 mg #60 (post-op pain, 1 q6h prn)"]
    read = read_letter(CHECKLIST.format(box="[ ]").encode(), "rfa.txt", kb.terms)
    [drug] = [f for f in read.extracted.facts if f.kind == "medication"]
    assert str(drug.props["start"]) == "2025-11-04"  # "since surgery 11/04/2025"


def test_a_box_left_empty_beside_ticked_ones_asks_for_nothing(kb):
    assert _items(CHECKLIST.format(box="[x]")) == [
        "PT L knee, 12 more visits (2x6)", "Front-wheeled walker, purchase"]
