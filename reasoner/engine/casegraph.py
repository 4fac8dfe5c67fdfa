"""One parsed case document and the one index over it that every per-request stage shares.

Completeness (the compiled shapes and the concept checks) and fact reading used to index the
case separately; reading pyoxigraph terms' attributes is the costly part of that (each access
builds a Python object), so the triples are walked once here and the stages share the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Protocol, TypeAlias, cast

import pyoxigraph as ox

from reasoner.vocab import RDF_TYPE

# The terms of a case graph. pyoxigraph's types also allow an RDF 1.2 triple term (ox.Triple)
# as an object, and as a subject; intake.parse refuses a document that holds one and the
# letter reader never makes one, so the stages below only meet these.
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
Subject: TypeAlias = ox.NamedNode | ox.BlankNode


class Statement(Protocol):
    """One triple as the stages read it: an ox.Triple, or a parser's default-graph ox.Quad
    (see CaseGraph), with the terms a case graph holds."""

    @property
    def subject(self) -> Subject: ...
    @property
    def predicate(self) -> ox.NamedNode: ...
    @property
    def object(self) -> Term: ...


def statements(triples: Iterable[ox.Triple]) -> Iterable[Statement]:
    """The triples typed as a case graph's statements (no triple terms: see Term). A cast,
    so no work at run time."""
    return cast("Iterable[Statement]", triples)


_EMPTY: Mapping[str, list[Term]] = {}  # never written to


class CaseIndex:
    """Subject term -> predicate IRI -> object terms; (subject, object) pairs by predicate.

    Keys are the pyoxigraph terms themselves (hashable, compared by value), so no string key
    is built per triple; values are in document order.
    """

    __slots__ = ("out", "by_predicate", "_typed")

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        # Both maps are filled in the one walk: a predicate's pairs used to be gathered by a
        # scan over all subjects per question, and the checks ask about a dozen predicates.
        out: dict[Term, dict[str, list[Term]]] = {}
        by_predicate: dict[str, list[tuple[Term, Term]]] = {}
        last: Subject | None = None
        props: dict[str, list[Term]]  # set on the first triple, when `last` is None
        for t in statements(triples):
            s, p, o = t.subject, t.predicate.value, t.object
            # Documents state a subject's properties together (Turtle's ';'), and comparing
            # with the last subject is cheaper than hashing the term for a lookup.
            if last is None or s != last:
                found = out.get(s)
                if found is None:
                    found = out[s] = {}
                props = found
                last = s
            values = props.get(p)
            if values is None:
                props[p] = [o]
            else:
                values.append(o)
            pairs = by_predicate.get(p)
            if pairs is None:
                by_predicate[p] = [(s, o)]
            else:
                pairs.append((s, o))
        self.out = out
        self.by_predicate = by_predicate
        self._typed: dict[str, list[Term]] | None = None

    def properties(self, node: Term) -> Mapping[str, list[Term]]:
        """Predicate IRI -> objects of one subject (empty when it has none)."""
        return self.out.get(node, _EMPTY)

    def objects(self, node: Term, pred: str) -> list[Term]:
        return self.properties(node).get(pred, [])

    def pairs(self, pred: str) -> list[tuple[Term, Term]]:
        """(subject, object) of every triple with this predicate, in document order."""
        return self.by_predicate.get(pred, [])

    def typed(self) -> dict[str, list[Term]]:
        """Class IRI -> its distinct instances (rdf:type with an IRI), in document order."""
        if self._typed is None:
            typed: dict[str, dict[Term, None]] = {}
            for s, o in self.pairs(RDF_TYPE):
                if isinstance(o, ox.NamedNode):
                    typed.setdefault(o.value, {})[s] = None
            self._typed = {cls: list(found) for cls, found in typed.items()}
        return self._typed

    def subjects_of_type(self, cls: str) -> list[Term]:
        return self.typed().get(cls, [])


class CaseGraph(tuple[ox.Triple, ...]):
    """The distinct triples of one document, in document order, with its index built on first
    use. A tuple, so the cached index can never go stale under a caller's edits. Parsed
    documents hold the parser's default-graph quads as their triples (see intake.parse);
    everything here reads only subject, predicate and object, so either kind will do."""

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> CaseGraph:
        return triples if isinstance(triples, CaseGraph) else cls(dict.fromkeys(triples))

    @cached_property
    def case_index(self) -> CaseIndex:
        return CaseIndex(self)


def index_of(triples: Iterable[ox.Triple]) -> CaseIndex:
    """The shared index of a parsed case; any other sequence of triples is indexed afresh."""
    return CaseGraph.of(triples).case_index

