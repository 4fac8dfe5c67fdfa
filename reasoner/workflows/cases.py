"""Cases: decide a case document and store it with its run; check its completeness."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass

import pyoxigraph as ox

from reasoner.engine.kb import CaseResult, KnowledgeBase
from reasoner.engine.report import CaseReport, case_report, run_triples
from reasoner.errors import Problem
from reasoner.store.graphs import case_graph
from reasoner.store.protocol import GraphStore


def reason_case(kb: KnowledgeBase, data: bytes, media_type: str, source: str,
                store: GraphStore | None = None) -> CaseReport:
    """Decide every requested service of a case document; with `store`, store the case and
    its run (the report's `run`) before returning."""
    if store is not None:
        store.ensure_guidelines(kb)
    report, committed = start_reason_case(kb, data, media_type, source, store)
    if committed is not None:
        committed.result()
    return report


def start_reason_case(kb: KnowledgeBase, data: bytes, media_type: str, source: str,
                      store: GraphStore | None) -> tuple[CaseReport, Future[None] | None]:
    """`reason_case` for a server: the report at once and, with `store`, a future done when
    the write is committed (its exception if refused). The caller has stored the guidelines
    (`ensure_guidelines`) once, at start-up."""
    result = kb.reason_document(data, media_type, source)
    if store is None:
        return case_report(result, kb.digest), None
    return _save_later(kb, result, store)


def save_result(kb: KnowledgeBase, result: CaseResult, store: GraphStore) -> CaseReport:
    """Store a decided case and its run; the report names the run."""
    report, committed = _save_later(kb, result, store)
    committed.result()
    return report


def _save_later(kb: KnowledgeBase, result: CaseResult,
                store: GraphStore) -> tuple[CaseReport, Future[None]]:
    case_graph(result.case)  # a case that cannot name its graph is refused before anything
    report = case_report(result, kb.digest)
    run = run_triples(report)
    report.run = run[0]
    return report, store.save_case_later(result.case, result.triples, run)


def report_triples(report: CaseReport) -> list[ox.Triple]:
    """The report as RDF: the run graph (PROV-O activity, determinations, criterion results)
    as stored, named by the report's run when it was stored."""
    return run_triples(report, report.run)[1]


@dataclass(slots=True)
class ValidationReport:
    conforms: bool  # no problem is a violation
    problems: list[Problem]


def validate_case(kb: KnowledgeBase, data: bytes, media_type: str, source: str,
                  engine: str = "compiled") -> ValidationReport:
    """Is the case complete enough to decide? Violations stop reasoning; warnings do not."""
    problems = kb.checker.check(kb.parse(data, media_type, source), source, engine=engine)
    return ValidationReport(all(p.severity != "violation" for p in problems), list(problems))
