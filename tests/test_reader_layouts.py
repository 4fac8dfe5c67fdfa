"""Letter layouts the reader must recognise beyond the three it was built on: a reviewer's
report that lists its items with their outcomes before the case, questions asked as
"Question 1:", and a faxed letter whose headings were damaged by OCR. What is read as the case
summary never includes the reviewer's reasons."""

from __future__ import annotations

import pytest

from reasoner.errors import InputError
from reasoner.reader.clean import clean, decode
from reasoner.reader.layout import split

CASE = ("52 y/o M forklift driver. DOI 3/3/2019: lifting injury, low back. Tx to date: PT x12 "
        "without benefit. PR-2 5/1/2020: LBP 6/10, SLR negative.\n"
        "RFA 5/4/2020: lumbar MRI; naproxen 550 mg #60.\nUR 5/12/2020: both non-certified.\n")


def _letter(text: str):
    return split(clean(decode(text.encode(), "letter.txt")), "letter.txt")


@pytest.mark.parametrize("items", [
    "- Lumbar MRI ..................... UPHELD\n- Naproxen 550 mg #60 ........... OVERTURNED\n",
    "Lumbar MRI -- UPHELD\nNaproxen 550 mg #60 -- OVERTURNED\n",
    "A. Lumbar MRI                      UPHELD - not medically necessary\n"
    "B. Naproxen 550 mg #60             OVERTURNED - medically necessary\n",
    "1) Lumbar MRI | Upheld\n2) Naproxen 550 mg #60 | Overturned\n",
])
def test_items_listed_with_their_outcomes_before_the_case(items):
    letter = _letter("INDEPENDENT MEDICAL REVIEW - REVIEWER REPORT\nRef: CM20-0000001\n\n"
                     f"OUTCOMES\n{items}\nHISTORY\n{CASE}\nRATIONALE\nMRI: no red flags; "
                     "the request is not medically necessary.\nNaproxen: helps.\n")
    assert [(i.name, i.outcome) for i in letter.items] == [
        ("Lumbar MRI", "upheld"), ("Naproxen 550 mg #60", "overturned")]
    assert "forklift driver" in letter.summary_text
    assert "no red flags" not in letter.summary_text  # the reasons are the reviewer's


def test_a_report_without_a_heading_for_its_reasons_is_not_read():
    with pytest.raises(InputError):
        _letter("INDEPENDENT MEDICAL REVIEW\n\n- Lumbar MRI .......... UPHELD\n\n"
                f"{CASE}\nThe MRI is not medically necessary: there are no red flags.\n")


def test_questions_asked_as_question_n():
    letter = _letter("Notice of Independent Medical Review Determination\n\nCLINICAL SUMMARY:\n"
                     f"{CASE}\nIMR ISSUES, DECISIONS AND RATIONALES\n\n"
                     "Question 1: Is a lumbar MRI medically necessary?\n"
                     "Answer: No. The denial is UPHELD.\nRationale: no red flags.\n\n"
                     "Question 2: Is naproxen 550 mg #60 medically necessary?\n"
                     "Answer: Yes. The denial is OVERTURNED.\nRationale: it helps.\n")
    assert [(i.name, i.outcome) for i in letter.items] == [
        ("a lumbar MRI", "upheld"), ("naproxen 550 mg #60", "overturned")]


def test_a_faxed_letter_with_damaged_headings():
    letter = _letter("MAXIMUS Federal Services\nFinal Determination Letter\n\n"
                     "CLlNlCAL CASE SUMMARY\n\nThe expert reviewer developed the following "
                     f"clinical case summary based on a review of the case file:\n{CASE}\n"
                     "Lumbar MRI: Upheld\n\nDecision rationale: no red flags.\n\n"
                     "Naproxen 550mg #60: Overturned\n\nDecision rationale: it helps.\n")
    assert [(i.name, i.outcome) for i in letter.items] == [
        ("Lumbar MRI", "upheld"), ("Naproxen 550mg #60", "overturned")]
    assert "no red flags" not in letter.summary_text


def test_the_reasons_of_each_item_never_join_the_case():
    letter = _letter("NOTICE OF INDEPENDENT MEDICAL REVIEW DETERMINATION\n\n"
                     "Items in dispute on the IMR application:\n(1) Lumbar MRI\n"
                     "(2) Chiropractic treatment 2x3\n\nFinal Determination: OVERTURN IN PART.\n\n"
                     f"CLINICAL SUMMARY\n\n{CASE}\n"
                     "DISPUTED ITEM 1 OF 2: Lumbar MRI\nReviewer's determination: UPHELD.\n"
                     "Explanation: no red flags are documented.\n\n"
                     "DISPUTED ITEM 2 OF 2: Chiropractic treatment 2x3\n"
                     "Reviewer's determination: OVERTURNED.\n"
                     "Explanation: this is a first course of chiropractic care.\n")
    assert "forklift driver" in letter.summary_text
    assert "first course of chiropractic" not in letter.summary_text
    assert "no red flags" not in letter.summary_text
