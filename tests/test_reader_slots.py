"""The reader's slot grammars, each with variants as notes write them: pain scores with and
without medication, doses per day, sessions, course terms, age and sex, monitoring, study
results and what they confirm, and the ticked boxes of forms. Each snippet is read as part of
a small progress report, the way `mtus read` reads one."""

from __future__ import annotations

import re

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import MTUS, TERM, m


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
    # "with" and "without" alone after the scores
    ("Tramadol: pain 7/10 without, 4/10 with.", ["Without", "With"]),
    ("Pain 8/10 w/o meds and 5/10 with, per the patient.", ["Without", "With"]),
    ("Leg pain is 4/10 compared with 7/10 before it.", ["Current", "Without"]),
    # a form's rows, label then leader dots then the value: each row its own (not the next's)
    ("Worst, past week ............ 8/10\n  With medications ............ 4/10\n"
     "  Without medications ......... 8/10", ["Current", "With", "Without"]),
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
    # a count of the day before "daily" is no "once daily": the sig's interval tells it
    ("Norco 10/325 mg, 1 po q4-6h prn pain (using 3-4 daily).", "HydrocodoneAcetaminophen", 6),
    ("Tramadol 50 mg every 8 hours as needed, 2 to 3 daily.", "Tramadol", 3),
    ("Cyclobenzaprine 10 mg, 1 tab daily.", "Cyclobenzaprine", 1),
    ("Naproxen 500 mg, 2 tabs daily.", "Naproxen", 2),
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
    # the studies in the plural, as reports name them
    ("Nerve conduction studies of both upper extremities on 11/04/2019 showed a moderate right "
     "median neuropathy at the wrist.", "ElectrodiagnosticallyConfirmedCTS", True),
    ("Nerve conduction testing on 3/18/2015 confirmed moderate right carpal tunnel syndrome.",
     "ElectrodiagnosticallyConfirmedCTS", True),
    ("The surgeon notes that the MRI findings are concordant with the examination.",
     "ImagingConcordantWithExam", True),
    ("The surgeon wrote that the MRI tear matches the location of the joint line tenderness.",
     "ImagingConcordantWithExam", True),
    # the agreement in other words, and with the study named a sentence before or by its lesion
    ("Dr. Ferris writes that the MRI findings line up with her symptoms and examination.",
     "ImagingConcordantWithExam", True),
    ("The examination and the MRI agree: this is a left L5 radiculopathy.",
     "ImagingConcordantWithExam", True),
    ("MRI of the left knee showed a medial meniscus tear. The tear corresponds to where he is "
     "tender.", "ImagingConcordantWithExam", True),
    ("The MRI showed a meniscal tear; the surgeon notes that it sits exactly where she is "
     "tender.", "ImagingConcordantWithExam", True),
    ('"The tear on MRI matches the external rotation and supraspinatus weakness on exam."',
     "ImagingConcordantWithExam", True),
    ("MRI R knee: complex tear PHMM. Impression c/w exam findings.",
     "ImagingConcordantWithExam", True),
    ("Shoulder MRI showed a type II acromion. The surgeon notes this fits the impingement signs "
     "on examination.", "ImagingConcordantWithExam", True),
    ("MRI consistent w/ exam.", "ImagingConcordantWithExam", True),
    ("The MRI findings are consistent with his history and examination.",
     "ImagingConcordantWithExam", True),
    ("The surgeon wrote that the MRI findings are consistent with the medial joint-line "
     "tenderness and the McMurray findings.", "ImagingConcordantWithExam", True),
    ("The MRI does not match his symptoms.", "ImagingConcordantWithExam", False),
    # what the clinic found, named by its condition
    ("MRI of the right shoulder showed a type II acromion with subacromial spurring, findings "
     "correlating with the clinical impingement.", "ImagingConcordantWithExam", True),
    ("The lumbar MRI showed an L5-S1 extrusion, consistent with the clinical picture.",
     "ImagingConcordantWithExam", True),
    ("The MRI findings are not consistent with the clinical presentation.",
     "ImagingConcordantWithExam", False),
    ("Exam: + McMurray. MRI findings correlate w/ clinical exam.", "ImagingConcordantWithExam",
     True),
    # the study's conclusion in a sentence of its own
    ("04/17/2018 (electrodiagnostic report): right median distal motor latency 6.2 ms. "
     "Impression: severe right carpal tunnel syndrome.", "ElectrodiagnosticallyConfirmedCTS",
     True),
])
def test_what_studies_confirm(kb, text, concept, present):
    [finding] = _of(_facts(kb, text), "finding", concept)
    assert finding.props["present"] is present


@pytest.mark.parametrize("text", [
    "His pain pattern is consistent with facet-mediated pain.",
    "The exam findings are consistent with his complaints.",
    "His complaints are consistent with the clinical picture.",
])
def test_no_imaging_no_concordance(kb, text):
    assert not _of(_facts(kb, text), "finding", "ImagingConcordantWithExam")


@pytest.mark.parametrize("text", [
    "A subacromial injection was offered on 11/17/2020; he declined it because of a fear of "
    "needles.",
    "He declined the epidural steroid injection.",
    "She refused acupuncture.",
    "He was offered acupuncture but declined.",
])
def test_care_offered_or_declined_is_not_care_had(kb, text):
    assert not _of(_facts(kb, text), "prior")


def test_a_decline_in_function_after_care_is_no_decline_of_care(kb):
    text = "His walking tolerance declined after the lumbar epidural steroid injection on 3/3/2025."
    assert [p.concept for p in _of(_facts(kb, text), "prior")] == [
        TERM + "EpiduralSteroidInjection"]


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


@pytest.mark.parametrize("text", [
    'RFA 1/20/26: MRI C/S w/o contrast "to plan CESI"; PT 2x4 C/S. UR 1/28/26: MRI non-cert.',
    "Requested an MRI of the knee to assess the meniscus. Per the UR letter of 3/2/2019: denied.",
])
def test_a_colon_past_the_studys_clause_gives_no_result(kb, text):
    """A label's colon in a later clause belongs to that clause (a UR line), not to the
    study named before it: the study asked for is no study done."""
    assert not _of(_facts(kb, text), "study")


@pytest.mark.parametrize(("text", "concept"), [
    ("EMG/NCV BUE (Dr. N. Amadi): chronic right C6 radiculopathy.",
     "UpperExtremityElectrodiagnostics"),
    ("MRI of the lumbar spine read by Dr. Osei: L4-5 protrusion.", "LumbarMRI"),
])
def test_a_studys_result_after_a_named_reader(kb, text, concept):
    """A title's or an initial's period ends no clause: the colon after the reader's name
    still opens the study's result."""
    assert _of(_facts(kb, text), "study", concept)


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
    ("Psychiatric consultation for medication management", "PsychiatricConsultation"),
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


@pytest.mark.parametrize("said", [
    "She denies side effects and no aberrant drug behaviors were noted.",
    "No aberrant drug-related behaviour has been observed.",
    "Opioid use with no aberrancy.",
])
def test_the_aberrant_behaviour_review_as_reviewers_word_it(kb, said):
    found = _facts(kb, f"Current medications: Norco 10/325 three times a day.\n{said}")
    assert [f.props["assessment_result"] for f in _of(found, "assessment",
                                                      "AberrantBehaviorReview")] == [
        MTUS + "NoneObserved"]


@pytest.mark.parametrize(("text", "drug"), [
    ("Taking Percocet 5/325 about one at bedtime, down from 4 a day.", "Oxycodone"),
    ("Still on Norco 10/325 roughly three a day.", "HydrocodoneAcetaminophen"),
])
def test_a_combination_strength_alone_tells_a_drug_taken(kb, text, drug):
    assert [f.concept for f in _of(_facts(kb, text), "medication")] == [TERM + drug]


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
    ("Motor 5/5 BLE, DTRs 1+ sym, sensation intact.", "ReflexChange", False),
    ("DTRs 1+ symm at the knees and ankles.", "ReflexChange", False),
    ("DTRs 1+ at the left ankle.", "ReflexChange", True),
])
def test_findings_whose_wording_carries_their_status(kb, text, concept, present):
    [finding] = _of(_facts(kb, text), "finding", concept)
    assert finding.props["present"] is present


def test_objects_of_the_injury_mechanism_are_not_treatments(kb):
    text = "She was injured on 09-08-2014 while lifting a mattress that had slipped."
    assert not _of(_facts(kb, text), "prior")


@pytest.mark.parametrize(("text", "concept", "result"), [
    # one prescriber is a consistent report; a review that found nothing aberrant after it
    # does not make it inconsistent
    ("A CURES report that day showed prescriptions from the treating physician only, and no "
     "aberrant behavior was noted.", "PrescriptionMonitoringCheck", "Consistent"),
    ("CURES 3/2/2016: fills only from his primary physician.", "PrescriptionMonitoringCheck",
     "Consistent"),
    ("UDS 3/2/2016 consistent, without aberrant behavior.", "UrineDrugScreen", "Consistent"),
    ("CURES 3/2/2016 reviewed: aberrant fills from two prescribers.",
     "PrescriptionMonitoringCheck", "Inconsistent"),
])
def test_a_monitoring_result_said_within_its_own_statement(kb, text, concept, result):
    text = "Norco 10/325 mg four times a day since 2013. On 3/2/2016 she was seen. " + text
    [check] = _of(_facts(kb, text), "assessment", concept)
    assert check.props["assessment_result"] == m(result)


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
    ("MRI of the lumbar spine to determine candidacy for a left L4-5 transforaminal epidural "
     "steroid injection.", {"InjectionPlanning"}),
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


def test_a_screen_asked_for_in_the_plan_is_no_result(kb):
    found = _facts(kb, "UDS 9/18/18: + tramadol, negative for everything else - consistent.",
                   plan="1. Tramadol 50 mg #30.\n2. Random UDS today, POC with lab confirmation.")
    screens = _of(found, "assessment", "UrineDrugScreen")
    assert [(str(f.props["on_date"]), f.props["assessment_result"]) for f in screens] == [
        ("2018-09-18", MTUS + "Consistent")]


@pytest.mark.parametrize("said", [
    "Opioid use with documented functional benefit, no aberrancy.",
    "Her opioids have allowed her to return to modified duty.",
])
def test_a_drug_class_said_of_the_drugs_on_record(kb, said):
    found = _facts(kb, f"Current medications: tramadol 50 mg twice a day.\n\n{said}")
    meds = _of(found, "medication")
    assert [f.concept for f in meds] == [TERM + "Tramadol"]


@pytest.mark.parametrize(("plan", "expertise"), [
    ("1. Referral to pain management for opioid management.", True),
    ("1. Psychiatric consultation for antidepressant medication management.", True),
    ("1. Orthopedic consultation for a second opinion on surgical options.", True),
    ("1. Pain management consultation: evaluation and performance of a cervical ESI.", True),
    ("1. Internal medicine consultation given the hypertension and diabetes.", True),
    ("1. REFERRAL: Pain management consultation - evaluation and performance of cervical "
     "epidural steroid injection.", True),
    ("1. Orthopaedic consult (R shoulder) - second opinion re: surgical options.", True),
    ("1. Pain management consultation.", False),
    # what a test is for is no referral's purpose
    ("1. Lumbar MRI for medication management.", False),
])
def test_what_a_referral_asks_of_the_specialist(kb, plan, expertise):
    [request] = _of(_facts(kb, "Chronic low back pain.", plan), "request")
    assert (TERM + "AdditionalExpertise" in request.props.get("purposes", [])) is expertise


@pytest.mark.parametrize(("said", "purpose"), [
    ("Referral to a spine surgeon now for an opinion, given the motor deficit.",
     "AdditionalExpertise"),
    ("I will refer her to a spine surgeon for a second opinion.", "AdditionalExpertise"),
    ("Dr. Lee is asking for the spine consultation to plan the epidural injection.",
     "InjectionPlanning"),
    ("Referral to a spine surgeon for evaluation for a decompression.",
     "PreoperativePlanning"),
    # a referral made in the past says nothing of the one asked for now
    ("He was referred to a spine surgeon in 2019 for an opinion.", None),
])
def test_a_referral_said_in_the_summary_states_the_consultation_purpose(kb, said, purpose):
    [request] = _of(_facts(kb, f"Neck pain with C7 weakness. {said}",
                           "1. Spine surgery consultation."), "request")
    purposes = {p.removeprefix(TERM) for p in request.props.get("purposes", [])}
    assert (purpose in purposes) if purpose else "AdditionalExpertise" not in purposes, purposes


