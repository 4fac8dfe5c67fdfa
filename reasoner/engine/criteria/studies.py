"""Criteria over diagnostic studies already performed (imaging, electrodiagnostics)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from reasoner.engine.criteria.base import Context, Criterion, Evidence, Judgement
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader


@dataclass(frozen=True)
class StudyDone(Criterion):
    """A study of the class is on record (within the last N days when given). Like the
    treatment history, the list of studies is taken as the record: none listed is 'not met';
    a listed study without a date is 'unknown' only when a window is asked for."""

    of_class: str
    max_days_before: int | None
    kind: ClassVar[str] = "StudyDone"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"),
                   max_days_before=reader.integer_opt("maxDaysBefore"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"A {reader.term_label('ofClass')} has already been done"

    def evaluate(self, ctx: Context) -> Judgement:
        studies = [s for s in ctx.facts.studies if ctx.terms.is_a(s.concept, self.of_class)]
        evidence = tuple(Evidence(s.node, f"{s.label or ctx.terms.label(s.concept)}"
                                  f"{' on ' + s.on_date.isoformat() if s.on_date else ''}")
                         for s in studies)
        if not studies:
            return Judgement(NOT_MET, note=f"no {ctx.terms.label(self.of_class)} on record")
        if self.max_days_before is None:
            return Judgement(MET, evidence)
        if any(s.on_date and ctx.on and 0 <= (ctx.on - s.on_date).days <= self.max_days_before
               for s in studies):
            return Judgement(MET, evidence)
        if any(s.on_date is None for s in studies) or ctx.on is None:
            return Judgement(UNKNOWN, evidence, "date of the prior study not stated")
        return Judgement(NOT_MET, evidence, f"none in the last {self.max_days_before} days")

    def missing(self, ctx: Context) -> str:
        return self.missing_text or f"The date of the prior {ctx.terms.label(self.of_class)}"
