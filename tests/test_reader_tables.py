"""Tables whose columns give each row's meaning, as EHR exports and PDF-to-text tools leave
them: a review of systems with a "Y" and an "N" column (a mark under "N" denies the row: read
by the sentence reader, "Bowel/bladder   N" named the symptom and approved an MRI), and an
examination table of one side ("KNEE EXAM   L": "locking/giving way   denies"). Also from the
same work: a screen "detected hydrocodone and diazepam, both prescribed, and nothing else", a
drug "refilled monthly since" (a past refill asks for nothing), and what a worker "can do"
with the medication."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

HEAD = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)\nDate of injury: 03/03/2017\n"
        "Date of exam: 08/07/2018\n\nDIAGNOSES: cervical radiculopathy; lumbar strain.\n\n")
PLAN = "\nPLAN:\n1. MRI of the lumbar spine.\n"


def _findings(kb, table: str) -> set[tuple[str, bool, str | None]]:
    read = read_letter((HEAD + table + PLAN).encode(), "grid.txt", kb.terms)
    return {(f.concept.removeprefix(TERM), f.props["present"], f.props.get("side"))
            for f in read.extracted.facts if f.kind == "finding"}


# the answer letter under its column, an "X" under either, a tick, indented rows, words
@pytest.mark.parametrize("table", [
    "ROS 08/07/2018          Y   N\n"
    "Neck stiffness          Y\n"
    "Bowel/bladder               N\n"
    "Weakness R leg              N\n",
    "REVIEW OF SYSTEMS (08/07/2018)         Y    N\n"
    "Bladder/bowel incontinence                  X\n"
    "Leg weakness                                X\n"
    "Muscle spasm                           X\n",
    "  Systems reviewed 08/07/2018     Yes   No\n"
    "    bowel or bladder incontinence        \u2713\n"
    "    weakness in the legs                 \u2713\n"
    "    spasm                        \u2713\n",
    "Symptom checklist      Pos    Neg\n"
    "Saddle numbness               X\n"
    "Leg weakness                  X\n"
    "Muscle spasm           X\n",
])
def test_a_mark_under_the_no_column_denies_its_row(kb, table):
    found = _findings(kb, table)
    assert ("CaudaEquinaSigns", True, None) not in found
    assert any(c == "CaudaEquinaSigns" and not present for c, present, _ in found), found
    assert not any(c == "MotorWeakness" and present for c, present, _ in found), found


def test_a_mark_under_the_yes_column_affirms_its_row(kb):
    found = _findings(kb, "ROS 08/07/2018          Y   N\n"
                          "Muscle spasm            X\n"
                          "Bowel/bladder               X\n")
    assert ("MuscleSpasm", True, None) in found
    assert ("CaudaEquinaSigns", False, None) in found


def test_a_row_side_is_read_from_its_label(kb):
    found = _findings(kb, "ROS 08/07/2018          Y   N\nWeakness R leg              N\n")
    assert ("MotorWeakness", False, "Right") in found


def test_the_heading_dates_the_answers(kb):
    read = read_letter((HEAD + "Earlier, on 01/02/2018, he was seen.\n\n"
                        "ROS 08/07/2018          Y   N\nBowel/bladder               N\n"
                        + PLAN).encode(), "grid.txt", kb.terms)
    [row] = [f for f in read.extracted.facts if f.kind == "finding"
             and f.concept == TERM + "CaudaEquinaSigns"]
    assert str(row.props["on_date"]) == "2018-08-07"


@pytest.mark.parametrize("heading", ["KNEE EXAM 04/09/2024    L", "Exam, left knee    Lt",
                                     "PHYSICAL EXAMINATION     Left"])
def test_an_examination_table_of_one_side(kb, heading):
    found = _findings(kb, heading + "\neffusion                none\nMcMurray                neg\n"
                                    "locking/giving way      denies\n")
    assert {("KneeEffusion", False, "Left"), ("McMurrayPositive", False, "Left"),
            ("MechanicalKneeSymptoms", False, "Left")} <= found
    assert not any(present for _, present, _ in found), found


def test_a_lone_letter_after_a_heading_that_names_no_examination_is_no_side(kb):
    found = _findings(kb, "MEDICATIONS    L\nMuscle spasm    none\n")
    assert not any(side == "Left" for _, _, side in found), found


def test_a_row_marked_in_both_columns_answers_nothing(kb):
    found = _findings(kb, "ROS 08/07/2018          Y   N\nBowel/bladder           Y   N\n")
    assert not any(c == "CaudaEquinaSigns" and not present for c, present, _ in found), found


@pytest.mark.parametrize("said", [
    "A urine drug screen on 11/04/2024 detected hydrocodone and diazepam, both prescribed, "
    "and nothing else.",
    "Urine drug screen 11/04/2024: hydrocodone detected, which is prescribed.",
    "UDS 11/04/2024 showed hydrocodone and no other substances.",
])
def test_a_screen_that_found_only_what_is_prescribed_is_consistent(kb, said):
    read = read_letter((HEAD + said + "\n" + PLAN).encode(), "uds.txt", kb.terms)
    [screen] = [f for f in read.extracted.facts if f.kind == "assessment"]
    assert screen.props["assessment_result"].endswith("Consistent")
    assert not screen.props["assessment_result"].endswith("Inconsistent")


def test_a_screen_with_a_drug_not_prescribed_stays_inconsistent(kb):
    read = read_letter((HEAD + "UDS 11/04/2024 showed oxycodone, which was not prescribed, "
                        "and nothing else.\n" + PLAN).encode(), "uds.txt", kb.terms)
    [screen] = [f for f in read.extracted.facts if f.kind == "assessment"]
    assert screen.props["assessment_result"].endswith("#Inconsistent")


@pytest.mark.parametrize("said", [
    "Diazepam 5 mg at bedtime was added by another physician on 08/21/2023 for back spasms and "
    "has been refilled monthly since.",
    "Diazepam 5 mg at bedtime was started on 08/21/2023 and was refilled in October.",
])
def test_a_past_refill_asks_for_nothing(kb, said):
    read = read_letter((HEAD + said + "\n" + PLAN).encode(), "rx.txt", kb.terms)
    assert [f.concept.removeprefix(TERM) for f in read.extracted.facts
            if f.kind == "medication"] == ["Diazepam"]


@pytest.mark.parametrize("said", [
    "Norco was started in 2020. With the medication he can do his own grocery shopping.",
    "Norco was started in 2020; with it she can drive to the store and cook.",
    "Norco was started in 2020. He now shops and mows his lawn, none of which he could do "
    "before it was started.",
    "She reported that with naproxen she was walking 40 minutes a day.",
    "Naproxen 500 mg twice a day was started in 2024; she has resumed her full bus route.",
])
def test_what_the_worker_can_do_with_the_drug_is_a_functional_gain(kb, said):
    read = read_letter((HEAD + said + "\n" + PLAN).encode(), "rx.txt", kb.terms)
    [drug] = [f for f in read.extracted.facts if f.kind == "medication"]
    assert drug.props.get("response", "").endswith("FunctionalImprovement")


def test_a_side_table_row_in_short_words_is_no_answer_heading(kb):
    found = _findings(kb, "  Finding         Right        Left\n"
                          "  Tinel           pos          neg\n"
                          "  Phalen          pos          neg\n")
    assert {("TinelSignWrist", True, "Right"), ("TinelSignWrist", False, "Left"),
            ("PhalenSign", True, "Right"), ("PhalenSign", False, "Left")} <= found


@pytest.mark.parametrize("said", [
    "She was given acetaminophen 500 mg three times a day; NSAIDs were avoided because of the "
    "ulcer history.",
    "NSAIDs have been withheld since her bleed in 2012; she takes acetaminophen 500 mg.",
    "She avoids anti-inflammatory drugs because of a prior bleed and takes acetaminophen 500 mg.",
])
def test_a_drug_avoided_is_not_taken(kb, said):
    read = read_letter((HEAD + said + "\n" + PLAN).encode(), "rx.txt", kb.terms)
    taken = {f.concept.removeprefix(TERM) for f in read.extracted.facts
             if f.kind in ("medication", "prior")}
    assert "NSAID" not in taken and "Acetaminophen" in taken


@pytest.mark.parametrize("said", [
    "A urine drug screen collected on 07/30/2019 was positive for alprazolam, which had not "
    "been prescribed by any of her physicians.",
    "UDS 07/30/2019 detected alprazolam and cannabinoids; she had not been prescribed either.",
])
def test_what_a_screen_found_is_no_course(kb, said):
    read = read_letter((HEAD + said + "\n" + PLAN).encode(), "uds.txt", kb.terms)
    assert not [f for f in read.extracted.facts if f.kind in ("medication", "prior")]
    [screen] = [f for f in read.extracted.facts if f.kind == "assessment"]
    assert screen.props["assessment_result"].endswith("#Inconsistent")


@pytest.mark.parametrize("said", [
    "He takes naproxen daily and has no gastrointestinal complaints.",
    "She denies gastrointestinal symptoms on naproxen.",
])
def test_gastrointestinal_complaints_denied(kb, said):
    found = _findings(kb, said + "\n")
    assert ("GastrointestinalSymptom", False, None) in found


def test_a_side_heading_without_a_label_cell(kb):
    found = _findings(kb, "Neurological examination, 08/07/2018\n"
                          "             Right    Left\n"
                          "SLR          neg      pos 40 deg\n"
                          "Sensation    intact   decr. lateral foot (S1)\n")
    assert {("PositiveStraightLegRaise", False, "Right"),
            ("PositiveStraightLegRaise", True, "Left"),
            ("DermatomalSensoryLoss", False, "Right"),
            ("DermatomalSensoryLoss", True, "Left")} <= found


@pytest.mark.parametrize("said", [
    "ROS: bowel/bladder change - N; fever - N; wt loss - N.",
    "Review of systems: bowel or bladder incontinence: N, fever: N.",
    "Saddle anesthesia - N; fever - N.",
])
def test_a_checklist_answered_n_after_its_row(kb, said):
    found = _findings(kb, said + "\n")
    assert not any(present for c, present, _ in found
                   if c in ("CaudaEquinaSigns", "SuspectedInfection")), found
    assert any(c == "SuspectedInfection" and not present for c, present, _ in found), found


MED_TABLES = [
    "Medications\n"
    "Drug              Strength  Directions        Started      Status\n"
    "cyclobenzaprine   7.5 mg    1 tab TID         10/20/2015   active\n"
    "ibuprofen         600 mg    1 tab TID         09/2014      stopped 12/2014 - GI upset\n"
    "  tramadol        50 mg     1 tab q6h prn     --           never filled\n",
    "Medication list (printed 04/18/2017)\n"
    "| Drug            | Dose    | Sig        | Start      | Status |\n"
    "|-----------------|---------|------------|------------|--------|\n"
    "| Cyclobenzaprine | 7.5 mg  | 1 TID      | 10/20/2015 | Active |\n"
    "| Ibuprofen       | 600 mg  | 1 TID      | 09/01/2014 | D/C    |\n"
    "| Tramadol        | 50 mg   | 1 q6h      |            | (requested) |\n",
    # under a heading the sentences do not take for a medication list
    "RX PROFILE              strength   sig             fill start   status\n"
    "cyclobenzaprine         7.5 mg     1 TID           10/20/2015   ACTIVE\n"
    "ibuprofen               600 mg     1 TID           09/2014      D/C 12/2014\n"
    "tramadol                50 mg      1 q6h prn       (requested)\n",
]


@pytest.mark.parametrize("table", MED_TABLES)
def test_a_medication_table_s_start_and_status_columns(kb, table):
    # (injured before the courses began: a course before the injury is another episode's)
    text = HEAD.replace("03/03/2017", "01/02/2014") + table + "\nSeen 03/08/2016.\n" + PLAN
    read = read_letter(text.encode(), "meds.txt", kb.terms)
    courses = {f.concept.removeprefix(TERM): f for f in read.extracted.facts
               if f.kind in ("medication", "prior")}
    assert "Tramadol" not in courses  # never filled, or only requested
    flexeril, ibuprofen = courses["Cyclobenzaprine"], courses["Ibuprofen"]
    assert flexeril.kind == "medication" and str(flexeril.props["start"]) == "2015-10-20"
    assert ibuprofen.kind == "prior"  # stopped


def test_a_medication_table_ends_at_the_prose_after_it(kb):
    table = MED_TABLES[0].replace("  tramadol        50 mg     1 tab q6h prn     --           "
                                  "never filled\n", "")
    read = read_letter((HEAD + table + "She takes no aspirin or blood thinners and reported no "
                        "stomach upset.\n" + PLAN).encode(), "meds.txt", kb.terms)
    assert "Aspirin" not in {f.concept.removeprefix(TERM) for f in read.extracted.facts
                             if f.kind in ("medication", "prior")}


def test_a_table_s_last_row_does_not_run_into_the_statement_after_it(kb):
    """The row's "denies" had negated the drug the next paragraph credits."""
    text = (HEAD + "Meloxicam 15 mg daily was started on 12/05/2022.\n\n"
            "KNEE EXAM 04/09/2024    L\neffusion                none\n"
            "locking/giving way      denies\nflexion                 0-115\n\n"
            "On 04/09/2024, the surgeon documented that on meloxicam she completes her full "
            "cooking shifts standing.\n\nPLAN:\n1. Meloxicam 15 mg #30.\n")
    read = read_letter(text.encode(), "knee.txt", kb.terms)
    [drug] = [f for f in read.extracted.facts if f.kind == "medication"]
    assert drug.props.get("response", "").endswith("FunctionalImprovement")


