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

# Annotation properties linking one terminology class to others (see ontology/mtus.ttl).
RELATIONS = ("productIngredient", "treatsCondition")


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
    # class-to-class annotations, by property (RELATIONS): what a named combination product
    # contains ("Terocin"), what condition a surgery treats (a rotator cuff repair)
    relations: MappingProxyType[str, MappingProxyType[str, tuple[str, ...]]] = field(
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

    def related(self, relation: str, iri: str | None) -> tuple[str, ...]:
        """The classes the terminology links by mtus:`relation` (one of RELATIONS) to `iri`
        or, when it links none, to its nearest ancestor that has some (an arthroscopic rotator
        cuff repair treats what any rotator cuff repair treats)."""
        links = self.relations.get(relation, MappingProxyType({}))
        if not iri or not links:
            return ()
        nearest = sorted(self.ancestors.get(iri, (iri,)), key=self.depth, reverse=True)
        return next((links[a] for a in nearest if a in links), ())

    def ingredients_of(self, iri: str | None) -> tuple[str, ...]:
        """The drugs a named combination product contains (none for any other class)."""
        return self.related("productIngredient", iri)

    def depth(self, iri: str) -> int:
        return len(self.ancestors.get(iri, ()))


def build(triples: Iterable[ox.Triple]) -> Terminology:
    """Build from the ontology triples (pyoxigraph Triple objects)."""
    parents: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    synonyms: dict[str, list[str]] = defaultdict(list)
    codes: dict[str, list[str]] = defaultdict(list)
    relations: dict[str, dict[str, list[str]]] = {r: defaultdict(list) for r in RELATIONS}
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
        elif p.startswith(MTUS) and p[len(MTUS):] in relations:
            relations[p[len(MTUS):]][s].append(o)
    ancestors = {c: frozenset(_closure(c, parents)) for c in classes}
    return Terminology(
        labels=MappingProxyType(labels),
        synonyms=MappingProxyType({k: tuple(v) for k, v in synonyms.items()}),
        ancestors=MappingProxyType(ancestors),
        factors=MappingProxyType({k: (v, notes.get(k, "")) for k, v in factors.items()}),
        definitions=MappingProxyType(definitions),
        codes=MappingProxyType({k: tuple(v) for k, v in codes.items()}),
        relations=MappingProxyType({r: MappingProxyType({k: tuple(sorted(v))
                                                         for k, v in links.items()})
                                    for r, links in relations.items()}),
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
