"""Case facts: a typed, indexed view of one case graph.

Criteria read these frozen dataclasses, never the RDF, so evaluation is plain attribute
lookups. Building them also checks literal values (dates, numbers) and names the bad term.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeAlias, TypeVar

import pyoxigraph as ox

from reasoner.engine.casegraph import Term, index_of
from reasoner.errors import InputError
from reasoner.vocab import MTUS, RDFS_LABEL, m, short

_EMPTY: Mapping[str, list[Term]] = {}  # never written to
T = TypeVar("T")
# Reads one property of a fact node: (graph, node, predicate IRI, its values) -> field value.
Reader: TypeAlias = Callable[["_Graph", Term, str, list[Term]], object]


@dataclass(frozen=True)
class Fact:
    """What every fact carries: its node (IRI or blank node id), concept and provenance."""

    node: str
    concept: str | None
    label: str | None
    on_date: dt.date | None
    source_text: str | None


@dataclass(frozen=True)
class Finding(Fact):
    present: bool  # False: documented absent


@dataclass(frozen=True)
class Diagnosis(Fact):
    pass


@dataclass(frozen=True)
class PainScore(Fact):
    value: float
    value_high: float | None
    context: str | None

    @property
    def mid(self) -> float:
        return self.value if self.value_high is None else (self.value + self.value_high) / 2


@dataclass(frozen=True)
class Course(Fact):
    """A prior treatment or a current medication."""

    is_medication: bool
    start: dt.date | None
    end: dt.date | None
    sessions: int | None
    response: str | None
    dose_mg: float | None
    doses_per_day: float | None
    relief_percent: float | None = None
    relief_weeks: float | None = None

    @property
    def last_date(self) -> dt.date | None:
        """When the course ended or took place, for 'how long ago' questions."""
        return self.end or self.on_date or self.start


@dataclass(frozen=True)
class Assessment(Fact):
    result: str | None


@dataclass(frozen=True)
class Request(Fact):
    request_date: dt.date | None
    quantity: float | None
    unit: str | None
    duration_days: int | None
    duration_weeks: float | None
    frequency_per_week: float | None
    purposes: tuple[str, ...]
    purpose_text: str | None
    dose_mg: float | None
    doses_per_day: float | None
    levels: int | None = None
    types: tuple[str, ...] = ()
    ingredients: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseFacts:
    case: str
    age: int | None
    sex: str | None
    injury_date: dt.date | None
    diagnoses: tuple[Diagnosis, ...]
    findings: tuple[Finding, ...]
    pain_scores: tuple[PainScore, ...]
    courses: tuple[Course, ...]
    assessments: tuple[Assessment, ...]
    requests: tuple[Request, ...]
    studies: tuple[Fact, ...] = field(default=())


class _Graph:
    """The fact reader's view of the case's shared index (see casegraph): nodes are terms."""

    def __init__(self, triples: Iterable[ox.Triple], source: str) -> None:
        self.source = source
        self.index = index_of(triples)
        self._out = self.index.out

    def objects(self, node: Term, local: str) -> list[Term]:
        return self._out.get(node, _EMPTY).get(MTUS + local, [])

    def one(self, node: Term, local: str) -> Term | None:
        values = self._out.get(node, _EMPTY).get(MTUS + local)
        return values[0] if values else None

    def fields(self, node: Term, spec: dict[str, tuple[str, Reader]]) -> dict[str, object]:
        """The fields of `spec` (predicate IRI -> field name, reader) that the node has, plus
        its `node` key. One pass over the properties the node has: most of the optional
        fields a fact kind allows are absent from any one case."""
        out: dict[str, object] = {"node": _key(node)}
        for pred, values in self._out.get(node, _EMPTY).items():
            found = spec.get(pred)
            if found is not None:
                out[found[0]] = found[1](self, node, pred, values)
        return out


def _as_iri(g: _Graph, node: Term, pred: str, values: list[Term]) -> str:
    return _key(values[0])


def _as_iris(g: _Graph, node: Term, pred: str, values: list[Term]) -> tuple[str, ...]:
    return tuple(_key(v) for v in values)


def _as_text(g: _Graph, node: Term, pred: str, values: list[Term]) -> str:
    return values[0].value


def _as_date(g: _Graph, node: Term, pred: str, values: list[Term]) -> dt.date:
    return _converted(g, node, pred, values[0].value, _date, "a date (YYYY-MM-DD)")


# Case quantities, doses, ages and scores are far below this; INF, NaN and 1e309 are no
# quantity (they broke date and day arithmetic with a 500).
_LARGEST = 1e9


def _as_number(g: _Graph, node: Term, pred: str, values: list[Term]) -> float:
    number = _converted(g, node, pred, values[0].value, float, "a number")
    if not math.isfinite(number) or abs(number) > _LARGEST:
        raise InputError(f"'{values[0].value[:40]}' is not a usable number (finite, at most "
                         f"{_LARGEST:.0e} in size)", source=g.source, term=_where(node, pred))
    return number


def _converted(g: _Graph, node: Term, pred: str, lexical: str, convert: Callable[[str], T],
               what: str) -> T:
    try:
        return convert(lexical)
    except ValueError:
        raise InputError(f"'{lexical}' is not {what}", source=g.source,
                         term=_where(node, pred)) from None


def _as_integer(g: _Graph, node: Term, pred: str, values: list[Term]) -> int:
    number = _as_number(g, node, pred, values)
    if number != int(number):
        raise InputError(f"'{number}' is not a whole number", source=g.source,
                         term=_where(node, pred))
    return int(number)


def _where(node: Term, pred: str) -> str:
    return f"{_key(node)} mtus:{pred[len(MTUS):]}"


@lru_cache(maxsize=4096)
def _date(lexical: str) -> dt.date:
    # Cases repeat a few dates; dt.date is immutable, so sharing one is safe.
    return dt.date.fromisoformat(lexical)


def _key(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def find_case_node(triples: Iterable[ox.Triple], source: str = "<input>") -> str:
    return _key(_case_node(_Graph(triples, source), source))


def _case_node(g: _Graph, source: str) -> Term:
    cases = g.index.subjects_of_type(m("Case"))
    if len(cases) != 1:
        raise InputError(f"a case document must describe exactly one mtus:Case, found {len(cases)}",
                         source=source)
    return cases[0]


def _spec(**fields: tuple[str, Reader]) -> dict[str, tuple[str, Reader]]:
    """Predicate IRI -> (field, reader) for a fact kind: the fields every fact has (concept,
    label, date, source text) and the kind's own, named by their mtus: local names."""
    base = {MTUS + "concept": ("concept", _as_iri), RDFS_LABEL: ("label", _as_text),
            MTUS + "onDate": ("on_date", _as_date), MTUS + "sourceText": ("source_text", _as_text)}
    return {**base, **{MTUS + local: spec for local, spec in fields.items()}}


