"""Compile the guideline graph once into an immutable program.

Every recommendation and criterion node becomes a frozen object that keeps its source IRI.
Parameters are checked here, so evaluation only returns results: an unknown criterion kind,
an unknown terminology term or a bad parameter fails the load, naming the file and the IRI.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import NoReturn

import pyoxigraph as ox

from reasoner.engine.casegraph import Term, statements
from reasoner.engine.criteria import REGISTRY, Criterion
from reasoner.engine.formulary import DrugList, compile_drug_list
from reasoner.engine.terminology import Terminology
from reasoner.errors import KnowledgeBaseError
from reasoner.vocab import MTUS, RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, SKOS_NOTE, m, short


@dataclass(frozen=True)
class Edition:
    iri: str
    guideline: str  # citation title as IMR letters print it
    label: str
    in_force_from: dt.date
    in_force_until: dt.date | None
    mtus: bool
    file: str

    def in_force(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None
                                              or day <= self.in_force_until)


@dataclass(frozen=True)
class Section:
    iri: str
    title: str
    pages: str | None
    edition: Edition


@dataclass(frozen=True)
class Recommendation:
    iri: str
    section: Section
    applies_to: tuple[str, ...]
    polarity: str
    criterion: Criterion | None
    applicable_when: Criterion | None
    statement: str
    verification: str | None
    notes: tuple[str, ...]
    file: str
    pages: str | None = None  # narrower than the section's pages, when the author gives them


@dataclass(frozen=True)
class Program:
    recommendations: tuple[Recommendation, ...]
    sections: tuple[Section, ...]
    editions: tuple[Edition, ...]
    terminology: Terminology
    # concept -> (recommendation, depth of its deepest service class the concept falls under)
    by_concept: Mapping[str, tuple[tuple[Recommendation, int], ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    drug_list: DrugList | None = None  # the MTUS Drug List, reported beside drug requests

    def section(self, iri: str | None, day: dt.date | None = None) -> Section | None:
        """The section by IRI; a section carried into several editions gives the one in force
        on `day` (else its first)."""
        found = self._sections_by_iri.get(iri, ()) if iri else ()
        in_force = [s for s in found if day is not None and s.edition.in_force(day)]
        candidates = in_force or list(found)
        return candidates[0] if candidates else None

    @cached_property
    def _sections_by_iri(self) -> Mapping[str, tuple[Section, ...]]:
        by_iri: dict[str, tuple[Section, ...]] = {}
        for s in self.sections:
            by_iri[s.iri] = (*by_iri.get(s.iri, ()), s)
        return MappingProxyType(by_iri)

    @property
    def recommendation_count(self) -> int:
        """Distinct recommendations (one carried into several editions counts once)."""
        return len({r.iri for r in self.recommendations})

    def narrower(self, concept: str) -> tuple[tuple[str, Edition], ...]:
        """(service, edition) for each recommendation of a service class strictly narrower
        than the concept: what a request naming a kind of service ("medication") stands for.
        Memoised per concept: a request pays one scan of the recommendations per concept."""
        memo = self._narrower
        if concept not in memo:
            is_a = self.terminology.is_a
            memo[concept] = tuple((service, r.section.edition) for r in self.recommendations
                                  for service in r.applies_to
                                  if service != concept and is_a(service, concept))
        return memo[concept]

    @cached_property
    def _narrower(self) -> dict[str, tuple[tuple[str, Edition], ...]]:
        return {}

    def covering(self, concept: str) -> tuple[tuple[Recommendation, int], ...]:
        """Recommendations whose service class covers the concept, by IRI, each with the
        depth of the most specific of its classes that does (a narrower class shadows a
        broader one): precomputed for every concept of the terminology, so a request costs
        one lookup."""
        return self.by_concept.get(concept, ())


class Index:
    """Subject -> predicate -> objects over the knowledge-base triples, with source files."""

    def __init__(self) -> None:
        self.props: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.files: dict[str, str] = {}

    def add(self, triples: Iterable[ox.Triple], file: str) -> None:
        for t in statements(triples):
            s = _key(t.subject)
            self.props[s][t.predicate.value].append(t.object)
            self.files.setdefault(s, file)

    def objects(self, node: str, pred: str) -> list[Term]:
        return self.props.get(node, {}).get(pred, [])

    def types(self, node: str) -> set[str]:
        return {o.value for o in self.objects(node, RDF_TYPE)}

    def subjects_of_type(self, cls: str) -> list[str]:
        return sorted(s for s in self.props if cls in self.types(s))


def _key(term: Term) -> str:
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


class NodeReader:
    """Typed access to one node's parameters; every failure names the file and IRI."""

    def __init__(self, node: str, compiler: Compiler) -> None:
        self.node = node
        self.c = compiler

    def fail(self, message: str) -> NoReturn:
        raise KnowledgeBaseError(message, file=self.c.index.files.get(self.node), iri=self.node)

    def _values(self, local: str, required: bool) -> list[Term]:
        self.c.read[self.node].add(m(local))
        values = self.c.index.objects(self.node, m(local))
        if required and not values:
            self.fail(f"missing required mtus:{local}")
        if len(values) > 1 and local not in _MULTI:
            self.fail(f"mtus:{local} given {len(values)} times; expected once")
        return values

    def iri_opt(self, local: str) -> str | None:
        values = self._values(local, False)
        if values and not isinstance(values[0], ox.NamedNode):
            self.fail(f"mtus:{local} must be an IRI")
        return values[0].value if values else None

    def iri(self, local: str) -> str:
        self._values(local, True)
        return self.iri_opt(local) or self.fail(f"missing required mtus:{local}")

    def iris(self, local: str) -> list[str]:
        return [o.value for o in self._values(local, False)]

    def _known(self, local: str, value: str) -> str:
        if not self.c.terms.known(value):
            self.fail(f"mtus:{local} names {short(value)}, which is not a terminology class")
        return value

    def term_opt(self, local: str) -> str | None:
        value = self.iri_opt(local)
        return None if value is None else self._known(local, value)

    def term(self, local: str) -> str:
        return self._known(local, self.iri(local))

    def terms(self, local: str, at_least_one: bool = False) -> list[str]:
        values = [self._known(local, v) for v in self.iris(local)]
        if at_least_one and not values:
            self.fail(f"needs at least one mtus:{local}")
        return values

    def term_label(self, local: str) -> str:
        return self.c.terms.label(self.term(local))

    def term_labels(self, local: str) -> list[str]:
        return [self.c.terms.label(t) for t in self.terms(local)]

    def text_opt(self, local: str) -> str | None:
        values = self._values(local, False)
        return values[0].value if values else None

    def text(self, local: str) -> str:
        self._values(local, True)
        return self.text_opt(local) or ""

    def bool_opt(self, local: str) -> bool | None:
        text = self.text_opt(local)
        if text is None:
            return None
        if text not in ("true", "false", "1", "0"):
            self.fail(f"mtus:{local} must be true or false, got '{text}'")
        return text in ("true", "1")

    def decimal_opt(self, local: str) -> float | None:
        text = self.text_opt(local)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            self.fail(f"mtus:{local} must be a number, got '{text}'")

    def decimal(self, local: str) -> float:
        self._values(local, True)
        value = self.decimal_opt(local)
        return value if value is not None else self.fail(f"missing required mtus:{local}")

    def integer_opt(self, local: str) -> int | None:
        number = self.decimal_opt(local)
        if number is not None and number != int(number):
            self.fail(f"mtus:{local} must be a whole number, got {number}")
        return None if number is None else int(number)

    def integer(self, local: str) -> int:
        self._values(local, True)
        value = self.integer_opt(local)
        return value if value is not None else self.fail(f"missing required mtus:{local}")

    def date_opt(self, local: str) -> dt.date | None:
        text = self.text_opt(local)
        try:
            return None if text is None else dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"mtus:{local} must be a date YYYY-MM-DD, got '{text}'")

    def date(self, local: str) -> dt.date:
        self._values(local, True)
        value = self.date_opt(local)
        return value if value is not None else self.fail(f"missing required mtus:{local}")

    def criteria_list(self, local: str) -> list[Criterion]:
        self.c.read[self.node].add(m(local))
        head = self.c.index.objects(self.node, m(local))
        if len(head) != 1:
            self.fail(f"mtus:{local} must be one RDF list")
        items: list[Criterion] = []
        seen: set[str] = set()
        node = _key(head[0])
        while node != RDF_NIL:
            if node in seen:
                self.fail(f"mtus:{local} is a cyclic list")
            seen.add(node)
            first = self.c.index.objects(node, RDF_FIRST)
            rest = self.c.index.objects(node, RDF_REST)
            if len(first) != 1 or len(rest) != 1:
                self.fail(f"mtus:{local} is not a well-formed RDF list")
            items.append(self.c.criterion(_key(first[0]), parent=self.node))
            node = _key(rest[0])
        return items