def test_a_plan_line_orders_only_its_unconditional_statements(kb):
    plan = ("  - PT 2x3 lumbar (6 visits), start next wk.\n"
            "  - RTC 1 wk. If not improving by 4-6 wks, consider MRI.\n")
    asked = {f.concept for f in _of(_facts(kb, "Low back pain.", plan), "request")}
    assert TERM + "LumbarMRI" not in asked and TERM + "MRI" not in asked
    assert asked & {TERM + "PhysicalTherapy"}


@pytest.mark.parametrize(("item", "concept"), [
    ("Switch gabapentin to pregabalin 75 mg twice daily, #60", "Pregabalin"),
    ("Change Norco to tramadol 50 mg twice a day, #60", "Tramadol"),
    ("Rotator cuff repair, right shoulder", "RotatorCuffRepair"),
])
def test_a_switch_asks_for_what_it_switches_to(kb, item, concept):
    [request] = _of(_facts(kb, "Chronic pain.", f"1. {item}"), "request")
    assert request.concept.removeprefix(TERM).endswith(concept)


def test_the_first_item_on_the_plan_label_line(kb):
    text = ("PROGRESS NOTE 08/15/2023\nS: flare of low back pain.\n"
            "P: 1. Cyclobenzaprine 5 mg at bedtime as needed, #10.\n"
            "   2. Pregabalin 75 mg twice daily, #60.\n")
    read = read_letter(text.encode(), "p.txt", kb.terms)
    assert [i.name.split()[0] for i in read.letter.items] == ["Cyclobenzaprine", "Pregabalin"]


def test_a_dated_note_entry_dates_what_it_requests(kb):
    text = ("MEDICAL PROFESSIONAL REVIEW\nIndependent Medical Review\n\nUR decision: 05/13/2015\n\n"
            "ISSUE AT DISPUTE\nA. Post-operative physical therapy, right shoulder, 2x6\n\n"
            "BACKGROUND\nOn 09/14/2014 she felt a pop in the right shoulder.\n\n"
            "CLINICAL NOTES (most recent first)\n"
            "05/05/2015 - orthopedic post-op visit, 8 weeks s/p repair.\n"
            "Plan: continue post-op PT 2x/week x 6 weeks.\n"
            "03/24/2015 - PT initial evaluation.\nFF 90 deg.\n\n"
            "DETERMINATION\nA. Upheld\n")
    [request] = _of(read_letter(text.encode(), "r.txt", kb.terms).extracted, "request")
    assert str(request.props["request_date"]) == "2015-05-05"


# How a prior treatment or drug worked (reasoner/reader/responses.py): F functional, S relief
# only, N none, W worse, None: the words say nothing of a response.
_RESPONSE = {"F": "FunctionalImprovement", "S": "SubjectiveImprovement", "N": "NoImprovement",
             "W": "Worsened", None: None}


@pytest.mark.parametrize(("text", "response"), [
    # function regained: activities, scores, work, less medication
    ("since the injection she can now cook dinner and drive to work", "F"),
    ("Oswestry 50% -> 30%", "F"),
    ("his ODI went from 48% to 30%", "F"),
    ("walking tolerance went from 10 minutes to 40 minutes", "F"),
    ("she returned to full duty in May", "F"),
    ("he is back at work on modified duty", "F"),
    ("and she went back to her regular job", "F"),
    ("her work restrictions were lifted", "F"),
    ("he has cut back his Norco from four to two tablets a day", "F"),
    ("she needs less pain medication", "F"),
    ("it lets him finish his shift", "F"),
    ("which allowed her to resume driving", "F"),
    ('she is "able to do light household chores" but no specific activity is described', "S"),
    # relief only: a pain score dropping, motion without function, a gain with a limit
    ("gave 60% relief for six weeks", "S"),
    ("his pain went from 8/10 to 4/10", "S"),
    ("takes the edge off", "S"),
    ("cervical rotation improved from 40 to 70 degrees", "S"),
    ("helped his range of motion, but he plateaued", "S"),
    ("helped for a few hours but the pain returned", "S"),
    ("with minimal benefit", "S"),
    ("with partial relief", "S"),
    ("reduces the burning by about a third", "S"),
    ('he says it helps "a little"', "S"),
    # none
    ("without lasting benefit", "N"),
    (", none of which gave lasting relief", "N"),
    ('"did not do much"', "N"),
    ("with little effect", "N"),
    ("unchanged despite therapy", "N"),
    ("with no meaningful change in her symptoms", "N"),
    ("which she says is not helping", "N"),
    ("has not noticed a difference", "N"),
    ("could not tolerate the exercises and stopped early", "N"),
    # worse
    ("made her pain worse", "W"),
    ("with no change in the locking and a decline in her ability to squat", "W"),
    # no response: goals, hypotheticals, what is not documented, symptoms, limits, dates
    ("to improve her function and reduce the need for medication", None),
    ("if the block gives 80% relief, radiofrequency ablation will follow", None),
    ("he would benefit from a functional restoration program", None),
    ("there is no description of any activity he is able to perform", None),
    ("no documentation of functional improvement", None),
    ("the notes do not say whether it helped", None),
    ("her pain is worse with standing", None),
    ("she needs help from her daughter to bathe", None),
    ("she denies bowel or bladder change", None),
    ("he has not worked since 2019", None),
    ("Modified duty: no lifting over 10 lb, no overhead work", None),
    ("he can walk about two blocks before he must stop", None),
    ("she is still not able to kneel", None),
    ("6-minute walk 220 meters", None),
    ("flexion 0 to 105 degrees", None),
    ("from 03/2013 to 06/2013", None),
    ("flurbiprofen 20% cream applied twice a day", None),
    ("was started last spring", None),
])
def test_response_phrasings(text, response):
    from reasoner.reader.responses import response_of
    assert response_of(text) == _RESPONSE[response]


@pytest.mark.parametrize(("text", "concept", "response"), [
    # names joined in a list share what closes it
    ("She had physical therapy x 12 and chiropractic care x 8, which provided temporary relief "
     "only.", "PhysicalTherapy", "S"),
    ("Treatment has included physical therapy, chiropractic care and acupuncture, none of which "
     "gave lasting relief.", "Acupuncture", "N"),
    # each drug its own clause
    ("Norco 10/325 three times a day helps; ibuprofen 600 mg did not help.",
     "HydrocodoneAcetaminophen", "S"),
    ("Norco 10/325 three times a day helps; ibuprofen 600 mg did not help.", "Ibuprofen", "N"),
    # a semicolon before another treatment ends the course's words
    ("He had 6 chiropractic visits; a cortisone injection gave relief for two weeks.",
     "ManualTherapyManipulation", None),
    # a later sentence refers back, or goes straight on about the one course just told
    ("She completed 8 sessions of physical therapy. With those sessions she can now walk 2 "
     "blocks and dress without help.", "PhysicalTherapy", "F"),
    ("She has had acupuncture x 6. She says it did not help.", "Acupuncture", "N"),
    ("She completed six visits of physical therapy in 2014. Her pain is unchanged despite "
     "therapy.", "PhysicalTherapy", "N"),
    ("He completed 12 physical therapy visits in 2014. Now able to dress himself and return "
     "to modified duty.", "PhysicalTherapy", "F"),
    ("Gabapentin 300 mg TID was started in 2014; since starting it she walks her dog daily.",
     "Gabapentin", "F"),
    ("He takes naproxen 500 mg twice a day; his pain went from 8/10 to 4/10 on it.",
     "Naproxen", "S"),
    # relief, then function, said of one course: its response is functional
    ("He had a lumbar epidural steroid injection on 01/21/2014. At follow-up he reported 60% "
     "relief and was able to cut back his Norco from four to two tablets a day.",
     "EpiduralSteroidInjection", "F"),
    # goals and limits are no outcome
    ("She has had physical therapy; the goal is to improve her function and reduce medication "
     "use.", "PhysicalTherapy", None),
    ("He completed 12 visits of physical therapy. He can walk about a block before he must "
     "stop.", "PhysicalTherapy", None),
    ("He states the Norco helps him get through the day but no specific activity is named.",
     "HydrocodoneAcetaminophen", "S"),
])
def test_each_course_gets_its_own_response(kb, text, concept, response):
    [course] = [f for f in _facts(kb, text, plan="1. Lumbar MRI.").facts
                if f.kind in ("prior", "medication") and f.concept == TERM + concept]
    expected = MTUS + _RESPONSE[response] if response else None
    assert course.props.get("response") == expected


@pytest.mark.parametrize("text", [
    "At follow-up after the injection he was able to cut back his Norco from four to two a day.",
    "Since the blocks she has weaned off oxycodone and walks a mile.",
    "Norco use went from four tablets a day to two after the acupuncture.",
])
def test_a_drug_cut_back_is_the_measure_not_the_cause(kb, text):
    drugs = [f for f in _facts(kb, text, plan="1. Lumbar MRI.").facts
             if f.kind in ("prior", "medication") and f.props.get("response")
             and f.concept in (TERM + "HydrocodoneAcetaminophen", TERM + "Oxycodone")]
    assert drugs == []


@pytest.mark.parametrize("text", [
    "The physician would repeat the injection if it gives 50% relief.",
    "Acupuncture x 6 was requested to improve her function.",
    "She progressed from a walker to a single-point cane after 8 physical therapy visits.",
])
def test_no_response_for_a_plan_or_a_measure(kb, text):
    said = [f for f in _facts(kb, text, plan="1. Lumbar MRI.").facts
            if f.kind in ("prior", "medication") and f.props.get("response")
            and f.concept != TERM + "PhysicalTherapy"]
    assert said == []


@pytest.mark.parametrize(("text", "result"), [
    ("A urine drug screen on 06-13-2017 was negative for hydrocodone and positive for "
     "alprazolam.", "Inconsistent"),
    ("Aberrant behaviour: none, with a consistent urine drug screen and a CURES review.",
     "Consistent"),
    ("UDS 02/10/2015 negative for illicit substances, positive for hydrocodone as prescribed.",
     "Consistent"),
    ("The urine drug screen of 09/15/2020 was positive for oxycodone and also for alprazolam, "
     "which is not prescribed.", "Inconsistent"),
    ("Monitoring: UDS 01/15/2019 c/w Rx (hydrocodone only).", "Consistent"),
    # negative for what is prescribed, said as part of a whole
    ("A urine drug screen dated 06/14/2014 was negative for all substances tested, including "
     "the prescribed hydrocodone.", "Inconsistent"),
    ("The UDS of 2/3/2014 did not show the prescribed oxycodone.", "Inconsistent"),
    ("A urine drug screen dated 06/14/2014 was negative for all illicit substances and "
     "positive for the prescribed hydrocodone.", "Consistent"),
])
def test_screen_results(kb, text, result):
    [screen] = _of(_facts(kb, text, plan="1. Lumbar MRI."), "assessment", "UrineDrugScreen")
    assert screen.props["assessment_result"] == MTUS + result


@pytest.mark.parametrize("text", [
    "On 04-20-2015, Utilization Review modified the Norco to #45 and non-certified the urine "
    "drug screen.",
    "UR denied the UDS and certified the naproxen on 05/02/2016.",
])
def test_a_screen_a_review_decided_on_is_no_result(kb, text):
    assert not _of(_facts(kb, text, plan="1. Lumbar MRI."), "assessment", "UrineDrugScreen")


def test_a_screen_the_request_asked_for_is_no_result(kb):
    text = ("The Request for Authorization dated 05/23/2019 asked for hydrocodone/APAP 10/325mg "
            "#120, a urine drug screen and cyclobenzaprine 7.5mg #60.")
    assert not _of(_facts(kb, text, plan="1. Lumbar MRI."), "assessment", "UrineDrugScreen")


@pytest.mark.parametrize(("text", "concept", "response"), [
    # a sentence about all the courses just listed
    ("She has had physical therapy, 18 visits. She also had chiropractic care, six visits. None "
     "of these has changed the leg pain in a lasting way.", "ManualTherapyManipulation", "N"),
    ("Treatment to date:\n  - physical therapy, twelve visits\n  - acupuncture, six visits\n"
     "All of these have been of limited and temporary benefit.", "PhysicalTherapy", "S"),
    # "continues to help" is an outcome, not a purpose
    ("Naproxen 500 mg twice a day continues to help somewhat.", "Naproxen", "S"),
    # a parenthesis that holds a response is its name's alone
    ("Treatment has included physical therapy, acupuncture (6 sessions that helped for a few "
     "days) and a TENS unit.", "PhysicalTherapy", None),
    ("Treatment has included physical therapy, acupuncture (6 sessions that helped for a few "
     "days) and a TENS unit.", "Acupuncture", "S"),
    # a verb said of one ("provides") is not shared by the names before it
    ("She has had home exercises, and ibuprofen 800 mg three times a day, which provides "
     "partial relief.", "HomeExerciseProgram", None),
    # one that several share ("keep")
    ("He reports that hydrocodone/APAP 5/325 mg twice a day, and ibuprofen 600 mg twice a day "
     "keep him working his regular route.", "HydrocodoneAcetaminophen", "F"),
    # a comma before another treatment ends the words of the one before
    ("He tried nortriptyline, which did not help, and three stellate ganglion blocks, each of "
     "which gave a day or two of relief.", "Nortriptyline", "N"),
])
def test_responses_said_of_several_courses(kb, text, concept, response):
    found = [f for f in _facts(kb, text, plan="1. Lumbar MRI.").facts
             if f.kind in ("prior", "medication") and f.concept == TERM + concept]
    assert found
    expected = MTUS + _RESPONSE[response] if response else None
    assert found[0].props.get("response") == expected


