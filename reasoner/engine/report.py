"""The output model: one typed report per case, the same for the CLI's JSON, the API, the RDF run
graph stored beside the case (PROV-O) and the letter scorer.

The report types are plain slotted dataclasses: orjson serialises them natively (the API's hot
path), pydantic derives their JSON Schema for OpenAPI from the same classes, and nothing reads
a report back by key. Field order is the order of the JSON output contract.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox

from reasoner.engine.compile import Recommendation, Section
from reasoner.engine.decide import Determination, Node, Outcome
from reasoner.engine.formulary import ListStatus
from reasoner.errors import Problem
from reasoner.vocab import DET, PROV, RDF_TYPE, RUN, XSD, m

if TYPE_CHECKING:
    from reasoner.engine.kb import CaseResult

VERIFICATION_TAGS = {m("Verified"): "V", m("WorkingKnowledge"): "K", m("Uncertain"): "K?"}
# A "met" that rests on a criterion of low confidence [K?] is not certified on its word alone.
UNSETTLED_CERTIFY = ("criteria met on low-confidence criteria [K?]: check the cited guideline "
                     "text before certifying")
ACTION = {
    Outcome.MEDICALLY_NECESSARY: "criteria met: may be certified",
    Outcome.NOT_MEDICALLY_NECESSARY: "criteria not met: route to a physician reviewer with the "
                                     "reasons",
    Outcome.INSUFFICIENT_DOCUMENTATION: "not documented: request the missing documentation, "
                                        "or route to a physician reviewer",
    Outcome.NOT_ADDRESSED: "not addressed by the encoded MTUS: apply other guidelines per the "
                           "medical evidence search sequence (8 CCR 9792.21.1); reviewer judgement",
    Outcome.NOT_MEDICAL_TREATMENT: "not medical treatment: outside the MTUS medical-necessity "
                                   "question; route to the claims administrator",
}
Verification = Literal["V", "K", "K?"]


# The model ---------------------------------------------------------------------------------

@dataclass(slots=True)
class EvidenceItem:
    """A case fact a criterion used: its node (IRI or blank node label) and plain words."""

    fact: str
    text: str


@dataclass(slots=True)
class CriterionResult:
    """One criterion of the applied recommendation, in depth-first order."""

    criterion: str
    kind: str
    statement: str
    result: Literal["met", "not-met", "unknown"]
    decisive: bool
    parent: str | None
    depth: int
    verification: Verification | None
    evidence: list[EvidenceItem]
    note: str
    evidence_total: int = 0  # facts the criterion read; more than `evidence` lists when capped


@dataclass(slots=True)
class RecommendationRef:
    iri: str
    statement: str
    polarity: str
    verification: Verification | None


@dataclass(slots=True)
class SectionRef:
    section: str
    pages: str | None
    section_iri: str


@dataclass(slots=True)
class Citation:
    """The citation as IMR letters print it (`text`), and its parts."""

    guideline: str
    section: str
    pages: str | None
    edition: str
    edition_iri: str
    section_iri: str
    source: Literal["MTUS", "non-MTUS"]
    text: str
    also: list[SectionRef]  # sections of decisive criteria taken from elsewhere in the guideline

    def sections(self) -> list[str]:
        return [self.section] + [a.section for a in self.also]


@dataclass(slots=True)
class DrugListReport:
    """The MTUS Drug List beside a drug determination: whether prospective review is needed
    before dispensing (not medical necessity), by the list version in force on the request
    date."""

    version: str
    version_iri: str
    status: Literal["exempt", "non-exempt", "unlisted", "not encoded"]
    prospective_review: str
    special_fill: str | None  # applies | does not apply | not documented; None: not allowed
    perioperative_fill: str | None
    entry: str | None
    verification: Verification | None
    text: str


@dataclass(slots=True)
class DeterminationReport:
    """The decision on one requested service, with its proof."""

    request: str
    service: str
    service_concept: str | None
    request_date: str | None
    outcome: Literal["medically-necessary", "not-medically-necessary",
                     "insufficient-documentation", "not-addressed", "not-medical-treatment"]
    imr_equivalent: Literal["upheld", "overturned"] | None
    action: str
    recommendation: RecommendationRef | None
    citation: Citation | None
    criteria: list[CriterionResult]
    decisive: list[str]
    missing: list[str]
    would_change: list[str]
    notes: list[str]
    also_applied: list[str]
    drug_list: DrugListReport | None = None  # drugs requested on or after 2018-01-01


@dataclass(slots=True)
class KnowledgeBaseRef:
    digest: str


@dataclass(slots=True)
class CaseReport:
    """The output contract: one determination per requested service of a case."""

    case: str
    knowledge_base: KnowledgeBaseRef
    warnings: list[Problem]
    determinations: list[DeterminationReport]
    run: str | None = field(default=None)  # the stored run graph; None when not stored


# Building a report -------------------------------------------------------------------------

def _tag(verification: str | None) -> Verification | None:
    return VERIFICATION_TAGS.get(verification) if verification else None  # type: ignore[return-value]


def citation(rec: Recommendation, also: Sequence[Section] = ()) -> Citation:
    """The citation as IMR letters print it; `also`: sections of decisive criteria taken from
    elsewhere in the guideline (e.g. 'Opioids, dosing, page 86')."""
    section, edition = rec.section, rec.section.edition
    pages = rec.pages or section.pages
    text = f"{edition.guideline}, Section(s): " + "; ".join(
        _section_text(s.title, p) for s, p in [(section, pages)] + [(s, s.pages) for s in also])
    return Citation(edition.guideline, section.title, pages, edition.label, edition.iri,
                    section.iri, "MTUS" if edition.mtus else "non-MTUS", text,
                    [SectionRef(s.title, s.pages, s.iri) for s in also])


def _section_text(title: str, pages: str | None) -> str:
    if not pages:
        return title
    return f"{title}, page{'s' if '-' in pages or ',' in pages else ''} {pages}"


def determination_report(d: Determination) -> DeterminationReport:
    req, terms = d.request, d.context.terms
    date = req.request_date.isoformat() if req.request_date else None
    out = DeterminationReport(
        request=req.node, service=req.label or terms.label(req.concept),
        service_concept=req.concept, request_date=date,
        outcome=d.outcome.value,
        imr_equivalent=d.outcome.imr_equivalent,  # type: ignore[arg-type]
        action=ACTION[d.outcome], recommendation=None, citation=None, criteria=[],
        decisive=[], missing=list(d.missing), would_change=list(d.would_change), notes=[],
        also_applied=[a.recommendation.iri for a in d.also_applied],
        drug_list=_drug_list(d.drug_list))
    if d.outcome is Outcome.NOT_MEDICAL_TREATMENT:
        out.notes = [_not_treatment(d)]
        return out
    if d.applied is None:
        out.notes = [*_follows(d), _unapplied(d, date)]
        return out
    rec = d.applied.recommendation
    decisive_ids = {id(n) for n in d.decisive}
    out.recommendation = RecommendationRef(rec.iri, rec.statement,
                                           rec.polarity.rsplit("#", 1)[-1],
                                           _tag(rec.verification))
    out.citation = citation(rec, d.also_cites)
    out.criteria = list(_trace(d.applied.root, None, 0, decisive_ids))
    out.decisive = [n.criterion.iri for n in d.decisive]
    out.notes = [*_follows(d), *_notes(d)]
    if d.outcome is Outcome.MEDICALLY_NECESSARY and any(
            _tag(n.criterion.verification) == "K?" for n in d.decisive):
        # only a physician may deny, but certifying on an unsettled reading is no better
        out.action = UNSETTLED_CERTIFY
    return out


def _follows(d: Determination) -> list[str]:
    """The note of a service decided with the operation it is for."""
    if d.follows is None:
        return []
    operation = d.follows.request
    return [f"A service for the requested "
            f"{operation.label or d.context.terms.label(operation.concept)}, which is "
            f"{d.follows.outcome.value}: IMR decides a procedure's associated services with "
            "it, so this one is needed only if the operation is."
            + (" Its own rule is the one for care after that operation, as if done on the "
               "request date." if d.after_it else "")]


def _drug_list(status: ListStatus | None) -> DrugListReport | None:
    if status is None:
        return None
    entry = status.entry
    states = (("Special Fill", status.special_fill),
              ("Perioperative Fill", status.perioperative_fill))
    fills = [f"{name}: {state}" for name, state in states if state]
    tag = _tag(entry.verification) if entry else None
    text = (f"MTUS {status.version.label}: {status.status}; prospective review "
            f"{status.review}" + (f" ({'; '.join(fills)})" if fills else "")
            + (f" [{tag}]" if tag else "") + ". The Drug List decides review, not medical "
            "necessity.")
    return DrugListReport(status.version.label, status.version.iri,
                          status.status,  # type: ignore[arg-type]
                          status.review, status.special_fill, status.perioperative_fill,
                          entry.iri if entry else None, tag, text)


def _unapplied(d: Determination, date: str | None) -> str:
    label = d.context.terms.label(d.request.concept)
    if d.undecided == "kind":
        return (f"No encoded recommendation in force on {date} applies to {label} itself: the "
                "guidelines decide the services of that kind one by one.")
    if d.undecided == "context":
        return (f"The recommendations in force on {date} for {label} apply only in clinical "
                "situations the case does not document (see missing): once documented, the "
                "request can be decided.")
    return f"No encoded recommendation in force on {date} applies to {label}."


def _not_treatment(d: Determination) -> str:
    """The reason, from the terminology: the definition of the service's non-medical kind."""
    terms, concept = d.context.terms, d.request.concept
    return (f"'{terms.label(concept)}' is not medical treatment: "
            f"{(terms.definition(concept) or terms.label(concept)).rstrip('.')}. Labor Code 4600 "
            "covers treatment reasonably required to cure or relieve the effects of the injury, "
            "which is what the MTUS decides.")


