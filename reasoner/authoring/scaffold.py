"""`mtus new recommendation`: the skeleton of a recommendation, its criterion and its three
test cases (met, not met, not documented), in the form of docs/authoring.md's worked example.

What the author must decide is written as a literal starting with "FILL:" (lint.PLACEHOLDER):
the load refuses a knowledge base holding one and `mtus check` names each, so a scaffold not
filled in can neither decide a case nor pass the checks. What can be known is filled in: the
service, the section and edition, the kind's parameters (read off the kind's own compile(), so
the list cannot drift from the code), dates in force for the test requests. No I/O: the
workflow (reasoner/workflows/scaffold.py) reads the files and writes the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import inspect
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from reasoner.engine import lint
from reasoner.engine.compile import Index
from reasoner.engine.criteria import REGISTRY
from reasoner.engine.terminology import Terminology
from reasoner.errors import InputError
from reasoner.vocab import GL, MTUS, RDFS_LABEL, TERM, XSD, m, short

if TYPE_CHECKING:
    from reasoner.engine.compile import NodeReader

FILL = lint.PLACEHOLDER
_COMMON = {"statement", "missingText", "verification", "section"}  # every criterion has them
# Kinds that bound a quantity, duration, dose or count: "recommended within limits".
_LIMITS = {m(k) for k in ("RequestedQuantityWithin", "RequestedDurationWithin",
                          "CourseDurationWithin", "DailyDoseWithin", "RequestedLevelsWithin",
                          "AssessmentCountWithin", "RequestedWeeklyQuantityWithin")}
POLARITIES = ("RecommendedWithCriteria", "RecommendedWithLimits")
_VERIFICATION = f"{FILL} mtus:Verified, mtus:WorkingKnowledge or mtus:Uncertain"
OUTCOMES = (("met", "medically-necessary", "Met"),
            ("not-met", "not-medically-necessary", "Not met"),
            ("not-documented", "insufficient-documentation", "Not documented"))
_PREFIXES = """@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix gl:   <https://w3id.org/mtus-kg/guideline/> .
@prefix t:    <https://w3id.org/mtus-kg/test#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


# The kind's parameters, as its compile() reads them ----------------------------------------

@dataclass(frozen=True)
class Parameter:
    local: str  # mtus: local name
    how: str  # the reader method: decimal, integer, term, iri, text, date, criteria_list
    required: bool
    repeatable: bool


class _Stop(Exception):
    """compile() called fail(): the rest of its reading depends on values it lacks."""


class Recorder:
    """Stands in for compile.NodeReader: records which parameters a kind's compile() reads and
    how, answering with stand-in values (`present`: optional ones given too, to reach what
    compile() reads only when they are)."""

    node = "urn:mtus-kg:scaffold"

    def __init__(self, present: bool) -> None:
        self.present = present
        self.read: dict[str, Parameter] = {}
        self.failed: str | None = None

    def _note(self, local: str, how: str, required: bool, value: Any,
              repeatable: bool = False) -> Any:
        self.read.setdefault(local, Parameter(local, how, required, repeatable))
        return value if required or self.present else None

    def fail(self, message: str) -> Any:
        self.failed = message
        raise _Stop(message)

    def iri(self, local: str) -> str:
        return cast(str, self._note(local, "iri", True, "urn:x"))

    def iri_opt(self, local: str) -> str | None:
        return cast("str | None", self._note(local, "iri", False, "urn:x"))

    def iris(self, local: str) -> list[str]:
        return self._note(local, "iri", False, ["urn:x"], True) or []

    def term(self, local: str) -> str:
        return cast(str, self._note(local, "term", True, "urn:x"))

    def term_opt(self, local: str) -> str | None:
        return cast("str | None", self._note(local, "term", False, "urn:x"))

    def terms(self, local: str, at_least_one: bool = False) -> list[str]:
        return self._note(local, "term", at_least_one, ["urn:x"], True) or []

    def term_label(self, local: str) -> str:
        return cast(str, self._note(local, "term", True, "x"))

    def term_labels(self, local: str) -> list[str]:
        return self._note(local, "term", False, ["x"], True) or []

    def text(self, local: str) -> str:
        return cast(str, self._note(local, "text", True, "x"))

    def text_opt(self, local: str) -> str | None:
        return cast("str | None", self._note(local, "text", False, "x"))

    def bool_opt(self, local: str) -> bool | None:
        return cast("bool | None", self._note(local, "boolean", False, True))

    def decimal(self, local: str) -> float:
        return cast(float, self._note(local, "decimal", True, 1.0))

    def decimal_opt(self, local: str) -> float | None:
        return cast("float | None", self._note(local, "decimal", False, 1.0))

    def integer(self, local: str) -> int:
        return cast(int, self._note(local, "integer", True, 1))

    def integer_opt(self, local: str) -> int | None:
        return cast("int | None", self._note(local, "integer", False, 1))

    def date(self, local: str) -> dt.date:
        return cast(dt.date, self._note(local, "date", True, dt.date(2020, 1, 1)))

    def date_opt(self, local: str) -> dt.date | None:
        return cast("dt.date | None", self._note(local, "date", False, dt.date(2020, 1, 1)))

    def criteria_list(self, local: str) -> list[Any]:
        self._note(local, "criteria_list", True, [])
        return []


