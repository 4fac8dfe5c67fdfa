"""Evaluate a compiled program against case facts: one determination per requested service.

Explanations are a by-product: each evaluated node records its truth and the facts it read,
and the decisive criteria, missing documentation and what would change the outcome are read
off that tree, never computed by a second pass over the case.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple, cast

from reasoner.engine.compile import Program, Recommendation, Section
from reasoner.engine.criteria import Combinator, Context, Criterion, Judgement, Truth
from reasoner.engine.criteria.truth import MET, NOT_MET, UNKNOWN
from reasoner.engine.facts import CaseFacts, Course, Request
from reasoner.engine.formulary import ListStatus, list_status
from reasoner.engine.terminology import Terminology
from reasoner.vocab import m


class Outcome(enum.Enum):
    MEDICALLY_NECESSARY = "medically-necessary"
    NOT_MEDICALLY_NECESSARY = "not-medically-necessary"
    INSUFFICIENT_DOCUMENTATION = "insufficient-documentation"
    NOT_ADDRESSED = "not-addressed"
    NOT_MEDICAL_TREATMENT = "not-medical-treatment"

    @property
    def imr_equivalent(self) -> str | None:
        # IMR treats missing documentation as failing the criteria, so it upholds the denial;
        # it upholds the denial of a service that is not medical treatment too.
        return {Outcome.MEDICALLY_NECESSARY: "overturned",
                Outcome.NOT_MEDICALLY_NECESSARY: "upheld",
                Outcome.INSUFFICIENT_DOCUMENTATION: "upheld",
                Outcome.NOT_MEDICAL_TREATMENT: "upheld"}.get(self)


_BY_TRUTH = {MET: Outcome.MEDICALLY_NECESSARY,
             NOT_MET: Outcome.NOT_MEDICALLY_NECESSARY,
             UNKNOWN: Outcome.INSUFFICIENT_DOCUMENTATION}
_SEVERITY = {NOT_MET: 0, UNKNOWN: 1, MET: 2}


class Node(NamedTuple):
    """One evaluated criterion. A named tuple rather than a frozen dataclass: a tree is built
    per request and a frozen dataclass pays a setattr call per field."""

    criterion: Criterion
    truth: Truth
    judgement: Judgement | None  # leaves only
    children: tuple[Node, ...] = ()

    def leaves(self) -> list[Node]:
        """The leaves under this node, left to right."""
        out: list[Node] = []
        stack = [self]
        while stack:
            node = stack.pop()
            if node.children:
                stack.extend(reversed(node.children))
            else:
                out.append(node)
        return out


class Applied(NamedTuple):
    recommendation: Recommendation
    root: Node


class Determination(NamedTuple):
    """One requested service's outcome and its proof. Named tuples, as Node: made per request."""

    request: Request
    outcome: Outcome
    applied: Applied | None
    also_applied: tuple[Applied, ...]
    decisive: tuple[Node, ...]
    missing: tuple[str, ...]
    would_change: tuple[str, ...]
    context: Context
    also_cites: tuple[Section, ...] = ()  # sections of decisive criteria beyond the main one
    drug_list: ListStatus | None = None  # prospective review under the MTUS Drug List
    undecided: str = ""  # why no recommendation was applied ("kind", "context"), if so
    follows: Determination | None = None  # the requested operation this service is for
    after_it: bool = False  # decided as care after `follows`, as if done on the request date


def evaluate_node(criterion: Criterion, ctx: Context) -> Node:
    if criterion.is_combinator:
        combinator = cast("Combinator", criterion)
        children = tuple(evaluate_node(op, ctx) for op in combinator.operands)
        truth = combinator.combine([c.truth for c in children])
        return Node(criterion, truth, None, children)
    judgement = criterion.evaluate(ctx)
    return Node(criterion, judgement.truth, judgement)


def decide(program: Program, facts: CaseFacts) -> list[Determination]:
    decided = [decide_request(program, facts, req) for req in facts.requests]
    terms = program.terminology
    operations = [d for d in decided if terms.is_a(d.request.concept, _SURGERY)
                  and not _with_an_operation(terms, d.request)
                  and not _done_already(terms, facts, d.request)]
    if not operations:
        return decided
    decided = [_after_the_operation(program, facts, d, operations) for d in decided]
    return [_with_its_operation(terms, d, operations) for d in decided]


