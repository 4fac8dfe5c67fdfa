"""Courses of treatment told in narrative: what an injection was made with is no medication,
a procedure dated before its name ("On December 4, 2018 she underwent ...") is dated, and what
a therapist's summary records is the therapy's response. Several phrasings each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

T = "https://w3id.org/mtus-kg/term/"


def _facts(kb, history: str, kind: str):
    data = ("PR-2\nDate of exam: 02/19/2019\nDate of injury: 08/11/2016\n"
            f"History: {history}\nDiagnosis: cervical facet arthropathy.\n"
            "Request for authorization: 1. Cervical radiofrequency ablation.\n").encode()
    return [f for f in read_letter(data, "report.txt", kb.terms).extracted.facts
            if f.kind == kind]


@pytest.mark.parametrize("history", [
    "On December 4, 2018 she underwent right C5-C6 medial branch blocks with lidocaine.",
    "Right C5-6 medial branch blocks with 0.5 ml of bupivacaine on 12/04/2018.",
    "A cervical epidural injection using 80 mg of Depo-Medrol was given on 12/04/2018.",
    "She had a subacromial injection of Kenalog and lidocaine on 12/04/2018.",
])
def test_what_an_injection_was_made_with_is_no_medication(kb, history):
    assert not _facts(kb, history, "medication")


def test_a_drug_taken_beside_an_injection_stays_a_medication(kb):
    meds = _facts(kb, "She had medial branch blocks on 12/04/2018. She takes naproxen 500 mg "
                      "twice a day.", "medication")
    assert [f.concept for f in meds] == [T + "Naproxen"]


@pytest.mark.parametrize("history", [
    "On December 4, 2018 she underwent right C5-C6 medial branch blocks.",
    "On 12/04/2018 Dr. Ruiz performed right C5-C6 medial branch blocks.",
    "Dated 12/4/2018, she had right cervical medial branch blocks.",
])
def test_a_procedure_dated_before_its_name(kb, history):
    [block] = [f for f in _facts(kb, history, "prior") if "MedialBranch" in (f.concept or "")]
    assert block.props["on_date"] == dt.date(2018, 12, 4)


@pytest.mark.parametrize("summary", [
    "The therapist's discharge summary records that neck rotation was unchanged at the end.",
    "The therapist's final note says her neck rotation was unchanged.",
    "Her therapist's progress report documents no change in rotation or tolerance.",
])
def test_a_therapist_summary_tells_the_therapy_response(kb, summary):
    [pt] = [f for f in _facts(kb, f"She attended sixteen physical therapy visits in 2017. "
                                  f"{summary}", "prior") if f.concept == T + "PhysicalTherapy"]
    assert pt.props.get("response", "").endswith("NoImprovement")


def test_a_space_injected_is_an_injection_course(kb):
    prior = _facts(kb, "He finished 18 sessions of physical therapy last summer and was no "
                       "better. I injected the subacromial space on 09/10/2019 and he had two "
                       "good weeks, about 60 percent better.", "prior")
    by = {f.concept.rsplit("/", 1)[-1]: f.props for f in prior}
    assert by["PhysicalTherapy"]["sessions"] == 18
    assert by["SubacromialInjection"]["on_date"] == dt.date(2019, 9, 10)
    assert by["SubacromialInjection"]["relief_percent"] == 60


@pytest.mark.parametrize("said, concordant", [
    ("The MRI of 06/02/2019 shows bursitis and no full-thickness tear, which matches what I "
     "see on exam.", {True}),
    ("The MRI of 06/02/2019 shows a partial tear that fits what we find clinically.", {True}),
    ("The MRI of 06/02/2019 shows a small tear, which does not match what I see on exam.",
     {False}),
    # the exam said to fit the imaging, the next sentence about the study, "matching"
    ("Impression: right C6 radiculopathy from a C5-6 herniation, concordant with MRI.", {True}),
    ("Per the surgeon, her findings fit the C5-6 compression on MRI.", {True}),
    ("MRI 06/02/2019: C5-6 herniation compressing the right C6 root. This matches her C6 "
     "symptoms and examination.", {True}),
    ("MRI 06/02/2019 shows a C5-6 herniation, which the surgeon documents as matching her exam.",
     {True}),
    ("MRI 06/02/2019 shows a C5-6 herniation. This does not fit her symptoms.", {False}),
])
def test_imaging_said_to_match_the_exam(kb, said, concordant):
    data = ("PR-2\nDate of exam: 01/14/2020\nDate of injury: 05/14/2018\n"
            f"History: {said}\nDiagnosis: right shoulder impingement.\n"
            "Request for authorization: 1. Right shoulder subacromial decompression.\n").encode()
    read = read_letter(data, "report.txt", kb.terms)
    assert {bool(f.props["present"]) for f in read.extracted.facts if f.kind == "finding"
            and f.concept == T + "ImagingConcordantWithExam"} == concordant


@pytest.mark.parametrize("history, concept, sessions", [
    ("He finished 18 sessions of therapy last summer and was no better.", "PhysicalTherapy", 18),
    ("In March she began acupuncture, and by May she had finished a half-dozen sessions.",
     "Acupuncture", 6),
    ("He completed a dozen visits of physical therapy.", "PhysicalTherapy", 12),
    ("She had twenty-two sessions of physical therapy in 2021.", "PhysicalTherapy", 22),
    ("Physical therapy\t12\t01/10/2022 - 03/30/2022\tlifting limit unchanged",
     "PhysicalTherapy", 12),
])
def test_sessions_counted_in_words_tables_and_plain_therapy(kb, history, concept, sessions):
    prior = [f for f in _facts(kb, history, "prior") if f.concept == T + concept]
    assert [f.props.get("sessions") for f in prior] == [sessions]


@pytest.mark.parametrize("history, concept, total", [
    # a total restated counts the course once (the engine adds up the courses it reads)
    ("She has completed 6 PT visits and can turn her head. PT completed, 8 visits in total.",
     "PhysicalTherapy", 8),
    ("Acupuncture, 3 visits in March and 3 more in April, 6 in all.", "Acupuncture", 6),
    # more told after a course, in the next sentence or the same one, adds to it
    ("She had 8 chiropractic visits in 2019. Then 4 additional chiropractic visits in 2020.",
     "ManualTherapyManipulation", 12),
    ("He attended 6 physical therapy visits in May 2018, then 8 more between 06/03/2018 and "
     "07/26/2018.", "PhysicalTherapy", 14),
    # a visit log: the latest visit's number
    ("She started physical therapy on 04/02/2018. PT visit 1 of 12 on 04/02/2018. PT visit 12 of "
     "12 on 06/11/2018.", "PhysicalTherapy", 12),
    # more asked for is not more had
    ("She completed 6 acupuncture visits in 2018. Dr. Kaplan requested 6 more visits.",
     "Acupuncture", 6),
    ("She completed 6 PT visits in 2018. UR certified a total of 12 visits.",
     "PhysicalTherapy", 6),
    # "total" of a total knee arthroplasty is no total count
    ("She had 6 PT visits in 2017. She then had 12 PT visits after the total knee arthroplasty "
     "in 2018.", "PhysicalTherapy", 18),
])
def test_counts_told_as_a_total_or_as_more(kb, history, concept, total):
    # (the chiropractic of a neck case is read as neck manipulation: any name of it counts)
    prior = [f for f in _facts(kb, history, "prior") if kb.terms.is_a(f.concept, T + concept)
             or kb.terms.is_a(T + concept, f.concept)]
    assert sum(f.props.get("sessions") or 0 for f in prior) == total


@pytest.mark.parametrize("history", [
    "6 sessions of acupuncture were authorized on 12/03/2018; how many were attended is not "
    "stated.",
    "Utilization review certified 8 visits of physical therapy on 11/02/2018.",
    "She was approved for twelve sessions of physical therapy in November 2018.",
])
def test_a_count_granted_is_not_a_count_attended(kb, history):
    assert [f.props.get("sessions") for f in _facts(kb, history, "prior")] in ([None], [])


def test_a_count_attended_after_a_count_granted_is_still_read(kb):
    prior = _facts(kb, "She attended 6 sessions of acupuncture in 2018.", "prior")
    assert [f.props.get("sessions") for f in prior] == [6]


@pytest.mark.parametrize("said", [
    "The therapist wrote that she had plateaued.",
    "Her physical therapist noted that she had plateaued by the last visit.",
])
def test_what_the_therapist_wrote_is_the_therapys_response(kb, said):
    [pt] = [f for f in _facts(kb, f"She attended sixteen physical therapy visits in 2017. "
                                  f"{said}", "prior") if f.concept == T + "PhysicalTherapy"]
    assert pt.props.get("response", "").endswith("NoImprovement")


def test_a_count_of_an_unknown_therapy_makes_no_course(kb):
    assert not _facts(kb, "She finished 6 sessions of llama therapy.", "prior")


@pytest.mark.parametrize("dose, per_day", [("Norco 10/325 q0h", None),
                                           ("Norco 10/325 every 0 hours", None),
                                           ("Norco 10/325 q6h", 4.0),
                                           ("Norco 10/325 every eight hours", 3.0)])
def test_an_interval_of_zero_hours_states_no_frequency(kb, dose, per_day):
    meds = _facts(kb, f"She takes {dose} for pain.", "medication")
    assert [f.props.get("doses_per_day") for f in meds] == [per_day]


@pytest.mark.parametrize("run", ["50% relief, ", "relief with "])
def test_a_run_on_line_of_cues_costs_what_a_line_of_plain_words_does(kb, run):
    """A letter padded with one long line of relief or response cues: every cue used to re-read
    up to 4,000 characters before it (15 s for 80 kB of "50% relief, ", 60 times a line of
    plain words of the same length); now it looks back a bounded distance."""
    import time

    base = Path(__file__).parent.joinpath("letters", "002_overturned_pt_mri.txt").read_text()
    cut = base.find("IMR ISSUES")

    def took(line: str) -> float:
        body = base[:cut] + line * (80_000 // len(line)) + "\n" + base[cut:]
        start = time.perf_counter()
        read_letter(body.encode(), "long.txt", kb.terms)
        return time.perf_counter() - start

    plain = took("walks to the store, ")
    cues = took(run)
    assert cues < 25 * plain, f"plain line {plain:.2f} s, line of {run!r} {cues:.2f} s"


def test_a_course_under_a_treatment_heading_line_keeps_its_name(kb):
    data = ("PR-2\nDate of exam: 07/08/2025\nDate of injury: 01/10/2025\nSubjective\n"
            "Leg numbness/tingling:  [ ] yes  [X] no\nTreatment to date\n"
            "Chiropractic manipulation: 12 visits, 03/04/2025 to 06/24/2025.\n"
            "Diagnosis: lumbar strain.\nRequest for authorization: 1. Massage therapy x6\n")
    prior = [f for f in read_letter(data.encode(), "r.txt", kb.terms).extracted.facts
             if f.kind == "prior"]
    assert [(f.concept.rsplit("/", 1)[-1], f.props.get("sessions")) for f in prior] == [
        ("LowBackManipulation", 12)]


@pytest.mark.parametrize("line, kind, day", [
    ("Imaging: lumbar x-rays 11/02/2023, 5 views -- mild L4-5 disc narrowing, no fracture.",
     "LumbarRadiograph", dt.date(2023, 11, 2)),
    ("Imaging: MRI lumbar spine 01/22/2014 - large right L5-S1 extrusion.", "LumbarMRI",
     dt.date(2014, 1, 22)),
])
def test_a_study_under_an_imaging_label(kb, line, kind, day):
    studies = _facts(kb, line, "study")
    assert [(f.concept.rsplit("/", 1)[-1], f.props["on_date"]) for f in studies] == [(kind, day)]


def test_a_requested_study_with_a_reason_after_a_dash_is_no_study(kb):
    data = ("PR-2\nDate of exam: 05/07/2019\nDate of injury: 01/03/2019\nX-rays: none taken so "
            "far.\nDiagnosis: lumbar strain.\nPlan:\n1. Chiropractic 2x3.\n2. X-rays L-spine, 3 "
            "views (AP, lateral, spot) -- pain > 3 months, none on file.\n")
    facts = read_letter(data.encode(), "r.txt", kb.terms).extracted.facts
    assert not [f for f in facts if f.kind == "study"]


@pytest.mark.parametrize("plan, concept", [
    ("Plan: EMG/NCV bilateral upper extremities to confirm the radiculopathy.",
     "RadiculopathyCorroborated"),
    ("Plan: nerve conduction studies to rule out carpal tunnel syndrome before any release.",
     "ElectrodiagnosticallyConfirmedCTS"),
])
def test_a_study_asked_for_to_confirm_a_condition_confirms_nothing(kb, plan, concept):
    data = ("PR-2\nDate of exam: 03/09/2021\nDate of injury: 09/23/2019\nNumbness of the right "
            f"thumb.\nDiagnosis: right C6 radiculopathy; carpal tunnel syndrome.\n{plan}\n"
            "Request for authorization: 1. EMG/NCV bilateral upper extremities.\n").encode()
    facts = read_letter(data, "r.txt", kb.terms).extracted.facts
    assert not [f for f in facts if f.kind == "finding" and f.concept == T + concept]


def test_a_study_done_confirms_its_condition(kb):
    data = (b"PR-2\nDate of exam: 03/09/2021\nDate of injury: 09/23/2019\nEMG/NCV 02/01/2021 "
            b"showed moderate carpal tunnel syndrome on the right.\nDiagnosis: carpal tunnel "
            b"syndrome.\nRequest for authorization: 1. Right carpal tunnel release.\n")
    facts = read_letter(data, "r.txt", kb.terms).extracted.facts
    assert [f.props["present"] for f in facts if f.kind == "finding"
            and f.concept == T + "ElectrodiagnosticallyConfirmedCTS"] == [True]


@pytest.mark.parametrize("history", [
    "An interdisciplinary functional restoration program evaluation on 01/22/2024 recorded a "
    "sitting tolerance of 20 minutes.",
    "Multidisciplinary evaluation for a functional restoration program, 06/22/2015.",
    "The FRP evaluation of 06/24/2025 documents a PHQ-9 of 13.",
    "He was seen for a surgical consultation in March, and surgery was discussed.",
    "Referral for an FRP was made; the work hardening screening found him motivated.",
])
def test_an_evaluation_for_a_program_or_an_operation_is_no_course(kb, history):
    courses = [f.concept for f in _facts(kb, history, "prior")]
    assert not [c for c in courses if c.endswith(("FunctionalRestorationProgram", "Surgery",
                                                  "WorkHardening"))], courses


@pytest.mark.parametrize("history", [
    "She completed a functional restoration program in 2019 with good results.",
    "He attended 10 days of an FRP evaluation-based program, the functional restoration "
    "program, in 2020 without lasting benefit.",
])
def test_a_program_attended_is_still_a_course(kb, history):
    assert T + "FunctionalRestorationProgram" in [f.concept for f in _facts(kb, history, "prior")]


@pytest.mark.parametrize("line", [
    "1. Functional restoration program, 80 hours (10 days) -- Overturned.",
    "Utilization review non-certified the functional restoration program on 02/14/2024.",
])
def test_a_requested_service_beside_its_decision_is_no_course(kb, line):
    data = ("PR-2\nDate of exam: 02/19/2024\nDate of injury: 08/11/2016\n"
            f"History: Chronic low back pain. {line}\nDiagnosis: chronic pain syndrome.\n"
            "Request for authorization: 1. Functional restoration program, 80 hours.\n").encode()
    facts = read_letter(data, "letter.txt", kb.terms).extracted.facts
    assert not [f for f in facts if f.kind == "prior"
                and f.concept == T + "FunctionalRestorationProgram"]


@pytest.mark.parametrize(("joint", "concept"), [
    ("right knee", "SevereKneeOsteoarthritis"), ("left hip", "SevereHipOsteoarthritis")])
def test_bone_on_bone_is_severe_osteoarthritis_of_the_cases_joint(kb, joint, concept):
    data = ("PR-2\nDate of exam: 02/19/2025\nDate of injury: 08/11/2021\n"
            f"Diagnosis: osteoarthritis of the {joint}.\nStanding films show "
            "bone-on-bone contact in the medial compartment with large osteophytes.\n"
            "Request for authorization: 1. Physical therapy 2x4.\n").encode()
    found = [f.concept for f in read_letter(data, "report.txt", kb.terms).extracted.facts
             if f.kind == "finding"]
    assert T + concept in found, found


def test_night_pain_of_a_shoulder_is_no_tumour_red_flag(kb):
    # a shoulder or a wrist hurts at night; the spinal red flag is pain unrelenting at night
    data = (b"PR-2\nDate of exam: 02/19/2025\nDate of injury: 08/11/2024\n"
            b"Diagnosis: right shoulder impingement.\nIt's mechanical pain, worse at night when "
            b"she lies on it; night pain wakes her twice.\nRequest for authorization: 1. MRI of "
            b"the right shoulder.\n")
    assert not [f for f in read_letter(data, "report.txt", kb.terms).extracted.facts
                if f.concept == T + "SuspectedTumor"]
    spine = data.replace(b"right shoulder impingement", b"lumbar strain")
    assert [f for f in read_letter(spine, "report.txt", kb.terms).extracted.facts
            if f.concept == T + "SuspectedTumor"]


@pytest.mark.parametrize("said", ["So why the MRI, with that much progress? DR. A: To be "
                                  "thorough: if the shot fails I'd want the pictures.",
                                  "Has an MRI been done: no."])
def test_a_question_about_a_study_is_no_study(kb, said):
    data = ("PR-2\nDate of exam: 02/19/2025\nDate of injury: 08/11/2024\n"
            f"Diagnosis: right shoulder impingement.\n{said}\nRequest for authorization: 1. "
            "Subacromial injection.\n").encode()
    assert not [f for f in read_letter(data, "report.txt", kb.terms).extracted.facts
                if f.kind == "study"]


@pytest.mark.parametrize("said", [
    "The knee still catches on stairs and there is no change in her ability to squat.",
    "She still cannot lift her grandson, with no significant change in her walking tolerance.",
])
def test_no_change_told_right_after_a_course_is_its_response(kb, said):
    [pt] = [f for f in _facts(kb, f"Physical therapy progress note 12/18/2018: 8 visits "
                                  f"attended. {said}", "prior")
            if f.concept == T + "PhysicalTherapy"]
    assert pt.props.get("response", "").endswith("NoImprovement")


@pytest.mark.parametrize("history, kinds", [
    # a drug failed or stopped is a past course; the drug started after it goes on
    ("Norco 10/325 was started in 2019 after ibuprofen failed.",
     {"HydrocodoneAcetaminophen": "medication", "Ibuprofen": "prior"}),
    ("Gabapentin was stopped because of dizziness, naproxen continues.",
     {"Gabapentin": "prior", "Naproxen": "medication"}),
    # what opens the list, or follows a run of names, governs all of them
    ("He previously tried gabapentin and Lyrica without benefit.",
     {"Gabapentin": "prior", "Pregabalin": "prior"}),
    ("Tried OTC heel cups, a stretching program and ibuprofen 600 mg TID x 6 wks -- minimal "
     "change.", {"Ibuprofen": "prior"}),
    ("He was treated with naproxen 550 mg twice a day and cyclobenzaprine 7.5 mg at bedtime, "
     "which he stopped after two weeks.", {"Naproxen": "prior", "Cyclobenzaprine": "prior"}),
])
def test_a_stop_told_of_one_drug_is_not_told_of_another(kb, history, kinds):
    facts = _facts(kb, history, "prior") + _facts(kb, history, "medication")
    got = {f.concept.rsplit("/", 1)[-1]: f.kind for f in facts
           if f.concept.rsplit("/", 1)[-1] in kinds}
    assert got == kinds


def test_a_course_counted_by_a_broader_name_of_it_in_the_same_sentence(kb):
    history = ("She underwent right carpal tunnel release on 11/06/2018. Post-operative hand "
               "therapy started on 11/20/2018; four occupational therapy visits were completed "
               "by 12/18/2018.")
    therapy = [f for f in _facts(kb, history, "prior")
               if kb.terms.is_a(f.concept, T + "OccupationalTherapy")]
    assert [(f.concept, f.props.get("sessions")) for f in therapy] == [
        (T + "PostsurgicalOccupationalTherapy", 4)]


@pytest.mark.parametrize("history, sessions", [
    # "an epidural" as clinicians say it is the injection; what a person could do is the past
    ("On 06-12-2018 a left C5-6 epidural was performed; at the 7/10/18 visit he said it helped "
     "\"maybe two weeks\" and then the pain came back, no change in what he could do.", 1),
    ("She had two epidurals in 2016 without relief.", 2),
])
def test_an_epidural_said_bare_is_the_injection(kb, history, sessions):
    [esi] = [f for f in _facts(kb, history, "prior")
             if kb.terms.is_a(f.concept, T + "EpiduralSteroidInjection")]
    # (one: "a ... epidural", not 18 of "7/10/18 visit")
    assert esi.props.get("sessions") == sessions


def test_an_epidural_that_qualifies_another_noun_is_no_injection(kb):
    assert not [f for f in _facts(kb, "MRI 2012: epidural fibrosis enveloping the C6 roots.",
                                  "prior") if "Epidural" in f.concept]


@pytest.mark.parametrize("history", [
    'He was treated with twelve visits of physical therapy in 2017 and 2018, which "helped for '
    'a time," and a home exercise program that he continues.',
    "She had twelve sessions of physical therapy in 2017 and a home program she still uses.",
    "Twelve physical therapy visits in 2017 helped, and she continues her home exercises.",
])
def test_a_drug_cue_that_names_no_drug_leaves_the_sentence_to_be_read(kb, history):
    # ("that he continues" is a cue of drugs taken; with no drug after it, the sentence is
    # read as any other and its course of therapy is kept)
    courses = {f.concept.removeprefix(TERM): f.props for f in _facts(kb, history, "prior")}
    assert courses["PhysicalTherapy"]["sessions"] == 12


@pytest.mark.parametrize("history,start", [
    ("On 11/03/2017 Fexmid 7.5 mg twice a day was started for neck tightness.", (2017, 11, 3)),
    ("A progress report dated November 3, 2017 notes that Fexmid 7.5 mg twice a day was "
     "started for neck tightness.", (2017, 11, 3)),
    ("At the visit of 11/03/2017, cyclobenzaprine 7.5 mg twice a day was started.",
     (2017, 11, 3)),
    ("A report dated 11/03/2017 documents that she was started on cyclobenzaprine.",
     (2017, 11, 3)),
    # no date of its own: the start is not told (the report's date may be long after it)
    ("Cyclobenzaprine 7.5 mg twice a day was started for neck tightness.", None),
])
def test_a_drug_started_is_started_on_the_date_its_sentence_gives(kb, history, start):
    [drug] = [f for f in _facts(kb, history, "medication")
              if f.concept == TERM + "Cyclobenzaprine"]
    assert drug.props.get("start") == (dt.date(*start) if start else None)


@pytest.mark.parametrize("history,start,end", [
    ("Physical therapy from 06/02/2017 through 07/28/2017 (12 visits) helped a little.",
     (2017, 6, 2), (2017, 7, 28)),
    ("She attended 16 physical therapy visits between 5/12/2017 and 7/30/2017.",
     (2017, 5, 12), (2017, 7, 30)),
    ("PT 12 visits 06/02/2017-07/28/2017, no change.", (2017, 6, 2), (2017, 7, 28)),
    # two days are not a span: "on 3/2/2017 and 4/6/2017"
    ("Physical therapy on 3/2/2017 and 4/6/2017 helped.", None, None),
])
def test_a_course_told_between_two_dates_starts_and_ends_on_them(kb, history, start, end):
    [course] = [f for f in _facts(kb, history, "prior") if f.concept == TERM + "PhysicalTherapy"]
    assert course.props.get("start") == (dt.date(*start) if start else None)
    assert course.props.get("end") == (dt.date(*end) if end else None)


def test_a_failure_told_after_two_courses_joined_is_said_of_both(kb):
    history = ("Physical therapy from 06/02/2017 through 07/28/2017 (12 visits) and a home "
               "exercise program did not change his back pain.")
    responses = {f.concept.removeprefix(TERM): f.props.get("response")
                 for f in _facts(kb, history, "prior")}
    assert responses["PhysicalTherapy"] == responses["HomeExerciseProgram"] == \
        "https://w3id.org/mtus-kg/ontology#NoImprovement"


@pytest.mark.parametrize("history", [
    "Surgery 06/29/2018: L4-5 TLIF with pedicle screw instrumentation.",
    "PROCEDURE: 06/29/2018 - L4-5 laminectomy and L4-5 TLIF with instrumentation.",
    "Date of surgery: 06/29/2018 - L4-5 TLIF.",
])
def test_an_operation_dated_by_its_label(kb, history):
    fusions = [f for f in _facts(kb, history, "prior") if f.concept == TERM + "LumbarFusion"]
    assert [f.props.get("on_date") for f in fusions] == [dt.date(2018, 6, 29)]


def test_drugs_begun_on_the_dates_after_their_directions(kb):
    history = ("She began tramadol ER 150 mg once a day on 06/22/2017 and naproxen 500 mg "
               "twice a day on 7/6/17.")
    starts = {f.concept.removeprefix(TERM): f.props.get("start")
              for f in _facts(kb, history, "medication")}
    assert starts == {"Tramadol": dt.date(2017, 6, 22), "Naproxen": dt.date(2017, 7, 6)}


@pytest.mark.parametrize("history,drug", [
    ("He was discharged home on 07/08/2018 with Norco 5/325 mg, one to two tablets every six "
     "hours as needed.", "HydrocodoneAcetaminophen"),
    ("She was discharged on 7/8/2018 with a walker and oxycodone 5 mg every 4 hours as needed.",
     "Oxycodone"),
])
def test_a_drug_taken_since_discharge_starts_that_day(kb, history, drug):
    [taken] = [f for f in _facts(kb, history, "medication") if f.concept == TERM + drug]
    assert taken.props.get("start") == dt.date(2018, 7, 8)


def test_a_drug_taken_again_is_taken_since_and_as_restarted(kb):
    history = ("Gabapentin 300 mg three times a day was started on 05/20/2017 and stopped on "
               "6/17/2017 because of dizziness. Gabapentin, which was previously stopped for "
               "dizziness, was restarted on 01/12/2018 at a lower dose of 100 mg three times a "
               "day.")
    [drug] = [f for f in _facts(kb, history, "medication") if f.concept == TERM + "Gabapentin"]
    assert (drug.props.get("start"), drug.props.get("dose_mg")) == (dt.date(2018, 1, 12), 100)


@pytest.mark.parametrize("history,kept", [
    ("The diagnoses include lumbar sprain/strain and a history of right sciatica, resolved.",
     False),
    ("The diagnoses include lumbar sprain/strain and right sciatica, now resolved, and "
     "myofascial pain.", False),
    ("The diagnoses include lumbar sprain/strain and right sciatica, improving slowly.", True),
    ("The diagnoses include lumbar sprain/strain and right sciatica, improved.", True),
])
def test_a_diagnosis_said_resolved_after_a_comma_is_not_current(kb, history, kept):
    found = {f.concept.removeprefix(TERM) for f in _facts(kb, history, "diagnosis")}
    assert ("Sciatica" in found) is kept


@pytest.mark.parametrize(("said", "taken"), [
    ("I am also refilling the gabapentin, although if there is no benefit we will taper it.",
     True),
    ("I will continue the gabapentin at the same dose.", True),
    ("Refilled his gabapentin today.", True),
    ("We will not continue the gabapentin.", False),
    ("Discontinue gabapentin.", False),
    ("If it helps, we will continue gabapentin.", False),
])
def test_a_drug_continued_or_refilled_is_taken_now(kb, said, taken):
    """A refill or a continuation says the drug is taken: the same drug asked for is no new
    start (a start needs no response; a continuation does)."""
    data = (f"PROGRESS REPORT\n\nDOS: 10/15/2019\n\nNeck pain with numbness in the left arm. "
            f"{said}\n\nPLAN:\n1. Gabapentin 300 mg #90, one three times a day.\n").encode()
    facts = read_letter(data, "r.txt", kb.terms).extracted.facts
    read = [f for f in facts if f.kind == "medication" and f.concept == TERM + "Gabapentin"]
    assert bool(read) is taken


@pytest.mark.parametrize(("history", "sessions"), [
    ("On 03/14/2023 he underwent right shoulder arthroscopic rotator cuff repair. The physical "
     "therapy discharge summary of 07/21/2023 records 24 post-operative visits.", 24),
    ("On 02/23/2016 he underwent a partial medial meniscectomy. A physical therapy "
     "re-evaluation dated 4/12/16 documented completion of 6 post-operative visits.", 6),
])
def test_visits_told_post_operative_are_postsurgical_therapy(kb, history, sessions):
    """Visits the text calls post-operative, after a surgery on record, are the postsurgical
    therapy the postsurgical guidelines count, even undated; a therapy's re-evaluation is the
    therapy's, no office visit of its own to take its visits."""
    data = (f"PROGRESS REPORT\n\nDOS: 08/08/2023\n\n{history}\n\nPLAN:\n1. Post-operative "
            f"physical therapy x 12 visits.\n").encode()
    facts = read_letter(data, "r.txt", kb.terms).extracted.facts
    therapy = [f for f in facts if f.kind == "prior" and f.concept and "Therapy" in f.concept]
    assert [(f.concept.rsplit("/", 1)[-1], f.props.get("sessions")) for f in therapy] == [
        ("PostsurgicalPhysicalTherapy", sessions)]
    assert not [f for f in facts if f.kind == "prior" and f.concept == TERM + "FollowUpOfficeVisit"]


