"""What a record says of itself against what others claim or plan: a utilization review's
quoted claims, procedures held back until another treatment fails, a failure denied, decisions
written as verbs ("UPHOLD") and records pasted under their own headings. Each case comes from a
pattern of an independent held-out set (heldout-t, heldout-u) and is written afresh here."""

from __future__ import annotations

import pytest

from reasoner.engine.facts import read_case
from reasoner.reader.assertion import assertions
from reasoner.reader.letter import read_letter
from reasoner.reader.purposes import considered
from reasoner.reader.responses import response_of
from reasoner.vocab import TERM


def _case(kb, text: str):
    return read_case(read_letter(text.encode(), "r.txt", kb.terms).graph.facts)


def _report(body: str) -> str:
    return ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)\nDate of exam: 03/04/2025\n"
            "Date of injury: 05/06/2023\nDiagnosis: lumbar strain.\n"
            f"{body}\nRequest for authorization:\n1. Physical therapy 2x3.\n")


def test_a_procedure_held_back_until_another_fails_is_not_considered_now():
    for sentence in ("Epidural injection on hold: if no improvement, may proceed to an ESI.",
                     "MRI to see whether he would be a surgical candidate if he fails "
                     "chiropractic.",
                     "Should therapy fail, a decompression would be considered."):
        assert [c.present for c in considered(sentence)] == [False], sentence
    # what a study would decide is why it is asked for
    for sentence in ("If the MRI shows a herniation, he would be a candidate for surgery.",
                     "She is a candidate for an epidural injection."):
        assert [c.present for c in considered(sentence)] == [True], sentence


def test_a_failure_denied_says_neither_failure_nor_benefit():
    assert response_of("it is not a failed trial of a first-line drug") is None
    assert response_of("the gabapentin failed") == "NoImprovement"


def test_a_drug_never_taken_is_no_failed_course(kb):
    facts = _case(kb, _report(
        "History: Gabapentin was prescribed in January; she never filled it. The gabapentin "
        "was prescribed but never taken, so it is not a failed trial."))
    assert not [c for c in facts.courses
                if c.concept == TERM + "Gabapentin" and c.response is not None]


def _imr(summary: str) -> str:
    return ("IMR FINAL DETERMINATION\nCase Number: CM17-0000001\nDate of injury: 08/11/2016\n"
            "CLINICAL CASE SUMMARY\nThe patient is a 45 year old man.\n"
            f"{summary}\nIMR ISSUES, DECISIONS AND RATIONALES\n"
            "1. Physical therapy 2x4 is medically necessary and appropriate.\n")


def test_every_quote_of_a_review_claim_is_its_claim_not_a_fact(kb):
    facts = _case(kb, _imr(
        'UR (02/11/2026) non-certified all three items, writing that "the patient is homebound '
        'per family\nreport" yet that home care is not indicated, that "she had 12 acupuncture '
        'visits without benefit," and that "24 visits have been completed."'))
    assert not [f for f in facts.findings if f.concept == TERM + "Homebound" and f.present]
    assert not facts.courses


def test_a_claim_quoted_after_non_certified_is_the_reviews(kb):
    facts = _case(kb, _report(
        'History: Utilization review on 04/24/2014 non-certified the MRI and modified nothing; '
        'it also non-certified the chiropractic treatment, stating that "the claimant has '
        'already failed chiropractic care."'))
    assert not [c for c in facts.courses if "Manipulation" in c.concept
                or "Chiropractic" in c.concept]


_DECIDED_AS_VERBS = """INDEPENDENT MEDICAL REVIEW FINAL DETERMINATION
IMR Case Number: CM24-0300001
Date of injury: 02/03/2022
Request for Authorization: 07/01/2024

FINAL DETERMINATION: OVERTURN IN PART

  1. MRI lumbar spine without contrast ............ UPHOLD
  2. Chiropractic, 6 visits, lumbar ................ OVERTURN

PROBLEM LIST (treating physician, 07/01/2024)
  #1 M54.50 Low back pain -- chronic
  #2 M51.26 Lumbar disc displacement

VISIT LOG
  03/01/2023-05/30/2023  PT x12; "same pain"; no change in lifting at work
  07/01/2024  Exam: SLR negative bilaterally; strength 5/5; reflexes 2+ and symmetric

IMR ISSUES AND RATIONALES
Item 1. MRI lumbar spine: UPHOLD. No red flags and no neurological deficit are documented.
Item 2. Chiropractic: OVERTURN. A six-visit trial is recommended; none has been given.
"""


