"""Examination tables with a column per side:

      Finding                      Right (operated)        Left
      Tinel at the wrist           negative                positive
      Phalen test                  negative at 60 s        positive at 20 s

A sentence reader sees "Tinel ... negative positive" and cannot tell which word is whose. Here
each row's finding is read from its first cell and its status from the cell under each side's
heading; findings the sentence reader took from those rows are replaced."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reasoner.reader.clean import Cleaned
from reasoner.reader.dates import find_dates
from reasoner.reader.lexicon import Lexicon
from reasoner.reader.mention import Mention
from reasoner.vocab import TERM

# a cell: words joined by single spaces (two spaces or a tab part cells); linear in the line
_CELLS = re.compile(r"\S+(?: \S+)*")
_ROW_CHARS = 300  # a table row is short: a longer line is prose
_SIDE = re.compile(r"^(?:(?P<right>right|rt|r)|(?P<left>left|lt|l))\b", re.I)
_ABSENT = re.compile(r"^(?:neg\w*|none|no|absent|normal|nl|wnl|intact|0|-|not present)\b", re.I)
_PRESENT = re.compile(r"^(?:pos\w*|present|yes|\+|\(\+\)|reproduces|reproduced)\b", re.I)
_FINDING = TERM + "ClinicalFinding"


@dataclass(frozen=True)
class _Column:
    side: str
    start: int  # where its heading begins on the heading line


def side_table_findings(cleaned: Cleaned, start: int, end: int,
                        lex: Lexicon) -> tuple[list[Mention], list[tuple[int, int]]]:
    """The findings of every side table in the cleaned text's [start, end), read in the letter
    as it came (cleaning collapses the spaces that align the columns), and the cleaned spans
    of the rows read, so the facts the sentence reader took from them can be dropped. Each is
    dated by the last date written before its table (the visit's: "Surgeon's progress report
    04/12/2022:")."""
    if not cleaned.original or start >= end:
        return [], []
    first, last = cleaned.span(start, end)
    text = cleaned.original[first:last]
    day = None
    found: list[Mention] = []
    rows: list[tuple[int, int]] = []
    lines = list(re.finditer(r"^.*$", text, re.M))
    columns: list[_Column] | None = None
    for line in lines:
        cells = list(_CELLS.finditer(line.group())) if len(line.group()) <= _ROW_CHARS else []
        if not cells:
            columns = None
            continue
        heading = _heading(cells)
        if heading:
            columns = heading
            dates = find_dates(text[max(0, line.start() - 400):line.start()])
            day = dates[-1][0] if dates else None
            continue
        if columns is None or len(cells) < 2:
            columns = None if not line.group().strip() else columns
            continue
        label = cells[0].group()
        hits = lex.find(label, _FINDING)
        if not hits:
            continue
        hit = max(hits, key=lambda h: h.end - h.start)
        row = cleaned.index(first + line.start())
        rows.append((row, cleaned.index(first + line.end())))
        at = cleaned.index(first + line.start() + cells[0].start() + hit.start)
        for column in columns:
            cell = next((c for c in cells[1:] if abs(c.start() - column.start) <= 6), None)
            if cell is None:
                continue
            present = True if _PRESENT.match(cell.group()) else \
                False if _ABSENT.match(cell.group()) else None
            if present is None:
                continue
            found.append(Mention("finding", hit.term, at, at + hit.end - hit.start,
                                 label[hit.start:hit.end],
                                 {"present": present, "on_date": day, "side": column.side,
                                  "region": None}))
    return found, rows


def _heading(cells: list[re.Match[str]]) -> list[_Column] | None:
    """The side columns of a heading row: two or more cells after the first that name sides."""
    columns = [_Column("Right" if m.group("right") else "Left", cell.start())
               for cell in cells[1:] if (m := _SIDE.match(cell.group()))]
    sides = {c.side for c in columns}
    return columns if len(columns) >= 2 and sides == {"Right", "Left"} else None