@pytest.mark.parametrize(("history", "drug", "start"), [
    ("On November 20, 2013, he reported a flare of back spasm after a double shift, and "
     "cyclobenzaprine 7.5 mg at bedtime was added.", "Cyclobenzaprine", dt.date(2013, 11, 20)),
    ("Oxycodone 5 mg was first prescribed on the day of surgery; before the surgery he had "
     "used only naproxen. On December 2, 2025, he underwent an L4-5 posterior lumbar interbody "
     "fusion.", "Oxycodone", dt.date(2025, 12, 2)),
    ("He has taken oxycodone 5 mg every six hours, which was started since his surgery. On "
     "December 2, 2025, he underwent a lumbar fusion.", "Oxycodone", dt.date(2025, 12, 2)),
])
def test_a_drug_start_dated_by_its_sentence_or_the_surgery(kb, history, drug, start):
    """A start told after the drug takes the sentence's own date, or the day of the surgery on
    record ("first prescribed on the day of surgery"): a post-operative opioid is judged by
    the time since the operation."""
    data = (f"PROGRESS REPORT\n\nDOS: 01/20/2026\n\n{history}\n\nPLAN:\n1. {drug} #40.\n").encode()
    facts = read_letter(data, "r.txt", kb.terms).extracted.facts
    [course] = [f for f in facts if f.kind == "medication" and f.concept == TERM + drug]
    assert course.props.get("start") == start


