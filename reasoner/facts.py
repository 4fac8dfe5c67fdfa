"""Case facts: a typed, indexed view of one case graph.

Criteria read these frozen dataclasses, never the RDF, so evaluation is plain attribute
lookups. Building them also checks literal values (dates, numbers) and names the bad term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from reasoner.casegraph import index_of
from reasoner.errors import InputError
from reasoner.vocab import MTUS, RDFS_LABEL, m

_EMPTY: dict = {}


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
    def last_date(self):
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

    def properties(self, node) -> dict[str, list]:
        return self.index.properties(node)

    def objects(self, node, local: str) -> list:
        return self._out.get(node, _EMPTY).get(MTUS + local, [])

    def one(self, node, local: str):
        values = self._out.get(node, _EMPTY).get(MTUS + local)
        return values[0] if values else None

    def iri(self, node, local: str) -> str | None:
        value = self.one(node, local)
        return _key(value) if value is not None else None

    def text(self, node, local: str) -> str | None:
        value = self.one(node, local)
        return value.value if value is not None else None

    def label(self, node) -> str | None:
        values = self._out.get(node, _EMPTY).get(RDFS_LABEL)
        return values[0].value if values else None

    def date(self, node, local: str) -> dt.date | None:
        value = self.one(node, local)
        if value is None:
            return None
        try:
            return _date(value.value)
        except ValueError:
            raise InputError(f"'{value.value}' is not a date (YYYY-MM-DD)", source=self.source,
                             term=f"{_key(node)} mtus:{local}") from None

    def number(self, node, local: str) -> float | None:
        value = self.one(node, local)
        if value is None:
            return None
        try:
            return float(value.value)
        except ValueError:
            raise InputError(f"'{value.value}' is not a number", source=self.source,
                             term=f"{_key(node)} mtus:{local}") from None

    def integer(self, node, local: str) -> int | None:
        number = self.number(node, local)
        if number is None:
            return None
        if number != int(number):
            raise InputError(f"'{number}' is not a whole number", source=self.source,
                             term=f"{_key(node)} mtus:{local}")
        return int(number)


@lru_cache(maxsize=4096)
def _date(lexical: str) -> dt.date:
    # Cases repeat a few dates; dt.date is immutable, so sharing one is safe.
    return dt.date.fromisoformat(lexical)


def _key(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def find_case_node(triples: Iterable[ox.Triple], source: str = "<input>") -> str:
    return _key(_case_node(_Graph(triples, source), source))


def _case_node(g: _Graph, source: str):
    cases = g.index.subjects_of_type(m("Case"))
    if len(cases) != 1:
        raise InputError(f"a case document must describe exactly one mtus:Case, found {len(cases)}",
                         source=source)
    return cases[0]


def read_case(triples: Iterable[ox.Triple], source: str = "<input>") -> CaseFacts:
    g = _Graph(triples, source)
    case = _case_node(g, source)
    worker = g.one(case, "worker")
    injuries = g.objects(case, "injury")
    linked = {local: g.objects(case, local)
              for local in ("diagnosis", "finding", "painScore", "priorTreatment", "medication",
                            "assessment", "request", "diagnosticStudy")}
    return CaseFacts(
        case=_key(case),
        age=g.integer(worker, "age") if worker is not None else None,
        sex=g.iri(worker, "sex") if worker is not None else None,
        injury_date=g.date(injuries[0], "injuryDate") if injuries else None,
        diagnoses=tuple(Diagnosis(**_base(g, n)) for n in linked["diagnosis"]),
        findings=tuple(_finding(g, n) for n in linked["finding"]),
        pain_scores=tuple(_pain(g, n) for n in linked["painScore"]),
        courses=tuple([_course(g, n, False) for n in linked["priorTreatment"]]
                      + [_course(g, n, True) for n in linked["medication"]]),
        assessments=tuple(Assessment(**_base(g, n), result=g.iri(n, "result"))
                          for n in linked["assessment"]),
        requests=tuple(_request(g, n) for n in linked["request"]),
        studies=tuple(Fact(**_base(g, n)) for n in linked["diagnosticStudy"]),
    )


_CONCEPT, _ON_DATE, _SOURCE_TEXT = MTUS + "concept", MTUS + "onDate", MTUS + "sourceText"


def _base(g: _Graph, node) -> dict:
    # The fields every fact has, read from the node's properties directly: this runs for
    # every fact of every request, and each accessor call costs more than the lookup.
    props = g.properties(node)
    concept, label = props.get(_CONCEPT), props.get(RDFS_LABEL)
    text = props.get(_SOURCE_TEXT)
    return {"node": _key(node), "concept": _key(concept[0]) if concept else None,
            "label": label[0].value if label else None,
            "on_date": g.date(node, "onDate") if _ON_DATE in props else None,
            "source_text": text[0].value if text else None}


def _finding(g: _Graph, node) -> Finding:
    status = g.iri(node, "status")
    return Finding(**_base(g, node), present=status != m("Absent"))


def _pain(g: _Graph, node) -> PainScore:
    value = g.number(node, "value")
    return PainScore(**_base(g, node), value=value if value is not None else float("nan"),
                     value_high=g.number(node, "valueHigh"), context=g.iri(node, "context"))


def _course(g: _Graph, node, is_medication: bool) -> Course:
    return Course(**_base(g, node), is_medication=is_medication,
                  start=g.date(node, "startDate"), end=g.date(node, "endDate"),
                  sessions=g.integer(node, "sessions"), response=g.iri(node, "response"),
                  dose_mg=g.number(node, "doseMg"), doses_per_day=g.number(node, "dosesPerDay"),
                  relief_percent=g.number(node, "reliefPercent"),
                  relief_weeks=g.number(node, "reliefWeeks"))


def _request(g: _Graph, node) -> Request:
    return Request(**_base(g, node), request_date=g.date(node, "requestDate"),
                   quantity=g.number(node, "quantity"), unit=g.iri(node, "unit"),
                   duration_days=g.integer(node, "durationDays"),
                   duration_weeks=g.number(node, "durationWeeks"),
                   frequency_per_week=g.number(node, "frequencyPerWeek"),
                   purposes=tuple(_key(o) for o in g.objects(node, "purpose")),
                   purpose_text=g.text(node, "purposeText"),
                   dose_mg=g.number(node, "doseMg"), doses_per_day=g.number(node, "dosesPerDay"),
                   levels=g.integer(node, "levels"),
                   types=tuple(_key(o) for o in g.objects(node, "requestType")),
                   ingredients=tuple(_key(o) for o in g.objects(node, "ingredient")))