# A field the node lacks takes the dataclass default; these give the ones without a default.
_FACT = {"concept": None, "label": None, "on_date": None, "source_text": None}
_FACT_SPEC = _spec()
_FINDING_SPEC = _spec(status=("status", _as_iri))
_ABSENT = m("Absent")
_PAIN_SPEC = _spec(value=("value", _as_number), valueHigh=("value_high", _as_number),
                   context=("context", _as_iri))
_COURSE_SPEC = _spec(startDate=("start", _as_date), endDate=("end", _as_date),
                     sessions=("sessions", _as_integer), response=("response", _as_iri),
                     doseMg=("dose_mg", _as_number), dosesPerDay=("doses_per_day", _as_number),
                     reliefPercent=("relief_percent", _as_number),
                     reliefWeeks=("relief_weeks", _as_number))
_COURSE = {**_FACT, "start": None, "end": None, "sessions": None, "response": None,
           "dose_mg": None, "doses_per_day": None}
_ASSESSMENT_SPEC = _spec(result=("result", _as_iri))
_REQUEST_SPEC = _spec(requestDate=("request_date", _as_date), quantity=("quantity", _as_number),
                      unit=("unit", _as_iri), durationDays=("duration_days", _as_integer),
                      durationWeeks=("duration_weeks", _as_number),
                      frequencyPerWeek=("frequency_per_week", _as_number),
                      purpose=("purposes", _as_iris), purposeText=("purpose_text", _as_text),
                      doseMg=("dose_mg", _as_number), dosesPerDay=("doses_per_day", _as_number),
                      levels=("levels", _as_integer), requestType=("types", _as_iris),
                      ingredient=("ingredients", _as_iris))