def test_screens_dated_as_collected_with_one_result_after_the_list(kb):
    text = ("PROGRESS REPORT\n\nDOS: 01/20/2026\n\nUrine drug screens were collected at each "
            "weekly visit since the surgery, on 12/16/2025, 12/23/2025, 12/30/2025, 01/06/2026 "
            "and 01/13/2026, and each was consistent with the prescribed oxycodone.\n\nPLAN:\n"
            "1. Urine drug screen.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    screens = [(str(f.props["on_date"]), f.props["assessment_result"].rsplit("#", 1)[-1])
               for f in facts if f.kind == "assessment"]
    assert screens == [(d, "Consistent") for d in ("2025-12-16", "2025-12-23", "2025-12-30",
                                                   "2026-01-06", "2026-01-13")]


def test_discharged_home_on_a_drug_with_the_date_first(kb):
    history = ("On 02/13/2018, she underwent a left total knee arthroplasty. Three days later, on "
               "2/16/18, she was discharged home on tramadol 50 mg twice a day; she had not taken "
               "an opioid before the surgery.")
    data = (f"PROGRESS REPORT\n\nDOS: 05/08/2018\n\n{history}\n\nPLAN:\n1. Tramadol 50 mg #60.\n"
            ).encode()
    facts = read_letter(data, "r.txt", kb.terms).extracted.facts
    [course] = [f for f in facts if f.kind == "medication" and f.concept == TERM + "Tramadol"]
    assert course.props.get("start") == dt.date(2018, 2, 16)


