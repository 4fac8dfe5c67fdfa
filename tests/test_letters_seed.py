"""The seed letter ingests into the facts of the hand encoding (examples/seed-case.ttl).

Compared on the typed facts (reasoner.engine.facts.read_case) without node names, labels and
source text. One hand-encoded fact is stated only in the letter's rationale (the red flags
documented absent): the no-leakage rule forbids reading it, so the ingested seed lacks it, and
the reasoner gives insufficient-documentation, whose IMR equivalent is the letter's 'upheld',
citing the same section.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reasoner.engine.facts import read_case
from reasoner.reader.dates import parse_date
from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM, m
from reasoner.workflows.letters import score_letter as evaluate_letter

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "letters" / "000_352bc1bec7c49a86.txt"
RATIONALE_ONLY = {(TERM + "RedFlagSpinalPathology", False, None)}
# Stated in the letter but left out of the hand encoding, which folded it into the study's
# result text: 'limited range of motion with flexion and extension' on the 12-13-14 films.
# And a symptom named among the diagnoses is a finding too ("... and urinary leakage
# incontinence-retention possibly neurogenic"), undated there; the hand encoding has it from
# the report of 7-30-15.
EXTRA = {(TERM + "LimitedRangeOfMotion", True, "2014-12-13"),
         (TERM + "UrinarySymptoms", True, None)}


@pytest.fixture(scope="module")
def seed(kb):
    return read_letter(SEED.read_bytes(), SEED.name, kb.terms)


def _typed(facts) -> dict:
    def day(d):
        return d.isoformat() if d else None

    return {
        "worker": (facts.age, facts.sex, day(facts.injury_date)),
        "diagnoses": {f.concept for f in facts.diagnoses},
        "findings": {(f.concept, f.present, day(f.on_date)) for f in facts.findings},
        "pain": {(p.value, p.value_high, p.context, day(p.on_date)) for p in facts.pain_scores},
        "courses": {(c.concept, c.is_medication, day(c.on_date), day(c.start), c.sessions,
                     c.response, c.dose_mg, c.doses_per_day) for c in facts.courses},
        "studies": {(s.concept, day(s.on_date)) for s in facts.studies},
        "requests": {(r.concept, day(r.request_date), r.quantity, r.unit, r.purposes,
                      r.dose_mg, r.doses_per_day, r.types) for r in facts.requests},
    }


def test_seed_facts_equal_the_hand_encoding(kb, seed, seed_turtle):
    hand = _typed(read_case(kb.parse(seed_turtle, "text/turtle")))
    ours = _typed(read_case(seed.graph.facts))
    hand["findings"] -= RATIONALE_ONLY
    ours["findings"] -= EXTRA
    assert ours == hand


def test_seed_reasons_to_upheld_with_the_letters_section(kb, seed):
    [item] = evaluate_letter(seed, kb)
    assert item.recorded_outcome == "upheld"
    assert item.outcome == "insufficient-documentation"
    assert item.predicted == "upheld"
    assert "Special Studies" in item.citation and "Special Studies" in item.letter_citation
    assert item.section_agrees


def test_seed_record_is_stored_apart_from_the_facts(seed):
    record = {(t.predicate.value, t.object.value) for t in seed.graph.record}
    assert (m("imrOutcome"), m("Upheld")) in record
    assert (m("citedGuidelineText"), "MTUS Low Back Complaints 2004, Section(s): Special Studies") \
        in record
    assert (m("licensure"), "North Carolina") in record
    facts_text = " ".join(str(t.object.value) for t in seed.graph.facts)
    assert "red flags" not in facts_text  # only the rationale says so


def test_provenance_points_into_the_letter(seed):
    letter = SEED.read_text()
    spans = {}
    for t in seed.graph.facts:
        spans.setdefault(t.subject.value, {})[t.predicate.value.rsplit("#", 1)[-1]] = \
            t.object.value
    checked = 0
    for props in spans.values():
        if "sourceStart" in props:
            original = letter[int(props["sourceStart"]):int(props["sourceEnd"])]
            assert re.sub(r"\s+", "", original) == re.sub(r"\s+", "", props["sourceText"])
            checked += 1
    assert checked > 30


@pytest.mark.parametrize("text, iso", [("5-24-07", "2007-05-24"), ("07/30/2015", "2015-07-30"),
                                       ("July 30, 2015", "2015-07-30"), ("Aug. 3 2015",
                                                                         "2015-08-03"),
                                       ("12-13-14", "2014-12-13"), ("6-7", None),
                                       ("13/40/2015", None)])
def test_dates(text, iso):
    day = parse_date(text)
    assert (day.isoformat() if day else None) == iso
