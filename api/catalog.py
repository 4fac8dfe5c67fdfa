"""The guideline catalog: the compiled program's recommendations as wire models, built once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pyoxigraph as ox

from api.schemas import CriterionNode, Edition, GuidelineDetail, GuidelineSummary, TermRef
from reasoner.engine.compile import Recommendation
from reasoner.engine.criteria import Criterion
from reasoner.engine.kb import KnowledgeBase
from reasoner.engine.report import VERIFICATION_TAGS, citation
from reasoner.vocab import GL, RDFS_LABEL

# Criterion fields shown elsewhere in the node, not as parameters.
_COMMON = {"iri", "statement", "missing_text", "verification", "section", "operands"}
_Subject = ox.NamedNode | ox.BlankNode | ox.Triple


class Catalog:
    def __init__(self, details: list[GuidelineDetail], kb: KnowledgeBase | None = None,
                 nodes: dict[str, tuple[str, ...]] | None = None) -> None:
        self.details = details
        self._by_id = {d.id: d for d in details if d.id}
        self._kb = kb
        self._nodes = nodes or {}  # recommendation IRI -> the IRIs its RDF form describes
        self._by_subject: dict[_Subject, list[ox.Triple]] | None = None

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> Catalog:
        labels = _labels(kb)
        # a recommendation carried into later editions is listed once, under its latest
        latest: dict[str, Recommendation] = {}
        for rec in kb.program.recommendations:
            seen = latest.get(rec.iri)
            start = rec.section.edition.in_force_from
            if seen is None or start > seen.section.edition.in_force_from:
                latest[rec.iri] = rec
        recs = tuple(latest.values())
        return cls([_detail(rec, kb, labels) for rec in recs], kb,
                   {rec.iri: _nodes(rec) for rec in recs})

    def summaries(self) -> list[GuidelineSummary]:
        return [GuidelineSummary.model_validate(d.model_dump()) for d in self.details]

    def get(self, local_id: str) -> GuidelineDetail | None:
        return self._by_id.get(local_id)

    def triples(self, detail: GuidelineDetail) -> list[ox.Triple]:
        """The knowledge base's triples about a recommendation, its criteria (both trees), its
        section and edition, with the blank nodes they reach (the operand lists)."""
        if self._kb is None:
            return []
        if self._by_subject is None:  # built on the first RDF request, not at start-up
            index: dict[_Subject, list[ox.Triple]] = {}
            for t in self._kb.triples:
                index.setdefault(t.subject, []).append(t)
            self._by_subject = index
        todo: list[_Subject] = [
            ox.NamedNode(iri) for iri in self._nodes.get(detail.iri, (detail.iri,))]
        seen: set[_Subject] = set()
        out: list[ox.Triple] = []
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for t in self._by_subject.get(node, ()):
                out.append(t)
                if isinstance(t.object, ox.BlankNode):
                    todo.append(t.object)
        return out


def _labels(kb: KnowledgeBase) -> dict[str, str]:
    wanted = {rec.iri for rec in kb.program.recommendations}
    labels: dict[str, str] = {}
    for t in kb.triples:
        subject, label = t.subject, t.object
        if (t.predicate.value != RDFS_LABEL or not isinstance(label, ox.Literal)
                or not isinstance(subject, ox.NamedNode) or subject.value not in wanted):
            continue
        # An English label wins over one in another language.
        if subject.value not in labels or label.language == "en":
            labels[subject.value] = label.value
    return labels


def _detail(rec: Recommendation, kb: KnowledgeBase, labels: dict[str, str]) -> GuidelineDetail:
    edition = rec.section.edition
    cited = citation(rec)
    return GuidelineDetail(
        id=rec.iri[len(GL):] if rec.iri.startswith(GL) else None,
        iri=rec.iri, label=labels.get(rec.iri), statement=rec.statement,
        polarity=rec.polarity.rsplit("#", 1)[-1],
        verification=VERIFICATION_TAGS.get(rec.verification or ""),
        applies_to=[TermRef(iri=c, label=kb.terms.label(c)) for c in rec.applies_to],
        citation=cited, source=cited.source,
        edition=Edition(iri=edition.iri, label=edition.label, guideline=edition.guideline,
                        in_force_from=edition.in_force_from,
                        in_force_until=edition.in_force_until),
        criteria=_tree(rec.criterion), applicable_when=_tree(rec.applicable_when),
        notes=list(rec.notes), file=rec.file)


def _nodes(rec: Recommendation) -> tuple[str, ...]:
    """The recommendation, every criterion in its trees (and a section one cites), its section
    and its edition."""
    iris = [rec.iri]
    todo = [c for c in (rec.criterion, rec.applicable_when) if c is not None]
    while todo:
        criterion = todo.pop()
        iris += [criterion.iri, criterion.section or ""]
        todo.extend(getattr(criterion, "operands", ()))
    iris += [rec.section.iri, rec.section.edition.iri]
    return tuple(dict.fromkeys(i for i in iris if i and not i.startswith("_:")))


def _tree(criterion: Criterion | None) -> CriterionNode | None:
    if criterion is None:
        return None
    parameters = {f.name: _plain(getattr(criterion, f.name))
                  for f in dataclasses.fields(criterion) if f.name not in _COMMON}
    children = [_tree(op) for op in getattr(criterion, "operands", ())]
    return CriterionNode(iri=criterion.iri, kind=criterion.kind, statement=criterion.statement,
                         verification=VERIFICATION_TAGS.get(criterion.verification or ""),
                         parameters=parameters, children=[c for c in children if c])


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    return str(value)
