"""The reader measured on the gold corpus (tests/reader/corpus: IMR letters in several layouts
and treating physicians' progress reports, each with a hand-made gold case graph, written by
authors who did not see the reader's code).

The floors are where the reader stands today; they only go up. The targets of the reader's
issue (recall >= 95% and precision >= 97% per fact kind, item outcome >= 95%) are far above
them: see `mtus eval --facts tests/reader/corpus` for the current figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.workflows.letters import gold_documents, score_reader

CORPUS = Path(__file__).resolve().parent / "reader" / "corpus"

# fact kind -> (precision floor, recall floor), on the 260 documents of eleven authors. Re-based on
# 2026-12-04: the held-out set heldout-e (20 documents of 2018-2026, its first reading 52.7% of
# items) joined the corpus, and the gold was revised for the classes the terminology gained
# (cervical radiculopathy, neck pain, walking aids...), one fact at a time by an annotator who
# did not see the reader. Later the same day: relief (percentage and weeks) read, the gold
# given the corticosteroid injections the terminology gained, and the held-out set heldout-f
# (20 documents, first reading 44.6% of items) joined: 260 documents of eleven authors.
FLOORS = {
    "assessment": (0.66, 0.68),
    "diagnosis": (0.79, 0.71),
    "dose": (0.78, 0.79),
    # precision re-based 0.82 -> 0.77: a condition the text denies ("No neck pain.", "no
    # meniscal tear", "not diabetic") is now read as documented absent, which most gold files
    # annotate only for signs; item outcomes rose with it
    "finding absent": (0.77, 0.74),
    "finding present": (0.85, 0.71),
    "medication": (0.82, 0.83),
    "pain score": (0.89, 0.92),
    "prior treatment": (0.78, 0.73),
    "relief percent": (0.77, 0.61),
    "relief weeks": (0.63, 0.55),
    "request": (0.92, 0.89),
    "request date": (0.78, 0.76),
    "request quantity": (0.91, 0.77),
    "response": (0.77, 0.72),
    "sessions": (0.83, 0.73),
    "study": (0.69, 0.7),
    "worker": (0.99, 0.95),
}


@pytest.fixture(scope="module")
def report(kb):
    return score_reader([CORPUS], kb)


def test_the_corpus_is_there():
    assert len(gold_documents([CORPUS])) >= 260


def test_no_document_is_lost(report):
    assert not report.unreadable, report.unreadable


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_fact_kind_floors(report, kind):
    score, (precision, recall) = report.kinds[kind], FLOORS[kind]
    assert score.precision is not None and score.precision >= precision, score
    assert score.recall is not None and score.recall >= recall, score


def test_negated_findings_are_not_read_as_present(report):
    # Left: modelling conflicts between authors and terminology (spondylolisthesis as
    # instability, median-nerve numbness as dermatomal loss), a test negated across a
    # relative clause ("Tinel's and Phalen's ..., which ..., were negative") and "bowel and
    # bladder function unchanged"; the target is none.
    assert report.negated_read_present <= 10


def test_item_outcomes_floor(report):
    assert report.item_accuracy is not None and report.item_accuracy >= 0.71