# A proof lists at most this many facts per criterion, with their total. A reviewer reads the
# first few; past them the facts repeat one kind, and listing all of them made a case of 50
# requests x 2,000 findings write 100,000 evidence links per stored run (red-team round 6, F9).
MAX_EVIDENCE = 20


def _trace(node: Node, parent: str | None, depth: int,
           decisive_ids: set[int]) -> Iterator[CriterionResult]:
    c, judged = node.criterion, node.judgement
    evidence = judged.evidence if judged else ()
    yield CriterionResult(
        c.iri, c.kind, c.statement, node.truth.value,
        id(node) in decisive_ids, parent, depth, _tag(c.verification),
        [EvidenceItem(e.node, e.text) for e in evidence[:MAX_EVIDENCE]],
        judged.note if judged else "", len(evidence))
    for child in node.children:
        yield from _trace(child, c.iri, depth + 1, decisive_ids)


def _notes(d: Determination) -> list[str]:
    assert d.applied is not None
    notes = []
    tags = {_tag(n.criterion.verification) for n in d.decisive}
    if "K?" in tags:
        notes.append("This outcome rests on a criterion of low confidence [K?]; it is not settled "
                     "guideline text and must be checked against the primary source.")
    elif "K" in tags:
        notes.append("This outcome rests on a criterion taken from working knowledge of the "
                     "guideline [K], not verified against the primary text.")
    if "K?" not in tags and _tag(d.applied.recommendation.verification) == "K?":
        # a criterion shared with an earlier edition keeps its own tag; that the recommendation
        # holds in this edition at all may be the unverified part
        notes.append("The recommendation itself is of low confidence [K?] in this edition (its "
                     "carry-over or wording is unverified): check it against the primary source.")
    if not d.applied.recommendation.section.edition.mtus:
        notes.append("The MTUS is silent here: this recommendation comes from a non-MTUS "
                     "guideline under the medical evidence search sequence (8 CCR 9792.21.1).")
    return notes


