"""`mtus coverage`: the commonly disputed services with and without a recommendation in force."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reasoner.authoring.coverage import Coverage, by_year, coverage
from reasoner.engine.kb import KnowledgeBase


def knowledge_coverage(day: dt.date, root: Path | None = None) -> Coverage:
    return coverage(KnowledgeBase.load(root).program, day)


def coverage_by_year(first: int, last: int, root: Path | None = None) -> dict[int, float]:
    return by_year(KnowledgeBase.load(root).program, first, last)
