"""One parsed case document and the one index over it that every per-request stage shares.

Completeness (the compiled shapes and the concept checks) and fact reading used to index the
case separately; reading pyoxigraph terms' attributes is the costly part of that (each access
builds a Python object), so the triples are walked once here and the stages share the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

import pyoxigraph as ox

from reasoner.vocab import RDF_TYPE

Term = Any  # a pyoxigraph NamedNode, BlankNode, Literal or (RDF 1.2) Triple
_EMPTY: dict = {}


class CaseIndex:
    """Subject term -> predicate IRI -> object terms; (subject, object) pairs by predicate.

    Keys are the pyoxigraph terms themselves (hashable, compared by value), so no string key
    is built per triple; values are in document order.
    """

    __slots__ = ("out", "_pairs")

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        out: dict[Term, dict[str, list[Term]]] = {}
        for t in triples:
            s, p = t.subject, t.predicate.value
            props = out.get(s)
            if props is None:
                props = out[s] = {}
            values = props.get(p)
            if values is None:
                props[p] = [t.object]
            else:
                values.append(t.object)
        self.out = out
        self._pairs: dict[str, list[tuple[Term, Term]]] = {}

    def objects(self, node: Term, pred: str) -> list[Term]:
        return self.out.get(node, _EMPTY).get(pred, [])

    def pairs(self, pred: str) -> list[tuple[Term, Term]]:
        """(subject, object) of every triple with this predicate, grouped by subject. Built
        on demand: only a handful of predicates are ever asked for."""
        found = self._pairs.get(pred)
        if found is None:
            found = self._pairs[pred] = [(s, o) for s, props in self.out.items()
                                         for o in props.get(pred, ())]
        return found

    def subjects_of_type(self, cls: str) -> list[Term]:
        seen = dict.fromkeys(s for s, o in self.pairs(RDF_TYPE)
                             if isinstance(o, ox.NamedNode) and o.value == cls)
        return list(seen)


class CaseGraph(tuple):
    """The distinct triples of one document, in document order, with its index built on first
    use. A tuple, so the cached index can never go stale under a caller's edits."""

    @classmethod
    def of(cls, triples: Iterable[ox.Triple]) -> CaseGraph:
        return triples if isinstance(triples, CaseGraph) else cls(dict.fromkeys(triples))

    @cached_property
    def case_index(self) -> CaseIndex:
        return CaseIndex(self)


def index_of(triples: Iterable[ox.Triple]) -> CaseIndex:
    """The shared index of a parsed case; any other sequence of triples is indexed afresh."""
    return CaseGraph.of(triples).case_index