@pytest.mark.parametrize("said", [
    "she had completed 12 visits, and she was walking without the front-wheeled walker",
    "after 12 visits he no longer uses a cane",
    "12 visits completed; now ambulating without an assistive device",
])
def test_an_aid_no_longer_needed_is_a_gain_in_function(kb, said):
    history = (f"On 02/13/2018, she underwent a left total knee arthroplasty. Postoperative "
               f"physical therapy began on 03/01/2018, and by 04/20/2018 {said}.")
    data = (f"PROGRESS REPORT\n\nDOS: 05/08/2018\n\n{history}\n\nPLAN:\n1. Postoperative "
            f"physical therapy x12.\n").encode()
    facts = read_letter(data, "r.txt", kb.terms).extracted.facts
    therapy = [f for f in facts if f.kind == "prior" and f.concept and "Therapy" in f.concept]
    assert therapy and all(f.props.get("response", "").endswith("#FunctionalImprovement")
                           for f in therapy)


@pytest.mark.parametrize(("history", "courses"), [
    # a long-acting and a short-acting form of one drug are two courses, each counted in the
    # day's MED (merged, the IR's 60 mg MED had gone missing and 120 read as 60)
    ("Medication list:\n  OxyContin 20 mg   1 tab PO q12h\n  Oxycodone IR 10 mg   1 tab PO q6h "
     "prn\n", [("OxyContin", 20.0, 2.0), ("Oxycodone IR", 10.0, 4.0)]),
    ("Current medications: MS Contin 30 mg every 12 hours; MSIR 15 mg every 6 hours as needed "
     "for breakthrough pain.", [("MS Contin", 30.0, 2.0), ("MSIR", 15.0, 4.0)]),
    # (a name that says no form is the course told before)
    ("She takes OxyContin 20 mg every 12 hours. The oxycodone lets her walk 20 minutes.",
     [("OxyContin", 20.0, 2.0)]),
    # a combination with acetaminophen is short-acting: Percocet beside OxyContin
    ("Percocet 5/325 mg every 6 hours was prescribed on 1/9/12. On 10/8/12 OxyContin 20 mg "
     "every 12 hours was added.", [("Percocet", 5.0, 4.0), ("OxyContin", 20.0, 2.0)]),
    # a dose for breakthrough pain is short-acting whatever its name (merged, the MED read 10
    # instead of 75 and a naloxone request was denied)
    ("She has been on opioids for years. On 01/08/2019, the OxyContin was reduced to 20 mg "
     "every 12 hours, the breakthrough "
     "oxycodone was reduced to 5 mg twice a day.", [("OxyContin", 20.0, 2.0),
                                                    ("oxycodone", 5.0, 2.0)]),
    ("Current medications: oxycodone ER 40 mg twice daily. Oxycodone 10 mg four times a day as "
     "needed for breakthrough pain.", [("oxycodone ER", 40.0, 2.0), ("Oxycodone", 10.0, 4.0)]),
    ("He takes MS Contin 15 mg q12h and morphine 15 mg every 6 hours prn for breakthrough.",
     [("MS Contin", 15.0, 2.0), ("morphine", 15.0, 4.0)]),
    # (breakthrough pain said of the long-acting drug's purpose leaves one course)
    ("She takes OxyContin 20 mg every 12 hours; oxycodone helps her breakthrough pain.",
     [("OxyContin", 20.0, 2.0)]),
])
def test_two_release_forms_of_a_drug_are_two_courses(kb, history, courses):
    meds = _facts(kb, history, "medication")
    assert [(f.label, f.props.get("dose_mg"), f.props.get("doses_per_day"))
            for f in meds if f.concept in (T + "Oxycodone", T + "Morphine", T + "Tramadol")] \
        == courses


