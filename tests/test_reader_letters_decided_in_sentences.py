"""Phrasings of held-out letters by other authors: decisions told as numbered sentences ("2.
Hot/cold packs are medically necessary and appropriate."), a request's use after an operation
told with its length, motion on dynamic films ("without fracture, listhesis or abnormal
motion"), a case's region told only by its diagnoses, care recommended (not had), one course
of therapy told twice, a visit timed from a treatment asked for ("RTC 4 wk post ESI"), a drug
started at the end of a dated sentence, a gain in a note's shorthand ("w/ meloxicam pt able to
complete her route"), a clearance told after a condition denied, a list of predicates with one
subject, and a therapist's summary of psychotherapy. Several phrasings each, with the cases
that must stay."""

from __future__ import annotations

import pytest
from reader_texts import imr_letter_facts, read_ur

from reasoner.reader.clean import clean, decode
from reasoner.reader.layout import split
from reasoner.reader.letter import read_letter
from reasoner.vocab import MTUS, TERM

_LETTER = ("MAXIMUS FEDERAL SERVICES\nIndependent Medical Review Final Determination Letter\n"
           "IMR Case Number: CM13-0041872  Date of Injury: 06/14/2012\n"
           "Treatment(s) in Dispute Listed Below:\n{listed}\n\n"
           "Final Determination: OVERTURN IN PART. This means we decided that one or more, but "
           "not all, of the\ndisputed items/services are medically necessary and appropriate.\n"
           "(Of the disputed\nitems/services are medically necessary and appropriate, as "
           "below.)\n\n"
           "CLINICAL CASE SUMMARY:\nThe patient is a 49 year old male forklift operator with "
           "low back pain.\nThe plan is an interferential unit, hot and cold packs and a sleep "
           "study.\n\nDETERMINATION AND RATIONALE FOR EACH DISPUTED ITEM\n\n{decided}")


@pytest.mark.parametrize("decided", [
    "1. Purchase of an interferential unit is not medically necessary and appropriate.\n"
    "Rationale: no trial. The request for purchase is not medically necessary and appropriate."
    "\n2. Hot/cold packs are medically necessary and appropriate.\nRationale: home use.\n"
    "3. Polysomnography is not medically necessary and appropriate.\n",
    "1) Purchase of an interferential unit is not medically necessary.\n"
    "2) Hot/cold packs are medically necessary.\n3) Polysomnography is not medically "
    "necessary.\n",
])
def test_items_decided_in_numbered_sentences(decided):
    text = _LETTER.format(listed="Purchase of an interferential unit; hot/cold packs; "
                                 "polysomnography", decided=decided)
    letter = split(clean(decode(text.encode(), "imr.txt")), "imr.txt")
    # (not the boilerplate's "disputed items/services are medically necessary", nor the
    # rationale's short name for the item it decides)
    assert [(i.name, i.outcome) for i in letter.items] == [
        ("Purchase of an interferential unit", "upheld"), ("Hot/cold packs", "overturned"),
        ("Polysomnography", "upheld")]


def _facts(kb, history: str, plan: str = "Physical therapy 2x4"):
    return imr_letter_facts(kb, history, plan, report="09/05/2019", summary=(
        "The patient is a 41 year old woman."))


@pytest.mark.parametrize(("history", "postoperative"), [
    ("The surgeon requested a cold therapy unit for 7 days of use following the surgery.", True),
    ("The surgeon requested a cold therapy unit for use after the surgery.", True),
    ("The surgeon requested a cold therapy unit for two weeks following surgery.", True),
    # (guards: no use after an operation told)
    ("The surgeon requested a cold therapy unit for 7 days of home use.", False),
])
def test_a_request_for_use_after_surgery(kb, history, postoperative):
    [request] = [f for f in _facts(kb, history, "Cold therapy unit, 7 day rental")
                 if f.kind == "request"]
    assert (TERM + "PostoperativeUse" in request.props.get("purposes", ())) is postoperative


