"""Criteria over the request as written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from reasoner.engine.criteria.base import Context, Criterion, Evidence, Judgement
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader
    from reasoner.engine.terminology import Terminology


def _of_classes(values: Iterable[str], classes: tuple[str, ...],
                terms: Terminology) -> list[str]:
    """The values (terminology classes) that fall under any of the classes."""
    return [v for v in values if any(terms.is_a(v, c) for c in classes)]


@dataclass(frozen=True)
class RequestPurpose(Criterion):
    """IMR decides the request as written, so the purpose it states is fully known: a request
    that states no accepted purpose does not meet this criterion (closed world on purpose)."""

    accepted: tuple[str, ...]
    kind: ClassVar[str] = "RequestPurpose"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader),
                   accepted=tuple(reader.terms("acceptedPurpose", at_least_one=True)))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "The request states " + " or ".join(reader.term_labels("acceptedPurpose"))

    def evaluate(self, ctx: Context) -> Judgement:
        req = ctx.request
        stated = _of_classes(req.purposes, self.accepted, ctx.terms)
        wording = f" ('{req.purpose_text}')" if req.purpose_text else ""
        if stated:
            return Judgement(MET, (Evidence(req.node, "request states "
                                          + ", ".join(ctx.terms.label(p) for p in stated)
                                          + wording),))
        said = ", ".join(ctx.terms.label(p) for p in req.purposes) or "no purpose"
        return Judgement(NOT_MET, (Evidence(req.node, f"request states {said}{wording}"),))

    def to_meet(self, ctx: Context) -> str:
        labels = " or ".join(ctx.terms.label(a) for a in self.accepted)
        return f"A request stating {labels}"


@dataclass(frozen=True)
class RequestTypeIs(Criterion):
    """Closed world, like the purpose: a request that does not say it is a rental (or a
    trial...) is not one."""

    accepted: tuple[str, ...]
    kind: ClassVar[str] = "RequestTypeIs"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader),
                   accepted=tuple(reader.terms("acceptedType", at_least_one=True)))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "The request is a " + " or ".join(reader.term_labels("acceptedType"))

    def evaluate(self, ctx: Context) -> Judgement:
        req, terms = ctx.request, ctx.terms
        said = ", ".join(terms.label(t) for t in req.types) or "no type stated"
        evidence = (Evidence(req.node, f"request: {said}"),)
        ok = bool(_of_classes(req.types, self.accepted, terms))
        return Judgement(MET if ok else NOT_MET, evidence)

    def to_meet(self, ctx: Context) -> str:
        return "A request for a " + " or ".join(ctx.terms.label(a) for a in self.accepted)


@dataclass(frozen=True)
class IngredientsExclude(Criterion):
    """Any listed ingredient of an excluded class fails the whole product; with no
    ingredients listed the product cannot be judged. A named combination product
    ("Terocin") lists its own in the terminology (mtus:productIngredient) when the request
    does not."""

    excluded: tuple[str, ...]
    kind: ClassVar[str] = "IngredientsExclude"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader),
                   excluded=tuple(reader.terms("excludedClass", at_least_one=True)))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return "No ingredient is " + " or ".join(reader.term_labels("excludedClass"))

    def evaluate(self, ctx: Context) -> Judgement:
        req, terms = ctx.request, ctx.terms
        ingredients = req.ingredients or terms.ingredients_of(req.concept)
        if not ingredients:
            return Judgement(UNKNOWN)
        bad = _of_classes(ingredients, self.excluded, terms)
        listed = ", ".join(terms.label(i) for i in ingredients)
        evidence = (Evidence(req.node, f"ingredients: {listed}"),)
        if bad:
            return Judgement(NOT_MET, evidence,
                           "not recommended: " + ", ".join(terms.label(i) for i in bad))
        return Judgement(MET, evidence)

    def missing(self, ctx: Context) -> str:
        return self.missing_text or "The ingredients of the requested product"

    def to_meet(self, ctx: Context) -> str:
        return "A product without " + " or ".join(ctx.terms.label(x) for x in self.excluded)


@dataclass(frozen=True)
class RequestedAlongside(Criterion):
    """Another service of the class is requested in the same case: a PPI asked for with a new
    NSAID, a cold therapy unit with the surgery, a baseline drug test with the first opioid.
    The requests are the case as written, so none of the class among them is 'not met'."""

    of_class: str
    kind: ClassVar[str] = "RequestedAlongside"

    @classmethod
    def compile(cls, reader: NodeReader) -> Criterion:
        return cls(**cls.common(reader), of_class=reader.term("ofClass"))

    @classmethod
    def default_statement(cls, reader: NodeReader) -> str:
        return f"{reader.term_label('ofClass')} is requested in the same case"

    def evaluate(self, ctx: Context) -> Judgement:
        others = [r for r in ctx.facts.requests if r.node != ctx.request.node
                  and ctx.terms.is_a(r.concept, self.of_class)]
        if others:
            return Judgement(MET, tuple(Evidence(r.node, "also requested: "
                                                 + (r.label or ctx.terms.label(r.concept)))
                                        for r in others))
        return Judgement(NOT_MET, note=f"no {ctx.terms.label(self.of_class)} requested with it")

    def to_meet(self, ctx: Context) -> str:
        return f"A request for {ctx.terms.label(self.of_class)} in the same case"