@pytest.mark.parametrize("text", [
    # what is planned, wanted or set as a goal is no outcome
    "She plans to resume driving after the injection.",
    "He wants to return to full duty.",
    "He would like to get back to work.",
    "The goal is for her to return to work.",
    "Request: 6 visits of acupuncture, goal: walk 30 minutes",
    "PT was ordered to help her return to work.",
    "He is expected to return to full duty in May.",
    # a return denied is a status, not a gain
    "she was unable to return to work",
    "he has not been able to return to work",
    "she never went back to work",
    "no return to work is documented",
])
def test_no_functional_gain_in_plans_goals_or_denials(text):
    from reasoner.reader.responses import response_of
    assert response_of(text) != "FunctionalImprovement"


@pytest.mark.parametrize("text", [
    # a prescription left as it was, not a course that did not help
    "Meloxicam 15 mg tablet, 1 tab daily as needed   Status: Active (no change)",
    "Gabapentin 300 mg TID - no change to the dose",
    # a name in capitals, not a cue
    "evaluation at the Inland HELP functional restoration program on 04/21/2015",
    "Golden Gate Pharmacy Benefit Services",
])
def test_no_response_in_statuses_and_names(text):
    from reasoner.reader.responses import response_of
    assert response_of(text) is None


@pytest.mark.parametrize(("text", "response"), [
    ("he continues to work despite the pain", None),  # despite the pain, not a treatment
    ("In spite of all of the above her night pain has returned", "N"),
    ("Tramadol 50 mg as needed for relief of pain", None),  # what it is for
    ("prn for pain relief", None),
    ("Lyrica was better tolerated", None),
    ("Exam unchanged", None),
    ("Tramadol 50 mg BID (unchanged)", None),
    ("gave good relief for 6 weeks", "S"),
])
def test_statuses_and_purposes_are_no_response(text, response):
    from reasoner.reader.responses import response_of
    assert response_of(text) == _RESPONSE[response]


@pytest.mark.parametrize(("text", "expected"), [
    ("The Request for Authorization dated 05/23/2019 asked for X.", ["2019-05-23"]),
    ("Request for Authorization: 06/03/2014", ["2014-06-03"]),
    ("Request for Authorization dated: 03/14/2017", ["2017-03-14"]),
    ("UR Date: 04/10/2015                 Request (RFA) Date: 04/03/2015", ["2015-04-03"]),
    ("The physician requested an MRI. The RFA is dated 03/18/2025.", ["2025-03-18"]),
    ("REQUEST FOR AUTHORIZATION (DWC Form RFA) - Date of request: 11/04/2019", ["2019-11-04"]),
    ("- 01/19/2016 RFA: surgery + post-op PT 12\n- 01/27/2016 UR: non-cert", ["2016-01-19"]),
    ("RE: REQUEST FOR AUTHORIZATION - Claim 15-220931 - DOI 08/20/2015", []),
    ("PTP Progress Report (PR-2) / RFA      Visit: 04/10/2018", []),
])
def test_rfa_dates(text, expected):
    from reasoner.reader.items import rfa_dates
    assert [d.isoformat() for d in rfa_dates(text)] == expected


def test_the_rfa_after_the_visit_dates_the_request(kb):
    text = ("IMR letter\n\nClinical summary: In a progress report dated 05/21/2019 the physician "
            "requested acupuncture x6. The RFA is dated 05/23/2019. Utilization review "
            "non-certified it on 06/03/2019.\n\nPLAN:\n1. Acupuncture x6.\n")
    extracted = read_letter(text.encode(), "rfa.txt", kb.terms).extracted
    [request] = _of(extracted, "request", "Acupuncture")
    assert request.props["request_date"].isoformat() == "2019-05-23"


@pytest.mark.parametrize(("text", "concepts"), [
    ("Pt reports pain 6/10 and pt states PT helped.", ["PhysicalTherapy"]),
    ("Pt motivated. Pt educated on HEP. PT helped.",  # a predicate without its verb
     ["HomeExerciseProgram", "PhysicalTherapy"]),
    ("She completed ten sessions of acupuncture.", ["Acupuncture"]),  # "ten" is not TENS
    ("A TENS unit and a Tens unit.", ["TENSUnit", "TENSUnit"]),
])
def test_words_that_are_not_the_terms_they_spell(kb, text, concepts):
    from reasoner.reader.lexicon import lexicon_for
    found = lexicon_for(kb.terms).find(text, TERM + "Treatment")
    assert [h.term.removeprefix(TERM) for h in found] == concepts


def test_a_title_is_not_an_abbreviation(kb):
    from reasoner.reader.lexicon import lexicon_for
    found = lexicon_for(kb.terms).find("Ms. Ortega reports pain; MS was ruled out.")
    assert [h.term.removeprefix(TERM) for h in found].count("MultipleSclerosis") == 1


@pytest.mark.parametrize(("sentence", "concept", "present"), [
    ("He was evaluated by a psychologist on 08/13/2013 and was cleared for a spinal cord "
     "stimulator trial.", "PsychologicalClearance", True),
    ("A psychological evaluation on 07/08/2014 found her to be an appropriate candidate for an "
     "SCS trial, with realistic expectations.", "PsychologicalClearance", True),
    ("A psychological evaluation for the stimulator was requested and has not yet taken place.",
     "PsychologicalClearance", False),
    ("She was not felt to be an appropriate candidate by the psychologist.",
     "PsychologicalClearance", False),
    ("A pre-surgical psychological evaluation on 01-24-2017 found no psychological "
     "contraindications to surgery.", "PreoperativePsychologicalScreen", True),
    ("A psychological evaluation will be needed before the trial.", None, None),
    ("If psychology clears him, a trial will be scheduled.", None, None),
    ("He has no psychiatric history.", None, None),
    ("No psychological evaluation has been performed before the fusion.", None, None),
    # the clearance an order waits for is its condition, not a clearance given
    ("[63650] Spinal cord stimulator trial, percutaneous -- x1 (after psychological "
     "clearance)", None, None),
    ("Psychological clearance obtained 12/09/2024 for the SCS trial.", "PsychologicalClearance",
     True),
    ("SCS trial pending psych clearance.", "PsychologicalClearance", False),
])
def test_psychological_clearance(sentence, concept, present):
    from reasoner.reader.confirmations import clearances
    found = clearances(sentence)
    assert [(c.concept.removeprefix(TERM), c.present) for c in found] == (
        [(concept, present)] if concept else [])


def test_a_run_on_note_is_read_statement_by_statement(kb):
    snippet = ("Ms. T., 57, is back for her right knee, which she hurt on 05/12/2014, and she "
               "finished 8 visits of PT in July that got her back to modified duty; she takes "
               "naproxen 500 mg twice a day which takes the edge off; exam today shows medial "
               "joint line tenderness; impression right knee sprain with early osteoarthritis; "
               "I would like an MRI of the right knee")
    extracted = _facts(kb, snippet)
    assert _of(extracted, "medication", "Naproxen")
    [pt] = _of(extracted, "prior", "PhysicalTherapy")
    assert pt.props["sessions"] == 8
    assert _of(extracted, "diagnosis")


def test_a_checklist_of_prior_treatment(kb):
    extracted = _facts(kb, "Prior treatment: [X] PT - 6 visits (07/2015-08/2015)  [X] Brace  "
                           "[ ] Injection  [ ] Surgery\nPT notes: grip strength improved from 40 "
                           "to 62 lb; now able to use hand tools for 4 hours.")
    [pt] = _of(extracted, "prior", "PhysicalTherapy")
    assert pt.props["sessions"] == 6 and pt.props["response"].endswith("FunctionalImprovement")
    assert not _of(extracted, "prior", "Surgery")


def test_a_pulse_is_not_physical_therapy(kb):
    extracted = _facts(kb, "Vascular: DP/PT 2/4 bilat. DP and PT pulses palpable. No PT to date.")
    assert not _of(extracted, "prior", "PhysicalTherapy")


@pytest.mark.parametrize(("name", "days"), [
    ("Cold therapy unit, 7-day rental, post-op", 7),
    ("Cold therapy unit rental x 7 days", 7),
    ("cold therapy unit for 14 days", 14),
    ("TENS unit 30-day trial", 30),
    ("TENS unit one month rental", 30),
    ("Voltaren gel for 4 weeks", 28),
    ("Extend cold therapy unit rental for 30 more days", 30),
    ("Cold therapy unit rental, 30 days", 30),
    ("Home health aide 4 hours/day, 5 days/week x 2 weeks", 14),
    ("Post-op PT to start week 1 after surgery", None),
    ("Lumbar x-rays 6 weeks post-op", None),
    ("Lumbar x-rays two weeks post-op", None),  # a number word is no lead-in
    ("Follow-up visit in six weeks", None),
    ("Naproxen 550 mg #60", None),
])
def test_requested_period(name, days):
    from reasoner.reader.items import requested_period
    assert requested_period(name) == days


@pytest.mark.parametrize(("name", "concept"), [
    ("Repeat cervical epidural steroid injection, C5-6, interlaminar",
     "CervicalInterlaminarEpiduralSteroidInjection"),
    ("Right C5-C6 interlaminar cervical epidural steroid injection",
     "CervicalInterlaminarEpiduralSteroidInjection"),
    ("Cervical epidural steroid injection C5-6 and C6-7", "CervicalEpiduralSteroidInjection"),
    ("Lumbar ESI L4-5 transforaminal", "TransforaminalEpiduralSteroidInjection"),
])
def test_a_kind_named_by_words_apart(kb, name, concept):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import lexicon_for
    assert parse_item(name, lexicon_for(kb.terms))["concept"] == TERM + concept


