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

# fact kind -> (precision floor, recall floor), on the 296 documents of thirteen authors.
# Re-based on 2026-12-04 (second session of the day): two held-out sets joined, written by
# helpers who did not see the reader, each measured on its first reading before any change
# made for it: heldout-g (20 documents, 70 items; first reading 47.1% of items) and heldout-h
# (16 documents, 51 items; first reading 47.1%, 9 negated facts read as present). The reader
# then learned the patterns behind their failures (UR letters, headings that cleaning had
# merged into the text, bullets, quoted UR words, dictated numbering...): 77% and 73% of their
# items today, the rest of the corpus 74.9%.
FLOORS = {
    "assessment": (0.69, 0.71),
    "diagnosis": (0.80, 0.77),
    "dose": (0.80, 0.82),
    # a condition the text denies ("No neck pain.", "no meniscal tear") is read as documented
    # absent, which most gold files annotate only for signs
    "finding absent": (0.78, 0.74),
    "finding present": (0.84, 0.71),
    "medication": (0.82, 0.87),
    "pain score": (0.89, 0.92),
    "prior treatment": (0.79, 0.74),
    "relief percent": (0.80, 0.59),
    "relief weeks": (0.67, 0.58),
    "request": (0.92, 0.92),
    "request date": (0.79, 0.79),
    "request quantity": (0.91, 0.81),
    "response": (0.78, 0.74),
    "sessions": (0.84, 0.73),
    "study": (0.70, 0.71),
    "worker": (0.99, 0.95),
}


@pytest.fixture(scope="module")
def report(kb):
    return score_reader([CORPUS], kb)


def test_the_corpus_is_there():
    assert len(gold_documents([CORPUS])) >= 296


def test_no_document_is_lost(report):
    assert not report.unreadable, report.unreadable


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_fact_kind_floors(report, kind):
    score, (precision, recall) = report.kinds[kind], FLOORS[kind]
    assert score.precision is not None and score.precision >= precision, score
    assert score.recall is not None and score.recall >= recall, score


def test_negated_findings_are_not_read_as_present(report):
    # Left: modelling conflicts between authors and terminology (spondylolisthesis as
    # instability, median-nerve numbness as dermatomal loss, a "normal" range of motion given
    # in degrees), a past radicular pain that surgery resolved, a test negated far from it;
    # the target is none.
    assert report.negated_read_present <= 9


def test_item_outcomes_floor(report):
    assert report.item_accuracy is not None and report.item_accuracy >= 0.74
