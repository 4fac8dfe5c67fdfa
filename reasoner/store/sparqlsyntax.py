"""A SPARQL request read into tokens, checked on them, and rewritten into the text that runs.

Oxigraph has no parse-only API, and rdflib's parser cannot stand in for it (it reads `#` inside
some IRIs as a comment and differs from Oxigraph on codepoint escapes), so safety cannot be
decided by asking another parser what the query means. Instead this module tokenizes the query
with the terminals of the SPARQL 1.1 grammar (plus Oxigraph's SPARQL 1.2 punctuation) and hands
Oxigraph a *rewritten* text: comments blanked and every codepoint escape (\\uXXXX) resolved, the
rest byte for byte. What Oxigraph parses then has no comment or escape whose boundaries it could
read differently from us, so the SERVICE keyword, update operations and bracket depth seen here
are the ones it evaluates. (Query workers also run without a network: see `queryworker`.)

Where the grammar's longest match and Oxigraph differ (`<` after an operand in an expression is
less-than to Oxigraph, an IRI to the grammar), the query must pass the checks read both ways.

Refused here: updates (`UpdateRefused`), SERVICE (`ServiceRefused`), nesting deeper than
MAX_NESTING (Oxigraph's parser recurses per level and dies at a few thousand), and any
character no SPARQL token starts with, each with its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from reasoner.store.sparql import QueryError, ServiceRefused, UpdateRefused

MAX_NESTING = 128
MAX_QUERY_CHARS = 200_000
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
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
_NUMBER = (r"[+-]?(?:[0-9]+(?:\.[0-9]*)?[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+"
           r"|[0-9]*\.[0-9]+|[0-9]+)")

# One alternative per terminal kind; the order resolves the overlaps as the grammar does
# (longest match: an IRI before `<`, `<<(` before `<<` before `<=` before `<`).
_TOKEN = re.compile(rf"""
      (?P<space>[ \t\r\n]+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\"
                 |'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
                 |"(?:[^"\\\r\n]|\\.)*"
                 |'(?:[^'\\\r\n]|\\.)*')
    | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_ESCAPE})*>)
    | (?P<var>[?$][{_U}0-9][{_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*)
    | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
    | (?P<pname>{_PREFIX}:{_LOCAL}?)
    | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
    | (?P<number>{_NUMBER})
    | (?P<word>[A-Za-z][A-Za-z0-9_]*)
    | (?P<nil>\((?:[ \t\r\n]|\#[^\r\n]*)*\))
    | (?P<anon>\[(?:[ \t\r\n]|\#[^\r\n]*)*\])
    | (?P<punct><<\(|\)>>|<<|>>|\{{\||\|}}|\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\];,.*/|^?+\-!=<>~])
""", re.VERBOSE)
_ESCAPED = re.compile(_ESCAPE)
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | {chr(i) for i in range(0x21)}


@dataclass(frozen=True)
class Token:
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

    @property
    def has_dataset(self) -> bool:
        """FROM or FROM NAMED: the query names its own dataset."""
        return bool(self.from_graphs or self.from_named)


def prepare(sparql: str) -> PreparedQuery:
    """Tokenize, check and rewrite one SPARQL query; raises a QueryError subclass."""
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    tokens, split = _tokenize(sparql, split=True)
    # Where an expression's `<` was read as less-than, the other reading (an IRI) must be
    # safe too: a bracket taken for an expression that Oxigraph reads as a collection would
    # otherwise hide what follows a `#` from the checks.
    for reading in (tokens, _tokenize(sparql, split=False)[0]) if split else (tokens,):
        _check(sparql, reading)
    form = _form(sparql, tokens)
    default, named = _dataset(sparql, tokens)
    return PreparedQuery(_rewrite(tokens), form, default, named)


def _check(sparql: str, tokens: list[Token]) -> None:
    _check_nesting(sparql, tokens)
    words = [t for t in tokens if t.kind == "word"]
    for token in words:
        word = token.text.upper()
        if word in UPDATE_WORDS:
            raise _at(UpdateRefused(f"the SPARQL endpoint is read-only: updates ({word}) "
                                    "are refused"), sparql, token)
        if word == "SERVICE":
            raise _at(ServiceRefused("SERVICE is refused: the endpoint makes no outbound "
                                     "requests"), sparql, token)


def tokenize(sparql: str) -> list[Token]:
    """The query's tokens as Oxigraph reads them (see `_tokenize`)."""
    return _tokenize(sparql, split=True)[0]


def _tokenize(sparql: str, split: bool) -> tuple[list[Token], bool]:
    """The query's tokens in order, whitespace and comments included (the rewrite needs
    them); an unexpected character is a QueryError at its line and column.

    One place where the grammar's longest match is not what Oxigraph reads: in an expression,
    `<` after an operand is less-than (`FILTER(?x<2)SERVICE#>` is `?x`, `<`, `2`, `)`,
    SERVICE and a comment, not `?x` and the IRI `<2)SERVICE#>`, which cannot follow an operand
    there). The brackets are followed to know where expressions are."""
    tokens: list[Token] = []
    pos, end = 0, len(sparql)
    context, was_split = _Context(), False
    while pos < end:
        found = _TOKEN.match(sparql, pos)
        if found is None or found.end() == pos:
            raise _at(QueryError(f"SPARQL syntax error: unexpected character "
                                 f"{sparql[pos]!r}"), sparql, Token("", "", pos))
        kind = found.lastgroup or ""
        token = Token(kind, found.group(), pos)
        if split and kind == "iri" and context.after_operand():
            token = Token("punct", "<", pos)  # less-than: what follows is read as it comes
            was_split = True
        tokens.append(token)
        context.push(token)
        pos = token.start + len(token.text)
    return tokens, was_split


# Tokens that end an operand in an expression (what a binary operator may follow)
_OPERAND_KINDS = frozenset({"var", "number", "string", "iri", "pname", "nil", "anon", "bnode",
                            "langtag"})
_OPERAND_ENDS = frozenset({")", "]", ")>>", ">>"})


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
        if token.kind in ("space", "comment"):
            return
        text = token.text
        if text in ("{", "{|"):
            self.stack.append(False)
        elif text in ("(", "[", "<<(", "<<"):
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
    depth = unary = 0
    for token in tokens:
        if token.kind in ("space", "comment"):
            continue
        text = token.text
        if text in _OPENING:
            depth += 1
        elif text in _CLOSING:
            depth -= 1
            if depth < 0:
                raise _at(QueryError(f"SPARQL syntax error: unbalanced {text!r}"), sparql, token)
        unary = unary + 1 if text in _UNARY or text == "^^" else 0
        if depth > MAX_NESTING or unary > MAX_NESTING:
            raise _at(QueryError(f"the query nests deeper than {MAX_NESTING} levels"),
                      sparql, token)


def _form(sparql: str, tokens: list[Token]) -> str:
    """The query form: the first keyword after the prologue (BASE <iri>, PREFIX p: <iri>)."""
    significant = [t for t in tokens if t.kind not in ("space", "comment")]
    i = 0
    while i < len(significant) and significant[i].text.upper() in ("BASE", "PREFIX"):
        i += 3 if significant[i].text.upper() == "PREFIX" else 2
    if i >= len(significant):
        raise QueryError("the request holds no query")
    first = significant[i]
    if first.kind != "word" or first.text.upper() not in QUERY_FORMS:
        raise _at(QueryError("SPARQL syntax error: expected SELECT, CONSTRUCT, DESCRIBE or ASK"
                             f", found {first.text[:40]!r}"), sparql, first)
    return first.text.upper()


def _dataset(sparql: str, tokens: list[Token]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IRIs of FROM and FROM NAMED, prefixed names and relative IRIs resolved by the
    prologue (a SPARQL server that does not honour FROM is given them as parameters)."""
    significant = [t for t in tokens if t.kind not in ("space", "comment")]
    prefixes: dict[str, str] = {}
    base = ""
    default: list[str] = []
    named: list[str] = []
    for i, token in enumerate(significant):
        word = token.text.upper() if token.kind == "word" else ""
        following = significant[i + 1:i + 3]
        if word == "BASE" and following and following[0].kind == "iri":
            base = urljoin(base, _resolved_iri(following[0])[1:-1])
        elif word == "PREFIX" and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text[:-1]] = urljoin(base, _resolved_iri(following[1])[1:-1])
        elif word == "FROM" and following:
            is_named = following[0].text.upper() == "NAMED"
            iri = following[1] if is_named and len(following) > 1 else following[0]
            (named if is_named else default).append(_iri_of(sparql, iri, prefixes, base))
    return tuple(default), tuple(named)


def _iri_of(sparql: str, token: Token, prefixes: dict[str, str], base: str) -> str:
    if token.kind == "iri":
        return urljoin(base, _resolved_iri(token)[1:-1])
    prefix, _, local = token.text.partition(":")
    if token.kind == "pname" and prefix in prefixes:
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    raise _at(QueryError(f"SPARQL syntax error: FROM needs an IRI, found {token.text[:40]!r}"),
              sparql, token)


def _rewrite(tokens: list[Token]) -> str:
    parts = []
    for token in tokens:
        if token.kind == "comment":
            parts.append(" ")
        elif token.kind in ("nil", "anon"):  # they may hold comments
            parts.append(token.text[0] + token.text[-1])
        elif token.kind == "iri" and "\\" in token.text:
            parts.append(_resolved_iri(token))
        elif token.kind == "string" and ("\\u" in token.text or "\\U" in token.text):
            parts.append(_resolved_string(token))
        else:
            parts.append(token.text)
    return "".join(parts)


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
