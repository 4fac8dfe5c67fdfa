"""A reviewer's typing slips read as the terms they misspell: a long word one keystroke from
one term's word and from no other ("acupunture", "Gabapentine", "cyclobenzeprine"), a name
run into its strength ("Norco10/325mg"), and a word of English that is one keystroke from a
term's word where the next word makes the name ("carpel tunnel release"). A word of English
is never changed otherwise ("message" is no "massage", "walked" no "walker")."""

from __future__ import annotations

import pytest
from reader_texts import imr_letter_facts


def _facts(kb, history: str):
    return imr_letter_facts(kb, history, "Naproxen 550 mg #60", report="06/11/2019", summary=(
        "The patient is a 52 year old woman with low back pain."))


def _kinds(facts) -> set[tuple[str, str]]:
    return {(f.kind, f.concept.rsplit("/", 1)[-1]) for f in facts if f.concept}


@pytest.mark.parametrize(("said", "read"), [
    ("She had acupunture x6 in 2018 without benefit.", ("prior", "Acupuncture")),
    ("She had accupuncture x6 in 2018 without benefit.", ("prior", "Acupuncture")),
    ("Gabapentine 600mg TID was started 01/02/2019.", ("medication", "Gabapentin")),
    ("She takes cyclobenzeprine 7.5 mg at night.", ("medication", "Cyclobenzaprine")),
    ("Norco10/325mg #120 was continued.", ("medication", "HydrocodoneAcetaminophen")),
    ("Left carpel tunnel release was done 02/02/2019.", ("prior", "CarpalTunnelReleaseSurgery")),
    ("Exam: stright leg raise positive on the left.", ("finding", "PositiveStraightLegRaise")),
])
def test_a_typing_slip_is_read_as_the_term(kb, said, read):
    assert read in _kinds(_facts(kb, said))


@pytest.mark.parametrize(("said", "not_read"), [
    # (words of English one keystroke from a term's word stay what they are)
    ("He walked into the clinic; a message was left with the adjuster.",
     {("prior", "WalkingAid"), ("prior", "MassageTherapy")}),
    ("She reached the top shelf and was concerned about the carpet.",
     {("prior", "Reacher")}),
])
def test_a_word_of_english_is_no_typo(kb, said, not_read):
    assert not _kinds(_facts(kb, said)) & not_read
