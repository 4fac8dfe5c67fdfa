"""Utilization review letters as UR companies lay them out: a title under a letterhead of
several lines, a table whose actions are in the imperative ("CERTIFY", "NON-CERTIFY"), rows
labelled "Request #1" or numbered "01", items far apart each decided on a "Decision:" line
under it, and header fields ("Request received: ...") that are no item."""

from __future__ import annotations

import pytest
from reader_texts import read_ur

from reasoner.reader.clean import clean, decode
from reasoner.reader.layout import split

LETTERHEAD = ("================================================================\n"
              " VANTAGE OAK UTILIZATION SERVICES\n"
              " Medical Review for California Workers' Compensation Payers\n"
              " 5120 Riverbend Plaza, Suite 210 - Bakersfield, CA 93309\n"
              " Phone 661-555-0152 - Fax 661-555-0153\n"
              "================================================================\n\n")
SUMMARY = ("\n === CLINICAL SUMMARY ===\n The employee is a 63-year-old male mechanic who injured "
           "his left knee on 04/11/2019. Meloxicam 7.5 mg once a day has been taken since "
           "08/15/2022 and lets him finish his shift.\n\n === RATIONALE ===\n The guidelines "
           "were applied to each request.\n")


def _read(text: str):
    return read_ur(text)


@pytest.mark.parametrize(("certify", "deny"), [("CERTIFY", "NON-CERTIFY"), ("APPROVE", "DENY"),
                                               ("CERTIFIED", "NOT CERTIFIED")])
def test_a_table_of_actions_under_a_title_below_the_letterhead(certify, deny):
    text = (LETTERHEAD + " UTILIZATION REVIEW NOTICE OF DECISION              Date: 03/13/2023\n\n"
            " Employee ............... E. M.\n Request received ....... 03/08/2023\n\n"
            " LINE  SERVICE REQUESTED                                   UNITS  DECISION\n"
            f" 01    Hyaluronic acid injection, left knee (series)         3    {deny}\n"
            f" 02    Meloxicam 7.5 mg tablets                             30    {certify}\n"
            + SUMMARY)
    layout, items = _read(text)
    assert layout == "ur-determination"
    assert items == [("Hyaluronic acid injection, left knee (series) 3", "non-certified"),
                     ("Meloxicam 7.5 mg tablets 30", "certified")]


def test_rows_labelled_request_and_a_number():
    text = (" UTILIZATION REVIEW DETERMINATION\n\n"
            "  Request #1  Physical therapy, lumbar, 2x/week x 3 weeks (6)     APPROVE\n"
            "  Request #2  X-ray lumbar spine, 3 views                         DENY\n" + SUMMARY)
    assert _read(text)[1] == [("Physical therapy, lumbar, 2x/week x 3 weeks (6)", "certified"),
                              ("X-ray lumbar spine, 3 views", "non-certified")]


def test_items_far_apart_each_decided_on_a_line_under_it_and_a_header_field_is_no_item():
    reasons = "   Rationale: " + "The guideline's criteria were applied to the record. " * 6
    text = (" UTILIZATION REVIEW DETERMINATION\n\nDate of determination: October 8, 2019\n"
            "Request received: 10/03/2019                       Date of RFA: 10/01/2019\n\n"
            + SUMMARY + "\nDETERMINATIONS\n\n"
            "1) Right L4-5 and L5-S1 transforaminal epidural steroid injection\n"
            "   Decision: NON-CERTIFIED\n   Guideline(s) used: MTUS ACOEM, Low Back Disorders.\n"
            + reasons + "\n\n2) Gabapentin 300 mg #90\n   Decision: CERTIFIED\n"
            "   Guideline(s) used: MTUS, Chronic Pain.\n" + reasons + "\n")
    assert _read(text)[1] == [
        ("Right L4-5 and L5-S1 transforaminal epidural steroid injection", "non-certified"),
        ("Gabapentin 300 mg #90", "certified")]


