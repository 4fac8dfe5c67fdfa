"""Names said the other way round and injections named by their site (held-out heldout-uk and
the corpus's -wg, -wx, -zf, -kk): "sprain of the medial collateral ligament", "tear of the
anterior cruciate ligament", "a right knee injection", "an injection into the left shoulder",
"a cortisone injection to the right ring finger" (the hand's, whatever region the case is of),
an injectate named before the joint ("Synvisc knee injection": the hyaluronic acid, no steroid),
and care agreed to ("She now agrees to an injection of the right shoulder": still to come).
Several phrasings each, with the cases that must stay."""

from __future__ import annotations

import pytest

from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.letter import read_letter
from reasoner.reader.lexicon import lexicon_for
from reasoner.vocab import TERM

_KINDS = tuple(TERM + k for k in ("Treatment", "Condition", "ClinicalFinding", "Drug"))


def _named(kb, text: str) -> list[str]:
    return [h.term.removeprefix(TERM) for h in lexicon_for(kb.terms).find(text, *_KINDS)]


@pytest.mark.parametrize(("text", "names"), [
    ("sprain of the medial collateral ligament of the right knee",
     ["MedialCollateralLigamentInjury"]),
    ("tear of the anterior cruciate ligament", ["ACLTear"]),
    ("tear of the medial meniscus", ["MeniscalTear"]),
    ("an injection into the right hip", ["HipCorticosteroidInjection"]),
    ("right knee injection", ["KneeCorticosteroidInjection"]),
    ("an injection into the left shoulder", ["SubacromialInjection"]),
    # (an injectate named before the joint is what is injected)
    ("Synvisc knee injection x3", ["HyaluronicAcidInjection"]),
    ("Euflexxa injection to the right knee", ["HyaluronicAcidInjection"]),
    ("hyaluronic acid knee injections", ["HyaluronicAcidInjection"]),
    # (guards: a steroid named stays one; a drug listed before, past a comma, is its own)
    ("steroid injection to the right knee", ["KneeCorticosteroidInjection"]),
    ("Norco, knee injection", ["HydrocodoneAcetaminophen", "KneeCorticosteroidInjection"]),
])
def test_names_the_other_way_round(kb, text, names):
    assert _named(kb, text) == names


def _courses(kb, body: str):
    text = f"PR-2 PROGRESS REPORT\nDOS: 03/05/2023\nSUBJECTIVE:\n{body}\nPLAN:\n1. Lumbar MRI.\n"
    return {f.concept.removeprefix(TERM) for f in read_letter(
        text.encode(), "pr2.txt", kb.terms).extracted.facts if f.kind == "prior"}


def test_an_injections_own_site_over_the_cases(kb):
    # a shoulder case; the injection was of a finger: not the shoulder's
    courses = _courses(kb, "Diagnosis: right shoulder impingement.\nCortisone injection to the "
                           "right ring finger on 06/14/2022 helped for three months.")
    assert "SubacromialInjection" not in courses


def test_a_flexor_sheath_named_after_of(kb):
    courses = _courses(kb, "Diagnosis: trigger finger.\n10/05/2015: steroid injection of the "
                           "right ring and middle finger flexor sheaths.")
    assert "TriggerFingerInjection" in courses


@pytest.mark.parametrize(("sentence", "name", "expected"), [
    ("She now agrees to an injection of the right shoulder.", "injection",
     Assertion.HYPOTHETICAL),
    ("He is agreeable to a trial of acupuncture.", "acupuncture", Assertion.HYPOTHETICAL),
    ("She wishes to proceed with surgery.", "surgery", Assertion.HYPOTHETICAL),
    # (guards: the past tells what was done)
    ("She elected to have the injection on 3/2/2019, which helped.", "injection",
     Assertion.PRESENT),
    ("He agreed to the opioid agreement and signed it.", "opioid agreement", Assertion.PRESENT),
])
def test_care_agreed_to_is_still_to_come(sentence, name, expected):
    at = sentence.index(name)
    assert assertions(sentence, [(at, at + len(name))])[0] is expected


def _priors(kb, body: str):
    text = f"PR-2 PROGRESS REPORT\nDOS: 03/05/2023\nSUBJECTIVE:\n{body}\nPLAN:\n1. Lumbar MRI.\n"
    return [f for f in read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
            if f.kind == "prior"]


@pytest.mark.parametrize(("sentence", "name", "day"), [
    # (the held-out author's sentence, then variants: the joint the subject of the verb, or its
    # object)
    ("On 06/16/2015 the left knee was injected with a corticosteroid; the relief lasted about "
     "three weeks.", "KneeCorticosteroidInjection", "2015-06-16"),
    ("The right shoulder was injected on 05/02/2018 with 80 mg of Kenalog.",
     "SubacromialInjection", "2018-05-02"),
    ("Dr. Lee injected the right shoulder with Kenalog on 05/02/2018.", "SubacromialInjection",
     "2018-05-02"),
    ("On 10/22/2019, her left hip was injected under fluoroscopy.",
     "HipCorticosteroidInjection", "2019-10-22"),
])
def test_an_injection_told_by_its_verb(kb, sentence, name, day):
    [course] = [c for c in _priors(kb, sentence) if c.concept == TERM + name]
    assert course.props["on_date"].isoformat() == day


def test_one_who_injected_no_joint_had_no_injection(kb):
    # (guard: the verb with no site names no injection)
    assert not [c for c in _priors(kb, "He injected himself with insulin before meals.")
                if "Injection" in (c.concept or "")]
