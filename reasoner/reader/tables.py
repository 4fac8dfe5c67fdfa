"""Tables aligned with spaces, and what a treatment history's table says of each row:

      Treatment                 Dates                      Visits   Result
      Physical therapy          09/12/2011 - 11/18/2011    12       temporary relief only
      Chiropractic              10/2018                    6        no lasting benefit
      Acupuncture               --                         0        not yet tried

      | Treatment    | Qty        | Completed  | Result                         |
      | PT lumbar    | 12 visits  | 06/14/2018 | no improvement in sitting ...  |
      | MBB / RFA    | none       |            |                                |

Cleaning collapses the spaces that part the cells, so the sentence reader sees a table as one
run of words: rows without a full stop ran into each other and into the sentence after the
table (whose "requested" then made every row a plan), and a row's count of visits after its
dates was no count it could place ("10/2018 6" even read a dose). Here the letter as it came
is read: each row of an aligned table is a statement of its own (`row_cuts`), and a treatment
table's columns are read by their headings (`treatment_rows`): the visits, the result (read as
any response is, responses.py), and a row saying the treatment was never had ("0", "none",
"not yet tried": no course)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reasoner.reader.clean import Cleaned
from reasoner.reader.sidetable import spaced

_HEAD_CELL = re.compile(r"^[A-Za-z#][A-Za-z#./() -]{0,30}$")  # words, no figures
_TREATMENT_HEAD = re.compile(r"^(?:(?:prior |past |previous )?(?:treatments?|therap(?:y|ies)|"
                             r"modalit(?:y|ies)|interventions?|procedures?)|tx|"
                             r"(?:conservative|prior|past|previous) (?:care|treatment))"
                             r"(?: history| to date| tried| given)?$", re.I)
# a medication list's first column (reader/medtable.py reads its start and status columns)
_DRUG_HEAD = re.compile(r"^(?:drugs?|medications?|meds?|rx|medication list|current "
                        r"medications?)$", re.I)
# ("# visits", "No. of sessions", "total visits", "visits completed", "sessions to date")
_COUNT_HEAD = re.compile(r"^(?:(?:#|no\.?|number|total|count)? ?(?:of )?(?:visits?|sessions?|"
                         r"treatments|tx)(?: (?:completed|attended|done|had|to date))?|no\.?|#|"
                         r"qty|quantity|count|number|visits?/doses|attended)$", re.I)
_RESULT_HEAD = re.compile(r"^(?:results?|responses?|outcomes?|effects?|benefit|relief|"
                          r"comments?|notes?|response / comment)$", re.I)
# a count: "12", "12 visits", "x6" (not a date's "10/2018" nor a dose's "15 mg")
_COUNT = re.compile(r"^[x#]?(\d{1,3})(?![\d/.,:-])(?:\s*(?:visits?|sessions?|treatments?|tx))?\s*$",
                    re.I)
_NEVER = re.compile(r"^(?:0(?![\d/.-])|none\b|never\b|not (?:yet |previously |ever )?"
                    r"(?:tried|done|performed|attempted|had|started|begun)\b|"
                    r"no (?:trial|visits?|sessions?)\b)", re.I)


@dataclass(frozen=True)
class TreatmentRow:
    start: int  # the row's span in the cleaned text
    end: int
    name_end: int  # where its first cell (the treatment) ends, in the cleaned text
    sessions: int | None  # the count under the visits column
    result: str | None  # the result column's words (with its cells wrapped onto later lines)
    never: bool  # "0", "none", "not yet tried": the treatment was not had


@dataclass(frozen=True)
class _Heading:
    piped: bool
    leading: bool  # its line opens with a pipe
    starts: tuple[int, ...]  # where each heading cell begins (or its index, piped)
    count: int | None
    result: int | None


# a row of a dated log: "12/04/2017   consistent with tramadol", "08/13/18 - negative"
_DATED_ROW = re.compile(r"^[ \t]*\d{1,2}/\d{1,2}/\d{2,4}(?:[ \t]{2,}|\t|[ \t]+[-\u2013:][ \t]+)\S")


# a row of cells parted by tabs: "Date of injury\t09/12/2022", "PT neck x8\tended 03/10/2023\t..."
_TABBED = re.compile(r"^[ \t]*[^\t\n]*\S\t+\S")


# what any row of the tables above has: cells parted by two spaces or a tab, or a date opening
# a line
_ANY_ROW = re.compile(r"\S(?:  |\t)[ \t]*\S|^[ \t]*\d{1,2}/\d{1,2}/\d{2,4}[ \t]|"
                      r"\|[^|\n]*\|[^|\n]*\|", re.M)  # (or cells parted by single-spaced pipes)


@dataclass(frozen=True)
class Cuts:
    rows: list[int]  # where each heading and row begins, and the line after the table
    headings: list[tuple[int, int]]  # each heading line's span: words that state nothing


def row_cuts(cleaned: Cleaned, start: int, end: int) -> Cuts:
    """Where each line of an aligned table of treatments or medications in the cleaned text's
    [start, end) begins, its heading's included, and where the line after its last row
    begins: a heading of three cells or more in words, then rows of two cells or more. (An
    examination's table by side is read whole by reader/sidetable.py.) So do the rows of a
    dated log ("12/04/2017   consistent with tramadol") and lines of cells parted by tabs,
    two or more in a row."""
    if not cleaned.original or start >= end:
        return Cuts([], [])
    first, last = cleaned.span(start, end)
    text = cleaned.original[first:last]
    if not _ANY_ROW.search(text):
        return Cuts([], [])  # (most text has no table: one search instead of one per line)
    cuts: list[int] = []
    headings: list[tuple[int, int]] = []
    rows: list[int] = []  # the line starts of the table being read (its heading first)
    heading = (0, 0)
    dated: list[int] = []  # the line starts of a run of dated or tabbed rows
    for line in re.finditer(r"^.*$", text, re.M):
        if _DATED_ROW.match(line.group()) or _TABBED.match(line.group()):
            dated.append(line.start())
        else:
            if len(dated) > 1:
                cuts.extend([*dated, line.start()])
            dated = []
        cells = spaced(line.group()) if "  " in line.group() or "\t" in line.group() else []
        if rows and len(cells) >= 2:
            rows.append(line.start())
            continue
        if len(rows) > 1:
            cuts.extend([*rows, line.start()])
            headings.append(heading)
        rows = [line.start()] if _is_heading(cells) and "|" not in line.group() else []
        heading = line.span()
    if len(rows) > 1:
        cuts.extend(rows)
        headings.append(heading)
    if len(dated) > 1:
        cuts.extend(dated)
    return Cuts([cleaned.index(first + at) for at in cuts],
                [(cleaned.index(first + a), cleaned.index(first + b)) for a, b in headings])


def _is_heading(cells: list[re.Match[str]]) -> bool:
    return len(cells) >= 3 and all(_HEAD_CELL.match(c.group()) for c in cells) and \
        bool(_TREATMENT_HEAD.match(cells[0].group()) or _DRUG_HEAD.match(cells[0].group()))


def treatment_rows(cleaned: Cleaned, start: int, end: int) -> list[TreatmentRow]:
    """The rows of every treatment table in the cleaned text's [start, end)."""
    if not cleaned.original or start >= end:
        return []
    first, last = cleaned.span(start, end)
    text = cleaned.original[first:last]
    if not _ANY_ROW.search(text):
        return []
    rows: list[TreatmentRow] = []
    heading: _Heading | None = None
    for line in re.finditer(r"^.*$", text, re.M):
        cells = _cells(line.group(), heading.leading if heading else None)
        if not any(cell.strip() for _, _, cell in cells):
            heading = None
            continue
        if found := _heading(line.group(), cells):
            heading = found
            continue
        if heading is None or not line.group().strip(" -=+|_"):
            continue  # (a ruled line under the heading)
        columns = _columns(heading, cells)
        if 0 not in columns:
            if rows and heading.result in columns:
                rows[-1] = _wrapped(rows[-1], columns[heading.result])  # a wrapped cell
            continue
        if len(columns) < 2 or (heading.piped and "|" not in line.group() and
                                "\t" not in line.group()):
            heading = None  # a line of prose ends the table
            continue
        rows.append(_row(cleaned, first + line.start(), heading, cells, columns))
    return rows


_Cell = tuple[int, int, str]  # where a cell begins and ends on its line, and its words


def _cells(line: str, leading: bool | None) -> list[_Cell]:
    """The cells of a line: parted by two spaces or more, or by pipes (an empty cell kept in
    its place; the blank before a first pipe is a cell only in a table whose heading has
    none, where it is the first column of a wrapped row)."""
    if "\t" in line.strip() and line.count("|") < 2:
        # (tab stops place a tab table's cells anywhere: a cell's place is its count)
        return [(n, n, cell.group()) for n, cell in enumerate(re.finditer(r"[^\t]+", line))
                if cell.group().strip()]
    if line.count("|") < 2:
        return [(c.start(), c.end(), c.group()) for c in spaced(line)]
    bars = [i for i, char in enumerate(line) if char == "|"]
    edges = [-1, *bars, len(line)]
    cells = [(a + 1, b, line[a + 1:b]) for a, b in zip(edges, edges[1:], strict=False)]
    if not cells[0][2].strip() and (leading if leading is not None else
                                    line.lstrip().startswith("|")):
        cells = cells[1:]
    if cells and not cells[-1][2].strip():
        cells = cells[:-1]
    return cells


def _heading(line: str, cells: list[_Cell]) -> _Heading | None:
    """A treatment table's heading: a treatment column first, then a visits or result column."""
    names = [cell.strip() for _, _, cell in cells]
    if len(names) < 3 or not _TREATMENT_HEAD.match(names[0]) or \
            not all(_HEAD_CELL.match(n) for n in names):
        return None
    count = next((i for i, n in enumerate(names) if _COUNT_HEAD.match(n)), None)
    result = next((i for i, n in enumerate(names) if _RESULT_HEAD.match(n)), None)
    if count is None and result is None:
        return None
    piped = line.count("|") >= 2 or "\t" in line.strip()  # (a cell's place is its count)
    starts = tuple(range(len(cells))) if piped else tuple(a for a, _, _ in cells)
    return _Heading(piped, piped and line.lstrip().startswith("|"), starts, count, result)


def _columns(heading: _Heading, cells: list[_Cell]) -> dict[int, str]:
    """Each filled cell's words by the column it stands under: its place (piped), or the
    heading it starts under, with a little slack for a cell pushed left of its heading."""
    found: dict[int, str] = {}
    for place, (at, _, cell) in enumerate(cells):
        if not cell.strip():
            continue
        column = place if heading.piped else \
            max((i for i, s in enumerate(heading.starts) if s <= at + 2), default=0)
        found[column] = f"{found.get(column, '')} {cell.strip()}".strip()
    return found


def _row(cleaned: Cleaned, at: int, heading: _Heading, cells: list[_Cell],
         columns: dict[int, str]) -> TreatmentRow:
    count = columns.get(heading.count) if heading.count is not None else None
    counted = _COUNT.match(count) if count else None
    sessions = int(counted.group(1)) if counted else None
    told = [text for column, text in columns.items() if column]
    never = not sessions and any(_NEVER.match(text) for text in told)
    name_end = next(b for _, b, cell in cells if cell.strip())
    return TreatmentRow(cleaned.index(at), cleaned.index(at + max(b for _, b, _ in cells)),
                        cleaned.index(at + name_end), sessions or None,
                        columns.get(heading.result) if heading.result is not None else None,
                        never)


def _wrapped(row: TreatmentRow, more: str) -> TreatmentRow:
    return TreatmentRow(row.start, row.end, row.name_end, row.sessions,
                        f"{row.result or ''} {more}".strip(), row.never)