@pytest.mark.parametrize(("sentence", "concept", "present"), [
    ("The employer has confirmed in writing that his forklift position remains available.",
     "JobToReturnTo", True),
    ("A modified unit clerk position is being held for her.", "JobToReturnTo", True),
    ("He was terminated by his employer in 2015 and has no job offer.", "JobToReturnTo", False),
    ("She states she is motivated to get off disability.", "MotivationToChange", True),
    ("He is not motivated to return to work.", "MotivationToChange", False),
    ("On bad days she needs her sister's help to bathe and dress.",
     "SignificantFunctionalLoss", True),
    ("Her husband does the shopping and cooking.", "SignificantFunctionalLoss", True),
    ("She needs her husband's help to put on her socks and shoes.",
     "SignificantFunctionalLoss", True),
    ("Needs wife's help with socks and shoes.", "SignificantFunctionalLoss", True),
    ("He needs help to get out of the bathtub.", "SignificantFunctionalLoss", True),
    ("The evaluators wrote that you cannot do your full-time job.",
     "SignificantFunctionalLoss", True),
    ("He spends most of the day in a recliner.", "SignificantFunctionalLoss", True),
    # a negation in a clause before is not this clause's; a chore done only with help
    ("The records describe no change in what he can do, he spends most of the day in a "
     "recliner.", "SignificantFunctionalLoss", True),
    ("She cannot do her grocery shopping without her sister and needs help with her socks.",
     "SignificantFunctionalLoss", True),
    ("She can no longer cook or do her own laundry.", "SignificantFunctionalLoss", True),
    ("He has had to give up driving and housework.", "SignificantFunctionalLoss", True),
    ("He has given up bowling.", None, None),
    ("Denies numbness, and he needs no help with dressing.", None, None),
    ("She does not need help to bathe.", None, None),
    # motivation told without "motivated to": assessed by someone, or what the worker wants back
    ("Pt motivated, wants to RTW.", "MotivationToChange", True),
    ("The psychologist found him motivated.", "MotivationToChange", True),
    ("She states that she wants to return to some kind of work.", "MotivationToChange", True),
    ('He said he wants to "get his life back."', "MotivationToChange", True),
    ("She told the psychologist she wants to learn other ways to manage the pain.",
     "MotivationToChange", True),
    ("She is willing to give up the disability checks if she can work.", "MotivationToChange",
     True),
    ("He seems motivated by the litigation.", None, None),
    ("He wants to continue the Norco.", None, None),
    # sleep told, not named
    ("He still has trouble falling asleep despite zolpidem.", "Insomnia", True),
    ("Her sleep is still broken, waking two or three times a night.", "Insomnia", True),
    ("She wakes 3-4 times a night with pain.", "Insomnia", True),
    ("Sleeps 3-4 hours a night.", "Insomnia", True),
    ("Slept poorly x 3 nights d/t pain.", "Insomnia", True),
    ("Falls asleep after about an hour and wakes at 3 a.m.", "Insomnia", True),
    ("Early-morning awakening.", "Insomnia", True),
    ("She denies trouble sleeping.", None, None),
    ("No difficulty falling asleep.", None, None),
    ("He sleeps 7 hours a night.", None, None),
    ("If sleep is poor, zolpidem would be considered.", None, None),
    ("He can do his job with the brace.", None, None),
    ("She is independent in bathing, dressing and toileting.", "SignificantFunctionalLoss",
     False),
    ("If she is motivated, a program will be considered.", None, None),
    ("He works full duty.", None, None),
    # since the last study: unchanged (no significant change) or new and progressing signs
    ("These findings are unchanged from the examination of 1/15/2019.",
     "SignificantClinicalChange", False),
    ("The leg symptoms and the examination have not changed since the MRI.",
     "SignificantClinicalChange", False),
    ("The symptoms have been stable over the past year.", "SignificantClinicalChange", False),
    ('States pain is "about the same," no better, no worse.', "SignificantClinicalChange", False),
    ("No new neurological deficits.", "SignificantClinicalChange", False),
    ("Numbness of the lateral left foot that has been unchanged since the MRI.",
     "SignificantClinicalChange", False),
    ("He has developed new weakness of left ankle plantarflexion.",
     "SignificantClinicalChange", True),
    ("The leg symptoms have steadily worsened over the past six months.",
     "SignificantClinicalChange", True),
    ("Progressive numbness in the left foot since March.", "SignificantClinicalChange", True),
    ("The physician described the left L5 weakness as progressive over four months.",
     "ProgressiveNeurologicalDeficit", True),
    ("Flexion-extension radiographs: L4 translates 6 mm on L5 between flexion and extension.",
     "SpinalInstability", True),
    ("Tenderness over the L4-L5 and L5-S1 facet joints bilaterally.", "FacetMediatedPain",
     True),
    # homebound or not, told by what the worker does, and only by the worker
    ("He drives himself to appointments.", "Homebound", False),
    ("Gabapentin allowed her to resume driving short distances.", "Homebound", False),
    ("She drives to appointments and shops.", "Homebound", False),
    ("She takes the bus to therapy twice a week.", "Homebound", False),
    ("He walks with a cane outdoors, none in the house.", "Homebound", False),
    ("She has been bedbound since the fall.", "Homebound", True),
    ("He cannot leave the house without his wife's help.", "Homebound", True),
    # an outing, or outpatient therapy attended, is leaving home (driven by someone or not)
    ("He went out to a restaurant with his family the previous weekend.", "Homebound", False),
    ("She goes to church every Sunday.", "Homebound", False),
    ("He attends therapy twice a week.", "Homebound", False),
    ("He attends therapy at home twice a week.", None, None),
    # a knee said to lock or give way (not a brace locked at an angle)
    ("He mentioned that the knee had locked twice that month.", "MechanicalKneeSymptoms", True),
    ("The knee gives way on stairs.", "MechanicalKneeSymptoms", True),
    ("The hinged brace was locked at 0-90 degrees.", None, None),
    # trigger points need a twitch response and referred pain together: either denied denies
    ("Tenderness without a taut band, twitch response or referred pain.",
     "TriggerPointsTwitchReferred", False),
    ("A taut band was noted; no twitch response was elicited.", "TriggerPointsTwitchReferred",
     False),
    ("Trigger points with a twitch response and referred pain.", None, None),
    ("His wife drives him to appointments.", None, None),
    ("He no longer drives to appointments.", None, None),
    ("If she could drive to the store, the aide would not be needed.", None, None),
    ("(-) new weakness. (-) fever.", None, None),
    ("She denies new numbness.", None, None),
    ("If symptoms worsen, repeat the MRI.", None, None),
    ("Ligaments are stable to varus and valgus stress.", None, None),
    ("She is on a stable dose of gabapentin.", None, None),
    ("The MRI showed no interval change.", None, None),
])
def test_judgments_read_from_context(sentence, concept, present):
    from reasoner.reader.judgments import judgments
    expected = [(concept, present)] if concept else []
    if "with a cane" in sentence:  # a cane is a limit of walking, and outdoors is not homebound
        expected = [("MobilityLimitation", True), ("AmbulatesWithAssistiveDevice", True),
                    *expected]
    if re.search(r"^\w+ (?:drives (?:himself )?to appointments|takes the bus)|resume driving",
                 sentence):
        expected.append(("UnableToSelfTransport", False))  # getting there on one's own
    assert [(j.concept.removeprefix(TERM), j.present) for j in judgments(sentence)] == expected


@pytest.mark.parametrize(("sentence", "present"), [
    ("He still uses the front-wheeled walker inside the house.", True),
    ("She nearly fell stepping out of the tub last week.", True),
    ("His balance is unsteady on wet surfaces.", True),
    ("She has trouble getting out of a low chair.", True),
    ("He relies on his rollator for longer distances.", True),
    ("She walks without an assistive device.", None),
    ("If he falls at home, he should call 911.", None),
])
def test_mobility_limits_told_not_named(sentence, present):
    from reasoner.reader.judgments import judgments
    found = [j.present for j in judgments(sentence) if j.concept == TERM + "MobilityLimitation"]
    assert found == ([present] if present is not None else [])


@pytest.mark.parametrize(("snippet", "result"), [
    ("CBC/CMP 03/17/2015 normal (creatinine 0.9, ALT 22).", "NoneObserved"),
    ("Laboratory studies on 05/12/2015, including a complete blood count and a comprehensive "
     "metabolic panel, were within normal limits.", "NoneObserved"),
    ("BMP 01/2021: creatinine elevated at 1.6.", "Observed"),
])
def test_blood_tests_are_the_nsaid_monitoring(kb, snippet, result):
    [lab] = _of(_facts(kb, snippet), "assessment", "NSAIDLaboratoryMonitoring")
    assert lab.props["assessment_result"].endswith(result)


@pytest.mark.parametrize(("name", "quantity", "unit", "days"), [
    # care in hours: the total over the weeks asked for, or the weekly figure with no period
    ("Home health aide 4 hours a day, 5 days a week for 8 weeks", 160.0, "Hour", 56),
    ("Home health aide 20 hours per week", 20.0, "Hour", None),
    # a program's part days count as days
    ("Functional restoration program, 3 hours/day, 4 days/week for 6 weeks", 24.0, "Day", 42),
    # a count written onto its "x"
    ("Functional restoration program x20 days", 20.0, "Day", 20),
    ("Functional restoration program x160 hours", 20.0, "Day", None),
])
def test_care_in_hours(kb, name, quantity, unit, days):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import lexicon_for
    props = parse_item(name, lexicon_for(kb.terms))
    assert (props["quantity"], props["unit"].rsplit("#", 1)[-1], props.get("duration_days")) == (
        quantity, unit, days)


@pytest.mark.parametrize(("snippet", "concept", "present"), [
    # what the worker has had, told in a prior-treatment sentence
    ("She has had no recent flare-up.", "AcuteExacerbation", False),
    # a knee's night pain is no spinal red flag; the spine's is
    ("She has had left knee pain ever since, with night pain most nights.", "SuspectedTumor",
     None),
    ("Low back pain with night pain most nights.", "SuspectedTumor", True),
    # what a stimulator feels like is no symptom; a tingling in a limb still is one
    ('An interferential unit was used in PT; she "liked the tingling" but it made no '
     "difference.", "RadicularSymptoms", None),
    ("She has tingling in both feet; she uses a TENS unit daily.", "RadicularSymptoms", True),
    # pain a trigger point or a facet refers into the thigh is not a root's
    ("Taut bands in the right gluteus medius with a twitch response and pain referred to the "
     "posterior thigh on snapping palpation.", "RadicularSymptoms", None),
    ("Burning pain down the right leg into the top of the foot.", "RadicularSymptoms", True),
    # a worker who runs her own household has no significant loss of function, though she
    # needs help with a heavy chore
    ("Function: she works modified duty 6 hours a day, drives, cooks and does her own "
     "shopping; she needs help with laundry and with vacuuming.", "SignificantFunctionalLoss",
     False),
    ("She lives alone and manages her own household.", "SignificantFunctionalLoss", False),
    ("She needs her husband's help with bathing and dressing.", "SignificantFunctionalLoss",
     True),
])
def test_findings_said_in_passing(kb, snippet, concept, present):
    found = [f.props["present"] for f in _of(_facts(kb, snippet), "finding", concept)]
    assert found == ([present] if present is not None else [])


def test_an_exports_coded_fields_are_statements_of_their_own(kb):
    """One field per line with no full stop: "none" on the next field must not negate this one."""
    facts = _facts(kb, "[S05] GI RISK\nGI.DYSPEPSIA: yes, burning after the evening naproxen dose"
                       "\nGI.ULCER_HX: none\nGI.BLEED_HX: none\n"
                       "MON.UDS: 06/18/2014 - consistent (tramadol)")
    assert [f.props["present"] for f in _of(facts, "finding", "Dyspepsia")] == [True]
    assert [f.props["present"] for f in _of(facts, "finding", "PepticUlcerOrGIBleedHistory")] \
        == [False]
    [uds] = _of(facts, "assessment", "UrineDrugScreen")
    assert uds.props["assessment_result"].endswith("Consistent")


def test_a_pastime_regained_on_a_drug_is_its_functional_gain(kb):
    """"has gone back to" is going, not gone: the drug stays on record, with the gain."""
    [course] = [f for f in _facts(kb, "She has taken duloxetine 60 mg daily since 06/10/2024 "
                                      "and has gone back to her Tuesday water aerobics class.")
                .facts if f.concept == TERM + "Duloxetine" and f.kind != "request"]
    assert course.props["response"].endswith("FunctionalImprovement")


def test_a_monitoring_line_with_no_refill_requests_is_no_request(kb):
    facts = _facts(kb, "Opioid monitoring: agreement signed 07/21/2014; UDS 01/12/2015 positive "
                       "for hydrocodone only, as prescribed; CURES checked today; no early refill "
                       "requests; ORT score 2 (low risk).")
    [uds] = _of(facts, "assessment", "UrineDrugScreen")
    assert uds.props["assessment_result"].endswith("Consistent")
    assert [f.props["present"] for f in _of(facts, "finding", "ElevatedMisuseRisk")] == [False]


@pytest.mark.parametrize(("snippet", "start"), [
    ("He has been prescribed cyclobenzaprine 10 mg since his visit of 11/04/2014.", "2014-11-04"),
    ("She has also been prescribed cyclobenzaprine 4mg twice a day since 12/01/2014 for spasm.",
     "2014-12-01"),
    ("We switched him to cyclobenzaprine on 01/20/2015. He takes it at bedtime.", "2015-01-20"),
    ("Cyclobenzaprine 5 mg three times a day was started at this visit for spasm.",
     "2015-03-04"),  # the report's date
])
def test_when_a_drug_was_started(kb, snippet, start):
    [course] = [f for f in _facts(kb, snippet).facts if f.concept == TERM + "Cyclobenzaprine"
                and f.kind in ("prior", "medication")]
    assert str(course.props.get("start")) == start


@pytest.mark.parametrize(("snippet", "drug"), [
    ("Medications: pregabalin 75 mg twice a day.\nShe said the tingling is no different on "
     "pregabalin than it was before she started it.", "Pregabalin"),
    ('He says the naproxen "doesn\'t really do anything anymore."', "Naproxen"),
])
def test_no_benefit_said_in_other_words(kb, snippet, drug):
    courses = [f for f in _facts(kb, snippet).facts if f.kind in ("prior", "medication")
               and f.concept == TERM + drug]
    assert courses and courses[0].props.get("response", "").endswith("NoImprovement"), courses


def test_homebound_is_kept_only_where_home_care_is_asked(kb):
    told = "He drives himself to appointments and walks two miles a day."
    asked = _facts(kb, told, plan="1. Home health aide 4 hours a day, 5 days a week.")
    assert [f.props["present"] for f in _of(asked, "finding", "Homebound")] == [False]
    assert not _of(_facts(kb, told, plan="1. Physical therapy 2x4."), "finding", "Homebound")