_REQUEST = {**_FACT, "request_date": None, "quantity": None, "unit": None,
            "duration_days": None, "duration_weeks": None, "frequency_per_week": None,
            "purposes": (), "purpose_text": None, "dose_mg": None, "doses_per_day": None}


def read_case(triples: Iterable[ox.Triple], source: str = "<input>") -> CaseFacts:
    g = _Graph(triples, source)
    case = _case_node(g, source)
    worker = g.one(case, "worker")
    injuries = g.objects(case, "injury")
    linked = {local: g.objects(case, local)
              for local in ("diagnosis", "finding", "painScore", "priorTreatment", "medication",
                            "assessment", "request", "diagnosticStudy")}
    _within_limits(linked, source)
    _few_other_records(g, linked, source)
    return _build(CaseFacts, dict(
        case=_key(case),
        age=_one(g, worker, "age", _as_integer),
        sex=_one(g, worker, "sex", _as_iri),
        injury_date=_one(g, injuries[0] if injuries else None, "injuryDate", _as_date),
        diagnoses=tuple(_build(Diagnosis, {**_FACT, **g.fields(n, _FACT_SPEC)})
                        for n in linked["diagnosis"]),
        findings=tuple(_finding(g, n) for n in linked["finding"]),
        pain_scores=tuple(_pain(g, n) for n in linked["painScore"]),
        courses=tuple([_course(g, n, False) for n in linked["priorTreatment"]]
                      + [_course(g, n, True) for n in linked["medication"]]),
        assessments=tuple(_build(Assessment, {**_FACT, "result": None,
                                              **g.fields(n, _ASSESSMENT_SPEC)})
                          for n in linked["assessment"]),
        requests=tuple(_build(Request, {**_REQUEST, **g.fields(n, _REQUEST_SPEC)})
                       for n in linked["request"]),
        studies=tuple(_build(Fact, {**_FACT, **g.fields(n, _FACT_SPEC)})
                      for n in linked["diagnosticStudy"]),
    ))


# One case's size: a real case asks for a handful of services and records tens of facts (the
# largest gold case of the reader corpus and the guideline tests records 47). Each
# determination lists the facts it used, so a case of 200 requests x 9,000 findings (under
# 1 MB posted) wrote 459,000 quads.
MAX_REQUESTS = 50
MAX_FACTS = 2000


def _within_limits(linked: Mapping[str, list[Term]], source: str) -> None:
    if len(linked["request"]) > MAX_REQUESTS:
        raise InputError(f"the case asks for {len(linked['request'])} services; one case may ask "
                         f"for at most {MAX_REQUESTS} (split it into several cases)",
                         source=source, term="mtus:request")
    facts = sum(len(nodes) for local, nodes in linked.items() if local != "request")
    if facts > MAX_FACTS:
        raise InputError(f"the case records {facts} facts (findings, diagnoses, treatments, "
                         f"scores, studies); one case may record at most {MAX_FACTS}",
                         source=source)


# Besides its facts, a case describes a few nodes per requested service (its UR decision, its
# IMR determination) and a few of its own (the worker, the injury): the reader's gold cases
# have at most 16 for six services. Without a bound, one posted case of 8,000 IMR records
# about one request counted 8,000 times in the letters' statistics.
OTHER_RECORDS_PER_REQUEST, OTHER_RECORDS = 4, 20


