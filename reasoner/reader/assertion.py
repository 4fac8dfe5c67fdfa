"""Is a mention asserted as present, or negated, historical, hypothetical, about family or
uncertain? medspaCy's ConText (the NegEx/ConText algorithm, with the rules medspaCy ships from
years of clinical use) plus rules for how reviewers and treating physicians write:

- negation AFTER the term: "red flags were ruled out", "red flags are absent", "SLR negative",
  "Red flags: none", "... not found";
- "negative" BEFORE a sign, scoped to the next few words so that "positive Tinel sign,
  negative Phalen test" negates Phalen only; "positive" ends any negation's scope;
- plans and conditions: "would consider surgery", "plans to", "may require", "if ...";
- possibility: "possible", "suspected", "rule out", "versus".

The reader asks once per sentence for all its mentions (`assertions`). ConText's work is a
token matcher over the sentence: tens of microseconds, no statistical model.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

# Categories, strongest first: a mention both negated and hypothetical is reported negated.
_NEGATED, _HYPOTHETICAL, _HISTORICAL, _FAMILY, _UNCERTAIN = (
    "NEGATED_EXISTENCE", "HYPOTHETICAL", "HISTORICAL", "FAMILY", "POSSIBLE_EXISTENCE")


class Assertion(enum.Enum):
    PRESENT = "present"
    ABSENT = "absent"  # negated: documented absent
    HYPOTHETICAL = "hypothetical"  # planned, considered, conditional
    HISTORICAL = "historical"
    FAMILY = "family"  # about someone else
    UNCERTAIN = "uncertain"  # possible, suspected, to rule out


# (uncertain before hypothetical: what a plan is to rule out is suspected now, "Plan: r/o
# compression fracture")
_BY_ATTRIBUTE = (("is_negated", Assertion.ABSENT), ("is_uncertain", Assertion.UNCERTAIN),
                 ("is_hypothetical", Assertion.HYPOTHETICAL), ("is_family", Assertion.FAMILY),
                 ("is_historical", Assertion.HISTORICAL))

_REASON = "REASON"  # a reason given: ends plans, asserts nothing
# "nothing [on examination] to suggest X": the verbs of a denial by "nothing", and the few words
# that may stand between ("nothing on the films to indicate"), spelled out as phrases
_SUGGEST = ("suggest", "suggests", "suggesting", "suggested", "suggestive", "indicate",
            "indicates", "indicating", "point", "points", "pointing", "support", "supports",
            "supporting", "consistent", "concerning", "worrisome")
_NOTHING_BETWEEN = ("on", "in", "at", "the", "this", "examination", "exam", "history", "films",
                    "imaging", "study", "studies", "record", "records", "today", "here", "else",
                    "further", "clinically", "objective", "objectively", "x-rays", "mri")
_NOW = {"LOWER": {"IN": ["today", "now", "currently", "presently"]}, "OP": "?"}
# a passive's verb before "not": "was not noted", "has not been found" (an active perfect, "has
# not reported numbness", is the forward "not")
# ("has not yet been confirmed", "was not ever seen")
_YET: dict[str, Any] = {"LOWER": {"IN": ["yet", "ever", "previously", "clearly"]}, "OP": "?"}
_IS_NOT: list[dict[str, Any]] = [{"LOWER": {"IN": ["is", "are", "was", "were", "been"]}},
                                 {"LOWER": "not"}, _YET]
_HAS_NOT_BEEN: list[dict[str, Any]] = [{"LOWER": {"IN": ["has", "have", "had"]}},
                                       {"LOWER": "not"}, _YET, {"LOWER": "been"}]
_IS_NEVER: list[dict[str, Any]] = [{"LOWER": {"IN": ["was", "were", "is", "are"]}},
                                   {"LOWER": {"IN": ["not", "never"]}}, _YET,
                                   {"LOWER": "been", "OP": "?"}]
_HAS_NEVER_BEEN: list[dict[str, Any]] = [{"LOWER": {"IN": ["has", "have", "had"]}},
                                         {"LOWER": {"IN": ["not", "never"]}}, _YET,
                                         {"LOWER": "been"}]
# "cannot", "can't", "could not", "unable to" as spaCy splits them ("can" "not", "ca" "n't")
_UNABLE: tuple[list[dict[str, Any]], ...] = (
    [{"LOWER": {"IN": ["can", "could", "ca"]}}, {"LOWER": {"IN": ["not", "n't"]}}],
    [{"LOWER": "unable"}, {"LOWER": "to"}], [{"LOWER": "not"}, {"LOWER": "able"}, {"LOWER": "to"}])
_CANNOT: tuple[list[dict[str, Any]], ...] = (
    *_UNABLE, [{"LOWER": "did"}, {"LOWER": {"IN": ["not", "n't"]}}])
_RELATIVE = {"LOWER": {"IN": ["mother", "father", "brother", "brothers", "sister", "sisters",
                               "mom", "dad", "parent", "parents", "sibling", "siblings", "son",
                               "sons", "daughter", "daughters", "aunt", "uncle", "grandmother",
                               "grandfather", "cousin", "relatives"]}}
_NEGATIVE = {"LOWER": {"IN": ["negative", "neg", "absent", "unremarkable", "normal", "nil"]}}
_BE = {"LOWER": {"IN": ["is", "are", "was", "were", "been", "has", "have", "had"]}, "OP": "*"}
_SIDEWAYS = {"LOWER": {"IN": ["bilaterally", "bilateral", "bilat", "throughout", "today", "again",
                              "on", "the", "left", "right", "at", "this", "time", "visit",
                              "exam", "examination", "palpation", "testing"]},
             "OP": "*"}
# the end of the statement: punctuation, or a conjunction opening the next one ("Hoffmann's
# sign was absent bilaterally and there were no long tract signs")
_END = {"LOWER": {"IN": [".", ",", ";", ":", "!", "?", ")", "and", "but", "while", "whereas",
                         "with"]}}  # (sets, not regular expressions: the matcher is the cost)
_END_NOT_COLON = {"LOWER": {"IN": [e for e in _END["LOWER"]["IN"] if e != ":"]}}


def _inverted_conditions() -> list[list[dict[str, Any]]]:
    """The words opening a condition said by inversion: "should" or "were she to" first in
    its sentence or clause."""
    opening: dict[str, Any] = {"LOWER": {"IN": ["that", ",", ";", ":", "("]}}
    out: list[list[dict[str, Any]]] = []
    inverted: list[tuple[str, list[dict[str, Any]]]] = [
        ("should", []), ("were", [{"LOWER": {"IN": ["she", "he", "they"]}}, {"LOWER": "to"}])]
    for verb, after in inverted:
        out += [[{"IS_SENT_START": True, "LOWER": verb}, *after],
                [opening, {"LOWER": verb}, *after]]
    return out


def _rules() -> list[Any]:
    from medspacy.context import ConTextRule

    def rule(literal: str, category: str, direction: str,
             pattern: list[dict[str, Any]] | None = None, max_scope: int | None = None) -> Any:
        # A reason given ends a plan's scope, and only a plan's (see _REASON)
        ended = {_REASON} if category == _HYPOTHETICAL else None
        return ConTextRule(literal, category, direction=direction, pattern=pattern,
                           max_scope=max_scope, terminated_by=ended)

    return [
        # after the term: "X were ruled out", "X is absent.", "X negative bilaterally."
        # (a sentence opening "Ruled out" has nothing before it to deny: "Ruled out X" below)
        rule("ruled out (after)", _NEGATED, "BACKWARD",
             [{**_BE, "OP": "+"}, {"LOWER": {"IN": ["ruled", "excluded"]}},
              {"LOWER": "out", "OP": "?"}]),
        # ("Fracture ruled out.", "instability excluded, ..."; what follows it is its own)
        rule("ruled out (after, no verb)", _NEGATED, "BACKWARD",
             [{"LOWER": {"IN": ["ruled", "excluded"]}, "IS_SENT_START": False},
              {"LOWER": "out", "OP": "?"}, {"IS_PUNCT": True}]),
        # the active voice denies its object: "flexion-extension radiographs ruled out
        # segmental instability", "the MRI excluded a fracture" (read backward, the
        # instability had stood and the films been denied)
        rule("ruled out (its object)", _NEGATED, "FORWARD",
             [{"LOWER": {"IN": ["ruled", "excluded"]}, "IS_SENT_START": False},
              {"LOWER": "out", "OP": "?"}], max_scope=8),
        # a grid's item answered after its dotted leader: "Balance problems ........ N"
        rule("leader N (after)", _NEGATED, "BACKWARD",
             [{"TEXT": {"REGEX": r"^\.{3,}$"}}, {"ORTH": {"IN": ["N", "No", "NO", "no"]}}],
             max_scope=4),
        # a review of systems answered after each item: "GI: Nausea no. Heartburn no. Black
        # or tarry stools no." (the answer closes its item: "no" then a stop or a comma)
        rule("item no. (after)", _NEGATED, "BACKWARD",
             [{"LOWER": "no"}, {"ORTH": {"IN": [".", ",", ";"]}}], max_scope=4),
        # told as recorded "none": "the leg symptoms are described in the notes as "none""
        rule("described as none (after)", _NEGATED, "BACKWARD",
             [{"LOWER": {"IN": ["described", "reported", "documented", "noted", "listed",
                                "recorded", "charted", "given", "marked"]}},
              {"LOWER": {"IN": ["in", "the", "notes", "note", "records", "record", "chart",
                                "form", "by", "him", "her", "them", "at", "each", "every",
                                "visit"]},
               "OP": "*"},
              {"LOWER": "as"}, {"IS_PUNCT": True, "OP": "*"},
              {"LOWER": {"IN": ["none", "absent", "nil"]}}], max_scope=8),
        rule("negative (after)", _NEGATED, "BACKWARD", [_BE, _NEGATIVE, _SIDEWAYS, _END]),
        # "negative" or "(-)" either side of the sign, close to it: "SLR negative bilaterally
        # to 70 degrees", "Tinel's and Phalen's negative at the wrists", "SLR (-) B"
        # (and a fax's "neq", its g read as q: "McMurray neq.")
        rule("negative (near)", _NEGATED, "BIDIRECTIONAL",
             [{"LOWER": {"IN": ["negative", "neg", "neq"]}}], max_scope=6),
        rule("(-) (near)", _NEGATED, "BIDIRECTIONAL",
             [{"ORTH": "("}, {"ORTH": {"IN": ["-", "neg"]}}, {"ORTH": ")"}], max_scope=5),
        # passive only: "numbness was not noted", "spasm has not been found" (in "she has not
        # reported numbness" the forward "not" denies what follows: the perfect "has not
        # reported" read backward had left the numbness present)
        *(rule("not found (after)", _NEGATED, "BACKWARD", [*be, {"LOWER": {"IN": [
            "present", "seen", "noted", "found", "identified", "elicited", "appreciated",
            "reported", "documented", "evident", "observed", "detected"]}}], max_scope=scope)
          # (the perfect near: "palpable spasm ..., which had not been present in November")
          for be, scope in ((_IS_NOT, None), (_HAS_NOT_BEEN, 8))),
        # (only at the statement's end: in "she has not endorsed numbness" the forward "not"
        # denies what follows)
        # more denials after the term: "X never documented", "X is lacking", "X could not be
        # elicited", "X is not a feature"; and before it: "lacks X", "not consistent with X"
        rule("never documented (after)", _NEGATED, "BACKWARD", [
            {"LOWER": "never"}, {"LOWER": {"IN": [
                "documented", "noted", "seen", "found", "reported", "observed", "elicited",
                "present", "demonstrated", "identified"]}}], max_scope=8),
        rule("is lacking (after)", _NEGATED, "BACKWARD", [
            _BE, {"LOWER": {"IN": ["lacking", "missing"]}}, _END], max_scope=8),
        *(rule("could not be elicited (after)", _NEGATED, "BACKWARD", [
            *unable, {"LOWER": "be"},
            {"LOWER": {"IN": ["elicited", "appreciated", "reproduced", "demonstrated", "found",
                              "identified", "detected"]}}], max_scope=8)
          for unable in ([{"LOWER": {"IN": ["could", "can"]}}, {"LOWER": "not"}],
                         [{"LOWER": "cannot"}], [{"LOWER": "unable"}, {"LOWER": "to"}])),
        # what never went away is there: "the numbness never resolved"
        rule("never resolved", "PSEUDO", "PSEUDO", [
            {"LOWER": "never"}, {"LOWER": {"IN": ["resolved", "improved", "subsided", "abated",
                                                  "cleared", "settled", "healed"]}}],
             max_scope=1),
        # what went away is not there now: "with resolution of the preoperative leg pain",
        # "complete resolution of her numbness" (not what did not: "no resolution of the leg
        # pain", "partial resolution of the numbness")
        rule("resolution of", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["complete", "full", "total"]}, "OP": "?"},
            {"LOWER": {"IN": ["resolution", "disappearance"]}}, {"LOWER": "of"}], max_scope=6),
        rule("no resolution of", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["no", "without", "partial", "incomplete", "little", "some",
                              "minimal", "slow", "gradual", "awaiting", "await"]}},
            {"LOWER": {"IN": ["resolution", "disappearance"]}}, {"LOWER": "of"}], max_scope=1),
        rule("is not a feature (after)", _NEGATED, "BACKWARD", [
            _BE, {"LOWER": "not"}, {"LOWER": {"IN": ["a", "an"]}},
            {"LOWER": {"IN": ["feature", "complaint", "finding", "problem", "issue"]}}],
             max_scope=8),
        rule("lacks", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["lacks", "lacked", "unassociated", "excludes", "excluding"]}},
            {"LOWER": "with", "OP": "?"}], max_scope=8),
        # "with" naming what a trouble is with ends no denial: "denied any trouble with
        # balance, walking, or bowel or bladder control"
        rule("trouble with", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["trouble", "problems", "problem", "difficulty", "difficulties",
                              "issues", "issue", "changes", "change"]}},
            {"LOWER": "with"}], max_scope=1),
        # ... but a change told with a denial after it denies what follows: "x-rays showed
        # multilevel degenerative change with no fracture or malalignment" (the longer match)
        rule("change with no", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["changes", "change", "problems", "problem", "issues", "issue"]}},
            {"LOWER": "with"}, {"LOWER": {"IN": ["no", "without"]}}]),
        # a measure, not a denial: "extension lacks 4 degrees"
        rule("lacks 4 degrees", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["lacks", "lacked", "lacking"]}}, {"LIKE_NUM": True}], max_scope=1),
        rule("not consistent with", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["not", "in"]}}, {"LOWER": "consistent"}, {"LOWER": "with"}],
             max_scope=8),
        # a finding ruled out, named after it: "Ruled out fracture.", "Excluded: red flags"
        rule("Ruled out X", _NEGATED, "FORWARD", [
            {"IS_SENT_START": True, "LOWER": {"IN": ["ruled", "excluded"]}},
            {"LOWER": "out", "OP": "?"}, {"ORTH": ":", "OP": "?"},
            {"LOWER": {"IN": ["a", "an", "any", "the"]}, "OP": "?"}], max_scope=6),
        rule("absent X", _NEGATED, "FORWARD", [
            {"IS_SENT_START": True, "LOWER": {"IN": ["absent", "resolved"]}}], max_scope=4),
        # a count of none: "Zero red flags were found", "nil neurological deficit" (not the
        # numeral: "flexion 0 to 105 degrees" is a range)
        rule("zero X", _NEGATED, "FORWARD", [{"LOWER": {"IN": ["zero", "nil"]}}],
             max_scope=4),
        # a relative clause denying what it follows: "a trial of acupuncture, which he has never
        # had", "chiropractic, which she has not tried"
        # (not "that": "noted that she had not taken any NSAID" denies what follows)
        rule("which he has never had", _NEGATED, "BACKWARD", [
            {"LOWER": "which"},
            {"LOWER": {"IN": ["he", "she", "they", "the", "patient", "worker"]}},
            {"LOWER": {"IN": ["patient", "worker"]}, "OP": "?"},
            {"LOWER": {"IN": ["has", "have", "had"]}, "OP": "?"},
            {"LOWER": {"IN": ["never", "not"]}},
            {"LOWER": {"IN": ["had", "tried", "received", "undergone", "used", "taken",
                              "attended", "done"]}}], max_scope=5),
        # a treatment never had, by any verb of having had it, and the list after it: "She
        # has never received psychotherapy or counseling" ("never had" is medspaCy's)
        rule("never received", _NEGATED, "FORWARD", [
            {"LOWER": "never"},
            {"LOWER": {"IN": ["received", "tried", "undergone", "attended", "used", "taken",
                              "completed", "started", "begun", "participated"]}}],
             max_scope=6),
        # a program or therapy never entered: "he has never been in a functional restoration
        # program", "never been referred to physical therapy" ("never had" is medspaCy's)
        rule("never been in", _NEGATED, "FORWARD", [
            {"LOWER": "never"}, {"LOWER": "been"},
            {"LOWER": {"IN": ["in", "to", "through", "into", "enrolled", "referred", "sent"]}}],
             max_scope=6),
        # what follows "with": "he has not been diagnosed with radiculopathy"
        rule("not been diagnosed with", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["has", "have", "had", "was", "were", "is", "are"]}},
            {"LOWER": {"IN": ["not", "never"]}}, {"LOWER": "been", "OP": "?"},
            {"LOWER": {"IN": ["diagnosed", "treated", "found"]}},
            {"LOWER": {"IN": ["with", "to", "for"]}}], max_scope=8),
        rule("not endorsed (after)", _NEGATED, "BACKWARD",
             [_BE, {"LOWER": "not"}, {"LOWER": {"IN": [
                 "endorsed", "described", "present", "seen", "noted", "found", "identified",
                 "elicited", "appreciated", "reported", "documented", "evident", "observed",
                 "detected"]}}, _SIDEWAYS, _END]),
        # "Osteoarthritis has not been diagnosed", "a tear was never confirmed", "instability
        # has not been shown"
        # (passive: "has not been", or "is/was not"; "he has not reported numbness" is the
        # forward "not" of an active verb)
        *(rule("not been diagnosed (after)", _NEGATED, "BACKWARD", [
            *be, {"LOWER": {"IN": ["diagnosed", "confirmed", "established", "shown",
                                   "demonstrated", "present", "found", "documented",
                                   "identified", "seen", "noted", "reported", "made",
                                   "objectified", "verified",
                                   # "so radiculopathy is not corroborated"
                                   "corroborated", "substantiated", "supported"]}}], max_scope=8)
          for be in (_HAS_NEVER_BEEN, _IS_NEVER)),
        # "osteoarthritis is not among the treating diagnoses", "is not one of the diagnoses",
        # "is not listed"
        rule("not among the diagnoses (after)", _NEGATED, "BACKWARD",
             [{"LOWER": {"IN": ["is", "are", "was", "were"]}}, {"LOWER": {"IN": ["not", "never"]}},
              {"LOWER": {"IN": ["among", "listed", "included", "one"]}}], max_scope=8),
        rule("denied (after)", _NEGATED, "BACKWARD", [_BE, {"LOWER": "denied"}]),
        # ... with no verb before it and the statement's end after: "Red flags denied.",
        # "Numbness denied today", "Fever, chills denied; ..." (as bare "denied" it ties with
        # the forward "denied" of "denied fever", which won and denied nothing)
        # (near: "trouble sleeping ... insomnia index of 19, and sleep apnea symptoms were
        # screened and denied" denies the apnea only)
        rule("X denied.", _NEGATED, "BACKWARD", [{"LOWER": "denied"}, _NOW, _END],
             max_scope=8),
        rule("X denied by the patient", _NEGATED, "BACKWARD", [
            {"LOWER": "denied"}, {"LOWER": {"IN": ["by", "bilaterally", "throughout", "again",
                                                   "currently", "presently", "at", "during",
                                                   "since", "on", "in"]}}], max_scope=8),
        # the thing denied said first: "Numbness or tingling in the hand she denies, neck pain
        # she denies, and instability she does not have." (the verb ends its clause)
        rule("X she denies", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["she", "he", "they", "patient", "pt"]}},
            {"LOWER": {"IN": ["denies", "denied", "deny"]}}, _NOW, _END], max_scope=10),
        rule("X she does not have", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["she", "he", "they", "patient", "pt"]}},
            {"LOWER": {"IN": ["does", "did", "do"]}}, {"LOWER": {"IN": ["not", "n't"]}},
            {"LOWER": {"IN": ["have", "report", "endorse", "describe", "feel", "notice"]}},
            _NOW, _END], max_scope=10),
        # "nothing to suggest instability", "there was nothing on examination to suggest
        # internal derangement", "nothing suggests myelopathy", "nothing pointing to a tear"
        rule("nothing to suggest", _NEGATED, "FORWARD", [
            {"LOWER": "nothing"}, *[{"LOWER": {"IN": list(_NOTHING_BETWEEN)}, "OP": "?"}] * 3,
            {"LOWER": {"IN": ["to", "that", "which"]}, "OP": "?"},
            {"LOWER": {"IN": list(_SUGGEST)}},
            # (the preposition too: medspaCy's own "consistent with" must not be the longer)
            {"LOWER": {"IN": ["with", "of", "for", "to"]}, "OP": "?"}]),
        # a list of what the patient does not have: "Pertinent negatives: radiation into the
        # legs; numbness or tingling; weakness" (its ';' do not end the list: see _clauses)
        rule("pertinent negatives:", _NEGATED, "FORWARD", [
            {"LOWER": "pertinent", "OP": "?"}, {"LOWER": "negatives"}, {"ORTH": ":"}]),
        # "Gabapentin had not been tried", "an antidepressant has never been used"
        # (passive only: "has not tried acupuncture" is medspaCy's forward "not")
        *(rule("not been tried (after)", _NEGATED, "BACKWARD", [
            *have, {"LOWER": {"IN": ["not", "never"]}}, *been,
            # (not "given", "prescribed": "He was not given a TENS unit" names it after)
            # ("Acupuncture has not been provided to date", "an MRI has never been obtained")
            {"LOWER": {"IN": ["tried", "used", "attempted", "trialed", "trialled", "done",
                              "performed", "provided", "administered", "rendered", "obtained",
                              "completed", "started", "initiated"]}}], max_scope=6)
          for have, been in (([{"LOWER": {"IN": ["has", "have", "had"]}}], [{"LOWER": "been"}]),
                             ([{"LOWER": {"IN": ["was", "were", "is", "are"]}}], []))),
        # ... prescribed or given, the drug before or after: "Lyrica had not been prescribed
        # previously", "She had not been prescribed an opioid before the surgery"
        rule("not been prescribed", _NEGATED, "BIDIRECTIONAL", [
            {"LOWER": {"IN": ["has", "have", "had"]}}, {"LOWER": {"IN": ["not", "never"]}},
            {"LOWER": "been"}, {"LOWER": {"IN": ["prescribed", "given", "dispensed"]}}],
             max_scope=6),
        # what is to be started is not taken yet: "Gabapentin will be started for the leg
        # pain", "will start duloxetine" (not "will be continued": it is taken)
        rule("will be started (after)", _HYPOTHETICAL, "BACKWARD", [
            {"LOWER": {"IN": ["will", "shall", "is", "are"]}}, {"LOWER": "to", "OP": "?"},
            {"LOWER": "be", "OP": "?"},
            {"LOWER": {"IN": ["started", "begun", "initiated", "trialed", "trialled", "added",
                              "scheduled"]}}], max_scope=5),
        rule("will start", _HYPOTHETICAL, "FORWARD", [
            {"LOWER": {"IN": ["will", "to", "shall"]}},
            {"LOWER": {"IN": ["start", "begin", "initiate", "trial", "add"]}}], max_scope=5),
        # a treatment history's row: "Acupuncture - never had", "chiropractic: not tried"
        # (not "has not had PT": that is the forward rule's, and overlapping would undo it)
        rule("- never had (after)", _NEGATED, "BACKWARD", [
            {"ORTH": {"IN": [":", "-", "--", "="]}}, {"LOWER": {"IN": ["never", "not"]}},
            {"LOWER": {"IN": ["had", "tried", "done", "received", "attempted", "undergone",
                              "performed", "used"]}}], max_scope=5),
        # "Bowel/bladder ... denies change", "bowel and bladder function unchanged"
        rule("denies change (after)", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["denies", "denied"]}},
            {"LOWER": {"IN": ["change", "changes", "problems", "issues", "symptoms",
                              "complaints"]}}], max_scope=6),
        # ... and what its "with" names ("She denies problems with her bowel or bladder", "no
        # difficulty with balance or walking": "with" ends no negation here)
        rule("denies problems with", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["denies", "denied", "deny", "no", "without", "w/o"]}},
            {"LOWER": {"IN": ["any", "new", "other"]}, "OP": "?"},
            {"LOWER": {"IN": ["problems", "problem", "issues", "issue", "difficulty",
                              "difficulties", "trouble", "changes", "change", "complaints"]}},
            {"LOWER": "with"}], max_scope=10),
        # "No change in bowel or bladder function": continence unchanged is none lost (not "no
        # change in the numbness": that persists)
        rule("no change in bowel", _NEGATED, "FORWARD", [
            {"LOWER": "no"}, {"LOWER": {"IN": ["change", "changes"]}}, {"LOWER": "in"},
            {"LOWER": {"IN": ["his", "her", "their", "the"]}, "OP": "?"},
            {"LOWER": {"IN": ["bowel", "bladder", "bowel/bladder"]}, "OP": "+"}], max_scope=6),
        rule("function unchanged (after)", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["function", "functions", "control", "habits"]}}, _BE,
            {"LOWER": {"IN": ["unchanged", "normal", "intact", "preserved", "ok"]}}],
             max_scope=5),
        # "the knee is stable to varus and valgus stress" (and what the list adds: "... and on
        # Lachman testing")
        rule("stable to", _NEGATED, "FORWARD", [
            {"LOWER": "stable"},
            {"LOWER": {"IN": ["ligaments", "ligamentously", "knee", "joint"]}, "OP": "?"},
            {"LOWER": "to"}], max_scope=8),
        # pain that goes no further than the buttock or thigh is not radicular: "It radiates
        # to the right buttock but not below the knee", "does not go past the knee"
        rule("not below the knee (after)", _NEGATED, "BACKWARD", [
            {"LOWER": "but", "OP": "?"}, {"LOWER": {"IN": ["not", "never"]}},
            # (not "radiate": "does not radiate below the buttocks" names the symptom there,
            # and medspaCy's own "does not" denies it)
            {"LOWER": {"IN": ["go", "goes", "extend", "extends", "travel", "travels",
                              "extending"]}, "OP": "?"},
            {"LOWER": {"IN": ["below", "past", "beyond"]}}, {"LOWER": "the", "OP": "?"},
            {"LOWER": {"IN": ["knee", "knees", "elbow", "elbows", "buttock", "buttocks",
                              "thigh", "thighs", "shoulder", "shoulders"]}}], max_scope=10),
        # "numbness and tingling ... are gone", "Hoffmann ...... absent bilat" (a form's row)
        rule("gone (after)", _NEGATED, "BACKWARD", [_BE, {"LOWER": {"IN": [
            "gone", "abolished", "eliminated"]}}], max_scope=10),
        # "has gone back to her choir", "has gone from 8/10 to 4/10": going, not gone
        rule("gone back", "PSEUDO", "PSEUDO", [_BE, {"LOWER": "gone"}, {"LOWER": {"IN": [
            "back", "to", "from", "up", "down", "on", "through", "into", "out", "over"]}}]),
        rule("absent (after)", _NEGATED, "BACKWARD", [{"LOWER": "absent"}], max_scope=4),
        # a form's dotted row: "Clonus ................ no"
        rule("...... no", _NEGATED, "BACKWARD", [
            {"TEXT": {"REGEX": r"^(?:\.{2,}|_{2,})$"}},  # not ":" ("ROS: No fever, ...")
            {"LOWER": {"IN": ["no", "none", "neg", "negative", "nl", "normal", "wnl"]}}],
             max_scope=6),
        # a checklist answered "N" after its row: "ROS: bowel/bladder change - N; fever - N"
        # (the capital alone: a lower "n" is no answer; a "Y" asserts what it follows)
        *(rule("- N (after)", _NEGATED, "BACKWARD", [
            {"ORTH": {"IN": ["-", "--", ":", "=", "?"]}}, *answer], max_scope=6)
          for answer in ([{"ORTH": {"IN": ["N", "NO", "No"]}},
                          {"ORTH": {"IN": [";", ",", ".", ")", "/"]}}],
                         [{"ORTH": "N."}])),  # (the tokenizer keeps "N." whole)
        # (a row answered with a list: "Constitutional ........ negative for fever, chills":
        # the list after it, as "negative for" reads it; the longer match wins)
        rule("...... negative for", _NEGATED, "FORWARD", [
            {"TEXT": {"REGEX": r"^(?:\.{2,}|_{2,})$"}},
            {"LOWER": {"IN": ["neg", "negative"]}}, {"LOWER": {"IN": ["for", "of"]}}]),
        # "a normal neurological examination ... including reflexes, sensation and strength"
        rule("normal examination of", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["normal", "unremarkable", "nonfocal", "non-focal"]}},
            {"LOWER": {"IN": ["neurological", "neurologic", "neuro", "motor", "sensory"]},
             "OP": "?"},
            {"LOWER": {"IN": ["exam", "examination", "evaluation"]}}], max_scope=16),
        # "Fever, chills, ..., saddle numbness: all denied."
        rule("all denied", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["all", "each"]}}, _BE,
            {"LOWER": {"IN": ["denied", "negative", "absent", "normal"]}}]),
        # "he smoked a pack a day until 12/01/2013": a past habit
        rule("until (after)", _HISTORICAL, "BACKWARD", [{"LOWER": "until"}], max_scope=8),
        # a test that "does not reproduce" the pain was negative
        # (both ways: "Spurling's maneuver does not reproduce arm pain" denies the arm pain
        # as a sign too)
        rule("does not reproduce", _NEGATED, "BIDIRECTIONAL", [
            {"LOWER": {"IN": ["does", "did", "do", "was", "were"]}}, {"LOWER": "not"},
            {"LOWER": {"IN": ["reproduce", "reproduced", "elicit", "elicited", "provoke",
                              "provoked", "cause", "produce", "produced"]}}], max_scope=8),
        # a normal examination said of the test: "sensation intact", "reflexes 2+ and
        # symmetric", "strength 5/5 throughout", "range of motion full"
        rule("intact (after)", _NEGATED, "BACKWARD", [{"LOWER": {"IN": [
            "intact", "symmetric", "symmetrical", "sym", "symm", "full", "wnl", "preserved",
            "unremarkable", "nontender", "non-tender", "normal", "resolved", "stable",
            "downgoing", "nl", "ok", "okay"]}}],
             max_scope=8),
        # a plantar response "flexor" is normal, not the flexor tendon or its sheath ("He
        # received corticosteroid injections into the flexor tendon sheath" was denied)
        rule("flexor (after)", _NEGATED, "BACKWARD", [
            {"LOWER": "flexor"},
            {"LOWER": {"NOT_IN": ["tendon", "tendons", "sheath", "sheaths", "digitorum",
                                  "pollicis", "carpi", "hallucis", "retinaculum", "muscle",
                                  "muscles", "surface", "mass", "compartment", "tenosynovitis"]}}],
             max_scope=8),
        # a symptom said to be over: "The leg pain is gone.", "the numbness has gone away",
        # "radiating pain went away after surgery"
        rule("is gone", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["is", "are", "was", "were", "has", "have", "had"]}},
            {"LOWER": {"IN": ["gone", "disappeared", "subsided", "abated", "settled",
                              "cleared", "remitted", "calmed"]}}], max_scope=6),
        # care offered is not care given, and care declined or refused is not had: "A
        # subacromial injection was offered on 11/17/2020; he declined it", "she refused surgery"
        rule("was offered", _HYPOTHETICAL, "BIDIRECTIONAL", [
            {"LOWER": {"IN": ["was", "were", "been"]}}, {"LOWER": "offered"}], max_scope=6),
        # a verb denied keeps its object: "naproxen has not controlled the flare", "PT did
        # not relieve the radicular pain" (the flare, the pain go on)
        rule("not controlled", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["not", "n't", "never"]}},
            {"LOWER": {"IN": ["controlled", "control", "helped", "help", "relieved", "relieve",
                              "resolved", "resolve", "improved", "improve", "eased", "ease",
                              "reduced", "reduce", "decreased", "decrease", "alleviated",
                              "alleviate", "touched", "touch", "changed", "change"]}},
            {"LOWER": {"IN": ["the", "his", "her", "their", "this", "that", "these", "those",
                              "any", "much"]}, "OP": "?"}]),
        # the month, not the modal: "PT x8, March-May 2018: no change", "since May 2019"
        rule("May 2018", "PSEUDO", "PSEUDO", [{"ORTH": "May"}, {"LIKE_NUM": True}]),
        rule("in May", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["in", "since", "until", "through", "from", "of", "by", "during",
                              "to", "-", "and", "early", "late", "mid", "mid-"]}},
            {"ORTH": "May"}]),
        # care agreed to is still to come: "She now agrees to an injection of the right
        # shoulder", "he is agreeable to a trial of acupuncture", "wishes to proceed with"
        rule("agrees to", _HYPOTHETICAL, "FORWARD", [
            # (the present only: "she agreed to the injection on 3/2/2019" tells it given)
            {"LOWER": {"IN": ["agrees", "agreeable", "consents", "willing", "wishes", "wants",
                              "elects"]}},
            {"LOWER": {"IN": ["to", "with"]}},
            {"LOWER": {"IN": ["proceed", "proceeding", "undergo", "have", "try", "a", "an",
                              "the"]}, "OP": "?"},
            {"LOWER": {"IN": ["with"]}, "OP": "?"}], max_scope=6),
        # ... not a decline in function: "her function declined after the injection"
        rule("declined after", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["declined", "declines"]}}, {"LOWER": {"IN": [
                "after", "since", "over", "with", "by", "from", "in", "significantly",
                "steadily", "markedly", "further", "gradually", "despite"]}}]),
        rule("declined", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["declined", "declines", "refused", "refuses"]}},
            {"LOWER": {"IN": ["the", "a", "an", "any", "further", "more", "all", "to"]},
             "OP": "?"}], max_scope=4),
        # care kept from the worker is not had: "NSAIDs were avoided because of the ulcer
        # history", "anti-inflammatories have been withheld", "she avoids NSAIDs"
        rule("were avoided (after)", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["is", "are", "was", "were", "been", "being"]}},
            {"LOWER": {"IN": ["avoided", "withheld", "contraindicated"]}}], max_scope=6),
        rule("avoids", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["avoided", "avoids", "avoiding", "avoid"]}},
            {"LOWER": {"IN": ["the", "all", "any", "taking", "using", "oral"]}, "OP": "?"}],
             max_scope=4),
        rule("went away", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["went", "gone", "goes"]}}, {"LOWER": "away"}], max_scope=6),
        # ... but a word of these that names the quality of the noun after it is no verdict
        # on the term before: "Norco lets her work her full shift", "on a stable dose",
        # "therapy returned him to normal activities" (a verdict ends its phrase: "ROM full,",
        # "reflexes normal and symmetric", "sensation intact to light touch")
        rule("full shift", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["full", "stable", "normal", "preserved"]}},
            {"IS_ALPHA": True, "LOWER": {"NOT_IN": [
                "and", "or", "but", "bilaterally", "bilateral", "throughout", "in", "to", "with",
                "without", "at", "on", "per", "for", "except", "symmetrically", "today", "now",
                "again", "by", "as", "since", "from", "x", "b", "l", "r", "left", "right",
                "upper", "lower", "both", "all", "globally", "otherwise", "limits",
                "range"]}}]),
        # "full" naming a kind, not a normal finding: "the MRI findings of a full-thickness
        # tear", "full duty", "full-time work"
        rule("full-thickness", "PSEUDO", "PSEUDO", [
            {"LOWER": "full"}, {"ORTH": "-", "OP": "?"},
            {"LOWER": {"IN": ["thickness", "duty", "time", "weight"]}}]),
        rule("full 8-hour shift", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["full", "stable", "normal"]}}, {"LIKE_NUM": True},
            {"ORTH": "-"}, {"IS_ALPHA": True}]),
        # a straight leg raise that brings on only back pain is negative for radiculopathy:
        # "SLR: R reproduces LBP only @ 60 deg" (not "reproduces leg pain only")
        # (as a Spurling's test bringing on neck pain only: "Spurling's maneuver produces
        # neck pain only", "SLR reproduces only axial back pain")
        rule("back pain only", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["lbp", "back", "axial", "hamstring", "buttock", "neck", "local",
                              "localized", "paraspinal"]}},
            {"LOWER": {"IN": ["pain", "tightness", "discomfort"]}, "OP": "?"},
            {"LOWER": "only"}], max_scope=6),
        rule("reproduces only back pain", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["produces", "reproduces", "causes", "elicits", "provokes",
                              "produced", "reproduced", "caused", "elicited", "provoked"]}},
            {"LOWER": "only"},
            {"LOWER": {"IN": ["low", "axial", "local", "localized", "lumbar", "cervical"]},
             "OP": "?"},
            {"LOWER": {"IN": ["lbp", "back", "neck", "axial", "local", "localized"]}}],
             max_scope=6),
        rule("within normal limits", _NEGATED, "BACKWARD",
             [{"LOWER": "within"}, {"LOWER": "normal"}, {"LOWER": "limits"}], max_scope=6),
        rule("5/5", _NEGATED, "BIDIRECTIONAL", [{"TEXT": "5/5"}], max_scope=6),
        rule("non-", _NEGATED, "FORWARD", [{"LOWER": {"IN": ["non", "non-"]}},
                                           {"ORTH": "-", "OP": "?"}], max_scope=2),
        # a field answered no: "Homebound: no -- leaves home for visits", "Brace: no." (not
        # "ROS: No fever": there "no" opens the list that follows)
        # ("Fever - no. Neck pain - denies.": a review of systems answered after a dash)
        rule(": no", _NEGATED, "BACKWARD", [
            {"ORTH": {"IN": [":", "-", "--", "=", "\u2013", "\u2014"]}}, {"LOWER": "no"},
            {"ORTH": {"IN": [".", ",", ";", "-", "--", "\u2013", "\u2014", "(", ")"]}}],
             max_scope=4),
        # (a field's label is a few words: "PT evaluation and 5 visits: 'red flags: none'" did
        # not negate the therapy)
        rule(": none", _NEGATED, "BACKWARD",
             [{"ORTH": {"IN": [":", "-", "--", "="]}},
              {"LOWER": {"IN": ["none", "absent", "denied", "nil"]}}],
             max_scope=8),
        # a field answered with a count of none or the chart's null sign: "Red flags: 0.",
        # "Numbness: \u00d8" (the row ends there: "Flexion: 0 to 90" is a range)
        rule(": 0", _NEGATED, "BACKWARD",
             [{"ORTH": {"IN": [":", "=", "-"]}}, {"ORTH": {"IN": ["0", "\u00d8", "\u00f8"]}},
              {"TEXT": {"REGEX": r"^(?:[.,;]|\s+)$"}}], max_scope=8),
        # a field answered negative negates its label, or the list after it as an EHR's
        # review of systems writes it: "Spurling: negative", "Constitutional: NEGATIVE fever /
        # chills / night sweats" (a sign with a verdict of its own keeps it: "Phalen positive")
        rule(": negative", _NEGATED, "BIDIRECTIONAL",
             [{"ORTH": {"IN": [":", "-", "--", "="]}}, {"LOWER": {"IN": ["negative", "neg"]}}],
             max_scope=8),
        # "Fever, weight loss, saddle numbness: denies." (not "ROS: Denies fever, ...": there
        # it opens the list that follows)
        # (nor "ROS: Denies: fever, chills": a colon after it opens the list it denies)
        rule(": denies (end)", _NEGATED, "BACKWARD",
             [{"ORTH": {"IN": [":", "-", "--", "="]}}, {"LOWER": {"IN": ["denies", "denied"]}},
              _END_NOT_COLON], max_scope=8),
        # "Review of systems is negative for abdominal pain, heartburn": the list after it
        rule("is negative for", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["is", "was", "are", "were"]}},
            {"LOWER": {"IN": ["negative", "neg"]}}, {"LOWER": {"IN": ["for", "of"]}}]),
        # "ROS: Negative for fever, ...": a list after it, not the label before the colon
        rule(": negative for", _NEGATED, "FORWARD",
             [{"ORTH": {"IN": [":", "-"]}}, {"LOWER": {"IN": ["negative", "neg"]}},
              {"LOWER": {"IN": ["for", "of"]}}]),
        # reflexes graded 2+ are normal; any other grade is a change
        rule("2+", _NEGATED, "BIDIRECTIONAL", [{"TEXT": {"IN": ["2+", "2+/2", "2+/2+"]}}],
             max_scope=3),
        rule("2 +", _NEGATED, "BIDIRECTIONAL", [{"ORTH": "2"}, {"ORTH": "+"}], max_scope=3),
        rule("3+", _NEGATED, "TERMINATE", [{"LOWER": {"IN": ["0+", "3+", "4+", "trace"]}}]),
        rule("3 +", _NEGATED, "TERMINATE", [{"ORTH": {"IN": ["0", "3", "4"]}}, {"ORTH": "+"}]),
        # a form's ticked box: "Radiating pain .... [ ] yes [x] no"
        rule("[x] no", _NEGATED, "BACKWARD",
             [{"ORTH": "["}, {"LOWER": {"IN": ["x", "\u2713", "\u2714"]}}, {"ORTH": "]"},
              {"LOWER": {"IN": ["no", "absent", "negative", "none", "normal", "wnl"]}}],
             max_scope=12),
        # "Constitutional: [x] negative [ ] fever [ ] chills": the system's options that follow
        rule("[x] negative [ ]", _NEGATED, "FORWARD",
             [{"ORTH": "["}, {"LOWER": {"IN": ["x", "\u2713", "\u2714"]}}, {"ORTH": "]"},
              {"LOWER": {"IN": ["negative", "normal", "none", "wnl"]}}, {"ORTH": "["},
              {"ORTH": "]"}], max_scope=12),
        rule("[x] yes", _NEGATED, "TERMINATE",
             [{"ORTH": "["}, {"LOWER": {"IN": ["x", "\u2713", "\u2714"]}}, {"ORTH": "]"},
              {"LOWER": {"IN": ["yes", "present", "positive"]}}]),
        # a negated outcome denies the outcome only: in "PT without benefit, an ESI with
        # relief" or "PT without improvement in the leg pain" neither the ESI nor the pain is
        # absent (the response grammar reads the outcome itself)
        rule("without benefit", "PSEUDO", "PSEUDO",
             [{"LOWER": {"IN": ["no", "without", "w/o"]}},
              {"LOWER": {"IN": ["any", "much", "lasting", "significant", "meaningful",
                                "sustained", "real", "appreciable", "further", "durable",
                                "functional", "noticeable", "long-term", "subjective",
                                "objective", "clear", "measurable", "obvious"]}, "OP": "?"},
              {"LOWER": {"IN": ["benefit", "benefits", "relief", "improvement", "change",
                                "help", "effect", "success", "response", "gain", "gains",
                                "difference", "progress"]}}]),
        # an empty box before a treatment or a sign: not had, not found ("Prior treatment:
        # [X] PT  [ ] Injection  [ ] Surgery"); its first word only, as the next box or line
        # may follow (a mention that starts there is covered)
        rule("[ ] X", _NEGATED, "FORWARD", [{"ORTH": "["}, {"ORTH": "]"}], max_scope=1),
        rule("☐ X", _NEGATED, "FORWARD", [{"ORTH": {"IN": ["\u2610", "\u25a1"]}}],
             max_scope=1),
        # a dose's frequency, not a condition: "1 tab every 6 hours as needed, max 4/day
        # Naproxen sodium | 550 mg" (the next drug of the list is taken, not hypothetical)
        rule("as needed", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["as", "when", "if"]}},
            {"LOWER": {"IN": ["needed", "necessary", "directed", "tolerated"]}}]),
        rule("prn", "PSEUDO", "PSEUDO", [{"LOWER": {"IN": ["prn", "p.r.n.", "p.r.n"]}}]),
        # an empty box's option says nothing: "[ ] present  [x] absent"
        rule("[ ] yes", "PSEUDO", "PSEUDO",
             [{"ORTH": "["}, {"ORTH": "]"}, {"LOWER": {"IN": ["yes", "present", "positive"]}}]),
        # a table cell answering the row: "Red flags    none    none", "Edema none." (not
        # "PT and chiropractic, none helped": "none" opening a statement of its own)
        rule("none (after)", _NEGATED, "BACKWARD", [{"LOWER": "none"}], max_scope=3),
        rule("none helped", "PSEUDO", "PSEUDO", [
            {"LOWER": "none"}, {"IS_ALPHA": True, "LOWER": {"NOT_IN": [
                "none", "noted", "bilaterally", "today", "currently", "now", "reported",
                "found", "seen", "present", "documented", "elicited", "appreciated",
                "identified", "detected"]}}]),
        rule("none noted", _NEGATED, "BACKWARD",
             [{"LOWER": "none"}, {"LOWER": {"IN": ["was", "were", "is", "are"]}, "OP": "?"},
              {"LOWER": {"IN": ["noted", "found", "seen", "present", "identified",
                                "documented", "elicited"]}}]),
        # what was looked for and none found: "Red flags were reviewed and found none"
        rule("found none", _NEGATED, "BACKWARD",
             [{"LOWER": {"IN": ["found", "noted", "identified", "elicited", "documented",
                                "showed", "revealed", "detected"]}}, {"LOWER": "none"}]),
        # before the term, scoped to the next few words
        rule("no signs of", _NEGATED, "FORWARD",
             [{"LOWER": {"IN": ["no", "without"]}}, {"LOWER": {"IN": [
                 "sign", "signs", "evidence", "indication", "symptoms"]}},
              {"LOWER": "of"}]),
        rule("(+)", _NEGATED, "TERMINATE", [{"ORTH": "("}, {"ORTH": {"IN": ["+", "pos"]}},
                                            {"ORTH": ")"}]),
        rule("denies", _NEGATED, "FORWARD", [{"LOWER": {"IN": ["denies", "denied", "denying"]}}]),
        # "not yet" denies what follows: "she is not yet at maximum medical improvement" (its
        # "yet" alone is medspaCy's "but", which ended the "not" before the mention)
        rule("is not yet", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["is", "are", "was", "were", "has", "have", "had", "be"]},
             "OP": "?"}, {"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": "yet"}]),
        # a test's verdict said of what it looks for: "Varus and valgus stress testing showed
        # no instability" denies the test's sign too (not "knee pain showed no improvement":
        # only after the test's own word)
        rule("testing showed no (after)", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["test", "tests", "testing", "maneuver", "maneuvers"]}},
            {"LOWER": {"IN": ["showed", "shows", "revealed", "reveals", "demonstrated",
                              "demonstrates", "elicited", "produced", "reproduced"]}},
            {"LOWER": "no"}], max_scope=6),
        # "Neither Hoffmann sign nor clonus present", "neither numbness nor weakness"
        rule("neither", _NEGATED, "FORWARD", [{"LOWER": "neither"}], max_scope=12),
        rule("nor", _NEGATED, "FORWARD", [{"LOWER": "nor"}], max_scope=6),
        # "she has never smoked", "does not smoke": the habit's verb is the mention itself
        rule("never", _NEGATED, "FORWARD", [{"LOWER": "never"}], max_scope=3),
        rule("does not", _NEGATED, "FORWARD", [{"LOWER": {"IN": ["does", "do", "did"]}},
                                                {"LOWER": "not"}], max_scope=2),
        # ... but what she does not have is a phrase of its own: "does not have radiating arm
        # symptoms" (the short scope above ended at "radiating")
        rule("does not have", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["does", "do", "did"]}}, {"LOWER": {"IN": ["not", "n't"]}},
            {"LOWER": {"IN": ["have", "report", "describe", "endorse", "experience", "notice",
                              "feel", "get"]}}]),
        # what the record does not show was not done, as far as a reviewer can tell: "The
        # physician did not record any sleep hygiene counseling"
        rule("did not record", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["does", "do", "did", "has", "have", "had"]}},
            {"LOWER": {"IN": ["not", "n't", "never"]}},
            {"LOWER": {"IN": ["record", "recorded", "document", "documented", "note", "noted",
                              "mention", "mentioned", "describe", "described", "list",
                              "listed", "report", "reported", "include", "included",
                              # "the records do not show that gabapentin ... has been
                              # prescribed"
                              "show", "shown", "reflect", "reflected", "indicate", "indicated",
                              "contain", "contained"]}},
            # (a list of three: "has not described leg pain, numbness or tingling"; of four
            # after "a diagnosis of": "do not describe a diagnosis of neuropathic pain, CRPS,
            # spasticity or MS")
            {"LOWER": {"IN": ["any", "a", "an", "the", "that"]}, "OP": "?"}], max_scope=12),
        # a treatment not given: "has not been treated with chiropractic manipulation to date",
        # "was never started on gabapentin", "has not been offered acupuncture", a device not
        # issued: "has not been fitted with a wrist splint", "was never issued a brace"
        rule("not been treated with", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["has", "have", "had", "was", "were", "is", "are"]}},
            {"LOWER": {"IN": ["not", "never"]}}, {"LOWER": "been", "OP": "?"},
            {"LOWER": {"IN": ["treated", "given", "offered", "started", "trialed", "trialled",
                              "referred", "fitted", "issued", "supplied"]}},
            {"LOWER": {"IN": ["with", "on", "for", "to", "a", "an", "any"]}, "OP": "?"}],
             max_scope=6),
        # what a denial leaves out: "no opioid or other pain medication besides ibuprofen as
        # needed", "no medications other than naproxen" (medspaCy has "aside from", "apart from")
        rule("besides", _NEGATED, "TERMINATE", [{"LOWER": {"IN": ["besides", "except"]}}]),
        # a clause of what was done ends a denial before it: "low back pain without radiation
        # and was given cyclobenzaprine", "no numbness, and she started gabapentin"
        rule("and was given", _NEGATED, "TERMINATE", [
            {"LOWER": "and"}, {"LOWER": {"IN": ["he", "she", "they"]}, "OP": "?"},
            {"LOWER": {"IN": ["was", "were", "has", "had", "is"]}, "OP": "?"},
            {"LOWER": {"IN": ["given", "started", "prescribed", "received", "underwent",
                              "began", "placed", "put", "treated", "dispensed"]}}]),
        rule("other than", _NEGATED, "TERMINATE", [
            {"LOWER": {"IN": ["other", "save"]}}, {"LOWER": {"IN": ["than", "for"]}}]),
        # relatives "with" what they have: "Mother and brother with type 2 diabetes", "FH:
        # father with lumbar stenosis" ("with" below ends every scope, the family's too; the
        # longer match sets it aside)
        rule("relatives with", _FAMILY, "FORWARD", [
            _RELATIVE, {"LOWER": {"IN": ["'s", "'"]}, "OP": "?"},
            {"LOWER": {"IN": ["and", "or", ",", "&", "/"]}, "OP": "?"},
            {**_RELATIVE, "OP": "?"}, {"LOWER": "with"}]),
        rule("positive", _NEGATED, "TERMINATE",
             [{"LOWER": {"IN": ["positive", "present", "reveals", "shows", "demonstrates",
                                "with", "yes"]}}]),
        # ... unless a list goes on with it: "denies any problems with balance, walking or
        # with her bowel or bladder" (the longer match sets the terminator aside)
        rule("or with", "PSEUDO", "PSEUDO",
             [{"LOWER": {"IN": ["or", "nor"]}}, {"LOWER": "with"}], max_scope=1),
        # what a study is done without, and the chart's pain context: no denial of what
        # follows ("MRI L-spine w/o contrast -- r/o HNP given persistent leg tingling",
        # "9/10 w/o meds, and L leg pain to the foot")
        rule("w/o contrast", "PSEUDO", "PSEUDO",
             [{"LOWER": {"IN": ["without", "w/o"]}}, {"LOWER": "contrast"}], max_scope=1),
        rule("w/o meds", "PSEUDO", "PSEUDO",
             [{"LOWER": "w/o"}, {"LOWER": {"IN": ["meds", "medications", "medication",
                                                  "medicines"]}}], max_scope=1),
        # planned or conditional
        rule("would consider", _HYPOTHETICAL, "FORWARD", [
            {"LOWER": {"IN": ["would", "will", "may", "might", "could", "should", "to"]},
             "OP": "?"},
            {"LOWER": {"IN": ["consider", "considering", "considered", "discuss"]}}]),
        # what care is to prevent is not there now: an injection "to prevent recurrence of
        # the arm symptoms", "to forestall a flare" (care "to treat" or "to relieve" a
        # symptom says it is there)
        rule("to prevent", _HYPOTHETICAL, "FORWARD", [
            {"LOWER": {"IN": ["prevent", "prevents", "preventing", "prevention", "forestall",
                              "avert"]}}], max_scope=5),
        # a contingency: "tizanidine at bedtime in case of a flare", "in the event of a fall"
        rule("in case of", _HYPOTHETICAL, "FORWARD", [
            {"LOWER": "in"}, {"LOWER": "the", "OP": "?"}, {"LOWER": {"IN": ["case", "event"]}},
            {"LOWER": {"IN": ["of", "she", "he", "they", "it", "there"]}}], max_scope=5),
        # a condition still to be met: "I will proceed with the trial once she is cleared", "as
        # soon as the MRI is done", "unless he is cleared" ("once" before its subject: not
        # "once daily"; not "until", which tells what happened: "stuck until he works it free,
        # medial joint line tenderness")
        # (before a pronoun: "once the injection wore off" tells what happened)
        rule("once she is", _HYPOTHETICAL, "FORWARD", [
            {"LOWER": {"IN": ["once", "unless"]}},
            {"LOWER": {"IN": ["she", "he", "they", "it", "we", "i"]}}], max_scope=6),
        rule("as soon as", _HYPOTHETICAL, "FORWARD", [
            {"LOWER": "as"}, {"LOWER": "soon"}, {"LOWER": "as"}], max_scope=6),
        # a condition said by inversion, opening its clause: "should arm symptoms develop, an
        # MRI would be reconsidered", "noted that should she fail therapy", "were he to
        # develop weakness" (not "he should continue": the verb's subject stands before it)
        *(rule("should X develop", _HYPOTHETICAL, "FORWARD", pattern, max_scope=5)
          for pattern in _inverted_conditions()),
        # "absent" said before the sign as its adjective: "the absent Hoffmann's sign",
        # "an absent ankle jerk" (not "absent work restrictions": a determiner opens it)
        rule("the absent", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["the", "an", "a", "his", "her", "their", "its"]}},
            {"LOWER": "absent"}], max_scope=4),
        # a length of time gone by, not a symptom gone: "between flares she has gone months
        # without tizanidine"
        rule("gone months", "PSEUDO", "PSEUDO", [
            _BE, {"LOWER": "gone"},
            {"LOWER": {"IN": ["a", "several", "many", "two", "three", "four", "six", "long"]},
             "OP": "?"},
            {"LOWER": {"IN": ["months", "weeks", "days", "years", "month", "week", "year",
                              "while"]}}], max_scope=1),
        # what a finding is evidence against: "the absent Hoffmann's sign speaks against
        # myelopathy", "the normal reflexes argue against a radiculopathy"
        rule("speaks against", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["speak", "speaks", "spoke", "argue", "argues", "argued", "point",
                              "points", "pointed", "weigh", "weighs", "weighed", "militate",
                              "militates", "evidence"]}},
            {"LOWER": "strongly", "OP": "?"}, {"LOWER": "against"}], max_scope=5),
        rule("plans to", _HYPOTHETICAL, "FORWARD", [
            {"LOWER": {"IN": ["plan", "plans", "planning", "planned"]}},
            {"LOWER": {"IN": ["to", "for", "on"]}, "OP": "?"}]),
        rule("may require", _HYPOTHETICAL, "FORWARD", [
            {"LOWER": {"IN": ["may", "might", "could"]}},
            {"LOWER": {"IN": ["require", "need", "benefit", "undergo", "be"]}}]),
        # what is asked for is not yet done: "requesting a urine drug screen", "UDS at next
        # visit", "recommend CURES review"
        rule("requesting", _HYPOTHETICAL, "FORWARD", [{"LOWER": {"IN": [
            "request", "requests", "requesting", "requested", "recommend", "recommends",
            "recommended", "recommending", "authorize", "authorization", "order", "ordered",
            "obtain"]}}], max_scope=6),
        rule("at next visit", _HYPOTHETICAL, "BACKWARD", [
            {"LOWER": {"IN": ["at", "on", "by"]}, "OP": "?"},
            {"LOWER": {"IN": ["the", "his", "her"]}, "OP": "?"},
            {"LOWER": {"IN": ["next", "following"]}}, {"LOWER": {"IN": ["visit", "appointment"]}}],
             max_scope=6),
        # a reason given is a fact, whatever plan it opens: "Plan: Given the progressive
        # neurologic deficit, I am requesting ...", "..., because of the new weakness". It
        # ends only a plan's scope: as a TERMINATE rule it also cut a negation's ("Tinel's
        # sign, which he performed because of the numbness, was negative" read as present)
        rule(", given the", _REASON, "PSEUDO", [
            {"ORTH": {"IN": [":", ",", ";", "-"]}},
            {"LOWER": {"IN": ["given", "because", "considering"]}}], max_scope=1),
        rule(", due to", _REASON, "PSEUDO", [
            {"ORTH": {"IN": [":", ",", ";", "-"]}, "OP": "?"},
            {"LOWER": {"IN": ["due", "secondary", "owing"]}}, {"LOWER": "to"}], max_scope=1),
        # without the comma, only where "given" cannot be a verb: "consider EMG given the
        # numbness" (not "he was given a brace")
        rule("given the", _REASON, "PSEUDO", [
            {"LOWER": {"IN": ["given", "considering"]}},
            {"LOWER": {"IN": ["the", "his", "her", "their", "persistent", "ongoing"]}}],
             max_scope=1),
        rule("Given the", _REASON, "PSEUDO",
             [{"LOWER": {"IN": ["given", "because"]}, "IS_SENT_START": True}], max_scope=1),
        rule("being considered (after)", _HYPOTHETICAL, "BACKWARD", [
            _BE, {"LOWER": "being", "OP": "?"},
            {"LOWER": {"IN": ["considered", "contemplated", "discussed", "planned"]}}]),
        rule("former", _HISTORICAL, "FORWARD",
             [{"LOWER": {"IN": ["former", "ex", "remote", "resolved"]}}], max_scope=3),
        rule("quit", _HISTORICAL, "BIDIRECTIONAL", [{"LOWER": {"IN": ["quit", "stopped"]}}],
             max_scope=3),
        # "he used to smoke", "she used to have numbness at night": a past habit or symptom
        # (also "used to treat spasm": what a thing is for, not a finding)
        rule("used to", _HISTORICAL, "FORWARD", [{"LOWER": "used"}, {"LOWER": "to"}],
             max_scope=4),
        # what a drug was given for is its indication, not a finding of this examination:
        # "cyclobenzaprine started for spasm"
        rule("started for", _HISTORICAL, "FORWARD", [
            {"LOWER": {"IN": ["started", "prescribed", "given", "used", "taken", "takes",
                              "take", "uses", "use", "helps", "help", "needed"]}},
            {"LOWER": "for"}], max_scope=3),
        # "it helps with the spasm" (not "opioid use with no aberrancy": what goes with a use)
        rule("helps with", _HISTORICAL, "FORWARD", [
            {"LOWER": {"IN": ["helps", "help", "helped"]}}, {"LOWER": "with"}], max_scope=3),
        rule("possible", _UNCERTAIN, "FORWARD", [
            {"LOWER": {"IN": ["possible", "possibly", "probable", "suspected", "suspect",
                              "suspects", "suspecting", "suspicion", "questionable",
                              "likely"]}}], max_scope=4),
        # what cannot be excluded is possible, not denied: "cannot rule out a fracture",
        # "unable to exclude instability" (the "cannot" had denied it; as one phrase, the
        # longer modifier, it replaces both its words' rules)
        *(rule("cannot rule out", _UNCERTAIN, "FORWARD", [
            *unable, {"LOWER": {"IN": ["rule", "exclude", "r/o"]}}, {"LOWER": "out", "OP": "?"}],
              max_scope=6)
          for unable in _CANNOT),
        # and after it: "a fracture cannot be excluded", "instability not excluded", "a tear
        # has not been ruled out"
        *(rule("cannot be excluded (after)", _UNCERTAIN, "BACKWARD", [
            *unable, {"LOWER": {"IN": ["excluded", "ruled"]}}, {"LOWER": "out", "OP": "?"}],
              max_scope=8)
          for unable in ([*_UNABLE[0], {"LOWER": "be"}], [{"LOWER": "not"}], _IS_NOT,
                         _HAS_NOT_BEEN)),
        # said suspected after it, in a statement of its own: "a stress fracture is suspected",
        # "instability suspected." (not "knee pain, suspected meniscal tear": that one's
        # "suspected" speaks forward)
        rule("is suspected (after)", _UNCERTAIN, "BACKWARD", [
            {"LOWER": {"IN": ["is", "are", "was", "were", "been"]}},
            {"LOWER": {"IN": ["suspected", "questioned", "possible", "probable", "likely"]}}],
             max_scope=8),
        # ... or said not suspected: "Occult fracture is not suspected", "infection was not
        # considered likely" (read as "suspected", it was a suspicion documented)
        rule("is not suspected (after)", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["is", "are", "was", "were", "been"]}}, {"LOWER": "not"},
            # (not "felt to be": "She was not felt to be an appropriate candidate" speaks
            # forward)
            {"LOWER": "suspected"},
            {"LOWER": {"IN": ["likely", "probable"]}, "OP": "?"}], max_scope=8),
        rule("is not considered likely (after)", _NEGATED, "BACKWARD", [
            {"LOWER": {"IN": ["is", "are", "was", "were", "been"]}}, {"LOWER": "not"},
            {"LOWER": "considered"}, {"LOWER": {"IN": ["likely", "probable"]}}], max_scope=8),
        # ... but a judgment not made of what follows: "She is not considered high risk", "he
        # was not deemed a surgical candidate" (a bare "considered" is a plan: "surgery was
        # considered")
        rule("is not considered", _NEGATED, "FORWARD", [
            {"LOWER": {"IN": ["is", "are", "was", "were", "been"]}}, {"LOWER": "not"},
            {"LOWER": {"IN": ["considered", "deemed", "regarded", "judged", "thought"]}}],
             max_scope=8),
        rule("suspected (end)", _UNCERTAIN, "BACKWARD", [
            {"LOWER": {"IN": ["suspected", "questioned"]}}, _END], max_scope=6),
        # "question of instability", "differential diagnosis includes a TFCC tear"
        rule("question of", _UNCERTAIN, "FORWARD", [
            {"LOWER": {"IN": ["question", "questions"]}}, {"LOWER": "of"}], max_scope=6),
        rule("differential includes", _UNCERTAIN, "FORWARD", [
            {"LOWER": "differential"}, {"LOWER": {"IN": ["diagnosis", "diagnoses", "dx"]},
                                        "OP": "?"},
            {"LOWER": {"IN": ["includes", "include", "included", "including", "of", ":"]}}],
             max_scope=10),
        # the two sides of a differential: "facet-mediated pain versus radiculopathy",
        # "possible CTS vs. C6 radiculopathy" (neither is found yet)
        rule("versus", _UNCERTAIN, "BIDIRECTIONAL", [
            {"LOWER": {"IN": ["vs", "vs.", "versus"]}}], max_scope=5),
        # (a comparison of sides or values is no differential: "rotation limited to R (~45
        # deg) vs L (~70 deg)", "7/10 versus 4/10")
        rule("vs L", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["vs", "vs.", "versus"]}},
            {"LOWER": {"IN": ["l", "r", "left", "right", "bilateral", "baseline", "before",
                              "after", "prior", "last", "(", "~"]}}]),
        rule("vs 4", "PSEUDO", "PSEUDO", [
            {"LOWER": {"IN": ["vs", "vs.", "versus"]}}, {"LIKE_NUM": True}]),
        # a test neither positive nor negative: "slump test equivocal on the right"
        rule("equivocal (after)", _UNCERTAIN, "BACKWARD", [
            {"LOWER": {"IN": ["equivocal", "indeterminate", "borderline"]}}], max_scope=4),
        # what is to be ruled out is suspected: "r/o L1 compression fx", "concern for a
        # vertebral fracture", "to evaluate for instability"
        rule("r/o", _UNCERTAIN, "FORWARD", [
            {"LOWER": {"IN": ["r/o", "ro", "rule-out", "concern", "concerning", "query",
                              "eval"]}},
            {"LOWER": {"IN": ["for", "of", "out"]}, "OP": "?"}], max_scope=6),
        rule("evaluate for", _UNCERTAIN, "FORWARD", [
            {"LOWER": {"IN": ["evaluate", "assess", "evaluating", "assessing", "exclude",
                              "excluding", "identify", "determine", "confirm"]}},
            {"LOWER": "for", "OP": "?"}], max_scope=5),
        # "MRI to look for a meniscal tear", "checking for instability"
        rule("look for", _UNCERTAIN, "FORWARD", [
            {"LOWER": {"IN": ["look", "looking", "check", "checking", "search", "screen"]}},
            {"LOWER": "for"}], max_scope=5),
    ]


_CLAUSE_ENDS = {".", "!", "?", ";"}
# A comma followed by one of these opens a new statement about another sign: "mild tenderness,
# full range of motion, negative McMurray".
_CLAUSE_OPENERS = {"he", "she", "they", "there", "positive", "negative", "but", "however",
                   "although", "whereas", "full",
                   "normal", "intact", "no", "without", "mild", "moderate", "severe",
                   "decreased", "limited", "reduced", "decr", "dimin"}


def _clauses(doc: Any) -> Any:
    """ConText scopes end at the sentence, so clauses are made sentences: after a full stop or a
    semicolon ("decreased sensation; reflexes normal"), and at a comma that opens a clause of
    opposite sense ("positive Tinel sign, negative Phalen test") or another sign.
    (A negation before a list, "no numbness, tingling or weakness", still reaches the list.)"""
    # the statement so far has said its verdict; a mention has ended in it
    judged = named = named_found = False
    ends = {ent.end - 1 for ent in doc.ents}  # the last token of each mention
    texts = [token.text for token in doc]  # (read once: a token's attributes are slow)
    lowers = [token.lower_ for token in doc]
    # a mention its verdict follows at once: "SLR negative", "Spurling (-)"
    own_verdict = {ent.start for ent in doc.ents
                   if lowers[ent.end:ent.end + 1] and (lowers[ent.end] in _OWN_VERDICTS or (
                       lowers[ent.end] == "(" and lowers[ent.end + 1:ent.end + 2] in
                       (["-"], ["+"], ["neg"], ["pos"])))}
    starts = [True] * len(texts)
    listing = False  # in a list of negatives: its ';' and ',' part items of one statement
    for i in range(1, len(texts)):
        before = texts[i - 1]
        if before == ":" and lowers[i - 2:i - 1] == ["negatives"]:
            listing = True
        if listing and before not in (".", "!", "?"):
            starts[i] = False
            continue
        listing = False
        # an abbreviation's full stop ("unexpl. wt loss") does not end the statement, unless
        # a labelled line opens after it in small letters ("... neuropathy. pe 03/09/2021:")
        # ("Red flags were reviewed; none were found": "none" after a semicolon answers it)
        # "facet tenderness, straight leg raise negative": the sign found by its name ends
        # its statement where the next sign comes with its own verdict ("Tinel, Phalen
        # negative" is one statement of two tests; "tenderness, spasm and guarding are
        # absent" one of three findings)
        found_by_name = before == "," and i in own_verdict and named_found
        opens = found_by_name or (before in _CLAUSE_ENDS and not (
            before == "." and texts[i][:1].islower() and ":" not in texts[i:i + 4]) and not (
            before == ";" and lowers[i] == "none")) or (
            before == "," and (lowers[i] in _CLAUSE_OPENERS or judged)) or \
            _new_subject(lowers, before, i)
        starts[i] = opens
        if opens:
            judged = named = named_found = False
        else:
            named = named or i - 1 in ends
            named_found = named_found or (i - 1 in ends and lowers[i - 1] in _FOUND_BY_NAME)
        # a verdict after its sign ends the statement at the next comma: "SLR negative
        # bilaterally, Spurling positive"; not one before the sign ("full, painless range of
        # motion") nor one before a list ("negative for fever, ...")
        # (a measure is a verdict too: "LBP 6/10, TTP ..., flexion 45 degrees, SLR negative
        # bilaterally" is four statements, and "negative" says nothing of the first three)
        judged = judged or (named and (
            lowers[i] in _VERDICTS or bool(_GRADE.match(texts[i])) or _measure(texts, lowers, i))
            and not (i + 1 < len(lowers) and lowers[i + 1] in ("for", "of")))
    _set_sent_starts(doc, starts)
    return doc


def _set_sent_starts(doc: Any, starts: list[bool]) -> None:
    """`token.is_sent_start = start` for every token, in one call: the setter looks over the
    whole doc for a parse each time (a fifth of asking about a sentence)."""
    import numpy
    from spacy.attrs import SENT_START

    if starts:  # the setter's values: 1 starts a sentence, -1 does not
        doc.from_array([SENT_START], numpy.array([1 if start else _NOT_START for start in starts],
                                                 dtype=numpy.uint64))


_NOT_START = 2 ** 64 - 1  # -1 as the unsigned value Doc.from_array takes


_GRADE = re.compile(r"^(?:[0-5][+-]?/5|[0-4]\+(?:/[0-4]\+?)?)$")  # "5/5", "4-/5", "2+"
_SCORE = re.compile(r"^\d{1,3}(?:\.\d)?/\d{1,3}$")  # "6/10"
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d)?$")
_UNITS = {"degrees", "degree", "deg", "°", "%", "percent", "lbs", "lb", "pounds", "kg", "cm",
          "mm", "minutes", "min", "feet", "ft", "seconds", "sec"}


def _measure(texts: list[str], lowers: list[str], i: int) -> bool:
    """A score or a measured amount: "6/10", "45 degrees", "40 lbs" (not a spinal level's
    digit, "L4-5", which names where, not how much)."""
    if _SCORE.match(texts[i]):
        return True
    return bool(_NUMBER.match(texts[i])) and lowers[i - 1] not in ("-", "to") and \
        i + 1 < len(lowers) and lowers[i + 1] in _UNITS
# Findings that naming states (a test's name says nothing until its result is given)
_FOUND_BY_NAME = {"tenderness", "spasm", "spasms", "effusion", "swelling", "edema", "atrophy",
                  "crepitus", "guarding", "ttp"}
_OWN_VERDICTS = {"negative", "neg", "positive", "pos", "(-)", "(+)"}
_VERDICTS = {"negative", "positive", "normal", "intact", "absent", "symmetric", "symmetrical",
             "unremarkable", "stable", "present", "equivocal", "full", "wnl"}


# ", and the signed agreement is on file": "and" before a new subject opens a new statement
# (a list goes on with nouns: "no numbness, tingling, and weakness").
_SUBJECTS = {"the", "his", "her", "he", "she", "it", "there", "this", "they", "a", "an",
             "patient", "pt", "exam", "examination"}


# ... and "and" before a verb of its own with its own object: "found no major depression or
# substance use and cleared him for a trial", "denies numbness and has weakness of the EHL" (a
# list of findings goes on with nouns; a verdict on the subject before still reaches it: "Red
# flags were screened and are negative", "... and found negative", "... and have been excluded")
_PREDICATES = {"cleared", "approved", "recommended", "started", "referred", "found", "noted",
               "reported", "stated", "completed", "underwent", "resumed", "agreed", "signed",
               "passed", "reports", "states", "notes", "has", "have", "had"}
_VERDICT_NEXT = {"been", "to", "be", "as", "ruled", "excluded", "not", "no", "none", "nothing",
                 "negative", "normal",
                 "absent", "unremarkable", "intact", "positive", "present"} | _VERDICTS


def _new_subject(lowers: list[str], before: str, i: int) -> bool:
    if lowers[i] not in ("and", "but") or i + 1 >= len(lowers):
        return False
    if before == "," and lowers[i + 1] in _SUBJECTS:
        return True
    return lowers[i + 1] in _PREDICATES and \
        (i + 2 >= len(lowers) or lowers[i + 2] not in _VERDICT_NEXT)


def _default_rules() -> list[Any]:
    """medspaCy's rules, but for "no", ": no" and "because". Its "no" pattern takes "no
    abnormal" and "no new" as the negation, which then overlaps a mention such as "abnormal relative
    movement" and so negates nothing ("no abnormal relative movement is noted" was read as
    present); ": no" reads "ROS: No fever" as negating what stands before the colon."""
    from pathlib import Path

    import medspacy
    from medspacy.context import ConTextRule

    path = Path(medspacy.__file__).parent.parent / "resources" / "en" / "context_rules.json"
    rules = [r for r in ConTextRule.from_json(str(path))
             if r.literal.lower() not in ("no", ": no", "did not rule out", "to exclude")]
    # Its "because"/"since" ends every scope (a TERMINATE rule ends all categories): a
    # reason ends a plan's scope only, as ours do (_REASON), so that "Tinel's sign, which
    # he tested because of the numbness, was negative" is negated; "since" stays as it was
    # ("no NSAID since naproxen was stopped" does not deny the naproxen).
    rules = [r for r in rules if r.literal.lower() != "because"]
    # ("w/o", the chart's "without": "axial LBP w/o radiation")
    return [*rules, ConTextRule("no", _NEGATED, direction="FORWARD"),
            ConTextRule("w/o", _NEGATED, direction="FORWARD", pattern=[{"LOWER": "w/o"}]),
            ConTextRule("since", "HYPOTHETICAL", direction="TERMINATE",
                        pattern=[{"LOWER": "since"}]),
            ConTextRule("because", _REASON, direction="PSEUDO", pattern=[{"LOWER": "because"}],
                        max_scope=1)]


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    import spacy
    from medspacy.context import ConText  # noqa: F401 (registers the medspacy_context factory)
    from spacy.language import Language

    if "mtus_clauses" not in Language.factories:
        Language.component("mtus_clauses", func=_clauses)
    nlp = spacy.blank("en")
    nlp.add_pipe("mtus_clauses")
    context: Any = nlp.add_pipe("medspacy_context", config={"rules": None})
    one_token = lambda word: len(nlp.make_doc(word)) == 1  # noqa: E731
    context.add(_phrased(_default_rules() + _rules(), one_token))
    matcher = context._ConText__matcher
    patterned = [r for r in matcher.rule_map.values() if isinstance(r.pattern, list)]
    if patterned:
        matcher._MedspacyMatcher__matcher = _GatedMatcher(
            nlp.vocab, patterned, matcher._MedspacyMatcher__matcher)
    # The reader asks about one sentence several times (findings, drugs, monitoring...): the
    # rule matches depend on its text only, so they are found once per sentence.
    # (overlapping matches are pruned after _MatchesOnce has set aside those at a mention)
    pruned, matcher._prune = matcher._prune, False
    context._ConText__matcher = _MatchesOnce(matcher, pruned)
    return nlp


_ALTERNATIVES = 400  # phrases a token pattern may be spelled out into


def _phrased(rules: list[Any], one_token: Callable[[str], bool]) -> list[Any]:
    """Every rule as phrases where it can be (_as_phrases), except rules that spell a phrase
    another rule spells too ("denied" opens a list of denials and closes "X was denied"):
    which of two rules matching the same words wins depends on the matcher, so those keep
    their token patterns and match exactly as before."""
    spelled = [_as_phrases(rule, one_token) for rule in rules]
    seen: dict[str, int] = {}
    for phrases in spelled:
        for phrase in {r.literal.lower() for r in phrases}:
            seen[phrase] = seen.get(phrase, 0) + 1
    out = []
    for rule, phrases in zip(rules, spelled, strict=True):
        shared = any(r.pattern is None and seen[r.literal.lower()] > 1 for r in phrases)
        out += [rule] if shared else phrases
    return out


def _kept(rule: Any) -> dict[str, Any]:
    return {k: getattr(rule, k) for k in ("direction", "on_match", "on_modifies",
                                          "allowed_types", "excluded_types", "max_scope",
                                          "max_targets", "terminated_by", "metadata")}


def _as_phrases(rule: Any, one_token: Callable[[str], bool]) -> list[Any]:
    """A rule whose token pattern is only words and word sets (optional or repeated) as the
    literal phrases it matches. ConText finds phrases with spaCy's PhraseMatcher, ~50 times
    faster than its token-pattern Matcher, which was most of the time spent reading a letter;
    the matches, and so the assertions, are the same. Other patterns stay patterns."""
    from medspacy.context import ConTextRule

    phrases = _spelled_out(rule.pattern, one_token) if isinstance(rule.pattern, list) else None
    if not phrases:
        return [rule]
    return [ConTextRule(phrase, rule.category, **_kept(rule)) for phrase in phrases]


def _spelled_out(pattern: list[dict[str, Any]],
                 one_token: Callable[[str], bool]) -> list[str] | None:
    phrases: list[tuple[str, ...]] = [()]
    for token in pattern:
        words = _words(token, one_token)
        if words is None:
            return None
        repeats = {None: (1,), "?": (0, 1), "*": (0, 1, 2)}.get(token.get("OP"))
        if repeats is None:
            return None
        grown: list[tuple[str, ...]] = []
        for n in repeats:
            runs: list[tuple[str, ...]] = [()]
            for _ in range(n):
                runs = [r + (w,) for r in runs for w in words]
            grown += [p + r for p in phrases for r in runs]
        phrases = grown
        if len(phrases) > _ALTERNATIVES:
            return None
    return [" ".join(p) for p in phrases if p]


def _words(token: dict[str, Any], one_token: Callable[[str], bool]) -> list[str] | None:
    """The words a token matches, when it is matched by its text alone (lower-cased: the
    phrase matcher compares lower-case forms, as LOWER patterns do). A word the tokenizer
    splits ("non-tender") never matched one token: it is left out, as it was never found."""
    keys = set(token) - {"OP"}
    if len(keys) != 1 or (key := keys.pop()) not in ("LOWER", "ORTH", "TEXT"):
        return None
    value = token[key]
    words = [value] if isinstance(value, str) else value.get("IN") if isinstance(
        value, dict) and set(value) == {"IN"} else None
    if not words or any(" " in w for w in words):
        return None
    return [w.lower() for w in words if one_token(w)] or None


class _GatedMatcher:
    """ConText's token-pattern rules (those _phrased leaves as patterns), each matched only in
    a sentence holding, for every token the rule requires, a word that token takes. spaCy's
    Matcher steps every pattern through every word of every sentence, which was a tenth of
    reading a letter; most sentences hold the words of a few rules at most.

    The rules are split into small matchers. A matcher's results are those of the single
    one, in the same order, for its own rules (spaCy keeps each rule's match states apart and
    in order). Order matters only between equal matches of two rules, as ConText keeps the
    first of them: rules that could match the same words share a matcher, and should two
    matchers still find the same span, the single matcher answers for that sentence."""

    def __init__(self, vocab: Any, rules: list[Any], whole: Any) -> None:
        from spacy.matcher import Matcher

        self._whole = whole
        # Each required token of each rule is one bit; a word sets the bits of the tokens it
        # can be, and a rule can match when the sentence's words set all of its bits.
        self._bits: dict[str, int] = {}
        self._used = 0
        self._groups = []
        for members in _tied_groups(rules):
            group = Matcher(vocab)
            for rule in members:
                group.add(rule._rule_id, [rule.pattern], on_match=rule.on_match)
            self._groups.append(([self._mask(rule.pattern) for rule in members], group))

    def _mask(self, pattern: list[dict[str, Any]]) -> int:
        mask = 0
        for words in _required(pattern):
            bit = 1 << self._used
            self._used += 1
            mask |= bit
            for word in words:
                self._bits[word] = self._bits.get(word, 0) | bit
        return mask

    def __call__(self, doc: Any) -> list[tuple[int, int, int]]:
        said = 0  # the required tokens the sentence's words can be
        for token in doc:
            said |= self._bits.get(token.lower_, 0)
        found: list[tuple[int, int, int]] = []
        spans: set[tuple[int, int]] = set()
        for masks, group in self._groups:
            if any(said & mask == mask for mask in masks):
                matches = group(doc)
                these = {(start, end) for _, start, end in matches}
                if these & spans:
                    return self._whole(doc)
                spans |= these
                found += matches
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._whole, name)


def _tied_groups(rules: list[Any]) -> list[list[Any]]:
    """The rules in groups, in their order, such that two rules that could match the same
    words (their first words and their last words may be the same) are in one group."""
    ends = [(_edge_words(r.pattern), _edge_words(r.pattern[::-1])) for r in rules]
    group = list(range(len(rules)))
    for i, (first, last) in enumerate(ends):
        for j in range(i):
            if _may_share(first, ends[j][0]) and _may_share(last, ends[j][1]):
                old = group[i]
                group = [group[j] if g == old else g for g in group]
    return [[r for r, g in zip(rules, group, strict=True) if g == n]
            for n in dict.fromkeys(group)]


def _may_share(a: set[str] | None, b: set[str] | None) -> bool:
    return a is None or b is None or bool(a & b)


def _edge_words(pattern: list[dict[str, Any]]) -> set[str] | None:
    """The words a match of the pattern may begin with (None: any word); given the pattern
    reversed, the words it may end with."""
    out: set[str] = set()
    for token in pattern:
        words, op = _token_words(token), token.get("OP")
        if words is None or op not in (None, "+", "?", "*"):  # "!": any other word
            return None
        out |= words
        if op in (None, "+"):
            return out
    return None


def _required(pattern: list[dict[str, Any]]) -> list[frozenset[str]]:
    """For each token a match must have, the words (lower case) it may be."""
    return [frozenset(words) for token in pattern if token.get("OP") in (None, "+")
            and (words := _token_words(token)) is not None]


def _token_words(token: dict[str, Any]) -> set[str] | None:
    """The words (lower case) a pattern token can match, as far as its text says: every word
    it matches is among them. None when its text is not limited to a list of words (a regular
    expression, NOT_IN, no text key). Other keys beside the text ("IS_SENT_START") only narrow
    the match, so they leave the list a bound: a rule holding such a token had no required
    word, ran on every sentence and tied every rule into one matcher."""
    for key in ("LOWER", "ORTH", "TEXT"):
        value = token.get(key)
        if isinstance(value, str):
            return {value.lower()}
        if isinstance(value, dict) and set(value) == {"IN"}:
            return {w.lower() for w in value["IN"]}
    return None


_SENTENCE = "mtus_sentence"  # Doc.user_data key: the text the doc was made of


class _MatchesOnce:
    """ConText's rule matcher, remembering the matches of the last few sentences."""

    def __init__(self, matcher: Any, prune: bool) -> None:
        from medspacy.common.util import prune_overlapping_matches

        self._matcher = matcher
        self._prune = prune_overlapping_matches if prune else None
        self._seen: dict[str, Any] = {}

    def __call__(self, doc: Any) -> Any:
        # the sentence the doc was made of (Doc.text would join its tokens again, each call)
        text = doc.user_data.get(_SENTENCE) or doc.text
        seen = self._seen.get(text)
        if seen is None:
            if len(self._seen) >= 256:
                self._seen.clear()
            found = self._matcher(doc)
            seen = self._seen[text] = (found, self._pruned(found))
        found, pruned = seen
        kept = _not_at_mentions(doc, found)
        # (pruned once a sentence, unless a mention set a match aside)
        return pruned if len(kept) == len(found) else self._pruned(kept)

    def _pruned(self, found: list[Any]) -> list[Any]:
        return self._prune(found) if self._prune else found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._matcher, name)


