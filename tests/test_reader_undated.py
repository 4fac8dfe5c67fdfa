"""Requests whose date the text does not give are decided under every guideline edition that
could have been in force between the dates the text gives (issue #12, "decide what can be
decided"): the common outcome, or insufficient documentation naming the request date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reasoner.engine.decide import Outcome
from reasoner.reader.letter import read_letter
from reasoner.workflows.letters import _agreed, _candidate_days, reason_letter

SEED = Path(__file__).resolve().parent / "letters" / "000_352bc1bec7c49a86.txt"
SEED_CASE = Path(__file__).resolve().parent.parent / "examples" / "seed-case.ttl"


def _undated_seed(kb):
    text = SEED.read_text().replace("In a progress report dated 7-30-15,",
                                    "In a progress report,")
    return read_letter(text.encode(), "undated.txt", kb.terms)


def test_an_undated_request_is_decided_between_the_injury_and_the_review(kb):
    read = _undated_seed(kb)
    assert all(f.props.get("request_date") is None
               for f in read.extracted.facts if f.kind == "request")
    days = _candidate_days(read, kb)
    assert days[0] == dt.date(2015, 7, 21)  # 30 days before the UR decision (after the injury)
    assert days[-1] == dt.date(2015, 8, 20)  # the UR decision
    assert days == sorted(days)
    reasoned = reason_letter(read, kb)
    assert reasoned.result is not None
    assert "without a request date decided under every edition" in (reasoned.note or "")
    assert len(reasoned.result.determinations) == 1


def test_editions_that_disagree_make_the_request_date_what_is_missing(kb):
    turtle = SEED_CASE.read_bytes()
    runs = []
    for day in ("2015-07-30", "2006-01-01"):  # the second before any MTUS edition
        data = turtle.replace(b'"2015-07-30"^^xsd:date ;\n    mtus:quantity',
                              f'"{day}"^^xsd:date ;\n    mtus:quantity'.encode())
        runs.append(kb.reason(kb.parse(data, "text/turtle", "seed")).determinations)
    first = runs[0][0]
    assert {r[0].outcome for r in runs} != {first.outcome}  # the editions disagree
    merged = _agreed(first, runs, [dt.date(2015, 7, 30), dt.date(2006, 1, 1)])
    assert merged.outcome is Outcome.INSUFFICIENT_DOCUMENTATION
    assert merged.missing[0].startswith("The request date")
    same = _agreed(first, [runs[0], runs[0]], [dt.date(2015, 7, 30)])
    assert same is first
