"""Guideline test cases: a case file that also states the determinations a reviewer expects.

A test case is a Turtle case in the vocabulary of examples/seed-case.ttl plus one or more
expectations in the test vocabulary (prefix t: <https://w3id.org/mtus-kg/test#>):

    :expect a t:Expectation ; t:request :req ; t:outcome "not-medically-necessary" ;
        t:recommendation gl:... ; t:decisive gl:... ;
        t:missing "substring of a missing item" ;      # optional, repeatable
        t:citationSection "Special Studies" ;          # optional
        t:citationPages "303" ;                        # optional
        t:knownGap "why it fails today" ;              # optional: a known reasoner bug
        rdfs:comment "what it tests" .

Expectation nodes are removed before reasoning, so the reasoner sees exactly the case a user
would submit. t:decisive is compared with the FIRST decisive criterion of the determination and
t:recommendation with the applied recommendation; both are omitted for "not-addressed" and
"not-medical-treatment".
An expectation with t:knownGap states the right outcome for a case the reasoner gets wrong
today; run_case_test still reports it, and the test suite marks it as an expected failure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pyoxigraph as ox

from reasoner.engine.decide import Determination, Outcome
from reasoner.engine.intake import parse
from reasoner.engine.report import citation
from reasoner.errors import IncompleteCase, InputError
from reasoner.vocab import RDF_TYPE, RDFS, m, short

T = "https://w3id.org/mtus-kg/test#"
EXPECTATION = T + "Expectation"
OUTCOMES = {o.value for o in Outcome}
_SINGLE = {"request", "outcome", "recommendation", "decisive", "citationSection",
           "citationPages", "knownGap"}
_ALLOWED = {T + p for p in _SINGLE | {"missing"}} | {RDF_TYPE, RDFS + "comment",
                                                     RDFS + "label"}


@dataclass(frozen=True)
class Expectation:
    """What one requested service of the case should come to."""

    node: str
    request: str
    outcome: str
    recommendation: str | None
    decisive: str | None
    missing: tuple[str, ...]
    citation_section: str | None
    citation_pages: str | None
    known_gap: str | None
    comment: str | None


@dataclass(frozen=True)
class CaseTest:
    path: Path
    name: str  # path relative to the test-case folder: the test id
    triples: tuple[ox.Triple, ...]  # the case without its expectations
    expectations: tuple[Expectation, ...]

    @property
    def known_gap(self) -> str | None:
        """Why the case is expected to fail today (a known reasoner bug), if it is."""
        return next((e.known_gap for e in self.expectations if e.known_gap), None)


def discover(root: Path | str) -> list[Path]:
    """Test-case files under root/tests/cases (root = repository), or under root itself."""
    root = Path(root)
    cases = root / "tests" / "cases"
    return sorted((cases if cases.is_dir() else root).glob("**/*.ttl"))


def _cases_dir(path: Path) -> Path | None:
    for parent in path.parents:
        if parent.name == "cases" and parent.parent.name == "tests":
            return parent
    return None


def load_case_test(path: Path | str) -> CaseTest:
    path = Path(path)
    source = str(path)
    triples = parse(path.read_bytes(), "text/turtle", source=source)
    nodes = {_key(t.subject) for t in triples
             if t.predicate.value == RDF_TYPE and t.object == ox.NamedNode(EXPECTATION)}
    if not nodes:
        raise InputError("a test case needs at least one t:Expectation", source=source)
    props: dict[str, dict[str, list]] = {n: {} for n in nodes}
    case = []
    for t in triples:
        subject = _key(t.subject)
        if subject in nodes:
            props[subject].setdefault(t.predicate.value, []).append(t.object)
        else:
            case.append(t)
    expectations = tuple(_expectation(n, props[n], source) for n in sorted(nodes))
    base = _cases_dir(path)
    name = str(path.relative_to(base)) if base else path.name
    return CaseTest(path, name, tuple(case), expectations)


def _expectation(node: str, props: dict[str, list], source: str) -> Expectation:
    def fail(message: str) -> NoReturn:
        raise InputError(message, source=source, term=node)

    for pred in props:
        if pred not in _ALLOWED:
            fail(f"unknown property {short(pred)} on a t:Expectation")

    def values(local: str, iri: bool) -> list[str]:
        found = props.get(T + local, [])
        if local in _SINGLE and len(found) > 1:
            fail(f"t:{local} given {len(found)} times; expected at most once")
        if any(not isinstance(v, ox.NamedNode if iri else ox.Literal) for v in found):
            fail(f"t:{local} must be {'an IRI' if iri else 'a literal'}")
        return [v.value for v in found]

    def one(local: str, iri: bool) -> str | None:
        found = values(local, iri)
        return found[0] if found else None

    def required(local: str, iri: bool) -> str:
        return one(local, iri) or fail(f"missing required t:{local}")

    outcome = required("outcome", iri=False)
    if outcome not in OUTCOMES:
        fail(f"t:outcome '{outcome}' is not one of {', '.join(sorted(OUTCOMES))}")
    comments = props.get(RDFS + "comment", [])
    return Expectation(
        node=node, request=required("request", iri=True), outcome=outcome,
        recommendation=one("recommendation", iri=True), decisive=one("decisive", iri=True),
        missing=tuple(values("missing", iri=False)),
        citation_section=one("citationSection", iri=False),
        citation_pages=one("citationPages", iri=False),
        known_gap=one("knownGap", iri=False),
        comment=comments[0].value if comments else None)


def _key(term) -> str:
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def _determinations(kb, test: CaseTest) -> dict[str, Determination]:
    result = kb.reason(list(test.triples), test.name)
    return {d.request.node: d for d in result.determinations}


def run_case_test(kb, test: CaseTest) -> list[str]:
    """Failure messages, empty when every expectation holds."""
    try:
        found = _determinations(kb, test)
    except IncompleteCase as exc:
        return [str(exc)]
    failures = []
    for exp in test.expectations:
        d = found.get(exp.request)
        if d is None:
            failures.append(f"{short(exp.request)}: no such request in the case")
        else:
            failures += [f"{short(exp.request)}: {msg}" for msg in _compare(exp, d)]
    expected = {e.request for e in test.expectations}
    failures += [f"{short(r)}: request has no t:Expectation" for r in found if r not in expected]
    if failures:
        failures += [f"  actual {short(r)}: {_summary(d)}" for r, d in found.items()]
    return failures


_NO_RECOMMENDATION = {Outcome.NOT_ADDRESSED.value, Outcome.NOT_MEDICAL_TREATMENT.value}


def _compare(exp: Expectation, d: Determination) -> list[str]:
    out = []
    if d.outcome.value != exp.outcome:
        out.append(f"outcome is {d.outcome.value}, expected {exp.outcome}")
    applied = d.applied.recommendation if d.applied else None
    if exp.recommendation is not None or exp.outcome in _NO_RECOMMENDATION:
        got = applied.iri if applied else None
        if got != exp.recommendation:
            out.append(f"recommendation is {_s(got)}, expected {_s(exp.recommendation)}")
    first = d.decisive[0].criterion.iri if d.decisive else None
    if exp.decisive is not None and first != exp.decisive:
        out.append(f"first decisive criterion is {_s(first)}, expected {_s(exp.decisive)}")
    for text in exp.missing:
        if not any(text in item for item in d.missing):
            out.append(f"no missing item contains '{text}' (missing: {list(d.missing)})")
    cited = citation(applied) if applied else None
    section, pages = (cited.section, cited.pages) if cited else (None, None)
    if exp.citation_section is not None and section != exp.citation_section:
        out.append(f"cited section is {section!r}, expected {exp.citation_section!r}")
    if exp.citation_pages is not None and pages != exp.citation_pages:
        out.append(f"cited pages are {pages!r}, expected {exp.citation_pages!r}")
    return out


def _s(iri: str | None) -> str:
    return short(iri) if iri else "none"


def _summary(d: Determination) -> str:
    rec = _s(d.applied.recommendation.iri) if d.applied else "none"
    decisive = ", ".join(_s(n.criterion.iri) for n in d.decisive) or "none"
    return (f"{d.outcome.value} under {rec}; decisive: {decisive}; "
            f"missing: {list(d.missing) or 'none'}")


def _leaves(criterion) -> Iterable[str]:
    if criterion is None:
        return
    if criterion.is_combinator:
        for op in criterion.operands:
            yield from _leaves(op)
    else:
        yield criterion.iri


@dataclass
class _Tally:
    criteria: set[str]
    count: int = 0
    files: set[str] = field(default_factory=set)
    outcomes: set[str] = field(default_factory=set)
    decisive: set[str] = field(default_factory=set)
    editions: set[str] = field(default_factory=set)


def coverage(kb, tests: Iterable[CaseTest]) -> dict[str, dict]:
    """Per recommendation IRI of the knowledge base: "count" (expectations that reach it),
    "files" (test files), "outcomes", "decisive" (leaf criteria decisive in some test) and
    "never_decisive" (leaf criteria of the recommendation never decisive). Attribution follows
    what the reasoner actually applied, so the numbers are real whether or not the tests pass;
    a case that cannot be reasoned is left out (run_case_test reports it)."""
    tally = {r.iri: _Tally(set(_leaves(r.criterion))) for r in kb.program.recommendations}
    for test in tests:
        try:
            found = _determinations(kb, test)
        except IncompleteCase:
            continue
        for exp in test.expectations:
            d = found.get(exp.request)
            if d is None or d.applied is None:
                continue
            entry = tally[d.applied.recommendation.iri]
            entry.count += 1
            entry.files.add(test.name)
            entry.outcomes.add(d.outcome.value)
            entry.decisive.update(n.criterion.iri for n in d.decisive)
            entry.editions.add(d.applied.recommendation.section.edition.iri)
    return {iri: {"count": e.count, "files": len(e.files), "outcomes": e.outcomes,
                  "decisive": e.decisive, "never_decisive": e.criteria - e.decisive,
                  "editions": e.editions}
            for iri, e in tally.items()}


# Without criteria, one outcome is reachable: 'not met' for a not-recommended service, 'met'
# for one recommended unconditionally; every other recommendation needs all three.
THREE = frozenset({Outcome.MEDICALLY_NECESSARY.value, Outcome.NOT_MEDICALLY_NECESSARY.value,
                   Outcome.INSUFFICIENT_DOCUMENTATION.value})
_REACHABLE = {m("NotRecommended"): frozenset({Outcome.NOT_MEDICALLY_NECESSARY.value}),
              m("Recommended"): frozenset({Outcome.MEDICALLY_NECESSARY.value})}


def three_outcome_gaps(kb, report: dict[str, dict]) -> list[tuple[str, str]]:
    """(recommendation IRI, what is missing) for each recommendation not tested at least three
    times covering met, not met and not documented (the outcomes it can reach), from
    `coverage`."""
    gaps = []
    seen: set[str] = set()
    for rec in kb.program.recommendations:
        entry = report.get(rec.iri, {"count": 0, "outcomes": set(), "editions": set()})
        wanted = _REACHABLE.get(rec.polarity, THREE)
        if rec.iri not in seen and (entry["count"] < 3 or not wanted <= entry["outcomes"]):
            lacking = sorted(wanted - entry["outcomes"])
            gaps.append((rec.iri, f"{entry['count']} expectation(s), outcomes "
                         f"{sorted(entry['outcomes']) or 'none'}: needs at least 3 covering "
                         f"{', '.join(sorted(wanted))}"
                         + (f" (no {', '.join(lacking)} case)" if lacking else "")))
        seen.add(rec.iri)
        edition = rec.section.edition
        if entry["count"] and edition.iri not in entry.get("editions", set()):
            # carried into this edition: one case dated in it shows it is cited there
            gaps.append((rec.iri, f"no test case dated in edition {edition.label} "
                         f"({edition.in_force_from} to {edition.in_force_until or 'today'}), "
                         "which the recommendation is carried into"))
    return gaps