# medspaCy's rules read "pt" as the patient ("pt was not", "pt denies"); where the reader took
# that word as a mention, it is physical therapy: "PT was not attempted" is the passive rule's
# (the forward "pt was not" overlapped its mention and so negated nothing: read as done).
_PATIENT = frozenset({"pt", "pt."})


def _not_at_mentions(doc: Any, found: Any) -> Any:
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    if not taken:
        return found
    return [m for m in found if not (m[1] in taken and doc[m[1]].lower_ in _PATIENT)]


_SAID: dict[str, dict[tuple[int, int], Assertion]] = {}


def assertions(sentence: str, spans: Sequence[tuple[int, int]]) -> list[Assertion]:
    """The assertion of each mention (character spans in `sentence`), in order. The reader asks
    about one sentence several times (findings, drugs, services, monitoring), often about the
    same mentions: what was asked is remembered per sentence, and only new mentions are run
    through ConText (together, as one call asks them)."""
    if not spans:
        return []
    said = _SAID.get(sentence)
    if said is None:
        if len(_SAID) >= 256:  # letters bring new sentences forever
            _SAID.clear()
        said = _SAID[sentence] = {}
    new = [span for span in dict.fromkeys(spans) if span not in said]
    if new:
        said.update(zip(new, _assertions(sentence, new), strict=True))
    return [said[span] for span in spans]


