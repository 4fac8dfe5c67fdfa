"""Criteria over the request as written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from reasoner.criteria.base import Context, Criterion, Evidence, Finding, Truth


@dataclass(frozen=True)
class RequestPurpose(Criterion):
    """IMR decides the request as written, so the purpose it states is fully known: a request
    that states no accepted purpose does not meet this criterion (closed world on purpose)."""

    accepted: tuple[str, ...]
    kind: ClassVar[str] = "RequestPurpose"

    @classmethod
    def compile(cls, reader) -> Criterion:
        accepted = tuple(reader.terms("acceptedPurpose"))
        if not accepted:
            reader.fail("mtus:RequestPurpose needs at least one mtus:acceptedPurpose")
        return cls(**cls.common(reader), accepted=accepted)

    @classmethod
    def default_statement(cls, reader) -> str:
        return "The request states " + " or ".join(reader.term_labels("acceptedPurpose"))

    def evaluate(self, ctx: Context) -> Finding:
        req = ctx.request
        stated = [p for p in req.purposes if any(ctx.terms.is_a(p, a) for a in self.accepted)]
        wording = f" ('{req.purpose_text}')" if req.purpose_text else ""
        if stated:
            return Finding(Truth.MET, (Evidence(req.node, "request states "
                                                + ", ".join(ctx.terms.label(p) for p in stated)
                                                + wording),))
        said = ", ".join(ctx.terms.label(p) for p in req.purposes) or "no purpose"
        return Finding(Truth.NOT_MET, (Evidence(req.node, f"request states {said}{wording}"),))

    def to_meet(self, ctx: Context) -> str:
        labels = " or ".join(ctx.terms.label(a) for a in self.accepted)
        return f"A request stating {labels}"