def test_decisions_written_as_verbs_and_records_under_their_own_headings(kb):
    read = read_letter(_DECIDED_AS_VERBS.encode(), "v.txt", kb.terms)
    assert [i.outcome for i in read.letter.items] == ["upheld", "overturned"]
    summary = read.letter.summary_text
    assert "PT x12" in summary and "SLR negative" in summary
    assert "No red flags and no neurological deficit" not in summary  # the reasons


def test_a_prescription_never_filled_is_no_course(kb):
    for said in ("Meds: gabapentin 300 mg at night, prescribed 01/12/2016; she never filled it.",
                 "She did not fill the Lyrica.", "Naproxen was prescribed but never taken."):
        facts = _case(kb, _report(f"History: {said}"))
        assert not [c for c in facts.courses if c.concept in (
            TERM + "Gabapentin", TERM + "Pregabalin", TERM + "Naproxen")], said
    # (a drug beside another never filled is still taken)
    facts = _case(kb, _report("Meds: Gabapentin 300 mg TID; naproxen was never filled."))
    assert {c.concept for c in facts.courses} >= {TERM + "Gabapentin"}
    assert TERM + "Naproxen" not in {c.concept for c in facts.courses}


def test_a_disability_that_keeps_the_worker_from_getting_to_care():
    from reasoner.reader.judgments import judgments

    def said(text):
        return [j.present for j in judgments(text) if j.concept == TERM + "UnableToSelfTransport"]
    assert said("She cannot drive and has no one to take her.") == [True]
    assert said("Does not drive since 07/2024 because the left leg cannot work the pedals.") \
        == [True]
    assert said("She drives herself to her appointments.") == [False]
    assert said("He takes the bus to therapy.") == [False]
    # not driving, with no reason, or no ride, is not yet a disability
    assert said("She no longer drives after the knee surgery.") == []
    assert said("She does not drive at night.") == []
    assert said("Her husband drives her to appointments.") == []
    # the reason told first; a limit on when is no disability
    assert said("Because of the foot drop she no longer drives, and there is no bus.") == [True]
    assert said("Due to his sedating medication, he cannot drive.") == [True]
    assert said("He no longer drives at night because of glare.") == []
    assert said("Because of glare he no longer drives at night.") == []


def test_what_a_sentence_asks_for_is_not_had_though_it_tells_the_past(kb):
    facts = _case(kb, _imr(
        'The physician requests an ablation of both levels "since he had a strong response in '
        'recovery," a repeat MRI and duloxetine 30 mg daily. He completed 12 visits of '
        'physical therapy in 2019.'))
    assert TERM + "Duloxetine" not in {c.concept for c in facts.courses}
    assert TERM + "PhysicalTherapy" in {c.concept for c in facts.courses}


_NAMED_SHORT = """MAXIMUS Federal Services | Independent Medical Review | FINAL DETERMINATION
Case CM22-0140999   Injury 02/14/2022   RFA 08/16/2022

Disputed:
  #1  Post-operative hand therapy, right, 4 visits (CPT 97165 x1)
  #2  Right ring finger A1 pulley c0rticosteroid injecti0n x1 (CPT 20550)

Background: 47-year-old female dental hygienist; right ring finger catching since 2022. The
finger triggers on examination. Carpal tunnel release 07/12/2022; four hand therapy visits since.

#1 Post-operative hand therapy x4: OVERTURNED. Therapy after release is recommended.
#2 Ring finger injection: OVERTURNED. A steroid injection is recommended for trigger finger.
"""


def test_items_named_in_short_below_take_the_names_of_the_list_above(kb):
    read = read_letter(_NAMED_SHORT.encode(), "s.txt", kb.terms)
    assert [i.name for i in read.letter.items] == [
        "Post-operative hand therapy, right, 4 visits (CPT 97165 x1)",
        "Right ring finger A1 pulley corticosteroid injection x1 (CPT 20550)"]  # (OCR read)
    assert [i.outcome for i in read.letter.items] == ["overturned", "overturned"]
    requests = {f.concept for f in read.extracted.facts if f.kind == "request"}
    assert TERM + "TriggerFingerInjection" in requests  # (read through the scanner's zeros)


