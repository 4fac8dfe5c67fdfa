"""Letters: read (and decide) IMR letters, store each whole or not at all, score them.

A batch goes on past a bad file: each file gets its report or its error, and a letter that
fails is stored not at all (its graphs are built in memory first, then written in one
transaction, or for new letters in one bulk batch behind the store's intent log, see
`store_batch`). With `reason=True` each letter is also decided from its case facts only (the
recorded decision is never an input) and its determinations (the run graph) are written with
the letter, so a crash never leaves a letter without them.

Reading and reasoning are pure CPU work per letter, so a big batch can spread them over
worker processes (`jobs`); the store has one writer, this process, which takes the letters
in order.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from reasoner.engine.casegraph import CaseGraph
from reasoner.engine.decide import Determination, Outcome
from reasoner.engine.facts import read_case
from reasoner.engine.kb import CaseResult, KnowledgeBase
from reasoner.engine.report import case_report, run_triples
from reasoner.errors import IncompleteCase, InputError, MtusError
from reasoner.progress import Progress
from reasoner.reader.dates import find_dates, parse_date
from reasoner.reader.letter import ReadLetter, read_letter
from reasoner.scoring import (
    FactScore,
    ItemAgreement,
    LetterItem,
    LetterReport,
    ScoreReport,
    score,
    score_facts,
    score_item,
)
from reasoner.store.graphs import case_graph, nquads
from reasoner.store.protocol import GraphStore
from reasoner.vocab import XSD, m

LETTER_SUFFIXES = (".txt", ".text")
PARALLEL_FROM = 400  # letters: below this, starting worker processes costs more than it saves
_CHUNK = 16  # letters handed to a worker at a time
STORE_BATCH = 250  # letters stored together (one bulk load; see Store.save_letters_nquads)
_NOT_REASONED = "not decided: read without reasoning"


@dataclass(frozen=True)
class LetterOutcome:
    """One file of a batch: its report or its error."""

    source: str
    read: ReadLetter | None = None  # in-process reading only
    error: str | None = None
    report: LetterReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # read, reason, store

    @property
    def ok(self) -> bool:
        return self.error is None


# One letter --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reasoned:
    result: CaseResult | None  # None when nothing could be decided
    note: str | None  # why not (or why some items were left out)


def reason_letter(read: ReadLetter, kb: KnowledgeBase) -> Reasoned:
    """Decide the letter from its case facts only. A request whose service is not in the
    terminology cannot be decided: it is left out, and said so."""
    concepts, requests = read.concepts(), read.requests()
    unknown = [r for r in requests if r not in concepts]
    note = f"{len(unknown)} requested service(s) not in the terminology" if unknown else None
    if len(unknown) == len(requests):
        return Reasoned(None, note or "no requested item")
    request = m("request")
    decidable = [t for t in read.graph.facts
                 if not (t.predicate.value == request and getattr(t.object, "value", None)
                         in unknown)]
    try:
        # One index over the facts, shared by the completeness checks and the fact reading.
        return Reasoned(kb.reason(CaseGraph.of(decidable), read.source), note)
    except IncompleteCase as exc:
        undated = {p.focus for p in exc.problems
                   if p.path in (_REQUEST_DATE, "mtus:requestDate")} & set(requests)
        if undated and all(p.focus in undated for p in exc.problems):
            return _decide_undated(read, kb, decidable, undated, note)
        # Items are decided one by one: requests the case shapes find incomplete are left
        # out, said so, and the others decided.
        incomplete = {p.focus for p in exc.problems} & set(requests)
        if not incomplete or len(incomplete | set(unknown)) == len(requests) or \
                any(p.focus not in incomplete for p in exc.problems):
            return Reasoned(None, f"case not decidable: {exc}")
        left = [t for t in decidable if not (t.predicate.value == request and
                                             getattr(t.object, "value", None) in incomplete)]
        why = "; ".join(sorted({p.message for p in exc.problems}))
        note = "; ".join(filter(None, [note, f"{len(incomplete)} item(s) not decided: {why}"]))
        try:
            return Reasoned(kb.reason(CaseGraph.of(left), read.source), note)
        except IncompleteCase as again:
            return Reasoned(None, f"case not decidable: {again}")


_REQUEST_DATE = m("requestDate")
_XSD_DATE = ox.NamedNode(XSD + "date")
_UR_WINDOW = dt.timedelta(days=30)


def _decide_undated(read: ReadLetter, kb: KnowledgeBase, facts: list[ox.Triple],
                    undated: set[str], note: str | None) -> Reasoned:
    """Requests whose date the text does not give: decided under every guideline edition that
    could have been in force between the dates the text does give (the injury, the review),
    one day per edition boundary. Where every edition gives the same outcome, that is the
    outcome; where they differ, the item is insufficient documentation naming the request
    date, since the date chooses the guideline."""
    days = _candidate_days(read, kb)
    if not days:
        return Reasoned(None, "case not decidable: no request date, and no date in the text "
                              "to bound it")
    results = []
    for day in days:
        dated = facts + [ox.Triple(ox.NamedNode(r), ox.NamedNode(_REQUEST_DATE),
                                   ox.Literal(day.isoformat(), datatype=_XSD_DATE))
                         for r in sorted(undated)]
        try:
            results.append(kb.reason(CaseGraph.of(dated), read.source))
        except IncompleteCase as exc:
            return Reasoned(None, f"case not decidable: {exc}")
    base = results[-1]  # the latest day: the review's own date bounds the request
    merged = [_agreed(d, [r.determinations for r in results], days)
              if d.request.node in undated else d for d in base.determinations]
    said = (f"{len(undated)} item(s) without a request date decided under every edition in "
            f"force from {days[0]} to {days[-1]}")
    return Reasoned(replace(base, determinations=merged),
                    "; ".join(filter(None, [note, said])))


def _agreed(determination: Determination, runs: list[list[Determination]],
            days: list[dt.date]) -> Determination:
    outcomes = {d.outcome for run in runs for d in run
                if d.request.node == determination.request.node}
    if len(outcomes) == 1:
        return determination
    return determination._replace(
        outcome=Outcome.INSUFFICIENT_DOCUMENTATION,
        missing=(f"The request date: the guideline edition in force, and so the outcome, "
                 f"differ between {days[0]} and {days[-1]} "
                 f"({', '.join(sorted(o.value for o in outcomes))})",),
        would_change=("A request date (the report or RFA that asked for the service)",))


def _candidate_days(read: ReadLetter, kb: KnowledgeBase) -> list[dt.date]:
    """The first day, the last day and every edition boundary between the dates the text
    gives: no earlier than the injury (else its first date) nor than 30 days before the UR
    decision, no later than the UR decision (else the letter's, else its last date)."""
    header, found = read.letter.header, sorted(d for d, _, _ in find_dates(read.letter.text))
    injury = read.extracted.injury[0] if read.extracted.injury else None
    ur = parse_date(header.get("ur_denial_date", "")) or min(
        (f.props["on_date"] for f in read.extracted.facts if f.kind == "ur"
         and f.props.get("on_date")), default=None)
    first = injury or (found[0] if found else None)
    if ur and first:
        # UR decides a request within 5 business days (14 at most) of receiving it, a
        # retrospective one within 30 days (8 CCR 9792.9.1): the request is no older.
        first = max(first, ur - _UR_WINDOW)
    last = ur or parse_date(header.get("decision_date", "")) or (found[-1] if found else None)
    if first is None or last is None or last < first:
        return []
    bounds = {first, last}
    for edition in kb.program.editions:
        for day in (edition.in_force_from, edition.in_force_until and
                    edition.in_force_until + dt.timedelta(days=1)):
            if day and first < day <= last:
                bounds.add(day)
    return sorted(bounds)


def letter_report(read: ReadLetter, kb: KnowledgeBase, reasoned: Reasoned | None
                  ) -> tuple[LetterReport, tuple[str, list[ox.Triple]] | None]:
    """The letter's report (each item scored against the record) and, when decided, its run."""
    report = case_report(reasoned.result, kb.digest) if reasoned and reasoned.result else None
    decided = {d.request: d for d in report.determinations} if report else {}
    note = _NOT_REASONED if reasoned is None else (reasoned.note or "")
    concepts = read.concepts()
    items = [score_item(read.source, item, concepts.get(req), decided.get(req), note, kb.terms)
             for req, item in read.requested_items()]
    run = run_triples(report) if report else None
    out = LetterReport(read.source, read.graph.case, read.letter.layout, items,
                       len(read.graph.facts), len(read.graph.record),
                       run=run[0] if run else None,
                       not_decided=reasoned.note if reasoned else None)
    return out, run


def ingest_letter(data: bytes, source: str, kb: KnowledgeBase,
                  store: GraphStore | None) -> LetterReport:
    """One posted letter (POST /v1/letters): read, decided, and stored with its run unless
    `store` is None. A posted letter has no file name: its identity is its text's digest."""
    read = read_letter(data, source, kb.terms, named_by_file=False)
    report, run = letter_report(read, kb, reason_letter(read, kb))
    if store is None:
        return replace(report, run=None)
    store.save_letter(read.graph.case, read.graph.triples, run=run)
    return replace(report, stored=True)


# Files -------------------------------------------------------------------------------------

def letter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the letter files directly inside each directory (not below it:
    a corpus keeps its deliberately unreadable samples in a subdirectory)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in LETTER_SUFFIXES)
        else:
            files.append(path)
    return files


