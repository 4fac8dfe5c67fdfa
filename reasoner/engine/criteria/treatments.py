"""Criteria over treatment history and current medications."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, ClassVar

from reasoner.engine.criteria.base import Context, Criterion, Evidence, Judgement, compared
from reasoner.engine.criteria.quantities import requested_days
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN, Truth

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader
    from reasoner.engine.facts import Course


@dataclass(frozen=True)
class TreatmentTried(Criterion):
    """A course of the class is on record, with optional minimum sessions or days and a
    required response. The treatment history is taken as complete: no course of the class
    on record is 'not met'; a course whose sessions or response are not stated is 'unknown'."""

    of_class: str
    min_sessions: int | None
    min_days: int | None
    responses: tuple[str, ...]
    min_relief_percent: float | None = None
    min_relief_weeks: float | None = None
    min_days_before: int | None = None
    max_days_before: int | None = None
    kind: ClassVar[str] = "TreatmentTried"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"),
                   min_sessions=reader.integer_opt("minSessions"),
                   min_days=reader.integer_opt("minDays"),
                   responses=tuple(reader.iris("requiredResponse")),
                   min_relief_percent=reader.decimal_opt("minReliefPercent"),
                   min_relief_weeks=reader.decimal_opt("minReliefWeeks"),
                   min_days_before=reader.integer_opt("minDaysBefore"),
                   max_days_before=reader.integer_opt("maxDaysBefore"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"{reader.term_label('ofClass')} has been tried"

    def evaluate(self, ctx: Context) -> Judgement:
        courses = [c for c in ctx.facts.courses if ctx.terms.is_a(c.concept, self.of_class)]
        if not courses:
            return Judgement(NOT_MET,
                           note=f"no {ctx.terms.label(self.of_class)} on record")
        truth = reduce(lambda a, b: a | b, (self._course_truth(c, ctx) for c in courses))
        return Judgement(truth, tuple(Evidence(c.node, _describe(c, ctx)) for c in courses))

    def _course_truth(self, course: Course, ctx: Context) -> Truth:
        truth = MET
        if self.min_sessions is not None:
            truth &= _at_least(course.sessions, self.min_sessions)
        if self.min_days is not None:
            end = course.end or ctx.on
            days = (end - course.start).days if course.start and end else None
            truth &= _at_least(days, self.min_days)
        if self.responses:
            truth &= (UNKNOWN if course.response is None
                      else MET if course.response in self.responses else NOT_MET)
        if self.min_relief_percent is not None:
            truth &= _at_least(course.relief_percent, self.min_relief_percent)
        if self.min_relief_weeks is not None:
            truth &= _at_least(course.relief_weeks, self.min_relief_weeks)
        if self.min_days_before is not None or self.max_days_before is not None:
            truth &= self._timing(course, ctx)
        return truth

    def _timing(self, course: Course, ctx: Context) -> Truth:
        if course.last_date is None or ctx.on is None:
            return UNKNOWN
        ago = (ctx.on - course.last_date).days
        ok = (self.min_days_before is None or ago >= self.min_days_before) and (
            self.max_days_before is None or ago <= self.max_days_before)
        return MET if ok else NOT_MET

    def missing(self, ctx: Context) -> str:
        wanted = []
        if self.min_sessions is not None:
            wanted.append("the number of sessions completed")
        if self.min_days is not None:
            wanted.append("its dates")
        if self.responses:
            wanted.append("the documented response (objective functional improvement or not)")
        if self.min_relief_percent is not None or self.min_relief_weeks is not None:
            wanted.append("the percentage of pain relief and how many weeks it lasted")
        if self.min_days_before is not None or self.max_days_before is not None:
            wanted.append("when it took place")
        what = " and ".join(wanted) or "whether it was tried"
        return self.missing_text or f"For {ctx.terms.label(self.of_class)}: {what}"


@dataclass(frozen=True)
class CourseDurationWithin(Criterion):
    """Days already taken of the class (current medication since its start) plus the days
    requested must not exceed the limit."""

    of_class: str
    max_days: int
    kind: ClassVar[str] = "CourseDurationWithin"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"),
                   max_days=reader.integer("maxDays"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return (f"The total course of {reader.term_label('ofClass')} is at most "
                f"{reader.integer('maxDays')} days")

    def evaluate(self, ctx: Context) -> Judgement:
        current = [c for c in ctx.facts.courses
                   if c.is_medication and ctx.terms.is_a(c.concept, self.of_class)]
        evidence = tuple(Evidence(c.node, _describe(c, ctx)) for c in current)
        asked = requested_days(ctx.request)
        taken = 0
        for course in current:
            if course.start is None or ctx.on is None:
                return Judgement(UNKNOWN, evidence, note="start date of current use not stated")
            taken = max(taken, (ctx.on - course.start).days)
        if asked is None:
            if taken > self.max_days:
                return Judgement(NOT_MET, evidence, note=f"already taken {taken} days")
            return Judgement(UNKNOWN, evidence, note="requested duration not stated")
        total = taken + asked
        note = (f"{taken} days taken + {asked} days requested = "
                f"{compared(total, self.max_days, 'days')}")
        return Judgement(MET if total <= self.max_days else NOT_MET, evidence, note)

    def missing(self, ctx: Context) -> str:
        return self.missing_text or (f"When current use of {ctx.terms.label(self.of_class)} "
                                     "started, and the quantity and frequency requested")

    def to_meet(self, ctx: Context) -> str:
        return (f"A request for a short course: at most {self.max_days} days of "
                f"{ctx.terms.label(self.of_class)} in total")


def _at_least(value: float | None, minimum: float) -> Truth:
    if value is None:
        return UNKNOWN
    return MET if value >= minimum else NOT_MET


def _describe(course: Course, ctx: Context) -> str:
    parts = [course.label or ctx.terms.label(course.concept)]
    parts.append("current medication" if course.is_medication else "prior treatment")
    if course.start:
        parts.append(f"since {course.start.isoformat()}")
    if course.on_date:
        parts.append(f"on {course.on_date.isoformat()}")
    if course.sessions is not None:
        parts.append(f"{course.sessions} sessions")
    if course.response:
        parts.append("response: " + course.response.rsplit("#", 1)[-1])
    if course.relief_percent is not None:
        weeks = f" for {course.relief_weeks:g} weeks" if course.relief_weeks is not None else ""
        parts.append(f"{course.relief_percent:g}% relief{weeks}")
    return ", ".join(parts)