def case_report(result: CaseResult, digest: str) -> CaseReport:
    return CaseReport(result.case, KnowledgeBaseRef(digest), list(result.warnings),
                      [determination_report(d) for d in result.determinations])


# The run graph (RDF, PROV-O) ---------------------------------------------------------------

_OUTCOME_CLASS = {"medically-necessary": "MedicallyNecessary",
                  "not-medically-necessary": "NotMedicallyNecessary",
                  "insufficient-documentation": "InsufficientDocumentation",
                  "not-addressed": "NotAddressed",
                  "not-medical-treatment": "NotMedicalTreatment"}
_TRUTH_CLASS = {"met": "Met", "not-met": "NotMet", "unknown": "NotDocumented"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: object, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(datatype)) if datatype else ox.Literal(str(value))


def _xsd_now() -> str:
    """The time now as xsd:dateTime in its canonical form (UTC as Z, no trailing zeros in the
    fraction), as stores write it back: the run graph answered and the one stored are equal."""
    stamp = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "")
    if "." in stamp:
        stamp = stamp.rstrip("0").rstrip(".")
    return stamp + "Z"


def determination_iri(request: str, digest: str) -> str:
    return DET + hashlib.sha256(f"{request}\0{digest}".encode()).hexdigest()[:24]


def new_run_iri() -> str:
    return RUN + uuid.uuid4().hex


