"""Strength graded on more than one date: a grade lower than an earlier one of the same muscle
is a progressive deficit, which no single sentence states ("Visit 11/20/2018: L EHL 5/5 ...
Visit 3/4/2019: L EHL 3/5"), nor does "L ankle DF 4-/5 (5/5 on 1/12/2016)" say the word."""

from __future__ import annotations

import datetime as dt
import re

from reasoner.reader.dates import DATE_RE
from reasoner.reader.mention import Mention
from reasoner.vocab import TERM

PROGRESSIVE = TERM + "ProgressiveNeurologicalDeficit"
# "L EHL 3/5", "left ankle dorsiflexion 4-/5", "EHL 5/5": up to three words naming the muscle
_GRADED = re.compile(r"\b((?:[A-Za-z]+\.?\s+){0,2}[A-Za-z]+)\s+([0-5])([+-]?)\s*/\s*5\b")
# "4-/5 (5/5 on 1/12/2016)": the earlier grade given beside the new one
_BESIDE = re.compile(r"\b([0-5])([+-]?)\s*/\s*5\s*\(\s*(?:was\s+)?([0-5])([+-]?)\s*/\s*5\s+"
                     r"(?:on|at|in)\s+(" + DATE_RE.pattern + r")\s*\)", re.I)
_NOT_MUSCLE = {"strength", "motor", "is", "was", "of", "the", "at", "with", "and", "power",
               "to", "in", "on", "graded", "rated", "are", "were", "grip"}
_SIDE = {"l": "left", "lt": "left", "left": "left", "r": "right", "rt": "right", "right": "right"}


class Trends:
    """The grades read so far, by muscle: (date, grade)."""

    def __init__(self) -> None:
        self.grades: dict[tuple[str, ...], list[tuple[dt.date, float]]] = {}
        self.found = False  # one progressive deficit is enough to say so

    def read(self, sentence: str, at: int, day: dt.date | None) -> Mention | None:
        """The progressive deficit this sentence shows, once per document."""
        if self.found or "/5" not in sentence.replace(" ", ""):
            return None
        for beside in _BESIDE.finditer(sentence):
            if _grade(beside.group(1), beside.group(2)) < _grade(beside.group(3), beside.group(4)):
                return self._found(sentence, at, beside.start(), beside.end(), day)
        if day is None:
            return None
        for graded in _GRADED.finditer(sentence):
            muscle = _muscle(graded.group(1))
            if not muscle:
                continue
            grade = _grade(graded.group(2), graded.group(3))
            earlier = self.grades.setdefault(muscle, [])
            if any(when < day and grade < before for when, before in earlier):
                return self._found(sentence, at, graded.start(), graded.end(), day)
            earlier.append((day, grade))
        return None

    def _found(self, sentence: str, at: int, start: int, end: int,
               day: dt.date | None) -> Mention:
        self.found = True
        return Mention("finding", PROGRESSIVE, at + start, at + end, sentence[start:end],
                       {"on_date": day, "region": None, "present": True, "side": None})


def _grade(number: str, sign: str) -> float:
    return int(number) + {"+": 0.3, "-": -0.3}.get(sign, 0.0)


def _muscle(words: str) -> tuple[str, ...]:
    kept = [w.lower().rstrip(".") for w in words.split()]
    kept = [_SIDE.get(w, w) for w in kept if w not in _NOT_MUSCLE]
    return tuple(kept) if any(w not in ("left", "right") for w in kept) else ()

