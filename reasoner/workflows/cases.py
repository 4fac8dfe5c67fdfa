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
    started = start_reason_case(kb, data, media_type, source, store)
    if started.committed is not None:
        started.committed.result()
    return started.report


@dataclass(slots=True)
class Started:
    """A case decided, its write under way: the report, the future of the commit (None when
    not stored) and the run graph as stored (None when not stored)."""

    report: CaseReport
    committed: Future[None] | None = None
    run_graph: list[ox.Triple] | None = None

    def graph(self) -> list[ox.Triple]:
        """The report as RDF: the run graph (PROV-O activity, determinations, criterion
        results), the very triples stored when it was stored."""
        return self.run_graph if self.run_graph is not None else run_triples(self.report)[1]


def start_reason_case(kb: KnowledgeBase, data: bytes, media_type: str, source: str,
                      store: GraphStore | None) -> Started:
    """`reason_case` for a server: the report at once and, with `store`, a future done when
    the write is committed (its exception if refused). The caller has stored the guidelines
    (`ensure_guidelines`) once, at start-up."""
    result = kb.reason_document(data, media_type, source)
    if store is None:
        return Started(case_report(result, kb.digest))
    return _save_later(kb, result, store)


def save_result(kb: KnowledgeBase, result: CaseResult, store: GraphStore) -> CaseReport:
    """Store a decided case and its run; the report names the run."""
    started = _save_later(kb, result, store)
    if started.committed is not None:
        started.committed.result()
    return started.report


def _save_later(kb: KnowledgeBase, result: CaseResult, store: GraphStore) -> Started:
    case_graph(result.case)  # a case that cannot name its graph is refused before anything
    report = case_report(result, kb.digest)
    run_iri, graph = run_triples(report)
    report.run = run_iri
    return Started(report, store.save_case_later(result.case, result.triples, (run_iri, graph)),
                   graph)


@dataclass(slots=True)
class ValidationReport:
    conforms: bool  # no problem is a violation
    problems: list[Problem]


def validate_case(kb: KnowledgeBase, data: bytes, media_type: str, source: str,
                  engine: str = "compiled") -> ValidationReport:
    """Is the case complete enough to decide? Violations stop reasoning; warnings do not."""
    problems = kb.checker.check(kb.parse(data, media_type, source), source, engine=engine)
    return ValidationReport(all(p.severity != "violation" for p in problems), list(problems))