def test_a_test_named_with_a_service_is_not_the_request(kb):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import lexicon_for
    props = parse_item("Right knee arthroscopy with pre-operative CBC and basic metabolic panel",
                       lexicon_for(kb.terms))
    assert props["concept"] == TERM + "KneeArthroscopy"


@pytest.mark.parametrize(("text", "concept"), [
    ("EMG/NCV bilateral upper extrernities", "UpperExtremityElectrodiagnostics"),
    ("lumbar radicu1opathy", "LumbarRadiculopathy"),
    ("0steoarthritis of the knee", "KneeOsteoarthritis"),
])
def test_words_a_scanner_misread(kb, text, concept):
    from reasoner.reader.lexicon import lexicon_for
    assert TERM + concept in [h.term for h in lexicon_for(kb.terms).find(text)]


def test_words_that_are_no_misreading_stay():
    from reasoner.reader.lexicon import _misreadings
    assert list(_misreadings("fail")) == []  # not "fall"


@pytest.mark.parametrize(("name", "weekly"), [
    ("Home health aide 4 hours/day, 5 days/week x 8 weeks", (20.0, 5)),
    ("home health aide 6 h/day, 7 days/week, 6 weeks", (42.0, 7)),
    ("Home health 20 hours per week", (20.0, None)),
    ("PT 2x/week x 4 weeks", None),
])
def test_care_given_in_hours(name, weekly):
    from reasoner.reader.items import hours_a_week
    assert hours_a_week(name) == weekly


def test_a_condition_the_text_denies_is_documented_absent(kb):
    extracted = _facts(kb, "There were no signs of peripheral neuropathy, and he is not "
                           "diabetic.")
    [absent] = _of(extracted, "finding", "PeripheralNervePathology")
    assert absent.props["present"] is False
    assert not _of(extracted, "diagnosis", "PeripheralNervePathology")


@pytest.mark.parametrize("text", [
    "Plan per PTP: r/o L1 compression fx given age, osteopenia and the fall.",
    "X-rays are requested to rule out a compression fracture after the fall from the ladder.",
    "There is concern for a vertebral fracture given his age and the fall.",
])
def test_a_fracture_to_rule_out_is_a_suspected_fracture(kb, text):
    found = _of(_facts(kb, text), "finding", "SuspectedFracture")
    assert [f.props["present"] for f in found] == [True]


@pytest.mark.parametrize("text", [
    "A compression fracture was ruled out on CT.",
    "No fracture on the x-rays; no concern for a vertebral fracture.",
])
def test_a_fracture_ruled_out_is_no_suspicion(kb, text):
    assert not [f for f in _of(_facts(kb, text), "finding", "SuspectedFracture")
                if f.props["present"]]


@pytest.mark.parametrize("heading", ["ASSESSMENT", "Impression.", "Assessment", "A:"])
def test_a_diagnosis_list_under_a_heading_of_its_own(kb, heading):
    text = (f"Exam: SLR negative.\n\n{heading}\n1. Primary osteoarthritis, right knee, moderate "
            "to severe.\n2. Status post right carpal tunnel release 01/31/2017, doing well.\n"
            "3. Physical therapy plateau.\n")
    facts = _facts(kb, text)
    assert [f.concept for f in _of(facts, "diagnosis")] == [
        TERM + "ModerateToSevereKneeOsteoarthritis"]
    assert [f.props["on_date"].isoformat()
            for f in _of(facts, "prior", "CarpalTunnelReleaseSurgery")] == ["2017-01-31"]
    assert [f.props["present"] for f in _of(facts, "finding", "PlateauAfterTherapy")] == [True]


def test_each_bullet_is_a_statement_of_its_own(kb):
    # a note in bullets: the diagnosis line must not swallow the examination after it
    text = ("- 58 y/o M forklift operator.\n- Dx per PTP: lumbar sprain/strain.\n"
            "- Exam 03/11/2014: SLR neg B; spasm of the paraspinals.\n"
            "- PTP plan: r/o L1 compression fx given age and the fall.\n")
    facts = _facts(kb, text)
    assert [f.props["present"] for f in _of(facts, "finding", "PositiveStraightLegRaise")] == [
        False]
    assert [f.props["present"] for f in _of(facts, "finding", "SuspectedFracture")] == [True]


def test_a_numbered_heading_with_a_note_or_a_date_ends_the_section_before_it(kb):
    text = ("2. TREATMENT TO DATE (as the PTP lists it)\n  - physical therapy, eighteen visits\n"
            "Gabapentin was started on 08/04/2014. Per the note it has cut the burning by about "
            "30 percent and she walks her dog again.\n"
            "3. EXAMINATION 10/02/2014 (per PTP)\nStraight leg raise is negative on the left.\n"
            "5. DIAGNOSES (PTP)\n  1. Lumbar radiculopathy, right L5\n")
    facts = _facts(kb, text, plan="1. Gabapentin 600 mg three times a day, #90.")
    assert _of(facts, "finding", "PositiveStraightLegRaise")
    assert [f.concept for f in _of(facts, "diagnosis")] == [TERM + "LumbarRadiculopathy"]
    [gabapentin] = _of(facts, "medication", "Gabapentin")
    assert gabapentin.props.get("response") == MTUS + "FunctionalImprovement"
    # the heading alone is no course of treatment
    assert not _of(facts, "prior", "Treatment")


def test_drugs_started_on_a_date_said_before_them(kb):
    text = ("He was seen at an urgent care clinic on 06/15/2013 and started on naproxen 550 mg "
            "twice daily and cyclobenzaprine 7.5 mg three times daily, and he has taken both "
            "every day since.")
    facts = _facts(kb, text)
    assert {f.concept.rsplit("/", 1)[-1]: f.props.get("start").isoformat()
            for f in _of(facts, "medication")} == {"Naproxen": "2013-06-15",
                                                   "Cyclobenzaprine": "2013-06-15"}


def test_a_reviews_quoted_words_are_not_facts_of_the_case(kb):
    text = ("Utilization Review non-certified the injection on 12/06/2016. The utilization review "
            "report states: \"The claimant has undergone three prior cervical epidural steroid "
            "injections without sustained relief.\" The records contain no report of any "
            "injection. He says the medication \"takes the edge off.\"")
    facts = _facts(kb, text)
    assert not [f for f in _of(facts, "prior") if "Epidural" in f.concept or
                "Injection" in f.concept]


def test_a_course_long_before_the_injury_treated_another_episode(kb):
    text = ("Date of injury: 03/02/2023. Past history: he had an epidural injection in 2015 for an "
            "episode of sciatica that was not work related. Since the injury he completed ten "
            "visits of physical therapy.")
    facts = _facts(kb, text)
    assert not [f for f in _of(facts, "prior") if "Epidural" in f.concept]
    assert _of(facts, "prior", "PhysicalTherapy")


def test_an_injections_agent_is_no_course_and_its_relief_is_the_injections(kb):
    text = ("Right L4-L5 and L5-S1 medial branch blocks were performed on 04/23/2019 with 0.5 ml "
            "of 2% lidocaine at each level; her pain diary records 80% relief lasting two hours.")
    facts = _facts(kb, text)
    assert not _of(facts, "medication", "Lidocaine")
    assert [f.props.get("relief_percent") for f in _of(facts, "prior", "MedialBranchBlock")] == [
        80]


def test_treatments_counted_in_the_next_sentence_are_the_course_just_told(kb):
    text = ("Neck strain from a bus collision on 06/01/2016. We then tried acupuncture. She had "
            "six treatments between 07/11/2016 and 08/12/2016. They helped.")
    facts = _facts(kb, text)
    [course] = _of(facts, "prior", "Acupuncture")
    assert course.props.get("sessions") == 6
    # (told between two days: the course's first and last)
    assert (course.props.get("start").isoformat(), course.props.get("end").isoformat()) == (
        "2016-07-11", "2016-08-12")
    assert not [f for f in _of(facts, "prior") if f.concept != TERM + "Acupuncture"]


@pytest.mark.parametrize(("snippet", "concept"), [
    ("ASSESSMENT\n1. Sprain of right knee, medial (S83.91XA)", "KneeSprain"),
    ("Diagnoses: left shoulder strain.", "ShoulderSprain"),
    ("Diagnosis: right wrist sprain.", "WristHandSprain"),
    ("Diagnoses: lumbar sprain/strain.", "LumbarSprainStrain"),
])
def test_a_sprain_is_a_diagnosis_of_its_region(kb, snippet, concept):
    assert _of(_facts(kb, snippet), "diagnosis", concept), [
        (f.kind, f.concept) for f in _facts(kb, snippet).facts]


def test_a_note_naming_only_the_surgery_done_documents_what_it_treated(kb):
    found = _facts(kb, "Procedure: R shoulder arthroscopic rotator cuff repair (supraspinatus, 2 "
                       "anchors) + SAD, 04/15/2014.\nImp: s/p R arthroscopic RCR + SAD.")
    assert {f.concept.removeprefix(TERM) for f in _of(found, "diagnosis")} == {
        "RotatorCuffTear", "ShoulderImpingement"}
    # both operations of the line are dated by the date written after them
    dated = {f.concept.removeprefix(TERM): f.props["on_date"].isoformat()
             for f in _of(found, "prior") if f.props.get("on_date")}
    assert dated == {"ArthroscopicRotatorCuffRepair": "2014-04-15",
                     "SubacromialDecompression": "2014-04-15"}
    # a diagnosis stated says more: no condition is inferred from the surgery then
    stated = _facts(kb, "Diagnosis: right shoulder strain. S/p right carpal tunnel release.")
    assert [f.concept.removeprefix(TERM) for f in _of(stated, "diagnosis")] == ["ShoulderSprain"]


@pytest.mark.parametrize(("text", "sessions"), [
    ("Post-operative PT began on 03/05/2018. He has completed eight sessions, the last on "
     "03/23/2018.", 8),
    ("Chiropractic care started 02/01/2015. She attended 6 visits.", 6),
    ("Physical therapy began on 03/05/2018. He has not completed 8 sessions.", None),
    ("She had physical therapy in early 2017. It was land-based. She went twelve times.", 12),
])
def test_a_count_naming_no_treatment_is_of_the_course_just_told(kb, text, sessions):
    [course] = _of(_facts(kb, text), "prior")
    assert course.props.get("sessions") == sessions


@pytest.mark.parametrize("text", [
    "Pt: M. Gutierrez, 52 M, utility lineman. Pt name: M. Gutierrez.",
    "Chiro x 12 visits 2016: no lasting benefit per pt.",
    "She was advised pt to keep walking.",
])
def test_pt_as_a_label_or_the_one_told_is_the_patient(kb, text):
    assert not _of(_facts(kb, text), "prior", "PhysicalTherapy")


def test_a_paragraph_opened_by_a_plan_label_tells_no_course(kb):
    found = _facts(kb, "Exam: painful nodule at the right ring A1 pulley.\n"
                       "Surgeon's plan: open A1 pulley release, target date March 2023. Post-op "
                       "OT twice a week for six weeks; cold therapy unit at home for two weeks.")
    assert not [f.concept for f in _of(found, "prior")]


def test_header_fields_with_dotted_leaders():
    from reasoner.reader.layout import header
    found = header("UR case ID ......... SLM-2023\nDate of decision ... 2023-02-21\n"
                   "Date of injury ..... 2022-03-28 (cumulative trauma)\n")
    assert (found["date_of_injury"], found["decision_date"]) == ("2022-03-28", "2023-02-21")


def test_a_drug_stopped_in_one_clause_leaves_the_next_clauses_drugs_current(kb):
    found = _facts(kb, "Oxycodone 5 mg, which he was sent home with, was stopped on April 16, "
                       "2024; he is now taking acetaminophen 1000 mg three times a day and "
                       "tramadol 50 mg, one at night.")
    kinds = {f.concept.removeprefix(TERM): f.kind for f in found.facts
             if f.kind in ("prior", "medication")}
    assert kinds == {"Oxycodone": "prior", "Acetaminophen": "medication",
                     "Tramadol": "medication"}


def test_what_the_therapist_reports_is_the_therapys_response(kb):
    found = _facts(kb, "He has completed twelve sessions of outpatient physical therapy. Per the "
                       "therapist's progress note of May 3, 2024, he has gone from a walker to a "
                       "single-point cane and his Timed Up and Go has improved from 24 to 13 "
                       "seconds.")
    [therapy] = _of(found, "prior", "PhysicalTherapy")
    assert therapy.props["response"].endswith("FunctionalImprovement")