@pytest.mark.parametrize("history", [
    "The OxyContin was increased from 10 mg to 20 mg every 12 hours on 01/14/2015.",
    "On 01/14/2015 the OxyContin was increased from 10 to 20 mg every 12 hours.",
    "OxyContin increased from 10 mg to 20 mg q12h on 1/14/15.",
])
def test_a_dose_changed_is_taken_at_the_new_dose_and_is_no_gain_in_function(kb, history):
    """"increased from 10 mg to 20 mg" is the dose it went to, and a dose that went up is no
    activity regained (it had read as a functional improvement, approving an opioid)."""
    [med] = _facts(kb, "She takes OxyContin for her low back pain. " + history, "medication")
    assert (med.props.get("dose_mg"), med.props.get("doses_per_day"),
            med.props.get("response")) == (20.0, 2.0, None)


@pytest.mark.parametrize(("text", "dates"), [
    ("Senokot-S 8.6/50 mg 2 tabs qhs", []),  # a dose, not 8/6/50
    ("OT x6 10/15-12/3/15 without change", [dt.date(2015, 12, 3)]),  # not 10/15/12
    ("seen 5-24-07 and 07/30/2015 and 3.4.2016", [dt.date(2007, 5, 24), dt.date(2015, 7, 30),
                                                  dt.date(2016, 3, 4)]),
])
def test_a_numeric_date_repeats_its_separator(text, dates):
    from reasoner.reader.dates import find_dates
    assert [d for d, _, _ in find_dates(text)] == dates


