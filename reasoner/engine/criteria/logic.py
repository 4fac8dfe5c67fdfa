"""Combinators: all of, any of, not, at least N, with Kleene three-valued logic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from reasoner.engine.criteria.base import Criterion
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN, Truth

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader


@dataclass(frozen=True)
class Combinator(Criterion):
    operands: tuple[Criterion, ...]

    is_combinator: ClassVar[bool] = True
    min_operands: ClassVar[int] = 1
    max_operands: ClassVar[int | None] = None

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        operands = tuple(reader.criteria_list("operands"))
        if len(operands) < cls.min_operands or (
                cls.max_operands is not None and len(operands) > cls.max_operands):
            reader.fail(f"mtus:{cls.kind} takes {cls._arity()} operands, found {len(operands)}")
        return cls(**cls.common(reader), operands=operands, **cls.extra(reader))

    @classmethod
    def extra(cls, reader: NodeReader) -> dict[str, int]:
        """The fields a kind adds to Combinator's (AtLeast: its count)."""
        return {}

    @classmethod
    def _arity(cls) -> str:
        if cls.max_operands == cls.min_operands:
            return f"exactly {cls.min_operands}"
        return f"at least {cls.min_operands}"

    def combine(self, truths: list[Truth]) -> Truth:
        raise NotImplementedError


@dataclass(frozen=True)
class AllOf(Combinator):
    kind: ClassVar[str] = "AllOf"

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "All of the following are documented"

    def combine(self, truths: list[Truth]) -> Truth:
        # Kleene conjunction: any not-met decides, else any unknown; membership tests, as this
        # runs for every node of every applicable recommendation, per request.
        if NOT_MET in truths:
            return NOT_MET
        return UNKNOWN if UNKNOWN in truths else MET


@dataclass(frozen=True)
class AnyOf(Combinator):
    kind: ClassVar[str] = "AnyOf"

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "At least one of the following is documented"

    def combine(self, truths: list[Truth]) -> Truth:
        if MET in truths:  # Kleene disjunction, the dual of AllOf.combine
            return MET
        return UNKNOWN if UNKNOWN in truths else NOT_MET


@dataclass(frozen=True)
class Not(Combinator):
    kind: ClassVar[str] = "Not"
    max_operands: ClassVar[int | None] = 1

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "The following is not the case"

    def combine(self, truths: list[Truth]) -> Truth:
        return ~truths[0]


@dataclass(frozen=True)
class AtLeast(Combinator):
    count: int
    kind: ClassVar[str] = "AtLeast"

    @classmethod
    def extra(cls, reader: NodeReader) -> dict[str, int]:
        count = reader.integer("count")
        if count < 1:
            reader.fail("mtus:count must be at least 1")
        return {"count": count}

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "Enough of the following are documented"

    def combine(self, truths: list[Truth]) -> Truth:
        met = truths.count(MET)
        unknown = truths.count(UNKNOWN)
        if met >= self.count:
            return MET
        if met + unknown < self.count:
            return NOT_MET
        return UNKNOWN