# Care asked for with an operation requested in the same case (pre-operative testing or
# clearance, an assistant surgeon, post-operative therapy, a cold therapy unit or a brace "for
# use after surgery"): IMR decides a procedure's associated services with it, so a service for
# an operation that is not medically necessary is not either (even one no recommendation
# addresses: an assistant surgeon), and one for an operation that cannot be decided yet cannot
# be decided either.
_SURGERY = "https://w3id.org/mtus-kg/term/Surgery"
_POSTOPERATIVE = "https://w3id.org/mtus-kg/term/PostoperativeUse"
_POSTSURGICAL = "https://w3id.org/mtus-kg/term/PostsurgicalPhysicalMedicine"
_FOR_THE_OPERATION = ("https://w3id.org/mtus-kg/term/PreoperativeTesting",
                      "https://w3id.org/mtus-kg/term/AssistantSurgeon")


def _with_an_operation(terms: Terminology, req: Request) -> bool:
    return _POSTOPERATIVE in req.purposes or terms.is_a(req.concept, _POSTSURGICAL) or \
        any(terms.is_a(req.concept, kind) for kind in _FOR_THE_OPERATION)


def _done_already(terms: Terminology, facts: CaseFacts, req: Request) -> bool:
    """The operation asked for is on record as done (the care after it follows that one)."""
    asked = req.concept
    return asked is not None and any(
        c.concept and (terms.is_a(c.concept, asked) or terms.is_a(asked, c.concept))
        for c in facts.courses)


def _after_the_operation(program: Program, facts: CaseFacts, d: Determination,
                         operations: list[Determination]) -> Determination:
    """Therapy asked for with an operation not yet done, decided by the rule for care after
    that operation: the Postsurgical Treatment Guidelines apply only within their period after
    the surgery, which a reviewer counts from the operation asked for with the therapy, not by
    the chronic pain rules a case with no surgery on record falls back to."""
    req = d.request
    if not program.terminology.is_a(req.concept, _POSTSURGICAL):
        return d
    planned = tuple(_planned(o.request, req.request_date) for o in operations)
    after = decide_request(program, replace(facts, courses=facts.courses + planned), req)
    if after.applied is None or (d.applied is not None and
                                 after.applied.recommendation is d.applied.recommendation):
        return d  # (no rule for care after these operations: its own rule stands)
    # (the operation it follows: a necessary one, when several are asked for)
    operation = next((o for o in operations if o.outcome is Outcome.MEDICALLY_NECESSARY),
                     operations[0])
    return after._replace(follows=operation, after_it=True)


def _planned(operation: Request, on: dt.date | None) -> Course:
    """The operation asked for, as if done on the therapy's request date."""
    return Course(node=operation.node, concept=operation.concept, label=operation.label,
                  on_date=on or operation.request_date, source_text=operation.source_text,
                  is_medication=False, start=None, end=None, sessions=None, response=None,
                  dose_mg=None, doses_per_day=None)


def _with_its_operation(terms: Terminology, d: Determination,
                        operations: list[Determination]) -> Determination:
    if d.outcome not in (Outcome.MEDICALLY_NECESSARY, Outcome.INSUFFICIENT_DOCUMENTATION,
                         Outcome.NOT_ADDRESSED) or not _with_an_operation(terms, d.request):
        return d  # (an operation itself is never with one: see `operations`)
    # (with several operations asked for, the care may follow any of them: only when none is
    # medically necessary does it follow their fate)
    if any(o.outcome in (Outcome.MEDICALLY_NECESSARY, Outcome.NOT_ADDRESSED)
           for o in operations):
        return d
    operation = next((o for o in operations
                      if o.outcome is Outcome.INSUFFICIENT_DOCUMENTATION), operations[0])
    if operation.outcome is Outcome.NOT_MEDICALLY_NECESSARY:
        outcome = Outcome.NOT_MEDICALLY_NECESSARY
    elif operation.outcome is Outcome.INSUFFICIENT_DOCUMENTATION and \
            d.outcome in (Outcome.MEDICALLY_NECESSARY, Outcome.NOT_ADDRESSED):
        outcome = Outcome.INSUFFICIENT_DOCUMENTATION
    else:
        return d
    label = operation.request.label or terms.label(operation.request.concept)
    return d._replace(outcome=outcome, decisive=(), follows=operation,
                      missing=operation.missing if outcome is not Outcome.NOT_MEDICALLY_NECESSARY
                      else (),
                      would_change=(f"The requested {label} is medically necessary",))


def decide_request(program: Program, facts: CaseFacts, req: Request) -> Determination:
    ctx = Context(facts=facts, request=req, terms=program.terminology)
    return _decide(program, ctx)._replace(drug_list=list_status(program.drug_list, ctx))


def _decide(program: Program, ctx: Context) -> Determination:
    req = ctx.request
    if program.terminology.is_a(req.concept, NON_MEDICAL):
        return Determination(req, Outcome.NOT_MEDICAL_TREATMENT, None, (), (), (), (), ctx)
    applied = [Applied(rec, _root(rec, ctx)) for rec in applicable(program, ctx)]
    if not applied:
        if _names_a_kind(program, req):
            # "Medication", "DME": a kind of service whose members the guidelines decide, not
            # one of them; the request cannot be decided as written
            return Determination(req, Outcome.INSUFFICIENT_DOCUMENTATION, None, (), (), (
                f"The specific service requested: '{program.terminology.label(req.concept)}' "
                f"names a kind of service, not one the guidelines decide (for a drug: its "
                f"name, dose and quantity)",), (), ctx, undecided="kind")
        if undecided := _undocumented_contexts(program, ctx):
            # a recommendation would apply if a fact it is selected by were documented (the
            # date of injury for a chronic-pain rule): the request cannot be decided yet
            return Determination(req, Outcome.INSUFFICIENT_DOCUMENTATION, None, (), (),
                                 undecided, (), ctx, undecided="context")
        return Determination(req, Outcome.NOT_ADDRESSED, None, (), (), (), (), ctx)
    applied.sort(key=lambda a: _SEVERITY[a.root.truth])
    main = applied[0]
    truth = main.root.truth
    turned_on = tuple(decisive(main.root, truth))
    cited = [program.section(n.criterion.section, req.request_date) for n in turned_on]
    also = tuple(dict.fromkeys(s for s in cited
                               if s and s.iri != main.recommendation.section.iri))
    return Determination(
        request=req, outcome=_BY_TRUTH[truth], applied=main, also_applied=tuple(applied[1:]),
        decisive=turned_on, missing=tuple(missing(main.root, ctx)),
        would_change=tuple(would_change(main.root, ctx)), context=ctx, also_cites=also)


NON_MEDICAL = "https://w3id.org/mtus-kg/term/NonMedicalService"
_KIND_OF = 4  # narrower services decided on the date that make a request's service a kind


def _names_a_kind(program: Program, req: Request) -> bool:
    """The request names a kind of service ("medication", "DME", "imaging") whose members the
    guidelines in force decide one by one (several of them), but not the kind itself."""
    if req.concept is None or req.request_date is None:
        return False
    day = req.request_date
    members = {service for service, edition in program.narrower(req.concept)
               if edition.in_force(day)}
    return len(members) >= _KIND_OF


def _undocumented_contexts(program: Program, ctx: Context) -> tuple[str, ...]:
    """What is missing to tell whether recommendations in force for the service apply: the
    undocumented facts of their applicability contexts."""
    req = ctx.request
    if req.concept is None or req.request_date is None:
        return ()
    out: dict[str, None] = {}
    for rec in in_force(program, req.concept, req.request_date):
        if rec.applicable_when is not None:
            node = evaluate_node(rec.applicable_when, ctx)
            if node.truth is UNKNOWN:
                out.update(dict.fromkeys(missing(node, ctx)))
    return tuple(out)


def applicable(program: Program, ctx: Context) -> list[Recommendation]:
    """Recommendations in force on the request date whose service class covers the request
    and whose clinical context holds."""
    req = ctx.request
    if req.concept is None or req.request_date is None:
        return []
    return in_force(program, req.concept, req.request_date,
                    lambda r: r.applicable_when is None
                    or evaluate_node(r.applicable_when, ctx).truth is MET)


def in_force(program: Program, concept: str, day: dt.date,
             holds: Callable[[Recommendation], bool] = lambda r: True) -> list[Recommendation]:
    """The recommendations in force on `day` for the concept that pass `holds`: MTUS sources
    shadow non-MTUS ones (8 CCR 9792.21.1), and a recommendation for a narrower service class
    shadows a broader one."""
    found = [(r, depth) for r, depth in program.covering(concept)
             if r.section.edition.in_force(day) and holds(r)]
    if any(r.section.edition.mtus for r, _ in found):
        found = [(r, depth) for r, depth in found if r.section.edition.mtus]
    deepest = max((depth for _, depth in found), default=0)
    return [r for r, depth in found if depth == deepest]


def _root(rec: Recommendation, ctx: Context) -> Node:
    if rec.criterion is not None:
        return evaluate_node(rec.criterion, ctx)
    if rec.polarity == m("Recommended"):
        return Node(_Unconditional(rec), MET, Judgement(MET))
    return Node(_NotRecommended(rec), NOT_MET, Judgement(NOT_MET))


class _Unconditional(Criterion):
    """Stands in the trace for a recommendation that decides without criteria."""

    kind = "Recommended"

    def __init__(self, rec: Recommendation) -> None:
        object.__setattr__(self, "iri", rec.iri)
        object.__setattr__(self, "statement", rec.statement)
        object.__setattr__(self, "missing_text", "")
        object.__setattr__(self, "verification", rec.verification)
        object.__setattr__(self, "section", None)


class _NotRecommended(_Unconditional):
    """Stands in the trace for a recommendation that rules the service out."""

    kind = "NotRecommended"

    def to_meet(self, ctx: Context) -> str:
        return "Evidence rebutting the MTUS recommendation (8 CCR 9792.25.1)"


def decisive(node: Node, target: Truth) -> list[Node]:
    """The leaves the outcome turns on: under a combinator, the children that share its value
    (for Not, the child with the opposite value)."""
    if not node.children:
        return [node] if node.truth == target else []
    wanted = ~target if node.criterion.kind == "Not" else target
    out: list[Node] = []
    for child in node.children:
        if child.truth == wanted:
            out += decisive(child, wanted)
    return out


def missing(node: Node, ctx: Context) -> list[str]:
    """Undocumented leaves that still matter: skip branches of an any-of already met."""
    if not node.children:
        return [node.criterion.missing(ctx)] if node.truth == UNKNOWN else []
    skip_unmet = node.criterion.kind == "AnyOf" and node.truth == MET
    out: list[str] = []
    for child in node.children:
        if skip_unmet and child.truth != MET:
            continue
        out += [text for text in missing(child, ctx) if text not in out]
    return out


def recompute(node: Node, overrides: dict[int, Truth], path: set[int]) -> Truth:
    """The node's truth with some leaves overridden; `path` holds the ids of the overridden
    leaves' ancestors, so subtrees off it keep their truth without a walk."""
    if id(node) in overrides:
        return overrides[id(node)]
    if id(node) not in path:
        return node.truth
    return node.criterion.combine([recompute(c, overrides, path) for c in node.children])


class _Tree:
    """Parent links of one evaluated tree, for what-if recomputation along leaf paths."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.parent: dict[int, Node] = {}
        stack = [root]
        while stack:
            node = stack.pop()
            for child in node.children:
                self.parent[id(child)] = node
                stack.append(child)

    def truth_with_one(self, leaf: Node, truth: Truth) -> Truth:
        """The root's truth with one leaf overridden: the change is carried up the leaf's
        path and stops where an ancestor's truth does not move (most flips stop early)."""
        child, value = leaf, truth
        node = self.parent.get(id(leaf))
        while node is not None:
            if value == child.truth:
                return self.root.truth
            value = node.criterion.combine(
                [value if c is child else c.truth for c in node.children])
            child, node = node, self.parent.get(id(node))
        return value

    def truth_with(self, leaves: list[Node], truth: Truth) -> Truth:
        overrides = {id(leaf): truth for leaf in leaves}
        path: set[int] = set()
        for leaf in leaves:
            node = self.parent.get(id(leaf))
            while node is not None and id(node) not in path:
                path.add(id(node))
                node = self.parent.get(id(node))
        return recompute(self.root, overrides, path)


def would_change(root: Node, ctx: Context) -> list[str]:
    """Single documented facts that would flip the outcome; if none alone would, all the
    unmet leaves together."""
    tree = _Tree(root)
    if root.truth == MET:
        flips = [leaf for leaf in decisive(root, MET)
                 if tree.truth_with_one(leaf, NOT_MET) != MET]
        return [f"Documentation contradicting: {leaf.criterion.statement}" for leaf in flips]
    unmet = [leaf for leaf in root.leaves() if leaf.truth != MET]
    singles = [leaf for leaf in unmet if tree.truth_with_one(leaf, MET) == MET]
    if singles:
        return [leaf.criterion.to_meet(ctx) for leaf in singles]
    if unmet and tree.truth_with(unmet, MET) == MET:
        return ["All of: " + "; ".join(leaf.criterion.to_meet(ctx) for leaf in unmet)]
    return []