@pytest.mark.parametrize(("history", "dose", "start"), [
    ("Gabapentin was started at 300 mg three times daily on 06/12/2012 and titrated to 600 mg "
     "three times daily.", 600.0, dt.date(2012, 6, 12)),
    ("Duloxetine was initiated at 30 mg daily on 3/2/2018, increased to 60 mg daily a month "
     "later.", 60.0, dt.date(2018, 3, 2)),
    ("She was prescribed gabapentin 300 mg TID, which was up-titrated to 600 mg TID.", 600.0,
     None),
])
def test_a_drug_started_at_one_dose_and_titrated_is_taken_at_the_last(kb, history, dose, start):
    """A dose titrated, increased or reduced "to" another is the dose taken now; a start told
    with its dose between ("started at 300 mg ... on DATE") is the course's start."""
    text = f"PROGRESS REPORT\n\nDOS: 02/19/2019\n\n{history}\n\nPLAN:\n1. Acupuncture x6.\n"
    [med] = [f for f in read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
             if f.kind == "medication"]
    assert (med.props.get("dose_mg"), med.props.get("start")) == (dose, start)


@pytest.mark.parametrize("history", [
    "He takes gabapentin 600 mg TID. Gabapentin reduced his leg pain and he was able to walk "
    "for 30 minutes, up from 10 minutes.",
    "He takes gabapentin 600 mg TID. On 09/10/2012 he stated that gabapentin had reduced his "
    "leg pain and that he was able to walk for 30 minutes, up from 10 minutes.",
])
def test_a_drug_that_reduced_a_symptom_is_no_cut_in_the_drug(kb, history):
    """"Gabapentin reduced his leg pain" names the drug acting, not a cut in its use (which
    measures another treatment's gain): the gain told after it is the drug's."""
    [med] = _facts(kb, history, "medication")
    assert med.props.get("response", "").endswith("#FunctionalImprovement")