def parameters(kind: str) -> tuple[list[Parameter], str | None]:
    """The kind's own parameters in the order compile() reads them, and why it fails when
    only the required ones are given ('needs mtus:minAge or mtus:maxAge'), if it does."""
    found: dict[str, Parameter] = {}
    why = None
    for present in (False, True):
        recorder = Recorder(present)
        # Stand-in values may not satisfy every check: what was read so far is recorded.
        with contextlib.suppress(_Stop, TypeError, ValueError):
            REGISTRY[kind].compile(cast("NodeReader", recorder))
        optional = any(not p.required for p in recorder.read.values() if p.local not in _COMMON)
        if not present and optional:  # 'needs mtus:minAge or mtus:maxAge': one is needed
            why = recorder.failed
        for local, p in recorder.read.items():
            found.setdefault(local, p)
    return [p for p in found.values() if p.local not in _COMMON], why


# What the command writes -----------------------------------------------------------------

@dataclass
class Scaffold:
    guideline_file: str  # relative to the knowledge-base root
    turtle: str  # appended to it
    cases: dict[str, str]  # test-case file (relative) -> text
    recommendation: str
    criterion: str
    section: str
    polarity: str
    warnings: list[str] = field(default_factory=list)

    @property
    def placeholders(self) -> int:
        return sum(text.count(f'"{FILL}') for text in [self.turtle, *self.cases.values()])


@dataclass
class Request:
    """The author's options, checked against the knowledge base by `scaffold`."""

    guideline: str  # the file name in ontology/guidelines/ without .ttl
    service: str  # term:X, X or the full IRI
    kind: str  # mtus:K, K or the full IRI
    name: str | None = None  # the slug of the new IRIs
    section: str | None = None  # gl:... of an existing section
    polarity: str | None = None  # one of POLARITIES


class Knowledge:
    """What the scaffold needs of the ontology files, parsed but not compiled (a scaffold not
    yet filled in does not compile, and the next one must still be possible)."""

    def __init__(self, index: Index, terms: Terminology, sources: dict[str, lint.Source],
                 vocab: lint.Vocabulary) -> None:
        self.index = index
        self.terms = terms
        self.sources = sources
        self.vocab = vocab

    def where(self, iri: str) -> str:
        """'file:line' of the first file that writes the IRI, or ''."""
        for src in self.sources.values():
            line = src.line_of(iri, subject=True) or src.line_of(iri)
            if line:
                return f"{src.name}:{line}"
        return ""


