"""Tables in case summaries (held-out sets by other authors: heldout-vh, -vn): a treatment
history's columns (visits, result, a row never had), a table ending before the sentence that
asks for treatment, a dated screen log with its own column heading, cells parted by tabs; and
an examination's finding named before a sign with its own verdict ("facet tenderness, straight
leg raise negative"). Several layouts each, with the cases that must stay."""

from __future__ import annotations

import pytest
from reader_texts import imr_letter_facts

from reasoner.reader.assertion import Assertion, assertions
from reasoner.vocab import TERM


def _facts(kb, history: str, plan: str = "Acupuncture x6 for the lumbar spine"):
    return imr_letter_facts(kb, history, plan, report="04/29/2019", summary=(
        "The injured worker is a 51-year-old man with low back pain."))


def _courses(facts) -> dict[str, dict]:
    return {f.concept.removeprefix(TERM): f.props for f in facts
            if f.kind in ("prior", "medication") and f.concept}


SPACED = """Prior treatment:

  Treatment                 Dates                      Visits   Result
  Physical therapy          09/12/2017 - 11/18/2017    12       no functional change
  Chiropractic              10/2018                    6        temporary relief
  Acupuncture               --                         0        not yet tried

The provider requested a trial of acupuncture, 6 sessions, for the lumbar spine.
"""
PIPED = """Procedures / therapy:
| Treatment    | Qty        | Completed  | Result                             |
| PT lumbar    | 12 visits  | 06/14/2018 | no improvement in sitting tolerance |
| Chiropractic | 6 visits   | 09/20/2018 | relief for a day after each visit   |
| Acupuncture  | none       |            |                                     |
The physician requested acupuncture x6.
"""
TABBED = ("Therapy history\tVisits\tDates\tOutcome\n"
          "Physical therapy\t12\t12/2017 - 02/2018\tno change in function\n"
          "Chiropractic\t6\t03/2018\ttemporary relief\n"
          "Acupuncture\t0\t--\tnot previously tried\n"
          "\nThe physician requested acupuncture x6.\n")


@pytest.mark.parametrize("history", [SPACED, PIPED, TABBED])
def test_a_treatment_table_is_read_by_its_columns(kb, history):
    courses = _courses(_facts(kb, history))
    assert courses["PhysicalTherapy"]["sessions"] == 12
    assert courses["PhysicalTherapy"]["response"].endswith("NoImprovement")
    chiro = next(p for c, p in courses.items() if "Manipulation" in c)
    assert chiro["sessions"] == 6
    assert not any(k.startswith("dose") for k in chiro)  # ("10/2018  6" is no dose)
    assert "Acupuncture" not in courses  # (never had: no course)


def test_a_procedure_row_takes_what_was_read_of_its_anesthetic(kb):
    courses = _courses(_facts(kb, """Procedures / therapy:
  Treatment                               Date(s)                  Sessions   Response
  Dx MBB bilateral L4-5 (lidocaine)       08/24/2020               1          80% relief x 6 hours
  Meloxicam 15 mg daily                   06/2018-present          --         partial relief

The physician requested bilateral L4-5 radiofrequency ablation.
""", "Bilateral L4-5 radiofrequency ablation"))
    block = next(p for c, p in courses.items() if c.endswith("MedialBranchBlock"))
    assert block["relief_percent"] == 80
    assert "Lidocaine" not in courses
    assert courses["Meloxicam"]["dose_mg"] == 15  # (a drug's row keeps its dose)


def test_the_sentence_after_a_table_does_not_make_its_rows_a_plan(kb):
    # (joined to its last row, "requested" had made every row something asked for)
    courses = _courses(_facts(kb, """Procedures:
  Treatment              Date(s)                  Sessions   Response
  Physical therapy       06/11/2018-08/31/2018    18         no functional change
The physician requested a lumbar brace.
""", "Lumbar brace"))
    assert courses["PhysicalTherapy"]["sessions"] == 18