def test_an_appeal_of_a_ur_denial_is_no_ur_letter():
    text = ("DELTA RIVER SPINE\n4120 Pacific Avenue\n\nRE:  APPEAL OF UTILIZATION REVIEW DENIAL\n"
            "     Claim No.: BCM-19-08-55213\n\nDear Reviewer:\n\nI am writing to appeal.\n\n"
            "ITEM 1: Bilateral L4-5 medial branch blocks\nUR decision: Non-certified on "
            "05/22/2020.\n\nHe has never had pain below the knee.\n")
    layout, items = _read(text)
    assert layout == "progress-report"
    assert [name for name, _ in items] == ["Bilateral L4-5 medial branch blocks"]


_HEAD = ("NORTHFIELD UTILIZATION MANAGEMENT\nNOTICE OF UTILIZATION REVIEW DECISION\n\n"
         "Injured worker: Jane Roe          Claim no.: NUM-21-0001\n"
         "Date of injury: 08/19/2019        Date of RFA: 11/23/2020\n\n")
_SUMMARY = ("CLINICAL SUMMARY\n08/19/2019 - 41-year-old female bank teller injured her right "
            "shoulder.\n11/23/2020 - Pain 6/10. Physical therapy completed, 12 visits.\n\n"
            "RATIONALE\nSee the guidelines cited for each request.\n")


@pytest.mark.parametrize("boxes", [
    "REQUEST 1: Cognitive behavioral therapy, 6 sessions\n"
    "   [X] Certified   [ ] Modified   [ ] Non-certified\n"
    "REQUEST 2: Zolpidem 10 mg #30\n"
    "   [ ] Certified   [X] Modified: #15 certified for taper   [ ] Non-certified\n"
    "REQUEST 3: Functional restoration program, 160 hours\n"
    "   [ ] Certified   [ ] Modified   [X] Non-certified\n",
    "Request 1 - Cognitive behavioral therapy, 6 sessions\n"
    "[x] certified [ ] modified [ ] not certified\n"
    "Request 2 - Zolpidem 10 mg #30\n[ ] certified [x] modified [ ] not certified\n"
    "Request 3 - Functional restoration program, 160 hours\n"
    "[ ] certified [ ] modified [x] not certified\n",
])
def test_a_form_decides_each_request_by_its_ticked_box(boxes):
    """The decision on a form is the box ticked, not the first option printed (each line of
    boxes had been read as an item of its own, all 'certified')."""
    layout, items = _read(_HEAD + boxes + "\n" + _SUMMARY)
    assert layout == "ur-determination"
    assert [(name.split(",")[0].split(" 10 mg")[0], outcome) for name, outcome in items] == [
        ("Cognitive behavioral therapy", "certified"), ("Zolpidem", "modified"),
        ("Functional restoration program", "non-certified")]


def test_outcomes_listed_apart_by_the_requests_labels():
    """A list of requests, then under another heading their outcomes by the same labels."""
    text = (_HEAD + "REQUESTED\n(a) Right shoulder arthroscopic subacromial decompression\n"
            "(b) Cold therapy unit, right shoulder, 14-day rental\n"
            "(c) Continuous passive motion device, right shoulder, 30-day rental\n\n"
            "OUTCOME\n(a) CERTIFIED after peer-to-peer discussion\n"
            "(b) MODIFIED: 7-day rental certified; remaining 7 days non-certified\n"
            "(c) NON-CERTIFIED\n\n" + _SUMMARY)
    layout, items = _read(text)
    assert [outcome for _, outcome in items] == ["certified", "modified", "non-certified"]
    assert items[0][0].startswith("Right shoulder arthroscopic")