# Recommended / NotRecommended decide without criteria; the other two need a root criterion.
UNCONDITIONAL = {m("Recommended"), m("NotRecommended")}
POLARITIES = UNCONDITIONAL | {m("RecommendedWithCriteria"), m("RecommendedWithLimits")}
_MULTI = {"appliesTo", "acceptedPurpose", "requiredResponse", "acceptedType", "excludedClass",
          "edition", "onDrugList"}  # sections and list entries span several editions


class Compiler:
    def __init__(self, index: Index, terms: Terminology) -> None:
        self.index = index
        self.terms = terms
        self._criteria: dict[str, Criterion] = {}
        self._in_progress: set[str] = set()
        self.read: dict[str, set[str]] = defaultdict(set)  # node -> mtus: properties read

    def unread(self) -> list[tuple[str, str]]:
        """(criterion, property) for each mtus: property of a compiled criterion that its
        kind never read: a parameter of another kind (mtus:maxDays on a quantity limit) is
        otherwise ignored without a word, and the outcome changes."""
        return [(node, p) for node in sorted(self._criteria)
                for p in sorted(self.index.props.get(node, {}))
                if p.startswith(MTUS) and p not in self.read[node]]

    def criterion(self, node: str, parent: str) -> Criterion:
        if node in self._criteria:
            return self._criteria[node]
        if node in self._in_progress:
            raise KnowledgeBaseError("criterion refers to itself", iri=node,
                                     file=self.index.files.get(node))
        kinds = [REGISTRY[t] for t in self.index.types(node) if t in REGISTRY]
        if len(kinds) != 1:
            found = ", ".join(short(t) for t in sorted(self.index.types(node))) or "no rdf:type"
            raise KnowledgeBaseError(
                f"criterion used by {short(parent)} must have exactly one known criterion kind "
                f"(one of {', '.join(short(k) for k in sorted(REGISTRY))}); found: {found}",
                file=self.index.files.get(node) or self.index.files.get(parent), iri=node)
        self._in_progress.add(node)
        compiled = kinds[0].compile(NodeReader(node, self))
        self._in_progress.discard(node)
        self._criteria[node] = compiled
        return compiled

    def edition(self, node: str) -> Edition:
        r = NodeReader(node, self)
        guideline = r.iri("guideline")
        title = NodeReader(guideline, self).text("citationTitle")
        kind = r.iri_opt("sourceKind") or NodeReader(guideline, self).iri("sourceKind")
        return Edition(iri=node, guideline=title, label=r.text("editionLabel"),
                       in_force_from=r.date("inForceFrom"),
                       in_force_until=r.date_opt("inForceUntil"),
                       mtus=kind == m("MTUSSource"), file=self.index.files.get(node, ""))

    def section(self, node: str, editions: dict[str, Edition]) -> tuple[Section, ...]:
        """One compiled section per edition it belongs to: a section whose text (as encoded)
        a later edition of the guideline carries unchanged names both editions, and is cited
        under the one in force on the request date."""
        r = NodeReader(node, self)
        named = r.iris("edition")
        if not named:
            r.fail("missing required mtus:edition")
        for edition in named:
            if edition not in editions:
                r.fail(f"mtus:edition names {short(edition)}, which is not an mtus:Edition")
        if len({editions[e].guideline for e in named}) > 1:
            r.fail("the editions of a section must be editions of one guideline")
        title, pages = r.text("sectionTitle"), r.text_opt("pages")
        return tuple(Section(iri=node, title=title, pages=pages, edition=editions[e])
                     for e in sorted(named, key=lambda e: editions[e].in_force_from))

    def recommendations(self, node: str,
                        sections: dict[str, tuple[Section, ...]]) -> list[Recommendation]:
        """The recommendation once per edition its section belongs to."""
        r = NodeReader(node, self)
        section = r.iri("section")
        if section not in sections:
            r.fail(f"mtus:section names {short(section)}, which is not an mtus:Section")
        first = self.recommendation(node, sections[section][0])
        return [first] + [replace(first, section=s) for s in sections[section][1:]]

    def recommendation(self, node: str, section: Section) -> Recommendation:
        r = NodeReader(node, self)
        polarity = r.iri("polarity")
        if polarity not in POLARITIES:
            r.fail(f"unknown mtus:polarity {short(polarity)}")
        crit = self.index.objects(node, m("criterion"))
        if polarity in UNCONDITIONAL and crit:
            r.fail(f"a recommendation with polarity {short(polarity)} takes no mtus:criterion")
        if polarity not in UNCONDITIONAL and len(crit) != 1:
            r.fail("a recommendation with criteria or limits needs exactly one mtus:criterion")
        applies = r.terms("appliesTo")
        if not applies:
            r.fail("missing required mtus:appliesTo")
        when = self.index.objects(node, m("applicableWhen"))
        return Recommendation(
            iri=node, section=section, applies_to=tuple(applies), polarity=polarity,
            criterion=self.criterion(_key(crit[0]), node) if crit else None,
            applicable_when=self.criterion(_key(when[0]), node) if when else None,
            statement=r.text("statement"), verification=r.iri("verification"),
            notes=tuple(o.value for o in self.index.objects(node, SKOS_NOTE)),
            file=self.index.files.get(node, ""), pages=r.text_opt("pages"))