def test_medication_facts_as_pain_physicians_write_them(kb):
    facts = _case(kb, _imr(
        "Tapentadol (Nucynta) 50 mg was first prescribed on 03/15/2021; he takes one tablet up "
        "to three times a day. He was seen in consultation by a pain management specialist "
        "on 06/21/2022, who agreed with the current dose. His physician began a taper on "
        "01/15/2022 and attached the taper calendar. Gabapentin 300 mg three times a day: leg "
        "burning 7/10 before it, now 4/10; with it he sleeps through and walks the two miles."))
    courses = {c.concept: c for c in facts.courses}
    assert courses[TERM + "Tapentadol"].dose_mg == 50  # a past prescription, not a request
    assert TERM + "PainSpecialistConsultation" in courses
    assert courses[TERM + "Gabapentin"].response.endswith("FunctionalImprovement")
    assert TERM + "OpioidTaperPlan" in {a.concept for a in facts.assessments}


def test_a_combination_strength_with_a_hyphen_and_a_first_prescription(kb):
    from reasoner.reader.items import dose_props
    assert dose_props(" 10-325 mg 1 PO q6h PRN #120")["dose_mg"] == 10.0
    assert dose_props(" 7.5-325mg")["dose_mg"] == 7.5
    facts = _case(kb, _imr("Norco was first prescribed on 07/10/2012. He works his full shift "
                           "on it."))
    assert TERM + "HydrocodoneAcetaminophen" in {c.concept for c in facts.courses}


_BOTTOM_LINE_FIRST = """MAXIMUS FEDERAL SERVICES
INDEPENDENT MEDICAL REVIEW -- FINAL DETERMINATION
Case No. CM23-0070001 . Date of injury 04/04/2021 . RFA 03/28/2023

BACKGROUND IN BRIEF
A 52-year-old female court stenographer hurt her neck in a fall on 04/04/2021. Current
medications: ibuprofen 600 mg three times a day; tizanidine 4 mg at bedtime during flares.

ITEM 1 -- Tizanidine 4mg #90
BOTTOM LINE: Overturned. A short course for the documented flare is supported.
BECAUSE:
 - She had a flare of neck spasm after an eleven-hour deposition day on 03/15/2023.
 - Between flares she has gone months without tizanidine.
 - The guideline supports a short course of a muscle relaxant for a flare.
 - Her right arm radiates pain to the thumb with numbness.
GUIDELINE: MTUS ACOEM Practice Guidelines, Chronic Pain (2017), Muscle relaxants.

ITEM 2 -- Lidoderm 5% patch #30
BOTTOM LINE: Upheld. There is no neuropathic pain to treat.
BECAUSE:
 - Spurling's test is negative on both sides.
"""


def test_record_facts_listed_under_each_decision_are_read(kb):
    read = read_letter(_BOTTOM_LINE_FIRST.encode(), "b.txt", kb.terms)
    assert [(i.name, i.outcome) for i in read.letter.items] == [
        ("Tizanidine 4mg #90", "overturned"), ("Lidoderm 5% patch #30", "upheld")]
    facts = read_case(read.graph.facts)
    flare = [f.present for f in facts.findings if f.concept == TERM + "AcuteExacerbation"]
    assert flare and all(flare)  # ("gone months without" is time, not a flare gone)
    assert [f.present for f in facts.findings
            if f.concept == TERM + "PositiveSpurlingTest"] == [False]
    # (a bullet that speaks of the guideline ends the list: what follows is not read)
    assert not [f for f in facts.findings if f.concept == TERM + "RadicularSymptoms"]


def test_every_date_of_a_list_of_screens_is_a_screen(kb):
    facts = _case(kb, _imr("He remains on Norco 5/325 mg twice a day. Urine drug screens dated "
                           "04/03/2023, 07/10/2023, 10/09/2023 and 01/08/2024 were each "
                           "consistent with the prescribed hydrocodone. CURES 01/10/2024: one "
                           "prescriber."))
    screens = sorted(a.on_date.isoformat() for a in facts.assessments
                     if a.concept == TERM + "UrineDrugScreen")
    assert screens == ["2023-04-03", "2023-07-10", "2023-10-09", "2024-01-08"]


