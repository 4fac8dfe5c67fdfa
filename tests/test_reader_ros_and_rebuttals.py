"""Two ways a negation or a claim hides in a document's form. An EHR's review of systems:
"Constitutional: NEGATIVE fever / chills / night sweats", "GI ........ negative for heartburn",
"Neuro: POSITIVE right foot numbness; NEGATIVE new weakness" (each listed item absent, the
positive one kept). And an appeal that quotes the UR's words to answer them: the words quoted
again ('(a) "Pain radiating" - the pain stops at the buttocks') are the reviewer's, not facts."""

from __future__ import annotations

import pytest

from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.judgments import judgments
from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

A, P = Assertion.ABSENT, Assertion.PRESENT


@pytest.mark.parametrize(("sentence", "words", "expected"), [
    ("Constitutional: NEGATIVE fever / chills / night sweats / weight loss",
     ["fever", "night sweats", "weight loss"], [A, A, A]),
    ("GU: NEGATIVE urinary incontinence / saddle numbness", ["saddle numbness"], [A]),
    ("Neuro: POSITIVE right foot numbness; NEGATIVE new weakness",
     ["foot numbness", "new weakness"], [P, A]),
    ("Constitutional ........ negative for fever, chills, night sweats",
     ["fever", "night sweats"], [A, A]),
    ("GI .................... negative for heartburn, nausea", ["heartburn", "nausea"], [A, A]),
    # a field answered negative still negates its label, and a verdict of its own holds
    ("Spurling: negative, Phalen positive", ["Spurling", "Phalen"], [A, P]),
    ("Clonus ................ no Tinel wrist ........... neg bilat", ["Clonus", "Tinel wrist"],
     [A, A]),
])
def test_a_review_of_systems_answered_negative(sentence, words, expected):
    spans = [(sentence.index(w), sentence.index(w) + len(w)) for w in words]
    assert assertions(sentence, spans) == expected


def test_a_change_listed_negative_is_no_change():
    found = judgments("Neuro: POSITIVE right foot numbness; NEGATIVE new weakness")
    assert not [j for j in found if j.concept == TERM + "SignificantClinicalChange" and j.present]


APPEAL = """RE:  APPEAL OF UTILIZATION REVIEW DENIAL
     Date of Injury: 08/19/2019

I am the primary treating physician for Mr. L., a 44-year-old male plumber who injured his low
back on 08/19/2019.

ITEM 1: Bilateral L4-5 and L5-S1 lumbar medial branch blocks, under fluoroscopy
UR decision: Non-certified on 05/22/2020.

{quoted}

Response:
(a) "Pain radiating" - the pain in question runs from the low back into both buttocks and stops
there. At my visit of 04/28/2020 he denied leg pain and leg numbness.
(b) "Facet-mediated pain has not been established" - my examination of 04/28/2020 documented
tenderness over the L4-5 and L5-S1 facet joints bilaterally and pain on lumbar extension.
"""


@pytest.mark.parametrize("quoted", [
    'UR reason (quoted): "The records describe pain radiating from the back. Facet-mediated pain '
    'has not been established on examination."',
    'The UR physician\'s summary describes "pain radiating from the back"; it adds that '
    '"facet-mediated pain has not been established on examination."',
])
def test_the_reviewers_words_quoted_again_to_answer_them_are_no_facts(kb, quoted):
    facts = read_letter(APPEAL.format(quoted=quoted).encode(), "appeal.txt",
                        kb.terms).extracted.facts
    findings = {(f.concept.removeprefix(TERM), f.props["present"]) for f in facts
                if f.kind == "finding"}
    assert ("RadicularSymptoms", True) not in findings
    assert ("FacetMediatedPain", False) not in findings