def test_the_requests_told_again_are_no_courses(kb):
    found = _facts(kb, "She has never had pool therapy. The treating physician asked for four "
                       "things. They were gabapentin 300mg #90, six more psychotherapy sessions, "
                       "and aquatic therapy twice a week for four weeks.",
                   plan="1. Gabapentin 300mg #90\n2. Psychotherapy, 6 sessions\n"
                        "3. Aquatic therapy 2x4")
    assert not _of(found, "prior")


def test_a_course_told_by_the_provider_seen(kb):
    found = _facts(kb, "She saw a pain psychologist in the fall of 2017. She went six times. She "
                       "did not feel it changed anything. He has not seen a chiropractor.")
    [course] = _of(found, "prior", "PsychologicalTreatment")
    assert course.props["sessions"] == 6
    assert course.props["response"].endswith("NoImprovement")
    assert not _of(found, "prior", "ManualTherapyManipulation")


def test_a_treatment_plan_that_included_services_tells_no_course(kb):
    found = _facts(kb, "Treatment to date has included naproxen and physical therapy. The "
                       "treatment plan included a right knee arthroscopy with partial medial "
                       "meniscectomy and post-operative physical therapy for 6 sessions.")
    assert {f.concept.removeprefix(TERM) for f in _of(found, "prior")} == {"PhysicalTherapy"}


def test_a_tear_named_in_other_words(kb):
    found = _facts(kb, "Diagnoses include tear of the medial meniscus of the right knee.")
    assert _of(found, "diagnosis", "MeniscalTear")


def test_a_record_named_after_its_treatment_is_no_course(kb):
    found = _facts(kb, "| 10/08/2019 to 01/24/2020 | Physical therapy notes | He had eighteen "
                       "sessions of physical therapy. They did not help. |")
    [course] = _of(found, "prior", "PhysicalTherapy")
    assert (course.props["sessions"], course.props["response"].rsplit("#", 1)[-1]) == (
        18, "NoImprovement")
    # "PT notes: grip improved ..." tells the course's response: it stays the course
    told = _facts(kb, "Prior treatment: PT - 6 visits (07/2015-08/2015).\nPT notes: grip strength "
                      "improved from 40 to 62 lb; now able to use hand tools for 4 hours.")
    assert [f.props.get("response", "").rsplit("#", 1)[-1]
            for f in _of(told, "prior", "PhysicalTherapy")] == ["FunctionalImprovement"]


def test_an_examination_table_with_a_column_per_side(kb):
    """Each cell under 'Right' and 'Left' is that side's finding (cleaning collapses the
    spaces that align them, so a sentence reader could not tell whose each word is)."""
    from reasoner.reader.letter import read_letter
    text = ("PR-2 dated 04/12/2022. Date of injury 05/03/2021.\n"
            "Diagnosis: bilateral carpal tunnel syndrome.\n\n"
            "  Finding                      Right (operated)        Left\n"
            "  Tinel at the wrist           negative                positive\n"
            "  Phalen test                  negative at 60 s        positive at 20 s\n\n"
            "RFA: left carpal tunnel release.\n")
    read = read_letter(text.encode(), "table.txt", kb.terms)
    found = {(f.concept.removeprefix(TERM), f.props["side"], f.props["present"])
             for f in read.extracted.facts if f.kind == "finding"}
    assert {("TinelSignWrist", "Right", False), ("TinelSignWrist", "Left", True),
            ("PhalenSign", "Right", False), ("PhalenSign", "Left", True)} <= found


@pytest.mark.parametrize(("said", "started"), [
    ("He has taken cyclobenzaprine 7.5 mg twice a day since on or about March 3, 2015.",
     "2015-03-03"),
    # a month or a year without its day: its earliest day, so no course is read shorter
    ("He has taken cyclobenzaprine since about March 2015.", "2015-03-01"),
    ("He has been on cyclobenzaprine since approximately 03/2015.", "2015-03-01"),
    ("Cyclobenzaprine, started in early March 2015, is taken nightly.", "2015-03-01"),
    ("He has taken cyclobenzaprine since late 2014.", "2014-09-01"),
    ("He has taken cyclobenzaprine since 2014.", "2014-01-01"),
])
def test_when_a_drug_was_started_said_roughly(kb, said, started):
    [drug] = _of(_facts(kb, said, "1. Cyclobenzaprine 7.5 mg #60."), "medication")
    assert str(drug.props["start"]) == started


@pytest.mark.parametrize(("said", "diagnosed"), [
    ("Lumbar degenerative disc disease and lumbar strain were diagnosed by the treating doctor.",
     {"LumbarDegenerativeDiscDisease", "LumbarSprainStrain"}),
    ("Carpal tunnel syndrome was later diagnosed by EMG.", {"CarpalTunnelSyndrome"}),
    ("Lumbar radiculopathy was not diagnosed.", set()),
    ("Lumbar radiculopathy has never been diagnosed.", set()),
    # a SOAP note's A: and P: inside a problem
    ("PROBLEM #2 -- MOOD\nS: Sleeps poorly.\nA: Depressive disorder secondary to pain.\n"
     "P: Start duloxetine 30 mg daily.", {"Depression"}),
])
def test_diagnoses_told_in_the_passive_or_under_a_soap_letter(kb, said, diagnosed):
    found = _facts(kb, said)
    assert {f.concept.removeprefix(TERM) for f in _of(found, "diagnosis")} == diagnosed
    assert not [f for f in found.facts if f.kind == "prior" and "uloxetine" in f.concept]


@pytest.mark.parametrize("said", ["Bowel/bladder: nl.", "Bowel and bladder function OK."])
def test_normal_said_in_short_after_the_finding(kb, said):
    [finding] = _of(_facts(kb, said), "finding", "CaudaEquinaSigns")
    assert finding.props["present"] is False


def test_a_scanned_abbreviation_in_capitals_with_l_for_i(kb):
    read = read_letter(b"PROGRESS REPORT\nDOS: 01/10/2023\nLow back pain.\nPLAN:\n"
                       b"1. MRl lumbar spine without contrast.\n", "r.txt", kb.terms)
    [request] = _of(read.extracted, "request")
    assert request.concept == TERM + "LumbarMRI"


@pytest.mark.parametrize(("item", "concept"), [
    # what a consultation is for names no service asked for
    ("Psychiatric consultation, one visit, for medication management: the partial response to "
     "sertraline raises the question of a dose change", "PsychiatricConsultation"),
    ("Psychological evaluation, to assess his depression and his suitability for cognitive "
     "behavioral therapy or a functional restoration program", "PsychologicalEvaluation"),
    # a request's own "for" is no purpose: the operation is asked for
    ("Referral to hand surgery and authorization for right carpal tunnel release",
     "CarpalTunnelReleaseSurgery"),
])
def test_the_service_an_item_asks_for_not_what_it_is_for(kb, item, concept):
    requests = _of(_facts(kb, "Chronic pain.", f"1. {item}."), "request")
    assert concept in {r.concept.removeprefix(TERM) for r in requests}
    assert not {"Sertraline", "CognitiveBehavioralTherapy"} & {
        r.concept.removeprefix(TERM) for r in requests}


def test_limb_symptoms_named_by_the_limb(kb):
    [finding] = _of(_facts(kb, "Low back pain 5/10. Leg symptoms: none."), "finding",
                    "RadicularSymptoms")
    assert finding.props["present"] is False


@pytest.mark.parametrize(("item", "days"), [
    ("Functional restoration program x 160 hours", 20),
    ("Functional restoration program, 160 hours / 4 weeks", 20),
    ("functional restoration program, 80 hours (two weeks)", 10),
    ("FRP 5 days/week x 2 weeks (80 hours)", 10),
    ("Functional restoration program, 10 full-day sessions", 10),
    ("FRP, 6 hours a day x 10 days", 10),
    ("FRP, 60 hours", 8),  # part days: their full-day equivalent, rounded up
])
def test_a_program_is_asked_for_in_full_days(kb, item, days):
    [request] = _of(_facts(kb, "Chronic pain.", f"1. {item}."), "request")
    assert (request.props["quantity"], request.props["unit"]) == (days, MTUS + "Day")


@pytest.mark.parametrize(("said", "present"), [
    ("Decreased light touch over the dorsum of the left foot.", True),
    ("Pinprick reduced over the top of the right foot.", True),
    ("Light touch was reduced over the right lateral foot.", True),
    ("No decreased pinprick.", False),
])
def test_sensation_found_reduced_named_by_its_modality(kb, said, present):
    [finding] = _of(_facts(kb, said), "finding", "DermatomalSensoryLoss")
    assert finding.props["present"] is present


@pytest.mark.parametrize(("said", "present"), [
    ("She walks with a borrowed cane.", True),
    ("Ambulating 150 ft with a front-wheeled walker.", True),
    ("Antalgic gait with a single-point cane.", True),
    ("She no longer uses a cane.", False),
])
def test_walking_with_a_device(kb, said, present):
    found = _of(_facts(kb, said), "finding", "AmbulatesWithAssistiveDevice")
    assert [f.props["present"] for f in found] == [present]


@pytest.mark.parametrize(("said", "concept", "present"), [
    ("Neuro exam: no deficits.", "NeurologicalFinding", False),
    ("Neuro intact in the LEs.", "NeurologicalFinding", False),
    ("A normal neurologic examination.", "NeurologicalFinding", False),
    ("There does not appear to be any focal neurological deficit.", "NeurologicalFinding",
     False),
    ("Neuro deficit - none.", "NeurologicalFinding", False),
    ("Myotomes 5/5.", "MotorWeakness", False),
    ("Heel and toe walk normal.", "MotorWeakness", False),
    # another grade said: not full strength
    ("Strength 5/5 except left EHL 4/5.", "MotorWeakness", True),
])
def test_a_normal_neurological_examination_however_said(kb, said, concept, present):
    found = _of(_facts(kb, said), "finding", concept)
    assert [f.props["present"] for f in found] == [present]


def test_no_new_deficit_is_no_normal_examination(kb):
    assert not _of(_facts(kb, "No new neurological deficit."), "finding", "NeurologicalFinding")


@pytest.mark.parametrize(("said", "present"), [
    ("Her PHQ-9 score was 13.", True),
    ("A Beck Depression Inventory-II score of 27.", True),
    ("PHQ-9 4 and GAD-7 3 on 04/23/2024.", False),
    ("A PHQ-9 of 6.", None),  # mild: authors read it both ways
])
def test_psychological_symptoms_told_by_mood_screen_scores(kb, said, present):
    found = _of(_facts(kb, said), "finding", "PsychologicalSymptoms")
    assert [f.props["present"] for f in found] == ([] if present is None else [present])


def test_a_reviewers_claim_quoted_after_a_clause_is_no_fact(kb):
    said = ('The utilization review physician, in the non-certification of 01/22/2020, stated '
            'that the patient "continues to report radiating leg symptoms". The pain does not '
            'radiate past the buttocks.')
    found = _of(_facts(kb, said), "finding", "RadicularSymptoms")
    assert [f.props["present"] for f in found] == [False]


def test_a_soap_plan_line_asks_for_all_it_says(kb):
    # every sentence of the "P:" line is asked for, not had
    facts = _facts(kb, "S: Low back pain 6/10 with medication, 9/10 without.\n"
                       "P: Continue Norco 10/325 #120. Start naproxen sodium 550 mg twice a day "
                       "#60. Acupuncture x 6 for the low back.\nWork status: off work.")
    assert not _of(facts, "medication", "Naproxen")
    assert not _of(facts, "prior", "Acupuncture")


@pytest.mark.parametrize(("snippet", "response"), [
    # no change in function beside pain with and without the one drug for pain: the drug's
    ("Norco 10/325 four times a day. Pain 6/10 with medication, 9/10 without. Function: no "
     "change.", "NoImprovement"),
    ("Norco 10/325 four times a day. Pain 6/10 with meds and 9/10 w/o. His activities of daily "
     "living are unchanged.", "NoImprovement"),
    # a state told is no change credited
    ("Norco 10/325 four times a day. Pain w/ meds 6/10, w/o 8/10. Function: walks 15 min, does "
     "dishes; these have not changed in over a year.", None),
])
def test_function_unchanged_beside_pain_on_the_drug(kb, snippet, response):
    [norco] = _of(_facts(kb, snippet), "medication", "HydrocodoneAcetaminophen")
    got = norco.props.get("response") or ""
    if response is None:
        assert not got.endswith("#FunctionalImprovement")
    else:
        assert got.endswith("#" + response)


