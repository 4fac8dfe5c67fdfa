"""Determinations as JSON (the output contract) and as RDF with PROV-O (for the store)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

import pyoxigraph as ox

from reasoner.engine.compile import Recommendation
from reasoner.engine.decide import Determination, Node, Outcome
from reasoner.vocab import DET, PROV, RDF_TYPE, RUN, XSD, m

VERIFICATION_TAGS = {m("Verified"): "V", m("WorkingKnowledge"): "K", m("Uncertain"): "K?"}
ACTION = {
    Outcome.MEDICALLY_NECESSARY: "criteria met: may be certified",
    Outcome.NOT_MEDICALLY_NECESSARY: "criteria not met: route to a physician reviewer with the "
                                     "reasons",
    Outcome.INSUFFICIENT_DOCUMENTATION: "not documented: request the missing documentation, "
                                        "or route to a physician reviewer",
    Outcome.NOT_ADDRESSED: "not addressed by the encoded MTUS: apply other guidelines per the "
                           "medical evidence search sequence (8 CCR 9792.21.1); reviewer judgement",
}


def _tag(verification: str | None) -> str | None:
    return VERIFICATION_TAGS.get(verification) if verification else None


def citation(rec: Recommendation, also: tuple = ()) -> dict:
    """The citation as IMR letters print it; `also`: sections of decisive criteria taken from
    elsewhere in the guideline (e.g. 'Opioids, dosing, page 86')."""
    section, edition = rec.section, rec.section.edition
    text = f"{edition.guideline}, Section(s): " + "; ".join(
        _section_text(s.title, p) for s, p in [(section, rec.pages or section.pages)]
        + [(s, s.pages) for s in also])
    return {"guideline": edition.guideline, "section": section.title,
            "pages": rec.pages or section.pages, "edition": edition.label,
            "edition_iri": edition.iri, "section_iri": section.iri,
            "source": "MTUS" if edition.mtus else "non-MTUS", "text": text,
            "also": [{"section": s.title, "pages": s.pages, "section_iri": s.iri} for s in also]}


def _section_text(title: str, pages: str | None) -> str:
    if not pages:
        return title
    return f"{title}, page{'s' if '-' in pages or ',' in pages else ''} {pages}"


def determination_json(d: Determination) -> dict:
    req, terms = d.request, d.context.terms
    out: dict[str, Any] = {
        "request": req.node,
        "service": req.label or terms.label(req.concept),
        "service_concept": req.concept,
        "request_date": req.request_date.isoformat() if req.request_date else None,
        "outcome": d.outcome.value,
        "imr_equivalent": d.outcome.imr_equivalent,
        "action": ACTION[d.outcome],
        "recommendation": None, "citation": None, "criteria": [], "decisive": [],
        "missing": list(d.missing), "would_change": list(d.would_change), "notes": [],
        "also_applied": [a.recommendation.iri for a in d.also_applied],
    }
    if d.applied is None:
        out["notes"] = [f"No encoded recommendation in force on {out['request_date']} "
                            f"applies to {terms.label(req.concept)}."]
        return out
    rec = d.applied.recommendation
    decisive_ids = {id(n) for n in d.decisive}
    out["recommendation"] = {"iri": rec.iri, "statement": rec.statement,
                             "polarity": rec.polarity.rsplit("#", 1)[-1],
                             "verification": _tag(rec.verification)}
    out["citation"] = citation(rec, d.also_cites)
    out["criteria"] = list(_trace(d.applied.root, None, 0, decisive_ids))
    out["decisive"] = [n.criterion.iri for n in d.decisive]
    out["notes"] = _notes(d)
    return out


def _trace(node: Node, parent: str | None, depth: int, decisive_ids: set[int]):
    c = node.criterion
    item = {"criterion": c.iri, "kind": c.kind, "statement": c.statement,
            "result": node.truth.value, "decisive": id(node) in decisive_ids,
            "parent": parent, "depth": depth,
            "verification": _tag(c.verification),
            "evidence": [e.as_dict() for e in node.judgement.evidence] if node.judgement else [],
            "note": node.judgement.note if node.judgement else ""}
    yield item
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
    if not d.applied.recommendation.section.edition.mtus:
        notes.append("The MTUS is silent here: this recommendation comes from a non-MTUS "
                     "guideline under the medical evidence search sequence (8 CCR 9792.21.1).")
    return notes


def case_json(result, kb) -> dict:
    return {"case": result.case, "knowledge_base": {"digest": kb.digest},
            "warnings": [w.as_dict() for w in result.warnings],
            "determinations": [determination_json(d) for d in result.determinations]}


# RDF -------------------------------------------------------------------------------------

def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value, datatype: str | None = None) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(datatype)) if datatype else ox.Literal(str(value))


def determination_iri(request: str, digest: str) -> str:
    return DET + hashlib.sha256(f"{request}\0{digest}".encode()).hexdigest()[:24]


def run_triples(result, kb, run_iri: str | None = None) -> tuple[str, list[ox.Triple]]:
    """A PROV-O activity for this reasoning run and one mtus:Determination per request."""
    run = _n(run_iri or RUN + uuid.uuid4().hex)
    now = dt.datetime.now(dt.UTC).isoformat()
    triples = [ox.Triple(run, _n(RDF_TYPE), _n(PROV + "Activity")),
               ox.Triple(run, _n(PROV + "used"), _n(result.case)),
               ox.Triple(run, _n(PROV + "endedAtTime"), _lit(now, XSD + "dateTime")),
               ox.Triple(run, _n(m("knowledgeBaseDigest")), _lit(kb.digest))]
    for d in result.determinations:
        triples += _determination_triples(d, run, kb.digest)
    return run.value, triples


def _determination_triples(d: Determination, run: ox.NamedNode, digest: str) -> list[ox.Triple]:
    node = _n(determination_iri(d.request.node, digest) + "-" + run.value.rsplit("/", 1)[-1][:8])
    outcome = {Outcome.MEDICALLY_NECESSARY: "MedicallyNecessary",
               Outcome.NOT_MEDICALLY_NECESSARY: "NotMedicallyNecessary",
               Outcome.INSUFFICIENT_DOCUMENTATION: "InsufficientDocumentation",
               Outcome.NOT_ADDRESSED: "NotAddressed"}[d.outcome]
    t = [ox.Triple(node, _n(RDF_TYPE), _n(m("Determination"))),
         ox.Triple(node, _n(RDF_TYPE), _n(PROV + "Entity")),
         ox.Triple(node, _n(PROV + "wasGeneratedBy"), run),
         ox.Triple(node, _n(m("about")), _n(d.request.node)),
         ox.Triple(node, _n(m("outcome")), _n(m(outcome)))]
    if d.outcome.imr_equivalent:
        t.append(ox.Triple(node, _n(m("imrEquivalent")),
                           _n(m(d.outcome.imr_equivalent.capitalize()))))
    t += [ox.Triple(node, _n(m("missingDocumentation")), _lit(x)) for x in d.missing]
    t += [ox.Triple(node, _n(m("wouldChange")), _lit(x)) for x in d.would_change]
    if d.applied is None:
        return t
    rec = d.applied.recommendation
    t += [ox.Triple(node, _n(m("recommendation")), _n(rec.iri)),
          ox.Triple(node, _n(m("citedSection")), _n(rec.section.iri)),
          ox.Triple(node, _n(m("citation")), _lit(citation(rec, d.also_cites)["text"]))]
    decisive_ids = {id(n) for n in d.decisive}
    for i, n in enumerate(_nodes(d.applied.root)):
        r = _n(f"{node.value}/criterion/{i}")
        truth = {"met": "Met", "not-met": "NotMet", "unknown": "NotDocumented"}[n.truth.value]
        t += [ox.Triple(node, _n(m("criterionResult")), r),
              ox.Triple(r, _n(RDF_TYPE), _n(m("CriterionResult"))),
              ox.Triple(r, _n(m("sourceCriterion")), _n(n.criterion.iri)),
              ox.Triple(r, _n(m("truth")), _n(m(truth))),
              ox.Triple(r, _n(m("decisive")), _lit(str(id(n) in decisive_ids).lower(),
                                                   XSD + "boolean")),
              ox.Triple(r, _n(m("message")), _lit(n.criterion.statement))]
        if n.judgement:
            t += [ox.Triple(r, _n(m("usedFact")), _fact_node(e.node)) for e in n.judgement.evidence]
    return t


def _nodes(node: Node):
    yield node
    for child in node.children:
        yield from _nodes(child)


def _fact_node(key: str):
    return ox.BlankNode(key[2:]) if key.startswith("_:") else _n(key)
