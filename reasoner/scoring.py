"""`mtus eval`: reason over the facts of each IMR letter and compare with the recorded decision.

The reasoner sees only the case facts read from the case summary and the disputed items
(LetterGraph.facts); the recorded outcome and the cited guideline are compared afterwards.
The positive class is 'overturned' (the service found medically necessary). An item we
cannot decide (service not in the terminology, no encoded recommendation applies, case not
decidable) counts as a wrong prediction in accuracy and is also reported as abstained.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import asdict, dataclass

from reasoner.engine.report import determination_json
from reasoner.reader.ingest import (
    ReadLetter,
    Reasoned,
    concepts_of,
    read_files,
    reason_letter,
    requested,
)
from reasoner.vocab import TERM

LABELS = ("upheld", "overturned")
_CATEGORIES = ("Drug", "DiagnosticService", "PhysicalMedicine", "Surgery", "Treatment", "Service")


@dataclass
class ItemResult:
    source: str
    item: str
    service: str | None
    category: str
    recorded: str | None
    predicted: str | None  # IMR equivalent: upheld / overturned / None (abstained)
    outcome: str | None  # our outcome (medically-necessary, ...)
    our_citation: str | None
    letter_citation: str | None
    section_agrees: bool | None
    reason: str

    @property
    def correct(self) -> bool:
        return self.predicted is not None and self.predicted == self.recorded


def category(concept: str | None, terms) -> str:
    """The service category: the label of the first broad class the service falls under."""
    for local in _CATEGORIES:
        if terms.is_a(concept, TERM + local):
            return terms.label(TERM + local)
    return "unmapped"


def evaluate_letter(read: ReadLetter, kb, reasoned: Reasoned | None = None) -> list[ItemResult]:
    """Each disputed item: the recorded outcome beside ours (`reasoned`: the letter already
    decided by reason_letter, else it is decided here)."""
    requests, concepts = requested(read), concepts_of(read)
    reasoned = reasoned or reason_letter(read, kb)
    decided = {d.request.node: d for d in getattr(reasoned.result, "determinations", ())}
    note = reasoned.note if reasoned.result is None else ""
    out = []
    for req, item in zip(requests, read.letter.items, strict=True):
        out.append(_item(read.source, item, concepts.get(req), decided.get(req), note, kb))
    return out


def _item(source, item, concept, d, note, kb) -> ItemResult:
    terms = kb.terms
    ours = determination_json(d) if d is not None else None
    cite = ours["citation"] if ours else None
    agrees = None
    if cite and item.guideline:
        sections = [cite["section"]] + [a["section"] for a in cite.get("also", [])]
        agrees = any(_words(s) in _words(item.guideline) for s in sections)
    if concept is None:
        reason = "the service is not in the terminology"
    elif ours is None:
        reason = note or "not decided"
    elif ours["outcome"] == "not-addressed":
        reason = f"no encoded recommendation applies to {terms.label(concept)}"
    else:
        reason = _why(ours)
    return ItemResult(source, item.name, terms.label(concept) if concept else None,
                      category(concept, terms), item.outcome,
                      ours["imr_equivalent"] if ours else None,
                      ours["outcome"] if ours else None, cite["text"] if cite else None,
                      item.guideline, agrees, reason)


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def _why(ours: dict) -> str:
    decisive = [c for c in ours["criteria"] if c["decisive"]]
    parts = [f"{c['result']}: {c['statement']}" for c in decisive[:2]]
    parts += [f"missing: {x}" for x in ours["missing"][:1]]
    return f"{ours['outcome']} ({'; '.join(parts) or ours['citation']['text']})"


def metrics(items: list[ItemResult]) -> dict:
    n = len(items)
    matrix = {r: {p: 0 for p in (*LABELS, "abstained")} for r in LABELS}
    for it in items:
        if it.recorded in LABELS:
            matrix[it.recorded][it.predicted or "abstained"] += 1
    recall = {r: matrix[r][r] / sum(matrix[r].values()) if sum(matrix[r].values()) else None
              for r in LABELS}
    said_over = sum(matrix[r]["overturned"] for r in LABELS)
    compared = [it.section_agrees for it in items if it.section_agrees is not None]
    known = [r for r in recall.values() if r is not None]
    return {
        "items": n, "decided": sum(it.predicted is not None for it in items),
        "abstained": sum(it.predicted is None for it in items),
        "correct": sum(it.correct for it in items),
        "accuracy": _ratio(sum(it.correct for it in items), n),
        "accuracy_decided": _ratio(sum(it.correct for it in items),
                                   sum(it.predicted is not None for it in items)),
        "balanced_accuracy": sum(known) / len(known) if known else None,
        "overturn_recall": recall["overturned"],
        "overturn_precision": _ratio(matrix["overturned"]["overturned"], said_over),
        "confusion": matrix,
        "section_agreement": _ratio(sum(compared), len(compared)),
        "section_compared": len(compared),
    }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def evaluate(files, kb, progress=None) -> dict:
    items: list[ItemResult] = []
    errors = []
    for outcome in read_files(files, kb, progress):
        if outcome.read is None:
            errors.append(outcome.error)
        else:
            items += evaluate_letter(outcome.read, kb)
    by_category = defaultdict(list)
    for it in items:
        by_category[it.category].append(it)
    return {"letters": len(files), "unreadable": errors, "overall": metrics(items),
            "by_category": {c: metrics(v) for c, v in sorted(by_category.items())},
            "disagreements": [asdict(it) for it in items if not it.correct],
            "items": [asdict(it) for it in items]}


def csv_text(report: dict) -> str:
    out = io.StringIO()
    fields = list(ItemResult.__dataclass_fields__)
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(report["items"])
    return out.getvalue()


def text_report(report: dict) -> str:
    lines = [f"letters {report['letters']}, unreadable {len(report['unreadable'])}"]
    lines += [f"  error: {e}" for e in report["unreadable"]]
    for name, mt in [("overall", report["overall"]), *report["by_category"].items()]:
        lines.append(f"\n{name}: items {mt['items']} decided {mt['decided']} "
                     f"correct {mt['correct']} accuracy {_pct(mt['accuracy'])} "
                     f"(decided {_pct(mt['accuracy_decided'])}) balanced "
                     f"{_pct(mt['balanced_accuracy'])} overturn recall "
                     f"{_pct(mt['overturn_recall'])} precision {_pct(mt['overturn_precision'])}"
                     f" section agreement {_pct(mt['section_agreement'])} "
                     f"of {mt['section_compared']}")
        if name == "overall":
            lines.append("  confusion (recorded -> predicted upheld/overturned/abstained): "
                         + "; ".join(f"{r}: {v['upheld']}/{v['overturned']}/{v['abstained']}"
                                     for r, v in mt["confusion"].items()))
    lines.append("\ndisagreements:")
    lines += [f"  {d['source']}: {d['item']}: letter {d['recorded']}, ours "
              f"{d['predicted'] or 'none'}: {d['reason']}" for d in report["disagreements"]]
    if not report["disagreements"]:
        lines.append("  (none)")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"