@pytest.mark.parametrize(("history", "sessions"), [
    ("10/16/17 thru 12/20/17 PT notes #1-#12 (McKenzie, core stabilization). D/C note "
     "12/20/17: leg pain unchanged, sitting tolerance 20 min, not able to return to driving "
     "route.", 12),
    ("PT daily notes #1 through #18, 3/2/16-5/1/16. Discharge summary: no change in lifting "
     "tolerance, unable to return to work.", 18),
])
def test_a_digests_numbered_therapy_notes_and_their_discharge_note(kb, history, sessions):
    """A records digest: "PT notes #1-#12" counts twelve visits, and the "D/C note" told right
    after is that therapy's discharge, its response the course's."""
    [course] = _facts(kb, history, "prior")
    assert (course.props.get("sessions"), course.props.get("response", "").rsplit("#")[-1]) == \
        (sessions, "NoImprovement")


@pytest.mark.parametrize(("history", "sessions"), [
    ("She has completed 8 of 12 physical therapy visits.", 8),
    ("She attended 8 of the 12 approved PT sessions.", 8),
    ("He has now completed six (6) of the six authorized physical therapy visits.", 6),
    ("She finished ten out of twelve physical therapy visits.", 10),
])
def test_visits_had_of_those_allowed_count_the_ones_had(kb, history, sessions):
    """"8 of 12 visits" had read 12 (the visits allowed); an allowance alone is no count."""
    courses = _facts(kb, history, "prior")
    assert [f.props.get("sessions") for f in courses] == [sessions]


