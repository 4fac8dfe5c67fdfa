"""Examination signs written as measurements or descriptions rather than by name: a muscle
graded below 5/5 ("EHL 4+/5", "wrist extension graded 4/5") is weakness, a motion measured in
degrees or said to be limited ("flexion limited to 60 degrees", "flex 60 deg") is limited
range of motion, pain or numbness travelling into a limb ("burning pain down the right leg
into the top of the foot", "left anterior thigh and shin pain") is radicular. Each is read with
its assertion, like a sign named by its label.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from reasoner.reader.assertion import Assertion, assertions
from reasoner.vocab import TERM

T = TERM.__add__

# a grade below 5/5, not of the grip (the hand, not a myotome)
# (not a date: "3/5/19", "on 4/5", "10/4/5")
_WEAK = re.compile(r"(?<!grip )(?<!grip strength )(?<![\d/])\b[0-4][+-]?\s*/\s*5\b(?!\s*/\s*\d)",
                   re.I)
_DATED = re.compile(r"\b(?:on|dated?|since|of|from|until|through|today|visit|DOS|service)\W*$",
                    re.I)
# a score out of 5 that is not a muscle grade: "Waddell signs: 0/5"
# or a hand muscle's grade (thenar weakness is a median-nerve sign, not a myotome's)
# (or a rotator cuff muscle's: "ER 4/5", "supraspinatus 4/5" test the tendon, not a root)
_SCORED = re.compile(r"\b(?:waddell|signs?|score|scale|criteria|abductor pollicis|APB|thenar|"
                     r"intrinsics?|grip|pinch|opponens|ER|IR|external rotation|internal "
                     r"rotation|supraspinatus|infraspinatus|subscapularis|empty[- ]can|"
                     r"cuff)\b[^.;,]*$", re.I)
# ... a rotator cuff's grade below 5/5 is the cuff's weakness: "Empty can 4/5 with pain",
# "ER 4-/5 on the right", "supraspinatus 4/5"
_CUFF_GRADED = re.compile(r"\b(?:ER|external rotation|supraspinatus|infraspinatus|"
                          r"subscapularis|empty[- ]can(?: test)?|(?:rotator )?cuff)\b"
                          r"[^.;,\d]{0,12}$", re.I)
# a motion measured in degrees or said to be limited
_MOTION = r"(?:flexion|extension|rotation|abduction|adduction|lateral bending|flex|ext|rot|abd|ROM)"
_LIMITED = re.compile(
    r"\b" + _MOTION + r"\b(?:\s+(?:is|was|are|were))?\s+(?:limited|restricted|decreased|"
    r"reduced)\b|\b(?:limited|restricted|decreased|reduced)\s+(?:\w+\s+)?" + _MOTION
    + r"\b|\b" + _MOTION + r"\b[^.;,]{0,25}?\b\d{1,3}\s*(?:deg|degrees|\u00b0)", re.I)
_MOTION_NAMED = re.compile(r"\b" + _MOTION + r"\b", re.I)  # in every way _LIMITED is said
_NORMAL = re.compile(r"\b(?:full|normal|wnl|within normal limits|intact)\b", re.I)
# pain, numbness or tingling that travels into a limb
LIMB = (r"(?:leg|legs|thigh|thighs|calf|calves|shin|shins|foot|feet|toes?|ankle|arm|arms|"
         r"forearm|hand|hands|fingers?|thumb)")  # not the buttock: back pain reaches it
# Pain named by a part the back or neck pain can travel along ("leg pain", "arm pain") is read
# radicular; pain named by a joint ("ankle pain", "hand pain") is that joint's own, the injury
# of an ankle or hand case, unless said to travel there ("pain radiating into the foot").
_LIMB_SPAN = r"(?:leg|legs|thigh|thighs|calf|calves|shin|shins|arm|arms|forearm|forearms)"
# (pain "referred to the posterior thigh" from a trigger point or a facet is not a root's)
_RADIATING = re.compile(
    r"\b(?:pain|burning|numbness|tingling|paresthesias?|dysesthesias?)\b"
    r"(?:(?!referr\w*|refers?\b)[^.;]){0,40}?\b(?:down|"
    r"into|to|radiat\w*|over|along)\b[^.;]{0,30}?\b" + LIMB + r"\b|\b" + LIMB
    + r"\s+(?:and\s+\w+\s+)?(?:numbness|tingling|paresthesias?)\b|\b" + _LIMB_SPAN
    + r"\s+(?:and\s+\w+\s+)?pain\b", re.I)


class Sign(NamedTuple):
    concept: str
    present: bool
    start: int
    end: int


def signs(sentence: str) -> list[Sign]:
    # (most sentences fail a cheaper test first: a grade has a slash, a motion is named)
    weak = list(_WEAK.finditer(sentence)) if "/" in sentence else []
    found = [(T("MotorWeakness"), m.start(), m.end()) for m in weak
             if not _SCORED.search(sentence[max(0, m.start() - 60):m.start()])
             and not _DATED.search(sentence[max(0, m.start() - 20):m.start()])]
    found += [(T("RotatorCuffWeakness"), m.start(), m.end()) for m in weak
              if _CUFF_GRADED.search(sentence[max(0, m.start() - 40):m.start()])]
    limited = _LIMITED.finditer(sentence) if _MOTION_NAMED.search(sentence) else ()
    found += [(T("LimitedRangeOfMotion"), m.start(), m.end()) for m in limited
              if not _NORMAL.search(sentence[max(0, m.start() - 20):m.end() + 20])]
    found += [(T("RadicularSymptoms"), m.start(), m.end())
              for m in _RADIATING.finditer(sentence)]
    said = assertions(sentence, [(s, e) for _, s, e in found])
    said = [_in_its_clause(sentence, s, e) if a is Assertion.ABSENT and _WEAK.fullmatch(
        sentence, s, e) else a for (_, s, e), a in zip(found, said, strict=True)]
    return [Sign(c, a is Assertion.PRESENT, s, e)
            for (c, s, e), a in zip(found, said, strict=True)
            if a in (Assertion.PRESENT, Assertion.ABSENT)]


def _in_its_clause(sentence: str, start: int, end: int) -> Assertion:
    """A grade's assertion within its own clause: another muscle's full grade after a comma
    denies nothing of it ("EHL 4/5 left, TA 5/5"; "improved from 4/5 to 5/5" still does)."""
    left = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start)) + 1
    right = min((i for i in (sentence.find(",", end), sentence.find(";", end)) if i >= 0),
                default=len(sentence))
    return assertions(sentence[left:right], [(start - left, end - left)])[0]
