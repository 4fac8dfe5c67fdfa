"""The reader's slot grammars, each with variants as notes write them: pain scores with and
without medication, doses per day, sessions, course terms, age and sex, monitoring, study
results and what they confirm, and the ticked boxes of forms. Each snippet is read as part of
a small progress report, the way `mtus read` reads one."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import MTUS, TERM


def _facts(kb, snippet: str, plan: str = "1. Acupuncture x6."):
    text = f"PROGRESS REPORT\n\nDOS: 03/04/2015\n\n{snippet}\n\nPLAN:\n{plan}\n"
    return read_letter(text.encode(), "snippet.txt", kb.terms).extracted


def _of(extracted, kind: str, concept: str | None = None):
    return [f for f in extracted.facts if f.kind == kind
            and (concept is None or f.concept == TERM + concept)]


@pytest.mark.parametrize(("text", "contexts"), [
    ("Pain 8/10 without medications, 4/10 with medications.", ["Without", "With"]),
    ("He describes his pain as 7/10 with medications and 9/10 without.", ["With", "Without"]),
    ("Pain w/ meds 6/10, w/o 8/10 (his estimate).", ["With", "Without"]),
    ("Without meds: 9/10. With meds: 5/10.", ["Without", "With"]),
    ("LBP 7/10 w/o tramadol, 4/10 w/ tramadol.", ["Without", "With"]),
    ("Low back pain of 8/10, coming down to 4/10 about an hour after his doses.",
     ["Current", "With"]),
    ("Naproxen 500 mg BID since 2014 takes pain from 5/10 to 2/10.", ["Without", "With"]),
    ("Pain 6/10 today.", ["Current"]),
])
def test_pain_scores_with_and_without_medication(kb, text, contexts):
    got = [f.props["context"].removeprefix(MTUS).removesuffix("Medication").replace(
        "CurrentPain", "Current") for f in _of(_facts(kb, text), "pain")]
    assert got == contexts


@pytest.mark.parametrize(("text", "drug", "per_day"), [
    ("She takes ibuprofen 600 mg three times daily.", "Ibuprofen", 3),
    ("Naproxen 550 BID since 2013.", "Naproxen", 2),
    ("Gabapentin was started in 2014 and is now 600 mg three times a day.", "Gabapentin", 3),
    ("Tizanidine 4 mg tid, helps a little.", "Tizanidine", 3),
    ("Cyclobenzaprine 10 mg at bedtime.", "Cyclobenzaprine", 1),
    ("Norco 10/325 one tablet every 6 hours.", "HydrocodoneAcetaminophen", 4),
])
def test_current_drugs_with_their_doses_per_day(kb, text, drug, per_day):
    [med] = _of(_facts(kb, text), "medication", drug)
    assert med.props["doses_per_day"] == per_day


@pytest.mark.parametrize(("text", "concept", "sessions", "response"), [
    ("She did eight sessions of PT; it did not help.", "PhysicalTherapy", 8, "NoImprovement"),
    ("PT x 10 (12/2013-02/2014), no change in leg sx.", "PhysicalTherapy", 10,
     "NoImprovement"),
    ("He completed 8 physical therapy visits and has not progressed.", "PhysicalTherapy", 8,
     "NoImprovement"),
    ("Completed 12 visits of PT in 2013, with temporary relief only.", "PhysicalTherapy", 12,
     "SubjectiveImprovement"),
    ("He had twelve chiropractic treatments with minimal help.", "ManualTherapyManipulation",
     12, "NoImprovement"),
])
def test_prior_courses_with_sessions_and_response(kb, text, concept, sessions, response):
    [course] = _of(_facts(kb, text), "prior", concept)
    assert course.props.get("sessions") == sessions
    assert course.props.get("response") == MTUS + response


@pytest.mark.parametrize(("text", "stopped", "current"), [
    ("Ibuprofen was stopped due to GI upset.", ["Ibuprofen"], []),
    ("She was switched from Norco to tramadol in 2015.", ["HydrocodoneAcetaminophen"],
     ["Tramadol"]),
    ("Gabapentin was tried from January to April 2014 and discontinued.", ["Gabapentin"], []),
])
def test_stopped_and_current_drugs(kb, text, stopped, current):
    facts = _facts(kb, text)
    assert sorted(f.concept.removeprefix(TERM) for f in _of(facts, "prior")
                  if f.concept != TERM + "Acupuncture") == stopped
    assert sorted(f.concept.removeprefix(TERM) for f in _of(facts, "medication")) == current


@pytest.mark.parametrize(("text", "age", "sex"), [
    ("Pt is a 56 y/o M roofer.", 56, "Male"),
    ("51 yo M; bus mechanic.", 51, "Male"),
    ("Age: 33  Sex: F", 33, "Female"),
    ("Mr. R. is a 50-year-old produce packer.", 50, "Male"),
    ("She is a 47 year old female nursing assistant.", 47, "Female"),
])
def test_age_and_sex(kb, text, age, sex):
    facts = _facts(kb, text)
    assert facts.age[0] == age and facts.sex[0] == sex


@pytest.mark.parametrize(("text", "concept", "present"), [
    ("Radiating pain ......... [ ] yes [x] no", "RadicularSymptoms", False),
    ("Numbness ....... [x] yes [ ] no", "RadicularSymptoms", True),
    ("Constitutional: [x] negative [ ] fever [ ] chills", "SuspectedInfection", False),
    ("Spasm ..... [ ] present [x] absent today", "MuscleSpasm", False),
    ("Bowel/bladder .......... denies change", "CaudaEquinaSigns", False),
])
def test_ticked_boxes(kb, text, concept, present):
    [finding] = _of(_facts(kb, text), "finding", concept)
    assert finding.props["present"] is present


@pytest.mark.parametrize(("text", "concept", "present"), [
    ("MRI 02-11-2013: L4-5 foraminal stenosis with impingement of the exiting right L4 root.",
     "RadiculopathyCorroborated", True),
    ("An MRI of the lumbar spine showed a disc bulge without nerve root compression.",
     "RadiculopathyCorroborated", False),
    ("Electrodiagnostic studies 12-09-2014: NCS confirming moderate right carpal tunnel "
     "syndrome.", "ElectrodiagnosticallyConfirmedCTS", True),
    ("EMG/NCV of the arms showed no evidence of radiculopathy.", "RadiculopathyCorroborated",
     False),
    ("The surgeon notes that the MRI findings are concordant with the examination.",
     "ImagingConcordantWithExam", True),
])
def test_what_studies_confirm(kb, text, concept, present):
    [finding] = _of(_facts(kb, text), "finding", concept)
    assert finding.props["present"] is present


@pytest.mark.parametrize(("text", "concept"), [
    ("MRI L-spine 9/2012: postop changes L4-5.", "LumbarMRI"),
    ("An MRI of the lumbar spine on 04-19-2012 showed a 3 mm disc bulge.", "LumbarMRI"),
    ("MRI left shoulder (December 2014): partial-thickness tear of the supraspinatus.",
     "ShoulderMRI"),
    ("Standing x-rays of the right knee were read as normal.", "KneeRadiograph"),
])
def test_studies_with_results(kb, text, concept):
    assert _of(_facts(kb, text), "study", concept)


@pytest.mark.parametrize("text", ["No MRI has been done.",
                                  "The physician requested an MRI of the cervical spine."])
def test_no_study_where_none_was_done(kb, text):
    assert not _of(_facts(kb, text), "study")


@pytest.mark.parametrize(("text", "result"), [
    ("Denies constipation, sedation or nausea.", "NoneObserved"),
    ("Reports constipation on the medication, uses docusate.", "Observed"),
    ("No aberrant behaviors, no early refills.", None),  # the aberrant review, not this one
])
def test_side_effects_document_the_review(kb, text, result):
    reviews = _of(_facts(kb, text), "assessment", "AdverseEffectReview")
    assert [r.props["assessment_result"] for r in reviews] == (
        [MTUS + result] if result else [])


def test_review_of_systems_is_not_a_medication_review(kb):
    assert not _of(_facts(kb, "ROS: denies fever, chills, nausea."), "assessment",
                   "AdverseEffectReview")


@pytest.mark.parametrize(("plan", "concept", "quantity", "unit"), [
    ("1. Chiropractic manipulation, lumbar CPT 98940 Freq: 2x/wk Duration: 4 wks",
     "LowBackManipulation", 8, "Visit"),
    ("1. MRI lumbar spine without contrast", "LumbarMRI", 1, "Study"),
    ("1. Bilateral L4-5 and L5-S1 radiofrequency ablation", "LumbarRadiofrequencyAblation", 1,
     "Item"),
    ("[x] Physical therapy - 6 additional visits (2x3), R knee", "PhysicalTherapy", 6, "Visit"),
])
def test_plan_lines_as_requests(kb, plan, concept, quantity, unit):
    [request] = _of(_facts(kb, "Low back pain.", plan), "request", concept)
    assert request.props["quantity"] == quantity and request.props["unit"] == MTUS + unit


def test_a_plan_of_statements_without_request_cues(kb):
    plan = ("Chiropractic manipulation trial 2x3 weeks. Home TENS trial for 30 days; if it helps "
            "we will discuss purchase. Discussed the risks of surgery. Continue ibuprofen.\n"
            "- - - - - - - - - - - - - -")
    requests = _of(_facts(kb, "Low back pain.", plan), "request")
    assert [r.concept.rsplit("/", 1)[-1] for r in requests] == ["ManualTherapyManipulation",
                                                                 "TENSUnit"]


def test_a_table_header_on_two_lines_is_not_a_request(kb):
    plan = ("+------------+------------------------+-------------------+\n"
            "| Diagnosis  | Service/Good Requested | Other Information |\n"
            "| (Required) | (Required)             | Quantity, etc.    |\n"
            "+------------+------------------------+-------------------+\n"
            "| LBP        | Acupuncture            | 6 visits          |\n"
            "+------------+------------------------+-------------------+")
    requests = _of(_facts(kb, "Low back pain.", plan), "request")
    assert [(r.concept, r.props["quantity"]) for r in requests] == [(TERM + "Acupuncture", 6)]


@pytest.mark.parametrize(("surgery", "concept"), [
    ("01/20/2015", "PostsurgicalPhysicalTherapy"),  # 43 days before the report
    ("01/20/2014", "PhysicalTherapy"),  # over 6 months before: not postsurgical
])
def test_therapy_after_a_dated_surgery_is_postsurgical(kb, surgery, concept):
    snippet = f"She underwent a rotator cuff repair on {surgery}."
    requests = _of(_facts(kb, snippet, "1. Physical therapy 2x6 right shoulder"), "request")
    assert [r.concept for r in requests] == [TERM + concept]


@pytest.mark.parametrize(("name", "concept"), [
    ("Psychiatric consultation for medication management", "SpecialistConsultation"),
    ("Consultation for possible lumbar fusion", "SpecialistConsultation"),
    ("Referral for psychological evaluation", "PsychologicalEvaluation"),
    ("Referral to hand surgery and authorization for right carpal tunnel release",
     "CarpalTunnelReleaseSurgery"),
    ("Gabapentin 300 mg for neuropathic pain #90", "Gabapentin"),
])
def test_what_follows_for_is_a_purpose_unless_referred_to(kb, name, concept):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import Lexicon
    assert parse_item(name, Lexicon(kb.terms))["concept"] == TERM + concept


def test_unticked_and_continued_plan_lines_ask_for_nothing(kb):
    plan = ("[x] Acupuncture x6\n[ ] Knee brace\nContinue home exercise program.\n"
            "RTC 4 wks.")
    requests = _of(_facts(kb, "Knee pain.", plan), "request")
    assert [r.concept for r in requests] == [TERM + "Acupuncture"]


@pytest.mark.parametrize(("name", "levels"), [
    ("Bilateral L4-5 and L5-S1 radiofrequency ablation", 2),
    ("diagnostic MBB bilateral L3-4, L4-5, L5-S1", 3),
    ("L4-L5 and L5-S1 PLIF", 2),
    ("L3-S1 fusion", 3),
    ("left L5 transforaminal ESI", 1),
    ("C5-C6, C6-C7 anterior cervical discectomy and fusion", 2),
    ("single-level laminectomy", 1),
    ("Physical therapy 2x6", None),
])
def test_spinal_levels_requested(name, levels):
    from reasoner.reader.items import spinal_levels

    assert spinal_levels(name) == levels


@pytest.mark.parametrize(("text", "present"), [
    ("He continues to smoke about one pack per day.", True),
    ("Current smoker, 1/2 ppd.", True),
    ("She quit smoking in 2013.", False),
    ("Former smoker.", False),
    ("No alcohol, no drugs; she has never smoked.", False),
    ("He does not smoke.", False),
])
def test_smoking_now(kb, text, present):
    [finding] = _of(_facts(kb, text), "finding", "TobaccoUse")
    assert finding.props["present"] is present


@pytest.mark.parametrize(("text", "present"), [
    ("He is not a surgical candidate per the spine surgeon.", True),
    ("Not a surgical candidate.", True),
])
def test_findings_named_by_a_negation(kb, text, present):
    [finding] = _of(_facts(kb, text), "finding", "NotSurgicalCandidate")
    assert finding.props["present"] is present


@pytest.mark.parametrize(("name", "ingredients"), [
    ("Flurbiprofen 20%/cyclobenzaprine 4%/lidocaine 5% cream 240 g",
     ["FlurbiprofenTopical", "Cyclobenzaprine", "LidocaineNonPatch"]),
    ("Compounded cream: ketoprofen 10%, lidocaine 5%, cyclobenzaprine 2%, 240 grams",
     ["KetoprofenTopical", "LidocaineNonPatch", "Cyclobenzaprine"]),
    ("compounded cream containing flurbiprofen 20%, gabapentin 10% and lidocaine 5%",
     ["FlurbiprofenTopical", "GabapentinTopical", "LidocaineNonPatch"]),
])
def test_compounds_and_their_ingredients(kb, name, ingredients):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import lexicon_for

    props = parse_item(name, lexicon_for(kb.terms))
    assert props["concept"] == TERM + "CompoundedTopicalAnalgesic"
    assert [i.removeprefix(TERM) for i in props["ingredients"]] == ingredients


@pytest.mark.parametrize(("name", "concept"), [
    ("Ketoprofen 20% cream 120 gm", "KetoprofenTopical"),
    ("Voltaren gel 1% 100 g", "DiclofenacTopical"),
    ("Lidoderm 5% patch #30", "LidocainePatch"),
])
def test_single_topicals_stay_themselves(kb, name, concept):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import lexicon_for

    assert parse_item(name, lexicon_for(kb.terms))["concept"] == TERM + concept


@pytest.mark.parametrize(("text", "drug", "dose"), [
    ("Norco 10/325 one tablet three times a day.", "HydrocodoneAcetaminophen", 10),
    ("Tylenol 500 mg, two tablets twice a day.", "Acetaminophen", 1000),
    ("Norco 5/325 mg 1-2 tabs q6h prn.", "HydrocodoneAcetaminophen", 10),
    ("Naproxen 550 mg bid.", "Naproxen", 550),
])
def test_dose_per_administration(kb, text, drug, dose):
    [med] = _of(_facts(kb, text), "medication", drug)
    assert med.props["dose_mg"] == dose


@pytest.mark.parametrize(("text", "drug", "per_day"), [
    ("The current dose is Norco 10/325 mg. She takes it three times a day.",
     "HydrocodoneAcetaminophen", 3),
    ("Naproxen 550 mg. The frequency is twice a day.", "Naproxen", 2),
    ("Oxycodone 5 mg, taken every six hours as needed.", "Oxycodone", 4),
])
def test_directions_said_after_the_drug(kb, text, drug, per_day):
    [med] = _of(_facts(kb, text), "medication", drug)
    assert med.props["doses_per_day"] == per_day


@pytest.mark.parametrize(("text", "sessions"), [
    ("He had two lumbar epidural steroid injections in 2013 without benefit.", 2),
    ("She underwent an epidural injection in 2014.", 1),
    ("He has had 3 lumbar medial branch blocks.", 3),
])
def test_procedures_counted_by_their_name(kb, text, sessions):
    [course] = [f for f in _facts(kb, text).facts if f.kind == "prior"
                and f.concept != TERM + "Acupuncture"]
    assert course.props["sessions"] == sessions


@pytest.mark.parametrize(("text", "concept", "present"), [
    ("The left extensor hallucis longus was weak at 4+/5.", "MotorWeakness", True),
    ("EHL 4/5 on the left.", "MotorWeakness", True),
    ("Flexion is limited to 60 degrees.", "LimitedRangeOfMotion", True),
    ("Lumbar ROM: flex 60 deg, ext 20 deg.", "LimitedRangeOfMotion", True),
    ("Burning pain down the right lateral leg into the top of the foot.", "RadicularSymptoms",
     True),
    ("Left anterior thigh and shin pain of 6/10.", "RadicularSymptoms", True),
    ("MSK: (+) LBP, (-) leg pain.", "RadicularSymptoms", False),
    ("Strength 5/5, full ROM, no radiating pain.", "LimitedRangeOfMotion", False),
])
def test_signs_written_as_measurements(kb, text, concept, present):
    [finding] = _of(_facts(kb, text), "finding", concept)
    assert finding.props["present"] is present


@pytest.mark.parametrize("text", ["Grip strength 4/5 on the right.", "Waddell signs: 0/5.",
                                  "Pain over the right low back and upper buttock.",
                                  "No thenar atrophy, but abductor pollicis brevis strength "
                                  "is 4+/5 on the right."])
def test_not_signs_of_the_spine(kb, text):
    facts = _facts(kb, text)
    assert not [f for f in _of(facts, "finding") if f.props["present"] and f.concept in (
        TERM + "MotorWeakness", TERM + "RadicularSymptoms")]


@pytest.mark.parametrize(("name", "concept"), [
    ("Voltaren (diclofenac sodium) 1% gel, apply 4 g QID", "DiclofenacTopical"),
    ("diclofenac sodium 1% gel 100 g", "DiclofenacTopical"),
    ("lidocaine 5% ointment", "LidocaineNonPatch"),
])
def test_a_drug_in_the_form_named(kb, name, concept):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import lexicon_for

    assert parse_item(name, lexicon_for(kb.terms))["concept"] == TERM + concept


@pytest.mark.parametrize(("text", "response"), [
    ("She has had 24 physical therapy visits, 12 chiropractic visits and two epidural "
     "injections, none of which has produced lasting change.", "NoImprovement"),
    ("He has had physical therapy, chiropractic care and acupuncture; none gave more than a "
     "few days of relief.", "NoImprovement"),
    ("He has had PT x 16, chiropractic x 8 and acupuncture x 6, all with short-lived benefit.",
     "SubjectiveImprovement"),
])
def test_a_response_closing_a_list_is_said_of_each(kb, text, response):
    courses = _of(_facts(kb, text, plan="1. MRI lumbar spine."), "prior")
    assert len(courses) == 3
    assert all(f.props.get("response") == MTUS + response for f in courses)


def test_plan_line_labels(kb):
    plan = ("1. Physical therapy: 2x/week x 6 weeks\n2. Medications: continue meloxicam 15 mg "
            "daily\n3. Acupuncture: 6 sessions\n4. Request authorization: lumbar MRI")
    requests = _of(_facts(kb, "Low back pain.", plan), "request")
    assert sorted(r.concept.removeprefix(TERM) for r in requests) == [
        "Acupuncture", "LumbarMRI", "PhysicalTherapy"]
    [pt] = [r for r in requests if r.concept == TERM + "PhysicalTherapy"]
    assert pt.props["quantity"] == 12


@pytest.mark.parametrize(("text", "concept", "present"), [
    ("He has no history of ulcers or gastrointestinal bleeding.",
     "PepticUlcerOrGIBleedHistory", False),
    ("He has a history of a bleeding ulcer in 2009.", "PepticUlcerOrGIBleedHistory", True),
    ("The right Achilles reflex was absent.", "ReflexChange", True),
    ("Reflexes are 2+ and symmetric.", "ReflexChange", False),
    ("DTRs 1+ and symmetric.", "ReflexChange", False),
])
def test_findings_whose_wording_carries_their_status(kb, text, concept, present):
    [finding] = _of(_facts(kb, text), "finding", concept)
    assert finding.props["present"] is present


def test_objects_of_the_injury_mechanism_are_not_treatments(kb):
    text = "She was injured on 09-08-2014 while lifting a mattress that had slipped."
    assert not _of(_facts(kb, text), "prior")


@pytest.mark.parametrize("text", ["SOAP NOTE - PR-2 - Date of service: 3/5/19",
                                  "CURES checked today 3/5/19: single prescriber.",
                                  "Normal strength, sensation and reflexes in the legs."])
def test_dates_and_named_functions_state_no_deficit(kb, text):
    found = _of(_facts(kb, text), "finding")
    assert not [f for f in found if f.props["present"]]


@pytest.mark.parametrize(("sentence", "purposes"), [
    ('MRI of the lumbar spine "to determine whether he is a candidate for an epidural '
     'injection or a surgical referral."', {"InjectionPlanning", "PreoperativePlanning"}),
    ("MRI of the shoulder to look for a cuff tear before any surgical decision.",
     {"PreoperativePlanning"}),
    ("Lumbar MRI; will consider an L5-S1 TFESI depending on the findings.",
     {"InjectionPlanning"}),
    ("Knee MRI; if a tear is confirmed, will refer to ortho for arthroscopy discussion.",
     {"PreoperativePlanning"}),
    ("Cervical MRI as he may be a surgical candidate.", {"PreoperativePlanning"}),
    ("Flexion/extension films to rule out instability at L4-5.", {"InstabilityEvaluation"}),
    ("CT of the lumbar spine to evaluate for pseudarthrosis.", {"FusionAssessment"}),
    ("MRI for further evaluation of the radiculopathy.", {"SymptomEvaluation"}),
    ("MRI r/o HNP.", {"SymptomEvaluation"}),
    # not a purpose: a surgery refused or in the past, a heading, a decision of someone else
    ("MRI requested; he is not a surgical candidate.", set()),
    ("MRI requested; surgery was discussed, which she declined.", set()),
    ("MRI requested; he plans to return to work six weeks after surgery.", set()),
    ("Assessment: lumbar strain; MRI requested.", set()),
    ("The UR decision on the injection was upheld.", set()),
])
def test_what_a_request_is_for(sentence, purposes):
    from reasoner.reader.purposes import stated_purposes
    assert {p.removeprefix(TERM) for p in stated_purposes(sentence)} == purposes


@pytest.mark.parametrize(("name", "visits"), [
    ("Acupuncture 1 time a week for 6 weeks, lumbar spine", (1, 6)),
    ("PT twice weekly for six weeks", (2, 6)),
    ("Freq: 2x/wk  Duration: 4 wks", (2, 4)),
    ("chiro 1-2x/wk x 6 wks", (2, 6)),
    ("acupuncture once a week x 6 weeks", (1, 6)),
    ("physical therapy three times per week for four weeks", (3, 4)),
    ("PT 2x6", (2, 6)),
    ("6 sessions (1-2x/wk)", None),  # a count, not a course: read by the count rules
])
def test_course_frequency_and_duration(name, visits):
    from reasoner.reader.items import _course_terms
    assert _course_terms(name) == visits


@pytest.mark.parametrize(("text", "had"), [
    ("Tx so far:\n  [x] PT - 12 visits 2021\n  [ ] Acupuncture - never had\n", False),
    ("Treatment history: chiropractic: not tried; PT 12 visits.", False),
    ("He finished 6 acupuncture sessions in January.", True),
])
def test_a_course_never_had_is_not_a_prior_course(kb, text, had):
    found = _of(_facts(kb, text, plan="1. Lumbar MRI."), "prior", "Acupuncture") + \
        _of(_facts(kb, text, plan="1. Lumbar MRI."), "prior", "ChiropracticManipulation")
    assert bool(found) == had


def test_a_course_named_again_gains_its_count(kb):
    found = _of(_facts(kb, "REASON FOR VISIT: follow-up after acupuncture.\n\nHe finished 6 "
                           "acupuncture sessions between 01/12/2021 and 02/16/2021.",
                       plan="1. Lumbar MRI."), "prior", "Acupuncture")
    assert [f.props.get("sessions") for f in found] == [6]


@pytest.mark.parametrize(("text", "present"), [
    ("Strength intact in both legs.", {False}),
    ("Motor 5/5 BLE.", {False}),
    ("Strength is full in both legs.", {False}),
    ("Sensation, strength and reflexes in both upper extremities are normal.", {False}),
    ("Strength decreased in the left ankle dorsiflexors.", {True}),
    ("4/5 strength of the right wrist extensors.", {True}),
    ("Motor 5/5 throughout except left EHL 4+/5.", {True}),
    # strength that is not a myotome's, or named with nothing said of it
    ("Full strength of the rotator cuff.", set()),
    ("Grip strength improved from 40 to 62 lb.", set()),
    ("He is working on core strength and endurance.", set()),
    ("The reviewer weighed the strength of the evidence.", set()),
])
def test_strength_named_as_a_function(kb, text, present):
    found = _of(_facts(kb, text), "finding", "MotorWeakness")
    assert {f.props["present"] for f in found} == present


@pytest.mark.parametrize(("text", "sides"), [
    ("SLR positive on the left at 45 degrees, negative on the right.",
     {(True, "Left"), (False, "Right")}),
    ("Straight leg raise was negative on the left, positive on the right at 40 degrees.",
     {(False, "Left"), (True, "Right")}),
    ("SLR (-) bilaterally to 80 degrees.", {(False, "Bilateral")}),
])
def test_a_sign_said_of_each_side(kb, text, sides):
    found = _of(_facts(kb, text), "finding", "PositiveStraightLegRaise")
    assert {(f.props["present"], f.props["side"]) for f in found} == sides


@pytest.mark.parametrize("refusal", [
    "I am NOT requesting more acupuncture, it did not help him.",
    "We are no longer requesting acupuncture.",
    "I don't recommend further acupuncture.",
    "If he flares again we can talk about acupuncture.",
])
def test_a_plan_does_not_ask_for_what_it_declines(kb, refusal):
    plan = ("Six more chiropractic visits, one time a week for six weeks.\n"
            f"{refusal}\nReturn in 6 weeks.")
    asked = {f.concept for f in _of(_facts(kb, "Low back pain.", plan), "request")}
    assert TERM + "Acupuncture" not in asked
    assert asked & {TERM + "LowBackManipulation", TERM + "ManualTherapyManipulation"}


def test_items_lettered_in_capitals_under_a_numbered_heading(kb):
    text = ("REQUEST SUMMARY\n\n5. DIAGNOSES\n  1. Lumbar radiculopathy, right L5\n\n"
            "6. ITEMS ON THE RFA OF 10/06/2014\n"
            "  A. Right L4-5 transforaminal epidural steroid injection, x1.\n"
            "  B. Gabapentin 600 mg, one tablet three times daily, #90.\n"
            "7. WORK STATUS / CASE MANAGEMENT\nModified duty since 03/2014.\n")
    read = read_letter(text.encode(), "rfa.txt", kb.terms)
    assert [i.name.split(",")[0] for i in read.letter.items] == [
        "Right L4-5 transforaminal epidural steroid injection", "Gabapentin 600 mg"]


def test_soap_letters_are_not_a_lettered_list(kb):
    text = ("PROGRESS NOTE 03/04/2015\nS: low back pain 6/10.\nO: lumbar tenderness.\n"
            "A: lumbar strain.\nP: 1. Physical therapy 2x4 for the lumbar spine.\n")
    read = read_letter(text.encode(), "soap.txt", kb.terms)
    assert [i.name.rstrip(".") for i in read.letter.items] == [
        "Physical therapy 2x4 for the lumbar spine"]


def test_the_request_after_a_long_line_not_the_advice_to_the_prescriber(kb):
    text = ("MEDICATION REVIEW 09/10/2025\n\n3. RECOMMENDATIONS TO THE PRESCRIBER\n"
            "   - Co-prescribe naloxone.\n   - Stop tramadol.\n\nPRESCRIBER RESPONSE\n\n"
            "I agree. I was not aware of the diazepam; I have called the PCP and he will taper it "
            "over 6 weeks; he denies sedation or falls. Please authorize:\n"
            "   1. Hydrocodone/APAP 10/325 mg, 1 tab three times a day, #90.\n"
            "   2. Naloxone 4 mg nasal spray, 1 carton.\n")
    read = read_letter(text.encode(), "review.txt", kb.terms)
    assert [i.name.split(",")[0] for i in read.letter.items] == [
        "Hydrocodone/APAP 10/325 mg", "Naloxone 4 mg nasal spray"]
