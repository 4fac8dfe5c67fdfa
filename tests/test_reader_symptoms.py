"""Symptoms settled by the rest of the document (reasoner/reader/symptoms.py): a symptom said to
be over supersedes what earlier sentences told of it, and hand symptoms of a peripheral nerve
entrapment are not radicular. Each in several phrasings, with the cases that must stay."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

RADICULAR, DERMATOMAL, TOBACCO = (TERM + "RadicularSymptoms", TERM + "DermatomalSensoryLoss",
                                  TERM + "TobaccoUse")


def _report(subjective: str, objective: str, diagnosis: str) -> bytes:
    return (f"PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT\nDate of exam: 06/15/2019\n"
            f"Date of injury: 09/22/2017\nSubjective: {subjective}\nObjective: {objective}\n"
            f"Diagnosis: {diagnosis}\nRequest for authorization: 1. Physical therapy 2x3.\n"
            ).encode()


def _said(kb, data: bytes, concept: str) -> set[bool]:
    read = read_letter(data, "report.txt", kb.terms)
    return {bool(f.props.get("present")) for f in read.extracted.facts
            if f.kind == "finding" and f.concept == concept}


@pytest.mark.parametrize("history, over", [
    ("Right arm radicular pain from a C5-6 disc herniation in 2017; ACDF on 06/14/2018.",
     "The arm pain resolved after surgery and has not returned."),
    ("He had radiating leg pain before the microdiscectomy.", "The leg pain is gone."),
    ("Pain radiated down the left leg to the foot last year.",
     "The leg pain went away after the injection."),
    ("Numbness and tingling down the right arm at first.",
     "The numbness and tingling have subsided."),
])
def test_a_symptom_said_to_be_over_supersedes_earlier_mentions(kb, history, over):
    data = _report(f"{history} {over} Neck pain 4/10.", "Tender paraspinals.",
                   "Cervical strain.")
    assert _said(kb, data, RADICULAR) == {False}


@pytest.mark.parametrize("text", [
    "The leg pain resolved after the injection but came back in May; now pain radiates down "
    "the left leg to the foot.",
    "Radiating leg pain is gone on the right. Pain now radiates down the left leg.",
])
def test_a_symptom_that_returns_after_it_was_over_stays_present(kb, text):
    assert True in _said(kb, _report(text, "SLR positive on the left.", "Lumbar strain."),
                         RADICULAR)


@pytest.mark.parametrize("objective", [
    "Numbness in the left thumb, index and middle fingers. Tinel positive at the wrist.",
    "Left hand: numbness in the thumb, index and middle fingers, drops cups. No neck pain.",
    "Sensation to light touch is decreased in the thumb, index and middle fingers.",
    "Tingling in the ring and small fingers at night.",
])
@pytest.mark.parametrize("diagnosis", ["Left carpal tunnel syndrome.",
                                       "Right cubital tunnel syndrome."])
def test_hand_symptoms_of_an_entrapment_are_not_radicular(kb, objective, diagnosis):
    data = _report("Hand numbness at night.", objective, diagnosis)
    assert True not in _said(kb, data, RADICULAR)
    assert True not in _said(kb, data, DERMATOMAL)


@pytest.mark.parametrize("objective, diagnosis", [
    # the text says it spreads: radicular whatever the diagnosis
    ("Pain radiates from the neck down the arm into the thumb.", "Carpal tunnel syndrome."),
    # a radiculopathy beside the entrapment: the hand's numbness may be the root's
    ("Numbness in the thumb and index finger.",
     "C6 radiculopathy. Carpal tunnel syndrome."),
    # no entrapment: hand numbness in a neck case is read as before
    ("Numbness in the thumb and index finger.", "Cervical radiculopathy."),
])
def test_radicular_hand_symptoms_stay(kb, objective, diagnosis):
    assert True in _said(kb, _report("Neck pain.", objective, diagnosis), RADICULAR)


@pytest.mark.parametrize("subjective, diagnosis", [
    ("Right ankle pain and swelling since the twisting injury.", "Right ankle sprain."),
    ("She has left foot pain with walking, worse in the morning.", "Plantar fasciitis."),
    ("Hand pain with gripping; wrist pain on the ulnar side.", "Right wrist sprain."),
    ("Bilateral toe pain after the crush injury.", "Contusion of the toes."),
])
def test_a_joints_own_pain_is_not_radicular(kb, subjective, diagnosis):
    assert True not in _said(kb, _report(subjective, "Tender.", diagnosis), RADICULAR)


@pytest.mark.parametrize("subjective", [
    "Low back pain with right leg pain to the knee.",
    "Neck and arm pain, worse with looking up.",
    "Low back pain radiating into the right foot.",
    "Numbness in the foot and toes after walking.",
    "Thigh pain on the left, with back pain.",
])
def test_pain_along_a_limb_or_numbness_stays_radicular(kb, subjective):
    assert True in _said(kb, _report(subjective, "Tender.", "Lumbar strain."), RADICULAR)


@pytest.mark.parametrize("habit", ["He used to smoke.", "Former smoker, quit 2015.",
                                   "He smoked until 12/01/2013 and has not smoked since.",
                                   "He stopped smoking three years ago."])
def test_a_past_habit_is_not_a_current_one(kb, habit):
    assert _said(kb, _report(f"Low back pain. {habit}", "Tender.", "Lumbar strain."),
                 TOBACCO) == {False}


def _diagnoses(kb, data: bytes) -> set[str]:
    read = read_letter(data, "report.txt", kb.terms)
    return {f.concept.rsplit("/", 1)[-1] for f in read.extracted.facts
            if f.kind == "diagnosis" and f.concept}


@pytest.mark.parametrize("listed", [
    "Left shoulder impingement, rule out rotator cuff tear.",
    "Left shoulder impingement; r/o rotator cuff tear.",
    "1. Left shoulder impingement 2. Rule-out rotator cuff tear",
])
def test_a_differential_to_rule_out_is_no_diagnosis(kb, listed):
    dx = _diagnoses(kb, _report("Left shoulder pain.", "Neer positive.", listed))
    assert "ShoulderImpingement" in dx and "RotatorCuffTear" not in dx


@pytest.mark.parametrize("listed", ["Lumbar sprain/strain and rule out compression fracture of L2.",
                                    "Lumbar strain, r/o L1 compression fracture."])
def test_a_red_flag_to_rule_out_is_a_suspicion(kb, listed):
    data = _report("Fell from a ladder.", "Point tenderness over L2.", listed)
    assert _said(kb, data, TERM + "SuspectedFracture") == {True}
    assert "LumbarSprainStrain" in _diagnoses(kb, data)


def _interview(question: str, answer: str) -> bytes:
    return _report(f"Low back pain since the fall.\nQ: {question}\nA: {answer}\n"
                   "Q: How is the sleep?\nA: Poor.", "Tender paraspinals.", "Lumbar strain.")


@pytest.mark.parametrize("question, concept", [
    ("Any fevers, night sweats, weight loss?", "SuspectedInfection"),
    ("Any fevers, night sweats, weight loss?", "SuspectedTumor"),
    ("Any stomach problems, ulcers, heartburn?", "Dyspepsia"),
    ("Do you have any numbness or tingling in the legs?", "RadicularSymptoms"),
])
@pytest.mark.parametrize("answer, said", [
    ("No, none of that.", {False}), ("Never.", {False}), ('"Nope."', {False}),
    ("Denies.", {False}), ("Yes, for about a month.", {True}),
    ("Sometimes, at night.", {True}), ("I'm not sure what you mean.", set()),
    ("My back hurts when I sit.", set()),
])
def test_a_finding_asked_about_is_what_the_answer_says(kb, question, concept, answer, said):
    assert _said(kb, _interview(question, answer), TERM + concept) == said


@pytest.mark.parametrize("exam, weak", [
    ("STRENGTH ER 4/5 R. NO ATROPHY. NEURO INTACT R UE.", set()),
    ("Strength in external rotation 4/5 on the right; neuro intact.", set()),
    ("Supraspinatus 4-/5 on the right.", set()),
    ("EHL strength 4/5 on the left.", {True}),
])
def test_a_rotator_cuff_grade_is_no_myotomal_weakness(kb, exam, weak):
    data = _report("Shoulder pain.", exam, "Right shoulder impingement.")
    assert {p for p in _said(kb, data, TERM + "MotorWeakness") if p} == weak


@pytest.mark.parametrize("study, concept", [
    ("Standing x-rays of 03/18/2024 show grade 4 of 4 osteoarthritis of the left knee.",
     "SevereKneeOsteoarthritis"),
    ("X-rays of the left knee 03/18/2024 showed Kellgren-Lawrence grade IV osteoarthritis.",
     "SevereKneeOsteoarthritis"),
    ("Standing films 2024-03-18 showed bone-on-bone osteoarthritis of the knee.",
     "SevereKneeOsteoarthritis"),
    ("X-rays of the knee on 03/18/2024 showed mild osteoarthritis.", "KneeOsteoarthritis"),
    # the radiograph's own words for it: joint space narrowing with its grade
    ("Right knee x-rays 02/22/2016: moderate to severe medial joint space narrowing with "
     "marginal osteophytes.", "ModerateToSevereKneeOsteoarthritis"),
])
def test_a_diagnosis_takes_the_grade_its_imaging_gives(kb, study, concept):
    data = _report("Left knee pain, giving way.", study, "Left knee osteoarthritis.")
    assert concept in _diagnoses(kb, data)
    if concept == "KneeOsteoarthritis":
        assert "SevereKneeOsteoarthritis" not in _diagnoses(kb, data)


def _purposes(kb, plan: str) -> dict[str, list[str]]:
    data = (f"PR-2\nDate of exam: 01/08/2019\nDate of injury: 03/02/2018\nS/p right L5-S1 "
            f"microdiscectomy on 12/14/2018.\nDiagnosis: lumbar radiculopathy.\n{plan}").encode()
    read = read_letter(data, "report.txt", kb.terms)
    return {f.label: [p.rsplit("/", 1)[-1] for p in f.props.get("purposes", [])]
            for f in read.extracted.facts if f.kind == "request"}


@pytest.mark.parametrize("plan, name, postoperative", [
    ("Request for authorization:\n1. LSO back brace, post-operative\n2. Follow-up visit",
     "LSO back brace, post-operative", True),
    ("Request for authorization:\n1. Cold therapy unit for use after surgery, 7 days",
     "Cold therapy unit for use after surgery, 7 days", True),
    # the purpose of another item is not this one's
    ("Request for authorization:\n1. Post-operative PT 2x4\n2. LSO brace for the long shifts",
     "LSO brace", False),
])
def test_a_request_named_for_use_after_surgery(kb, plan, name, postoperative):
    found = _purposes(kb, plan)
    item = next(k for k in found if k.startswith(name.split(",")[0][:9]))
    assert ("PostoperativeUse" in found[item]) is postoperative


@pytest.mark.parametrize("exam, said", [
    ("Left biceps reflex 1+, right 2+.", {True}),
    ("The right Achilles reflex was trace compared with 2+ on the left.", {True}),
    ("Right triceps reflex 0, left 2+.", {True}),
    ("a weak right biceps reflex and less feeling in the right thumb.", {True}),
    ("Achilles reflexes 1+ and symmetric.", {False}),
    ("Biceps, triceps and brachioradialis reflexes 2+ and symmetric.", {False}),
    ("Sensation intact C5-T1. Reflexes 2+ throughout.", {False}),
])
def test_a_reflex_graded_low_is_a_reflex_change(kb, exam, said):
    data = _report("Neck pain into the right arm.", exam, "Cervical radiculopathy.")
    assert _said(kb, data, TERM + "ReflexChange") == said


@pytest.mark.parametrize("exam", ["less feeling in your right thumb", "decreased feeling over "
                                  "the lateral forearm", "Sensation intact C5-T1, but reduced "
                                  "feeling in the right thumb"])
def test_plain_words_for_sensory_loss(kb, exam):
    data = _report("Neck pain into the right arm.", exam + ".", "Cervical radiculopathy.")
    assert True in _said(kb, data, TERM + "DermatomalSensoryLoss")


@pytest.mark.parametrize("asker, answerer", [
    ("[00:01:33] DR. PELLINGTON:", "[00:01:37] DR. ASARE-LINDQVIST:"),
    ("MR. OKAFOR:", "MS. REYES:"), ("Q.", "A."),
])
@pytest.mark.parametrize("answer, said", [("None of those.", {False}),
                                          ("Yes, last month.", {True})])
def test_a_transcripts_answer_after_its_speaker_and_time(kb, asker, answerer, answer, said):
    data = _report(f"Low back pain since the fall.\n{asker} Any fevers, night sweats, weight "
                   f"loss?\n{answerer} {answer}\n", "Tender paraspinals.", "Lumbar strain.")
    assert _said(kb, data, TERM + "SuspectedInfection") == said