# A row of a form answered by ticked boxes after the term: "Radiating pain into leg(s)  [ ] Yes
# [X] No  [ ] Yes [X] No", "SLR  R [ ]+ [X]-  L [ ]+ [X]-", "Numbness  [ ] R [ ] L [X] None".
_BOX = re.compile(r"[ \t]*(?:(?P<side>[RL])[ \t]+)?\[(?P<tick>[ _xX\u2713\u2714]?)\][ \t]*"
                  r"(?P<answer>[+-]|[A-Za-z]+)")
# (a question's rest too: "History of peptic ulcer, GI bleeding or perforation? .... [ ] Yes")
# (and a list in brackets, from its start or from inside it: "Red flags (trauma, cancer,
# infection, cauda equina):  [ ] yes  [X] no")
_LABEL_REST = re.compile(r"[A-Za-z /()',?-]{0,40}?(?:[A-Za-z ,]{0,60}\))?"
                         r"(?:\([^()\n]{0,80}\))?[ \t:.?-]*"
                         r"(?=(?:[RL][ \t]+)?\[[ _xX\u2713\u2714]?\])")
_YES = {"yes", "y", "+", "positive", "pos", "present", "r", "l", "b", "bilateral", "right",
        "left"}
_NO = {"no", "n", "-", "negative", "neg", "none", "absent", "normal", "wnl"}


