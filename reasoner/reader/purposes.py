"""Why a service is asked for, and whether a procedure is being considered: a small grammar.

The guidelines judge imaging and consultations by what the result would change ("surgery or an
injection is being considered", "to rule out instability"), and physicians say it in many
ways that no fixed label list covers: "to determine whether he is a candidate for an epidural
injection or a surgical referral", "before any surgical decision", "if a tear is confirmed,
will refer for arthroscopy", "surgery is being contemplated". The grammar pairs a planning cue
(candidate, consider, plan, decide, before any ...) with the kind of procedure it governs
(an operation, or an injection or other invasive procedure), in either order, and reads the
evaluation purposes (rule out instability, a fracture, a failed fusion; evaluate the
symptoms) the same way. A negation governing the cue ("not a surgical candidate", "surgery
is not being considered", "declines injections") turns a consideration into its absence and
states no purpose.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from reasoner.vocab import TERM

T = TERM.__add__

_SURGERY = (r"(?:surg\w*|operat\w*|decompress\w*|(?:micro)?discectomy|laminectomy|laminotomy|"
            r"foraminotomy|fusion|arthrodesis|ACDF|arthroscop\w*|arthroplasty|(?:joint |knee |hip "
            r"|shoulder )?replacement|reconstruction|(?:cuff |tendon |labral |meniscal )?repair|"
            r"(?:tunnel |trigger finger |de quervain'?s? )?release|meniscectomy|TKA|THA|scope|"
            r"neurosurg\w*|spine surgeon|orthopedic surgeon)")
_INJECTION = (r"(?:epidural\w*|E\.?S\.?I\.?s?|TFESI|ILESI|CESI|injections?|blocks?|MBBs?|facet\w*|"
              r"radiofrequency|RFA|rhizotomy|neurotomy|ablation|interventional\w*|"
              r"(?:spinal cord )?stimulator|SCS)")
_PROCEDURE = rf"(?:(?P<surgery>{_SURGERY})|(?P<injection>{_INJECTION}))"
# The cue comes first: "candidate for an L5-S1 microdiscectomy", "plan a possible ESI",
# "before any surgical decision", "to decide between injection and surgery".
_CUE = (r"(?:candidate|candidacy|consider|considering|consideration|contemplat\w*|"
        r"plan(?:s|ned|ning)?|discuss\w*|(?:decide|determine) (?:whether|if|on|between)|"
        r"evaluat\w* for|assess\w* for|(?:in )?preparation for|pre-?op\w*|guide|target\w*|"
        r"proceed\w*(?: with)?|"
        # "for ortho referral re: possible arthroscopy", "regarding potential surgery"
        r"(?:re:?|regarding|toward|towards)\s+(?:an?\s+)?(?:possible|potential|eventual)|"
        r"(?:before|prior to|ahead of) (?:any|a|an|the|possible|potential|planned|proposed|"
        r"considering|deciding on|proceeding with|further))")
# (the words between do not place the procedure in the past: "plans to return to work after
# surgery")
# (six: "candidacy for a left L4-5 transforaminal epidural steroid injection")
_GAP = r"(?:\W+(?!(?:after|since|following|post|s/p|status|from|return\w*)\b)[\w'-]+){0,6}?"
_CUE_FIRST = re.compile(rf"\b{_CUE}\b{_GAP}\W+{_PROCEDURE}\b", re.I)
# The procedure comes first: "surgery is being considered", "surgical planning",
# "an ESI would be considered".
_PROCEDURE_FIRST = re.compile(
    rf"\b{_PROCEDURE}\W+(?:(?:is|are|was|were|be|being|would|will|may|might|could|now)\W+)*"
    r"(?:considered|contemplated|planned|discussed|proposed|recommended|indicated|"
    r"planning|plan|decision|candidacy|candidate|consult\w*|referral|opinion|evaluation|"
    r"discussion|options?)\b",
    re.I)
_NOT_PAST = r"(?!(?<!\w)(?:after|since|following|post|s/p)\b)"
# What the study would decide, said as its condition: "MRI R knee -> if tear confirmed,
# arthroscopy", "if the MRI shows a herniation, refer to spine surgery"
_IF_FOUND = re.compile(rf"\bif\b[^.;]{{0,50}}?\b(?:confirm\w*|shows?|showing|found|present|"
                       rf"positive|demonstrat\w*|reveal\w*|seen|noted)\b"
                       rf"(?:{_NOT_PAST}[^.;]){{0,30}}?[,:]?\s*"
                       rf"(?:->\s*)?(?:{_NOT_PAST}[\w'/-]+\s+){{0,4}}?{_PROCEDURE}\b", re.I)
# A negation governing the cue, in the words just before it or between it and the procedure.
_NEGATED = re.compile(r"(?:\b(?:not|no|non|never|neither|nor|declin\w*|refus\w*|without|"
                      r"against|rather than|instead of|avoid\w*|poor|unlikely|unfit|"
                      r"ineligible)\b|n't\b)", re.I)
# or its refusal just after: "discussed surgery, which she declined"
_REFUSED_AFTER = re.compile(r"[^.;]{0,40}?\b(?:declin\w*|refus\w*|not interested|does not "
                            r"want|wishes to avoid|is not a candidate|not indicated)\b", re.I)
# Evaluation purposes: a cue of looking, then what is looked for.
# (a verb of looking governed by "to" or "for": "Assessment:" is a heading, not a purpose)
_LOOK = (r"(?:rule out|r/o|(?:to|in order to)\s+(?:further\s+|better\s+)?(?:exclude|"
         r"evaluat\w*(?: for)?|assess\w*(?: for)?|look for|investigat\w*|check for|identify|"
         r"characteri[sz]e|localize|determine|clarify|define)|for\s+(?:further\s+)?"
         r"(?:evaluation|assessment|investigation|work-?up)(?: of)?)")
_LOOKED_FOR = (
    (T("InstabilityEvaluation"), r"(?:\w+\s+){0,2}(?:instability|spondylolisthesis|listhesis|"
                                 r"slip(?:page)?|hypermobility)"),
    (T("FusionAssessment"), r"(?:\w+\s+){0,3}(?:pseudarthrosis|pseudoarthrosis|non-?union|"
                            r"hardware|fusion)"),
    (T("BonyPathologyEvaluation"), r"(?:\w+\s+){0,2}(?:fracture|pars|spondylolysis|"
                                   r"bony pathology)"),
)
_SYMPTOMS = re.compile(rf"\b{_LOOK}\b", re.I)


class Considered(NamedTuple):
    """A procedure said to be considered for the worker (or said not to be)."""

    concept: str
    present: bool
    start: int
    end: int


# A procedure held back until another treatment fails is not being considered now: "if no
# improvement, may proceed to an ESI after chiropractic", "would be a surgical candidate if he
# fails chiropractic" (unlike "if the MRI shows a herniation, he would be a candidate": what
# the study would decide is why it is asked for).
_UNLESS_FAILS = (r"\b(?:if|should|unless|in case|once)\b[^.;]{0,50}?\b(?:fail\w*|no (?:further )?"
                 r"(?:improvement|relief|benefit|response|better)|(?:does|did|do)(?: not|n't) "
                 r"(?:improve|help|respond|get better)|not improv\w*|persist\w*|worsen\w*|"
                 r"plateau\w*)\b")
_CONTINGENT_BEFORE = re.compile(_UNLESS_FAILS + r"[^.;]{0,60}$", re.I)
_CONTINGENT_AFTER = re.compile(r"[^.;]{0,40}?" + _UNLESS_FAILS, re.I)


def _negated(sentence: str, start: int, end: int) -> bool:
    before = sentence[max(0, start - 30):start].rsplit(",", 1)[-1]
    return bool(_NEGATED.search(before) or _NEGATED.search(sentence[start:end])
                or _REFUSED_AFTER.match(sentence, end))


def _contingent(sentence: str, start: int, end: int) -> bool:
    return bool(_CONTINGENT_BEFORE.search(sentence[max(0, start - 120):start])
                or _CONTINGENT_AFTER.match(sentence, end))


def considered(sentence: str) -> list[Considered]:
    """Every procedure the sentence says is (or is not) being considered: surgery, or an
    injection or other invasive procedure."""
    out: list[Considered] = []
    for pattern in (_CUE_FIRST, _PROCEDURE_FIRST, _IF_FOUND):
        for m in pattern.finditer(sentence):
            if pattern is _IF_FOUND and any(c.start < m.end() and m.start() < c.end
                                            for c in out):
                continue  # "if it shows a tear, a candidate for surgery": read already
            concept = T("SurgeryConsidered") if m.group("surgery") else \
                T("InvasiveTreatmentConsidered")
            out.append(Considered(concept, not (_negated(sentence, m.start(), m.end())
                                                or _contingent(sentence, m.start(), m.end())),
                                  m.start(), m.end()))
    return out


# What a referral asks the specialist for: "for opioid management", "for a second opinion on
# surgical options", "evaluation and performance of a cervical ESI", "for medication
# management", "given the hypertension and diabetes" (a condition the requester leaves to
# the specialist).
_EXPERTISE = re.compile(
    r"\b(?:for|regarding|re:?)\s+(?:an?\s+|the\s+|further\s+)?(?:[\w/-]+\s+){0,2}(?:management|"
    r"co-?management|opinion|second opinion|recommendations?|expertise|evaluation and "
    r"(?:treatment|management|performance)|treatment planning|clearance|titration|weaning|"
    r"taper(?:ing)?)\b|\bevaluat\w* and (?:treat|manage|perform)\w*|\bgiven (?:the |his |her )?"
    r"(?:\w+\s+){0,4}(?:diabetes|hypertension|comorbidit\w*|history|condition)|"
    r"\b(?:second|surgical|specialist|expert) opinion\b|"
    # a regimen to be reviewed by the specialist: "for evaluation of his high-dose opioid
    # regimen"
    r"\bfor\s+(?:an?\s+)?(?:evaluation|assessment|review)\s+of\s+(?:his|her|their|the)\s+"
    r"(?:[\w-]+\s+){0,2}(?:opioids?|medications?|narcotics?)(?:\s+(?:regimen|use|therapy|"
    r"doses?))?\b", re.I)


def referral_purposes(text: str) -> list[str]:
    """What a consultation or referral is for, beyond the purposes any request may state:
    the expertise it asks for."""
    asked = _EXPERTISE.search(text)
    return [T("AdditionalExpertise")] if asked and not _negated(
        text, asked.start(), asked.end()) else []


def planned_purposes(text: str) -> list[str]:
    """The procedures the text says the service would decide on, as purposes: planning an
    operation or an injection ("if the tear is confirmed we will discuss arthroscopy")."""
    return [T("PreoperativePlanning") if fact.concept == T("SurgeryConsidered")
            else T("InjectionPlanning") for fact in considered(text) if fact.present]


def stated_purposes(text: str) -> list[str]:
    """The purposes a request's sentence states, as terms (most specific first)."""
    found = planned_purposes(text)
    looked = []
    for look in _SYMPTOMS.finditer(text):
        if _negated(text, look.start(), look.end()):
            continue
        rest = text[look.end():look.end() + 60]
        looked += [c for c, words in _LOOKED_FOR if re.match(rf"\W+{words}\b", rest, re.I)] \
            or [T("SymptomEvaluation")]
    # "to evaluate the radiculopathy" states a purpose; said beside a procedure considered,
    # it adds nothing the procedure does not
    found += [c for c in looked if c != T("SymptomEvaluation") or not found]
    return list(dict.fromkeys(found))
