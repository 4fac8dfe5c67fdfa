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
                         # ("correlate well with", "correspond closely to")
                         r"(?:(?:well|closely|nicely|exactly|directly)\s+)?(?:(?:with|to)\s+|w/\s*)(?:[\w-]+\s+){0,6}?(?:exam\w*|symptoms|findings|"
                         r"presentation|complaints?|radiculopathy|locking|signs|tenderness|"
                         # (what the clinic found: "findings correlating with the clinical
                         # impingement", "consistent with the clinical picture")
                         r"weakness|deficits?|numbness|clinical(?:ly)?)\b|"
                         # several studies and the exam agreeing on one root: "the MRI, the
                         # electrodiagnostic study and the examination all point to the right C6
                         # root"
                         r"\b(?:all|both)\s+point(?:s|ed)?\s+to\s+(?:the\s+)?(?:same\s+)?"
                         r"(?:(?:right|left)\s+)?(?:[CTLS]\d(?:-[CTLS]?\d)?\s+)?(?:nerve\s+)?"
                         r"(?:root|level)\b|"
                         # the exam said to fit the imaging: "radiculopathy ..., concordant with
                         # MRI", "findings fit the C5-6 compression on MRI"
                         r"\b(?:concordant|consistent|correlat\w*|correspond\w*|match\w*|fits?)\s+"
                         r"(?:(?:with|to)\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:MRI|imaging|CT|"
                         r"scan|films|compression|lesion|herniation|extrusion|protrusion|tear)\b|"
                         # "the MRI tear matches the location of the joint line tenderness"
                         r"\bmatch(?:es|ed|ing)?\s+(?:the\s+)?(?:location|level|site|side|"
                         r"distribution)\s+of\b|\b(?:match(?:es|ed|ing)?|fits?|agrees? with|"
                         # ("no compression that would account for the hand tingling": denied)
                         r"explains?|accounts? for|account for)\s+(?:the|his|her|their)\s+"
                         r"(?:\w+\s+)?(?:exam\w*|symptoms|findings|presentation|complaints|"
                         r"tingling|numbness|weakness|deficits?)\b|"
                         # "which matches what I see on exam", "fits what we find clinically"
                         r"\b(?:match(?:es|ed)?|fits?|agrees? with|explains?|corresponds? to|"
                         r"lines? up with|sits?(?: exactly)?|is(?: exactly)?|lies)\s+"
                         r"(?:what|where)\s+(?:I|we|he|she|they|the \w+)\s+(?:see|saw|find|found|"
                         r"note|noted|examined|is|was|are|were|feel|felt)\b|"
                         # "line up with her symptoms", "c/w exam findings", "in keeping with the
                         # exam", "matches the external rotation and supraspinatus weakness",
                         # "fits the impingement signs on examination"
                         r"\b(?:lines?|lined)\s+up\s+with\s+(?:\w+\s+){0,4}?(?:exam\w*|symptoms|"
                         r"findings|presentation|complaints?|signs)\b|"
                         r"(?:\bc/w|\bin keeping with|\b(?:consistent|concordant)\s+w/)\s*"
                         r"(?:\w+\s+){0,3}?(?:exam\w*|symptoms|findings|presentation|complaints?|"
                         r"signs)\b|"
                         r"\b(?:match(?:es|ed)?|fits?|explains?|accounts?\s+for)\s+(?:the|his|her|"
                         r"their)\s+(?:[\w-]+\s+){0,5}?(?:signs|weakness|tenderness|pain pattern|"
                         r"exam\w*|symptoms|complaints)\b|"
                         # "The examination and the MRI agree", "consistent findings on MRI",
                         # "imaging-concordant"
                         r"\b(?:exam\w*|clinical findings)\s+and\s+(?:the\s+)?(?:MRI|imaging|CT|"
                         r"scan)\s+(?:agree|match|correlate|are concordant)\b|\bconsistent\s+"
                         r"findings\s+on\s+(?:the\s+)?(?:MRI|imaging|CT)\b|"
                         r"\bimaging[- ]concordant\b", re.I)
# What an imaging result is named by when the study is not ("The tear corresponds to where he
# is tender"): the concordance is the imaging's
_IMAGED = re.compile(r"\b(?:tear|herniation|protrusion|extrusion|lesion|impingement|"
                     r"compression|stenosis|MRI|imaging)\b", re.I)
# ("the MRI findings 'fit his exam exactly'", "the MRI explains her symptoms")


# What a study is asked for, said before the condition: a purpose, not a result
_PURPOSE_BEFORE = re.compile(r"\bto (?:confirm|rule out|r/o|evaluate|assess|document|look for|"
                             r"check for|exclude|establish|sort out|distinguish|differentiate|"
                             r"tell apart|clarify|determine|investigate|work up|identify)\b"
                             r"[^.;]{0,30}$", re.I)


