"""What every criterion kind shares: results (three-valued, see truth.py), evidence,
compile-time parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple, TypedDict

from reasoner.engine.criteria.truth import Truth as Truth  # `as`: also importable from here

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader
    from reasoner.engine.facts import CaseFacts, Request
    from reasoner.engine.terminology import Terminology


class Evidence(NamedTuple):
    """A case fact a criterion read, in plain words. Named tuples, like Judgement: leaves make
    them on every request, and a frozen dataclass pays an object.__setattr__ per field."""

    node: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"fact": self.node, "text": self.text}


class Judgement(NamedTuple):
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


class Common(TypedDict):
    """The fields every criterion has, as read by Criterion.common."""

    iri: str
    statement: str
    missing_text: str
    verification: str | None
    section: str | None


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
    def common(cls, reader: NodeReader) -> Common:
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

    def evaluate(self, ctx: Context) -> Judgement:
        raise NotImplementedError

    def combine(self, truths: list[Truth]) -> Truth:
        """A combinator's truth from its operands' (the is_combinator kinds, logic.py):
        decide.py evaluates those with this, and leaves with evaluate()."""
        raise NotImplementedError

    def missing(self, ctx: Context) -> str:
        """Plain words naming what to document when the criterion is not documented."""
        return self.missing_text or f"Documentation for: {self.statement}"

    def to_meet(self, ctx: Context) -> str:
        """Plain words naming what documentation would make the criterion met."""
        return f"Documentation showing that {_lower_first(self.statement)}"


def compared(value: float, limit: float, unit: str = "") -> str:
    """The comparison a limit criterion made, for the trace: '11 > 10 (the limit)'."""
    unit = f" {unit}" if unit else ""
    sign = ">" if value > limit else "<="
    return f"{_num(value)}{unit} {sign} {_num(limit)}{unit} (the limit)"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
