"""The JSON-LD screen of intake: what a case document in JSON-LD is checked for before the
parser reads it, and how the parser's errors are placed in the user's document.

A remote @context is refused before the parser sees it, so input can never make us fetch
anything; our own published context is substituted from the local file. The screen also
refuses what JSON-LD would silently drop (invalid IRIs) and what Python's JSON reader takes
but JSON does not (NaN, duplicate keys, numbers no double holds), and every error it raises
names the line and column in the document as the user wrote it.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from operator import ne
from pathlib import Path
from typing import Any, Final, TypeAlias, cast

import pyoxigraph as ox

from reasoner.engine.home import home
from reasoner.errors import InputError
from reasoner.vocab import CONTEXT_IRI

MAX_JSON_DEPTH = 64
# No fact of a case needs more: a double holds 17 significant digits. It also keeps numbers
# far below Python's limit on int conversion (4,300 digits), which used to end in a 500.
MAX_NUMBER_CHARS = 100
# A case names the published context once; inline contexts are for the odd extra prefix.
# pyoxigraph's JSON-LD parser takes time in contexts times terms (a 1 MB document of 10,000
# small contexts under one of 20,000 terms: over 5 minutes; a 900-term scoped context used
# 1,000 times: 5 s, about 6 us a term each time it applies), so all three are bounded.
MAX_JSON_LD_CONTEXTS = 100  # embedded @context members
MAX_JSON_LD_TERMS = 1000  # term definitions written in the document's contexts
MAX_JSON_LD_TERM_USES = 20_000  # term definitions processed, a scoped context at each use

# Paths under which the service publishes the context; any host, since it is never fetched.
_LOCAL_CONTEXT = re.compile(r"^https?://[^/]+/v1/context\.jsonld$")
# Where a value is in the decoded JSON: the keys and array indexes from the top.
JsonPath: TypeAlias = tuple[str | int, ...]


def context_path() -> Path:
    return home() / "ontology" / "context.jsonld"


@lru_cache(maxsize=1)
def local_context() -> dict[str, Any]:
    context: dict[str, Any] = json.loads(context_path().read_text(encoding="utf-8"))["@context"]
    return context


# JSON-LD -------------------------------------------------------------------------------------
#
# Screening reads the document with Python's json module (C speed), walks the result once,
# and hands the parser the user's own bytes. Only when the document names the published
# context is that one string replaced, in place, by the context itself: every other byte
# keeps its line (and, off that line, its column), and the one shift is mapped back. So a
# position the parser reports is a position in the user's document.


class _Refused:
    """Stands in for a JSON value the decoder took but JSON-LD must not get (NaN, a number
    too long or out of range, an object with a repeated key), so that the walk, which knows
    the path, can say where it is."""

    __slots__ = ("message", "key")

    def __init__(self, message: str, key: str | None = None) -> None:
        self.message = message
        self.key = key  # a repeated key: the error points at its repeat


def _number(text: str, value: Any) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        return _Refused(f"number too long ({len(text)} characters, at most "
                        f"{MAX_NUMBER_CHARS})")
    return value(text)


def _int(text: str) -> Any:
    return _number(text, int)


def _float(text: str) -> Any:
    value = _number(text, float)
    if value in (float("inf"), float("-inf")):  # 1e999999: JSON-LD would make it INF
        return _Refused("number out of range (larger than a double)")
    if value == 0 and _NONZERO.search(text.lower().partition("e")[0]):  # 1e-999999
        return _Refused("number out of range (too small for a double)")
    return value


def _constant(text: str) -> _Refused:
    return _Refused(f"{text} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> Any:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    # The screen would see the last value and the parser every one (a second "@context"
    # or "@id"), so a repeated key is refused rather than read two ways.
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            break
        seen.add(key)
    return _Refused("a key is repeated in this object", key)


_NONZERO = re.compile(r"[1-9]")
_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_int=_int, parse_float=_float,
                            parse_constant=_constant)
# Skips a value when locating a path: no object or number is built.
_SKIPPER = json.JSONDecoder(object_pairs_hook=lambda pairs: None, parse_int=len,
                            parse_float=len, parse_constant=len)
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# A \uD800-\uDFFF escape: only then can a decoded string hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _Refusal(Exception):
    """A problem at a path of the parsed JSON; `JsonLdDocument.error_at` gives it its position."""

    def __init__(self, path: JsonPath, message: str, term: str | None = None) -> None:
        super().__init__(message)
        self.path, self.message, self.term = path, message, term


@dataclass
class JsonLdDocument:
    """A screened JSON-LD document: `data` goes to the parser, `text` is the user's."""

    source: str
    text: str
    doc: Any
    data: bytes
    base_iri: str | None
    contexts: list[JsonPath] = field(default_factory=list)  # paths of published-context IRIs
    edits: list[tuple[int, int, int]] = field(default_factory=list)  # start, end, new length

    @classmethod
    def screen(cls, data: bytes, source: str, base_iri: str | None) -> JsonLdDocument:
        text = _utf8(data, source)
        document = cls(source, text, _decode(text, source), data, base_iri)
        walk = _Walk(base_iri)
        try:
            if _SURROGATE_ESCAPE.search(text):
                _lone_surrogates(document.doc, (), 0)
            walk.value(document.doc, walk.initial, (), 0, None)
        except _Refusal as refusal:
            raise document.error_at(refusal.path, refusal.message, refusal.term) from None
        document.contexts = walk.contexts
        if walk.contexts:
            document._substitute_contexts()
        return document

    def _substitute_contexts(self) -> None:
        spans = sorted(_locate(self.text, path) for path in self.contexts)
        published = _published_text()
        parts: list[str] = []
        last = 0
        for start, end in spans:
            parts += [self.text[last:start], published]
            self.edits.append((start, end, len(published)))
            last = end
        parts.append(self.text[last:])
        self.data = "".join(parts).encode()

    def error_at(self, path: JsonPath, message: str, term: str | None = None) -> InputError:
        key = next((step for step in reversed(path) if isinstance(step, str)), None)
        line, column = _line_column(self.text, _locate(self.text, path, last=True)[0])
        term = term if term is not None else key
        return InputError(_writable(message), source=self.source, line=line, column=column,
                          term=None if term is None else _writable(term))

    def error(self, exc: SyntaxError) -> InputError:
        """The parser's error, placed in the user's document: by mapping its position back,
        or, for the JSON-LD errors that carry none, by finding the member that causes it."""
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
        if line is not None:
            offset = self._original_offset(line, column or 1)
            line, column = _line_column(self.text, offset)
            return InputError(_POSITION_PREFIX.sub("", message), source=self.source,
                              line=line, column=column)
        path = _blame(self._resolved(), message, self.base_iri, len(self.data))
        return self.error_at(path, message) if path else InputError(message,
                                                                    source=self.source)

    def _original_offset(self, line: int, byte_column: int) -> int:
        """Parser positions count bytes of what it was given; ours count characters of the
        user's text."""
        start = 0
        for _ in range(line - 1):
            start = self.data.find(b"\n", start) + 1 or start
        prefix = self.data[:start + byte_column - 1]
        offset = len(prefix.decode("utf-8", errors="ignore"))
        shift = 0
        for begin, end, length in self.edits:
            if offset < begin + shift:
                break
            if offset < begin + shift + length:
                return begin  # inside the substituted context: point at its IRI
            shift += length - (end - begin)
        return offset - shift

    def _resolved(self) -> Any:
        doc = self.doc
        for path in self.contexts:
            doc = _replaced(doc, path, local_context())
        return doc


