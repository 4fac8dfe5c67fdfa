"""Criteria over requested quantities, durations and doses. IMR decides the request as
written: a request above the limit fails as a whole, and the note says what would fit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from reasoner.engine.criteria.base import Context, Criterion, Evidence, Judgement, compared
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN
from reasoner.vocab import m

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader
    from reasoner.engine.facts import Course, Request

# One dose taken or requested: (fact node, label, concept, mg a dose, doses a day).
_Use: TypeAlias = tuple[str, str, str | None, float | None, float | None]


def requested_days(req: Request) -> int | None:
    """Days the request covers: stated days, weeks, or tablets / doses per day."""
    if req.duration_days is not None:
        return req.duration_days
    if req.duration_weeks is not None:
        return math.ceil(req.duration_weeks * 7)
    if req.quantity is not None and req.doses_per_day and req.unit in (m("Tablet"), None):
        return math.ceil(req.quantity / req.doses_per_day)
    return None


def _renewed(current: list[Course], req: Request) -> Course | None:
    """The current use a dosed request renews: the only use of the same drug, or the one of the
    same strength (long- and short-acting forms of one drug are separate uses). None: the
    request adds to what is taken."""
    same = [c for c in current if c.concept == req.concept]
    if len(same) == 1:
        return same[0]
    return next((c for c in same if c.dose_mg == req.dose_mg), None)


def _per_day(req: Request, renewed: Course | None) -> float | None:
    """Doses a day of a request: its own, or, for a refill at the strength taken now that
    states none ("Norco 10/325 mg #90" beside "Norco 10/325 mg three times a day"), those of
    the use it renews: the prescription continues as taken."""
    if req.doses_per_day is not None:
        return req.doses_per_day
    if renewed is not None and renewed.dose_mg == req.dose_mg:
        return renewed.doses_per_day
    return None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class RequestedQuantityWithin(Criterion):
    """Requested units plus completed prior sessions of a class (when the limit is cumulative)
    must not exceed the limit. Unknown prior counts stay unknown unless the request alone
    already exceeds the limit. A limit in full days (a functional restoration program's) names
    the hours a day is (`hours_per_unit`), so that a request written in hours ("80 hours") is
    judged in days rather than as 80 units."""

    max_quantity: float
    counts_prior_of: str | None
    hours_per_unit: float | None = None
    kind: ClassVar[str] = "RequestedQuantityWithin"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        # (the parameters in the order `mtus new` lists them to an author: required first)
        max_quantity = reader.decimal("maxQuantity")
        counts_prior_of = reader.term_opt("countsPriorOf")
        hours = reader.decimal_opt("hoursPerUnit")
        if hours is not None and hours <= 0:
            reader.fail(f"mtus:hoursPerUnit must be above 0, got {_fmt(hours)}")
        return cls(**cls.common(reader), max_quantity=max_quantity,
                   counts_prior_of=counts_prior_of, hours_per_unit=hours)

    def _units(self, req: Request) -> tuple[float | None, str]:
        """The requested quantity in the limit's units, and how it was said."""
        if req.quantity is None:
            return None, "not stated"
        if self.hours_per_unit and req.unit == m("Hour"):
            units = math.ceil(req.quantity / self.hours_per_unit)
            return units, (f"{_fmt(req.quantity)} hours = {units} units of "
                           f"{_fmt(self.hours_per_unit)} hours")
        return req.quantity, _fmt(req.quantity)

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"At most {_fmt(reader.decimal('maxQuantity'))} units in total"

    def evaluate(self, ctx: Context) -> Judgement:
        req = ctx.request
        quantity, said = self._units(req)
        evidence = [Evidence(req.node, f"requested quantity: {said}")]
        prior, unknown_prior = 0, False
        if self.counts_prior_of:
            for c in ctx.facts.courses:
                if not c.is_medication and ctx.terms.is_a(c.concept, self.counts_prior_of):
                    count = c.sessions if c.sessions is not None else "number of"
                    evidence.append(Evidence(c.node, f"{c.label or ctx.terms.label(c.concept)}: "
                                             f"{count} sessions completed"))
                    if c.sessions is None:
                        unknown_prior = True
                    else:
                        prior += c.sessions
        if quantity is None:
            return Judgement(UNKNOWN, tuple(evidence), note="quantity requested not stated")
        total = prior + quantity
        supported = max(0.0, self.max_quantity - prior)
        note = (f"{_fmt(prior)} prior + {_fmt(quantity)} requested = "
                f"{compared(total, self.max_quantity)}; supported now: {_fmt(supported)}")
        if total > self.max_quantity:
            return Judgement(NOT_MET, tuple(evidence), note)
        if unknown_prior:
            return Judgement(UNKNOWN, tuple(evidence), note="number of prior sessions not "
                           f"stated; limit {_fmt(self.max_quantity)}")
        return Judgement(MET, tuple(evidence), note)

    def missing(self, ctx: Context) -> str:
        if ctx.request.quantity is None:
            return self.missing_text or "The quantity requested"
        label = ctx.terms.label(self.counts_prior_of) if self.counts_prior_of else "prior"
        return self.missing_text or f"The number of {label} sessions already completed"

    def to_meet(self, ctx: Context) -> str:
        return (f"A request within the limit of {_fmt(self.max_quantity)} in total"
                + (" including prior sessions" if self.counts_prior_of else ""))


def requested_weeks(req: Request) -> float | None:
    """Weeks the request is spread over, if it says (days count as sevenths of a week)."""
    if req.duration_weeks is not None:
        return req.duration_weeks
    if req.duration_days is not None:
        return req.duration_days / 7
    return None


@dataclass(frozen=True)
class RequestedWeeklyQuantityWithin(Criterion):
    """A weekly ceiling (home health: "no more than 35 hours per week"). With a duration the
    quantity is the total over it ("4 hours a day, 5 days a week for 4 weeks": 80 hours, 20 a
    week); without one it is read as the weekly figure, as such requests usually state it ("36
    hours per week"). A total within the ceiling is within it whatever the span."""

    max_per_week: float
    kind: ClassVar[str] = "RequestedWeeklyQuantityWithin"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), max_per_week=reader.decimal("maxPerWeek"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"At most {_fmt(reader.decimal('maxPerWeek'))} units a week"

    def evaluate(self, ctx: Context) -> Judgement:
        req = ctx.request
        if req.quantity is None:
            return Judgement(UNKNOWN, note="quantity requested not stated")
        weeks = requested_weeks(req)
        if weeks:
            weekly = req.quantity / weeks
            said = f"{_fmt(req.quantity)} over {_fmt(round(weeks, 2))} weeks"
        else:
            weekly, said = req.quantity, f"{_fmt(req.quantity)}, no duration stated (per week)"
        evidence = (Evidence(req.node, f"requested: {said}"),)
        note = f"{_fmt(round(weekly, 1))} a week: {compared(weekly, self.max_per_week)}"
        return Judgement(MET if weekly <= self.max_per_week else NOT_MET, evidence, note)

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "The quantity requested per week"

    def to_meet(self, ctx: Context) -> str:
        return f"A request of at most {_fmt(self.max_per_week)} a week"


@dataclass(frozen=True)
class RequestedDurationWithin(Criterion):
    max_days: int
    kind: ClassVar[str] = "RequestedDurationWithin"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), max_days=reader.integer("maxDays"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"The requested course is at most {reader.integer('maxDays')} days"

    def evaluate(self, ctx: Context) -> Judgement:
        days = requested_days(ctx.request)
        if days is None:
            return Judgement(UNKNOWN, note="requested duration not stated")
        evidence = (Evidence(ctx.request.node, f"requested duration: {days} days"),)
        truth = MET if days <= self.max_days else NOT_MET
        return Judgement(truth, evidence, f"requested {compared(days, self.max_days, 'days')}")

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "The duration (days or weeks) requested"


@dataclass(frozen=True)
class RequestedLevelsWithin(Criterion):
    max_levels: int
    kind: ClassVar[str] = "RequestedLevelsWithin"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), max_levels=reader.integer("maxLevels"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"At most {reader.integer('maxLevels')} levels are requested"

    def evaluate(self, ctx: Context) -> Judgement:
        levels = ctx.request.levels
        if levels is None:
            return Judgement(UNKNOWN)
        evidence = (Evidence(ctx.request.node, f"{levels} levels requested"),)
        truth = MET if levels <= self.max_levels else NOT_MET
        return Judgement(truth, evidence,
                         f"requested {compared(levels, self.max_levels, 'levels')}")

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "The number of levels (or joints) requested"

    def to_meet(self, ctx: Context) -> str:
        return f"A request for at most {self.max_levels} levels"


@dataclass(frozen=True)
class DailyDoseWithin(Criterion):
    """Total daily dose of a drug class in converted units (e.g. MME), summed over current
    medications; a request for a drug replaces the current use of the same drug."""

    of_class: str
    max_daily: float
    unconverted: bool = False  # a limit in plain mg of the drug (e.g. tramadol 400 mg/day)
    kind: ClassVar[str] = "DailyDoseWithin"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"),
                   max_daily=reader.decimal("maxDailyDose"),
                   unconverted=reader.text_opt("unconverted") in ("true", "1"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return (f"The total daily dose of {reader.term_label('ofClass')} is at most "
                f"{_fmt(reader.decimal('maxDailyDose'))}")

    def evaluate(self, ctx: Context) -> Judgement:
        uses = self._uses(ctx)
        total = 0.0
        unknown: list[str] = []
        evidence: list[Evidence] = []
        for node, label, concept, dose, per_day in uses:
            factor = (1.0, "") if self.unconverted else (
                ctx.terms.factor(concept) if concept else None)
            if dose is None or per_day is None or factor is None:
                unknown.append(label)
                evidence.append(Evidence(node, f"{label}: dose or frequency not stated"))
                continue
            daily = dose * per_day * factor[0]
            total += daily
            evidence.append(Evidence(node, f"{label}: {_fmt(dose)} mg x {_fmt(per_day)}/day x "
                                     f"{factor[0]:g} = {daily:g}"))
        note = f"total daily dose {compared(total, self.max_daily)}"
        if total > self.max_daily:
            return Judgement(NOT_MET, tuple(evidence), note)
        if unknown:
            return Judgement(UNKNOWN, tuple(evidence),
                           note=f"dose not stated for {', '.join(unknown)}; known part {note}")
        return Judgement(MET, tuple(evidence), note)

    def _uses(self, ctx: Context) -> list[_Use]:
        req = ctx.request
        current = [c for c in ctx.facts.courses
                   if c.is_medication and ctx.terms.is_a(c.concept, self.of_class)]
        requested = ctx.terms.is_a(req.concept, self.of_class)
        renewed = _renewed(current, req) if requested and req.dose_mg is not None else None
        uses = [(c.node, c.label or ctx.terms.label(c.concept), c.concept, c.dose_mg,
                 c.doses_per_day) for c in current if c is not renewed]
        if requested and (req.dose_mg is not None or
                          not any(c.concept == req.concept for c in current)):
            uses.append((req.node, req.label or ctx.terms.label(req.concept), req.concept,
                         req.dose_mg, _per_day(req, renewed)))
        return uses

    def missing(self, ctx: Context) -> str:
        return self.missing_text or (f"Dose and frequency of each {ctx.terms.label(self.of_class)}"
                                     " taken or requested")