@pytest.mark.parametrize(("history", "present"), [
    ('Per the flexion-extension radiographs of 08/06/2019: "postoperative changes at L5-S1 '
     'without fracture, listhesis or abnormal motion."', False),
    ("Flexion-extension views: no listhesis, no abnormal segmental motion.", False),
    ("He is a candidate for decompression; because the listhesis does not move on dynamic "
     "films, fusion is not recommended.", False),
    ("Flexion-extension films show abnormal motion at L4-5.", True),
])
def test_motion_on_dynamic_films(kb, history, present):
    found = [f for f in _facts(kb, history)
             if f.kind == "finding" and f.concept == TERM + "SpinalInstability"]
    assert found and all(f.props["present"] is present for f in found)


@pytest.mark.parametrize("history", [
    "To date she has not started psychotherapy; the evaluating psychologist recommended "
    "trauma-focused CBT.",
    "She has not begun any treatment; the QME recommended physical therapy.",
])
def test_care_recommended_is_no_course(kb, history):
    assert not [f for f in _facts(kb, history) if f.kind == "prior"
                and f.concept in (TERM + "PhysicalTherapy", TERM + "CognitiveBehavioralTherapy")]


@pytest.mark.parametrize("history", [
    "Treatment to date has included medications and 12 sessions of physical therapy. Per the "
    "discharge summary, she completed 12 visits of physical therapy between 08/13/2018 and "
    "10/24/2018 with temporary relief but no change in her ability to lift.",
    "She completed 12 visits of physical therapy between 08/13/2018 and 10/24/2018 with no "
    "change in her ability to lift. In all, she has had 12 sessions of physical therapy.",
])
def test_one_course_of_therapy_told_twice(kb, history):
    courses = [f for f in _facts(kb, history)
               if f.kind == "prior" and f.concept == TERM + "PhysicalTherapy"]
    assert len(courses) == 1 and courses[0].props.get("sessions") == 12


@pytest.mark.parametrize("history", [
    # (guards: two courses of one count, in other years or said to be another)
    "She had 12 sessions of physical therapy in 2016. She had 12 sessions of physical therapy "
    "in 2018.",
    "She completed 12 visits of physical therapy in 2018 and then 12 more visits of physical "
    "therapy in 2019.",
])
def test_two_courses_of_one_count_stay_two(kb, history):
    courses = [f for f in _facts(kb, history)
               if f.kind == "prior" and f.concept == TERM + "PhysicalTherapy"]
    assert len(courses) == 2


@pytest.mark.parametrize("history", [
    "She has carpal tunnel syndrome of the right wrist, with numbness at night.",
    "She was treated for a right wrist sprain and carpal tunnel syndrome.",
])
def test_a_case_region_told_only_by_its_diagnoses(kb, history):
    """No diagnosis list names a region, but the diagnoses told have theirs: "EMG/NCV" in the
    plan is of the arms (it had stayed a kind of service, insufficient documentation)."""
    data = (f"PR-2 PROGRESS REPORT\nDate of exam: 03/05/2019\nSUBJECTIVE: {history}\nPLAN:\n"
            "1. EMG/NCV.\n").encode()
    [request] = [f for f in read_letter(data, "pr2.txt", kb.terms).extracted.facts
                 if f.kind == "request"]
    assert request.concept == TERM + "UpperExtremityElectrodiagnostics"


@pytest.mark.parametrize("line", [
    "RTC 4 wk post ESI.",
    "Follow up two weeks after the injection.",
    "Will recheck 6 weeks post-injection.",
])
def test_a_visit_timed_from_a_treatment_asked_for_is_no_course(kb, line):
    data = ("PR-2\nDate of exam: 05/24/2022\nDx: R C7 radiculopathy.\nNo prior ESI.\nPlan/RFA:\n"
            f" 1. R C6-7 IL CESI x1 under fluoro\n{line}\n").encode()
    facts = read_letter(data, "pr2.txt", kb.terms).extracted.facts
    assert not [f for f in facts if f.kind == "prior" and f.concept
                and kb.terms.is_a(f.concept, TERM + "EpiduralSteroidInjection")]


def _report(kb, said: str):
    data = (f"PR-2 PROGRESS REPORT\nDate of exam: 03/06/2018\nSUBJECTIVE:\n{said}\nPLAN:\n"
            "1. Lumbar MRI.\n").encode()
    return read_letter(data, "pr2.txt", kb.terms).extracted.facts