@pytest.mark.parametrize(("snippet", "concept", "present"), [
    # a bare "fracture" where the spine is the subject is the spine's, read when denied
    ("Lumbar x-rays with flexion/extension views 01/15/2018: no fracture; no spondylolisthesis.",
     "SpinalFractureOrDislocation", False),
    ("X-rays of the lumbar spine showed no fracture.", "SpinalFractureOrDislocation", False),
    ("Lumbar x-rays today because the patient is anxious about a fracture.",
     "SpinalFractureOrDislocation", None),
    ("Right wrist x-rays: no fracture.", "SpinalFractureOrDislocation", None),
    # return to work attempts that failed are complex return-to-work issues
    ("He returned to modified work twice, on 03/2017 and again on 09/25/2017, and each attempt "
     "ended within two weeks because he could not tolerate the lifting.",
     "ComplexReturnToWorkIssues", True),
    ("FCE to define permanent restrictions, given the two failed returns to work.",
     "ComplexReturnToWorkIssues", True),
    ("She hopes to return to work next month.", "ComplexReturnToWorkIssues", None),
    # a history of ulcer or bleeding denied denies the GI risk factor that history is; stomach
    # upset told of the worker is dyspepsia
    ("She has no history of ulcer or gastrointestinal bleeding and denies stomach upset.",
     "GastrointestinalRiskFactor", False),
    ("She has no history of ulcer or gastrointestinal bleeding and denies stomach upset.",
     "Dyspepsia", False),
    ("History of a bleeding duodenal ulcer in 2012.", "GastrointestinalRiskFactor", None),
    ("Naproxen causes stomach upset.", "Dyspepsia", True),
    # pain graded below severe
    ("He rated his pain 5/10, and the provider described it as moderate, not severe.",
     "SevereAcutePain", False),
    ("She has mild to moderate low back pain.", "SevereAcutePain", False),
    ("He has moderate to severe pain.", "SevereAcutePain", True),
    # a walk told with its aid and its distance
    ("Three weeks after surgery she walked about 50 feet with a borrowed walker before needing "
     "to rest.", "MobilityLimitation", True),
    # weight-bearing restricted, or land-based exercise done
    ("She remains partial weight bearing on the right leg per her surgeon.",
     "ReducedWeightBearingIndicated", True),
    ("She completed 12 sessions of land-based physical therapy in 2021 without difficulty.",
     "ReducedWeightBearingIndicated", False),
])
def test_findings_told_by_their_parts(kb, snippet, concept, present):
    found = [f.props["present"] for f in _of(_facts(kb, snippet), "finding", concept)]
    assert found == ([present] if present is not None else [])