@pytest.mark.parametrize("log", [
    "Urine drug testing:\n\n  Collected     Result\n  07/11/2018    consistent\n"
    "  10/17/2018    consistent\n  01/23/2019    consistent\n  04/24/2019    consistent\n",
    "  URINE DRUG TESTING\n  07/11/2018   consistent with tramadol\n"
    "  10/17/2018   consistent with tramadol\n  01/23/2019   consistent with tramadol\n"
    "  04/24/2019   negative for tramadol (he had run out)\n",
])
def test_each_row_of_a_screen_log_is_a_screen(kb, log):
    facts = _facts(kb, log + "\nHe reports pain 6/10 on tramadol.\n", "Urine drug screen")
    screens = [f for f in facts if f.kind == "assessment"
               and f.concept == TERM + "UrineDrugScreen" and f.props.get("on_date")]
    assert len({f.props["on_date"] for f in screens}) == 4


def test_a_field_parted_by_a_tab_is_a_statement_of_its_own(kb):
    facts = _facts(kb, "Problem list\tM54.12 Radiculopathy, cervical region\n"
                       "Current medications\tibuprofen 800 mg BID\n"
                       "Requests\tLidoderm 5% patches #30\n", "Lidoderm 5% patches #30")
    assert any(f.kind == "diagnosis" and "Radiculopathy" in (f.concept or "") for f in facts)
    assert "Ibuprofen" in _courses(facts)  # (not glued onto the requests' line: a plan)


def _asserted(text: str, named: list[str]) -> list[Assertion]:
    return assertions(text, [(text.index(n), text.index(n) + len(n)) for n in named])


@pytest.mark.parametrize(("text", "named", "present"), [
    ("Exam: facet tenderness, straight leg raise negative.",
     ["facet tenderness", "straight leg raise"], [True, False]),
    ("Exam: bilateral L4-5 facet tenderness, pain on facet loading bilaterally, straight leg "
     "raise negative.", ["facet tenderness", "pain on facet loading", "straight leg raise"],
     [True, True, False]),
    ("Exam: paraspinal spasm, SLR negative bilaterally.", ["paraspinal spasm", "SLR"],
     [True, False]),
    ("Exam: lumbar tenderness, Spurling (-).", ["lumbar tenderness", "Spurling"],
     [True, False]),
    # (guards: a verdict after a list of tests is each test's; a list of findings denied
    # together stays denied)
    ("Exam: Tinel, Phalen negative.", ["Tinel", "Phalen"], [False, False]),
    ("Tenderness, spasm and guarding are absent.", ["Tenderness", "spasm", "guarding"],
     [False, False, False]),
    ("No tenderness, spasm, SLR negative.", ["tenderness", "spasm", "SLR"],
     [False, False, False]),
])
def test_a_finding_named_before_a_sign_with_its_own_verdict(text, named, present):
    assert [a == Assertion.PRESENT for a in _asserted(text, named)] == present


@pytest.mark.parametrize(("text", "named", "present"), [
    ("Flexion-extension radiographs dated 05/21/2018 ruled out segmental instability, showing "
     "no abnormal translation.", ["radiographs", "segmental instability"], [True, False]),
    ("The MRI ruled out a disc herniation.", ["MRI", "disc herniation"], [True, False]),
    ("The x-rays excluded a fracture.", ["x-rays", "fracture"], [True, False]),
    # (guards: the passive and the label deny what stands before them)
    ("Red flags were ruled out.", ["Red flags"], [False]),
    ("Fracture ruled out, tenderness at L5.", ["Fracture", "tenderness"], [False, True]),
    ("Infection and tumor were excluded by the MRI.", ["Infection", "tumor", "MRI"],
     [False, False, True]),
])
def test_ruled_out_in_the_active_voice_denies_its_object(text, named, present):
    assert [a == Assertion.PRESENT for a in _asserted(text, named)] == present


@pytest.mark.parametrize(("text", "named", "present"), [
    ("On examination the knee was stable to varus and valgus stress and on Lachman testing.",
     ["varus and valgus stress", "Lachman testing"], [False, False]),
    # (guard: a sign with its own verdict after the comma stays its own)
    ("The knee is stable to varus and valgus stress, with a positive McMurray test.",
     ["varus and valgus stress", "McMurray test"], [False, True]),
])
def test_stable_to_a_list_of_stress_tests(text, named, present):
    assert [a == Assertion.PRESENT for a in _asserted(text, named)] == present


def test_an_improved_measure_is_no_limit_found(kb):
    facts = _facts(kb, "Treatment to date has included 12 sessions of physical therapy in 2022 "
                       "with improved range of motion and a home exercise program.")
    assert not any(f.kind == "finding" and f.concept == TERM + "LimitedRangeOfMotion"
                   and f.props.get("present") for f in facts)
