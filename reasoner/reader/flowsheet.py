"""Therapy flowsheets: a table of visits under a title naming the therapy,

      POST-OP PT FLOWSHEET (right knee)
      Date        Visit#  Flex  Ext   Gait                        Pain
      08/09/2021  1       75    -10   FWW, household only         8/10
      09/13/2021  12      105   -2    cane, community 3 blocks    4/10

tell how many visits the course has had (the last visit's number) and its first and last days.
The sentence reader sees a run of numbers; here the visit column is found by its heading."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from reasoner.reader.clean import Cleaned
from reasoner.reader.dates import find_dates
from reasoner.reader.lexicon import Lexicon
from reasoner.reader.sidetable import spaced
from reasoner.vocab import TERM

_TITLE = re.compile(r"\b(?:flow ?sheet|log|visit record|treatment record|daily notes)\b", re.I)
_VISIT_HEAD = re.compile(r"^(?:visit ?(?:#|no\.?|number)|#|tx ?#)$", re.I)
_THERAPIES = (TERM + "PhysicalMedicine", TERM + "Acupuncture", TERM + "ManualTherapyManipulation",
              TERM + "PsychologicalTreatment")


@dataclass(frozen=True)
class Flowsheet:
    term: str  # the therapy its title names
    start: int  # the title's name of it, in the cleaned text
    end: int
    visits: int  # the last visit's number
    first: dt.date | None
    last: dt.date | None


def flowsheets(cleaned: Cleaned, start: int, end: int, lex: Lexicon) -> list[Flowsheet]:
    """Every flowsheet in the cleaned text's [start, end), read in the letter as it came."""
    if not cleaned.original or start >= end:
        return []
    first, last = cleaned.span(start, end)
    text = cleaned.original[first:last]
    lines = list(re.finditer(r"^.*$", text, re.M))
    found = []
    for n, line in enumerate(lines[:-1]):
        if not _TITLE.search(line.group()) or len(line.group()) > 100:
            continue
        hits = [h for h in lex.find(line.group(), TERM + "Treatment")
                if any(lex.terms.is_a(h.term, t) for t in _THERAPIES)]
        column = _visit_column(lines[n + 1].group())
        if len(hits) != 1 or column is None:
            continue
        visits, days = _rows(lines[n + 2:], column)
        if visits:
            at = first + line.start()
            found.append(Flowsheet(hits[0].term, cleaned.index(at + hits[0].start),
                                   cleaned.index(at + hits[0].end), max(visits),
                                   min(days) if days else None, max(days) if days else None))
    return found


def _visit_column(heading: str) -> int | None:
    """Where the heading's visit-number column begins, if it has one after a date column."""
    cells = spaced(heading)
    if len(cells) < 3 or not re.match(r"^(?:date|dos)\b", cells[0].group(), re.I):
        return None
    return next((c.start() for c in cells[1:] if _VISIT_HEAD.match(c.group())), None)


def _rows(lines: list[re.Match[str]], column: int) -> tuple[list[int], list[dt.date]]:
    """The visit numbers and days of the rows under the heading, up to the first line that is
    not a dated row."""
    visits: list[int] = []
    days: list[dt.date] = []
    for line in lines:
        cells = spaced(line.group())
        dated = find_dates(cells[0].group()) if cells else []
        if not dated:
            break
        number = next((c.group() for c in cells[1:] if abs(c.start() - column) <= 3), "")
        if number.isdigit() and 0 < int(number) < 200:
            visits.append(int(number))
            days.append(dated[0][0])
    return visits, days
