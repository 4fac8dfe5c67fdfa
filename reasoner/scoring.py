"""Letters scored: our outcome for each disputed item beside the reviewer's recorded one.

The reasoner sees only the case facts read from the case summary and the disputed items
(LetterGraph.facts); the recorded outcome and the cited guideline are compared afterwards
(`reasoner.workflows.letters.score_letters` composes the two).
The positive class is 'overturned' (the service found medically necessary). An item we
cannot decide (service not in the terminology, no encoded recommendation applies, case not
decidable) counts as a wrong prediction in accuracy and is also reported as abstained.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, fields

from reasoner.engine.facts import CaseFacts
from reasoner.engine.report import DeterminationReport
from reasoner.engine.terminology import Terminology
from reasoner.reader.layout import Item
from reasoner.vocab import TERM

LABELS = ("upheld", "overturned")
# A utilization review's action in IMR's terms, which our prediction is said in: a certified
# request is care found necessary (as a denial overturned); a non-certified or a modified one
# was not certified as written (we decide the request as written, as IMR does).
_AS_IMR = {"certified": "overturned", "non-certified": "upheld", "modified": "upheld"}


def as_imr(recorded: str | None) -> str | None:
    """The recorded outcome as IMR's upheld / overturned (a UR's action mapped)."""
    return _AS_IMR.get(recorded, recorded) if recorded else recorded
_CATEGORIES = ("Drug", "DiagnosticService", "PhysicalMedicine", "Surgery", "Treatment", "Service")


@dataclass(slots=True)
class LetterItem:
    """One disputed item of a letter: the reviewer's recorded outcome beside ours."""

    source: str  # the letter
    name: str  # the item as the letter names it
    service: str | None  # the terminology term it was matched to (label)
    category: str
    recorded_outcome: str | None  # upheld / overturned (a UR's certified ...), from the letter
    predicted: str | None  # our IMR equivalent: upheld / overturned / None (abstained)
    outcome: str | None  # our outcome (medically-necessary, ...); None: not decided
    citation: str | None  # what we cite
    letter_citation: str | None  # what the letter cites
    section_agrees: bool | None
    reason: str

    @property
    def correct(self) -> bool:
        return self.predicted is not None and self.predicted == as_imr(self.recorded_outcome)


@dataclass(slots=True)
class LetterReport:
    """A letter read (and decided): the output of `mtus ingest --json` and POST /v1/letters."""

    source: str
    case: str
    layout: str
    items: list[LetterItem]
    facts: int  # case fact triples read from the letter
    record: int  # triples of the reviewer's record
    run: str | None = None  # the stored run graph, when decided and stored
    not_decided: str | None = None  # why some or all items were not decided
    stored: bool = False


def category(concept: str | None, terms: Terminology) -> str:
    """The service category: the label of the first broad class the service falls under."""
    for local in _CATEGORIES:
        if terms.is_a(concept, TERM + local):
            return terms.label(TERM + local)
    return "unmapped"


def score_item(source: str, item: Item, concept: str | None, ours: DeterminationReport | None,
               note: str, terms: Terminology) -> LetterItem:
    """The recorded outcome of `item` beside ours (`ours`: None when not decided, `note` says
    why)."""
    cite = ours.citation if ours else None
    agrees = None
    if cite and item.guideline:
        agrees = any(_words(s) in _words(item.guideline) for s in cite.sections())
    if concept is None:
        reason = "the service is not in the terminology"
    elif ours is None:
        reason = note or "not decided"
    elif ours.outcome == "not-addressed":
        reason = f"no encoded recommendation applies to {terms.label(concept)}"
    elif ours.outcome == "not-medical-treatment":
        reason = f"{terms.label(concept)} is not medical treatment"
    else:
        reason = _why(ours)
    return LetterItem(source, item.name, terms.label(concept) if concept else None,
                      category(concept, terms), item.outcome,
                      ours.imr_equivalent if ours else None, ours.outcome if ours else None,
                      cite.text if cite else None, item.guideline, agrees, reason)


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def _why(ours: DeterminationReport) -> str:
    parts = [f"{c.result}: {c.statement}" for c in ours.criteria if c.decisive][:2]
    parts += [f"missing: {x}" for x in ours.missing[:1]]
    if not ours.decisive and ours.notes and ours.notes[0].startswith("Care after"):
        parts.insert(0, ours.notes[0])  # decided by the operation it follows
    cited = ours.citation.text if ours.citation else ""
    return f"{ours.outcome} ({'; '.join(parts) or cited})"