def test_visits_allowed_alone_are_no_count(kb):
    courses = _facts(kb, "Twelve physical therapy visits were authorized on 01/10/2019.",
                     "prior")
    assert all(f.props.get("sessions") is None for f in courses)


@pytest.mark.parametrize("plan", [
    "He continues the home exercise program given on 08/07/12 daily.",
    "She performs her home exercise program every morning.",
])
def test_a_treatment_kept_up_told_in_the_plan_is_on_record(kb, plan):
    """In the plan, "He continues the home exercise program" tells what is done, not what
    is asked (a massage as an adjunct to it had read no exercise on record)."""
    data = ("PR-2\nDate of exam: 09/18/2012\n\nTreatment plan:\nThe patient has improved "
            "with chiropractic care. " + plan +
            "\nRequest authorization for:\n1. Massage therapy x4 visits\n").encode()
    facts = read_letter(data, "report.txt", kb.terms).extracted.facts
    assert [f.concept for f in facts if f.kind == "prior"] == [T + "HomeExerciseProgram"]


@pytest.mark.parametrize(("said", "day"), [
    ("on the eleventh of April, 2022", dt.date(2022, 4, 11)),
    ("on the 4th of March 2019", dt.date(2019, 3, 4)),
    ("on the twenty-first day of May, 2021", dt.date(2021, 5, 21)),
    ("on the Thirtieth of Sept. 2020", dt.date(2020, 9, 30)),
])
def test_a_date_said_in_words_dates_what_it_tells(kb, said, day):
    """Spoken dates ("the eleventh of April, 2022") are cleaned to the numeric dates every
    pattern reads: four drug screens said so had read one, undated."""
    screens = [f for f in read_letter(
        ("PROGRESS REPORT\n\nDOS: 02/19/2023\n\nA urine drug screen collected " + said +
         " was consistent with oxycodone.\n\nPLAN:\n1. Oxycodone 10 mg #120.\n").encode(),
        "report.txt", kb.terms).extracted.facts
        if f.kind == "assessment" and f.concept == T + "UrineDrugScreen"]
    assert [f.props["on_date"] for f in screens] == [day]


def test_a_date_said_in_words_that_is_no_date_stays_words():
    from reasoner.reader.clean import clean

    for said in ("the 31st of February, 2020", "the end of May 2021", "the first of many"):
        assert clean(f"Seen {said}.\n").text == f"Seen {said}."


def test_each_form_asked_for_takes_its_own_directions(kb):
    """Two forms of one drug asked for in one sentence: each item takes the directions said
    after its own name (both had taken the first's, counting 120 MME as 60)."""
    text = (b"MAXIMUS FEDERAL SERVICES\nIndependent Medical Review Final Determination Letter\n\n"
            b"CLINICAL CASE SUMMARY\n\nThe injured worker is a 57-year-old male with chronic "
            b"low back pain since 06/21/2010. On 08/24/2015 the treating physician requested "
            b"OxyContin 40 mg #60, one every 12 hours; Percocet 10/325 mg #120, one four times "
            b"daily.\n\nIMR ISSUES, DECISIONS AND RATIONALES\n"
            b"1. Is the requested OxyContin 40mg #60 medically necessary?\n"
            b"Decision: OxyContin 40mg #60 is not medically necessary.\n"
            b"2. Is the requested Percocet 10/325mg #120 medically necessary?\n"
            b"Decision: Percocet 10/325mg #120 is not medically necessary.\n")
    asked = {f.label: f.props.get("doses_per_day")
             for f in read_letter(text, "letter.txt", kb.terms).extracted.facts
             if f.kind == "request"}
    assert asked == {"OxyContin 40mg #60": 2.0, "Percocet 10/325mg #120": 4.0}
