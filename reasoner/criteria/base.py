"""What every criterion kind shares: three-valued results, evidence, compile-time parameters."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple

if TYPE_CHECKING:
    from reasoner.compile import NodeReader
    from reasoner.facts import CaseFacts, Request
    from reasoner.terminology import Terminology


class Truth(enum.Enum):
    """Kleene three-valued logic: UNKNOWN is 'not documented', never silently 'not met'."""

    MET = "met"
    NOT_MET = "not-met"
    UNKNOWN = "unknown"

    def __and__(self, other: Truth) -> Truth:
        if NOT_MET in (self, other):
            return NOT_MET
        return UNKNOWN if UNKNOWN in (self, other) else MET

    def __or__(self, other: Truth) -> Truth:
        if MET in (self, other):
            return MET
        return UNKNOWN if UNKNOWN in (self, other) else NOT_MET

    def __invert__(self) -> Truth:
        return _NEGATION[self]


# The members as module names, for the per-request code: on Python 3.11 `Truth.MET` goes
# through EnumType.__getattr__ (~0.1 us a lookup, dozens per request); a global is ~10x less.
MET, NOT_MET, UNKNOWN = Truth.MET, Truth.NOT_MET, Truth.UNKNOWN
_NEGATION = {MET: NOT_MET, NOT_MET: MET, UNKNOWN: UNKNOWN}


class Evidence(NamedTuple):
    """A case fact a criterion read, in plain words. Named tuples, like Finding: leaves make
    them on every request, and a frozen dataclass pays an object.__setattr__ per field."""

    node: str
    text: str

    def as_dict(self) -> dict:
        return {"fact": self.node, "text": self.text}


class Finding(NamedTuple):
    """A leaf criterion's verdict: value, facts used, and a note (e.g. computed numbers)."""

    truth: Truth
    evidence: tuple[Evidence, ...] = ()
    note: str = ""


class Context(NamedTuple):
    """Everything a criterion may read while deciding one request (made per request)."""

    facts: CaseFacts
    request: Request
    terms: Terminology

    @property
    def on(self) -> dt.date | None:
        return self.request.request_date


@dataclass(frozen=True)
class Criterion:
    """Common fields, read from the guideline graph at compile time."""

    iri: str
    statement: str
    missing_text: str
    verification: str | None
    section: str | None

    kind: ClassVar[str] = ""  # local name of the kind in the mtus: vocabulary
    is_combinator: ClassVar[bool] = False

    @classmethod
    def common(cls, reader: NodeReader) -> dict:
        return {
            "iri": reader.node,
            "statement": reader.text_opt("statement") or cls.default_statement(reader),
            "missing_text": reader.text_opt("missingText") or "",
            "verification": reader.iri_opt("verification"),
            "section": reader.iri_opt("section"),
        }

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return cls.kind

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        raise NotImplementedError

    def evaluate(self, ctx: Context) -> Finding:
        raise NotImplementedError

    def missing(self, ctx: Context) -> str:
        """Plain words naming what to document when the criterion is not documented."""
        return self.missing_text or f"Documentation for: {self.statement}"

    def to_meet(self, ctx: Context) -> str:
        """Plain words naming what documentation would make the criterion met."""
        return f"Documentation showing that {_lower_first(self.statement)}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
