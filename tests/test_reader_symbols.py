"""Note-style shorthand as hurried reviewers and chart notes write it: symbols for words ("Ø",
"↑", "↓", "→"), fields answered after the label with no full stop ("Flare: denies" at a
bullet's end), a plan or request line labelled with its date ("Req 4/22/24: ..."), and what
an imaging study would decide said as its condition ("MRI R knee -> if tear confirmed,
arthroscopy"). Each snippet is read as part of a small progress report."""

from __future__ import annotations

import pytest

from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.clean import clean
from reasoner.reader.letter import read_letter
from reasoner.reader.purposes import stated_purposes
from reasoner.vocab import TERM


def _facts(kb, snippet: str, plan: str = "1. Acupuncture x6."):
    text = f"PROGRESS REPORT\n\nDOS: 03/04/2015\n\n{snippet}\n\nPLAN:\n{plan}\n"
    return read_letter(text.encode(), "snippet.txt", kb.terms).extracted


def _findings(extracted, concept: str):
    return [f for f in extracted.facts if f.kind == "finding" and f.concept == TERM + concept]


@pytest.mark.parametrize(("raw", "cleaned"), [
    ("Ø foraminal stenosis; Ø cord/root compromise", "no foraminal stenosis; no cord/root "
                                                     "compromise"),
    ("\u2205 prior FRP", "no prior FRP"),
    ("(\u00f8) effusion", "(no) effusion"),
    ("\u2191 ADLs (cooks, drives 45 min)", "increased ADLs (cooks, drives 45 min)"),
    ("pain \u2191 w/ extension; \u2193 sensation L C6", "pain increased w/ extension; decreased "
                                                        "sensation L C6"),
    ("VAS 8/10\u21925/10", "VAS 8/10 -> 5/10"),
    ("PT 2\u00d7/wk x 6 wks", "PT 2x/wk x 6 wks"),
    # a typeset minus, or a dash standing alone in parentheses, is the shorthand's "(-)"
    ("SLR (\u2212) bilat @ 80\u00b0.", "SLR (-) bilat @ 80\u00b0."),
    ("(\u2013) Spurling; (\u2014) Hoffmann", "(-) Spurling; (-) Hoffmann"),
    ("C5\u2013C6 and 2013\u20142014", "C5\u2013C6 and 2013\u20142014"),
    # inside a name the letter is a letter
    ("Dr. S\u00f8ren \u00d8stergaard", "Dr. S\u00f8ren \u00d8stergaard"),
])
def test_symbols_read_as_their_words(raw, cleaned):
    got = clean(raw)
    assert got.text == cleaned
    assert len(got.offsets) == len(got.text)
    # every character of a symbol's word points back at the symbol
    for i, ch in enumerate(got.text):
        if ch.isalpha() and raw[got.offsets[i]] in "\u00d8\u00f8\u2205\u2191\u2193" and \
                "S\u00f8ren" not in raw:
            assert not raw[got.offsets[i]].isascii()


@pytest.mark.parametrize("sentence", [
    "Flare: denies", "Numbness: denied", "Weakness: no", "Red flags: none", "Flare - denies ",
    "Spasm: none palpated; Flare: denies",
])
def test_a_field_answered_no_at_a_line_end_is_absent(sentence):
    start = sentence.rindex("Flare") if "Flare" in sentence else 0
    end = start + len(sentence[start:].split(":")[0].split(" -")[0])
    assert assertions(sentence, [(start, end)]) == [Assertion.ABSENT]


def test_bulleted_fields_without_stops_deny_their_labels(kb):
    extracted = _facts(kb, "1/14/20 PR:\n  \u2022 SLR (-) b/l; Neuro: intact\n"
                           "  \u2022 Spasm: none palpated; Flare: denies\n"
                           "  \u2022 No prior MBB or RFA")
    for concept in ("AcuteExacerbation", "MuscleSpasm", "PositiveStraightLegRaise"):
        found = _findings(extracted, concept)
        assert found and not any(f.props["present"] for f in found), concept


@pytest.mark.parametrize("snippet", [
    "MRI C/S 1/9/24: mild DDD C5-6; \u00d8 foraminal stenosis; \u00d8 cord/root compromise.",
    "MRI C-spine 1/9/24: mild DDD C5-6, \u2205 root compromise",
])
def test_an_empty_set_sign_denies_what_follows(kb, snippet):
    found = _findings(_facts(kb, snippet), "RadiculopathyCorroborated")
    assert not any(f.props["present"] for f in found)


@pytest.mark.parametrize(("snippet", "drug"), [
    ("Req 4/22/24: L C5-6 CESI; Lyrica 75 BID #60; Norco 10/325 #90.", "Pregabalin"),
    ("Plan 4/2/14: MRI R knee; start naproxen 550 BID #60.", "Naproxen"),
    ("Requested (RFA 3/1/21): duloxetine 30 mg daily #30", "Duloxetine"),
    ("REQ: gabapentin 300 mg TID #90", "Gabapentin"),
    # the request said in a note's shorthand mid-sentence, its items after semicolons
    ("7/10/18 PR-2 - L leg pain persists; req L L4-5 TFESI x1; tramadol 50 BID #60.",
     "Tramadol"),
    ("f/u 3/3/22: no change. Req'd PT 2x4 and meloxicam 15 mg daily #30.", "Meloxicam"),
])
def test_drugs_on_a_dated_plan_line_are_asked_for_not_taken(kb, snippet, drug):
    extracted = _facts(kb, "Neck and arm pain, 7/10.\n" + snippet)
    assert not [f for f in extracted.facts if f.kind == "medication"
                and f.concept == TERM + drug]