@dataclass(slots=True)
class Metrics:
    """How our predictions compare with the recorded decisions; the positive class is
    'overturned'. Abstentions count as wrong in `accuracy`."""

    items: int
    decided: int
    abstained: int
    correct: int
    accuracy: float | None
    accuracy_decided: float | None
    balanced_accuracy: float | None
    overturn_recall: float | None
    overturn_precision: float | None
    confusion: dict[str, dict[str, int]]  # recorded -> predicted (or abstained) -> count
    section_agreement: float | None
    section_compared: int


@dataclass(slots=True)
class ScoreReport:
    """`mtus eval`: every item of every letter, scored overall and per service category."""

    letters: int
    unreadable: list[str]
    overall: Metrics
    by_category: dict[str, Metrics]
    disagreements: list[LetterItem]
    items: list[LetterItem]


def metrics(items: list[LetterItem]) -> Metrics:
    matrix = {r: {p: 0 for p in (*LABELS, "abstained")} for r in LABELS}
    for it in items:
        if (recorded := as_imr(it.recorded_outcome)) in LABELS:
            matrix[recorded][it.predicted or "abstained"] += 1
    recall = {r: matrix[r][r] / sum(matrix[r].values()) if sum(matrix[r].values()) else None
              for r in LABELS}
    said_over = sum(matrix[r]["overturned"] for r in LABELS)
    compared = [it.section_agrees for it in items if it.section_agrees is not None]
    known = [r for r in recall.values() if r is not None]
    decided = sum(it.predicted is not None for it in items)
    correct = sum(it.correct for it in items)
    return Metrics(len(items), decided, len(items) - decided, correct,
                   _ratio(correct, len(items)), _ratio(correct, decided),
                   sum(known) / len(known) if known else None, recall["overturned"],
                   _ratio(matrix["overturned"]["overturned"], said_over), matrix,
                   _ratio(sum(compared), len(compared)), len(compared))


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def score(letters: int, unreadable: list[str], items: list[LetterItem]) -> ScoreReport:
    by_category: dict[str, list[LetterItem]] = defaultdict(list)
    for it in items:
        by_category[it.category].append(it)
    return ScoreReport(letters, unreadable, metrics(items),
                       {c: metrics(v) for c, v in sorted(by_category.items())},
                       [it for it in items if not it.correct], items)


