"""Criteria over monitoring documentation and pain scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from reasoner.engine.criteria.base import Context, Criterion, Evidence, Judgement, compared
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN
from reasoner.vocab import m

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader
    from reasoner.engine.facts import PainScore


_DONE = m("Documented")  # the result an assessment has when the record says only that it was done


@dataclass(frozen=True)
class AssessmentDocumented(Criterion):
    """The latest assessment of the class decides (of one day, one with its result); with a
    required result, another documented result is 'not met', and a missing result, or one
    recorded only as done ("a urine drug screen was performed", mtus:Documented), is
    'unknown'."""

    of_class: str
    required_result: str | None
    kind: ClassVar[str] = "AssessmentDocumented"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"),
                   required_result=reader.iri_opt("requiredResult"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"{reader.term_label('ofClass')} is documented"

    def evaluate(self, ctx: Context) -> Judgement:
        found = [a for a in ctx.facts.assessments if ctx.terms.is_a(a.concept, self.of_class)]
        if not found:
            return Judgement(UNKNOWN)
        # (of two records of one day, the one that states the result: a list of records
        # reviewed names the screen, its report tells what it found)
        latest = max(found, key=lambda a: (a.on_date or dt.date.min,
                                           a.result not in (None, _DONE)))
        result = latest.result.rsplit("#", 1)[-1] if latest.result else "result not stated"
        when = f" on {latest.on_date.isoformat()}" if latest.on_date else ""
        evidence = (Evidence(latest.node, f"{latest.label or ctx.terms.label(latest.concept)}"
                             f"{when}: {result}"),)
        if self.required_result is None:
            return Judgement(MET, evidence)
        if latest.result is None or (latest.result == _DONE != self.required_result):
            return Judgement(UNKNOWN, evidence)
        return Judgement(MET if latest.result == self.required_result else NOT_MET,
                       evidence)

    def missing(self, ctx: Context) -> str:
        return self.missing_text or f"{ctx.terms.label(self.of_class)} with its date and result"


@dataclass(frozen=True)
class PainReliefAtLeast(Criterion):
    """Compares the latest pain scores with and without medication (midpoint of a range)."""

    min_percent: float
    kind: ClassVar[str] = "PainReliefAtLeast"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        minimum = reader.decimal("minPercent")
        if not 0 <= minimum < 100:
            reader.fail("mtus:minPercent must be from 0 to below 100")
        return cls(**cls.common(reader), min_percent=minimum)

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "Pain relief with medication is quantified"

    def evaluate(self, ctx: Context) -> Judgement:
        with_med = _latest(ctx, m("WithMedication"))
        without = _latest(ctx, m("WithoutMedication"))
        if with_med is None or without is None:
            return Judgement(UNKNOWN)
        evidence = tuple(Evidence(p.node, f"pain {_range(p)}/10 {_ctx(p)}")
                         for p in (without, with_med))
        if without.mid <= 0:
            return Judgement(NOT_MET, evidence, "no pain without medication to relieve")
        relief = (without.mid - with_med.mid) / without.mid * 100
        note = f"relief {relief:.0f}% (needs more than {self.min_percent:g}%)"
        return Judgement(MET if relief > self.min_percent else NOT_MET, evidence, note)

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "Pain scores with and without medication"


def _latest(ctx: Context, context: str) -> PainScore | None:
    scores = [p for p in ctx.facts.pain_scores if p.context == context]
    return max(scores, key=lambda p: p.on_date or dt.date.min) if scores else None


def _range(p: PainScore) -> str:
    return f"{p.value:g}" if p.value_high is None else f"{p.value:g}-{p.value_high:g}"


def _ctx(p: PainScore) -> str:
    return "with medication" if p.context == m("WithMedication") else "without medication"


@dataclass(frozen=True)
class PainScoreDocumented(Criterion):
    """A numeric pain score is on record (e.g. the baseline before an opioid trial)."""

    kind: ClassVar[str] = "PainScoreDocumented"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "A numeric pain score is documented"

    def evaluate(self, ctx: Context) -> Judgement:
        scores = ctx.facts.pain_scores
        if not scores:
            return Judgement(UNKNOWN)
        return Judgement(MET, tuple(Evidence(p.node, f"pain {_range(p)}/10") for p in scores))

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "A numeric pain score (0-10)"


@dataclass(frozen=True)
class AssessmentCountWithin(Criterion):
    """Assessments of the class in the window before the request date, plus the requested
    one when the request is itself such an assessment, must not exceed the limit."""

    of_class: str
    max_count: int
    window_days: int
    kind: ClassVar[str] = "AssessmentCountWithin"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"),
                   max_count=reader.integer("maxCount"), window_days=reader.integer("windowDays"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return (f"At most {reader.integer('maxCount')} {reader.term_label('ofClass')} in "
                f"{reader.integer('windowDays')} days")

    def evaluate(self, ctx: Context) -> Judgement:
        on = ctx.on
        found = [a for a in ctx.facts.assessments if ctx.terms.is_a(a.concept, self.of_class)]
        undated = [a for a in found if a.on_date is None]
        recent = [a for a in found if a.on_date and on and 0 <= (on - a.on_date).days
                  <= self.window_days]
        count = len(recent) + (1 if ctx.terms.is_a(ctx.request.concept, self.of_class) else 0)
        evidence = tuple(Evidence(a.node, f"{a.label or ctx.terms.label(a.concept)} on "
                                  f"{a.on_date.isoformat() if a.on_date else 'an unstated date'}")
                         for a in recent + undated)
        note = (f"in the last {self.window_days} days, the request included: "
                f"{compared(count, self.max_count)}")
        if count > self.max_count:
            return Judgement(NOT_MET, evidence, note)
        if count + len(undated) > self.max_count:
            return Judgement(UNKNOWN, evidence, note + "; some dates not stated")
        return Judgement(MET, evidence, note)

    def missing(self, ctx: Context) -> str:
        return self.missing_text or f"The dates of prior {ctx.terms.label(self.of_class)}"
