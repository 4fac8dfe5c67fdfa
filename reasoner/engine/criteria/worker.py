"""Criteria over the worker and the injury: age, time since injury."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from reasoner.engine.criteria.base import Context, Criterion, Evidence, Judgement
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN, Truth

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader


def _read_bounds(reader: NodeReader, low_key: str, high_key: str) -> tuple[int | None, int | None]:
    low, high = reader.integer_opt(low_key), reader.integer_opt(high_key)
    if low is None and high is None:
        reader.fail(f"needs mtus:{low_key} or mtus:{high_key}")
    return low, high


def _within(value: int, low: int | None, high: int | None) -> Truth:
    ok = (low is None or value >= low) and (high is None or value <= high)
    return MET if ok else NOT_MET


def _bounds(low: int | None, high: int | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"from {low} to {high} {unit}"
    return f"at least {low} {unit}" if low is not None else f"at most {high} {unit}"


@dataclass(frozen=True)
class AgeWithin(Criterion):
    min_age: int | None
    max_age: int | None
    kind: ClassVar[str] = "AgeWithin"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        low, high = _read_bounds(reader, "minAge", "maxAge")
        return cls(**cls.common(reader), min_age=low, max_age=high)

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "The worker's age is " + _bounds(reader.integer_opt("minAge"),
                                                reader.integer_opt("maxAge"), "years")

    def evaluate(self, ctx: Context) -> Judgement:
        age = ctx.facts.age
        if age is None:
            return Judgement(UNKNOWN)
        evidence = (Evidence(ctx.facts.case, f"age {age}"),)
        return Judgement(_within(age, self.min_age, self.max_age), evidence,
                       f"age {age}, needs {_bounds(self.min_age, self.max_age, 'years')}")

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "The worker's age"


@dataclass(frozen=True)
class TimeSinceInjury(Criterion):
    """Days from the date of injury to the request date."""

    min_days: int | None
    max_days: int | None
    kind: ClassVar[str] = "TimeSinceInjury"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        low, high = _read_bounds(reader, "minDays", "maxDays")
        return cls(**cls.common(reader), min_days=low, max_days=high)

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "Time since the injury is " + _bounds(reader.integer_opt("minDays"),
                                                     reader.integer_opt("maxDays"), "days")

    def evaluate(self, ctx: Context) -> Judgement:
        injured, on = ctx.facts.injury_date, ctx.on
        if injured is None or on is None:
            return Judgement(UNKNOWN)
        days = (on - injured).days
        evidence = (Evidence(ctx.facts.case, f"injured {injured.isoformat()}, "
                             f"{days} days before the request"),)
        return Judgement(_within(days, self.min_days, self.max_days), evidence,
                       f"{days} days since injury, needs "
                       f"{_bounds(self.min_days, self.max_days, 'days')}")

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "The date of injury"