def scaffold(know: Knowledge, req: Request, cases_dir: str) -> Scaffold:
    file = f"ontology/guidelines/{req.guideline}.ttl"
    if file not in know.sources:
        ids = sorted(n.rsplit("/", 1)[-1][:-4] for n in know.sources
                     if n.startswith("ontology/guidelines/"))
        raise InputError(f"no guideline '{req.guideline}': one of {', '.join(ids)}",
                         source="--guideline")
    service = _service(know, req.service)
    kind = _kind(req.kind)
    edition, cited = _placing(know, file, req.section)
    polarity = m(req.polarity or (POLARITIES[1] if kind in _LIMITS else POLARITIES[0]))
    slug = req.name or _slug(know.terms.label(service))
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise InputError(f"'{slug}' is not a slug: lower-case letters, digits and hyphens",
                         source="--name")
    rec = f"{GL}{_prefix(know, file)}-{slug}"
    crit = f"{rec}-{_kebab(kind[len(MTUS):])}"
    # A new section is named as the files name theirs: the edition's IRI and the topic.
    section = cited or f"{edition}-{slug}"
    new = [rec, crit] + ([] if cited else [section])
    _refuse_existing(know, new)
    out = Scaffold(file, "", {}, rec, crit, section, polarity,
                   warnings=_competitors(know, edition, service, rec))
    label = f"{_capital(know.terms.label(service))} ({_suffix(know, file)})"
    out.turtle = _turtle(know, out, edition, service, kind, label, new_section=not cited)
    day = _request_day(know, edition)
    for stem_end, outcome, title in OUTCOMES:
        stem = f"{slug}-{stem_end}"
        path = f"{cases_dir}/{req.guideline}/{stem}.ttl"
        out.cases[path] = _case(req.guideline, stem, service, know.terms.label(service), day,
                                outcome, title, out, kind)
    return out


def _service(know: Knowledge, given: str) -> str:
    iri = _expand(given, "term:", TERM)
    if not know.terms.known(iri):
        hint = lint.suggest_term(iri, know.terms.ancestors)
        raise InputError(f"{short(iri)} is not a terminology class{hint}: add the term first "
                         "(docs/authoring.md, 'Adding a term')", source="--service")
    return iri


def _kind(given: str) -> str:
    iri = _expand(given, "mtus:", MTUS)
    if iri not in REGISTRY:
        names = [k[len(MTUS):] for k in REGISTRY]
        close = _close(iri[len(MTUS):] if iri.startswith(MTUS) else given, names)
        raise InputError(f"{short(iri)} is not a criterion kind{close}; one of "
                         + ", ".join(f"mtus:{n}" for n in sorted(names)), source="--kind")
    return iri


def _close(word: str, pool: list[str]) -> str:
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return f" (did you mean mtus:{close[0]}?)" if close else ""


def _expand(given: str, prefix: str, ns: str) -> str:
    if given.startswith(prefix):
        return ns + given[len(prefix):]
    return given if "://" in given else ns + given


def _placing(know: Knowledge, file: str, given: str | None) -> tuple[str, str | None]:
    """(edition, existing section or None): the section given must be one of this file's
    editions; without one, the file must have a single edition for the new section."""
    editions = [e for e in know.index.subjects_of_type(m("Edition"))
                if know.index.files.get(e) == file]
    if given is None:
        if len(editions) != 1:
            raise InputError(f"{file} has {len(editions)} editions: pass --section (an "
                             "existing section of the edition the recommendation belongs to)",
                             source="--guideline")
        return editions[0], None
    iri = _expand(given, "gl:", GL)
    of = [o.value for o in know.index.objects(iri, m("edition")) if o.value in editions]
    if m("Section") not in know.index.types(iri) or not of:
        sections = [short(s) for s in know.index.subjects_of_type(m("Section"))
                    if {o.value for o in know.index.objects(s, m("edition"))} & set(editions)]
        raise InputError(f"{short(iri)} is not a section of {file}; its sections are "
                         + (", ".join(sections) or "none"), source="--section")
    return of[0], iri