class Confirmed(NamedTuple):
    concept: str
    present: bool
    start: int  # span in the sentence
    end: int


# A psychological evaluation before an implanted device or a program, and what it concluded:
# "was cleared for a spinal cord stimulator trial", "found her to be an appropriate candidate
# with realistic expectations", "no untreated psychiatric disorder"; or that it has not
# cleared the worker: "not an appropriate candidate", "has not yet taken place", "pending".
_PSYCH = re.compile(r"\b(?:psycholog\w*|psychiatr\w*|psych)\b", re.I)
# (the noun says a clearance was given only with a word that gives it: "clearance obtained",
# "has psychological clearance"; "(after psychological clearance)" on an order is its condition)
_CLEARED = re.compile(r"\b(?:(?:was |were |been |is |psychologically )?cleared|"
                      r"clearance\s+(?:was\s+|has\s+been\s+|is\s+)?(?:obtained|given|granted|"
                      r"received|documented|on file|completed|provided)|(?:has|had|obtained|"
                      r"received|with|got)\s+(?:a\s+|the\s+)?(?:psychological\s+|psychiatric\s+|"
                      r"psych\s+)?clearance|"
                      r"(?:an? )?(?:appropriate|good|suitable|acceptable|reasonable) candidate|"
                      r"realistic expectations|no (?:untreated|active|significant|major|"
                      r"uncontrolled) (?:\w+ )?(?:psychiatric|psychological|mental)|"
                      r"no (?:psychological |psychiatric )?contraindications?)\b", re.I)
_NOT_CLEARED = re.compile(r"\b(?:not (?:been |yet been )?cleared|"
                          r"(?:did|does|would|could) not clear|not (?:an? |yet an? )?"
                          r"(?:appropriate|good|suitable|acceptable) candidate|unrealistic "
                          r"expectations|recommended against|(?:has|have) not (?:yet )?(?:had|"
                          r"undergone|been (?:done|performed|completed|obtained|scheduled))|"
                          r"not yet (?:taken place|been done|done|completed|performed|"
                          r"scheduled|obtained)|(?:is |remains )?(?:pending|outstanding|awaited)|"
                          r"no (?:pre-?(?:trial|operative|implant) )?psycholog\w* "
                          r"(?:evaluation|clearance|assessment)|without (?:a )?psycholog\w* "
                          r"(?:evaluation|clearance))\b", re.I)


# Before spine surgery the guidelines ask for a screening with its findings (an assessment);
# before an implanted device, for the clearance itself (a finding).
_SURGERY = re.compile(r"\b(?:surg\w*|pre-?surgical|pre-?operative|fusion|operation|"
                      r"decompression|laminectomy|discectomy)\b", re.I)
_DEVICE = re.compile(r"\b(?:stimulator|SCS|implant\w*|pump|intrathecal|IDDS|trial)\b", re.I)
_UNDONE = re.compile(r"\b(?:has|have) not|not yet|pending|outstanding|awaited|\bno\b|without",
                     re.I)


def clearances(sentence: str) -> list[Confirmed]:
    """What a psychological evaluation before a procedure concluded. Before an implanted
    device (or naming no procedure): `PsychologicalClearance`, present when the evaluation
    cleared the worker, absent when it did not or has not been done. Before surgery: the
    `PreoperativePsychologicalScreen`, present when it found no contraindication, absent
    when it found one (a screen not done is no screen: nothing). A plan or a condition ('a
    psychological evaluation will be needed before the trial') says nothing."""
    if not _PSYCH.search(sentence):
        return []
    denied = _NOT_CLEARED.search(sentence)
    found = [denied] if denied else list(_CLEARED.finditer(sentence))
    if not found:
        return []
    # (of several words that clear, one asserted is enough: in "no substance use disorder and
    # realistic expectations, and cleared him for the trial" the first lies in the scope of
    # the "no" before it)
    asserted = assertions(sentence, [m.span() for m in found])
    said, assertion = next(((m, a) for m, a in zip(found, asserted, strict=True)
                            if a is Assertion.PRESENT), (found[0], asserted[0]))
    if denied is None and assertion is Assertion.ABSENT and said.group()[:3].lower() == "no ":
        # the phrase's own "no" clears: "concluded that there were no psychological
        # contraindications" (read as a denial of itself, the clearance had been refused)
        assertion = Assertion.PRESENT
    if assertion is Assertion.FAMILY or denied is None and assertion in (
            Assertion.HYPOTHETICAL, Assertion.UNCERTAIN):
        return []  # (a denial is said as fact: "was requested and has not yet taken place")
    cleared = denied is None and assertion is not Assertion.ABSENT
    if _SURGERY.search(sentence) and not _DEVICE.search(sentence):
        if denied is not None and _UNDONE.search(denied.group()):
            return []
        return [Confirmed(T("PreoperativePsychologicalScreen"), cleared, *said.span())]
    return [Confirmed(T("PsychologicalClearance"), cleared, *said.span())]