def read_file(path: Path, kb: KnowledgeBase) -> LetterOutcome:
    try:
        if not path.is_file():
            raise InputError("no such file", source=str(path))
        return LetterOutcome(str(path), read=read_letter(path.read_bytes(), str(path), kb.terms))
    except InputError as exc:
        return LetterOutcome(str(path), error=exc.describe())
    except (MtusError, ValueError, OSError) as exc:
        return LetterOutcome(str(path), error=f"{path}: {exc}")
    except Exception as exc:  # noqa: BLE001 (a reader fault on one document, e.g. a
        # RecursionError, must not sink a batch of thousands: that document is reported as
        # unreadable, with what went wrong, and the others are read)
        return LetterOutcome(str(path), error=f"{path}: the reader failed on this document "
                                              f"({type(exc).__name__}: {str(exc)[:200]})")


def read_document(path: Path, kb: KnowledgeBase,
                  reason: bool = False) -> tuple[ReadLetter, LetterReport]:
    """`mtus read`: one letter or progress report read (and decided), nothing stored."""
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    read = read_letter(path.read_bytes(), str(path), kb.terms)
    report, _ = letter_report(read, kb, reason_letter(read, kb) if reason else None)
    return read, report


def score_letters(files: list[Path], kb: KnowledgeBase,
                  progress: Progress | None = None) -> ScoreReport:
    """`mtus eval`: decide every letter from its facts and score it against its record."""
    items, unreadable = [], []
    for n, path in enumerate(files, 1):
        if progress:
            progress(n, len(files), str(path))
        outcome = read_file(path, kb)
        if outcome.read is None:
            unreadable.append(outcome.error or str(path))
        else:
            items += score_letter(outcome.read, kb)
    return score(len(files), unreadable, items)