@pytest.mark.parametrize(("sentence", "purpose"), [
    ("Plan 4/2/14: MRI R knee -> if tear confirmed, arthroscopy", "PreoperativePlanning"),
    ("If the MRI shows a herniation, will refer to spine surgery.", "PreoperativePlanning"),
    ("MRI C-spine; if positive for a disc protrusion, consider CESI", "InjectionPlanning"),
])
def test_what_the_study_would_decide_said_as_its_condition(sentence, purpose):
    assert TERM + purpose in stated_purposes(sentence)


@pytest.mark.parametrize("sentence", [
    "If no improvement, may proceed to an ESI.",  # held back until other care fails
    "If findings are present after surgery, PT.",  # the operation is past
    "If a tear is confirmed he does not want arthroscopy.",
])
def test_a_condition_that_plans_nothing_states_no_purpose(sentence):
    assert stated_purposes(sentence) == []


@pytest.mark.parametrize(("snippet", "grade"), [
    # a Kellgren-Lawrence grade told alone grades the osteoarthritis the case names
    ("Diagnoses: osteoarthritis of the left knee. Standing radiographs of 01/30/2023: mild medial "
     "compartment narrowing, Kellgren-Lawrence grade 2; no moderate or severe joint space loss.",
     "mild"),
    ("Diagnosis: left knee osteoarthritis. Standing x-rays of 02/01/2024: KL 3, osteophytes.",
     "moderate"),
    # past the condition's code; and the radiology report's abbreviation
    ("Diagnosis: 1. Primary osteoarthritis, left knee (M17.12), moderate, symptomatic.",
     "moderate"),
    ("Diagnosis: right knee osteoarthritis. X-rays of the right knee 11/02/2021: severe medial "
     "JSN, osteophytes.", "severe"),
])
def test_the_grade_of_knee_osteoarthritis(kb, snippet, grade):
    extracted = _facts(kb, snippet)
    dx = [f for f in extracted.facts if f.kind == "diagnosis"]
    assert dx and dx[0].props["grade"] == grade
    moderate = _findings(extracted, "ModerateToSevereKneeOsteoarthritis")
    if grade == "mild":  # graded mild: documented not moderate or severe
        assert moderate and not any(f.props["present"] for f in moderate)


@pytest.mark.parametrize("snippet", [
    "He denied any history of peptic ulcer disease and had no dyspeptic complaints.",
    "No dyspeptic symptoms on naproxen.",
])
def test_dyspepsia_said_as_its_adjective(kb, snippet):
    found = _findings(_facts(kb, snippet), "Dyspepsia")
    assert found and not any(f.props["present"] for f in found)


@pytest.mark.parametrize(("said", "meant"), [
    ("Since surgery she has had six, I'm sorry, eight sessions of PT.",
     "Since surgery she has had eight sessions of PT."),
    ("He had three -- excuse me -- four urine drug screens.", "He had four urine drug screens."),
    ("Pain is seven, correction, six out of ten.", "Pain is six out of ten."),
    # no correction: an apology, a feeling
    ("I am sorry, the MRI was denied.", "I am sorry, the MRI was denied."),
    ("He was sorry, and tired.", "He was sorry, and tired."),
])
def test_a_dictated_correction_keeps_the_word_meant(said, meant):
    cleaned = clean(said)
    assert cleaned.text == meant
    # (each kept character still maps to its place in the document)
    assert all(said[cleaned.offsets[i]] == c for i, c in enumerate(cleaned.text))


@pytest.mark.parametrize("bullet", ["\uf0b7", "\uf0a7", "\u25cf", "\u25aa", "\u27a2"])
def test_a_plan_bulleted_with_a_fonts_symbol(kb, bullet):
    """A PDF's symbol-font bullet ("\uf0b7 Norco 10/325 mg ...", a private-use character) or a
    drawn one: each line is an item of the plan (the lines had run into one)."""
    text = ("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)\nDate of Service: 06/08/2021\n"
            "SUBJECTIVE:\nLow back pain 6/10 with medication.\n\nTREATMENT PLAN / RFA:\n\n"
            f"{bullet} Norco 10/325 mg, 1 tablet by mouth three times daily, #90.\n\n"
            f"{bullet} Urine drug screen at next visit.\n\n"
            f"{bullet} Start gabapentin 300 mg at bedtime, #90.\n")
    requests = {f.concept.removeprefix(TERM) for f in read_letter(
        text.encode(), "pr2.txt", kb.terms).extracted.facts if f.kind == "request"}
    assert {"HydrocodoneAcetaminophen", "UrineDrugScreen", "Gabapentin"} <= requests
