"""Progress notes as clinic EHRs export them, and the papers around them: orders listed by order
number ("ORD 44120871 [Rx] ...", "[ORD-1] ..."), under "Orders this visit:" one to a line, or
by problem under a "Treatment" heading; the UR decisions an addendum, log or tracking table
records after the plan ("Norco 10/325 #120: MODIFIED to #60", "C5-6 ILESI x1 ...... Non-
certified"); a fax machine's time-stamped banner on every page; and the facts such notes tell
their own way. Written as the held-out authors wrote them and in variants, with the cases that
must stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reasoner.reader.clean import clean, decode
from reasoner.reader.layout import split
from reasoner.reader.letter import read_letter
from reasoner.reader.lexicon import lexicon_for
from reasoner.reader.responses import response_of
from reasoner.vocab import TERM


def _letter(text: str):
    return split(clean(decode(text.encode(), "note.txt")), "note.txt")


def _items(text: str) -> list[tuple[str, str | None]]:
    return [(i.name, i.outcome) for i in _letter(text).items]


def _facts(kb, text: str, kind: str) -> list[tuple[str, dict]]:
    read = read_letter(text.encode(), "note.txt", lexicon_for(kb.terms).terms)
    return [(f.concept.removeprefix(TERM), f.props) for f in read.extracted.facts
            if f.kind == kind]


_NOTE = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)\nVisit Date: 03/18/2014\n\n"
         "HISTORY OF PRESENT ILLNESS:\n42 y.o. male with low back pain since a lifting injury "
         "on 09/14/2012. No early refill requests or lost prescriptions.\n\n"
         "MEDICATION RECONCILIATION\n  Medication        Sig                 Start        Status\n"
         "  Norco 10/325      1 tab PO q6h prn    11/20/2012   Active - refill today\n\n")


@pytest.mark.parametrize("orders", [
    # (the held-out author's: an order number, then the kind of order in brackets)
    "PLAN / ORDERS\n  ORD 44120871  [Rx]   Norco 10/325 mg #120, 1 PO q6h prn pain, 0 RF\n"
    "  ORD 44120872  [Ref]  Chiropractic manipulation, lumbar spine, 2x/wk x 3 wks (6 visits)\n"
    "  ORD 44120873  [DME]  TENS unit - PURCHASE, with electrodes/supplies\n"
    "  RFA (DWC Form RFA) faxed to Golden State Claims 03/18/2014.\n",
    # ... numbered in brackets
    "PLAN / ORDERS\n[ORD-1] Norco 10/325 mg #120, 1 PO q6h prn pain.\n"
    "[ORD-2] Chiropractic manipulation, lumbar spine, 2x/wk x 3 wks (6 visits).\n"
    "[ORD-3] TENS unit - purchase.\n",
    # ... one to a line under "Orders this visit:", sub-headings and notes between
    "Assessment and Plan\n  1. Lumbago (M54.5)\n  2. Long term (current) use of opiate "
    "analgesic (Z79.891)\n  Orders this visit:\n    Norco 10/325 mg tablet - 1 by mouth every 6 "
    "hours as needed. Dispense: 120 tablet. Refills: 0.\n    Chiropractic manipulation, "
    "lumbar [REF188] - 6 visits\n    TENS UNIT PURCHASE [DME412] (HCPCS E0730)\n"
    "  Discussed tapering; patient not ready.\n  RFA for Norco #120, chiropractic and TENS "
    "sent 3/18/2014.\n",
])
def test_orders_by_number_or_one_to_a_line_are_the_requests(orders):
    names = [name.lower() for name, _ in _items(_NOTE + orders)]
    assert len(names) == 3
    assert "norco" in names[0] and "chiropractic" in names[1] and "tens" in names[2]


def test_a_plan_by_problem_asks_for_the_orders_under_each_problem():
    text = _NOTE + (
        "Assessments\n  1. Impingement syndrome of right shoulder - M75.41 (Primary)\n\n"
        "Treatment\n  1. Impingement syndrome of right shoulder\n"
        "    Imaging: MRI shoulder without contrast, right (CPT 73221) - weakness persists.\n"
        "    Procedure: Subacromial injection, right shoulder - 40 mg Kenalog.\n"
        "  2. Strain of right rotator cuff\n"
        "    Start Lidoderm 5 % Patch, apply 1 patch 12 hours on / 12 hours off, 30 Patch\n"
        "  Notes: RFA sent 05/10/2016 for MRI, injection and Lidoderm.\n\nFollow Up\n  4 Weeks\n")
    names = [name for name, _ in _items(text)]
    assert [n.split()[0] for n in names] == ["MRI", "Subacromial", "Start"]


@pytest.mark.parametrize(("log", "decided"), [
    # (an addendum's bullets, the action after a colon)
    ("ADDENDUM 03/27/2014 09:05\nUR determination rec'd from Golden State Claims dated "
     "03/26/2014:\n  - Norco 10/325 #120: MODIFIED to #60 for weaning\n"
     "  - Chiropractic x6, lumbar: CERTIFIED\n  - TENS unit purchase: NON-CERTIFIED\n",
     "03/26/2014"),
    # ... dotted leaders, capitalized
    ("Received UR decision letter from Redlands Mutual, decision date 3/26/2014.\n"
     "  Norco 10/325 #120 .................. Modified - #60 authorized\n"
     "  Chiropractic x6 .................... Certified\n"
     "  TENS unit (home) ................... Non-certified\n", "3/26/2014"),
    # ... a tracking table, its date on each row
    ("AUTHORIZATION TRACKING\n  Item                    UR decision     Date        UR ref\n"
     "  Norco 10/325 #120       Modified        03/26/2014  CCS-19-88410\n"
     "  Chiropractic x6         Approved        03/26/2014  CCS-19-88410\n"
     "  TENS unit purchase      Denied          03/26/2014  CCS-19-88410\n", "03/26/2014"),
])
def test_the_ur_decisions_logged_after_the_plan_are_the_requests_actions(log, decided):
    text = _NOTE + ("PLAN / ORDERS\n[ORD-1] Norco 10/325 mg #120, 1 PO q6h prn pain.\n"
                    "[ORD-2] Chiropractic manipulation, lumbar spine, 2x/wk x 3 wks.\n"
                    "[ORD-3] TENS unit - purchase.\n\nElectronically signed 03/18/2014\n"
                    "----------------------------------------------------------\n") + log
    letter = _letter(text)
    assert [i.outcome for i in letter.items] == ["modified", "certified", "non-certified"]
    assert letter.header["ur_decision_date"] == decided


def test_a_decision_told_in_a_sentence_is_no_log_and_a_plan_without_one_is_undecided():
    text = _NOTE + ("PLAN / ORDERS\n[ORD-1] Chiropractic manipulation, lumbar spine, 2x/wk x 3 "
                    "wks.\n[ORD-2] TENS unit - purchase.\nThe prior chiropractic visits were "
                    "certified in 2013.\n")
    assert [o for _, o in _items(text)] == [None, None]
    assert "ur_decision_date" not in _letter(text).header


@pytest.mark.parametrize("banner", [
    "10/24/2019  11:3{n}  FAX 6195550116   SOUTHBAY PAIN & SPINE ASSOC            [00{n}/006]",
    "MAY-19-2016 10:4{n}A  FROM:LAW OFFICES RUIZ & HAMMOND   8185550122      TO:7145550190"
    "         P.{n}",
    "03/31/2014 09:1{n}  FROM: GOLDEN POPPY CLAIMS SVCS  916-555-0171  TO: 5105550198        "
    "          P. {n}/6",
])
def test_a_fax_banner_on_every_page_is_no_part_of_the_sentence_it_cuts(banner):
    pages = [banner.format(n=n) for n in (2, 3, 4)]
    text = (f"{pages[0]}\nThe injured worker is a 49-year-old HVAC installer.\n{pages[1]}\n"
            "Urine drug screens were collected on\n"
            f"{pages[2]}\n10/02/2018, 01/08/2019 and 07/16/2019; all were consistent.\n")
    cleaned = clean(text).text
    assert "FAX 6195550116" not in cleaned and "FROM:" not in cleaned
    assert "collected on\n10/02/2018" in cleaned


def test_a_field_repeated_with_other_dates_stays():
    # (a record's heading repeated for two reports is no page's banner)
    text = ("From the MRI report dated 06/14/2016:\n   Disc bulge at L4-5.\n"
            "From Dr. Antonopoulos's progress report dated 01/10/2017:\n   Pain 6/10.\n"
            "From Dr. Antonopoulos's progress report dated 04/18/2017:\n   Pain 4/10.\n")
    assert clean(text).text.count("progress report dated") == 2


@pytest.mark.parametrize(("said", "present"), [
    ("She was assessed as moderate risk on the Opioid Risk Tool and is not considered high "
     "risk.", False),
    ("He is not considered to be at high risk.", False),
    ("He was not deemed high risk.", False),
    ("She is not regarded as high risk for misuse.", False),
    # (what stays)
    ("She was considered high risk because of a prior substance use disorder.", True),
    ("He is high risk on the ORT.", True),
])
def test_a_judgment_not_made_denies_what_follows(kb, said, present):
    found = [p for c, p in _facts(kb, _NOTE + said + "\n\nPLAN:\n1. Urine drug screen.\n",
                                  "finding") if c == "HighMisuseRisk"]
    assert [p.get("present", True) for p in found] == [present]


@pytest.mark.parametrize(("said", "expected"), [
    ("ibuprofen cut from 3 tablets a day to 1; now drives 45 minutes without stopping (was 15)",
     "FunctionalImprovement"),
    ("Norco use has been reduced from six pills a day to two", "FunctionalImprovement"),
    ("walked 6 blocks (previously 2)", "FunctionalImprovement"),
    ("sits through a full 8-hour shift (was 4 hours)", "FunctionalImprovement"),
    ("W/ Norco he walks his dog 2 miles/day (was 2 blocks before)", "FunctionalImprovement"),
    ("walks 1 mile instead of 10 blocks", "FunctionalImprovement"),
    ("walking tolerance 1 mile (previously 10 blocks)", "FunctionalImprovement"),
    ("sitting tolerance 20 minutes (was 1 hour)", "Worsened"),
    ("now drives 10 minutes (was 45)", "Worsened"),
    # (what stays: a prescriber's change, a figure of another kind)
    ("the dose was reduced from 3 capsules to 2 for sedation", None),
    ("his dose was reduced from three tablets to two because of drowsiness", None),
])
def test_a_gain_told_by_the_figure_it_was_or_the_tablets_cut(said, expected):
    assert response_of(said) == expected


def test_a_treatment_table_counts_under_a_number_sign_column(kb):
    text = _NOTE.replace("MEDICATION RECONCILIATION", "PRIOR CARE\n"
                         "| Treatment | Dates | # visits | Response |\n"
                         "| Acupuncture | 11/03/2013 to 12/12/2013 | 6 | ibuprofen cut from 3 "
                         "tablets a day to 1; now drives 45 minutes (was 15) |\n\n"
                         "MEDICATION RECONCILIATION") + "PLAN:\n1. Acupuncture x6.\n"
    told = [p for c, p in _facts(kb, text, "prior") if c == "Acupuncture"]
    assert told[0]["sessions"] == 6
    assert told[0]["response"].endswith("FunctionalImprovement")


@pytest.mark.parametrize("notes", [
    # (the held-out author's: dated notes of the course, then the one that counts it)
    "Records reviewed:\n- 12/28/2021 post-operative PT note (visit 4): knee flexion 80 degrees.\n"
    "- 01/14/2022 PT note: flexion 98 degrees; transitioned to a single-point cane.\n"
    "- 01/31/2022 PT progress report: 12 of 12 authorized visits completed; flexion 112 "
    "degrees.\n",
    # ... the notes' days, then the course with its start and count
    "Records reviewed:\n- Physical therapy daily notes and re-evaluation dated 12/20/2021 "
    "through 01/31/2022\nPost-operative physical therapy began on 12/20/2021; the initial 12 "
    "visits were completed on 01/31/2022.\n",
])
def test_notes_of_a_counted_course_are_its_visits(kb, notes):
    text = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 02/08/2022\nHISTORY:\n"
            "Treatment before surgery included physical therapy and meloxicam.\nOn 11/30/2021 "
            "he underwent a left total knee arthroplasty.\n" + notes +
            "\nPLAN:\n1. Post-operative physical therapy left knee 3x4.\n")
    courses = [p for c, p in _facts(kb, text, "prior")
               if c == "PostsurgicalPhysicalTherapy"]
    assert [p["sessions"] for p in courses] == [12]


@pytest.mark.parametrize(("said", "start"), [
    ("On 5/2/17 she underwent a right open carpal tunnel release; she was discharged the same "
     "day with Norco 5/325 one every 6 hours as needed, #20.", dt.date(2017, 5, 2)),
    ("On 12/03/2024 he underwent a microdiscectomy and was sent home the same day with Norco "
     "5/325 mg, one every 6 hours as needed, #30.", dt.date(2024, 12, 3)),
])
def test_a_drug_sent_home_with_or_ordered_that_day_starts_then(kb, said, start):
    text = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 02/08/2025\nHISTORY:\n"
            + said + "\n\nPLAN:\n1. Retro: Norco 5/325 #20.\n")
    told = [p for c, p in _facts(kb, text, "medication") if c == "HydrocodoneAcetaminophen"]
    assert told[0]["start"] == start


def test_a_requested_drug_stopped_ends_its_course_and_another_keeps_its_past_course(kb):
    text = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 12/20/2024\nHISTORY:\n"
            "On 12/03/2024 he underwent a microdiscectomy and was sent home the same day with "
            "oxycodone 5 mg every 6 hours, #30, and naproxen 500 mg twice a day. He had used 22 "
            "of the 30 oxycodone tablets and had stopped them on 12/12/2024. The naproxen was "
            "stopped on 12/15/2024 because it did nothing.\n\nPLAN:\n1. Retrospective: "
            "Oxycodone 5mg #30, date of service 12/03/2024.\n")
    oxycodone = [(p.get("start"), p.get("end")) for c, p in _facts(kb, text, "medication")
                 if c == "Oxycodone"]
    assert oxycodone == [(dt.date(2024, 12, 3), dt.date(2024, 12, 12))]
    assert not [c for c, _ in _facts(kb, text, "prior") if c == "Oxycodone"]
    assert [c for c, _ in _facts(kb, text, "prior") if c == "Naproxen"] == ["Naproxen"]


def test_a_drug_in_the_orders_of_a_day_starts_that_day(kb):
    path = (Path(__file__).parent / "reader/corpus/heldout-st" /
            "006-imr-2020-retro-rcr-cold-unit-cpm-percocet.txt")
    read = read_letter(path.read_bytes(), path.name, lexicon_for(kb.terms).terms)
    starts = [f.props.get("start") for f in read.extracted.facts
              if f.kind == "medication" and f.concept == TERM + "Oxycodone"]
    assert starts == [dt.date(2020, 1, 14)]  # "post-operative orders dated 01/14/2020 include"


def test_a_note_copied_from_another_visit_dates_its_facts_and_the_exam_is_todays(kb):
    text = ("OFFICE VISIT NOTE - WORKERS' COMPENSATION (PR-2)\nDOS: 09/18/2018   Provider: M. "
            "Okonkwo-Hale, MD\n\nSUBJECTIVE\n[Auto-populated from previous visit 08/07/2018 - "
            "verified today]\nShe has numbness in the right thumb and index finger.\n[End "
            "auto-populated text]\nToday: symptoms unchanged. Carpal tunnel injection declined "
            "when offered 06/12/2018.\n\nEXAMINATION\nCervical: Spurling negative.\n"
            "                       RIGHT    LEFT\nTinel at carpal tunnel  +        +\n"
            "Phalen (60 s)           + (20 s) + (45 s)\nDurkan compression      +        -\n\n"
            "PLAN / ORDERS\n[ORD-1] Right open carpal tunnel release (CPT 64721).\n")
    found = _facts(kb, text, "finding")
    told = {(c, p.get("side"), p["present"], p.get("on_date")) for c, p in found}
    day = dt.date(2018, 9, 18)
    assert {("TinelSignWrist", "Right", True, day), ("TinelSignWrist", "Left", True, day),
            ("PhalenSign", "Right", True, day), ("CarpalTunnelClinicalSign", "Right", True, day),
            ("PositiveSpurlingTest", None, False, day)} <= told


@pytest.mark.parametrize("said", [
    "Pt notified by phone.", "Pt returns for re-exam.", "pt tolerated the visit well."])
def test_pt_opening_a_statement_is_the_patient(kb, said):
    assert not [c for c, _ in _facts(kb, _NOTE + said + "\n\nPLAN:\n1. Norco #60.\n", "prior")
                if c == "PhysicalTherapy"]


def test_pt_counted_is_still_the_therapy(kb):
    text = _NOTE + "PT x8 through his employer's clinic without benefit.\n\nPLAN:\n1. Norco #60.\n"
    assert [p["sessions"] for c, p in _facts(kb, text, "prior") if c == "PhysicalTherapy"] == [8]


def test_what_was_had_told_in_the_plan_is_a_course_and_one_told_before_is_it(kb):
    text = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 03/11/2014\nSubjective:\n"
            "Pt returns for re-exam after completing his initial course of chiropractic care.\n\n"
            "Treatment Plan:\nPt has completed 6 chiropractic treatments (CMT lumbar, 2x/wk, "
            "01/28/2014 - 02/25/2014) with objective functional gains documented above. Earlier "
            "care: 4 sessions of massage therapy in Dec 2013 and PT x8 with \"not much change\".\n"
            "Request authorization for:\n1. Chiropractic manipulative treatment, lumbar spine, 2x3 "
            "(6 visits)\n")
    courses = {c: p for c, p in _facts(kb, text, "prior")}
    # (one course, not the bare one told first and the counted one)
    assert [c for c, _ in _facts(kb, text, "prior")].count("ManualTherapyManipulation") == 1
    assert courses["ManualTherapyManipulation"]["sessions"] == 6
    assert courses["MassageTherapy"]["sessions"] == 4
    assert courses["PhysicalTherapy"]["sessions"] == 8


def test_a_bulleted_record_entry_with_its_provider_dates_what_it_tells(kb):
    text = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 09/04/2018\nHISTORY:\n"
            "- 09/11/2017, PTP: urine drug screen consistent with hydrocodone.\n"
            "- 03/05/2018, psychiatry: urine drug screen consistent; CURES report appropriate.\n"
            "\nPLAN:\n1. Urine drug screen.\n")
    days = [p.get("on_date") for c, p in _facts(kb, text, "assessment")
            if c == "UrineDrugScreen"]
    assert days == [dt.date(2017, 9, 11), dt.date(2018, 3, 5)]


@pytest.mark.parametrize(("said", "present"), [
    ("Her back pain is 4/10, with resolution of the preoperative leg pain.", False),
    ("There was complete resolution of her numbness after the release.", False),
    # (what stays)
    ("There has been no resolution of the leg pain.", True),
    ("Partial resolution of the numbness was reported.", True),
])
def test_a_symptom_whose_resolution_is_told_is_gone(kb, said, present):
    found = [p["present"] for c, p in _facts(kb, _NOTE + said + "\n\nPLAN:\n1. MRI.\n", "finding")
             if c == "RadicularSymptoms"]
    assert found == [present]


def test_a_ur_appeal_notice_decides_each_item_by_its_appeal():
    text = ("MERIDIAN UTILIZATION MANAGEMENT, INC.\nInternal Appeal Unit\n\nNOTICE OF APPEAL "
            "DETERMINATION\n\nDate of Notice: 02/27/2025\nDate of Injury: 04/18/2023\n\nDear "
            "Dr. Kaplan:\n\nWe have completed the internal appeal.\n\nAPPEAL OUTCOME\n\n"
            "Item 1: Repeat right L5-S1 transforaminal epidural steroid injection, one level\n"
            "   Original determination (02/11/2025): Non-certified\n"
            "   Appeal determination: CERTIFIED - the original determination is reversed.\n\n"
            "Item 2: Cyclobenzaprine 7.5mg #60\n   Original determination (02/11/2025): "
            "Non-certified\n   Appeal determination: NON-CERTIFIED - the original determination "
            "is upheld.\n\nCLINICAL INFORMATION REVIEWED\n\nMr. A is a 52-year-old forklift "
            "operator with low back pain radiating into the right calf.\n\nAPPEAL REVIEWER'S "
            "RATIONALE\n\nItem 1: The request is certified.\n\nItem 2: The original "
            "non-certification is upheld.\n")
    letter = _letter(text)
    assert letter.layout == "ur-determination"
    assert [o for _, o in _items(text)] == ["certified", "non-certified"]


def test_an_attorneys_letter_about_a_review_asks_for_what_it_enumerates():
    text = ("LAW OFFICES OF DELACROIX & HUANG\n\nApril 17, 2019\n\nRe: Applicant: E. Kohl\n"
            "Date of Injury: 05/10/2017\n\nDEMAND FOR IMPLEMENTATION OF INDEPENDENT MEDICAL REVIEW "
            "DETERMINATION\n\nDear Ms. Szabo:\n\nOn 01/15/2019 his primary treating physician "
            "submitted a Request for Authorization for (1) bilateral L4-L5 and L5-S1 diagnostic "
            "medial branch blocks, (2) acupuncture, six sessions, for the lumbar spine, and (3) "
            "a repeat MRI of the lumbar spine. Your vendor non-certified all three items.\n\n"
            "The reviewer OVERTURNED the denials of the blocks and of the acupuncture, and "
            "UPHELD the denial of the MRI.\n\nVery truly yours,\n")
    names = [name for name, _ in _items(text)]
    assert len(names) == 3 and "medial branch" in names[0] and "MRI" in names[2]


def test_a_decision_table_whose_first_cell_wraps_onto_indented_lines():
    text = ("CRESCENT BAY MEDICAL MANAGEMENT\nUtilization Review\n\nRECONSIDERATION "
            "DETERMINATION\n\nDOI: 06/03/2020     RFA dated: 11/10/2020\n"
            "Date of this determination: 12/08/2020\n\n"
            "Dr. Ferreira:\n\nThe results are as follows.\n\n"
            "Service requested                                   Initial review 11/17/2020    "
            "Reconsideration 12/08/2020\n"
            "--------------------------------------------------  ---------------------------  "
            "---------------------------\n"
            "Right shoulder arthroscopy, subacromial             Non-certified                "
            "Non-certified (upheld)\n"
            "  decompression and debridement\n"
            "Subacromial corticosteroid injection, right         Certified                    "
            "Not under reconsideration\n"
            "  shoulder, under ultrasound guidance\n"
            "Cold therapy unit, 14-day rental, post-operative    Non-certified                "
            "Non-certified (upheld)\n\n"
            "SUMMARY OF RECORDS\n\nMr. R is a 52-year-old electrician with right shoulder pain "
            "since 06/03/2020.\n\nRATIONALE\n\nSubacromial decompression is not supported.\n")
    letter = _letter(text)
    assert letter.layout == "ur-determination"
    names = [(name.split(",")[0], outcome) for name, outcome in _items(text)]
    assert names == [("Right shoulder arthroscopy", "non-certified"),
                     ("Subacromial corticosteroid injection", "certified"),
                     ("Cold therapy unit", "non-certified")]
    assert "subacromial decompression and debridement" in letter.items[0].name


@pytest.mark.parametrize(("said", "percent"), [
    ("Her pain went from 7/10 before the block to 1/10 during the first six hours.", 85.7),
    ("The blocks gave a reduction the physician documented as 85%.", 85.0),
    ("She had relief that she rated at 60%.", 60.0),
])
def test_relief_told_from_the_scores_or_as_documented(said, percent):
    from reasoner.reader.relief import reliefs
    assert [r.percent for r in reliefs(said)] == [percent]


@pytest.mark.parametrize(("said", "sessions", "start", "end"), [
    ("Post-op PT 02/02-03/25/16 x12 completed.", 12, dt.date(2016, 2, 2), dt.date(2016, 3, 25)),
    ("PT 01/05/2016 - 02/20/2016 x 8 completed.", 8, dt.date(2016, 1, 5), dt.date(2016, 2, 20)),
])
def test_a_course_counted_after_its_dates(kb, said, sessions, start, end):
    text = _NOTE + said + "\n\nPLAN:\n1. Norco #60.\n"
    [course] = [p for c, p in _facts(kb, text, "prior") if "PhysicalTherapy" in c]
    assert (course["sessions"], course["start"], course["end"]) == (sessions, start, end)
    assert "dose_mg" not in course


def test_a_drug_dispensed_on_the_day_of_surgery_starts_then(kb):
    text = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 01/18/2022\nHISTORY:\n"
            "On 01/10/2022, he underwent right knee arthroscopic partial medial meniscectomy. A "
            "four-day supply of Norco 5/325 mg was dispensed on the day of surgery under the "
            "perioperative fill.\n\nPLAN:\n1. Norco 5/325mg #30.\n")
    starts = [p.get("start") for c, p in _facts(kb, text, "medication")
              if c == "HydrocodoneAcetaminophen"]
    assert starts == [dt.date(2022, 1, 10)]


@pytest.mark.parametrize(("said", "expected"), [
    ("A progress note of 4/12/2021 indicates 'no appreciable change in leg symptoms or walking "
     "distance' on gabapentin; he can walk for about 10 minutes.", "NoImprovement"),
    ("No change in sitting tolerance; he sits 20 minutes.", "NoImprovement"),
    # (what stays)
    ("With gabapentin he now walks 2 miles.", "FunctionalImprovement"),
])
def test_a_tolerance_said_unchanged_is_no_gain_whatever_he_can_do(said, expected):
    assert response_of(said) == expected


def test_a_sign_at_the_elbow_in_a_side_table_is_the_ulnar_nerves(kb):
    text = _NOTE.replace("MEDICATION RECONCILIATION", "EXAMINATION\n"
                         "                       RIGHT    LEFT\n"
                         "Tinel at carpal tunnel  +        +\n"
                         "Tinel at cubital tunnel -        -\n\nMEDICATION RECONCILIATION")
    found = {(c, p["present"]) for c, p in _facts(kb, text + "PLAN:\n1. EMG.\n", "finding")
             if "Tinel" in c or "Ulnar" in c}
    assert ("TinelSignWrist", True) in found and ("UlnarNerveClinicalSign", False) in found
    assert ("TinelSignWrist", False) not in found and ("UlnarNerveClinicalSign", True) not in found


@pytest.mark.parametrize(("said", "expected"), [
    ("her motion improved somewhat, but the pain came back to the same level as soon as she "
     "resumed her regular duties", "SubjectiveImprovement"),
    ("the pain returned once she went back to work", None),
    # (what stays)
    ("Since the injection she has returned to full duty.", "FunctionalImprovement"),
])
def test_a_return_to_work_told_as_a_time_is_no_gain(said, expected):
    assert response_of(said) == expected


def test_a_nurses_double_dashed_lines_are_statements_of_their_own(kb):
    text = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 02/04/2020\nHISTORY:\n"
            "-- Dx: lumbar spinal stenosis L3-5; chronic LBP.\n-- P&S 2016, future med care.\n"
            "-- Meds (per PR-2 01/21/20): oxyIR 15 mg 1 po q6h prn (#120/30d) - on oxycodone "
            "since 2014; alprazolam 0.5 mg qhs (PCP).\n\nPLAN:\n1. Narcan nasal #1.\n")
    meds = {c for c, _ in _facts(kb, text, "medication")}
    assert {"Oxycodone", "Alprazolam"} <= meds


@pytest.mark.parametrize(("said", "told"), [
    ("These findings correlate well with her examination.", True),
    ("The MRI corresponds closely to the exam.", True),
])
def test_imaging_said_to_fit_the_exam_well(kb, said, told):
    text = _NOTE + "The MRI of the right shoulder shows bursitis. " + said + "\n\nPLAN:\n1. MRI.\n"
    assert any(c == "ImagingConcordantWithExam" and p["present"]
               for c, p in _facts(kb, text, "finding")) == told


def test_a_scope_considered_if_a_tear_is_confirmed_is_the_studys_purpose():
    from reasoner.reader.purposes import considered
    assert considered('MRI R knee "would consider scope if tear confirmed"')
    assert not considered("The scope of practice was discussed.")


def test_a_home_stretching_program_is_a_home_exercise_program(kb):
    text = _NOTE + ("She performs the home stretching program given by her physical therapist, "
                    "most days.\n\nPLAN:\n1. Massage x4.\n")
    assert "HomeExerciseProgram" in {c for c, _ in _facts(kb, text, "prior")}


@pytest.mark.parametrize("said", [
    "OBJECTIVE: Ambulates independently without assistive device, gait steady.",
    "Gait is normal.", "Gait: non-antalgic.", "He walks without difficulty.",
])
def test_walking_told_unlimited_where_a_walking_aid_is_asked(kb, said):
    asked = _NOTE + said + "\n\nPLAN:\n1. Front-wheeled walker.\n"
    assert ("MobilityLimitation", False) in {(c, p["present"])
                                             for c, p in _facts(kb, asked, "finding")}
    # (not where nothing asked reads it: a normal gait in every other case is no fact)
    other = _NOTE + said + "\n\nPLAN:\n1. Lumbar MRI.\n"
    assert "MobilityLimitation" not in {c for c, _ in _facts(kb, other, "finding")}


def test_a_limp_or_an_antalgic_gait_stays_a_limitation(kb):
    text = _NOTE + "Gait is antalgic.\n\nPLAN:\n1. Front-wheeled walker.\n"
    assert ("MobilityLimitation", True) in {(c, p["present"])
                                            for c, p in _facts(kb, text, "finding")}