@pytest.mark.parametrize("row, results", [
    ("UDS this year:  07/14/2020 consistent | 10/13/2020 consistent | 01/12/2021 consistent",
     ["Consistent"] * 3),
    ("Urine drug screens: 07/14/2020 consistent; 10/13/2020 inconsistent; 01/12/2021 "
     "consistent.", ["Consistent", "Inconsistent", "Consistent"]),
    ("UDT 07/14/2020 (consistent), 10/13/2020 (consistent) and 01/12/2021 (inconsistent).",
     ["Consistent", "Consistent", "Inconsistent"]),
    ("Urine drug screens: 07/14/2020 consistent; 10/13/2020 negative for hydrocodone despite "
     "three Norco a day; 01/12/2021 consistent.", ["Consistent", "Inconsistent", "Consistent"]),
])
def test_each_date_of_a_list_of_screens_with_its_own_result(kb, row, results):
    facts = _case(kb, _imr(f"He remains on Norco 10/325 mg three times a day. {row}"))
    screens = sorted((a.on_date.isoformat(), a.result.rsplit("#", 1)[-1])
                     for a in facts.assessments if a.concept == TERM + "UrineDrugScreen")
    assert screens == list(zip(["2020-07-14", "2020-10-13", "2021-01-12"], results,
                               strict=True))


def test_a_screen_told_with_its_result_is_done_though_reviewed_at_the_next_visit(kb):
    facts = _case(kb, _imr(
        "A urine drug screen collected 02/11/2014 was positive for oxycodone, which was not "
        "prescribed, and negative for hydrocodone; the report was reviewed with him at the "
        "next visit and no explanation was recorded."))
    assert [(a.on_date.isoformat(), a.result.rsplit("#", 1)[-1]) for a in facts.assessments
            if a.concept == TERM + "UrineDrugScreen"] == [("2014-02-11", "Inconsistent")]
    for asked in ("We will obtain a urine drug screen at the next visit.",
                  "The physician requested tramadol 50 mg #90 and one random urine drug "
                  "test, on a request for authorization dated 2026-01-06."):
        facts = _case(kb, _imr(asked))
        assert not [a for a in facts.assessments if a.concept == TERM + "UrineDrugScreen"]


def test_many_fact_lists_and_quoted_claims_cost_what_plain_words_do(kb):
    """A letter padded with thousands of "BECAUSE:" lists or quoted review claims is read in
    about the time of plain words (a guard: both are read in one pass over the letter)."""
    import time

    head = ("IMR FINAL DETERMINATION\nCase Number: CM17-0000001\nCLINICAL CASE SUMMARY\n"
            "The patient is a 45 year old man.\n")
    tail = "\nIMR ISSUES, DECISIONS AND RATIONALES\n1. Norco 10/325 #120 -- Upheld\n"

    def took(body: str) -> float:
        start = time.perf_counter()
        read_letter((head + body + tail).encode(), "long.txt", kb.terms)
        return time.perf_counter() - start

    took("warm up. ")
    plain = took("He walks to the store daily. " * 2000)
    for body in ('UR stated "he walks". ' * 2500, tail + "BECAUSE:\n- a\n" * 4000,
                 tail + "BECAUSE:\n" * 6000):
        assert took(body) < 10 * plain + 0.5, body[:20]


@pytest.mark.parametrize(("sentence", "term", "expected"), [
    ("A letter from her attorney dated 02/14/2018 asserts that she suffers from \"sciatica down "
     "both legs\"; the treating physician's reports do not describe leg symptoms.", "sciatica",
     "hypothetical"),
    ("The applicant's attorney contends that he has a herniated disc in the neck.",
     "herniated disc", "hypothetical"),
    ("Per the attorney, she has numbness in both hands.", "numbness", "hypothetical"),
    ("The employer states that he had back pain before the injury.", "back pain",
     "hypothetical"),
    # a clause of the records after the claim is the records' own
    ("His attorney wrote to the carrier, and she has numbness in the foot.", "numbness",
     "present"),
    ("The attorney letter was reviewed; she has numbness in the foot.", "numbness", "present"),
])
def test_what_a_party_claims_is_no_clinical_fact(sentence, term, expected):
    """An attorney's, employer's or adjuster's claim is reported and weighed, not found: read
    as a diagnosis, an attorney's 'sciatica' denied medial branch blocks for non-radicular
    pain that IMR overturned."""
    start = sentence.index(term)
    assert assertions(sentence, [(start, start + len(term))])[0].value == expected