def _few_other_records(g: _Graph, linked: Mapping[str, list[Term]], source: str) -> None:
    _decision_records(g, linked, source)
    allowed = OTHER_RECORDS_PER_REQUEST * len(linked["request"]) + OTHER_RECORDS
    other = len(g.index.out) - sum(len(nodes) for nodes in linked.values())
    if other > allowed:
        raise InputError(f"the case describes {other} nodes besides its facts and requests "
                         "(decisions, the worker, the injury); for its "
                         f"{len(linked['request'])} requested services at most {allowed}",
                         source=source)


_ABOUT = MTUS + "about"
# What a recorded decision says, once each: the letters' statistics count these
_RECORD_PROPERTIES = tuple(MTUS + p for p in (
    "imrOutcome", "citedGuidelineText", "rationale", "action", "decisionDate"))
# A request has one UR decision and one IMR determination on record (a modified request may
# have been reviewed twice): more are no record of a real review
RECORDS_PER_REQUEST = 3


def _decision_records(g: _Graph, linked: Mapping[str, list[Term]],
                               source: str) -> None:
    """A recorded decision (UR, IMR) is a node of its own about one requested service, and
    says each of its properties once; a request has a few of them. A fact node doubling as
    a record, a record about 50 requests or with 22,000 cited guidelines, and thousands of
    records, each counted in the letters' statistics, are no case (red-team rounds 6-8)."""
    facts = {n for nodes in linked.values() for n in nodes}
    records: dict[Term, int] = {}
    for node, props in g.index.out.items():
        about = props.get(_ABOUT)
        said = [p for p in _RECORD_PROPERTIES if p in props]
        if said and not about:
            raise InputError(f"{_key(node)} states {short(said[0])} but is about no "
                             "request (mtus:about); a decision's record is about one",
                             source=source, term=short(said[0]))
        if repeated := next((p for p in said if len(props[p]) > 1), None):
            raise InputError(f"{_key(node)} states {short(repeated)} "
                             f"{len(props[repeated])} times; a decision's record states it once",
                             source=source, term=short(repeated))
        if not about:
            continue
        if len(about) > 1:
            raise InputError(f"{_key(node)} is a recorded decision about {len(about)} "
                             "requests; a decision is about one requested service (give each "
                             "its own node)", source=source, term="mtus:about")
        if node in facts:
            raise InputError(f"{_key(node)} is both a fact or request of the case and a "
                             "recorded decision (mtus:about); give the decision its own node",
                             source=source, term="mtus:about")
        records[about[0]] = records.get(about[0], 0) + 1
        if records[about[0]] > RECORDS_PER_REQUEST:
            raise InputError(f"{_key(about[0])} has more than {RECORDS_PER_REQUEST} "
                             "recorded decisions (mtus:about)", source=source,
                             term="mtus:about")


def _build(cls: type[T], fields: dict[str, object]) -> T:
    """`cls(**fields)` for these frozen dataclasses, without the generated __init__: it sets
    each field through object.__setattr__ (that is what frozen costs), which was a third of
    reading a small case. `fields` holds every field that has no default (the base dicts
    above give them; tests/test_facts.py checks each kind equals its __init__-made twin)."""
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


def _one(g: _Graph, node: Term | None, local: str, read: Reader) -> object:
    """One optional property of a node that may itself be absent."""
    if node is None:
        return None
    values = g.objects(node, local)
    return read(g, node, MTUS + local, values) if values else None


def _finding(g: _Graph, node: Term) -> Finding:
    fields = {**_FACT, **g.fields(node, _FINDING_SPEC)}
    fields["present"] = fields.pop("status", None) != _ABSENT
    return _build(Finding, fields)


def _pain(g: _Graph, node: Term) -> PainScore:
    fields = {**_FACT, "value": float("nan"), "value_high": None, "context": None,
              **g.fields(node, _PAIN_SPEC)}
    return _build(PainScore, fields)


def _course(g: _Graph, node: Term, is_medication: bool) -> Course:
    return _build(Course, {**_COURSE, **g.fields(node, _COURSE_SPEC),
                           "is_medication": is_medication})
