"""Extracted facts to RDF in the case vocabulary (ontology/mtus.ttl), like examples/seed-case.ttl.

Two triple lists: the case facts, which the reasoner reads, and the reviewer's record
(mtus:IMRDetermination per item, mtus:Reviewer), which is stored next to them but is never
passed to the reasoner. Every fact carries mtus:sourceText and its character span in the
letter (mtus:sourceStart, mtus:sourceEnd: offsets into the letter text as read, after
decoding, so text[start:end] is the passage before PDF clean-up).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from reasoner.reader.dates import parse_date
from reasoner.reader.extract import Extracted
from reasoner.reader.layout import UR_ACTIONS, Letter
from reasoner.reader.mention import Mention
from reasoner.vocab import RDF_TYPE, RDFS_LABEL, XSD, m

CASE_BASE = "https://w3id.org/mtus-kg/case/"
_KIND = {"diagnosis": ("Diagnosis", "diagnosis", "dx"), "finding": ("Finding", "finding", "f"),
         "pain": ("PainScore", "painScore", "pain"),
         "prior": ("PriorTreatment", "priorTreatment", "tx"),
         "medication": ("MedicationUse", "medication", "rx"),
         "study": ("DiagnosticStudy", "diagnosticStudy", "study"),
         "request": ("TreatmentRequest", "request", "req"),
         "assessment": ("Assessment", "assessment", "as")}
_PROPS = {"on_date": "onDate", "start": "startDate", "end": "endDate", "sessions": "sessions",
          "dose_mg": "doseMg", "doses_per_day": "dosesPerDay", "frequency": "frequencyText",
          "value": "value", "value_high": "valueHigh", "result": "resultText",
          "request_date": "requestDate", "quantity": "quantity",
          "frequency_per_week": "frequencyPerWeek", "duration_weeks": "durationWeeks",
          "duration_days": "durationDays",
          "purpose_text": "purposeText", "levels": "levels", "relief_percent": "reliefPercent",
          "relief_weeks": "reliefWeeks"}
_LINKS = {"assessment_result": "result", "context": "context", "response": "response",
          "unit": "unit", "region": "bodyRegion", "type": "requestType"}


@dataclass(frozen=True)
class LetterGraph:
    case: str
    facts: list[ox.Triple]  # what the reasoner may read
    record: list[ox.Triple]  # the reviewer's record: stored, never reasoned over

    @property
    def triples(self) -> list[ox.Triple]:
        return self.facts + self.record


def letter_id(source_name: str, letter: Letter) -> str:
    """The case number when the header gives one, else the file name without its index."""
    name = letter.header.get("case_number") or re.sub(r"^\d+_", "", source_name)
    return re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-").lower() or "letter"


def build(letter: Letter, ex: Extracted, source_name: str) -> LetterGraph:
    base = f"{CASE_BASE}imr-{letter_id(source_name, letter)}/"
    b = _Builder(base, letter)
    case = b.node("case", "Case", label=f"IMR letter {source_name}: "
                  + "; ".join(i.name for i in letter.items))
    if ex.age or ex.sex:
        spans = ex.age or ex.sex
        worker = b.node("worker", "InjuredWorker", span=(spans[1], spans[2]) if spans else None)
        b.link(case, "worker", worker)
        if ex.age:
            b.lit(worker, "age", ex.age[0])
        if ex.sex:
            b.link(worker, "sex", ox.NamedNode(m(ex.sex[0])))
    if ex.injury:
        injury = b.node("injury", "Injury", span=ex.injury[1:] if ex.injury[2] else None)
        b.lit(injury, "injuryDate", ex.injury[0])
        b.link(case, "injury", injury)
        if ex.region:
            b.link(injury, "bodyRegion", ox.NamedNode(ex.region))
    requests = []
    for n, fact in enumerate(f for f in ex.facts if f.kind in _KIND):
        node = b.fact(fact, n)
        b.link(case, _KIND[fact.kind][1], node)
        if fact.kind == "request":
            requests.append((node, fact))
    for k, ur in enumerate(f for f in ex.facts if f.kind == "ur"):
        for j, (req, _) in enumerate(requests):
            node = b.node(f"ur-{k}-{j}", "URDecision", span=(ur.start, ur.end))
            b.link(node, "about", req)
            b.link(node, "action", ox.NamedNode(ur.props["action"]))
            b.lit(node, "decisionDate", ur.props["on_date"])
            b.link(case, "urDecision", node)
    facts = b.triples
    b.triples = []
    _record(b, case, letter, requests)
    return LetterGraph(case.value, facts, b.triples)


def _record(b: _Builder, case: ox.NamedNode, letter: Letter, requests) -> None:
    reviewer = None
    if letter.header.get("licensure") or letter.header.get("specialty"):
        reviewer = b.node("reviewer", "Reviewer")
        b.lit(reviewer, "licensure", letter.header.get("licensure"))
        b.lit(reviewer, "specialty", letter.header.get("specialty"))
    if letter.layout == "progress-report" and not any(i.outcome for i in letter.items):
        return  # a treating physician's report: no review has been made
    if letter.layout in ("ur-determination", "progress-report"):
        # the UR's own actions, or those a report logs on its requests: no IMR has been made
        decided = parse_date(letter.header.get("ur_decision_date") or
                             letter.header.get("decision_date") or
                             letter.header.get("ur_denial_date") or "")
        for n, (req, fact) in enumerate(requests):
            item = letter.items[fact.props["item"]]
            if item.outcome in UR_ACTIONS:
                ur = b.node(f"ur-item-{n}", "URDecision")
                b.link(case, "urDecision", ur)
                b.link(ur, "about", req)
                b.link(ur, "action", ox.NamedNode(m(UR_ACTIONS[item.outcome])))
                b.lit(ur, "decisionDate", decided)
        return
    for n, (req, fact) in enumerate(requests):
        item = letter.items[fact.props["item"]]
        imr = b.node(f"imr-{n}", "IMRDetermination")
        b.link(case, "imrDetermination", imr)
        b.link(imr, "about", req)
        if item.outcome:
            b.link(imr, "imrOutcome", ox.NamedNode(m(item.outcome.capitalize())))
        b.lit(imr, "citedGuidelineText", item.guideline)
        b.lit(imr, "rationale", item.rationale)
        if reviewer is not None:
            b.link(imr, "reviewer", reviewer)


class _Builder:
    def __init__(self, base: str, letter: Letter) -> None:
        self.base, self.letter = base, letter
        self.triples: list[ox.Triple] = []

    def node(self, local: str, cls: str, label: str | None = None,
             span: tuple[int, int] | None = None) -> ox.NamedNode:
        node = ox.NamedNode(self.base + local)
        self.triples.append(ox.Triple(node, _named(RDF_TYPE), _named(m(cls))))
        if label:
            self.triples.append(ox.Triple(node, _named(RDFS_LABEL), ox.Literal(label)))
        if span and span[1] > span[0]:
            self.provenance(node, *span)
        return node

    def provenance(self, node, start: int, end: int) -> None:
        original = self.letter.cleaned.span(start, end)
        self.lit(node, "sourceText", self.letter.text[start:end].replace("\n", " "))
        self.lit(node, "sourceStart", original[0])
        self.lit(node, "sourceEnd", original[1])

    def fact(self, fact: Mention, n: int) -> ox.NamedNode:
        cls, _, prefix = _KIND[fact.kind]
        span = fact.props.get("provenance", (fact.start, fact.end))
        node = self.node(f"{prefix}-{n}", cls, label=fact.label.replace("\n", " "), span=span)
        if fact.concept:
            self.link(node, "concept", _named(fact.concept))
        if "present" in fact.props:
            self.link(node, "status", _named(m("Present" if fact.props["present"]
                                                 else "Absent")))
        if fact.props.get("side"):
            self.link(node, "side", _named(m(fact.props["side"])))
        props = fact.props
        for key, local in _PROPS.items():
            if (value := props.get(key)) is not None:  # (most of the slots are empty)
                self.lit(node, local, value)
        for key, local in _LINKS.items():
            if fact.props.get(key):
                self.link(node, local, _named(fact.props[key]))
        for purpose in fact.props.get("purposes", ()):
            self.link(node, "purpose", _named(purpose))
        for ingredient in fact.props.get("ingredients", ()):
            self.link(node, "ingredient", _named(ingredient))
        return node

    def link(self, s, local: str, o) -> None:
        self.triples.append(ox.Triple(s, _named(m(local)), o))

    def lit(self, s, local: str, value) -> None:
        if value is None:
            return
        if hasattr(value, "isoformat"):
            literal = ox.Literal(value.isoformat(), datatype=_named(XSD + "date"))
        elif isinstance(value, bool) or not isinstance(value, int | float):
            literal = ox.Literal(str(value))
        elif isinstance(value, int) or float(value).is_integer() and local not in (
                "doseMg", "dosesPerDay", "value", "valueHigh"):
            literal = ox.Literal(str(int(value)), datatype=_named(XSD + "integer"))
        else:
            literal = ox.Literal(str(value), datatype=_named(XSD + "decimal"))
        self.triples.append(ox.Triple(s, _named(m(local)), literal))


_NAMED: dict[str, ox.NamedNode] = {}


def _named(iri: str) -> ox.NamedNode:
    """The node of a vocabulary IRI (a property, a class, a datatype), made once: a letter's
    graph names the same few hundred, and making a node checks its IRI every time."""
    node = _NAMED.get(iri)
    if node is None:
        node = _NAMED[iri] = ox.NamedNode(iri)
    return node