def test_a_notice_in_numbered_sections_with_outline_numbers():
    """"SECTION 3. CLINICAL SUMMARY" opens the case and "SECTION 4. GUIDELINES AND RATIONALE"
    ends it; "1.1 Left knee ... - CERTIFIED" is item 1.1, not "1 Left knee ..." (the notice had
    been read as a progress report whose summary lines were requests)."""
    text = ("TENAYA UTILIZATION PARTNERS, INC.\nP.O. Box 60412, Sacramento, CA 95860\n\n"
            "NOTICE OF UTILIZATION REVIEW DECISION - PROSPECTIVE REVIEW\n\nDate of injury: "
            "11/20/2019\nRequest for authorization dated: 06/02/2020\n\n"
            "SECTION 1. REQUESTS AND DECISIONS\n"
            "1.1 Left knee arthroscopic partial medial meniscectomy - CERTIFIED\n"
            "1.2 Hinged left knee brace - NON-CERTIFIED\n"
            "1.3 Crutches, purchase, for use after surgery - CERTIFIED\n\n"
            "SECTION 3. CLINICAL SUMMARY\n3.1 The injured worker is a 39-year-old female "
            "warehouse picker who twisted her left knee on 11/20/2019 stepping off a pallet jack."
            "\n3.2 Diagnoses: tear of the medial meniscus, left knee.\n\n"
            "SECTION 4. GUIDELINES AND RATIONALE\n4.1 Left knee arthroscopic partial medial "
            "meniscectomy\nRationale: All criteria are documented. CERTIFIED.\n")
    layout, items = _read(text)
    assert layout == "ur-determination"
    assert items == [("Left knee arthroscopic partial medial meniscectomy", "certified"),
                     ("Hinged left knee brace", "non-certified"),
                     ("Crutches, purchase, for use after surgery", "certified")]


def test_line_items_each_decided_on_the_line_under_it():
    """A vendor's "LINE ITEMS": "Line 1  <service>" with "Decision: CERTIFIED" under it (read as
    one item named "NON" before)."""
    text = ("WESTSHORE REVIEW GROUP\nUR Determination Notice -- California Workers' "
            "Compensation\n1 Bay St, Oakland, CA 94606\n\n"
            "Notice date ........ 05/03/2022\nRFA ................ 04/26/2022\n\nLINE ITEMS\n"
            "Line 1  Synvisc-One 48 mg/6 mL intra-articular injection, right knee, x1\n"
            "        Decision: CERTIFIED\n"
            "Line 2  Right knee arthroscopy, partial medial meniscectomy\n"
            "        Decision: NON-CERTIFIED\n" + SUMMARY)
    layout, items = _read(text)
    assert (layout, [o for _, o in items]) == ("ur-determination", ["certified", "non-certified"])
    assert items[1][0].startswith("Right knee arthroscopy")


def test_a_narrative_letter_opens_each_paragraph_with_the_item_and_its_decision():
    """"The TENS unit purchase is non-certified. The MTUS ..." (the item had been named "TENS
    unit purchase is non", and the certified ones not read)."""
    text = ("PIER CLAIMS SERVICES\nUtilization Review Unit\n700 Ocean Blvd, Long Beach, CA\n\n"
            "March 14, 2017\n\nDear Dr. Sorensen:\n\n"
            "We received your Request for Authorization dated March 7, 2017.\n\n"
            "Ms. Ferreira is a 44-year-old woman who developed right shoulder pain on May 9, 2016. "
            "She has been taking acetaminophen, which does very little.\n\n"
            "The right shoulder subacromial injection is certified. The guidelines support it.\n\n"
            "The TENS unit purchase is non-certified. The MTUS recommends a trial first.\n\n"
            "Naproxen sodium 550 mg #60 is certified. Acetaminophen has not been effective.\n\n"
            "This letter was approved by the medical director.\n\n"
            "This review was performed by C. Ndiaye, M.D.\n")
    layout, items = _read(text)
    assert (layout, items) == ("ur-determination", [
        ("right shoulder subacromial injection", "certified"),
        ("TENS unit purchase", "non-certified"), ("Naproxen sodium 550 mg #60", "certified")])