@pytest.mark.parametrize("said", [
    "On 11/02/2017, his primary treating physician documented insomnia, nightmares and panic "
    "episodes when leaving the house, and started alprazolam 0.5 mg twice a day as needed.",
    "On 11/02/2017 the psychiatrist saw him for nightmares and started him on alprazolam "
    "0.5 mg twice a day.",
    "At the initial visit on 11/02/2017 he reported nightmares and panic episodes, and was "
    "started on alprazolam 0.5 mg twice a day.",
])
def test_a_drug_started_at_the_end_of_a_sentence_that_opens_with_its_date(kb, said):
    [drug] = [f for f in _report(kb, said) if f.concept == TERM + "Alprazolam"]
    assert drug.props.get("start").isoformat() == "2017-11-02"


@pytest.mark.parametrize(("said", "response"), [
    # a note's shorthand right after the drug's name
    ('She takes meloxicam 15 mg daily. The note reads: "w/ meloxicam pt able to complete her '
     'full cleaning route; w/o it she cannot push the mop cart more than 20 min."',
     MTUS + "FunctionalImprovement"),
    # (guard: a state observed is no gain of the drug told before)
    ("She takes meloxicam 15 mg daily. Exam deferred. Pt able to walk 2 blocks.", None),
])
def test_a_gain_in_a_notes_shorthand(kb, said, response):
    [drug] = [f for f in _report(kb, said) if f.concept == TERM + "Meloxicam"]
    assert drug.props.get("response") == response


@pytest.mark.parametrize("said", [
    "The psychologist found an adjustment disorder, no substance use disorder and realistic "
    "expectations, and cleared him for the spinal cord stimulator trial.",
    "Psychological evaluation: no psychiatric contraindication; cleared for the SCS trial.",
])
def test_a_clearance_told_after_a_condition_denied(kb, said):
    found = [f for f in _report(kb, said) if f.kind == "finding"
             and f.concept == TERM + "PsychologicalClearance"]
    assert found and all(f.props["present"] for f in found)


@pytest.mark.parametrize(("said", "present"), [
    ("Pt lives w/ husband & adult son, independent w/ ADLs, drives herself to appts.", False),
    ("She lives with her husband, who drives her to appointments.", None),
])
def test_a_predicate_of_a_list_has_the_lists_subject(kb, said, present):
    found = [f.props["present"] for f in _report(kb, said) if f.kind == "finding"
             and f.concept == TERM + "UnableToSelfTransport"]
    assert found == ([present] if present is not None else [])


@pytest.mark.parametrize("said", [
    "She was treated with prolonged exposure therapy, 12 sessions, from 10/2018 through "
    "02/05/2019. The therapist's discharge summary of 02/05/2019 noted that she \"attended "
    "faithfully,\" but she still could not ride a bus, and she remained off work.",
])
def test_a_therapists_summary_tells_the_psychotherapy(kb, said):
    [course] = [f for f in _report(kb, said) if f.kind == "prior"
                and f.concept == TERM + "CognitiveBehavioralTherapy"]
    assert course.props.get("response") == MTUS + "NoImprovement"


@pytest.mark.parametrize(("told", "purpose"), [
    ("The right reverse total shoulder arthroplasty was certified on 03/29/2021 and is "
     "scheduled for 05/04/2021.", True),
    ("His left total knee arthroplasty has been authorized and is booked for next month.", True),
    ("On 04/18/2018, utilization review certified the rotator cuff repair, modified the "
     "therapy and non-certified the CPM machine and the cold therapy unit.", True),
    # (guards: an operation denied, or only considered; a reviewer's board certification)
    ("The right total shoulder arthroplasty was non-certified on 03/29/2021.", False),
    ("A total shoulder arthroplasty would be considered if the pain persists.", False),
    ("No surgery has been scheduled or certified.", False),
    ("The Expert Reviewer is Board Certified in Orthopaedic Surgery.", False),
])
def test_perioperative_services_for_an_operation_planned(kb, told, purpose):
    data = ("UTILIZATION REVIEW DETERMINATION\nDate of injury: 01/09/2019\nRFA dated 04/06/2021\n"
            "Request 1: Pre-op labs (CBC, CMP) - CERTIFIED\n"
            "Request 2: Cold therapy unit, 7 days - CERTIFIED\n"
            f"Clinical history\nMr. Oyelaran is a 67-year-old foreman with right shoulder pain. "
            f"{told} He has diabetes.\nRationale\nCertified.\n").encode()
    requests = [f for f in read_letter(data, "ur.txt", kb.terms).extracted.facts
                if f.kind == "request"]
    assert len(requests) == 2
    for request in requests:
        purposes = set(request.props.get("purposes") or ())
        assert bool(purposes & {TERM + "PreoperativePlanning", TERM + "PostoperativeUse"}) \
            is purpose


