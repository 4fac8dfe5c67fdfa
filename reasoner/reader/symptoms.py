"""Document-level revisions of the symptoms and signs read sentence by sentence.

A sentence is read alone; some of what it says is only settled by the rest of the document:

- a symptom said to be over ("the arm pain resolved after surgery", "the leg pain is gone")
  supersedes what earlier sentences told of it: the history's "right arm radicular pain from a
  C5-6 herniation" was then, not now;
- a finding named in a question ("Q: Any fevers, night sweats, weight loss?") is what the
  answer says of it ("A: No, none of that."): absent, present, or nothing when the answer
  says neither;
- numbness or pain of the hand and fingers in a worker whose diagnoses are a peripheral nerve
  entrapment (carpal or cubital tunnel) or CRPS, and no radiculopathy, is that condition's
  symptom: neither radicular nor dermatomal unless the text says it radiates.
"""

from __future__ import annotations

import re

from reasoner.reader.lexicon import Lexicon
from reasoner.reader.mention import Mention
from reasoner.vocab import TERM

T = TERM.__add__

# what makes an absent symptom a symptom that is over, said after its name
_OVER = re.compile(r"[^.;\n]{0,40}?\b(?:resolved|gone|went away|disappeared|subsided|abated|"
                   r"no longer|has not returned|did not return|have not returned)\b", re.I)
_RADICULAR = frozenset({T("RadicularSymptoms"), T("DermatomalSensoryLoss")})
_PERIPHERAL = (T("CarpalTunnelSyndrome"), T("UlnarNeuropathy"),
               T("ComplexRegionalPainSyndrome"))
_HAND = re.compile(r"\b(?:hands?|fingers?|thumbs?|wrists?|palms?|index|middle|ring|small|"
                   r"little|median|ulnar|carpal|cubital|tunnel)\b", re.I)
_SPINAL = re.compile(r"\b(?:spine|spinal|lumbar|lumbosacral|cervical|thoracic|back|neck|"
                     r"dis[ck]s?|radicul\w*|[CLT]\d)", re.I)
_SPREADS = re.compile(r"\b(?:radiat\w*|radicular|shoot\w*|down|from the neck|neck|arms?|"
                      r"forearms?|shoulders?|dermatom\w*)\b", re.I)


def revise(facts: list[Mention], lex: Lexicon, text: str) -> list[Mention]:
    """The facts without the symptom readings the rest of `text` overrules."""
    facts = _answered(facts, text)
    facts = _over_supersedes_earlier(facts, text)
    return _peripheral_not_radicular(facts, lex, text)


_QUESTION_END = re.compile(r"[.!?\n]")
# (the answer may open with its speaker, and a transcript's time: "[00:01:37] DR. ASARE-LINDQVIST:
# None of those.", "MS. REYES: Yes, at night")
_ANSWER = re.compile(r"\s*(?:\[[\d:.]{4,12}\]\s*)?(?:(?:A|Answer|Pt|Patient|Claimant|Worker|"
                     r"Employee|Applicant|(?-i:(?:[A-Z][A-Za-z.'-]*\s+){0,3}[A-Z][A-Z.'-]+))\s*"
                     r"[:.-]\s*)?[\"'\u201c]?(?:(?P<no>no|nope|none|never|not|denies|denied|negative)|"
                     r"(?P<yes>yes|yeah|yep|sometimes|occasionally|some|a little))\b", re.I)


def _answered(facts: list[Mention], text: str) -> list[Mention]:
    out = []
    for f in facts:
        ended = _QUESTION_END.search(text, f.end) if f.kind == "finding" else None
        if ended is None or ended.group() != "?":
            out.append(f)
            continue
        answer = _ANSWER.match(text, ended.end())
        if answer is None:
            continue  # asked, and not answered yes or no: nothing is documented
        f.props["present"] = answer.group("yes") is not None
        out.append(f)
    return out


def _over_supersedes_earlier(facts: list[Mention], text: str) -> list[Mention]:
    over = [f for f in facts if f.kind == "finding" and not f.props.get("present")
            and _OVER.match(text, f.end)]
    if not over:
        return facts

    def superseded(f: Mention) -> bool:
        return f.kind == "finding" and bool(f.props.get("present")) and any(
            o.concept == f.concept and f.end <= o.start and _not_later(f, o) for o in over)
    return [f for f in facts if not superseded(f)]


def _not_later(earlier: Mention, over: Mention) -> bool:
    was, now = earlier.props.get("on_date"), over.props.get("on_date")
    return was is None or now is None or was <= now


def _peripheral_not_radicular(facts: list[Mention], lex: Lexicon,
                              text: str) -> list[Mention]:
    diagnoses = [f.concept for f in facts if f.kind == "diagnosis" and f.concept]
    terms = lex.terms
    if not any(terms.is_a(d, p) for d in diagnoses for p in _PERIPHERAL) or any(
            terms.is_a(d, T("Radiculopathy")) for d in diagnoses):
        return facts

    # with no spinal diagnosis, "does nothing for the numbness" is the hand's numbness too
    limbs_only = not any(_SPINAL.search(f.label) for f in facts if f.kind == "diagnosis")

    def hand_only(f: Mention) -> bool:
        if f.kind != "finding" or f.concept not in _RADICULAR or not f.props.get("present"):
            return False
        said = _statement(text, f.start, f.end)
        return (limbs_only or bool(_HAND.search(said))) and not _SPREADS.search(said)
    return [f for f in facts if not hand_only(f)]


_STATEMENT_END = re.compile(r"[.;]|\n\s*\n")


def _statement(text: str, start: int, end: int) -> str:
    """The words of the statement around text[start:end], at most 60 characters before it."""
    opened = max(text.rfind(c, max(0, start - 60), start) for c in ".;") + 1
    closed = _STATEMENT_END.search(text, end)
    return text[max(opened, start - 60):closed.start() if closed else end + 80]
