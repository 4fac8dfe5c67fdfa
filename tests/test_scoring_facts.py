"""mtus eval --facts: the count of denials read as present (the error that approves care)."""

from __future__ import annotations

import datetime as dt

import pytest

from reasoner.engine.facts import CaseFacts, Finding
from reasoner.scoring import score_facts

TERM = "https://w3id.org/mtus-kg/term/"
DEC, MAR = dt.date(2013, 12, 9), dt.date(2014, 3, 18)


def _case(*findings: tuple[str, bool, dt.date | None]) -> CaseFacts:
    return CaseFacts("c", None, None, None, (), tuple(
        Finding(f"f{n}", TERM + concept, None, day, None, present)
        for n, (concept, present, day) in enumerate(findings)), (), (), (), ())


@pytest.mark.parametrize(("read", "counted"), [
    ([("RedFlagSpinalPathology", True, MAR)], 1),  # the denial's own date: misread
    ([("RedFlagSpinalPathology", True, None)], 1),  # undated: may be the same time
    # present on another date than the denial (told new in December, unchanged in March)
    ([("RedFlagSpinalPathology", True, DEC), ("RedFlagSpinalPathology", False, MAR)], 0),
    ([("RedFlagSpinalPathology", False, MAR)], 0),
])
def test_a_denial_read_present_counts_at_its_own_time(kb, read, counted):
    gold = _case(("RedFlagSpinalPathology", False, MAR))
    report = score_facts([("doc", gold, _case(*read))], [], [], kb.terms)
    assert report.negated_read_present == counted