def run_triples(report: CaseReport, run_iri: str | None = None) -> tuple[str, list[ox.Triple]]:
    """The report as RDF: a PROV-O activity for the run and one mtus:Determination per
    request, with its criterion results and the facts they used."""
    run = _n(run_iri or new_run_iri())
    digest = report.knowledge_base.digest
    now = _xsd_now()
    triples = [ox.Triple(run, _n(RDF_TYPE), _n(PROV + "Activity")),
               ox.Triple(run, _n(PROV + "used"), _n(report.case)),
               ox.Triple(run, _n(PROV + "endedAtTime"), _lit(now, XSD + "dateTime")),
               ox.Triple(run, _n(m("knowledgeBaseDigest")), _lit(digest))]
    for d in report.determinations:
        triples += _determination_triples(d, run, digest)
    return run.value, triples


def _determination_triples(d: DeterminationReport, run: ox.NamedNode,
                           digest: str) -> list[ox.Triple]:
    node = _n(determination_iri(d.request, digest) + "-" + run.value.rsplit("/", 1)[-1][:8])
    t = [ox.Triple(node, _n(RDF_TYPE), _n(m("Determination"))),
         ox.Triple(node, _n(RDF_TYPE), _n(PROV + "Entity")),
         ox.Triple(node, _n(PROV + "wasGeneratedBy"), run),
         ox.Triple(node, _n(m("about")), _n(d.request)),
         ox.Triple(node, _n(m("outcome")), _n(m(_OUTCOME_CLASS[d.outcome])))]
    if d.imr_equivalent:
        t.append(ox.Triple(node, _n(m("imrEquivalent")), _n(m(d.imr_equivalent.capitalize()))))
    t += [ox.Triple(node, _n(m("missingDocumentation")), _lit(x)) for x in d.missing]
    t += [ox.Triple(node, _n(m("wouldChange")), _lit(x)) for x in d.would_change]
    if d.recommendation is None or d.citation is None:
        return t
    t += [ox.Triple(node, _n(m("recommendation")), _n(d.recommendation.iri)),
          ox.Triple(node, _n(m("citedSection")), _n(d.citation.section_iri)),
          ox.Triple(node, _n(m("citation")), _lit(d.citation.text))]
    for i, c in enumerate(d.criteria):
        r = _n(f"{node.value}/criterion/{i}")
        t += [ox.Triple(node, _n(m("criterionResult")), r),
              ox.Triple(r, _n(RDF_TYPE), _n(m("CriterionResult"))),
              ox.Triple(r, _n(m("sourceCriterion")), _n(c.criterion)),
              ox.Triple(r, _n(m("truth")), _n(m(_TRUTH_CLASS[c.result]))),
              ox.Triple(r, _n(m("decisive")), _lit(str(c.decisive).lower(), XSD + "boolean")),
              ox.Triple(r, _n(m("message")), _lit(c.statement))]
        t += [ox.Triple(r, _n(m("usedFact")), _fact_node(e.fact)) for e in c.evidence]
        if c.evidence_total > len(c.evidence):
            t.append(ox.Triple(r, _n(m("usedFactCount")),
                               _lit(c.evidence_total, XSD + "integer")))
    return t


def _fact_node(key: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(key[2:]) if key.startswith("_:") else _n(key)
