"""Medication lists laid out as tables, with a start and a status column:

      Drug              Strength  Directions        Started      Status
      cyclobenzaprine   7.5 mg    1 tab TID         10/20/2015   active
      ibuprofen         600 mg    1 tab TID         09/2014      stopped 12/2014 - GI upset
        tramadol        50 mg     1 tab q6h prn     --           never filled

      | Drug          | Dose    | Sig        | Start      | Status |
      | Naproxen      | 500 mg  | 1 BID      | 06/15/2015 | D/C    |

The sentence reader reads each row's drug, dose and directions, but not what the columns say:
the date under "Started" is when the course began (a criterion counts the days taken from it),
and the status says whether it still runs ("D/C 05/20/2014": a past course, ended that day) or
never began ("never filled", "(requested)": no course). Cells are parted by two spaces or a
pipe; a cell belongs to the heading it starts under (space tables) or to the heading of its
place (pipe tables)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from reasoner.reader.clean import Cleaned
from reasoner.reader.dates import find_dates
from reasoner.reader.sidetable import spaced

_PIPED = re.compile(r"[^|]+")
_DRUG_HEAD = re.compile(r"^(?:drugs?|medications?|meds?|rx(?: profile)?|medication list|name|"
                        r"current medications?)$", re.I)
_START_HEAD = re.compile(r"^(?:start(?:ed)?|start date|date started|fill start|first fill(?:ed)?|"
                         r"since|began|begun|initiated|date begun)$", re.I)
_STATUS_HEAD = re.compile(r"^(?:status|state)$", re.I)
_STOPPED = re.compile(r"^(?:stopped|discontinued|d/?c(?:'?d)?|inactive|held|expired|"
                      r"ended|off)\b", re.I)
_NEVER = re.compile(r"^\(?(?:never (?:filled|started|taken|begun)|not (?:filled|started|taken)|"
                    r"requested|pending|proposed|new request)\b", re.I)


@dataclass(frozen=True)
class MedicationRow:
    start: int  # the row's span in the cleaned text
    end: int
    name_end: int  # where its first cell (the drug's name) ends, in the cleaned text
    started: dt.date | None  # the date under the start column
    stopped: dt.date | None  # a stop's date in the status cell
    status: str | None  # "stopped", "never" or None (running, or not said)


@dataclass(frozen=True)
class _Heading:
    piped: bool
    starts: tuple[int, ...]  # where each heading cell begins (or its index, piped)
    start_column: int | None
    status_column: int | None


def medication_rows(cleaned: Cleaned, start: int, end: int) -> list[MedicationRow]:
    """The rows of every medication table in the cleaned text's [start, end), read in the
    letter as it came (cleaning collapses the spaces that align the columns)."""
    if not cleaned.original or start >= end:
        return []
    first, last = cleaned.span(start, end)
    text = cleaned.original[first:last]
    rows: list[MedicationRow] = []
    heading: _Heading | None = None
    for line in re.finditer(r"^.*$", text, re.M):
        cells = _cells(line.group())
        if not cells:
            heading = None
            continue
        if found := _heading(line.group(), cells):
            heading = found
            continue
        if heading is None or _rule(line.group()):
            continue
        if len(cells) < 2:
            # a cell wrapped onto its own line ("  prine", "08/11/2014") stays in the table;
            # a line of prose ends it
            heading = heading if len(cells[0].group().strip()) <= 30 else None
            continue
        started, stopped, status = _read_row(heading, cells)
        rows.append(MedicationRow(cleaned.index(first + line.start()),
                                  cleaned.index(first + line.end()),
                                  cleaned.index(first + line.start() + cells[0].end()),
                                  started, stopped, status))
    return rows


def _cells(line: str) -> list[re.Match[str]]:
    found = spaced(line)  # (none for a line long enough to be prose)
    if found and line.count("|") >= 2:
        return [c for c in _PIPED.finditer(line) if c.group().strip()]
    return found


def _rule(line: str) -> bool:
    """A ruled line between heading and rows: "-----", "|-----|-----|", "+----+"."""
    return not line.strip(" -=+|_")


def _heading(line: str, cells: list[re.Match[str]]) -> _Heading | None:
    """A medication table's heading: a drug column first, then a start or status column."""
    names = [c.group().strip() for c in cells]
    if len(names) < 3 or not _DRUG_HEAD.match(names[0]):
        return None
    start = next((i for i, n in enumerate(names) if _START_HEAD.match(n)), None)
    status = next((i for i, n in enumerate(names) if _STATUS_HEAD.match(n)), None)
    if start is None and status is None:
        return None
    piped = line.count("|") >= 2
    starts = tuple(range(len(cells))) if piped else tuple(c.start() for c in cells)
    return _Heading(piped, starts, start, status)


def _read_row(heading: _Heading, cells: list[re.Match[str]]
              ) -> tuple[dt.date | None, dt.date | None, str | None]:
    started = stopped = status = None
    for place, cell in enumerate(cells):
        column = place if heading.piped else _column_of(heading.starts, cell.start())
        text = cell.group().strip()
        if column in (heading.start_column, heading.status_column) and _NEVER.match(text):
            status = "never"  # (a "(requested)" may stand under either)
        elif column == heading.start_column and (dates := find_dates(text)):
            started = dates[0][0]
        elif column == heading.status_column and _STOPPED.match(text):
            status = "stopped"
            stopped = next((d for d, _, _ in find_dates(text)), None)
    return started, stopped, status


def _column_of(starts: tuple[int, ...], at: int) -> int:
    """The heading a cell stands under: the last one that begins at or before it (with a
    little slack for a cell pushed left of its heading)."""
    return max((i for i, s in enumerate(starts) if s <= at + 2), default=0)