def compile_program(index: Index, terms: Terminology,
                    compiler: Compiler | None = None) -> Program:
    """The program; pass `compiler` to ask it afterwards what it did not read."""
    c = compiler or Compiler(index, terms)
    editions = {n: c.edition(n) for n in index.subjects_of_type(m("Edition"))}
    sections = {n: c.section(n, editions) for n in index.subjects_of_type(m("Section"))}
    recs = tuple(rec for n in index.subjects_of_type(m("Recommendation"))
                 for rec in c.recommendations(n, sections))
    return Program(recommendations=recs, sections=tuple(s for ss in sections.values() for s in ss),
                   drug_list=compile_drug_list(c, editions),
                   editions=tuple(editions.values()), terminology=terms,
                   by_concept=_covering(recs, terms))


def _covering(recs: tuple[Recommendation, ...],
              terms: Terminology) -> Mapping[str, tuple[tuple[Recommendation, int], ...]]:
    """Concept -> (recommendation, depth) for the recommendations whose service class is the
    concept or an ancestor; depth is that of the deepest such class."""
    by_class: dict[str, list[Recommendation]] = defaultdict(list)
    for rec in recs:
        for cls in rec.applies_to:
            by_class[cls].append(rec)
    by_concept: dict[str, tuple[tuple[Recommendation, int], ...]] = {}
    for concept, ancestors in terms.ancestors.items():
        # keyed by recommendation and edition: a recommendation of a section carried into
        # several editions is one compiled recommendation per edition
        found: dict[tuple[str, str], tuple[Recommendation, int]] = {}
        for cls in ancestors:
            for r in by_class.get(cls, ()):
                key = (r.iri, r.section.edition.iri)
                depth = max(terms.depth(cls), found[key][1] if key in found else 0)
                found[key] = (r, depth)
        if found:
            by_concept[concept] = tuple(sorted(
                found.values(), key=lambda f: (f[0].iri, f[0].section.edition.in_force_from)))
    return MappingProxyType(by_concept)


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