# "Parser error at line 1 column 27: ", "... between columns 40 and column 43: ": positions in
# what the parser was given, which the error replaces by the user's.
_POSITION_PREFIX = re.compile(r"^Parser error (at|between) [^:]*: ")


def _writable(text: str) -> str:
    """`text` with any lone surrogate escaped: a key that holds one still names it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _utf8(data: bytes, source: str) -> str:
    """JSON is UTF-8 (RFC 8259): Python's reader would also take UTF-16 and UTF-32, which
    the parser does not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data[:exc.start].decode("utf-8")
        line, column = _line_column(text, len(text))
        raise InputError("the document is not UTF-8 text", source=source, line=line,
                         column=column) from None


def _decode(text: str, source: str) -> Any:
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", source=source,
                         line=exc.lineno, column=exc.colno) from None
    except RecursionError:  # the decoder recurses per level: refuse before that is a 500
        raise InputError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
                         source=source) from None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _lone_surrogates(node: Any, path: JsonPath, depth: int) -> None:
    """A \\uD800 escape without its pair decodes to no character; the parser would stop at
    it with 'unexpected end of file'. (Checked before the walk, so that no such string gets
    into a message: it cannot be written out as UTF-8.)"""
    if type(node) is str:
        if not node.isascii():
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                raise _Refusal(path, "a \\u escape names half a surrogate pair, not a "
                               "character") from None
        return
    if depth > MAX_JSON_DEPTH:
        raise _Refusal(path, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    if type(node) is dict:
        for key, value in node.items():
            _lone_surrogates(key, path + (key,), depth + 1)
            _lone_surrogates(value, path + (key,), depth + 1)
    elif type(node) is list:
        for index, value in enumerate(node):
            _lone_surrogates(value, path + (index,), depth + 1)


# Where a path is in the text ------------------------------------------------------------------

def _locate(text: str, path: JsonPath, *, last: bool = False) -> tuple[int, int]:
    """Start and end offsets of the value at `path` (keys and indexes) in the JSON text
    (as far along the path as the text goes). Used for context IRIs to replace and once
    something is wrong, so it skips values with the decoder instead of keeping positions on
    the fast path. `last`: a repeated key's last occurrence (json keeps the last value);
    the first one is found sooner, and keys are only repeated in documents being refused."""
    start = _space(text, 0)
    end: int | None = None
    for step in path:
        members: Iterator[tuple[str | int, int, int]] = (
            _members(text, start) if isinstance(step, str) else _items(text, start))
        found: tuple[int, int] | None = None
        for name, at, until in members:
            if name == step:
                found = at, until
                if not last:
                    break
        if found is None:
            break
        start, end = found
    return start, end if end is not None else _SKIPPER.raw_decode(text, start)[1]


def _space(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    return match.end() if match else at


def _members(text: str, start: int) -> Iterator[tuple[str, int, int]]:
    if text[start] != "{":
        return
    i = _space(text, start + 1)
    while text[i] == '"':
        name, i = _SKIPPER.raw_decode(text, i)
        i = _space(text, i) + 1  # past ':'
        at = _space(text, i)
        until = _SKIPPER.raw_decode(text, at)[1]
        yield name, at, until
        i = _space(text, until)
        if text[i] != ",":
            return
        i = _space(text, i + 1)


def _items(text: str, start: int) -> Iterator[tuple[int, int, int]]:
    if text[start] != "[":
        return
    i, index = _space(text, start + 1), 0
    while text[i] != "]":  # the text decoded: every array ends
        until = _SKIPPER.raw_decode(text, i)[1]
        yield index, i, until
        i = _space(text, until)
        if text[i] != ",":
            return
        i, index = _space(text, i + 1), index + 1


def _replaced(doc: Any, path: JsonPath, value: Any) -> Any:
    """`doc` with the value at `path` replaced, copying only the objects along the path."""
    if not path:
        return value
    copy: Any = dict(doc) if type(doc) is dict else list(doc)
    copy[path[0]] = _replaced(doc[path[0]], path[1:], value)
    return copy


def _pruned(doc: Any, path: JsonPath, keep: Callable[[Any], bool]) -> Any:
    """`doc` with only the members `keep(key)` (and @context) of the object or array at
    `path`, copying only along the path. An array member is replaced by null, which JSON-LD
    ignores, so that the indexes still name members of the user's document."""
    if path:
        copy: Any = dict(doc) if type(doc) is dict else list(doc)
        copy[path[0]] = _pruned(doc[path[0]], path[1:], keep)
        return copy
    if type(doc) is dict:
        return {k: v for k, v in doc.items() if k == "@context" or keep(k)}
    return [v if keep(i) else None for i, v in enumerate(doc)]


def _get(doc: Any, path: JsonPath) -> Any:
    for step in path:
        doc = doc[step]
    return doc


# Finding the cause of a JSON-LD error that carries no position --------------------------------

# What the parser may read while looking for the cause of one error: a few times the
# document (the search must not make a bad request much dearer than a good one to refuse),
# and at most this many parses of a small one.
_BLAME_TIMES_SIZE = 4
_BLAME_MIN_BYTES = 256 << 10
_BLAME_MAX_TRIES = 64


class _OutOfTries(Exception):
    pass


def _blame(doc: Any, message: str, base_iri: str | None, size: int) -> JsonPath:
    """The path of the member that causes the parser's error. pyoxigraph's JSON-LD errors
    ('@value and @id are incompatible') name no position, and re-implementing JSON-LD to
    say where would be a second processor to keep in step; asking the parser itself stays
    right whatever the rule. At each level, keep only half the members while the error
    stays (so the probes shrink as they go), then descend into the one member whose removal
    makes it go away; stop where no single member does."""
    budget, tries = max(_BLAME_TIMES_SIZE * size, _BLAME_MIN_BYTES), _BLAME_MAX_TRIES

    def fails(probe: Any) -> bool:
        nonlocal budget, tries
        data = json.dumps(probe).encode()
        budget, tries = budget - len(data), tries - 1
        if budget < 0 or tries < 0:
            raise _OutOfTries
        try:
            list(ox.parse(data, format=ox.RdfFormat.JSON_LD, base_iri=base_iri))
        except (SyntaxError, ValueError) as exc:
            return str(exc.msg if hasattr(exc, "msg") else exc) == message
        return False

    path: JsonPath = ()
    try:
        while True:
            node = _get(doc, path)
            if type(node) not in (dict, list) or (type(node) is list and "@context" in path):
                break  # (nulls in a context array are not neutral: they reset it)
            if type(node) is dict and "@context" in node and fails(
                    _pruned(doc, path, lambda key: False)):
                path += ("@context",)  # the node's context fails on its own
                continue
            # Without its @context every term of a node changes meaning: never a suspect.
            members = [k for k in (node if type(node) is dict else range(len(node)))
                       if k != "@context"]
            doc, members = _narrow(doc, path, members, fails)
            if len(members) != 1:
                break  # the cause is this node as a whole ({"@value": 1, "@id": ...})
            suspect = members[0]
            if fails(_pruned(doc, path, partial(ne, suspect))):  # keys other than it
                break  # not without it either: this node ({"@value": {"a": 1}})
            path += (suspect,)
    except _OutOfTries:
        pass  # as close as the budget got
    return path


def _narrow(doc: Any, path: JsonPath, members: list[str | int],
            fails: Callable[[Any], bool]) -> tuple[Any, list[str | int]]:
    """Halve the suspects while one half alone keeps the error; the pruned document, which
    still fails, is what the next probes start from."""
    while len(members) > 1:
        half = len(members) // 2
        for part in (members[:half], members[half:]):
            probe = _pruned(doc, path, set(part).__contains__)
            if fails(probe):
                doc, members = probe, part
                break
        else:
            break  # it takes members from both halves
    return doc, members


# The JSON-LD walk: which strings are IRIs, and are they valid ---------------------------------
#
# JSON-LD ignores an @id, @type or IRI-valued property it cannot read as an IRI: the node or
# the statement just disappears, so a typo in a case loses a fact without a word. pyoxigraph
# follows that rule. So the walk below expands every string in an IRI position the way
# JSON-LD does (keyword aliases, compact IRIs with prefixes, @vocab, @base, terms coerced
# with "@type": "@id" or "@vocab", embedded, property-scoped and type-scoped contexts) and
# checks the result with pyoxigraph's own IRI parser. Comparing counts of nodes before and
# after parsing would not say which string was wrong, nor see a dropped reference or type.
# Where the model is coarser than JSON-LD it errs towards accepting: an undefined prefix
# reads as an IRI scheme (as JSON-LD does), a term mapped to null is left alone, and what
# the walk does not understand is only checked for depth and refused numbers.

_NO_CONTEXT: Any = object()
_MAP_CONTAINERS = frozenset({"@language", "@index", "@id", "@type"})
_GEN_DELIMS = frozenset(":/?#[]@")
_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class _Term:
    iri: str | None  # the expanded IRI, the keyword it aliases ("@id"), or None: unmapped
    prefix: bool = False  # usable as the prefix of a compact IRI ("term:LumbarSpine")
    coerce: str | None = None  # "@id" / "@vocab": string values are IRIs; "@json": data
    is_map: bool = False  # language, index, id or type map: its keys are not properties
    context: Any = _NO_CONTEXT  # a scoped context, for the term's values


class _Context:
    """An active context, reduced to what decides how strings expand. `props` and `values`
    remember answers per key and per value: the published context is built once per process
    (`_published`), so the vocabulary's answers are worked out once, not per request."""

    __slots__ = ("terms", "vocab", "base", "aliases", "scoped", "props", "values")

    def __init__(self, terms: dict[str, _Term], vocab: str | None, base: str | None) -> None:
        self.terms, self.vocab, self.base = terms, vocab, base
        self.aliases = {t: d.iri for t, d in terms.items() if d.iri and d.iri[0] == "@"}
        self.scoped = any(d.context is not _NO_CONTEXT for d in terms.values())
        self.props: dict[str, tuple[_Term | None, str | None]] = {}
        self.values: dict[tuple[str, bool], str | None] = {}


_MEMO_SIZE = 4096  # per context: keys and vocabulary values, not every IRI a case names
_UNMAPPED = _Term(None)
class _Unseen(enum.Enum):
    """Not asked yet (a None in a memo is an answer: no problem)."""

    UNSEEN = 0


_UNSEEN: Final = _Unseen.UNSEEN


class _Walk:
    """One pass over the decoded document: depth, refused numbers, contexts (refusing remote
    ones, noting the published one's IRIs) and every string in an IRI position. A problem
    is raised as a _Refusal with its path; the caller turns the path into line and column."""

    def __init__(self, base_iri: str | None) -> None:
        self.initial = _Context({}, None, base_iri)
        self.contexts: list[JsonPath] = []
        self.counts = {"contexts": 0, "terms": 0, "uses": 0}
        # Scoped contexts apply wherever their term is used: once per (context, scoped one).
        self.applied: dict[tuple[int, int], tuple[_Context, Any, _Context]] = {}

    def apply(self, value: Any, ctx: _Context, path: JsonPath) -> _Context:
        self.count(path, "uses", _size(value), MAX_JSON_LD_TERM_USES)
        key = (id(ctx), id(value))
        if key not in self.applied:  # (the entry keeps both alive, so the ids stay theirs)
            self.applied[key] = (ctx, value, _apply(value, ctx, self.initial))
        return self.applied[key][2]

    def value(self, value: Any, ctx: _Context, path: JsonPath, depth: int,
              term: _Term | None) -> None:
        """Anything where a property value may be: string, node, value object, array."""
        if depth > MAX_JSON_DEPTH:
            raise _Refusal(path, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        kind = type(value)
        if term is not None and term.coerce == "@json":  # a JSON literal: data, not JSON-LD
            self.raw(value, path, depth)
        elif kind is str:
            if term is not None and term.coerce is not None:
                self.iri(value, ctx, path, vocab=term.coerce == "@vocab")
        elif kind is dict:
            if term is not None and term.is_map:
                inner = replace(term, is_map=False)
                for key, item in value.items():
                    self.value(item, ctx, path + (key,), depth + 1, inner)
            else:
                self.node(value, ctx, path, depth, term)
        elif kind is list:
            for index, item in enumerate(value):
                self.value(item, ctx, path + (index,), depth + 1, term)
        elif kind is _Refused:
            raise _refusal(value, path)

    def node(self, obj: dict[str, Any], ctx: _Context, path: JsonPath, depth: int,
             term: _Term | None) -> None:
        """A node object, value object, or @list / @set object."""
        if "@context" in obj:
            self.count(path + ("@context",), "contexts", 1, MAX_JSON_LD_CONTEXTS)
            self.screen_context(obj["@context"], path + ("@context",), depth + 1)
            ctx = self.apply(obj["@context"], ctx, path + ("@context",))
        aliases = ctx.aliases
        if "@value" in obj or (aliases and "@value" in map(aliases.get, obj)):
            self.value_object(obj, ctx, path, depth)
            return
        if ctx.scoped:
            ctx = self.type_scoped(obj, ctx, path)
        for key, item in obj.items():
            kw = key if key[:1] == "@" else aliases.get(key)
            at = path + (key,)
            if kw is None:
                self.property(key, item, ctx, at, depth)
            elif kw == "@id":
                if type(item) is not str:
                    raise _Refusal(at, "@id value must be a string")
                self.iri(item, ctx, at, vocab=False)
            elif kw == "@type":
                self.types(item, ctx, at)
            elif kw in ("@list", "@set"):  # the property's coercion applies to the members
                self.value(item, ctx, at, depth + 1, term)
            elif kw in ("@graph", "@included", "@reverse", "@nest"):
                self.value(item, ctx, at, depth + 1, None)
            elif kw != "@context":
                self.raw(item, at, depth + 1)

    def property(self, key: str, item: Any, ctx: _Context, path: JsonPath,
                 depth: int) -> None:
        known = ctx.props.get(key)
        if known is None:
            known = _property(key, ctx)
            if len(ctx.props) < _MEMO_SIZE:
                ctx.props[key] = known
        term, problem = known
        if problem is not None:
            raise _Refusal(path, problem, key)
        if term is _UNMAPPED:  # JSON-LD ignores a key mapped to nothing (e.g. a null term)
            self.raw(item, path, depth + 1)
            return
        if term is not None and term.context is not _NO_CONTEXT:
            ctx = self.apply(term.context, ctx, path)
        self.value(item, ctx, path, depth + 1, term)

    def types(self, item: Any, ctx: _Context, path: JsonPath) -> None:
        if type(item) is str:
            self.iri(item, ctx, path, vocab=True)
            return
        if type(item) is not list or any(type(value) is not str for value in item):
            raise _Refusal(path, "@type value must be a string or an array of strings")
        for index, value in enumerate(item):
            self.iri(value, ctx, path + (index,), vocab=True)

    def type_scoped(self, obj: dict[str, Any], ctx: _Context, path: JsonPath) -> _Context:
        """Apply the scoped contexts of the node's types (in the order JSON-LD does)."""
        scoped = ctx
        for key, item in obj.items():
            if (key if key[:1] == "@" else ctx.aliases.get(key)) != "@type":
                continue
            for value in sorted(v for v in (item if type(item) is list else [item])
                                if type(v) is str):
                term = ctx.terms.get(value)
                if term is not None and term.context is not _NO_CONTEXT:
                    scoped = self.apply(term.context, scoped, path + (key,))
        return scoped

    def value_object(self, obj: dict[str, Any], ctx: _Context, path: JsonPath,
                     depth: int) -> None:
        for key, item in obj.items():
            kw = key if key[:1] == "@" else ctx.aliases.get(key)
            at = path + (key,)
            if kw == "@type":
                if type(item) is not str:
                    raise _Refusal(at, "@type value must be a string")
                if item not in ("@json", "@none"):
                    self.iri(item, ctx, at, vocab=True)
            elif kw == "@language" and type(item) is str and _language_problem(item):
                raise _Refusal(at, f"not a language tag: {_language_problem(item)}", item)
            else:
                self.raw(item, at, depth + 1)

    def iri(self, value: str, ctx: _Context, path: JsonPath, vocab: bool) -> None:
        problem = ctx.values.get((value, vocab), _UNSEEN)
        if problem is _UNSEEN:
            problem, vocabulary = _value_problem(value, ctx, vocab)
            # Remember the vocabulary ("Case", "term:LumbarSpine"), not each case's own IRIs.
            if vocabulary and len(ctx.values) < _MEMO_SIZE:
                ctx.values[(value, vocab)] = problem
        if problem is not None:
            raise _Refusal(path, problem, value)

    def raw(self, value: Any, path: JsonPath, depth: int) -> None:
        """JSON that JSON-LD reads as data, or not at all: depth and refused numbers only."""
        if depth > MAX_JSON_DEPTH:
            raise _Refusal(path, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        kind = type(value)
        if kind is dict:
            for key, item in value.items():
                self.raw(item, path + (key,), depth + 1)
        elif kind is list:
            for index, item in enumerate(value):
                self.raw(item, path + (index,), depth + 1)
        elif kind is _Refused:
            raise _refusal(value, path)

    def screen_context(self, value: Any, path: JsonPath, depth: int) -> None:
        """Refuse remote contexts and @import wherever they appear (a list, a scoped context
        in a term definition, nested); note the published context's IRIs to substitute."""
        if depth > MAX_JSON_DEPTH:
            raise _Refusal(path, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if type(value) is list:
            for index, item in enumerate(value):
                self.screen_context(item, path + (index,), depth + 1)
        elif type(value) is str:
            if value != CONTEXT_IRI and not _LOCAL_CONTEXT.match(value):
                raise _Refusal(path, "remote JSON-LD contexts are not fetched; use the "
                               f"published context '{CONTEXT_IRI}' or an inline context",
                               value)
            self.contexts.append(path)
        elif type(value) is dict:
            if "@import" in value:
                raise _Refusal(path + ("@import",), "@import in a JSON-LD context is not "
                               "fetched", str(value["@import"]))
            _check_language(value, path)
            self.count(path, "terms", len(value), MAX_JSON_LD_TERMS)
            for term, definition in value.items():
                at = path + (term,)
                if type(definition) is dict:
                    _check_language(definition, at)
                    if "@context" in definition:
                        self.screen_context(definition["@context"], at + ("@context",),
                                            depth + 2)
                    definition = {k: v for k, v in definition.items() if k != "@context"}
                self.raw(definition, at, depth + 1)
        elif type(value) is _Refused:
            raise _refusal(value, path)

    def count(self, path: JsonPath, what: str, more: int, limit: int) -> None:
        self.counts[what] += more
        if self.counts[what] > limit:
            words = {"contexts": "contexts", "terms": "term definitions in contexts",
                     "uses": "term definitions applied (a scoped context counts at each use)"}
            raise _Refusal(path, f"more than {limit} JSON-LD {words[what]} in one document")


def _property(key: str, ctx: _Context) -> tuple[_Term | None, str | None]:
    """What a key of a node object maps to: its term (None: plain IRI or @vocab), or
    _UNMAPPED; and why it is refused, if it is."""
    term = ctx.terms.get(key)
    iri = term.iri if term is not None else _expand(key, ctx, vocab=True, relative=False)
    if iri is None:
        return _UNMAPPED, None
    if iri.startswith("_:"):
        return term, "a property must be an IRI, not a blank node"
    problem = _iri_problem(iri)
    if problem:
        return term, f"the property '{iri}' is not a valid IRI: {problem}"
    return term, None


def _value_problem(value: str, ctx: _Context, vocab: bool) -> tuple[str | None, bool]:
    """Why `value` in an IRI position is refused (None: it is fine), and whether it was
    expanded by the context (vocabulary, worth remembering) rather than written out."""
    if value.startswith("@"):
        return "a keyword is not an IRI", False
    try:
        iri = _expand(value, ctx, vocab=vocab, relative=True)
    except ValueError as exc:
        return f"not a valid IRI: {exc}", False
    if iri is None:
        bad = _NOT_IN_IRIS.search(value)
        if bad:
            return f"not a valid IRI: the character {bad.group()!r} is not allowed", True
        return ("a relative IRI, and no base IRI to resolve it against; use an absolute "
                "IRI"), True
    if iri.startswith("_:"):
        problem = _blank_problem(iri[2:])
        return (f"not a valid blank node identifier: {problem}" if problem else None), False
    problem = _iri_problem(iri)
    if problem is None:
        return None, iri != value
    expanded = f" ('{iri}')" if iri != value else ""
    return f"not a valid IRI{expanded}: {problem}", False


def _check_language(definition: dict[str, Any], path: JsonPath) -> None:
    """A default @language that is not a tag would drop every string it applies to."""
    tag = definition.get("@language")
    if type(tag) is str and _language_problem(tag):
        raise _Refusal(path + ("@language",), f"not a language tag: {_language_problem(tag)}",
                       tag)


def _refusal(value: _Refused, path: JsonPath) -> _Refusal:
    return _Refusal(path + (value.key,) if value.key else path, value.message, value.key)


def _expand(value: str, ctx: _Context, *, vocab: bool, relative: bool) -> str | None:
    """JSON-LD IRI expansion (JSON-LD 1.1 API, 5.2.2), for checking: None when the value
    maps to nothing (relative with no base, or no @vocab for a term)."""
    if vocab and value in ctx.terms:
        return ctx.terms[value].iri
    prefix, colon, suffix = value.partition(":")
    if colon:
        if prefix == "_" or suffix.startswith("//"):
            return value
        term = ctx.terms.get(prefix)
        if term is not None and term.prefix and term.iri is not None:
            return term.iri + suffix
        return value  # an IRI with scheme `prefix`
    if vocab and ctx.vocab is not None:
        return ctx.vocab + value
    if relative and ctx.base is not None:
        return _resolve(ctx.base, value)
    return None


def _resolve(base: str, reference: str) -> str:
    """RFC 3986 resolution by pyoxigraph's own IRI code (through a one-triple document); a
    character no IRI may hold is refused first, so the reference cannot end the IRI early."""
    bad = _NOT_IN_IRIS.search(reference)
    if bad:
        raise ValueError(f"the character {bad.group()!r} is not allowed in an IRI")
    try:
        quad: ox.Quad = next(ox.parse(f"<{reference}> <urn:x> <urn:x> .".encode(),
                                      format=ox.RdfFormat.TURTLE, base_iri=base))
    except SyntaxError as exc:
        raise ValueError(str(exc.msg if hasattr(exc, "msg") else exc)) from None
    return cast("ox.NamedNode", quad.subject).value  # the document's one IRI, resolved


@lru_cache(maxsize=4096)
def _iri_problem(iri: str) -> str | None:
    """Why pyoxigraph (hence its JSON-LD parser) would not take `iri`; cached, since the
    vocabulary's IRIs come back on every request."""
    try:
        ox.NamedNode(iri)
    except ValueError as exc:  # UnicodeEncodeError (a lone surrogate) is one too
        return str(exc)
    return None


def _blank_problem(label: str) -> str | None:
    try:
        ox.BlankNode(label)
    except ValueError as exc:
        return str(exc)
    return None


def _language_problem(tag: str) -> str | None:
    try:
        ox.Literal("", language=tag)
    except ValueError as exc:
        return str(exc)
    return None


# Active contexts: only what decides how strings expand ---------------------------------------

def _apply(value: Any, ctx: _Context, initial: _Context) -> _Context:
    """The active context after `value` (an already screened @context value)."""
    for item in value if type(value) is list else (value,):
        if item is None:
            ctx = initial
        elif type(item) is str:
            ctx = (_published(ctx.base) if not ctx.terms and ctx.vocab is None
                   else _with_local(local_context(), ctx))
        elif type(item) is dict:
            ctx = _with_local(item, ctx)
    return ctx


def _size(value: Any) -> int:
    """Term definitions a (screened) @context value brings."""
    if type(value) is list:
        return sum(_size(item) for item in value)
    if type(value) is str:
        return len(local_context())
    return len(value) if type(value) is dict else 0


@lru_cache(maxsize=16)
def _published(base: str | None) -> _Context:
    return _with_local(local_context(), _Context({}, None, base))


@lru_cache(maxsize=1)
def _published_text() -> str:
    return json.dumps(local_context(), ensure_ascii=False, separators=(",", ":"))


def _with_local(local: dict[str, Any], ctx: _Context) -> _Context:
    """Process a local context: @base, @vocab, then each term definition, defining first
    the terms a definition uses as prefix (as JSON-LD's Create Term Definition does)."""
    base, vocab = ctx.base, ctx.vocab
    if "@base" in local:
        base = _new_base(local["@base"], base)
    terms = dict(ctx.terms)
    out = _Context(terms, vocab, base)
    if "@vocab" in local:
        out = _Context(terms, _new_vocab(local["@vocab"], out), base)
    pending = {k: v for k, v in local.items() if not k.startswith("@")}

    defining: set[str] = set()

    def define(term: str, depth: int) -> None:
        # A cycle, or a chain of prefixes deeper than any document nests: the term is
        # defined without it (it then reads as an IRI scheme: accepted, and the parser
        # judges the definition).
        if term not in pending or term in defining or depth > MAX_JSON_DEPTH:
            return
        defining.add(term)
        definition = pending[term]
        for used in _uses(term, definition):
            define(used, depth + 1)
        terms[term] = _definition(term, definition, out)
        del pending[term]

    for term in list(pending):
        define(term, 0)
    return _Context(terms, out.vocab, base)


def _new_base(value: Any, base: str | None) -> str | None:
    if type(value) is not str:
        return None
    try:
        return value if ":" in value else _resolve(base, value) if base else None
    except ValueError:
        return None


def _new_vocab(value: Any, ctx: _Context) -> str | None:
    if type(value) is not str:
        return None
    try:
        return _expand(value, ctx, vocab=True, relative=True)
    except ValueError:
        return value


def _uses(term: str, definition: Any) -> list[str]:
    """Terms a definition's IRI may be built from: a compact IRI's prefix, a term."""
    if type(definition) is dict:
        definition = definition.get("@reverse", definition.get("@id", term))
    if type(definition) is not str:
        return []
    return [definition.partition(":")[0], definition]


def _definition(term: str, definition: Any, ctx: _Context) -> _Term:
    if type(definition) is str:
        iri = definition if definition.startswith("@") else _safe_expand(definition, ctx)
        return _Term(iri, prefix=_is_prefix(term, iri))
    if type(definition) is not dict:
        return _Term(None)  # null, or a bad definition the parser refuses
    raw = definition.get("@reverse", definition.get("@id", term))
    iri = (raw if raw.startswith("@") else _safe_expand(raw, ctx)) if type(raw) is str else None
    coerce = definition.get("@type")
    container = definition.get("@container", ())
    containers = {c for c in (container if type(container) is list else [container])
                  if type(c) is str}
    return _Term(iri, prefix=definition.get("@prefix") is True,
                 coerce=coerce if coerce in ("@id", "@vocab", "@json") else None,
                 is_map=bool(containers & _MAP_CONTAINERS),
                 context=definition.get("@context", _NO_CONTEXT))


def _safe_expand(value: str, ctx: _Context) -> str | None:
    try:
        return _expand(value, ctx, vocab=True, relative=False)
    except ValueError:
        return value


def _is_prefix(term: str, iri: str | None) -> bool:
    """A simple term whose IRI ends with a gen-delim may prefix a compact IRI (JSON-LD 1.1)."""
    return (iri is not None and ":" not in term and "/" not in term
            and (iri[-1:] in _GEN_DELIMS or iri.startswith("_:")))