def csv_text(report: ScoreReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = [f.name for f in fields(LetterItem)]
    writer.writerow(columns)
    writer.writerows([getattr(it, c) for c in columns] for it in report.items)
    return out.getvalue()


def text_report(report: ScoreReport) -> str:
    lines = [f"letters {report.letters}, unreadable {len(report.unreadable)}"]
    lines += [f"  error: {e}" for e in report.unreadable]
    for name, mt in [("overall", report.overall), *report.by_category.items()]:
        lines.append(f"\n{name}: items {mt.items} decided {mt.decided} "
                     f"correct {mt.correct} accuracy {_pct(mt.accuracy)} "
                     f"(decided {_pct(mt.accuracy_decided)}) balanced "
                     f"{_pct(mt.balanced_accuracy)} overturn recall "
                     f"{_pct(mt.overturn_recall)} precision {_pct(mt.overturn_precision)}"
                     f" section agreement {_pct(mt.section_agreement)} "
                     f"of {mt.section_compared}")
        if name == "overall":
            lines.append("  confusion (recorded -> predicted upheld/overturned/abstained): "
                         + "; ".join(f"{r}: {v['upheld']}/{v['overturned']}/{v['abstained']}"
                                     for r, v in mt.confusion.items()))
    lines.append("\ndisagreements:")
    lines += [f"  {d.source}: {d.name}: letter {d.recorded_outcome}, ours "
              f"{d.predicted or 'none'}: {d.reason}" for d in report.disagreements]
    if not report.disagreements:
        lines.append("  (none)")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


# Facts read from text against gold case graphs (`mtus eval --facts`) ---------------------------

Key = tuple[object, ...]


def fact_keys(facts: CaseFacts) -> dict[str, Counter[Key]]:
    """What a reader must get right, per fact kind, as comparable keys. Slots (sessions, dose,
    request date, quantity) are kinds of their own, keyed with the fact's concept, so a
    right fact with a wrong slot counts once as right and once as wrong."""
    kinds: dict[str, Counter[Key]] = defaultdict(Counter)
    for name, value in (("age", facts.age), ("sex", facts.sex),
                        ("injury date", facts.injury_date)):
        if value is not None:
            kinds["worker"][(name, value)] += 1
    kinds["diagnosis"].update((d.concept,) for d in facts.diagnoses)
    for f in facts.findings:
        # once per concept and status: the key has no date or side, so a finding stated
        # again ("no saddle anaesthesia", "denies bowel or bladder change", both cauda
        # equina signs absent) is the same fact, and counting it twice would reward repeating
        kinds["finding present" if f.present else "finding absent"][(f.concept,)] = 1
    kinds["pain score"].update((p.value, p.value_high, p.context) for p in facts.pain_scores)
    for c in facts.courses:
        kind = "medication" if c.is_medication else "prior treatment"
        kinds[kind][(c.concept,)] += 1
        if c.sessions is not None:
            kinds["sessions"][(c.concept, c.sessions)] += 1
        if c.dose_mg is not None or c.doses_per_day is not None:
            kinds["dose"][(c.concept, c.dose_mg, c.doses_per_day)] += 1
        if c.response is not None:
            kinds["response"][(c.concept, c.response)] += 1
        if c.relief_percent is not None:
            kinds["relief percent"][(c.concept, float(c.relief_percent))] += 1
        if c.relief_weeks is not None:
            kinds["relief weeks"][(c.concept, round(float(c.relief_weeks), 1))] += 1
    kinds["study"].update((s.concept,) for s in facts.studies)
    kinds["assessment"].update((a.concept, a.result) for a in facts.assessments)
    for r in facts.requests:
        kinds["request"][(r.concept,)] += 1
        kinds["request date"][(r.concept, r.request_date)] += 1
        if r.quantity is not None:
            kinds["request quantity"][(r.concept, r.quantity)] += 1
    return kinds


@dataclass(slots=True)
class KindScore:
    gold: int
    read: int
    matched: int
    precision: float | None
    recall: float | None


@dataclass(slots=True)
class ItemAgreement:
    source: str
    service: str | None  # the gold request's concept (label)
    gold_outcome: str  # decided from the gold graph
    read_outcome: str | None  # decided from the graph read from text; None: not read


@dataclass(slots=True)
class FactScore:
    """`mtus eval --facts`: the reader's facts against gold case graphs, and the outcome of
    each requested item decided from both."""

    documents: int
    unreadable: list[str]
    kinds: dict[str, KindScore]
    negated_read_present: int  # gold says absent, the reader said present: must be 0
    items: int
    items_agree: int
    item_accuracy: float | None
    disagreements: list[ItemAgreement]
    missed: dict[str, list[str]]  # per document: gold facts the reader did not read
    spurious: dict[str, list[str]]  # per document: facts read that the gold does not hold


def score_facts(pairs: list[tuple[str, CaseFacts, CaseFacts]], items: list[ItemAgreement],
                unreadable: list[str], terms: Terminology) -> FactScore:
    """`pairs`: (document, gold facts, facts read) per document."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    negated_present = 0
    missed: dict[str, list[str]] = {}
    spurious: dict[str, list[str]] = {}
    for source, gold, read in pairs:
        gold_keys, read_keys = fact_keys(gold), fact_keys(read)
        read_keys = {kind: _narrower_as_gold(gold_keys.get(kind, Counter()), keys, terms)
                     for kind, keys in read_keys.items()}
        for kind in set(gold_keys) | set(read_keys):
            g, r = gold_keys.get(kind, Counter()), read_keys.get(kind, Counter())
            both = g & r
            totals[kind][0] += sum(g.values())
            totals[kind][1] += sum(r.values())
            totals[kind][2] += sum(both.values())
            for lost, into in ((g - r, missed), (r - g, spurious)):
                if lost:
                    into.setdefault(source, []).extend(
                        f"{kind}: {_key_text(k, terms)}" for k in lost.elements())
        # A concept the gold has absent only (not also present elsewhere, e.g. the other
        # knee), read as present: the error that approves care wrongly.
        absent = set(gold_keys.get("finding absent", ())) - set(
            gold_keys.get("finding present", ()))
        negated_present += sum(_denial_read_present(gold, read, str(key[0]), terms)
                               for key in absent & set(read_keys.get("finding present", ())))
    kinds = {kind: KindScore(g, r, m, _ratio(m, r), _ratio(m, g))
             for kind, (g, r, m) in sorted(totals.items())}
    agree = sum(i.gold_outcome == i.read_outcome for i in items)
    return FactScore(len(pairs) + len(unreadable), unreadable, kinds, negated_present,
                     len(items), agree, _ratio(agree, len(items)),
                     [i for i in items if i.gold_outcome != i.read_outcome], missed, spurious)


def _denial_read_present(gold: CaseFacts, read: CaseFacts, concept: str,
                         terms: Terminology) -> bool:
    """Whether the reader said present what the gold denies at the same time: on a date the
    gold denies it, or either undated. A finding read present on another date than the
    gold's denial ("new numbness" in December, "findings unchanged" in March, both read)
    is a fact the gold left out, not a denial misread."""
    denied = {f.on_date for f in gold.findings if f.concept == concept and not f.present}
    said = {f.on_date for f in read.findings if f.present and f.concept is not None
            and terms.is_a(f.concept, concept)}
    return None in denied or None in said or bool(denied & said)


def _narrower_as_gold(gold: Counter[Key], read: Counter[Key], terms: Terminology) -> Counter[Key]:
    """A fact read at a narrower class than the gold's, the rest of its key equal, counts as
    the gold fact: "cervical radiculopathy" where the gold, written before the terminology
    had that class, says "radiculopathy" states the same fact more precisely."""
    spare = gold - read
    out: Counter[Key] = Counter()
    for key, n in read.items():
        if key not in gold and isinstance(key[0], str) and key[0].startswith(TERM):
            wider = next((g for g in spare if spare[g] > 0 and g[1:] == key[1:]
                          and isinstance(g[0], str) and terms.is_a(key[0], g[0])), None)
            if wider is not None:
                taken = min(n, spare[wider])
                spare[wider] -= taken
                out[wider] += taken
                n -= taken
        if n:
            out[key] += n
    return out


def _key_text(key: Key, terms: Terminology) -> str:
    return " ".join(terms.label(v) if isinstance(v, str) and v.startswith(TERM) else str(v)
                    for v in key)


def facts_text(report: FactScore) -> str:
    lines = [f"documents {report.documents}, unreadable {len(report.unreadable)}"]
    lines += [f"  error: {e}" for e in report.unreadable]
    lines.append(f"\n{'fact kind':18} {'gold':>6} {'read':>6} {'right':>6} {'precision':>10} "
                 f"{'recall':>8}")
    for kind, s in report.kinds.items():
        lines.append(f"{kind:18} {s.gold:>6} {s.read:>6} {s.matched:>6} "
                     f"{_pct(s.precision):>10} {_pct(s.recall):>8}")
    lines.append(f"\nnegated facts read as present: {report.negated_read_present}")
    lines.append(f"items: {report.items}, same outcome as from the gold facts: "
                 f"{report.items_agree} ({_pct(report.item_accuracy)})")
    lines += [f"  {d.source}: {d.service}: gold {d.gold_outcome}, read "
              f"{d.read_outcome or 'not read'}" for d in report.disagreements]
    return "\n".join(lines)