def test_directions_told_where_the_request_is_said(kb):
    # the issue names the drug and count; the sentence that asks for it gives the directions
    text = ("PROGRESS REPORT\n\nDOS: 11/08/2022\n\nShe has knee pain 7/10. On 11/08/2022 the "
            "physician requested tramadol 50 mg #60, one tablet twice a day, lidocaine 5% "
            "patches #30 and a front-wheeled walker.\n\nPLAN:\n1. Tramadol 50mg #60\n"
            "2. Lidocaine 5% patches #30\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    [tramadol] = [f for f in facts if f.kind == "request" and f.concept == TERM + "Tramadol"]
    assert tramadol.props["doses_per_day"] == 2


@pytest.mark.parametrize(("snippet", "documented"), [
    # a taper told by its steps is a documented taper plan
    ("Dr. Abernathy set out a taper: morphine ER 15 mg twice a day from January, 15 mg once a "
     "day from March, then off by May.", True),
    ("Weaning: oxycodone 10 mg three times a day, to 10 mg twice a day from 04/01, then off.",
     True),
    ("She asked whether she could taper someday.", False),
])
def test_a_taper_told_by_its_steps(kb, snippet, documented):
    assert bool(_of(_facts(kb, snippet), "assessment", "OpioidTaperPlan")) == documented


@pytest.mark.parametrize(("snippet", "concept"), [
    # a diagnosis the assessment adds or lists
    ("The assessment added postoperative nausea and vomiting.", "PostoperativeNausea"),
    ("The diagnoses listed lumbar radiculopathy.", "LumbarRadiculopathy"),
])
def test_a_diagnosis_the_assessment_adds(kb, snippet, concept):
    assert _of(_facts(kb, snippet), "diagnosis", concept)


@pytest.mark.parametrize("snippet", [
    "Past medical history: type 2 diabetes mellitus on metformin 500 mg twice a day.",
    "Diagnoses include lumbar radiculopathy, L4-5 disc extrusion and diabetes mellitus type 2.",
])
def test_diabetes_is_an_indication_for_preoperative_labs_and_a_fusion_risk(kb, snippet):
    facts = _facts(kb, snippet)
    said = [f.concept for f in facts.facts if f.kind in ("finding", "diagnosis")
            and f.concept == TERM + "DiabetesMellitus"]
    assert said
    assert kb.terms.is_a(said[0], TERM + "LabTestIndication")
    assert kb.terms.is_a(said[0], TERM + "SpinalFusionNonunionRiskFactor")


def test_a_record_logs_entry_is_dated_by_its_opening_date(kb):
    # "03/06/2023 Urine drug test consistent ...": the entry's own date, not the visit before
    facts = _facts(kb, "01/10/2022 PR-2, Dr. Ahl: pain 5/10 on hydrocodone.\n"
                       "03/06/2023 Urine drug test consistent with hydrocodone.")
    [screen] = _of(facts, "assessment", "UrineDrugScreen")
    assert str(screen.props["on_date"]) == "2023-03-06"


@pytest.mark.parametrize("text", [
    "A urine drug screen collected on 05/03/2014 was negative for hydrocodone; a repeat screen "
    "on 08/09/2014 was consistent with the prescribed hydrocodone.",
    "UDS 05/03/2014 inconsistent (no hydrocodone). Another drug screen on 08/09/2014 was "
    "consistent.",
])
def test_a_screen_named_again_by_its_order_is_a_screen_of_its_own(kb, text):
    screens = sorted((f.props["on_date"].isoformat(), f.props["assessment_result"])
                     for f in _of(_facts(kb, text, plan="1. Lumbar MRI."), "assessment",
                                  "UrineDrugScreen"))
    assert screens[-1] == ("2014-08-09", MTUS + "Consistent")


@pytest.mark.parametrize("text,day", [
    ("On 12/09/2014 he reported catching of the right knee; examination showed a positive "
     "McMurray test, and he was assigned to modified duty.", "2014-12-09"),
    ("At the 01/10/2015 visit he denied any locking; the McMurray test was positive.",
     "2015-01-10"),
])
def test_a_visit_dated_in_its_sentence_dates_its_findings(kb, text, day):
    # ("modified duty" and "he denied" are the worker's, not a review's: the date holds)
    [sign] = _of(_facts(kb, f"Knee follow-up. {text}", plan="1. Knee MRI."), "finding",
                 "McMurrayPositive")
    assert sign.props["on_date"].isoformat() == day


def test_a_note_copied_forward_is_of_the_day_it_was_copied_from(kb):
    # (its parts are of that day, and an "UPDATE" of this one; not discounted as stale)
    text = ("HISTORY OF PRESENT ILLNESS [copied forward from 01/14/2015] Acute flare of the back "
            "pain with muscle spasm. UPDATE 03/04/2015: The flare has settled.\nPHYSICAL EXAM "
            "[copied forward from 01/14/2015] Palpable paraspinal muscle spasm.")
    facts = _facts(kb, text, plan="1. Cyclobenzaprine 7.5 mg #30.")
    flares = sorted((f.props["on_date"].isoformat(), f.props["present"])
                    for f in _of(facts, "finding", "AcuteExacerbation"))
    assert flares == [("2015-01-14", True), ("2015-03-04", False)]
    assert {f.props["on_date"].isoformat() for f in _of(facts, "finding", "MuscleSpasm")} == \
        {"2015-01-14"}


def test_a_visit_opening_a_sentence_joined_to_a_header_line_dates_its_findings(kb):
    # ("DOS: 03/04/2015" has no full stop: cleaning joins it to "On 12/09/2014 ...")
    text = "On 12/09/2014 examination showed a positive McMurray test."
    [sign] = _of(_facts(kb, text, plan="1. Knee MRI."), "finding", "McMurrayPositive")
    assert sign.props["on_date"].isoformat() == "2014-12-09"


def test_a_visit_referred_back_to_does_not_date_what_follows(kb):
    text = ("Knee follow-up. At the 02/10/2015 visit he reported that the catching that was "
            "present at the 11/04/2014 visit has settled. Examination showed a positive McMurray "
            "test.")
    [sign] = _of(_facts(kb, text, plan="1. Knee MRI."), "finding", "McMurrayPositive")
    assert sign.props["on_date"].isoformat() == "2015-02-10"


@pytest.mark.parametrize("text", [
    "On 06/03/2025 the surgeon requested ACL reconstruction, oxycodone 5 mg #30 for "
    "post-operative pain, and ondansetron 4 mg ODT #10 for post-operative nausea.",
    "The physician requested amitriptyline 25 mg at bedtime, #30, for neuropathic pain.",
    "She recommends ondansetron to prevent nausea after surgery.",
])
def test_what_a_request_is_for_is_no_diagnosis_and_no_side_effect(kb, text):
    # a purpose is hoped for or prevented: a reviewer does not read it as the worker's
    # condition, nor as nausea observed on a drug
    extracted = _facts(kb, text)
    assert not [d for d in _of(extracted, "diagnosis") if "Nausea" in d.concept
                or "Neuropathic" in d.concept]
    assert not [a for a in _of(extracted, "assessment", "AdverseEffectReview")
                if a.props["assessment_result"].endswith("Observed")
                and not a.props["assessment_result"].endswith("NoneObserved")]


def test_what_was_treated_or_prescribed_is_still_a_diagnosis(kb):
    text = "She was diagnosed with insomnia and the physician requested zolpidem for sleep."
    assert [d.concept for d in _of(_facts(kb, text), "diagnosis")] == [TERM + "Insomnia"]


def test_a_request_said_to_be_for_after_surgery_in_its_sentence(kb):
    # the purpose stated in the request's own part of the sentence, not in another item's
    text = ("The 02/14/2023 request for authorization lists a right ring finger A1 pulley "
            "release, hand therapy 12 visits after surgery, and hydrocodone/acetaminophen "
            "5/325 mg #20 for post-operative pain.")
    plan = "1. Right ring finger A1 pulley release\n2. Hydrocodone/acetaminophen 5/325 mg #20"
    purposes = {r.concept.removeprefix(TERM): [p.removeprefix(TERM) for p in
                                               r.props.get("purposes", [])]
                for r in _of(_facts(kb, text, plan), "request")}
    assert "PostoperativeUse" in purposes["HydrocodoneAcetaminophen"]
    assert "PostoperativeUse" not in purposes["TriggerFingerRelease"]


@pytest.mark.parametrize("text", [
    "A second flexor sheath injection was given on 11/15/2022 without benefit.",
    "She had a flexor sheath steroid injection on 8/9/2022 with a month of relief.",
])
def test_a_trigger_finger_injection_by_its_sheath(kb, text):
    assert [p.concept for p in _of(_facts(kb, text), "prior")] == [
        TERM + "TriggerFingerInjection"]


@pytest.mark.parametrize(("name", "concept"), [
    # a problem-oriented plan line: what is ordered for the problem, not the problem's drug
    ("Dyspepsia: continue naproxen as it is keeping him at work; add a PPI for GI protection on "
     "NSAIDs. Pantoprazole 40 mg #30, 1 PO daily before breakfast. Stop famotidine.",
     "Pantoprazole"),
    ("NSAID monitoring: CBC and CMP (renal and hepatic function) x1, due.",
     "NSAIDLaboratoryMonitoring"),
    ("Knee OA: Naproxen 500 mg #60, 1 PO BID w/ food (continuing).", "Naproxen"),
    # ... or a dash ("Chronic NSAID therapy -- CBC and CMP"); the drug a dash's reason names
    # after a drug is not asked for
    ("Chronic NSAID therapy -- CBC and CMP (renal and hepatic function) (RFA), last done 11 "
     "months ago.", "NSAIDLaboratoryMonitoring"),
    ("Chronic opioid therapy \u2014 urine drug screen x1", "UrineDrugScreen"),
    ("NSAID-induced dyspepsia -- start omeprazole 20 mg daily, #30. Continue naproxen.",
     "Omeprazole"),
    ("Omeprazole 20 mg #30 -- for GI protection on naproxen", "Omeprazole"),
    # the elbow named by its epicondyle
    ("Platelet-rich plasma injection, right lateral epicondyle, x1",
     "ElbowPlateletRichPlasmaInjection"),
    # a drug written as an order among drugs named apart; a brand beside its generic is one
    ("Continue gabapentin; start duloxetine 30 mg #30 daily.", "Duloxetine"),
    ("Voltaren (diclofenac sodium) 1% gel", "DiclofenacTopical"),
    ("Pain management consultation: evaluation and performance of cervical ESI",
     "PainSpecialistConsultation"),
    # the service named first, made as specific as those akin to it, not another kind named
    # after it; not a time ("after surgery")
    ("Vestibular rehabilitation PT, 2x/week x 4 weeks (8 visits)", "VestibularRehabilitation"),
    ("CMT w/ myofascial release and therapeutic exercise, 2x/wk x 3 wks (6 visits)",
     "ManualTherapyManipulation"),
    ("Right knee arthroscopy with partial medial meniscectomy", "ArthroscopicMeniscectomy"),
    ("after surgery a lumbar LSO brace to purchase", "LumbarSupport"),
    ("Begin opioid taper: hydrocodone/APAP 10/325, 1 tab three times a day",
     "HydrocodoneAcetaminophen"),
    # a purpose said in its own sentence ends with it, unless an order opens the next
    ('Urine drug screen, "baseline for the chart." We are not starting an opioid.',
     "UrineDrugScreen"),
])
def test_what_a_plan_line_orders(kb, name, concept):
    from reasoner.reader.items import parse_item
    from reasoner.reader.lexicon import lexicon_for
    assert parse_item(name, lexicon_for(kb.terms))["concept"] == TERM + concept


def test_a_letterhead_tagline_tells_no_treatment(kb):
    text = ("WESTLAKE PAIN PSYCHOLOGY ASSOCIATES\nBehavioral Medicine | Pain Psychology | "
            "Biofeedback\n\nPSYCHOLOGICAL TREATMENT UPDATE AND REQUEST FOR ADDITIONAL SESSIONS\n\n"
            "Date of report: 06/13/2017\nReferring PTP: A. Rustagi, M.D. (Physical Medicine & "
            "Rehabilitation)\nTreating psychologist: H. Brandvold, Ph.D.\n\nTREATMENT TO DATE\n"
            "She attended 4 sessions of individual CBT from 04/11/2017 through 05/09/2017.\n\n"
            "PLAN / REQUEST\n1. Additional individual CBT, 6 sessions.\n")
    read = read_letter(text.encode(), "update.txt", kb.terms)
    assert [p.concept for p in _of(read.extracted, "prior")] == [
        TERM + "CognitiveBehavioralTherapy"]
    # the title names the request; the plan lists it (the header's specialty is no item)
    assert [i.name for i in read.letter.items] == ["Additional individual CBT, 6 sessions"]


@pytest.mark.parametrize("text", [
    "She denies any history of heart disease, hypertension or diabetes.",
    "No history of heart disease.",
    "She has no cardiac history.",
])
def test_heart_disease_denied_is_no_cardiac_risk(kb, text):
    [risk] = _of(_facts(kb, text), "finding", "CardiacRiskFactor")
    assert risk.props["present"] is False


@pytest.mark.parametrize(("text", "documented"), [
    ("The physician documented on 01/15/2019 a plan to reduce oxycodone to three tablets a day "
     "over the next eight weeks.", True),
    ("A plan was made to wean the hydrocodone by one tablet a month.", True),
    ("Would consider a plan to reduce oxycodone.", False),
    ("The plan is to reduce weight.", False),
])
def test_a_plan_to_bring_an_opioid_down_is_a_taper_plan(kb, text, documented):
    found = _of(_facts(kb, text), "assessment", "OpioidTaperPlan")
    assert bool(found) is documented


def test_stomach_complaints_denied_on_an_nsaid(kb):
    [gi] = _of(_facts(kb, "He has no stomach complaints on naproxen."), "finding",
               "GastrointestinalSymptom")
    assert gi.props["present"] is False


def test_a_psychologist_who_did_not_clear(kb):
    text = ("A psychological evaluation dated 12/06/2022 documented a PHQ-9 score of 18; the "
            "psychologist did not clear him for a spinal cord stimulator trial.")
    [cleared] = _of(_facts(kb, text), "finding", "PsychologicalClearance")
    assert cleared.props["present"] is False


@pytest.mark.parametrize(("text", "start"), [
    ("He has anxiety. Clonazepam 0.5 mg at bedtime was started by his psychiatrist on "
     "08/28/2023 and has been taken every night since.", "2023-08-28"),
    ("He has neuropathic pain. Gabapentin 300 mg three times a day was started on 3/4/2014.",
     "2014-03-04"),
])
def test_a_drug_started_with_its_date_after(kb, text, start):
    drugs = [f for f in _facts(kb, text).facts if f.kind in ("medication", "prior")
             and f.props.get("start")]
    assert [d.props["start"].isoformat() for d in drugs] == [start]


@pytest.mark.parametrize(("text", "date"), [
    ("At an urgent care visit on 04/09/2025, cervical spine x-rays were obtained; fracture was "
     "excluded.", "2025-04-09"),
    ("Cervical spine x-rays were obtained on 04/09/2025.", "2025-04-09"),
    ("X-rays of the cervical spine had been taken on 04/09/2025 at urgent care.", "2025-04-09"),
])
def test_a_study_told_done_without_its_result(kb, text, date):
    """A study is on record when the text says it was obtained or performed, result or not
    (a repeat study's criteria ask whether one was done)."""
    [study] = _of(_facts(kb, text, "1. Repeat x-rays of the cervical spine."), "study",
                  "CervicalRadiograph")
    assert str(study.props["on_date"]) == date


@pytest.mark.parametrize("text", [
    "No x-rays have been taken.",
    "Cervical x-rays with flexion views were requested, as none have been taken so far.",
    "An MRI will be obtained if symptoms persist.",
    "An MRI of the cervical spine has not been performed.",
])
def test_a_study_not_done_is_no_study(kb, text):
    assert not _of(_facts(kb, text, "1. Repeat x-rays of the cervical spine."), "study")


@pytest.mark.parametrize(("text", "drug", "mg_a_day"), [
    ("Norco 10/325 mg, two tablets a day.", "HydrocodoneAcetaminophen", 20),
    ("Naproxen 500 mg, 2 tabs daily.", "Naproxen", 1000),
    ("Norco 10/325 mg, two tablets every 6 hours.", "HydrocodoneAcetaminophen", 80),
])
def test_tablets_counted_by_the_day_are_the_days_doses(kb, text, drug, mg_a_day):
    """"Two tablets a day" is two doses of one tablet (a morphine equivalent counted twice
    over denies wrongly); "two tablets every 6 hours" is a dose of two tablets."""
    [med] = _of(_facts(kb, text), "medication", drug)
    assert med.props["dose_mg"] * med.props["doses_per_day"] == mg_a_day


@pytest.mark.parametrize("rows", [
    "Urine drug testing:\n  06/10/2019 - positive for hydrocodone and hydromorphone; consistent\n"
    "  12/10/2019 - negative for hydrocodone; positive for alprazolam, which is not prescribed; "
    "inconsistent\nA CURES report dated 01/07/2020 showed a single prescriber.",
    "UDS history:\n06/10/2019: consistent with prescribed hydrocodone\n12/10/2019: INCONSISTENT "
    "- no hydrocodone detected\nThe CURES report of 01/07/2020 was reviewed.",
])
def test_dated_rows_under_a_screens_heading_are_its_results(kb, rows):
    """A screen's heading, then one dated row per test: each row is that screen on that day
    with the row's result (the rows had been read as nothing, and the last one's
    "inconsistent" as the next sentence's CURES result)."""
    ex = _facts(kb, "She takes Norco 10/325 one every 6 hours.\n" + rows,
                plan="1. Norco 10/325 #120.")
    screens = sorted((f.props["on_date"].isoformat(), f.props["assessment_result"].rsplit("#")[1])
                     for f in _of(ex, "assessment", "UrineDrugScreen"))
    cures = [f.props["assessment_result"].rsplit("#")[1] for f in _of(ex, "assessment")
             if "CURES" in (f.concept or "") or "Prescription" in (f.concept or "")]
    assert screens == [("2019-06-10", "Consistent"), ("2019-12-10", "Inconsistent")]
    assert "Inconsistent" not in cures


@pytest.mark.parametrize("heading", ["The provider requested:",
                                     "The PTP requested the following:",
                                     "The treating physician is requesting:"])
def test_a_list_under_who_requested_it_is_the_request_not_a_medication(kb, heading):
    """Drugs listed under "The provider requested:" are asked for, not taken (a first
    nortriptyline trial had been read as a current drug, its continuation then undocumented)."""
    text = ("IMR FINAL DETERMINATION\nCase Number: CM22-0000002\nDate of injury: 03/11/2019\n"
            "CLINICAL CASE SUMMARY\nOn 08/16/2022 she takes meloxicam 15 mg daily.\n"
            "She reported trouble sleeping because of the knee pain.\n"
            f"{heading}\n  - Nortriptyline 10 mg, 1 at bedtime, #30\n"
            "  - Diclofenac sodium 1% gel, 100 gm tube, apply to the left knee QID\n"
            "Utilization review dated 08/25/2022 non-certified both.\n\n"
            "IMR ISSUES, DECISIONS AND RATIONALES\n1. Nortriptyline 10mg #30 is medically "
            "necessary.\n2. Diclofenac sodium 1% gel is medically necessary.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    assert sorted(f.concept.rsplit("/", 1)[1] for f in facts if f.kind == "medication") == \
        ["Meloxicam"]


@pytest.mark.parametrize(("sentence", "concept", "present"), [
    # (the held-out authors' sentences, then variants)
    ("he is not a functional ambulator with a walker or canes.", "WalkingAidInsufficient", True),
    ("She cannot walk even with the front-wheeled walker.", "WalkingAidInsufficient", True),
    ("He is wheelchair-bound since the fall.", "WalkingAidInsufficient", True),
    ("she walks community distances of about 15 minutes with the cane",
     "WalkingAidInsufficient", False),
    ("She walks with a single-point cane, which the physician notes is adequate for household "
     "and short community distances", "WalkingAidInsufficient", False),
    ("both shoulders are painful with propulsion, he cannot propel the chair more than about 50 "
     "feet", "ManualWheelchairNotFeasible", True),
    ("His wife works full time, and no one is available during the day to push a manual "
     "wheelchair.", "ManualWheelchairNotFeasible", True),
    ("Upper extremity strength was 5/5 throughout, and his wife, who is at home with him, is "
     "willing to push a wheelchair when they go out.", "ManualWheelchairNotFeasible", False),
    ("She has full use of both arms.", "ManualWheelchairNotFeasible", False),
])
def test_what_a_power_mobility_device_is_judged_by(sentence, concept, present):
    from reasoner.reader.judgments import judgments
    assert (TERM + concept, present) in {(j.concept, j.present) for j in judgments(sentence)}


@pytest.mark.parametrize("sentence", [
    "He can walk 2 blocks.", "he walks with a cane",  # (guards: a walk told, no judgment)
])
def test_a_walk_told_judges_no_walking_aid(sentence):
    from reasoner.reader.judgments import judgments
    assert not [j for j in judgments(sentence) if j.concept == TERM + "WalkingAidInsufficient"]


@pytest.mark.parametrize(("text", "present"), [
    # (the held-out authors' sentences, then variants)
    ("The surgeon noted that the MRI, the electrodiagnostic study and the examination all point "
     "to the right C6 root.", True),
    ("He stated that the MRI findings correlate with the L5 deficit.", True),
    ("The MRI and the exam both point to the same level.", True),
    ("The surgeon proceeded while acknowledging that the MRI shows no compression that would "
     "account for the hand tingling.", False),
])
def test_imaging_told_to_fit_or_not_the_exam(kb, text, present):
    test_what_studies_confirm(kb, text, "ImagingConcordantWithExam", present)


@pytest.mark.parametrize(("plan", "judged"), [
    ("1. Power wheelchair.", [False]),
    ("1. Cervical MRI.", []),  # (a neck case's strength says nothing of a chair)
])
def test_arm_strength_judges_a_manual_chair_only_where_one_is_in_question(kb, plan, judged):
    text = ("PR-2 PROGRESS REPORT\nDOS: 03/05/2019\nSUBJECTIVE:\nNeck pain 6/10.\nOBJECTIVE:\n"
            f"Upper extremity strength was 5/5 bilaterally.\nPLAN:\n{plan}\n")
    facts = read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
    assert [f.props["present"] for f in facts
            if f.concept == TERM + "ManualWheelchairNotFeasible"] == judged
