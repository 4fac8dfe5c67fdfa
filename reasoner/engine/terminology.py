"""Terminology closure: labels, ancestors and conversion factors, computed once at load.

The ancestor map is the run-time stand-in for OWL classification: `mtus check` runs HermiT
(owlready2) and fails if HermiT infers a subsumption the asserted hierarchy lacks, so this
transitive closure of rdfs:subClassOf / owl:equivalentClass equals the classified hierarchy
and no reasoner or JVM is needed per request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

import pyoxigraph as ox

from reasoner.engine.casegraph import statements
from reasoner.vocab import (
    MTUS,
    OWL_CLASS,
    OWL_EQUIVALENT,
    RDF_TYPE,
    RDFS_LABEL,
    RDFS_SUBCLASS,
    SKOS_ALT,
    SKOS_DEFINITION,
    SKOS_NOTE,
    SKOS_PREF,
    TERM,
)


@dataclass(frozen=True)
class Terminology:
    labels: MappingProxyType[str, str]
    synonyms: MappingProxyType[str, tuple[str, ...]]
    ancestors: MappingProxyType[str, frozenset[str]]  # class -> itself and all superclasses
    factors: MappingProxyType[str, tuple[float, str]]  # class -> (factor, note)
    definitions: MappingProxyType[str, str] = field(
        default_factory=lambda: MappingProxyType({}))
    # CPT/HCPCS code -> the classes that carry it (mtus:cpt): how an RFA names a service
    codes: MappingProxyType[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    # a named combination product -> its drugs (mtus:productIngredient): "Terocin" names them
    ingredients: MappingProxyType[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))

    def definition(self, iri: str | None) -> str | None:
        return self.definitions.get(iri) if iri else None

    def known(self, iri: str) -> bool:
        return iri in self.ancestors

    def is_a(self, iri: str | None, cls: str) -> bool:
        return iri is not None and cls in self.ancestors.get(iri, ())

    def label(self, iri: str | None) -> str:
        if iri is None:
            return "(none)"
        return self.labels.get(iri) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def factor(self, iri: str) -> tuple[float, str] | None:
        """The conversion factor of the class or of its nearest ancestor that has one."""
        if iri in self.factors:
            return self.factors[iri]
        for anc in sorted(self.ancestors.get(iri, ()), key=lambda a: -len(self.ancestors[a])):
            if anc in self.factors:
                return self.factors[anc]
        return None

    def ingredients_of(self, iri: str | None) -> tuple[str, ...]:
        """The drugs a named combination product contains (none for any other class)."""
        return self.ingredients.get(iri, ()) if iri else ()

    def depth(self, iri: str) -> int:
        return len(self.ancestors.get(iri, ()))


def build(triples: Iterable[ox.Triple]) -> Terminology:
    """Build from the ontology triples (pyoxigraph Triple objects)."""
    parents: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    synonyms: dict[str, list[str]] = defaultdict(list)
    codes: dict[str, list[str]] = defaultdict(list)
    ingredients: dict[str, list[str]] = defaultdict(list)
    factors: dict[str, float] = {}
    notes: dict[str, str] = {}
    definitions: dict[str, str] = {}
    classes: set[str] = set()
    for t in statements(triples):
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if not s.startswith(TERM):
            continue
        if p == RDF_TYPE and o == OWL_CLASS:
            classes.add(s)
        elif p == RDFS_SUBCLASS and o.startswith(TERM):
            parents[s].add(o)
        elif p == OWL_EQUIVALENT and o.startswith(TERM):
            parents[s].add(o)
            parents[o].add(s)
        elif p in (SKOS_PREF, RDFS_LABEL):
            labels.setdefault(s, o)
        elif p == SKOS_ALT:
            synonyms[s].append(o)
        elif p == MTUS + "conversionFactor":
            factors[s] = float(o)
        elif p == SKOS_NOTE:
            notes[s] = o
        elif p == SKOS_DEFINITION:
            definitions[s] = o
        elif p == MTUS + "cpt":
            codes[o.strip().upper()].append(s)
        elif p == MTUS + "productIngredient":
            ingredients[s].append(o)
    ancestors = {c: frozenset(_closure(c, parents)) for c in classes}
    return Terminology(
        labels=MappingProxyType(labels),
        synonyms=MappingProxyType({k: tuple(v) for k, v in synonyms.items()}),
        ancestors=MappingProxyType(ancestors),
        factors=MappingProxyType({k: (v, notes.get(k, "")) for k, v in factors.items()}),
        definitions=MappingProxyType(definitions),
        codes=MappingProxyType({k: tuple(v) for k, v in codes.items()}),
        ingredients=MappingProxyType({k: tuple(sorted(v)) for k, v in ingredients.items()}),
    )


def _closure(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen
