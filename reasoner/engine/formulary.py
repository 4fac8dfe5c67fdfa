"""The MTUS Drug List beside a drug determination: whether prospective review is needed.

The MTUS Drug Formulary (8 CCR 9792.27.1 ff., from 2018-01-01) does not decide medical
necessity; it decides whether a drug may be dispensed without prospective review. So it is not
a recommendation: each drug request gets its Drug List status (by the list version in force on
the request date) and the Special Fill and Perioperative Fill windows evaluated from the case,
reported next to the outcome the treatment guideline gave. The list's entries and the windows
are data (ontology/guidelines/mtus-formulary-2018.ttl); a drug without an entry is "not
encoded", never "unlisted", since the encoded entries cover only commonly disputed drugs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reasoner.engine.criteria import Context, Criterion
from reasoner.engine.criteria.truth import MET, UNKNOWN
from reasoner.vocab import m

if TYPE_CHECKING:
    from reasoner.engine.compile import Compiler, Edition

TERM = "https://w3id.org/mtus-kg/term/"
_STATUS = {m("Exempt"): "exempt", m("NonExempt"): "non-exempt", m("Unlisted"): "unlisted"}


@dataclass(frozen=True)
class Entry:
    iri: str
    drug: str  # term IRI; covers its subclasses
    status: str  # exempt | non-exempt | unlisted
    special_fill: bool | None  # None: the entry does not say
    perioperative_fill: bool | None
    editions: frozenset[str]
    verification: str | None


@dataclass(frozen=True)
class DrugList:
    editions: tuple[Edition, ...]  # the list versions, by start date
    entries: tuple[Entry, ...]
    special_window: Criterion | None
    perioperative_window: Criterion | None


@dataclass(frozen=True)
class ListStatus:
    """A drug request's Drug List status; `review` says whether prospective review is needed
    ("required", "not required", "not required if dispensed as a fill", "unknown")."""

    version: Edition
    entry: Entry | None
    status: str  # exempt | non-exempt | unlisted | not encoded
    review: str
    special_fill: str | None  # applies | does not apply | not documented | None (not allowed)
    perioperative_fill: str | None


def compile_drug_list(c: Compiler, editions: dict[str, Edition]) -> DrugList | None:
    nodes = c.index.subjects_of_type(m("DrugListEntry"))
    if not nodes:
        return None
    entries = tuple(_entry(c, node, editions) for node in nodes)
    used = {e for entry in entries for e in entry.editions}
    windows = [_window(c, g, name) for g in c.index.subjects_of_type(m("Guideline"))
               for name in ("specialFillWindow", "perioperativeFillWindow")]
    special = next((w for w, name in windows if w and name == "specialFillWindow"), None)
    periop = next((w for w, name in windows if w and name == "perioperativeFillWindow"), None)
    return DrugList(tuple(sorted((editions[e] for e in used), key=lambda e: e.in_force_from)),
                    entries, special, periop)


def _entry(c: Compiler, node: str, editions: dict[str, Edition]) -> Entry:
    from reasoner.engine.compile import NodeReader

    r = NodeReader(node, c)
    status = r.iri("listStatus")
    if status not in _STATUS:
        r.fail("mtus:listStatus must be one of mtus:Exempt, mtus:NonExempt, mtus:Unlisted")
    named = r.iris("onDrugList")
    if not named:
        r.fail("missing required mtus:onDrugList (the Drug List versions the entry holds in)")
    for e in named:
        if e not in editions:
            r.fail(f"mtus:onDrugList names {e}, which is not an mtus:Edition")
    return Entry(iri=node, drug=r.term("listedDrug"), status=_STATUS[status],
                 special_fill=r.bool_opt("specialFill"),
                 perioperative_fill=r.bool_opt("perioperativeFill"),
                 editions=frozenset(named), verification=r.iri_opt("verification"))


def _window(c: Compiler, guideline: str, name: str) -> tuple[Criterion | None, str]:
    found = c.index.objects(guideline, m(name))
    return (c.criterion(found[0].value, guideline) if found else None), name


def list_status(drug_list: DrugList | None, ctx: Context) -> ListStatus | None:
    """The status of the request's drug on the request date, None for a request that is not
    a drug or dated before the Drug List."""
    req, terms = ctx.request, ctx.terms
    if drug_list is None or req.request_date is None or not terms.is_a(req.concept, TERM + "Drug"):
        return None
    version = next((e for e in drug_list.editions if e.in_force(req.request_date)), None)
    if version is None:
        return None
    concept = TERM + "CompoundedDrug" if req.ingredients else req.concept
    entry = _entry_for(drug_list, version, concept, ctx)
    if entry is None:
        return ListStatus(version, None, "not encoded", "unknown", None, None)
    if entry.status == "exempt":
        return ListStatus(version, entry, "exempt",
                          "not required when prescribed in accordance with the MTUS", None, None)
    special = _fill(entry.special_fill, drug_list.special_window, ctx)
    periop = _fill(entry.perioperative_fill, drug_list.perioperative_window, ctx)
    return ListStatus(version, entry, entry.status, _review(entry.status, special, periop),
                      special, periop)


def _entry_for(drug_list: DrugList, version: Edition, concept: str | None,
               ctx: Context) -> Entry | None:
    """The entry of the narrowest drug class covering the concept in that version."""
    found = [e for e in drug_list.entries
             if version.iri in e.editions and ctx.terms.is_a(concept, e.drug)]
    return max(found, key=lambda e: ctx.terms.depth(e.drug), default=None)


def _fill(allowed: bool | None, window: Criterion | None, ctx: Context) -> str | None:
    if not allowed or window is None:
        return None
    truth = window.evaluate(ctx).truth
    return "applies" if truth is MET else "not documented" if truth is UNKNOWN \
        else "does not apply"


def _review(status: str, special: str | None, periop: str | None) -> str:
    if status != "non-exempt":
        return "required"
    if "applies" in (special, periop):
        return "not required if dispensed as the fill that applies (supply limits apply)"
    if "not documented" in (special, periop):
        return "required unless a fill applies (its window is not documented)"
    return "required"
