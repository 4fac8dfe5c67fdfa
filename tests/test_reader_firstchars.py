"""The first-character gate the reader puts before its cue patterns must never change what a
pattern matches: checked on the cue patterns over every line of the reader's corpus, and on
patterns chosen to break it (nullable starts, lookarounds, sets, inline and scoped flags,
case folds beyond ASCII)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reasoner.reader import responses
from reasoner.reader.firstchars import gated

CORPUS = Path(__file__).resolve().parent / "reader" / "corpus"


def _spans(pattern: re.Pattern[str], texts: list[str]) -> list[list[tuple[int, int]]]:
    return [[m.span() for m in pattern.finditer(t)] for t in texts]


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return [line for path in sorted(CORPUS.glob("*/*.txt"))[::3]
            for line in path.read_text().splitlines() if line.strip()]


def test_the_cue_patterns_match_as_they_would_ungated(lines):
    for pattern, _kind in responses._CUES:
        prefix = _prefix(pattern)
        source = pattern.pattern[len(prefix):-1] if prefix else pattern.pattern
        plain = re.compile(source, pattern.flags)
        assert _spans(pattern, lines) == _spans(plain, lines), pattern.pattern[:60]


def _prefix(pattern: re.Pattern[str]) -> str:
    found = re.match(r"\(\?=\[[^\]]*(?:\\\][^\]]*)*\]\)\(\?:", pattern.pattern)
    return found.group() if found else ""


@pytest.mark.parametrize(("pattern", "flags", "gate"), [
    (r"\b(?:relief|helps?|better)\b", re.I, True),
    (r"(?<!no )\bbenefit", re.I, True),
    (r"(?=x)?abc", 0, True),
    (r"(?:abc)?\d+", 0, False),  # may start with a digit: any of ten, as \d is unbounded
    (r"a*b", 0, True),
    (r"a*", 0, False),  # may match nothing: no first character
    (r"[^x]yz", 0, False),
    (r".z", 0, False),
    (r"(?-i:May)\b", re.I, True),
    (r"(?i)stone", 0, False),  # a global inline flag cannot follow the gate
    (r"[a-c\]\-^]q", 0, True),
    (r"straße|STRASSE", re.I, True),
    (r"(ab|)c", 0, True),
])
def test_tricky_patterns_match_as_they_would_ungated(pattern, flags, gate):
    texts = ["abc 123 relief Helps BETTER no benefit a benefit xyz z.z aab b May may ſtone "
             "Stone c]q ^q -q STRAẞE straße ab c abc KELVIN \u212aelvin", "", "a", "zzz"]
    compiled = gated(pattern, flags)
    assert compiled.pattern.startswith("(?=[") == gate
    assert _spans(compiled, texts) == _spans(re.compile(pattern, flags), texts)