@pytest.mark.parametrize("ending", [". OVERTURNED.", ". UPHELD.", ".  Overturned"])
def test_a_labelled_item_line_ends_with_its_outcome_after_a_full_stop(ending):
    """A reviewer's report: "Item 2: LSO back brace. UPHELD." (an item whose name ends in small
    letters and a stop had been taken for a sentence, and only "#60. UPHELD." was read)."""
    text = ("INDEPENDENT MEDICAL REVIEW - REVIEWER'S REPORT\nIMR Case Number: CM16-0000009\n\n"
            "CLINICAL SUMMARY\nThe patient is a 51-year-old man injured on 02/03/2014. No red "
            "flags were identified. Dr. Rose requested the items below.\n\nDECISIONS\n"
            f"Item 1: Bilateral L4-5 and L5-S1 medial branch blocks{ending}\n"
            "Rationale: The criteria are met.\n"
            f"Item 2: LSO back brace{ending}\nRationale: Not shown to help.\n"
            "Item 3: Tizanidine 4 mg #60. UPHELD.\nRationale: No functional gain.\n")
    layout, items = _read(text)
    assert [name for name, _ in items] == [
        "Bilateral L4-5 and L5-S1 medial branch blocks", "LSO back brace", "Tizanidine 4 mg #60"]


def test_2013_issues_at_dispute_whose_questions_wrap_to_the_same_last_line():
    """"1) Issue at dispute: Is the request for X medically\\nnecessary and appropriate?": each
    item named X alone; the wrapped "appropriate?" line that closes two questions is no running
    head to clean away (the items had been named "Issue at dispute: Is the request for ...", or
    lost)."""
    issue = ("{n}) Issue at dispute: Is the request for {x} medically necessary and\n"
             "appropriate?\n\nReason for denial by the Claims Administrator: None given.\n\n"
             "The Physician Reviewer's decision rationale: The criteria are reviewed. The request "
             "for {x} is {v}medically necessary and appropriate.\n\n")
    text = ("Independent Medical Review Final Determination Letter\nIMR Case Number: CM13-0004817"
            "\n\nCLINICAL CASE SUMMARY\nThe patient is a 46-year-old man injured on 03/02/2012."
            "\n\nIMR ISSUES, DECISIONS AND RATIONALES\n\n"
            + issue.format(n=1, x="hydrocodone/APAP 10/325mg #90", v="not ")
            + issue.format(n=2, x="naproxen sodium 550mg #60", v=""))
    layout, items = _read(text)
    assert [name for name, _ in items] == ["hydrocodone/APAP 10/325mg #90",
                                          "naproxen sodium 550mg #60"]


def test_a_resubmission_decided_below_its_rfa_that_names_a_prior_decision_upheld():
    """A UR vendor's decision printed under the physician's RFA: no UR title near the top,
    and "(prior non-certification upheld)" reads like an IMR outcome; still the UR's letter."""
    text = ("REQUEST FOR AUTHORIZATION\n[X] Resubmission\n\nEmployee: R. Diaz    Date of Injury: "
            "02/03/2018\n\nRequested: lumbar MRI; naproxen 550 mg #60\nDate: 07/01/2021\n\n"
            "-----------------------------------------------\n\nPINECREST REVIEW PARTNERS\n"
            "Reconsideration Review          Decision date: July 9, 2021\n\n"
            "DETERMINATION\n  1. MRI lumbar spine ---------- NON-CERTIFIED (prior "
            "non-certification upheld)\n  2. Naproxen 550 mg #60 ------ CERTIFIED\n\n"
            "Records reviewed:\n"
            "He is a 52-year-old driver with low back pain and no leg symptoms since "
            "02/03/2018. Naproxen 550 mg twice daily lets him drive his full route.\n\n"
            "Rationale:\n1. No red flags and no change since the prior review.\n"
            "2. Functional benefit documented.\n\nReviewer: A. Chen, MD, Physical Medicine\n"
            "This decision may be disputed by filing DWC Form IMR within 30 days.\n")
    layout, items = _read(text)
    assert layout == "ur-determination"
    assert [outcome for _, outcome in items] == ["non-certified", "certified"]


