"""Records pasted into letters as they are kept: problem lists and diagnosis lists headed with
their source and coded, a fax's OCR with letters read as digits, units beside numbers. Each
case comes from a pattern of the held-out set heldout-u and is written afresh here."""

from __future__ import annotations

import pytest

from reasoner.engine.facts import read_case
from reasoner.reader.clean import clean
from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM


def _imr(summary: str) -> str:
    return ("IMR FINAL DETERMINATION\nCase Number: CM21-0000002\nDate of injury: 08/11/2019\n"
            "CLINICAL CASE SUMMARY\nThe patient is a 45 year old man injured at work.\n\n"
            f"{summary}\n\nIMR ISSUES, DECISIONS AND RATIONALES\n"
            "1. Physical therapy 2x4 is medically necessary and appropriate.\n")


def _facts(kb, summary: str):
    return read_case(read_letter(_imr(summary).encode(), "d.txt", kb.terms).graph.facts)


@pytest.mark.parametrize("block", [
    "Problem list (Ortho 04/13/2021):\n  1) Primary osteoarthritis, left knee ........ M17.12\n"
    "  2) Obesity, BMI 33 ......................... E66.9",
    "PROBLEM LIST (orthopaedic surgeon, 10/01/2024)\n  #1 M17.12  Unilateral primary "
    "osteoarthritis, left knee -- severe\n  #2 M25.562 Pain in left knee",
    "Problem list (hand surgeon 08/16/2022)\n  1. Primary osteoarthritis, left knee (M17.12)\n"
    "  2. Chronic knee pain, left (M25.562)",
    "Dx list (PTP 05/14/2019):  1. Primary osteoarthritis, left knee (M17.12)",
    "Diagnoses (PTP 07/07/2020):\n  M17.12   Primary osteoarthritis, left knee\n"
    "  K30      Dyspepsia (NSAID-related)",
])
def test_a_problem_or_diagnosis_list_headed_with_its_source_is_read(kb, block):
    facts = _facts(kb, block)
    assert {d.concept for d in facts.diagnoses} & {TERM + "KneeOsteoarthritis",
                                                  TERM + "SevereKneeOsteoarthritis"}, block


def test_a_symptom_named_as_a_diagnosis_is_a_finding(kb):
    for block in ("Diagnosis: Dyspepsia (NSAID-related).",
                  "Diagnoses (PTP 07/07/2020):\n  K30      Dyspepsia (NSAID-related)"):
        facts = _facts(kb, block)
        assert [f.present for f in facts.findings if f.concept == TERM + "Dyspepsia"] == [True]


@pytest.mark.parametrize(("scanned", "read"), [
    ("Dx 1ist (PTP 05/14/2019): Impingement syndr0me, right sh0ulder", "Dx list (PTP "
     "05/14/2019): Impingement syndrome, right shoulder"),
    ("The injured w0rker is a 39-year-o1d male line c00k.", "The injured worker is a "
     "39-year-old male line cook."),
    ("Guide1ine: MTUS. Napr0xen 550 mg BID. FINAL DETERMINATI0N", "Guideline: MTUS. Naproxen "
     "550 mg BID. FINAL DETERMINATION"),
    # numbers, levels, units and names written with a digit stay as they are
    ("L5-S1, C5-6, T10, 10mg x10, B12, 1st, 10th, Q10, H1N1, HbA1c, A1C, 0.5, mm10",
     "L5-S1, C5-6, T10, 10mg x10, B12, 1st, 10th, Q10, H1N1, HbA1c, A1C, 0.5, mm10"),
])
def test_letters_a_scanner_read_as_digits(scanned, read):
    cleaned = clean(scanned)
    assert cleaned.text == read
    assert len(cleaned.text) == len(scanned)  # one character for one: spans hold


def test_milliseconds_are_no_multiple_sclerosis(kb):
    facts = _facts(kb, "NCS 04/20/2022: distal motor latency 5.1 ms at the right wrist.")
    assert TERM + "MultipleSclerosis" not in {d.concept for d in facts.diagnoses}
    facts = _facts(kb, "Diagnoses: MS, relapsing-remitting.")
    assert TERM + "MultipleSclerosis" in {d.concept for d in facts.diagnoses}


def test_a_long_word_is_cleaned_in_one_pass():
    """The OCR-letter pass tries each word once: a 60,000-letter word took seconds when the
    pattern was tried again from each of its letters."""
    import time

    def took(text: str) -> float:
        start = time.perf_counter()
        clean(text)
        return time.perf_counter() - start

    plain = took("ab " * 20_000)
    assert took("a" * 60_000) < 10 * plain + 0.2
    assert took("ab1" * 20_000) < 10 * plain + 0.2


def test_a_long_request_that_says_a_period_many_times(kb):
    """A requested service's name that says "N days ..." thousands of times: the rental words
    are looked for once, not once a period (8 s for 72 kB)."""
    import time

    def took(line: str) -> float:
        text = ("PR-2\nDOS: 01/01/2020\nPLAN:\n1. Functional restoration program "
                + line * 3000 + "\n")
        start = time.perf_counter()
        read_letter(text.encode(), "frp.txt", kb.terms)
        return time.perf_counter() - start

    took("warm ")
    plain = took("and some more words here ")
    assert took("5 days a week 160 hours ") < 10 * plain + 0.5
