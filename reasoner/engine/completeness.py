"""Completeness: is a case file complete enough to decide? SHACL shapes in shapes/case.ttl,
plus the check that every concept a case names is in the terminology."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from reasoner.engine.casegraph import CaseGraph, Term, index_of, statements
from reasoner.engine.shapecheck import CompiledShapes, focus_name
from reasoner.engine.terminology import Terminology
from reasoner.errors import Problem
from reasoner.vocab import XSD, m, short

CONCEPT_PROPERTIES = (m("concept"), m("bodyRegion"), m("purpose"), m("requestType"),
                      m("ingredient"))
_CASE = m("Case")
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    graph = Graph()
    for t in statements(triples):
        graph.add((_term(t.subject), URIRef(t.predicate.value), _term(t.object)))
    return graph


def _term(term: Term) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    # rdflib keeps plain literals untyped; matching that keeps sh:in and sh:datatype exact.
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD + "string" else URIRef(datatype))


class CaseChecker:
    """Runs the case shapes compiled (default, per request) or through pySHACL (the
    reference the compiled checker is tested against, and `mtus validate --engine pyshacl`)."""

    def __init__(self, path: Path, terms: Terminology) -> None:
        self.path = path
        self.terms = terms
        self.compiled = CompiledShapes.load(path)
        self._shapes: Graph | None = None

    @classmethod
    def load(cls, path: Path, terms: Terminology) -> CaseChecker:
        return cls(path, terms)

    @property
    def shapes(self) -> Graph:
        if self._shapes is None:
            self._shapes = Graph().parse(self.path, format="turtle")
        return self._shapes

    def check(self, triples: Iterable[ox.Triple], source: str = "<input>",
              engine: str = "compiled") -> list[Problem]:
        triples = CaseGraph.of(triples)  # one index for all the checks below
        shacl = self.shacl(triples) if engine == "pyshacl" else self.compiled.check(triples)
        return sorted(shacl, key=_order) + self._concepts(triples) + self._one_case(triples)

    def shacl(self, triples: Iterable[ox.Triple]) -> list[Problem]:
        conforms, report, _ = pyshacl.validate(to_rdflib(triples), shacl_graph=self.shapes,
                                               inference="none", advanced=False)
        if conforms:
            return []
        problems = []
        for result in report.subjects(predicate=SH.resultSeverity):
            path = report.value(result, SH.resultPath)
            focus = report.value(result, SH.focusNode)
            problems.append(Problem(
                focus=f"_:{focus}" if isinstance(focus, BNode) else str(focus),
                path=short(str(path)) if isinstance(path, URIRef) else None,
                message=str(report.value(result, SH.resultMessage)),
                severity=_SEVERITY.get(report.value(result, SH.resultSeverity), "violation"),
                shape=None))
        return problems

    def _concepts(self, triples: Iterable[ox.Triple]) -> list[Problem]:
        index, terms = index_of(triples), self.terms.ancestors  # every term is a key there
        for p in CONCEPT_PROPERTIES:  # the usual case (all known), answered from the index
            for _, o in index.pairs(p):
                if isinstance(o, ox.NamedNode) and o.value not in terms:
                    return self._unknown_concepts(triples)
        return []

    def _unknown_concepts(self, triples: Iterable[ox.Triple]) -> list[Problem]:
        known = self.terms.known
        # Rare: name each unknown concept, in document order.
        return [Problem(focus=focus_name(t.subject), path=short(t.predicate.value),
                        message=f"{short(t.object.value)} is not a term of the terminology",
                        shape="known-concept")
                for t in statements(triples)
                if t.predicate.value in CONCEPT_PROPERTIES
                and isinstance(t.object, ox.NamedNode) and not known(t.object.value)]

    def _one_case(self, triples: Iterable[ox.Triple]) -> list[Problem]:
        cases = index_of(triples).subjects_of_type(_CASE)  # distinct terms
        if len(cases) == 1:
            return []
        return [Problem(focus="<document>", path=None, shape="one-case",
                        message=f"A case document must describe exactly one mtus:Case; "
                                f"found {len(cases)}")]


def _order(p: Problem) -> tuple[bool, str, str]:
    return (p.severity != "violation", p.message, p.focus)
