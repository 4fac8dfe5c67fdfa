"""A treating physician's appeal of a UR non-certification, read as the request it repeats:
the items it lists ("Items appealed:", "Requests of 08/29/2019: (1) ... (2) ..."), and the
reviewer's words it quotes to answer them ('UR: "No red flags."') are not the worker's
facts."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

_HEAD = ("Lakeside Spine and Pain Medical Group\n1200 Harbor Blvd, Suite 4, Oxnard CA 93035\n\n"
         "DATE: 9/4/2019\nTO: Utilization Review Appeals\nRE: APPEAL OF UR NON-CERTIFICATION\n"
         "    Claim #: 18-WC-20331    DOI: 3/2/16\n    RFA date: 8/29/19\n\n")
_BODY = ("To whom it may concern,\n\nMr. Alvarez is a 47 y/o roofer injured 3/2/16. Dx: lumbar "
         "degenerative disc disease.\n"
         "UR: \"There is no documentation of a urine drug screen. The patient has red flags and "
         "progressive neurologic deficit. Opioids have been used long term without benefit.\"\n"
         "RESPONSE: He walks 30 minutes a day on oxycodone. UDS on 7/1/19 was consistent.\n")


def _read(kb, listed: str):
    data = (_HEAD + listed + "\n" + _BODY).encode()
    return read_letter(data, "appeal.txt", kb.terms)


@pytest.mark.parametrize("listed", [
    "Items appealed:\n  (a) Oxycodone IR 10 mg #120\n  (b) Cognitive behavioral therapy, 6 "
    "sessions\n",
    "Services under appeal:\n1. Oxycodone IR 10 mg #120\n2. Cognitive behavioral therapy, 6 "
    "sessions\n",
    "Requests of 08/29/2019: (1) Oxycodone IR 10 mg #120; (2) Cognitive behavioral therapy, 6 "
    "sessions\n",
])
def test_the_items_an_appeal_lists(kb, listed):
    read = _read(kb, listed)
    assert [i.name for i in read.letter.items] == [
        "Oxycodone IR 10 mg #120", "Cognitive behavioral therapy, 6 sessions"]


def test_the_reviewer_s_words_quoted_are_not_facts(kb):
    facts = _read(kb, "Items appealed:\n  (a) Oxycodone IR 10 mg #120\n").extracted.facts
    present = {f.concept for f in facts if f.kind == "finding" and f.props.get("present")}
    assert TERM + "ProgressiveNeurologicalDeficit" not in present
    assert not any(f.concept.endswith("RedFlagSpinalPathology") for f in facts
                   if f.concept and f.kind == "finding" and f.props.get("present"))
    # (the physician's own answer is read: the screen he tells of)
    screens = [f for f in facts if f.kind == "assessment"
               and f.concept == TERM + "UrineDrugScreen"]
    assert [s.props["assessment_result"].rsplit("#", 1)[-1] for s in screens] == ["Consistent"]


def test_the_determination_s_words_quoted_are_not_facts(kb):
    facts = _read(kb, "Items appealed:\n  (a) Tizanidine 4 mg #60\n"
                      'The determination reads: "Muscle relaxants are for short-term use during '
                      'acute exacerbations."\n').extracted.facts
    assert not [f for f in facts if f.kind == "finding" and f.props.get("present")
                and f.concept == TERM + "AcuteExacerbation"]
