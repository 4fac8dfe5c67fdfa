"""Regular expressions compiled with a gate on their first character.

Python's `re` scans a text by trying the whole pattern at every position, unless the pattern
opens with a literal or a character set it can look for first. The reader's cue patterns open
with a word boundary and an alternation of words ("\\b(?:relief|benefit|helps?|...)"), which
gives it neither, so each position costs a try of every alternative. `gated` finds the set of
characters any match can start with (from the parsed pattern) and puts it in front as a
lookahead, "(?=[rRbBhH...])", which `re` then scans for: matches are unchanged (every match
starts with one of those characters), and the scan is several times faster. A pattern whose
first character cannot be bounded (it may start with any character) is compiled as it is.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

_ANY = None  # the first character is not bounded


def gated(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, led by a lookahead on its possible first characters."""
    first = _first(_parser.parse(pattern, flags))
    if not first or first is _ANY:
        return re.compile(pattern, flags)
    chars = set(first)
    if flags & re.I:
        chars |= {c.swapcase() for c in first} | {c.lower() for c in first} | \
            {c.upper() for c in first}
    charset = "".join(sorted(re.escape(c) for c in chars))
    try:
        # (the lookahead takes the pattern's flags: under IGNORECASE it also matches the
        # special case folds of its characters, as the pattern's own literals do)
        return re.compile(f"(?=[{charset}])(?:{pattern})", flags)
    except re.error:  # global inline flags ("(?x)...") must stay at the start
        return re.compile(pattern, flags)


def _first(items) -> set[str] | None:
    """The characters a match of the sequence can start with; None when not bounded. An empty
    set: the sequence can match the empty string (its first character is the next item's)."""
    out: set[str] = set()
    for op, av in items:
        got = _item(op, av)
        if got is _ANY:
            return _ANY
        chars, nullable = got
        out |= chars
        if not nullable:
            return out
    return _ANY  # the whole sequence may be empty: a match may start anywhere


def _item(op, av):
    """(first characters, whether the item may match nothing) of one parsed item."""
    if op is C.LITERAL:
        return {chr(av)}, False
    if op is C.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is C.LITERAL:
                chars.add(chr(value))
            elif kind is C.RANGE and value[1] - value[0] < 128:
                chars |= {chr(c) for c in range(value[0], value[1] + 1)}
            else:
                return _ANY  # a negated set, a category (\d, \w), a wide range
        return chars, False
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return set(), True  # zero-width: the next item starts the match
    if op is C.SUBPATTERN:
        return _sequence(av[-1])
    if op is C.BRANCH:
        chars, nullable = set(), False
        for branch in av[1]:
            got = _sequence(branch)
            if got is _ANY:
                return _ANY
            chars |= got[0]
            nullable = nullable or got[1]
        return chars, nullable
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, body = av
        got = _sequence(body)
        if got is _ANY:
            return _ANY
        return got[0], got[1] or low == 0
    return _ANY  # any character, a category, a back-reference, a conditional


def _sequence(items):
    """(first characters, may be empty) of a sequence of items; _ANY when not bounded."""
    chars: set[str] = set()
    for op, av in items:
        got = _item(op, av)
        if got is _ANY:
            return _ANY
        chars |= got[0]
        if not got[1]:
            return chars, False
    return chars, True