# "Bowel/bladder: no change", "bladder function - unchanged" (said of continence only: "Numbness:
# no change" is numbness that persists)
_CONTINENCE = re.compile(r"\b(?:bowel|bladder|b/b)\b", re.I)
_UNCHANGED_AFTER = re.compile(r"[ \t]*(?:function|functions|control|habits)?[ \t]*[:\-][ \t]*"
                              r"(?:no changes?|unchanged|normal|intact)\b", re.I)


def ticked(sentence: str, end: int, start: int | None = None) -> Assertion | None:
    """What the boxes ticked right after a mention say of it (None: no box ticked there).
    A form with a column per visit repeats its options: the last column, the latest visit,
    answers; any positive answer in it (a side included) makes the finding present."""
    if "[" not in sentence[end:end + 160]:
        return None  # no box within reach (most sentences): no label to read past
    if (bare := _BARE_BOX.match(sentence, end)) is not None and \
            _BOX_ROW_GOES_ON.match(sentence, bare.end()) and not _boxes_lead(sentence) and not (
            start is not None and ("[" in sentence[start:end] or
                                   _BOX_BEFORE.search(sentence, max(0, start - 8), start))):
        # (not in a list of boxes before their labels, "[X] PT [ ] Injection": that box is
        # the next label's)
        # a check list's box right after its item, no options: "fever [ ]  chills [ ]
        # weight loss [ ]", "night pain when lying on the right side [X]"
        return Assertion.PRESENT if bare.group(1).strip(" _") else Assertion.ABSENT
    # the rest of the row's label may come first: "Numbness / tingling  [ ] R  [X] None"
    label = _LABEL_REST.match(sentence, end)
    at = label.end() if label else end
    boxes, side = [], None
    while (box := _BOX.match(sentence, at)) is not None:
        side = box.group("side") or side
        boxes.append((side, box.group("answer").lower(), bool(box.group("tick").strip(" _"))))
        at = box.end()
    if not any(t for _, _, t in boxes):
        return None
    labels = [(s, a) for s, a, _ in boxes]
    period = next(p for p in range(1, len(boxes) + 1)
                  if len(boxes) % p == 0 and labels == labels[:p] * (len(boxes) // p))
    answers = {a for _, a, t in boxes[-period:] if t}
    if answers & _YES:
        return Assertion.PRESENT
    return Assertion.ABSENT if answers & _NO else None


def _boxes_lead(sentence: str) -> bool:
    """Whether the row's boxes stand before their labels ("Palpation: [X] tenderness ... [ ]
    spasm", "ROS [x] denies fever/chills [x] denies ..."): its first box opens the row or its
    field (after a colon, or after a heading in capitals)."""
    before = sentence[:sentence.find("[")].rsplit(":", 1)[-1].strip()
    return not before or before.isupper()


_BOX_BEFORE = re.compile(r"\[[ _xX\u2713\u2714]?\][ \t]*$")
# what follows an item's own box: the next item and its box, a closing dash, or the end
# ("fever [ ]  chills [ ]  weight loss [ ]  -- all negative"); not a field of the next row
# ("... neck pain [x] Neurological: ...": that box opens the next row)
_BOX_ROW_GOES_ON = re.compile(r"[ \t]*(?:$|[-\u2013\u2014]{1,2}|[.;]|[^\[\]:\n]{1,40}\[)")
_BARE_BOX = re.compile(r"[ \t]{0,4}\[([ _xX\u2713\u2714]?)\](?![ \t]*(?:(?:[RLB]|yes|no|y|n|none|"
                       r"positive|negative|pos|neg|present|absent|normal|wnl|bilateral|bilat|"
                       r"right|left|abnormal|nl)\b|[+-](?!-)))", re.I)


# A ticked box whose label denies what follows: "[X] No bowel/bladder changes", "[x] Denies
# saddle numbness" (the box's "no" is the label's first word, not the answer to a row before)
_TICKED_NO = re.compile(r"\[[xX\u2713\u2714]\][ \t]*(?:no|denies|negative for|without)[ \t]+"
                        r"(?:[\w/-]+[ \t]+){0,2}$", re.I)
# ... unless the box is the "no" of a yes/no pair: "Paraspinal spasm [X] Yes [ ] No [ ] Yes
# [X] No Tenderness L4-S1 [X] Yes" answers the row before and the next row's label follows
_YES_OPTION = re.compile(r"\[[ _xX\u2713\u2714]?\][ \t]*(?:yes|y)[ \t]*$", re.I)


# An empty box before a label of several words that holds the mention: the option not ticked
# ("Treatment to date: [X] Right 1st dorsal compartment injection ... [ ] Right ring finger A1
# pulley injection - offered, declined"), not an option of a row ("[ ] R [X] L", "[X] yes [ ] no")
_ANY_BOX = re.compile(r"\[([ _xX\u2713\u2714]?)\]")
_OPTION_AFTER = re.compile(r"[ \t]*(?:\S+[ \t]*)?(?:\[|$)")
_FIELD_AFTER = re.compile(r"[ \t]*(?:[A-Za-z/-]+[ \t]*)?:")


def unchecked(sentence: str, start: int, end: int) -> bool:
    """Whether a form leaves the mention's box empty: its own box after it ("fever [ ]") or
    the option's box before it ("[ ] progressive weakness")."""
    return ticked(sentence, end, start) is Assertion.ABSENT or \
        _unticked_label(sentence, start, end)


def _unticked_label(sentence: str, start: int, end: int) -> bool:
    """(A mention that opens a field of its own is not the option's: "[ ] Surgery PT notes:
    grip improved" leaves the notes' PT alone. Read from the sentence alone: assertions are
    kept per sentence and mention, whatever else is asked about with them.)"""
    if "[" not in sentence:
        return False
    boxes = list(_ANY_BOX.finditer(sentence, max(0, start - 100), start))
    if not boxes or boxes[-1].group(1).strip(" _"):
        return False
    box = boxes[-1]
    if _FIELD_AFTER.match(sentence, end):
        return False
    label_end = _ANY_BOX.search(sentence, start)
    label = sentence[box.end():label_end.start() if label_end else len(sentence)]
    return not _OPTION_AFTER.match(label) and not re.search(r"[:;]", sentence[box.end():start])


def _ticked_no_before(sentence: str, start: int) -> bool:
    if "[" not in sentence:
        return False
    box = _TICKED_NO.search(sentence, max(0, start - 60), start)
    return box is not None and not _YES_OPTION.search(sentence, max(0, box.start() - 20),
                                                      box.start())


# What a guideline says, quoted or paraphrased in a letter, up to where the worker's own facts
# begin: "Guidelines require documentation of red flags such as cauda equina syndrome, ...",
# "The MTUS recommends repeat imaging only for ...", "Per ACOEM, ..." (not "The guidelines
# support an ESI because he has radiculopathy": what follows "because" is his)
_GUIDELINE_SAYS = re.compile(
    r"\b(?:(?:the\s+)?(?:CA\s+)?(?:MTUS|ACOEM|ODG|CPMTG|guidelines?|criteria)\s+(?:\w+\s+){0,3}?"
    r"(?:require[sd]?|recommends?|supports?|states?|indicates?|reserves?|allows?|calls? for|"
    r"permits?|limits?|specif(?:y|ies)|says?|includes?|lists?)\b|(?:according\s+to|per)\s+"
    r"(?:the\s+)?(?:CA\s+)?(?:MTUS|ACOEM|ODG|CPMTG|guidelines?)\b|(?:guidelines?|criteria)\s+"
    r"(?:for|of)\b[^.;:]{0,60}?\b(?:require|include|are)\b)", re.I)
# A citation, its section named, then the guideline's words after its colon: "California MTUS,
# ACOEM Hand, Wrist, and Forearm Disorders Guideline (2019), Carpal tunnel syndrome:
# electrodiagnostic studies are recommended to confirm the diagnosis ..." (the section's name
# and what follows are the guideline's)
_CITATION = re.compile(r"\b(?:MTUS|ACOEM|ODG|CPMTG)\b[^.:\n]{0,100}?\b(?:Guidelines?|Disorders|"
                       r"Complaints|Chapter)\b[^.:\n]{0,60}:\s+(?-i:(?=[a-z]))", re.I)
_WORKER_CLAUSE = re.compile(
    r"\b(?:because|since|given\s+that|whereas|however|but|in\s+this\s+case|here|"
    r"(?:this|the)\s+(?:patient|injured\s+worker|claimant|worker|employee|applicant)|"
    r"(?:he|she|they)\s+(?:has|have|had|is|was|reports?|reported|did|does|underwent|"
    r"continues?))\b|[;:]", re.I)


# ... and what the utilization reviewer said, which the IMR reviewer reports and may then
# contradict from the records: "The UR reviewer stated that the tear was degenerative and that
# the injured worker had osteoarthritis; however, the radiographs ..." (up to "however", a
# semicolon or the sentence's end)
_UR_SAYS = re.compile(
    r"\b(?:(?:the\s+)?(?:UR|utilization\s+review|prior|previous|peer)\s+(?:reviewer|physician|"
    r"determination|decision|letter|denial)|(?:the\s+)?UR|utilization\s+review)\s+(?:\w+\s+)?"
    r"(?:stated|states|noted|notes|opined|felt|wrote|writes|said|says|asserted|claimed|"
    r"concluded|argued|determined|found|indicated|reasoned|cited|commented|believed)\b|"
    # an appeal's "the reviewer wrote that ...", "your reviewer said" (verbs of claiming only:
    # an IMR summary's own reviewer "notes" the record's facts)
    r"\b(?:the|your)\s+(?:physician\s+|peer\s+)?reviewer\s+(?:\w+\s+)?(?:stated|states|wrote|"
    r"writes|said|says|claimed|claims|asserted|argued|opined|felt|reasoned|believed)\b", re.I)
# (a new clause with its own subject ends it: "the UR reviewer noted no GI risk factors, and the
# treating physician's note agrees: the patient denies heartburn ...")
_UR_SCOPE_END = re.compile(r"\b(?:however|but|whereas|although|though)\b|[;:]|,\s+and\s+(?:the|his|"
                           r"her|this|their|she|he|they)\b|\band\s+the\s+(?:treating|requesting|primary|"
                           r"records?|notes?|reports?)\b", re.I)


# ... and what a party who is no clinician claims, which the reviewer reports and weighs: "A
# letter from her attorney asserts that she suffers from 'sciatica down both legs'" (up to a
# new clause of the records', as for the UR's words)
_PARTY_CLAIMS = re.compile(
    r"\b(?:(?:applicant'?s|defense|his|her|the)\s+)?(?:attorney|lawyer|counsel|legal\s+"
    r"representative|employer|adjuster|claims\s+administrator)\b[^.;]{0,60}?\b(?:asserts?|"
    r"asserted|claims?|claimed|alleges?|alleged|contends?|contended|argues?|argued|maintains?|"
    r"maintained|insists?|insisted|states?|stated|writes?|wrote)\b|\b(?:according\s+to|per)\s+"
    r"(?:the\s+|his\s+|her\s+)?(?:attorney|lawyer|counsel|employer|adjuster)\b|"
    # what the worker told a medical-legal evaluator ("He told the QME that his knee is 'bone on
    # bone'"), and the evaluator's opinion ("The QME opined that future care should include a
    # total knee replacement"); the evaluator's findings on examination are facts
    r"\b(?:told|tells|informed|reported\s+to|stated\s+to|said\s+to)\s+(?:the\s+|his\s+|her\s+)?"
    r"(?:QME|AME|PQME|IME|(?:medical[- ]legal\s+)?evaluator|examiner)\s+that\b|"
    r"\b(?:QME|AME|PQME|IME)\b[^.;]{0,60}?\b(?:opined|opines|felt|feels|believes|believed|"
    r"recommended|recommends|suggested|suggests|concluded|advised)\b", re.I)


def said_by_others(sentence: str, start: int) -> bool:
    """Whether the mention at `start` is what a guideline asks for or what the utilization
    reviewer said, not a fact of the worker's the letter states."""
    if not _OTHERS_GATE.search(sentence):
        return False  # (the cheap test first: most sentences name neither)
    for said in _GUIDELINE_SAYS.finditer(sentence, 0, start):
        if _WORKER_CLAUSE.search(sentence, said.end(), start) is None:
            return True
    for cited in _CITATION.finditer(sentence):
        if cited.start() <= start and (start < cited.end() or _WORKER_CLAUSE.search(
                sentence, cited.end(), start) is None):
            return True
    return any(_UR_SCOPE_END.search(sentence, said.end(), start) is None
               for pattern in (_UR_SAYS, _PARTY_CLAIMS)
               for said in pattern.finditer(sentence, 0, start))


_OTHERS_GATE = re.compile(r"MTUS|ACOEM|ODG|CPMTG|guideline|criteria|UR\b|review|attorney|"
                          r"lawyer|counsel|employer|adjuster|administrator|QME|AME\b|IME\b|"
                          r"evaluator|examiner", re.I)


_STOPS = frozenset(".!?;:,")


def _assertions(sentence: str, spans: Sequence[tuple[int, int]]) -> list[Assertion]:
    nlp = _pipeline()
    # A sentence ends with its stop for the rules that read what closes a clause ("Flare:
    # denies" in a bulleted note with no full stop, as "Flare: denies."); the mentions'
    # character spans are unchanged.
    ended = sentence if sentence.rstrip()[-1:] in _STOPS else sentence.rstrip() + " ."
    doc = nlp.make_doc(ended)
    doc.user_data[_SENTENCE] = ended  # the same as doc.text, which is slow to rebuild
    chosen: dict[tuple[int, int], Any] = {}
    for start, end in spans:
        span = doc.char_span(start, end, label="MENTION", alignment_mode="expand")
        if span is not None and not any(s.start < span.end and span.start < s.end
                                        for s in chosen.values()):
            chosen[(start, end)] = span
    doc.ents = sorted(chosen.values(), key=lambda s: s.start)
    for _, component in nlp.pipeline:
        doc = component(doc)
    by_span = {(s.start, s.end): s for s in doc.ents}
    overlapping = _negations_inside(doc)
    negatives = "neg" in sentence.lower()  # (the cheap test first: a label of negatives)
    out = []
    for key in spans:
        if (boxed := ticked(sentence, key[1], key[0])) is not None:
            out.append(boxed)  # a form's row: its ticked boxes answer, whatever the words
            continue
        if _unticked_label(sentence, *key):
            out.append(Assertion.ABSENT)  # "[ ] Right ring finger A1 pulley injection - offered"
            continue
        if _ticked_no_before(sentence, key[0]):
            out.append(Assertion.ABSENT)  # "[X] No bowel/bladder changes": the box says no
            continue
        if said_by_others(sentence, key[0]):
            out.append(Assertion.HYPOTHETICAL)  # a guideline's or the UR's words, not a fact
            continue
        if _CONTINENCE.search(sentence[key[0]:key[1]]) and _UNCHANGED_AFTER.match(sentence,
                                                                                  key[1]):
            out.append(Assertion.ABSENT)  # "Bowel/bladder: no change": none lost
            continue
        if _denied_list(sentence, key) or negatives and _NEGATIVES_LABEL.search(sentence, 0,
                                                                                  key[0]):
            # "Red flags: none of the following -- fever, ...", "ROS: Neg: chest pain, SOB,
            # melena, dysuria, daytime somnolence"
            out.append(Assertion.ABSENT)
            continue
        span = chosen.get(key)
        found = by_span.get((span.start, span.end)) if span is not None else None
        # a negation reaching into the mention ("no signs of" + "signs of myelopathy") negates
        # it; one that opens it is part of its name ("not a surgical candidate")
        if found is not None and (_normal_before(doc, found.start) or any(
                s < found.start < e or found.start < s < found.end for s, e in overlapping)):
            out.append(Assertion.ABSENT)
        elif found is not None and _verdict_of_its_own(doc, found):
            out.append(Assertion.PRESENT)
        else:
            out.append(_assertion(found) if found is not None else Assertion.PRESENT)
    return out


# A list under a label of what was denied or not found ("Neg:", "Negative:", "Pertinent
# negatives:"), the mention in it: no full stop, semicolon or positive label between
_NEGATIVES_LABEL = re.compile(r"\b(?:neg|negatives?)\s*:\s*(?:(?!\bpos(?:itive)?\s*:)[^.;:])*$",
                              re.I)


# A list denied as a whole: "Red flags: none of the following -- fever, unexplained weight loss,
# incontinence", "He has none of these: ...": the list after it and the heading before it
_NONE_OF = re.compile(r"\b(?:none|neither)\s+of\s+(?:the\s+)?(?:following|these|those|above)\b",
                      re.I)
_HEADED = re.compile(r"[^.;:]{1,40}[:\-]+\s*$")


def _denied_list(sentence: str, span: tuple[int, int]) -> bool:
    if "one of" not in sentence.lower():
        return False  # (the cheap test first)
    for found in _NONE_OF.finditer(sentence):
        stop = len(sentence) if (end := re.search(r"[.;]", sentence[found.end():])) is None \
            else found.end() + end.start()
        if found.end() <= span[0] < stop:
            return True
        before = sentence[:found.start()]
        cut = max(before.rfind("."), before.rfind(";")) + 1
        if cut <= span[0] < found.start() and _HEADED.fullmatch(before[cut:]):
            return True
    return False


_NORMAL = {"intact", "full", "normal", "symmetric", "unremarkable"}
# Words by which a mention says its own verdict: "flexion limited", "decreased sensation"
_OWN_VERDICT = {"limited", "restricted", "reduced", "decreased", "diminished", "positive",
                "tender", "weak", "lacking", "lacks", "painful", "decr", "dimin"}


def _verdict_of_its_own(doc: Any, found: Any) -> bool:
    """A mention that says its own verdict is not denied by a negation after it, past a comma:
    that one is said of the next sign ("flexion limited to 40 degrees, a negative straight leg
    raise", "flexion is limited to 40 degrees, and straight leg raise is negative")."""
    if not found._.is_negated or not (any(t.lower_ in _OWN_VERDICT for t in found)
                                      or _qualified(doc, found)):
        return False
    denials = [m for m in found._.modifiers if m.category == _NEGATED]
    # (a sign's verdict, not a list's denial: "Limited motion, tenderness and spasm: none")
    return bool(denials) and all(
        m.modifier_span[0] >= found.end and any(
            t.text in (",", ";") for t in doc[found.end:m.modifier_span[0]]) and any(
            t.lower_ in _SIGN_VERDICTS for t in doc[m.modifier_span[0]:m.modifier_span[1]])
        and not any(t.lower_ in ("all", "each", "both")
                    for t in doc[max(m.modifier_span[0] - 1, 0):m.modifier_span[1]])
        for m in denials)


# Words that say a sign was found, in its own part of a charted list: "sm effusion, medial
# JLT, McMurray + medially, Lachman neg" (the "neg" is the Lachman's)
_FOUND_AS = {"small", "sm", "mild", "moderate", "mod", "large", "lg", "trace", "minimal",
             "marked", "medial", "lateral", "+", "pos"}


def _qualified(doc: Any, found: Any) -> bool:
    """Whether the mention's part of the list (between its commas) says it was found."""
    start = found.start
    while start > 0 and doc[start - 1].text not in (",", ";", ":"):
        start -= 1
    end = found.end
    while end < len(doc) and doc[end].text not in (",", ";"):
        end += 1
    return any(t.lower_ in _FOUND_AS for t in doc[start:end])


_SIGN_VERDICTS = {"negative", "neg", "normal", "intact", "unremarkable", "full", "symmetric",
                  "symmetrical", "wnl", "nl", "-"}


def _normal_before(doc: Any, start: int) -> bool:
    """A normal finding said before the test, closely: "full range of motion", "full, painless
    range of motion", "intact sensation". (A ConText rule for these words can only look one
    way, and the same words also come after the test: "ROM full", "sensation intact".)"""
    for token in reversed(doc[max(0, start - 3):start]):
        if token.lower_ in _NORMAL:
            return True
        if token.is_sent_start or token.lower_ in {"and", "but", ";"}:
            return False
    return False


def _negations_inside(doc: Any) -> list[tuple[int, int]]:
    """Negations that overlap a mention's words ("no signs of" and the mention "signs of
    myelopathy", "no history of" and "history of cancer"): ConText never lets a modifier
    touch its own target, so these are applied here."""
    graph = doc._.context_graph
    return [m.modifier_span for m in (graph.modifiers if graph is not None else ())
            if m.category == _NEGATED and m.direction in ("FORWARD", "BIDIRECTIONAL")]


def _assertion(span: Any) -> Assertion:
    said = span._  # (made anew on every access)
    for attribute, assertion in _BY_ATTRIBUTE:
        if getattr(said, attribute):
            return assertion
    return Assertion.PRESENT