# A study's conclusion told in a sentence of its own: "04/17/2018 (electrodiagnostic report):
# right median distal motor latency 6.2 ms ... Impression: severe right carpal tunnel syndrome."
_CONCLUSION = re.compile(r"^\W*(?:(?:impressions?|conclusions?|interpretation|results?|"
                         r"(?:electrodiagnostic |study )?diagnos[ie]s|summary)\s*:|"
                         # the next sentence about the study: "This matches his S1 symptoms"
                         r"(?:this|these(?: findings)?|the findings|which|it)\s+(?:\w+\s+){0,2}"
                         r"(?:match|fit|correlat|correspond|agree|explain|is consistent|are "
                         r"consistent|is concordant|are concordant))", re.I)


def studies_of(sentence: str, lex: Lexicon) -> tuple[str, ...]:
    """The kinds of study a sentence names (what a conclusion after it is a conclusion of)."""
    return tuple(h.term for h in lex.find(sentence, T("DiagnosticService")))


def _concordance_said(sentence: str, start: int, end: int) -> Assertion:
    """Whether the study is said to agree with the exam, read in its own clause: "no
    full-thickness tear, which matches what I see on exam" negates the tear, not the match."""
    opened = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start)) + 1
    [said] = assertions(sentence[opened:], [(start - opened, end - opened)])
    # ("consistent with his history and examination": the history agreed with is no past)
    return Assertion.PRESENT if said is Assertion.HISTORICAL else said


def confirmations(sentence: str, lex: Lexicon, named: tuple[str, ...],
                  before: tuple[str, ...] = ()) -> list[Confirmed]:
    """What the studies the sentence names (`named`: `studies_of` the sentence) confirm;
    `before`: the studies the sentence just before named, which a sentence opening with their
    conclusion ("Impression: ...") is of."""
    cleared = clearances(sentence)
    studies = list(named)
    if not studies and before and _CONCLUSION.match(sentence):
        studies = list(before)
    if not studies and not _CONCORDANT.search(sentence):
        return cleared  # (the cheap test first: most sentences name no study)
    is_a = lex.terms.is_a
    imaged = any(is_a(s, T("DiagnosticImaging")) for s in studies)
    # (the study may be the sentence before's, or named by its lesion: "MRI 3/2/2021: medial
    # meniscus tear. The surgeon notes this fits the exam", "The tear corresponds to ...")
    imaging_told = imaged or _IMAGED.search(sentence) is not None or any(
        is_a(s, T("DiagnosticImaging")) for s in before)
    if not studies and not imaging_told:
        return cleared
    found: list[tuple[str, int, int]] = []
    if imaged:
        found += [(T("RadiculopathyCorroborated"), *m.span()) for m in _NERVE_ROOT.finditer(
            sentence)]
    if imaging_told:
        found += [(T("ImagingConcordantWithExam"), *m.span()) for m in _CONCORDANT.finditer(
            sentence)]
    if any(is_a(s, T("ElectrodiagnosticStudy")) for s in studies):
        for hit in lex.find(sentence, T("Condition")):
            if _PURPOSE_BEFORE.search(sentence, max(0, hit.start - 40), hit.start):
                continue  # "EMG/NCV to confirm the radiculopathy": asked for, not found
            if is_a(hit.term, T("CarpalTunnelSyndrome")):
                found.append((T("ElectrodiagnosticallyConfirmedCTS"), hit.start, hit.end))
            elif is_a(hit.term, T("CubitalTunnelSyndrome")):
                # "... consistent with a moderate left ulnar neuropathy at the elbow"
                found.append((T("ElectrodiagnosticallyConfirmedUlnarNeuropathy"), hit.start,
                              hit.end))
            elif is_a(hit.term, T("Radiculopathy")):
                found.append((T("RadiculopathyCorroborated"), hit.start, hit.end))
    said = [_concordance_said(sentence, s, e) if concept == T("ImagingConcordantWithExam")
            else a for (concept, s, e), a in zip(found, assertions(
                sentence, [(s, e) for _, s, e in found]), strict=True)]
    return cleared + [Confirmed(concept, a is Assertion.PRESENT, s, e)
                      for (concept, s, e), a in zip(found, said, strict=True)
                      if a in (Assertion.PRESENT, Assertion.ABSENT)]