@pytest.mark.parametrize("grid", [
    "Exam findings by visit\n"
    "VISIT       Allodynia  Spasm  Wrist ROM (flex/ext)\n"
    "01/12/2016  Y          N      30 / 20\n"
    "03/08/2016  Y                 30 / 15\n",
    "Date        Allodynia  Muscle spasm\n"
    "01/12/2016  yes        no\n"
    "03/08/2016  yes\n",
])
def test_a_grid_of_findings_by_visit(kb, grid):
    read = read_letter((HEAD + grid + PLAN).encode(), "grid.txt", kb.terms)
    found = {(f.concept.removeprefix(TERM), f.props["present"], str(f.props["on_date"]))
             for f in read.extracted.facts if f.kind == "finding"}
    assert {("Allodynia", True, "2016-01-12"), ("Allodynia", True, "2016-03-08"),
            ("MuscleSpasm", False, "2016-01-12")} <= found
    assert not any(c == "MuscleSpasm" and present for c, present, _ in found), found


@pytest.mark.parametrize("said", [
    "The MRI of 11/15/2018 shows no root contact, so radiculopathy is not corroborated.",
    "The physician requests electrodiagnostic testing of both arms to sort out radiculopathy "
    "versus peripheral entrapment.",
])
def test_radiculopathy_not_corroborated(kb, said):
    found = _findings(kb, said + "\n")
    assert not any(c == "RadiculopathyCorroborated" and present for c, present, _ in found)