def test_a_ur_decision_printed_under_the_rfa_it_decides():
    """The physician's RFA first (so the document opens as a physician's), then a rule of the
    page and the UR's own letter, its items each ending with the action."""
    text = ("DWC FORM RFA\nNew request: X        Expedited: no\nEmployee: K. Tran      Date "
            "of injury: 12/11/2017\nEmployer: Lakeshore Data\nPhysician: R. Ibarra, M.D.\n"
            "Address: 210 Harbor Way, Oakland\nPhone 510-555-0131\n\nRequested "
            "treatment:\n DX                     SERVICE REQUESTED                 QTY\n"
            " Carpal tunnel syndrome  EMG/NCV bilateral upper extremities  1\n"
            " Carpal tunnel syndrome  Wrist splints, bilateral, purchase   2\n\n"
            "Physician signature: R. Ibarra MD        Date: 06/05/2018\n\n"
            "==============================================================\n"
            "HARBOR UTILIZATION SERVICES\nUR DETERMINATION - PROSPECTIVE\nDate: 06/12/2018\n\n"
            "Item 1  EMG/NCV bilateral upper extremities ............ Certified\n"
            "Item 2  Wrist splints, bilateral, purchase ............. Non-certified\n\n"
            "Summary: 34-year-old clerk with numbness of both hands since 12/2017; Tinel's "
            "and Phalen's positive on 06/05/2018.\n\nRationale\nItem 1 - Certified.\n"
            "Item 2 - Non-certified.\n\nReviewer: H. Moore, MD\n")
    layout, items = _read(text)
    assert layout == "ur-determination"
    assert [outcome for _, outcome in items] == ["certified", "non-certified"]


@pytest.mark.parametrize(("certified", "denied"), [("CERTIFIED:", "NON-CERTIFIED:"),
                                                  ("Approved", "Denied"),
                                                  ("CERTIFIED ITEMS", "NOT CERTIFIED:")])
def test_items_grouped_under_their_action_alone_as_a_heading(certified, denied):
    """Items grouped under the action that heads them ("CERTIFIED:" then bullets, "MODIFIED:"
    ...), a modified item's certified part after its colon not part of its name."""
    layout, items = _read(
        "Evergreen Utilization Review\nProspective Review Unit\n7700 Mission Gorge Road, San "
        "Diego, CA 92120\n\nApril 10, 2018\n\nDear Dr. Halvorsen:\n\n"
        "We have reviewed your request. Our decision on each item is as follows.\n\n"
        f"{certified}\n    - Right shoulder arthroscopy with subacromial decompression\n\n"
        "MODIFIED:\n    - Cold therapy unit, right shoulder, 21 days: 7 days certified, 14 "
        f"days non-certified\n\n{denied}\n    - Continuous passive motion device, 30-day rental\n"
        + SUMMARY)
    assert layout == "ur-determination"
    assert items == [("Right shoulder arthroscopy with subacromial decompression", "certified"),
                     ("Cold therapy unit, right shoulder, 21 days", "modified"),
                     ("Continuous passive motion device, 30-day rental", "non-certified")]