def score_letter(read: ReadLetter, kb: KnowledgeBase) -> list[LetterItem]:
    """Each disputed item of a letter decided from its facts, beside the recorded outcome."""
    return letter_report(read, kb, reason_letter(read, kb))[0].items


def score_reader(paths: Iterable[str | Path], kb: KnowledgeBase,
                 progress: Progress | None = None) -> FactScore:
    """`mtus eval --facts`: every document (.txt) that has a gold case graph beside it (.ttl of
    the same name), read and compared fact by fact; each gold request decided from the gold
    graph and from the graph read, and the outcomes compared."""
    docs = gold_documents(paths)
    pairs, items, unreadable = [], [], []
    for n, (text, gold) in enumerate(docs, 1):
        if progress:
            progress(n, len(docs), str(text))
        try:
            gold_result = kb.reason(kb.parse(gold.read_bytes(), "text/turtle", str(gold)),
                                    str(gold))
            read = read_letter(text.read_bytes(), str(text), kb.terms)
        except MtusError as exc:
            unreadable.append(f"{text}: {exc}")
            continue
        reasoned = reason_letter(read, kb)
        pairs.append((str(text), gold_result.facts, read_case(read.graph.facts, str(text))))
        items += _agreements(str(text), gold_result, reasoned, kb)
    return score_facts(pairs, items, unreadable, kb.terms)


