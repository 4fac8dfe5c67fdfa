"""Physicians' appeals by other authors (heldout-vo, -ve): requests under numbered headings of
their own ("REQUEST 1 - ...", "Request 2: ...", "Request #3: ..."), each heading a statement of its
own and no course had; an injection named by its kind alone in a report asking to repeat one;
a program "never been in". Several phrasings each, with the cases that must stay."""

from __future__ import annotations

import pytest

from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

APPEAL = """HARBOR SPINE MEDICAL GROUP

March 9, 2019

Re: Appeal of UR denial
Patient: T. Almanza
Date of Injury: 06/14/2017
RFA dated: 02/24/2019

I am writing to appeal the determinations on my RFA of 02/24/2019.

{first} Norco 10/325 mg, one tablet four times a day, #120

The reviewer wrote that there is no documentation of functional improvement.
He has taken gabapentin 300 mg three times daily since 07/12/2017 and walks six blocks on it.

{second} Lidoderm 5% patch, #30

He has never been in a functional restoration program.

Sincerely,
Marisol Quintanar, M.D.
"""


def _read(kb, text: str):
    return read_letter(text.encode(), "appeal.txt", kb.terms)


@pytest.mark.parametrize(("first", "second"), [
    ("REQUEST 1 -", "REQUEST 2 -"), ("Request 1:", "Request 2:"), ("Request #1:", "Request #2:"),
    ("Request no. 1 \u2013", "Request no. 2 \u2013"),
])
def test_each_headed_request_is_an_item_and_no_course_had(kb, first, second):
    read = _read(kb, APPEAL.format(first=first, second=second))
    assert [i.name for i in read.letter.items] == [
        "Norco 10/325 mg, one tablet four times a day, #120", "Lidoderm 5% patch, #30"]
    facts = read.extracted.facts
    had = {f.concept for f in facts if f.kind in ("prior", "medication")}
    # the paragraph after a heading is read as the case (its own statement, not the plan's)
    assert TERM + "Gabapentin" in had
    assert TERM + "HydrocodoneAcetaminophen" not in had  # (asked for under its heading)
    assert TERM + "FunctionalRestorationProgram" not in had  # ("never been in")


def test_a_reviewers_headed_items_are_not_the_physicians_requests(kb):
    # (a reconsideration notice after the appeal heads the items it decides: its decision line
    # under each; the physician's own list stays the request)
    text = APPEAL.format(first="REQUEST 1 -", second="REQUEST 2 -").replace(
        "Sincerely,", "NOTICE OF RECONSIDERATION\n\nRequest 1: Naproxen 550 mg #60\n"
        "Determination: CERTIFIED\n\nSincerely,")
    names = [i.name for i in _read(kb, text).letter.items]
    assert "Naproxen 550 mg #60" not in names


@pytest.mark.parametrize("told", [
    "After the 01/15/2018 injection she reported about 40% relief of the leg pain for two weeks.",
    "Her last injection gave about 40% relief of the leg pain for two weeks.",
])
def test_the_injection_a_repeat_repeats_named_by_its_kind(kb, told):
    text = ("PROGRESS REPORT 06/26/2018\nThe patient is a 44-year-old woman with lumbar "
            f"radiculopathy.\n{told}\nTREATMENT PLAN:\n1. Repeat left L5-S1 transforaminal "
            "epidural steroid injection.\n")
    prior = [f for f in _read(kb, text).extracted.facts if f.kind == "prior"
             and f.concept == TERM + "TransforaminalEpiduralSteroidInjection"]
    assert prior and prior[0].props["relief_percent"] == 40


def test_no_injection_before_a_first_one(kb):
    # (guard: an injection asked for once, its repeat only planned, has none before it)
    text = ("PROGRESS REPORT 06/26/2018\nThe patient is a 44-year-old woman with lumbar "
            "radiculopathy. He has not had any spinal injection.\nTREATMENT PLAN:\n"
            "1. Left L4-5 transforaminal epidural steroid injection. Repeat only if the first "
            "gives at least 50% relief.\n2. Physical therapy, 6 visits, after the injection.\n")
    assert not [f for f in _read(kb, text).extracted.facts if f.kind == "prior"
                and "EpiduralSteroidInjection" in (f.concept or "")]


@pytest.mark.parametrize(("text", "name", "absent"), [
    ("He has never been in a functional restoration program.", "functional restoration program",
     True),
    ("She has never been referred to a pain psychologist.", "pain psychologist", True),
    ("He has been in a functional restoration program.", "functional restoration program", False),
])
def test_never_been_in(text, name, absent):
    at = text.index(name)
    assert (assertions(text, [(at, at + len(name))])[0] is Assertion.ABSENT) is absent


LETTER = """VALLEY ORTHOPEDICS

May 12, 2014

Re: Reconsideration of utilization review determination
Patient: M. Quintero
Date of Injury: 01/10/2013

I am writing to ask that you reconsider the determination dated 05/06/2014 on my Request for
Authorization of 04/29/2014.

{body}

The reviewer wrote that electrodiagnostic testing is for arm symptoms or neurological findings.
She has had 6 sessions of physical therapy.

Sincerely,
R. Alvarez, M.D.
"""


@pytest.mark.parametrize("body", [
    "1. HYDROCODONE/APAP (NORCO) 10/325 MG #120 - modified by UR to #60 for weaning\n"
    "2. MRI OF THE LUMBAR SPINE - non-certified\n3. NAPROXEN 550 MG #60 - certified",
    "I am appealing the denial of Norco 10/325 mg #120 and the denial of an MRI of the lumbar "
    "spine, both requested on my RFA. The naproxen 550 mg #60 was certified.",
    "Of the three items you certified the naproxen 550 mg #60, and you non-certified the Norco "
    "10/325 mg #120 and the MRI of the lumbar spine.",
])
def test_what_an_appeal_says_ur_decided_are_its_items(kb, body):
    read = _read(kb, LETTER.format(body=body))
    asked = {f.concept for f in read.extracted.facts if f.kind == "request"}
    assert {TERM + "HydrocodoneAcetaminophen", TERM + "Naproxen"} <= asked
    assert any("MRI" in c for c in asked)
    # (what the reviewer wrote is no finding of the worker's)
    assert not any(f.kind == "finding" and f.props.get("present") for f in read.extracted.facts
                   if f.concept in (TERM + "RadicularSymptoms", TERM + "NeurologicalFinding"))