@pytest.mark.parametrize(("said", "present"), [
    ("She needs her son's help down the front steps, and she has not left the house except for "
     "this appointment.", True),
    ("He only leaves the house for medical appointments.", True),
    ("She has not been out of the house since the surgery.", True),
    # (guard: what she takes along when she goes out)
    ("She has not left the house without her cane since the fall.", None),
])
def test_out_of_the_house_only_for_care(kb, said, present):
    data = (f"PR-2 PROGRESS REPORT\nDate of exam: 06/01/2017\nSUBJECTIVE:\n{said}\nPLAN:\n"
            "1. Home health aide 4 hours a day x 2 weeks.\n").encode()
    found = [f.props["present"] for f in read_letter(data, "pr2.txt", kb.terms).extracted.facts
             if f.kind == "finding" and f.concept == TERM + "Homebound"]
    assert found == ([present] if present is not None else [])


@pytest.mark.parametrize("said", [
    "Standing radiographs showed moderate narrowing of the medial joint space with small "
    "marginal osteophytes.",
    "X-rays: moderate medial compartment osteoarthritis of the right knee.",
])
def test_a_knee_compartment_graded_moderate(kb, said):
    assert [f.props["present"] for f in _report(kb, said) if f.kind == "finding"
            and f.concept == TERM + "ModerateToSevereKneeOsteoarthritis"] == [True]


@pytest.mark.parametrize(("said", "concept", "sessions"), [
    # the course's record, by its therapist, with its count as a fraction, and the gain told
    # in the next sentence
    ("On 01/22/2019, he underwent right shoulder arthroscopic rotator cuff repair. "
     "Post-operative physical therapy started on 02/05/2019. The therapist's progress note of "
     "04/26/2019 documents 12/12 authorized visits completed. Active flexion improved from 80 "
     "degrees at the first visit to 140 degrees.", "PostsurgicalPhysicalTherapy", 12),
    # ... or the therapy's re-evaluation in the same sentence
    ("He underwent a right total knee arthroplasty on 11/05/2024. Post-operative physical "
     "therapy began on 11/12/2024, and the therapy re-evaluation of 02/20/2025 lists 24 visits "
     "to date.", "PostsurgicalPhysicalTherapy", 24),
    # a referral told as had
    ("He was referred to a certified hand therapist and attended 10 visits between 03/04/2013 "
     "and 05/10/2013.", "OccupationalTherapy", 10),
])
def test_a_course_told_by_its_therapist(kb, said, concept, sessions):
    data = (f"PR-2 PROGRESS REPORT\nDate of exam: 05/07/2025\nSUBJECTIVE:\n{said}\nPLAN:\n"
            "1. Lumbar MRI.\n").encode()
    facts = read_letter(data, "pr2.txt", kb.terms).extracted.facts
    [course] = [f for f in facts if f.kind == "prior" and f.concept == TERM + concept]
    assert course.props.get("sessions") == sessions
    assert not [f for f in facts if f.kind == "prior"
                and f.concept == TERM + "FollowUpOfficeVisit"]


def test_a_referral_alone_is_no_course(kb):
    data = (b"PR-2 PROGRESS REPORT\nDate of exam: 05/07/2019\nSUBJECTIVE:\nHe was referred to a "
            b"hand therapist.\nPLAN:\n1. Lumbar MRI.\n")
    assert not [f for f in read_letter(data, "pr2.txt", kb.terms).extracted.facts
                if f.kind == "prior"]


@pytest.mark.parametrize(("said", "neurological"), [
    ("Examination of the right shoulder showed a positive drop arm test and external rotation "
     "weakness graded 4-/5.", False),
    # (guard: weakness of a root's muscles)
    ("Examination showed weakness of the left extensor hallucis longus, 4/5.", True),
])
def test_a_rotator_cuffs_weakness_is_no_nerve_roots(kb, said, neurological):
    weak = [f for f in _report(kb, said) if f.kind == "finding" and f.props.get("present")
            and f.concept == TERM + "MotorWeakness"]
    assert bool(weak) is neurological


