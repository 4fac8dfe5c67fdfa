"""Criteria over findings and diagnoses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from reasoner.engine.criteria.base import Context, Criterion, Evidence, Judgement
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN
from reasoner.engine.facts import Fact

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader
    from reasoner.engine.terminology import Terminology


@dataclass(frozen=True)
class FindingPresent(Criterion):
    """Met by a present finding or a diagnosis of the class; not met when the class (or a
    broader one) is documented absent; otherwise not documented. 'No fever' does not make
    all red flags absent: only an absence of the class itself or a superclass counts."""

    of_class: str
    kind: ClassVar[str] = "FindingPresent"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"{reader.term_label('ofClass')} is documented"

    def evaluate(self, ctx: Context) -> Judgement:
        terms = ctx.terms
        absent = [f for f in ctx.facts.findings
                  if not f.present and f.concept and terms.is_a(self.of_class, f.concept)]
        present: list[Fact] = _since_denied([f for f in ctx.facts.findings if f.present and
                                             terms.is_a(f.concept, self.of_class)],
                                            absent, ctx.on)
        present += [d for d in ctx.facts.diagnoses if terms.is_a(d.concept, self.of_class)]
        if present:
            return Judgement(MET, tuple(Evidence(f.node, _say(f, terms, "present"))
                                      for f in present))
        if absent:
            return Judgement(NOT_MET, tuple(
                Evidence(f.node, _say(f, terms, "documented absent")) for f in absent))
        return Judgement(UNKNOWN)

    def missing(self, ctx: Context) -> str:
        label = ctx.terms.label(self.of_class)
        return self.missing_text or f"Whether {label} is present or absent"

    def to_meet(self, ctx: Context) -> str:
        return f"Documentation of {ctx.terms.label(self.of_class)} on examination or history"


@dataclass(frozen=True)
class DiagnosisOf(Criterion):
    """Met by a diagnosis of the class. The diagnosis list is the physician's assessment, so
    when diagnoses are listed and none fits, the criterion is not met."""

    of_class: str
    kind: ClassVar[str] = "DiagnosisOf"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"A diagnosis of {reader.term_label('ofClass')} is documented"

    def evaluate(self, ctx: Context) -> Judgement:
        terms = ctx.terms
        matching = [d for d in ctx.facts.diagnoses if terms.is_a(d.concept, self.of_class)]
        if matching:
            return Judgement(MET, tuple(Evidence(d.node, _say(d, terms, "diagnosed"))
                                      for d in matching))
        if ctx.facts.diagnoses:
            return Judgement(NOT_MET, tuple(Evidence(d.node, _say(d, terms, "diagnosed"))
                                          for d in ctx.facts.diagnoses),
                           note=f"no diagnosis of {terms.label(self.of_class)}")
        return Judgement(UNKNOWN)

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "The diagnoses (assessment) of the treating physician"

    def to_meet(self, ctx: Context) -> str:
        return f"A documented diagnosis of {ctx.terms.label(self.of_class)}"


def _since_denied(present: list[Fact], absent: Sequence[Fact],
                  day: dt.date | None) -> list[Fact]:
    """The findings still present: one documented absent at a later visit (up to the request
    date) is over ("the radicular symptoms resolved after the 2021 injection; today she
    denies leg pain"). An undated finding cannot be placed in time and is kept."""
    latest = max((f.on_date for f in absent
                  if f.on_date is not None and (day is None or f.on_date <= day)), default=None)
    if latest is None:
        return present
    return [f for f in present if f.on_date is None or f.on_date >= latest]


def _say(fact: Fact, terms: Terminology, how: str) -> str:
    label = fact.label or terms.label(fact.concept)
    when = f" on {fact.on_date.isoformat()}" if fact.on_date else ""
    return f"{label}: {how}{when}"