def _prefix(know: Knowledge, file: str) -> str:
    """The local-name prefix of the file's recommendations ('cpmtg2009' for CPMTG 2009)."""
    recs = [r[len(GL):] for r in know.index.subjects_of_type(m("Recommendation"))
            if know.index.files.get(r) == file]
    common = Counter(r.split("-", 1)[0] for r in recs).most_common(1)
    return common[0][0] if common else file.rsplit("/", 1)[-1][:-4].replace("-", "")


def _suffix(know: Knowledge, file: str) -> str:
    """How the file's recommendation labels name the guideline: '(CPMTG 2009)'."""
    labels = [o.value for r in know.index.subjects_of_type(m("Recommendation"))
              if know.index.files.get(r) == file for o in know.index.objects(r, RDFS_LABEL)]
    found = Counter(g.group(1) for g in (re.search(r"\(([^()]+)\)\s*$", x) for x in labels)
                    if g).most_common(1)
    return found[0][0] if found else file.rsplit("/", 1)[-1][:-4]


def _refuse_existing(know: Knowledge, iris: list[str]) -> None:
    for iri in iris:
        if iri in know.index.props or know.where(iri):
            raise InputError(f"{short(iri)} already exists ({know.where(iri) or 'in the files'}):"
                             " choose another --name", source="--name")


def _competitors(know: Knowledge, edition: str, service: str, rec: str) -> list[str]:
    out = []
    for other in know.index.subjects_of_type(m("Recommendation")):
        applies = {o.value for o in know.index.objects(other, m("appliesTo"))}
        sections = [s.value for s in know.index.objects(other, m("section"))]
        editions = {e.value for s in sections for e in know.index.objects(s, m("edition"))}
        if service in applies and edition in editions:
            out.append(f"{short(other)} ({know.where(other)}) already applies to "
                       f"{short(service)} in {short(edition)}: give the two distinct "
                       "mtus:applicableWhen contexts, or merge them (competing-recommendations)")
    return out


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "recommendation"


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _request_day(know: Knowledge, edition: str) -> dt.date:
    """A request date the edition is in force on: a year into it, or its middle if shorter."""
    start = _date(know, edition, "inForceFrom") or dt.date(2020, 1, 1)
    end = _date(know, edition, "inForceUntil")
    day = start + dt.timedelta(days=365)
    return day if end is None or day <= end else start + (end - start) / 2


def _date(know: Knowledge, node: str, local: str) -> dt.date | None:
    values = know.index.objects(node, m(local))
    try:
        return dt.date.fromisoformat(values[0].value) if values else None
    except ValueError:
        return None


# The Turtle --------------------------------------------------------------------------------

def _turtle(know: Knowledge, out: Scaffold, edition: str, service: str, kind: str, label: str,
            new_section: bool) -> str:
    lines = [f"### {label}: written by `mtus new recommendation`.",
             f"# Fill in every {FILL} value: `mtus check` fails until none is left.", ""]
    if new_section:
        lines += [f"{short(out.section)} a mtus:Section ;",
                  f'    rdfs:label "{FILL} the section title"@en ;',
                  f"    mtus:edition {short(edition)} ;",
                  f'    mtus:sectionTitle "{FILL} the section title as IMR letters print it" ;',
                  f'    mtus:pages "{FILL} the pages as IMR letters print them" .', ""]
    lines += [f"{short(out.recommendation)} a mtus:Recommendation ;",
              f'    rdfs:label "{label}"@en ;',
              f"    mtus:section {short(out.section)} ;",
              f"    mtus:appliesTo {short(service)} ;",
              f"    mtus:polarity {short(out.polarity)} ;",
              f'    mtus:statement "{FILL} what the guideline says, in plain words, with its '
              'numbers" ;',
              f'    mtus:verification "{_VERIFICATION}" ;',
              f'    skos:note "{FILL} the source (guideline, section, pages, tag) and what is '
              'encoded and what is not"@en ;',
              f"    mtus:criterion {short(out.criterion)} .", ""]
    lines += _criterion(know, out.criterion, kind)
    return "\n".join(lines) + "\n"