@pytest.mark.parametrize(("line", "concept"), [
    ("Referral back to physical therapy for active rehab, 2x/week x 4 weeks (8 visits).",
     "PhysicalTherapy"),
    ("Referral to chiropractic care x6.", "ManualTherapyManipulation"),
    # (guard: a referral to a physician is a consultation)
    ("Referral to a spine surgeon.", "SpecialistConsultation"),
])
def test_a_referral_to_care_is_that_care(kb, line, concept):
    data = ("PR-2 PROGRESS REPORT\nDate of exam: 04/04/2023\nSUBJECTIVE:\nLow back pain.\n"
            f"TREATMENT PLAN / RFA\n1) {line}\n").encode()
    [request] = [f for f in read_letter(data, "pr2.txt", kb.terms).extracted.facts
                 if f.kind == "request"]
    assert kb.terms.is_a(request.concept, TERM + concept)


def test_a_titles_second_line_and_a_wider_service_of_another_count(kb):
    """A report titled over two lines ("... PROGRESS REPORT (PR-2)" / "AND REQUEST FOR
    AUTHORIZATION") opens no plan in its header fields ("Claims examiner: R. Whitcombe" had
    read as an item), and group psychotherapy after individual CBT, of another count, is a
    request of its own (it had been taken for the CBT named again)."""
    data = (b"SIERRA FOOTHILLS BEHAVIORAL MEDICINE\n2210 Alder Creek Road\n\n"
            b"PRIMARY TREATING PSYCHOLOGIST'S PROGRESS REPORT (PR-2)\n"
            b"AND REQUEST FOR AUTHORIZATION\n\nPatient:            Delgado-Marsh, Theresa\n"
            b"Claims examiner:    R. Whitcombe, Golden Oak Claims Services\n"
            b"Date of report:     06/20/2017\nDate of service:    06/20/2017 (individual session "
            b"#4)\n\nHISTORY\nShe has PTSD after a robbery at work.\n\n"
            b"PLAN / REQUEST FOR AUTHORIZATION\n"
            b"1. Individual cognitive behavioral therapy, 6 additional sessions, weekly.\n"
            b"2. Group psychotherapy (trauma recovery group), 8 sessions, weekly.\n")
    read = read_letter(data, "pr2.txt", kb.terms)
    assert [i.name.split(",")[0] for i in read.letter.items] == [
        "Individual cognitive behavioral therapy", "Group psychotherapy (trauma recovery group)"]
    assert len([f for f in read.extracted.facts if f.kind == "request"]) == 2


@pytest.mark.parametrize(("said", "denied"), [
    ("She denied locking, catching or episodes of the knee giving way. On examination there "
     "was no effusion, McMurray's test was negative, and the knee was stable to varus and "
     "valgus stress.", True),
    # (guards: a sign present that day; too few signs examined)
    ("She denied locking or giving way. No effusion, McMurray negative, but medial joint line "
     "tenderness.", False),
    ("She denied locking or giving way. McMurray negative.", False),
])
def test_a_knee_examined_without_internal_derangement(kb, said, denied):
    found = [f for f in _report(kb, said) if f.kind == "finding"
             and f.concept == TERM + "KneeInternalDerangementSign" and not f.props["present"]]
    assert bool(found) is denied


@pytest.mark.parametrize(("said", "sessions"), [
    # named once, the therapy that names its record is the course the record tells
    ("A chiropractic re-evaluation dated 05/22/2017 documented 12 completed visits, each giving "
     "relief for about a day.", 12),
    # named again, the course is the one named with its visits
    ("A chiropractic re-evaluation dated 12/17/2013 documented completion of 6 chiropractic "
     "visits.", 6),
])
def test_a_therapys_record_named_by_the_therapy(kb, said, sessions):
    courses = [f for f in _report(kb, said) if f.kind == "prior" and f.concept
               and kb.terms.is_a(f.concept, TERM + "ManualTherapyManipulation")]
    assert [c.props.get("sessions") for c in courses] == [sessions]


