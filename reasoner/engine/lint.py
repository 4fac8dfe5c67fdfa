"""Strict authoring rules over the ontology files: the mistakes that would otherwise load
silently and change outcomes (a misspelt parameter, a number typed as a string, an edition
that ends before it starts, two recommendations competing for one service, a statement that
says 10 where the parameter says 12, an IRI used but declared outside what the file imports).

The rules run when the knowledge base is compiled, so they are cached with it (kbcache) and
cost nothing on a warm start or per request; `mtus check` reports the same findings. rdflib
and pyoxigraph give no line numbers for triples, so a finding's line is found by searching
the file's text for the IRI as the file writes it (prefixed name or <IRI>).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from reasoner.engine.casegraph import Statement, statements
from reasoner.engine.compile import Index
from reasoner.vocab import (
    GL,
    MTUS,
    OWL,
    OWL_IMPORTS,
    RDF,
    RDF_TYPE,
    RDFS,
    SKOS,
    TERM,
    XSD,
    m,
    short,
)

_PREFIX = re.compile(r"^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_PROPERTY_KINDS = {OWL + "ObjectProperty": "object", OWL + "DatatypeProperty": "datatype",
                   OWL + "AnnotationProperty": "annotation"}
_INTEGERS = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "int",
                               "long", "short", "byte", "unsignedInt", "unsignedLong")}
# Literal datatypes a range accepts: XSD derivation (an integer is a decimal), nothing else.
_ACCEPTS = {XSD + "integer": _INTEGERS, XSD + "decimal": _INTEGERS | {XSD + "decimal"}}
_LEXICAL = {XSD + "integer": re.compile(r"[+-]?\d+"),
            XSD + "decimal": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
            XSD + "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
            XSD + "boolean": re.compile(r"true|false|1|0")}
_OURS = (MTUS, TERM, GL)  # namespaces whose IRIs must be declared in the files
PLACEHOLDER = "FILL:"  # starts each value `mtus new` leaves for the author to fill in


@dataclass(frozen=True)
class Finding:
    """One broken authoring rule: where (file, line when found), what (IRI) and which rule."""

    file: str
    line: int | None
    iri: str
    message: str
    rule: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = f"{short(self.iri)}: " if self.iri else ""
        return f"{where}: {what}{self.message} [{self.rule}]"


class Source:
    """One ontology file: its name, text and triples, and where things are written in it."""

    def __init__(self, name: str, data: bytes, triples: Iterable[ox.Triple]) -> None:
        self.name = name
        self.text = data.decode("utf-8", "replace")
        self.triples = list(statements(triples))
        self.prefixes = {p: ns for p, ns in _PREFIX.findall(self.text)}

    @cached_property
    def _lines(self) -> list[str]:
        return self.text.splitlines()

    def _pattern(self, iri: str) -> re.Pattern[str]:
        forms = [re.escape(f"<{iri}>")]
        forms += [re.escape(f"{p}:{iri[len(ns):]}") + r"(?![\w-])"
                  for p, ns in self.prefixes.items() if ns and iri.startswith(ns)]
        return re.compile(r"(?<![\w:-])(" + "|".join(forms) + ")")

    def line_of(self, iri: str, after: int = 0, subject: bool = False) -> int | None:
        """The first line (1-based) from `after` that writes the IRI; with `subject`, one
        that starts with it (where its description begins)."""
        pattern = self._pattern(iri)
        for number, line in enumerate(self._lines[after:], start=after + 1):
            found = pattern.search(line)
            if found and (not subject or not line[:found.start()].strip()):
                return number
        return None

    def line_of_statement(self, subject: str, predicate: str) -> int | None:
        """The line of `predicate` within the description of `subject` (or the subject's)."""
        start = self.line_of(subject, subject=True) or self.line_of(subject)
        if start is None:
            return None
        return self.line_of(predicate, after=start - 1) or start

    def finding(self, iri: str, message: str, rule: str, predicate: str | None = None,
                subject: str | None = None) -> Finding:
        at = subject or iri
        line = self.line_of_statement(at, predicate) if predicate else (
            self.line_of(at, subject=True) or self.line_of(at))
        return Finding(self.name, line, iri, message, rule)


class Vocabulary:
    """What ontology/mtus.ttl declares: every mtus: name, and each property's kind and range."""

    def __init__(self, triples: Iterable[Statement]) -> None:
        self.names: set[str] = set()
        self.kinds: dict[str, str] = {}
        self.ranges: dict[str, str] = {}
        for t in triples:
            s, p, o = t.subject.value, t.predicate.value, t.object.value
            if not s.startswith(MTUS):
                continue
            if p == RDF_TYPE:
                self.names.add(s)
                if o in _PROPERTY_KINDS:
                    self.kinds[s] = _PROPERTY_KINDS[o]
            elif p == RDFS + "range":
                self.ranges[s] = o

    def suggest(self, iri: str, properties: bool) -> str:
        pool = sorted(self.kinds if properties else self.names)
        locals_ = [n[len(MTUS):] for n in pool]
        close = difflib.get_close_matches(iri[len(MTUS):], locals_, n=1, cutoff=0.75)
        return f" (did you mean mtus:{close[0]}?)" if close else ""

    @property
    def numeric(self) -> set[str]:
        return {p for p, r in self.ranges.items()
                if self.kinds.get(p) == "datatype" and r in _ACCEPTS}


def lint(sources: Sequence[Source], vocab: Vocabulary, index: Index) -> list[Finding]:
    """Every finding of the rules over the files, in file and line order."""
    by_name = {s.name: s for s in sources}
    out: list[Finding] = []
    for src in sources:
        out += placeholders(src)
        out += unknown_terms(src, vocab)
        out += value_types(src, vocab)
        out += statement_numbers(src, vocab, index)
    out += undeclared_imports(sources)
    out += edition_dates(index, by_name)
    out += competing_recommendations(index, by_name)
    return sorted(set(out), key=lambda f: (f.file, f.line or 0, f.iri, f.rule))


# Placeholders ----------------------------------------------------------------------------

def placeholders(src: Source) -> list[Finding]:
    """A value a scaffold (`mtus new recommendation`) left to fill in: until it is, the file
    must not load, pass `mtus check` or be committed, whatever else it gets right."""
    return [src.finding(t.subject.value, f"{qname(t.predicate.value)} is a placeholder to fill "
                        f"in: \"{t.object.value}\"", "placeholder", predicate=t.predicate.value)
            for t in src.triples if is_placeholder(t.object)]


def is_placeholder(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.value.startswith(PLACEHOLDER)


# Unknown mtus: names ---------------------------------------------------------------------

def unknown_terms(src: Source, vocab: Vocabulary) -> list[Finding]:
    """An mtus: name the core vocabulary does not declare: as a property it is ignored by the
    compiler (a misspelt parameter silently changes outcomes), as a value it matches nothing."""
    out = []
    for t in src.triples:
        p = t.predicate.value
        if p.startswith(MTUS) and p not in vocab.kinds:
            out.append(src.finding(p, f"unknown property {short(p)} on {short(t.subject.value)}"
                                   f"{vocab.suggest(p, True)}", "unknown-property",
                                   predicate=p, subject=t.subject.value))
        o = t.object
        if isinstance(o, ox.NamedNode) and o.value.startswith(MTUS) \
                and o.value not in vocab.names and o.value != MTUS[:-1]:
            out.append(src.finding(o.value, f"unknown term {short(o.value)} (value of "
                                   f"{short(p)}){vocab.suggest(o.value, False)}",
                                   "unknown-term", predicate=o.value, subject=t.subject.value))
    return out


def suggest_term(iri: str, known: Iterable[str]) -> str:
    """' (did you mean term:X?)' for a term: IRI close to a known one (case aside), or ''."""
    local = iri[len(TERM):] if iri.startswith(TERM) else iri.rsplit("/", 1)[-1]
    names = {k[len(TERM):].lower(): k for k in known if k.startswith(TERM)}
    close = difflib.get_close_matches(local.lower(), names, n=1, cutoff=0.75)
    return f" (did you mean {short(names[close[0]])}?)" if close else ""


# Datatypes -------------------------------------------------------------------------------

def value_types(src: Source, vocab: Vocabulary) -> list[Finding]:
    """Values of the kind and datatype the property's range declares: "26" (a string) where
    an integer is expected passes the compiler but makes the ontology inconsistent."""
    out = []
    for t in src.triples:
        p = t.predicate.value
        if is_placeholder(t.object):  # its own rule says what to do; a type error would not
            continue
        problem = _value_problem(t.object, vocab.kinds.get(p), vocab.ranges.get(p))
        if problem:
            out.append(src.finding(t.subject.value, f"{short(p)} {problem}", "wrong-datatype",
                                   predicate=p))
    return out


def _value_problem(o: object, kind: str | None, rng: str | None) -> str | None:
    if kind == "object" and isinstance(o, ox.Literal):
        return f"must be an IRI, got the literal {o}"
    if kind != "datatype":
        return None
    if not isinstance(o, ox.Literal):
        return f"must be a literal{_of(rng)}, got an IRI or blank node"
    if rng is None or rng.startswith(RDFS):
        return None
    if o.datatype.value not in _ACCEPTS.get(rng, {rng}):
        return f"must be an {short_dt(rng)}, got {o} ({short_dt(o.datatype.value)})"
    lexical = _LEXICAL.get(XSD + "integer" if rng in _INTEGERS else rng)
    if lexical is not None and not lexical.fullmatch(o.value):
        return f"'{o.value}' is not a valid {short_dt(rng)}"
    if rng == XSD + "date" and _date(o.value) is None:
        return f"'{o.value}' is not a calendar date"
    return None


def _of(rng: str | None) -> str:
    return f" of type {short_dt(rng)}" if rng else ""


def short_dt(iri: str) -> str:
    return "xsd:" + iri[len(XSD):] if iri.startswith(XSD) else short(iri)


_STANDARD = {"rdf:": RDF, "rdfs:": RDFS, "owl:": OWL, "skos:": SKOS, "xsd:": XSD}


def qname(iri: str) -> str:
    """An IRI as the files write it: the project prefixes, then rdf:, rdfs:, owl:, skos:."""
    for prefix, ns in _STANDARD.items():
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return short(iri)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# Editions --------------------------------------------------------------------------------

def edition_dates(index: Index, sources: dict[str, Source]) -> list[Finding]:
    """An edition ends on or after it starts; the editions of one guideline follow each other
    day by day, with neither overlap (two editions in force: the outcome depends on order)
    nor gap (no edition in force: requests of those days are silently 'not addressed')."""
    out: list[Finding] = []
    by_guideline: dict[str, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
    for ed in index.subjects_of_type(m("Edition")):
        start, end = _day(index, ed, "inForceFrom"), _day(index, ed, "inForceUntil")
        src = sources.get(index.files.get(ed, ""))
        if start and end and end < start and src:
            out.append(src.finding(ed, f"mtus:inForceUntil {end} is before mtus:inForceFrom "
                                   f"{start}", "dates-backwards", predicate=m("inForceUntil")))
        for g in index.objects(ed, m("guideline")):
            if start:
                by_guideline[g.value].append((start, end, ed))
    for editions in by_guideline.values():
        out += _sequence(sorted(editions, key=lambda e: e[0]), index, sources)
    return out


def _day(index: Index, node: str, local: str) -> dt.date | None:
    values = index.objects(node, m(local))
    return _date(values[0].value) if len(values) == 1 else None


def _sequence(editions: list[tuple[dt.date, dt.date | None, str]], index: Index,
              sources: dict[str, Source]) -> list[Finding]:
    out = []
    for (_, end, prev), (start, _, ed) in zip(editions, editions[1:], strict=False):
        src = sources.get(index.files.get(ed, ""))
        if src is None:
            continue
        if end is None or start <= end:
            until = f"is in force until {end}" if end else "has no mtus:inForceUntil"
            out.append(src.finding(ed, f"overlaps {short(prev)}, which {until}, from "
                                   f"{start}", "editions-overlap", predicate=m("inForceFrom")))
        elif start > end + dt.timedelta(days=1):
            out.append(src.finding(ed, f"leaves a gap after {short(prev)} (until {end}): "
                                   f"starts {start}; no edition is in force from "
                                   f"{end + dt.timedelta(days=1)}", "editions-gap",
                                   predicate=m("inForceFrom")))
    return out


# Recommendations -------------------------------------------------------------------------

def competing_recommendations(index: Index, sources: dict[str, Source]) -> list[Finding]:
    """Two recommendations of one edition for one service class with the same applicability
    (both unconditional, or the same mtus:applicableWhen, or one unconditional): both apply
    to every such request and the most adverse silently wins. Recommendations told apart by
    different applicability contexts (opioid initiation vs continuation) are allowed."""
    groups: dict[tuple[str, str], list[tuple[str, str | None]]] = defaultdict(list)
    for node in index.subjects_of_type(m("Recommendation")):
        contexts = [_obj(w) for w in index.objects(node, m("applicableWhen"))]
        for section in index.objects(node, m("section")):
            for ed in index.objects(section.value, m("edition")):
                for cls in index.objects(node, m("appliesTo")):
                    groups[(ed.value, cls.value)].append(
                        (node, contexts[0] if contexts else None))
    out = []
    for (edition, service), recs in sorted(groups.items()):
        for i, (rec, when) in enumerate(recs):
            rivals = [r for r, w in recs[:i] if w is None or when is None or w == when]
            src = sources.get(index.files.get(rec, ""))
            if rivals and src:
                out.append(src.finding(rec, f"competes with {short(rivals[0])} for "
                                       f"{short(service)} in {short(edition)} (same "
                                       "applicability): give each "
                                       "a distinct mtus:applicableWhen or merge them",
                                       "competing-recommendations", predicate=m("appliesTo")))
    return out


def _obj(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


# Numbers in statements and IRIs -----------------------------------------------------------

_WORDS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"))}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?|\b(?:" + "|".join(_WORDS) + r")\b)(?:\s*(?:-|to|or)\s*"
                     r"(\d+(?:\.\d+)?|\b(?:" + "|".join(_WORDS) + r")\b))?\s*([a-z]*)",
                     re.IGNORECASE)
_UNIT_DAYS = {"week": 7.0, "weeks": 7.0, "year": 365.0, "years": 365.0}
_MONTHS = {"month", "months", "month's", "months'"}
_IRI_CUES = {"max", "min", "med", "mme", "age", "limit"}
_IRI_UNITS = {"visits", "visit", "days", "weeks", "hours", "injections", "levels", "level",
              "sessions", "mg"}


def statement_numbers(src: Source, vocab: Vocabulary, index: Index) -> list[Finding]:
    """A criterion's statement (what the trace prints) and its IRI must agree with its
    numeric parameters: every non-zero parameter is stated (as digits, a word, or in weeks,
    months or years for a number of days), and a number the IRI ties to a limit ('max-10')
    is a parameter value. Otherwise the trace says 'At most 10 visits' with a limit of 12."""
    out = []
    numeric = vocab.numeric
    subjects = {t.subject.value for t in src.triples if isinstance(t.subject, ox.NamedNode)}
    for node in sorted(subjects):
        params = {p: float(o.value) for p in numeric for o in index.objects(node, p)
                  if _is_number(o.value)}
        if not params:
            continue
        statement = " ".join(o.value for o in index.objects(node, m("statement")))
        stated = _stated_values(statement)
        for p, value in sorted(params.items()):
            if statement and value and not _matches(value, stated):
                out.append(src.finding(node, f"the statement does not state {short(p)} "
                                       f"{_fmt(value)}: \"{statement[:90]}\"",
                                       "statement-number", predicate=m("statement")))
        for number in _iri_numbers(node):
            if number not in params.values():
                out.append(src.finding(node, f"the IRI says {_fmt(number)} but the parameters "
                                       "are " + ", ".join(f"{short(p)} {_fmt(v)}"
                                                          for p, v in sorted(params.items())),
                                       "iri-number"))
    return out


def _is_number(text: str) -> bool:
    return bool(_LEXICAL[XSD + "decimal"].fullmatch(text))


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _value(token: str) -> float:
    return float(_WORDS[token.lower()]) if token.lower() in _WORDS else float(token)


def _stated_values(statement: str) -> list[tuple[float, bool]]:
    """(value, approximate) for each number the statement gives: as written, each end of a
    range, 'more than N' / 'over N' also as N + 1 (an inclusive minimum), and numbers of
    weeks, years (exact) or months (approximate) converted to days."""
    out: list[tuple[float, bool]] = []
    for found in _NUMBER.finditer(statement):
        unit = found.group(3).lower()
        before = statement[:found.start()].lower().rstrip()
        for token in filter(None, (found.group(1), found.group(2))):
            n = _value(token)
            out.append((n, False))
            if before.endswith(("more than", "over")):
                out.append((n + 1, False))
            if unit in _UNIT_DAYS:
                out.append((n * _UNIT_DAYS[unit], False))
            if unit in _MONTHS:
                out.append((n * 30.44, True))
    return out


def _matches(value: float, stated: list[tuple[float, bool]]) -> bool:
    return any(abs(value - n) <= (2 if approx else 1e-9) for n, approx in stated)


def _iri_numbers(node: str) -> list[float]:
    """Numbers the local name ties to a limit: after max/min/med/age ('max-10', 'med-80') or
    before a unit ('2-levels'); an ordinal such as 'period-1' is not a limit."""
    tokens = node.rsplit("/", 1)[-1].split("-")
    return [float(tok) for i, tok in enumerate(tokens) if tok.isdigit() and i > 0 and (
        tokens[i - 1] in _IRI_CUES or (i + 1 < len(tokens) and tokens[i + 1] in _IRI_UNITS))]


# Drug labels ------------------------------------------------------------------------------

# A strength written into a drug's name ("Norco 10/325", "naproxen 500 mg"): the reader takes
# a name's strength from the words after it, so a label that swallows them leaves the request
# and the medication without their dose (a percentage names a product: "lidocaine 5% patch").
_STRENGTH = re.compile(r"\b\d+(?:\.\d+)?\s*(?:/\s*\d+(?:\.\d+)?|(?:mg|mcg|g|ml)\b)", re.I)
_LABELS = (SKOS + "prefLabel", SKOS + "altLabel")


def drug_label_strengths(sources: Sequence[Source],
                         is_drug: Callable[[str], bool]) -> list[Finding]:
    """Every label of a drug term that carries a strength."""
    out = []
    for src in sources:
        for t in src.triples:
            if t.predicate.value in _LABELS and is_drug(t.subject.value) and \
                    _STRENGTH.search(text := t.object.value):
                line = next((n for n, said in enumerate(src.text.splitlines(), 1)
                             if f'"{text}"' in said), None)
                out.append(Finding(
                    src.name, line, t.subject.value, f"the label {text!r} carries a strength; "
                    "the reader reads a strength from the text after a drug's name: label the "
                    "drug without it", "drug-label-strength"))
    return out


# Imports ---------------------------------------------------------------------------------

def undeclared_imports(sources: Sequence[Source]) -> list[Finding]:
    """Each file declares (gives an rdf:type for) every mtus:, term: and gl: IRI it uses, or
    imports (directly or not) a file that does: Protégé and owlready2 load a file with its
    imports only, so a term declared elsewhere is an undeclared entity there."""
    ontology = {t.subject.value: s.name for s in sources for t in s.triples
                if t.predicate.value == RDF_TYPE and t.object.value == OWL + "Ontology"}
    declared = {s.name: {t.subject.value for t in s.triples if t.predicate.value == RDF_TYPE}
                for s in sources}
    imports = {s.name: [t.object.value for t in s.triples
                        if t.predicate.value == OWL_IMPORTS] for s in sources}
    out = []
    for src in sources:
        if src.name not in ontology.values():
            out.append(Finding(src.name, 1, "", "declares no owl:Ontology: give the file "
                               "a header with its ontology IRI and owl:imports (and add it to "
                               "catalog-v001.xml)", "no-ontology-header"))
            continue
        for target in imports[src.name]:
            if target not in ontology:
                out.append(src.finding(target, "is imported but no ontology file declares it",
                                       "unknown-import", predicate=target,
                                       subject=target))
        known = set().union(*(declared[f] for f in _closure(src.name, imports, ontology)))
        for iri in sorted(_used(src) - known):
            homes = sorted(name for name, names in declared.items() if iri in names)
            if homes:
                out.append(src.finding(iri, f"is used but declared in {', '.join(homes)}, "
                                       "which this file does not import", "undeclared-import"))
            elif not iri.startswith(MTUS):  # an unknown mtus: name has its own rule
                out.append(src.finding(iri, "is used but no file declares it (no rdf:type): "
                                       "a misspelt or missing term", "undeclared-term"))
    return out


def _closure(name: str, imports: dict[str, list[str]], ontology: dict[str, str]) -> set[str]:
    seen, todo = {name}, [name]
    while todo:
        for target in imports.get(todo.pop(), []):
            file = ontology.get(target)
            if file and file not in seen:
                seen.add(file)
                todo.append(file)
    return seen


def _used(src: Source) -> set[str]:
    used = set()
    for t in src.triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(_OURS):
                used.add(term.value)
    ontologies = {t.subject.value for t in src.triples if t.object.value == OWL + "Ontology"}
    imported = {t.object.value for t in src.triples if t.predicate.value == OWL_IMPORTS}
    return used - ontologies - imported



# Parameters the criterion kind does not read ----------------------------------------------

def unread_parameters(unread: Iterable[tuple[str, str]], read: dict[str, set[str]],
                      index: Index, sources: dict[str, Source],
                      vocab: Vocabulary) -> list[Finding]:
    """An mtus: property on a criterion that its kind never reads (a parameter of another
    kind, or a misspelling the vocabulary happens to declare) is ignored by the compiler."""
    out = []
    for node, p in unread:
        src = sources.get(index.files.get(node, ""))
        if src is None or p not in vocab.kinds:  # an unknown property has its own rule
            continue
        kinds = ", ".join(short(t) for t in sorted(index.types(node)) if t.startswith(MTUS))
        params = sorted(q[len(MTUS):] for q in read.get(node, ()))
        close = difflib.get_close_matches(p[len(MTUS):], params, n=1, cutoff=0.6)
        hint = f" (did you mean mtus:{close[0]}?)" if close else ""
        out.append(src.finding(node, f"{short(p)} is not a parameter of {kinds or 'its kind'} "
                               f"and is ignored{hint}; it reads "
                               + ", ".join(f"mtus:{q}" for q in params),
                               "unused-parameter", predicate=p))
    return out