def _criterion(know: Knowledge, crit: str, kind: str) -> list[str]:
    params, needs = parameters(kind)
    doc = _doc(kind) + (f" It {needs}: fill those you need, delete the others." if needs else "")
    lines = textwrap.wrap(doc, 96, initial_indent="# ", subsequent_indent="# ")
    lines.append(f"{short(crit)} a {short(kind)} ;")
    for p in params:
        what = _what(know, p, optional=bool(needs) or not p.required)
        lines.append(f'    mtus:{p.local} "{FILL} {what}" ;')
    lines += [f'    mtus:statement "{FILL} the criterion in plain words, with the same numbers as '
              'its parameters" ;',
              f'    mtus:missingText "{FILL} what to ask for when it is not documented" ;',
              f'    mtus:verification "{_VERIFICATION}" .']
    return lines


def _what(know: Knowledge, p: Parameter, optional: bool) -> str:
    if p.how == "criteria_list":
        what = "an RDF list of criteria, ( gl:a gl:b )"
    elif p.how == "term":
        what = "a term: class"
    elif p.how == "iri":
        rng = know.vocab.ranges.get(m(p.local))
        members = [short(i) for i in know.index.subjects_of_type(rng)] if rng else []
        what = "one of " + ", ".join(members) if members else "an IRI"
    elif p.how == "boolean" or know.vocab.ranges.get(m(p.local)) == XSD + "boolean":
        what = "true or false"
    else:
        what = {"decimal": "a number", "integer": "a whole number", "date": "a date YYYY-MM-DD",
                "text": "text"}.get(p.how, p.how)
    if p.repeatable:
        what += " (repeatable)"
    return what + (", or delete this line" if optional else "")


def _doc(kind: str) -> str:
    """The kind's docstring, on one line: what it decides, for the author."""
    return " ".join((inspect.getdoc(REGISTRY[kind]) or short(kind)).split())


def _case(guideline: str, stem: str, service: str, label: str, day: dt.date, outcome: str,
          title: str, out: Scaffold, kind: str) -> str:
    base = f"https://w3id.org/mtus-kg/case/test/{guideline}/{stem}/"
    injured = day - dt.timedelta(days=450)
    facts = {"Met": "so that it is met", "Not met": "so that it is not met",
             "Not documented": "but leave out one it needs, so that it cannot be decided"}[title]
    why = {"Met": "what in the case meets the criterion",
           "Not met": "what in the case fails the criterion",
           "Not documented": "which fact the case leaves out"}[title]
    lines = [_PREFIXES + f"@prefix :     <{base}> .", "",
             ":case a mtus:Case ; mtus:worker :worker ; mtus:injury :injury ; "
             "mtus:diagnosis :dx ;", "    mtus:request :req .",
             ":worker a mtus:InjuredWorker ; mtus:age 45 ; mtus:sex mtus:Female .",
             f':injury a mtus:Injury ; mtus:injuryDate "{injured}"^^xsd:date ; '
             f'mtus:bodyRegion "{FILL} a term: body region" .',
             f':dx a mtus:Diagnosis ; mtus:concept "{FILL} a term: condition" ; '
             f'rdfs:label "{FILL} the diagnosis in words" .',
             f':req a mtus:TreatmentRequest ; rdfs:label "{_capital(label)}" ; '
             f"mtus:concept {short(service)} ;",
             f'    mtus:requestDate "{day}"^^xsd:date .',
             f"# {title}: state the facts {short(kind)} reads (docs/criteria.md), {facts}.",
             "",
             ":expect a t:Expectation ;",
             f'    rdfs:comment "{FILL} {title}: {why}" ;',
             f'    t:request :req ; t:outcome "{outcome}" ;']
    if outcome == "insufficient-documentation":
        lines += [f"    t:recommendation {short(out.recommendation)} ;",
                  f'    t:missing "{FILL} words of the criterion\'s mtus:missingText" .']
    else:
        lines.append(f"    t:recommendation {short(out.recommendation)} ; "
                     f"t:decisive {short(out.criterion)} .")
    return "\n".join(lines) + "\n"