_TO_WORKER = ("CENTRAL VALLEY RISK SERVICES\nUtilization Review Department\n\nMarch 13, 2023\n\n"
              "Dear Ms. Okafor,\n\nWe are writing to tell you about a decision on treatment for "
              "your work injury. Your doctor asked us to approve three services for you.\n\n"
              "{decided}\n\nWHAT WE LOOKED AT\n\nWe read the records your doctors sent us:\n"
              "  - On May 21, 2019, you twisted your right knee at work.\n"
              "  - On September 20, 2019, you had surgery on the right knee.\n\n"
              "WHY WE MADE THIS DECISION\n\nThe guidelines allow 12 visits.\n\n"
              "If you disagree, you can ask for an Independent Medical Review (IMR).\n")


@pytest.mark.parametrize("decided", [
    "WHAT WE DECIDED\n\n"
    "  * Physical therapy after surgery, 3 times a week for 4 weeks (12 visits): WE APPROVED 6 "
    "VISITS. We did not approve the other 6 visits at this time.\n"
    "  * Cold therapy unit, rental for 30 days: WE APPROVED 7 DAYS of rental.\n"
    "  * A pair of crutches: WE APPROVED THIS.\n",
    "  Physical therapy after surgery, 3 times a week for 4 weeks (12 visits)\n"
    "  DECISION: PARTLY APPROVED. 6 visits are approved. The other 6 visits are not approved.\n\n"
    "  Cold therapy unit, rental for 30 days\n  DECISION: NOT APPROVED.\n\n"
    "  A pair of crutches\n  DECISION: APPROVED.\n",
])
def test_a_letter_to_the_worker_says_what_was_decided(decided):
    layout, items = read_ur(_TO_WORKER.format(decided=decided))
    assert layout == "ur-determination"
    assert [action for _, action in items][0] == "modified"
    assert [action for _, action in items][2] == "certified"
    assert len(items) == 3


def test_a_purpose_said_of_the_next_service_is_not_the_one_before(kb):
    """"... a right subacromial corticosteroid injection, as well as a cold therapy unit rental
    for 14 days for post-operative use": the injection is no post-operative use (it had been
    read so, and denied)."""
    facts = _facts(kb, "On 12/03/2024 the surgeon requested right shoulder arthroscopy with "
                       "subacromial decompression and, in the interim, a right subacromial "
                       "corticosteroid injection, as well as a cold therapy unit rental for 14 "
                       "days for post-operative use.", "Right shoulder subacromial corticosteroid "
                   "injection")
    [request] = [f for f in facts if f.kind == "request"]
    assert TERM + "PostoperativeUse" not in (request.props.get("purposes") or ())


@pytest.mark.parametrize(("said", "concept", "dose"), [
    # a patch's strength is a rate, taken all day whatever the days between changes
    ("He uses a Duragesic 50 mcg/hr patch, changed every 72 hours.", "FentanylTransdermal", 50.0),
    ("Duragesic was initiated at 25 mcg/hr in 2014 and increased to 50 mcg/hr on 06/02/2015; "
     "the patch is changed every 72 hours.", "FentanylTransdermal", 50.0),
    ("Butrans 10 mcg/hr patch weekly.", "Buprenorphine", 10.0),
])
def test_a_patchs_rate_is_its_dose_all_day(kb, said, concept, dose):
    [drug] = [f for f in _report(kb, said) if f.kind == "medication"
              and f.concept == TERM + concept]
    assert (drug.props.get("dose_mg"), drug.props.get("doses_per_day")) == (dose, 1.0)


@pytest.mark.parametrize(("said", "expertise"), [
    ("He requested a referral to pain management for evaluation of his high-dose opioid "
     "regimen.", True),
    # (guard: a body part evaluated is no regimen to review)
    ("He requested a referral to pain management for evaluation of the low back.", False),
])
def test_a_referral_to_review_a_regimen_asks_for_expertise(said, expertise):
    from reasoner.reader.purposes import referral_purposes
    assert bool(referral_purposes(said)) is expertise


@pytest.mark.parametrize(("name", "quantity"), [
    ("Platelet-rich plasma injection, right lateral epicondyle", 1.0),
    ("Right sacroiliac joint injection", 1.0),
    # (guard: injections in the plural, their count not written)
    ("PRP injections, right knee", None),
])
def test_an_injection_named_in_the_singular_is_one(kb, name, quantity):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import lexicon_for
    assert parse_item(name, lexicon_for(kb.terms)).get("quantity") == quantity