def test_item_blocks_with_their_reasons_above_a_case_that_runs_to_the_appeal_rights():
    """Each item's block with its decision and reason first, the case summary last: the case
    runs to the closing words on the worker's rights (no heading ends it)."""
    text = ("REDLINE REVIEW SOLUTIONS  |  UR Determination  |  Page 1 of 2\n"
            "Claim SRS-19-70442 - DOI 04/22/2019\nRFA dt 02/04/2020; UR decision 02/11/2020\n\n"
            "ITEM 1: Repeat L L5-S1 TFESI x1\nDECISION: NON-CERTIFY\nBASIS: MTUS ACOEM Low Back "
            "Disorders (2019)\nREASON: No objective functional improvement from the prior "
            "injection.\n\nITEM 2: Aquatic therapy x 8 visits (2x4), lumbar\nDECISION: CERTIFY\n"
            "REASON: Reduced weight bearing is needed.\n\nCASE SUMMARY\n51 yo M warehouse order "
            "picker, DOI 04/22/2019: twisted lifting a case of bottled water.\nDx: L5-S1 disc "
            "protrusion w/ L S1 radiculopathy; morbid obesity (BMI 44).\n\nIMR: the employee may "
            "request Independent Medical Review of a non-certified item within 30 days.\n")
    letter = split(clean(decode(text.encode(), "ur.txt")), "ur.txt")
    assert [(i.name, i.outcome) for i in letter.items] == [
        ("Repeat L L5-S1 TFESI x1", "non-certified"),
        ("Aquatic therapy x 8 visits (2x4), lumbar", "certified")]
    assert "morbid obesity" in letter.summary_text
    assert "may request Independent" not in letter.summary_text


def test_a_table_cell_wrapped_onto_the_rows_under_it():
    """A service's cell wrapped onto the next row of a ruled table, its other cells blank
    ("| 1 | Right L5-S1 transforaminal epidural steroid | CERTIFIED |" then "|   | injection
    x1 |  |"): one item, its whole name."""
    layout, items = _read(
        LETTERHEAD + "NOTICE OF UTILIZATION REVIEW DETERMINATION\n\n"
        "| # | Requested Service                          | Determination      | Guideline |\n"
        "| 1 | Right L5-S1 transforaminal epidural steroid | CERTIFIED          | MTUS p. 46 |\n"
        "|   | injection x1                               |                    | ESIs       |\n"
        "| 2 | Physical therapy lumbar spine 2x4 (8 visits) | MODIFIED: 2 visits | MTUS p. 98 |\n"
        "|   |                                            | certified          |            |\n"
        "| 3 | LSO back brace, purchase                   | NON-CERTIFIED      | ACOEM 301  |\n"
        + SUMMARY)
    assert layout == "ur-determination"
    assert items == [("Right L5-S1 transforaminal epidural steroid injection x1", "certified"),
                     ("Physical therapy lumbar spine 2x4 (8 visits)", "modified"),
                     ("LSO back brace, purchase", "non-certified")]


def test_a_decision_cell_that_goes_on_with_the_part_certified():
    layout, items = _read(
        LETTERHEAD + "UTILIZATION REVIEW DETERMINATION\n\n"
        "Line | Service requested                       | Qty | Outcome\n"
        "-----+-----------------------------------------+-----+---------------------------\n"
        " 1   | Right L4-5 transforaminal ESI (64483)   |  1  | Certified\n"
        " 2   | Physical therapy, lumbar, 2x6           | 12  | Modified: 4 visits certified, "
        "8 non-certified\n" + SUMMARY)
    assert items == [("Right L4-5 transforaminal ESI (64483)", "certified"),
                     ("Physical therapy, lumbar, 2x6", "modified")]


def test_items_pointing_by_an_arrow_to_their_action():
    layout, items = _read(
        LETTERHEAD + "UTILIZATION REVIEW DETERMINATION\n\nREQUESTS AND DECISIONS\n\n"
        "(1) Bilateral L4-5 and L5-S1 lumbar medial branch blocks      -> CERTIFIED\n"
        "(2) Chiropractic treatment, lumbar, 2x6 (12 visits)           -> MODIFIED to 6 visits\n"
        "(3) TENS unit, purchase                                       => NON-CERTIFIED\n"
        + SUMMARY)
    assert items == [("Bilateral L4-5 and L5-S1 lumbar medial branch blocks", "certified"),
                     ("Chiropractic treatment, lumbar, 2x6 (12 visits)", "modified"),
                     ("TENS unit, purchase", "non-certified")]