def gold_documents(paths: Iterable[str | Path]) -> list[tuple[Path, Path]]:
    """(document, gold graph) pairs: .txt files with a .ttl of the same name, directories
    searched recursively."""
    found: list[Path] = []
    for path in map(Path, paths):
        found += sorted(path.rglob("*.txt")) if path.is_dir() else [path]
    return [(f, f.with_suffix(".ttl")) for f in found if f.with_suffix(".ttl").is_file()]


def _agreements(source: str, gold: CaseResult, read: Reasoned,
                kb: KnowledgeBase) -> list[ItemAgreement]:
    decided = [(d.request.concept, d.outcome.value)
               for d in (read.result.determinations if read.result else ())]
    out = []
    is_a = kb.terms.is_a
    for d in gold.determinations:
        concept = d.request.concept
        # The same request, named as precisely as the gold or more or less so ("chiropractic
        # manipulation of the low back" read as "manual therapy and manipulation").
        same = [(c, o) for c, o in decided if c == concept] or \
            [(c, o) for c, o in decided if c and concept and (is_a(c, concept) or is_a(concept, c))]
        mine = same[0][1] if same else None
        if same:
            decided.remove(same[0])
        out.append(ItemAgreement(source, kb.terms.label(concept) if concept else None,
                                 d.outcome.value, mine))
    return out


