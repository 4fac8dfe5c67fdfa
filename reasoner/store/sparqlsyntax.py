"""A SPARQL request read into tokens, checked on them, and rewritten into the text that runs.

Oxigraph has no parse-only API, and rdflib's parser cannot stand in for it (it reads `#` inside
some IRIs as a comment and differs from Oxigraph on codepoint escapes), so safety cannot be
decided by asking another parser what the query means. This module tokenizes the query with the
terminals of the SPARQL 1.1 grammar (plus Oxigraph's SPARQL 1.2 punctuation), checks the tokens,
and hands Oxigraph a *canonical* text built from those tokens alone: the prologue as written,
then the tokens as they were spaced (a space where the user left any, always around a name of
ours and after a `<`), comments dropped, codepoint escapes resolved, and every IRI and
prefixed name replaced by a prefixed name declared in an added prologue. Oxigraph cannot read
that text otherwise than the checks did: no `<` of the body can start an IRI (`FILTER(?x<2)
SERVICE#>` read as one IRI hid SERVICE), no quote or `#` inside an IRI can open a string or a
comment, no name can run into a keyword (`SERVICE:`). So the SERVICE keyword, update operations
and nesting seen here are the ones it evaluates. Syntax errors it finds are placed back in the
user's query (`relocate`). Query workers also run without a network (`queryworker`).

Refused here: updates (`UpdateRefused`), SERVICE (`ServiceRefused`), nesting deeper than
MAX_NESTING (Oxigraph's parser recurses per level and dies at a few thousand; prefix operators
count), more than MAX_OPERATORS chained operators or patterns (a chain builds a tree as deep as
it is long), triple terms whose value could nest deeper than MAX_TERM_DEPTH (`_TermDepth`),
and any character no SPARQL token starts with, each with its line and column.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin

from reasoner.store.sparql import QueryError, ServiceRefused, UpdateRefused

MAX_NESTING = 128
MAX_TERM_DEPTH = 128  # triple terms in triple terms, counting those a variable brings in
MAX_OPERATORS = 1000  # operators, path steps, pattern keywords and separators in one query
# (and the separators of a triples block, which the parser also recurses on: 10,000 ", ?o"
# ended a worker)
# ("{": sibling groups "{...}{...}{...}" join as a chain too: 19,000 of them ended a worker)
_CHAINING = frozenset({"+", "-", "*", "/", "|", "||", "&&", "=", "!=", "<", ">", "<=", ">=",
                       "^", ".", ",", ";", "{"})
_CHAINING_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH", "EXISTS",
                             "IN"})
MAX_QUERY_CHARS = 200_000
# Screening is pure Python, so under the GIL two threads screening long queries go no faster
# than one, while each switch between them is one the event loop can lose: in a burst of 60
# queries of 200 kB, /health waited up to 1.8 s with two screening at once, 0.3 s with one.
# A query this long (a 200 kB one takes ~0.6 s to screen) waits for the one; shorter ones never.
LONG_QUERY_CHARS = 8 << 10
_LONG_SCREENS = threading.Lock()
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
# The words of SPARQL 1.1 queries (keywords and built-in functions, case-insensitive) and the
# SPARQL 1.2 ones Oxigraph reads; "a", "true" and "false" are lowercase only.
_KEYWORD_TEXT = """
    SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE DISTINCT REDUCED ORDER BY ASC DESC
    LIMIT OFFSET GROUP HAVING AS OPTIONAL UNION MINUS GRAPH FILTER BIND VALUES UNDEF EXISTS NOT
    IN SILENT LATERAL STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND
    CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512
    COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR
    REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR TRIPLE SUBJECT PREDICATE OBJECT
    ISTRIPLE LANGDIR HASLANG HASLANGDIR STRLANGDIR VERSION"""
KEYWORDS = frozenset(_KEYWORD_TEXT.split())
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                          "COPY", "WITH"})
_OPENING = frozenset({"{", "(", "[", "<<(", "<<", "{|"})
_CLOSING = frozenset({"}", ")", "]", ")>>", ">>", "|}"})
# Prefix operators that Oxigraph's parser also handles one recursion level each.
_UNARY = frozenset({"!", "^", "-", "+"})

_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
         "\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
         "\U00010000-\U000EFFFF")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
# A prefix is bounded in length: unbounded, a run like `a.a.a.…` with no colon made every
# position rescan the rest of the run (quadratic: minutes for a 190 kB query, GIL held).
_PREFIX = f"(?:[{_BASE}](?:[{_CHARS}.]{{0,62}}[{_CHARS}])?)?"
_LOCAL = f"(?:(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?)"
_ESCAPE = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
# Only the escapes Oxigraph reads in a string: with any other ("\q") its long string ends
# early, and what the check took for string text ("} SERVICE <...>") runs.
_STRING_ESCAPE = r"(?:\\[tbnrf\"'\\]|" + _ESCAPE + ")"
_NUMBER = (r"[+-]?(?:[0-9]+(?:\.[0-9]*)?[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+"
           r"|[0-9]*\.[0-9]+|[0-9]+)")

# One alternative per terminal kind; the order resolves the overlaps as the grammar does
# (longest match: an IRI before `<`, `<<(` before `<<` before `<=` before `<`).
# A comment runs to its line's end ("(?![^\r\n])"): were it allowed to stop at any later "#",
# a run of k "#" after "(" could be split 2^(k-1) ways, each tried before "(" was found to
# be no NIL (27 of them held the server 14 s).
_TOKEN = re.compile(rf"""
      (?P<space>(?:[ \t\r\n]+|\#[^\r\n]*(?![^\r\n]))+)
    | (?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|{_STRING_ESCAPE}))*\"\"\"
                 |'''(?:(?:'|'')?(?:[^'\\]|{_STRING_ESCAPE}))*'''
                 |"(?:[^"\\\r\n]|{_STRING_ESCAPE})*"
                 |'(?:[^'\\\r\n]|{_STRING_ESCAPE})*')
    | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_ESCAPE})*>)
    | (?P<var>[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*)
    | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
    | (?P<pname>{_PREFIX}:{_LOCAL}?)
    | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
    | (?P<number>{_NUMBER})
    | (?P<word>[A-Za-z][A-Za-z0-9_]*)
    | (?P<nil>\((?:[ \t\r\n]|\#[^\r\n]*(?![^\r\n]))*\))
    | (?P<anon>\[(?:[ \t\r\n]|\#[^\r\n]*(?![^\r\n]))*\])
    | (?P<punct><<\(|\)>>|<<|>>|\{{\||\|}}|\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\];,.*/|^?+\-!=<>~])
""", re.VERBOSE)
_ESCAPED = re.compile(_ESCAPE)
_COMMENT = re.compile(r"#[^\r\n]*")  # in a run of layout (the prologue keeps its lines)
_DECLARATIONS = {"BASE": ("iri",), "PREFIX": ("pname", "iri")}  # the tokens after each
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | {chr(i) for i in range(0x21)}


class Token(NamedTuple):
    """One token: a tuple, as a long query has a hundred thousand of them (a frozen
    dataclass took three times as long to make)."""

    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class PreparedQuery:
    """A query that may run: `text` is what the evaluator gets (see the module doc)."""

    text: str
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    from_graphs: tuple[str, ...] = ()  # the IRIs of FROM, resolved
    from_named: tuple[str, ...] = ()  # the IRIs of FROM NAMED, resolved
    source: str = ""  # the query as the user wrote it
    origins: tuple[tuple[int, int], ...] = ()  # (offset in text, offset in source) per token

    @property
    def has_dataset(self) -> bool:
        """FROM or FROM NAMED: the query names its own dataset."""
        return bool(self.from_graphs or self.from_named)


def prepare(sparql: str) -> PreparedQuery:
    """Tokenize, check and rewrite one SPARQL query; raises a QueryError subclass. Long
    queries are screened one at a time in a process (`_LONG_SCREENS`)."""
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    if len(sparql) <= LONG_QUERY_CHARS:
        return _prepare(sparql)
    with _LONG_SCREENS:
        return _prepare(sparql)


def _prepare(sparql: str) -> PreparedQuery:
    tokens = tokenize(sparql)
    _check(sparql, tokens)
    start = _body_start(tokens)  # the prologue, read once for the form, FROM and the rewrite
    prefixes, base = _declared(tokens[:start])
    form = _form(sparql, tokens[start:])
    default, named = _dataset(sparql, tokens[start:], prefixes, base)
    text, origins = _rewrite(sparql, tokens, start, prefixes)
    return PreparedQuery(text, form, default, named, sparql, origins)


def _check(sparql: str, tokens: list[Token]) -> None:
    _check_nesting(sparql, tokens)
    _TermDepth(sparql).check(tokens)
    words = [t for t in tokens if t.kind == "word"]
    for token in words:
        word = token.text.upper()
        if word in UPDATE_WORDS:
            raise _at(UpdateRefused(f"the SPARQL endpoint is read-only: updates ({word}) "
                                    "are refused"), sparql, token)
        # (Oxigraph reads a keyword without a word boundary, so "SERVICEx" is refused too; a
        # prefixed name "SERVICE:" is rewritten to a name of ours, so it cannot be read so)
        if word.startswith("SERVICE"):
            raise _at(ServiceRefused("SERVICE is refused: the endpoint makes no outbound "
                                     "requests"), sparql, token)
        # Only the grammar's own words: Oxigraph splits an unknown one at a keyword inside it
        # ("trueSERVICE" is true and SERVICE, "trueOPTIONAL" escapes the chain count)
        if word not in KEYWORDS and token.text not in ("a", "true", "false"):
            raise _at(QueryError(f"SPARQL syntax error: {token.text[:40]!r} is not a SPARQL "
                                 "keyword or function"), sparql, token)


def tokenize(sparql: str) -> list[Token]:
    """The query's tokens in order, whitespace and comments included (the rewrite needs
    them); an unexpected character is a QueryError at its line and column.

    One place where the grammar's longest match is not what Oxigraph reads: in an expression,
    `<` after an operand is less-than (`FILTER(?x<2)SERVICE#>` is `?x`, `<`, `2`, `)`,
    SERVICE and a comment, not `?x` and the IRI `<2)SERVICE#>`, which cannot follow an operand
    there). The brackets are followed to know where expressions are."""
    tokens: list[Token] = []
    pos, end = 0, len(sparql)
    context = _Context()
    match, append, push = _TOKEN.match, tokens.append, context.push  # (the loop's hot names)
    while pos < end:
        found = match(sparql, pos)
        if found is None or found.end() == pos:
            raise _at(QueryError(f"SPARQL syntax error: unexpected character "
                                 f"{sparql[pos]!r}"), sparql, Token("", "", pos))
        kind = found.lastgroup or ""
        if kind == "space":  # (the context skips layout)
            append(Token(kind, found.group(), pos))
            pos = found.end()
            continue
        token = Token(kind, found.group(), pos)
        if kind == "iri" and context.after_operand():
            token = Token("punct", "<", pos)  # less-than: what follows is read as it comes
        append(token)
        push(token)
        pos += len(token.text)
    return tokens


# Tokens that end an operand in an expression (what a binary operator may follow)
_OPERAND_KINDS = frozenset({"var", "number", "string", "iri", "pname", "nil", "anon", "bnode",
                            "langtag"})
_OPERAND_ENDS = frozenset({")", "]", ")>>", ">>", "}"})  # "}": EXISTS { ... } < 2


class _Context:
    """Whether the tokenizer is inside an expression: brackets opened by FILTER, BIND, a
    function call or the query's clauses outside its braces (SELECT (...), GROUP BY, HAVING,
    ORDER BY) hold expressions; braces hold graph patterns (FILTER EXISTS { ... } included),
    where a bracket is an RDF collection."""

    def __init__(self) -> None:
        self.stack: list[bool] = []  # per open bracket: an expression inside?
        self.last: list[Token] = []  # the last two significant tokens

    def in_expression(self) -> bool:
        return self.stack[-1] if self.stack else False  # the prologue, or clauses

    def after_operand(self) -> bool:
        if not self.in_expression() or not self.last:
            return False
        prev = self.last[-1]
        return prev.kind in _OPERAND_KINDS or prev.text in _OPERAND_ENDS or (
            prev.kind == "word" and prev.text.lower() in ("true", "false"))

    def push(self, token: Token) -> None:
        if token.kind == "space":
            return
        text = token.text
        if text in ("{", "{|"):
            self.stack.append(False)
        elif text in ("<<(", "<<"):
            # a triple term or reified triple holds terms, never an expression, even inside
            # one: `BIND(<<( <urn:a> <urn:b> 1 )>> AS ?t)` is three terms, no less-than
            self.stack.append(False)
        elif text in ("(", "["):
            # outside all braces a bracket holds an expression: SELECT (...), HAVING (...)
            self.stack.append(not self.stack or self.in_expression() or self._call())
        elif text in _CLOSING and self.stack:
            self.stack.pop()
        self.last = [*self.last[-1:], token]

    def _call(self) -> bool:
        """A bracket in a graph pattern opening an expression: FILTER (...), BIND (...),
        FILTER regex(...), FILTER <fn>(...); else a collection."""
        if not self.last:
            return False
        prev = self.last[-1]
        if prev.kind == "word":
            return prev.text.upper() not in ("VALUES",)
        before = self.last[0] if len(self.last) == 2 else None
        return prev.kind in ("iri", "pname") and before is not None and \
            before.kind == "word" and before.text.upper() == "FILTER"


def _check_nesting(sparql: str, tokens: list[Token]) -> None:
    """Oxigraph's parser recurses once per bracket and per prefix operator, and builds a chain
    of binary operators or patterns as a tree as deep as it is long: a few thousand levels of
    either end its worker's stack. Prefix operators before a bracket add to the depth inside
    it (`!(!(!(...)))` was 81 brackets deep and 10,000 levels)."""
    depth = pending = operators = run = 0
    outer: list[int] = []
    values = -1  # the depth of the VALUES block being read (its rows may be as long as they like)
    after_values = False
    for token in tokens:
        if token.kind == "space":
            continue
        text = token.text
        # a run of terms with nothing between ("( :a :b :c ... )", "DESCRIBE <a> <b> ...")
        # is a list Oxigraph builds recursively: 6,000 collection items ended a worker
        run = run + 1 if token.kind in _OPERAND_KINDS else 0
        if run > MAX_OPERATORS and values < 0:
            raise _at(QueryError(f"the query lists more than {MAX_OPERATORS} terms in a row "
                                 "(an RDF collection or a DESCRIBE list)"), sparql, token)
        if token.kind == "word" and text.upper() == "VALUES":
            after_values = True
        elif text == "{" and after_values:
            values, after_values = depth + 1, False
        if text in _OPENING:
            outer.append(depth)
            depth, pending = depth + 1 + pending, 0
        elif text in _CLOSING:
            if not outer:
                raise _at(QueryError(f"SPARQL syntax error: unbalanced {text!r}"), sparql, token)
            depth, pending = outer.pop(), 0
            if depth < values:
                values = -1
        elif text in _UNARY or text == "^^":
            pending += 1
        else:
            pending = 0
        if depth + pending > MAX_NESTING:
            raise _at(QueryError(f"the query nests deeper than {MAX_NESTING} levels"),
                      sparql, token)
        operators += (token.kind == "punct" and text in _CHAINING) or (
            token.kind == "word" and text.upper() in _CHAINING_WORDS) or (
            token.kind == "number" and text[0] in "+-")  # "1+1+1": a signed number is a step
        if operators > MAX_OPERATORS:
            raise _at(QueryError(f"the query chains more than {MAX_OPERATORS} operators or "
                                 "patterns (UNION, OPTIONAL, MINUS, FILTER, +, ||, |, /, "
                                 "triples . , ; ...)"),
                      sparql, token)


@dataclass
class _TermDepth:
    """How deep the triple terms a query builds can nest, bounded from its parsed expressions.

    Each expression nests under MAX_NESTING, but a value nests its variables' values too: 20
    BINDs of 120 levels each (`BIND(<<( :s :p ?v1 )>> AS ?v2)`, ...) build a 2,400-level value
    the evaluator makes in milliseconds and the worker's writer then recurses through for most
    of a second before its stack gives out; on a busy machine that ran past the time limit
    and the refusal came back as a timeout. So each variable's depth is bounded here: the
    triple-term brackets (`<<(`, `<<`, TRIPLE(...)) around each variable in the expression it
    is bound to (`... AS ?v` in BIND, SELECT and GROUP BY; a VALUES block's constants), plus
    that variable's own bound, propagated along the assignments. Patterns bind no triple
    term: no stored graph holds one (`engine.intake` refuses them)."""

    sparql: str
    terms: int = 0  # triple-term brackets open around the current token
    opened: list[tuple[bool, int]] = field(default_factory=list)  # (a term?, len(seen))
    seen: list[tuple[str | None, int, Token]] = field(default_factory=list)  # var, depth
    feeds: dict[str, list[tuple[str, int]]] = field(
        default_factory=lambda: defaultdict(list))  # var -> (var it flows into, levels added)
    depth: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    bound_at: dict[str, Token] = field(default_factory=dict)
    values: list[str] | None = None  # the variables of the VALUES clause being read
    block: int = -1  # how many brackets are open inside that clause's data block

    def check(self, tokens: list[Token]) -> None:
        significant = [t for t in tokens if t.kind != "space"]
        for i, token in enumerate(significant):
            if token.kind == "word" and token.text.upper() == "AS" and self.opened \
                    and i + 1 < len(significant) and significant[i + 1].kind == "var":
                self._assign(significant[i + 1])
            self._read(token, significant[i - 1] if i else None)
        self._propagate()
        for name, depth, token in self.seen:
            if name is not None and depth + self.depth[name] > MAX_TERM_DEPTH:
                raise self._refusal(token)

    def _read(self, token: Token, before: Token | None) -> None:
        text = token.text
        if token.kind == "word" and text.upper() == "VALUES":
            self.values, self.block = [], -1
        elif text in _OPENING:
            term = text in ("<<(", "<<") or (text == "(" and before is not None and
                                             before.kind == "word" and
                                             before.text.upper() == "TRIPLE")
            self.opened.append((term, len(self.seen)))
            self.terms += term
            if term:  # the term itself: a value one level deeper than what it holds
                self.seen.append((None, self.terms, token))
            if self.values is not None and self.block < 0 and text == "{":
                self.block = len(self.opened)
        elif text in _CLOSING and self.opened:
            if self.values is not None and len(self.opened) == self.block:
                self._values(self.values, self.opened[-1][1], token)
                self.values = None
            self.terms -= self.opened.pop()[0]
        elif token.kind == "var":
            self.seen.append((text[1:], self.terms, token))
            if self.values is not None and self.block < 0:
                self.values.append(text[1:])

    def _assign(self, target: Token) -> None:
        """`expr AS ?v`: ?v nests the expression's triple terms and its variables' own
        (the expression is what the innermost open bracket holds so far)."""
        name, start = target.text[1:], self.opened[-1][1]
        self.bound_at.setdefault(name, target)
        for source, depth, _ in self.seen[start:]:
            if source is None:
                self.depth[name] = max(self.depth[name], depth - self.terms)
            else:
                self.feeds[source].append((name, depth - self.terms))

    def _values(self, names: list[str], start: int, token: Token) -> None:
        deepest = max((depth - self.terms for source, depth, _ in self.seen[start:]
                       if source is None), default=0)
        for name in names:
            self.bound_at.setdefault(name, token)
            self.depth[name] = max(self.depth[name], deepest)

    def _propagate(self) -> None:
        """Longest paths along the assignments. A depth only grows and is refused past
        MAX_TERM_DEPTH, so each variable is raised at most that many times (a cycle of
        names that adds levels is refused, one that adds none ends)."""
        work = deque(self.feeds)
        while work:
            source = work.popleft()
            for target, levels in self.feeds[source]:
                if self.depth[source] + levels > self.depth[target]:
                    self.depth[target] = self.depth[source] + levels
                    if self.depth[target] > MAX_TERM_DEPTH:
                        raise self._refusal(self.bound_at[target])
                    work.append(target)

    def _refusal(self, token: Token) -> QueryError:
        return _at(QueryError(f"the query builds triple terms nested deeper than "
                              f"{MAX_TERM_DEPTH} levels ({token.text[:40]} holds the triple "
                              "terms of the expressions it is bound to)"), self.sparql, token)


def _form(sparql: str, body: list[Token]) -> str:
    """The query form: the first keyword of the body (after the prologue)."""
    first = next((t for t in body if t.kind != "space"), None)
    if first is None:
        raise QueryError("the request holds no query")
    if first.kind != "word" or first.text.upper() not in QUERY_FORMS:
        raise _at(QueryError("SPARQL syntax error: expected SELECT, CONSTRUCT, DESCRIBE or ASK"
                             f", found {first.text[:40]!r}"), sparql, first)
    return first.text.upper()


def _dataset(sparql: str, body: list[Token], prefixes: dict[str, str],
             base: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IRIs of FROM and FROM NAMED, prefixed names and relative IRIs resolved by the
    prologue (a SPARQL server that does not honour FROM is given them as parameters)."""
    significant = [t for t in body if t.kind != "space"]
    default: list[str] = []
    named: list[str] = []
    for i, token in enumerate(significant):
        word = token.text.upper() if token.kind == "word" else ""
        following = significant[i + 1:i + 3]
        if word == "FROM" and following:
            is_named = following[0].text.upper() == "NAMED"
            iri = following[1] if is_named and len(following) > 1 else following[0]
            (named if is_named else default).append(_iri_of(sparql, iri, prefixes, base))
    return tuple(default), tuple(named)


def _iri_of(sparql: str, token: Token, prefixes: dict[str, str], base: str) -> str:
    if token.kind == "iri":
        return _join(base, _resolved_iri(token)[1:-1])
    prefix, _, local = token.text.partition(":")
    if token.kind == "pname" and prefix in prefixes:
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    if token.kind == "pname":
        raise _at(QueryError(f"SPARQL syntax error: the prefix {prefix}: is not declared"),
                  sparql, token)
    raise _at(QueryError(f"SPARQL syntax error: FROM needs an IRI, found {token.text[:40]!r}"),
              sparql, token)


def _rewrite(sparql: str, tokens: list[Token], start: int,
             prefixes: dict[str, str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The text Oxigraph runs, which it cannot read otherwise than the checks did: the
    prologue as written (comments blanked, escapes resolved); after it, the tokens spaced as
    written, with every IRI and prefixed name replaced by a prefixed name declared in an added
    prologue, and a space after every "<". So no `<` of the body can start an IRI, no quote or
    `#` inside an IRI can open a string or a comment, and no name can run into a keyword: each
    token is the one checked.
    Also where each token of the text came from, (offset there, offset in the query), to place
    the evaluator's syntax errors in the user's query."""
    names: dict[str, str] = {}  # IRI -> the prefixed name standing for it
    taken = set(prefixes)
    body: list[tuple[str, int]] = []  # (text, the token's offset in the query)
    gap, named, previous = False, False, ""
    for token in tokens[start:]:
        if token.kind == "space":
            gap = True
            continue
        name = token.kind in ("iri", "pname")
        if name:
            iri = _iri_of(sparql, token, prefixes, "") if token.kind == "pname" else \
                _resolved_iri(token)[1:-1]
            text = names.get(iri) or names.setdefault(iri, _fresh(taken, len(names)))
        else:
            text = _canonical(token)
        # Tokens the user wrote together stay together ("STR(" must: Oxigraph refuses "STR ("),
        # but a name of ours stands apart and nothing follows a "<" closely, so no "<" can
        # start an IRI and no name can run into a keyword.
        spaced = body and (gap or name or named or previous.startswith("<"))
        body.append((" " + text if spaced else text, token.start))
        gap, named, previous = False, name, text if not name else ""
    head = [(_COMMENT.sub(" ", t.text) if t.kind == "space" else _canonical(t), t.start)
            for t in tokens[:start]]
    # (after the query's own BASE: a relative IRI declared here resolves as it would have)
    declared = "\n" + "".join(f"PREFIX {name} <{iri}>\n" for iri, name in names.items())
    parts, origins, offset = [], [], 0
    for text, origin in [*head, (declared, -1), *body]:
        if origin >= 0:
            origins.append((offset + (len(text) - len(text.lstrip(" "))), origin))
        parts.append(text)
        offset += len(text)
    return "".join(parts), tuple(origins)


def relocate(error: QueryError, query: PreparedQuery) -> QueryError:
    """The evaluator's syntax error placed in the query as the user wrote it (it read the
    rewritten text)."""
    if error.line is None or not query.origins:
        return error
    lines = query.text.split("\n")
    at = sum(len(line) + 1 for line in lines[:error.line - 1]) + (error.column or 1) - 1
    starts = [r for r, _ in query.origins]
    n = max(bisect.bisect_right(starts, at) - 1, 0)
    origin = query.origins[n][1] + max(at - starts[n], 0)
    source = query.source
    line = source.count("\n", 0, origin) + 1
    column = origin - (source.rfind("\n", 0, origin) + 1) + 1
    where = f"{error.line}:{error.column}"
    error.line, error.column = line, column
    error.message = error.message.replace(f"at {where}", f"at {line}:{column}", 1)
    error.args = (error.message,)
    return error


def _canonical(token: Token) -> str:
    if token.kind in ("nil", "anon"):  # they may hold comments
        return token.text[0] + token.text[-1]
    if token.kind == "iri" and "\\" in token.text:
        return _resolved_iri(token)
    if token.kind == "string" and ("\\u" in token.text or "\\U" in token.text):
        return _resolved_string(token)
    return token.text


def _body_start(tokens: list[Token]) -> int:
    """The index of the first token after the prologue: declarations of the form BASE <iri>
    and PREFIX p: <iri> only (they are written as they came, so nothing else may be among
    them; anything else begins the body, where it is rewritten like the rest)."""
    # One pass over the significant tokens: looking ahead from each declaration over the
    # whole query made 4,000 declarations and a long body cost 8 s of screening
    significant = [i for i, token in enumerate(tokens) if token.kind != "space"]
    k = 0
    while k < len(significant):
        n = significant[k]
        keyword = tokens[n].text.upper() if tokens[n].kind == "word" else ""
        shape = _DECLARATIONS.get(keyword)
        following = significant[k + 1:k + 1 + len(shape or ())]
        if shape is None or tuple(tokens[i].kind for i in following) != shape or (
                keyword == "PREFIX" and not tokens[following[0]].text.endswith(":")):
            return n
        k += 1 + len(shape)
    return len(tokens)


def _declared(prologue: list[Token]) -> tuple[dict[str, str], str]:
    """The prefixes the prologue declares (each resolved against the BASE before it), and
    its last BASE."""
    significant = [t for t in prologue if t.kind != "space"]
    prefixes: dict[str, str] = {}
    base = ""
    for i, token in enumerate(significant):
        word = token.text.upper() if token.kind == "word" else ""
        following = significant[i + 1:i + 3]
        if word == "BASE" and following and following[0].kind == "iri":
            base = _join(base, _resolved_iri(following[0])[1:-1])
        elif word == "PREFIX" and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text[:-1]] = _join(base, _resolved_iri(following[1])[1:-1])
    return prefixes, base


def _join(base: str, iri: str) -> str:
    """`iri` resolved against `base`, keeping an empty fragment: urljoin drops the "#" that
    ends a namespace ("http://www.w3.org/1999/02/22-rdf-syntax-ns#"), and a prefixed name
    expanded from it would name another IRI."""
    joined = urljoin(base, iri) if base else iri
    return joined + "#" if iri.endswith("#") and not joined.endswith("#") else joined


def _fresh(taken: set[str], n: int) -> str:
    """A prefix name the query does not use: q0:, q1:, ... (q_0: if a q0 is declared)."""
    stem = "q"
    while f"{stem}{n}" in taken:
        stem += "_"
    taken.add(f"{stem}{n}")
    return f"{stem}{n}:"


def _resolved_iri(token: Token) -> str:
    text = _ESCAPED.sub(lambda m: _char(m.group(), token), token.text[1:-1])
    bad = next((c for c in text if c in _IRI_FORBIDDEN), None)
    if bad is not None:
        raise QueryError(f"an escape in the IRI {token.text[:80]} stands for {bad!r}, which an "
                         "IRI cannot hold")
    return f"<{text}>"


def _resolved_string(token: Token) -> str:
    # Only codepoint escapes change; a resolved quote, backslash or line break is written as
    # the string escape Oxigraph reads back as the same character.
    def plain(match: re.Match) -> str:
        char = _char(match.group(), token)
        return {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r"}.get(char, char)

    # Skip `\\` pairs so that `\\u0041` (a backslash, then "u0041") stays as it is.
    return re.sub(r"\\\\|" + _ESCAPE, lambda m: m.group() if m.group() == "\\\\" else plain(m),
                  token.text)


def _char(escape: str, token: Token) -> str:
    code = int(escape[2:], 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise QueryError(f"{escape} is not a Unicode character (in {token.text[:80]})")
    return chr(code)


def _at(error: QueryError, sparql: str, token: Token) -> QueryError:
    error.line = sparql.count("\n", 0, token.start) + 1
    error.column = token.start - (sparql.rfind("\n", 0, token.start) + 1) + 1
    error.message = f"{error.message} (line {error.line}, column {error.column})"
    error.args = (error.message,)
    return error
