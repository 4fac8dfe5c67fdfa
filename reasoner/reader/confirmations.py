"""What a study's result confirms, as the findings the guidelines ask for.

A reviewer reads "MRI: L5-S1 protrusion abutting the left S1 nerve root" as imaging that
corroborates the radiculopathy, "NCS confirming right carpal tunnel syndrome" as carpal tunnel
syndrome confirmed by electrodiagnostic testing, and "the MRI correlates with his exam" as
imaging concordant with the examination. Each is read here from a sentence that names a study,
with its assertion ("without nerve root compression", "no evidence of radiculopathy" make the
finding documented absent).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.lexicon import Lexicon
from reasoner.vocab import TERM

T = TERM.__add__

# A nerve root touched by a lesion, in either order: "compressing the traversing right S1
# nerve root", "nerve root impingement", "NR impingement", "epidural fibrosis enveloping the
# L5 roots", "foraminal stenosis contacting the exiting L4 root".
_PRESSED = (r"(?:compress\w*|imping\w*|abut\w*|contact\w*|envelop\w*|displac\w*|effac\w*|"
            r"encroach\w*|compromis\w*|entrap\w*|pinch\w*|touch\w*|deform\w*)")
_ROOT = r"(?:(?:nerve|NR)\s+)?roots?\b|\bNR\b"
_NERVE_ROOT = re.compile(
    _PRESSED + r"\s+(?:(?:of|on|upon|the|a|an|both|exiting|traversing|descending|left|right|"
    r"bilateral|[CLS]\d(?:\s*(?:and|,)\s*[CLS]?\d)*|\w+)\s+){0,6}?(?:" + _ROOT + r")"
    r"|\b(?:nerve\s+root|NR|root)\s+" + _PRESSED, re.I)
# "MRI findings are concordant with the exam", "MRI correlates with her locking and the
# positive McMurray", "findings consistent with the examination".
_CONCORDANT = re.compile(r"\b(?:concordant|consistent|correlat\w*|correspond\w*|match\w*)\s+"
                         r"(?:with|to)\s+(?:\w+\s+){0,4}?(?:exam\w*|symptoms|findings|"
                         r"presentation|complaints?|radiculopathy|locking|signs)\b", re.I)


class Confirmed(NamedTuple):
    concept: str
    present: bool
    start: int  # span in the sentence
    end: int


def confirmations(sentence: str, lex: Lexicon) -> list[Confirmed]:
    studies = lex.find(sentence, T("DiagnosticService"))
    if not studies:
        return []
    is_a = lex.terms.is_a
    found: list[tuple[str, int, int]] = []
    if any(is_a(s.term, T("DiagnosticImaging")) for s in studies):
        found += [(T("RadiculopathyCorroborated"), *m.span()) for m in _NERVE_ROOT.finditer(
            sentence)]
        found += [(T("ImagingConcordantWithExam"), *m.span()) for m in _CONCORDANT.finditer(
            sentence)]
    if any(is_a(s.term, T("ElectrodiagnosticStudy")) for s in studies):
        for hit in lex.find(sentence, T("Condition")):
            if is_a(hit.term, T("CarpalTunnelSyndrome")):
                found.append((T("ElectrodiagnosticallyConfirmedCTS"), hit.start, hit.end))
            elif is_a(hit.term, T("Radiculopathy")):
                found.append((T("RadiculopathyCorroborated"), hit.start, hit.end))
    said = assertions(sentence, [(s, e) for _, s, e in found])
    return [Confirmed(concept, a is Assertion.PRESENT, s, e)
            for (concept, s, e), a in zip(found, said, strict=True)
            if a in (Assertion.PRESENT, Assertion.ABSENT)]