# One letter, ready to store ------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """A letter read (and decided) with its graphs as N-Quads: the form in which it leaves a
    worker process (pickling term objects costs more than the parse) and the form Oxigraph
    stores fastest."""

    outcome: LetterOutcome
    case: str | None = None
    data: bytes = b""
    graphs: tuple[str, ...] = ()  # the graph names in `data`


def prepare(path: Path, kb: KnowledgeBase, reason: bool, keep_read: bool = False) -> Prepared:
    start = time.perf_counter()
    outcome = read_file(path, kb)
    seconds = {"read": time.perf_counter() - start}
    if outcome.read is None:
        return Prepared(LetterOutcome(outcome.source, error=outcome.error, seconds=seconds))
    read = outcome.read
    try:
        graphs: dict[str, list[ox.Triple]] = {case_graph(read.graph.case): read.graph.triples}
    except InputError as exc:
        return Prepared(LetterOutcome(outcome.source, error=exc.describe(), seconds=seconds))
    start = time.perf_counter()
    report, run = letter_report(read, kb, reason_letter(read, kb) if reason else None)
    if run:
        graphs[run[0]] = run[1]
    if reason:
        seconds["reason"] = time.perf_counter() - start
    return Prepared(LetterOutcome(outcome.source, read if keep_read else None, None, report,
                                  seconds), read.graph.case, nquads(graphs), tuple(graphs))


def store_prepared(prepared: Prepared, store: GraphStore) -> LetterOutcome:
    outcome = prepared.outcome
    if not outcome.ok or prepared.case is None:
        return outcome
    start = time.perf_counter()
    try:
        store.save_letters_nquads([(prepared.case, prepared.graphs, prepared.data)])
    except MtusError as exc:
        return LetterOutcome(outcome.source, error=f"{outcome.source}: {exc}",
                             seconds=outcome.seconds)
    return _stored(outcome, time.perf_counter() - start)


# The batch ---------------------------------------------------------------------------------

def ingest_letters(files: list[Path], kb: KnowledgeBase, store: GraphStore,
                   progress: Progress | None = None, *,
                   reason: bool = False, jobs: int | None = 0) -> list[LetterOutcome]:
    """Read (and decide) and store each letter, whole or not at all (in batches of
    STORE_BATCH where the store allows, see store_batch); errors are per file.

    `jobs`: worker processes that read and reason while this process writes (0: none, all
    here; None: for a big batch one per CPU, else none)."""
    store.ensure_guidelines(kb)  # the terminology, so queries can group services
    results: list[LetterOutcome] = []
    batch: list[Prepared] = []

    def flush() -> None:
        for outcome in store_batch(batch, store):
            results.append(outcome)
            if progress:
                progress(len(results), len(files), outcome.source)
        batch.clear()

    for prepared in _prepared(files, kb, reason, _jobs(jobs, len(files))):
        batch.append(prepared)
        if len(batch) == STORE_BATCH:
            flush()
    flush()
    return results


def store_batch(batch: list[Prepared], store: GraphStore) -> list[LetterOutcome]:
    """Store prepared letters together (`save_letters_nquads`: each letter still whole or
    absent); a failed batch is retried one by one, so an error names its letter."""
    ready = [p for p in batch if p.outcome.ok and p.case is not None]
    if len(ready) < 2:
        return [store_prepared(p, store) for p in batch]
    start = time.perf_counter()
    try:
        store.save_letters_nquads([(p.case, p.graphs, p.data) for p in ready
                                   if p.case is not None])
    except MtusError:
        return [store_prepared(p, store) for p in batch]
    share = (time.perf_counter() - start) / len(ready)
    stored = {id(p) for p in ready}
    return [_stored(p.outcome, share) if id(p) in stored else p.outcome for p in batch]


def _stored(outcome: LetterOutcome, seconds: float) -> LetterOutcome:
    report = replace(outcome.report, stored=True) if outcome.report else None
    return LetterOutcome(outcome.source, outcome.read, None, report,
                         {**outcome.seconds, "store": seconds})


def _jobs(jobs: int | None, letters: int) -> int:
    if jobs is None:
        # Reading and reasoning take most of the time now that new letters are bulk-loaded
        # (store_batch): one worker per CPU, the writer sharing them.
        jobs = (os.cpu_count() or 1) if letters >= PARALLEL_FROM else 0
    return max(0, min(jobs, letters))


def _prepared(files: list[Path], kb: KnowledgeBase, reason: bool, jobs: int
              ) -> Iterator[Prepared]:
    if jobs == 0:
        yield from (prepare(path, kb, reason) for path in files)
        return
    # fork shares the loaded knowledge base with the workers; elsewhere they load their own.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    # A bounded number of letters in flight (unbounded, finished letters piled up: gigabytes
    # for 10,000), with room for the batch being stored and the next one, so the workers
    # keep reading and reasoning while the writer bulk-loads.
    window = threading.BoundedSemaphore(2 * STORE_BATCH + jobs * _CHUNK)

    def feed() -> Iterator[Path]:
        for path in files:
            window.acquire()
            yield path

    with context.Pool(jobs, _worker_start, (kb if method == "fork" else None, kb.root,
                                            reason)) as pool:
        for prepared in pool.imap(_worker_prepare, feed(), chunksize=_CHUNK):
            window.release()
            yield prepared


_WORKER: dict[str, Any] = {}


def _worker_start(kb: KnowledgeBase | None, root: Path, reason: bool) -> None:
    _WORKER.update(kb=kb or KnowledgeBase.load(root), reason=reason)


def _worker_prepare(path: Path) -> Prepared:
    return prepare(path, _WORKER["kb"], _WORKER["reason"])
