"""Examination and review-of-systems tables whose columns say what each row's cell means:

      Finding                      Right (operated)        Left
      Tinel at the wrist           negative                positive
      Phalen test                  negative at 60 s        positive at 20 s

      ROS 08/07/2018          Y   N              KNEE EXAM 04/09/2024    L
      Neck stiffness          Y                  effusion                none
      Bowel/bladder               N              McMurray                neg
      Heartburn / dyspepsia       X              locking/giving way      denies

A sentence reader sees "Tinel ... negative positive" or "Bowel/bladder N" and cannot tell which
word is whose, or that a mark under "N" denies the row. Here each row's finding is read from
its first cell and its status from the cell under each side's heading (a table of one side
when the heading names an examination), or from the answer column its mark stands under (a
"Y"/"N" written in the cell answers by itself); findings the sentence reader took from those
rows are replaced."""

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


def spaced(line: str) -> list[re.Match[str]]:
    """A table row's cells, parted by two spaces or more (none for a line long enough to be
    prose). Shared by the readers of medication tables and flowsheets."""
    return list(_CELLS.finditer(line)) if len(line) <= _ROW_CHARS else []
_SIDE = re.compile(r"^(?:(?P<right>right|rt|r)|(?P<left>left|lt|l))\b", re.I)
# (a sign's "+" or "-" ends with no word after it: "+ (20 s)")
_ABSENT = re.compile(r"^(?:neg\w*|none|no|absent|normal|nl|wnl|intact|0|-|not present|"
                     r"den(?:ies|ied))(?!\w)", re.I)
_PRESENT = re.compile(r"^(?:pos\w*|present|yes|\+|\(\+\)|reproduces|reproduced|decr\w*|"
                      r"diminished|reduced|mild|moderate|marked|severe)(?!\w)", re.I)
_EXAM_LINE = re.compile(r"^[ \t]*(?:physical\s+)?exam(?:ination)?s?\b[^\n]*$|^[ \t]*objective\b"
                        r"[^\n]*$", re.I | re.M)
# an answer column's heading, and a mark that answers by where it stands
_YES = re.compile(r"^(?:y|yes|pos|positive|present|\+)$", re.I)
_NO = re.compile(r"^(?:n|no|neg|negative|absent|-)$", re.I)
# (short: a side table's row "Tinel   negative   positive" is no heading)
_ANSWER_HEAD = re.compile(r"^(?:y|yes|n|no|pos|neg)$", re.I)
_MARK = re.compile(r"^(?:x|\u2713|\u2714|\u221a|\*)$", re.I)
# one side's examination: "KNEE EXAM 04/09/2024    L" (a lone "L" elsewhere is no side)
_EXAM = re.compile(r"\b(?:exam\w*|findings|objective|physical)\b", re.I)
_LABEL_SIDE = re.compile(r"\b(?:(?P<right>r|rt|right)|(?P<left>l|lt|left))\b", re.I)
_FINDING = TERM + "ClinicalFinding"
_WRIST_SIGNS = {TERM + "TinelSignWrist", TERM + "PhalenSign", TERM + "CarpalTunnelClinicalSign"}
_OTHER_SITE = re.compile(r"\b(?:(?P<ulnar>cubital|elbow|ulnar|guyon)|tarsal|ankle|knee|peroneal|"
                         r"fibular|radial tunnel)\b", re.I)
_ULNAR_SIGN = TERM + "UlnarNerveClinicalSign"


@dataclass(frozen=True)
class _Column:
    side: str | None  # a side's column, or an answer's (None)
    start: int  # where its heading begins on the heading line
    answer: bool | None = None  # an answer column: yes (True) or no (False)


def side_table_findings(cleaned: Cleaned, start: int, end: int,
                        lex: Lexicon) -> tuple[list[Mention], list[tuple[int, int]]]:
    """The findings of every such table in the cleaned text's [start, end), read in the letter
    as it came (cleaning collapses the spaces that align the columns), and the cleaned spans
    of the rows read, so the facts the sentence reader took from them can be dropped. Each is
    dated by the last date written before its table or on its heading (the visit's:
    "Surgeon's progress report 04/12/2022:", "ROS 08/07/2018")."""
    if not cleaned.original or start >= end:
        return [], []
    first, last = cleaned.span(start, end)
    text = cleaned.original[first:last]
    day = None
    found: list[Mention] = []
    rows: list[tuple[int, int]] = []
    lines = list(re.finditer(r"^.*$", text, re.M))
    _visit_grids(cleaned, first, lines, lex, found, rows)
    columns: list[_Column] | None = None
    for line in lines:
        cells = spaced(line.group())
        if not cells:
            columns = None
            continue
        heading = _heading(cells)
        if heading and not (columns and columns[0].side and heading[0].side is None):
            # (inside a side table, "Tinel   pos   neg" is a row)
            columns = heading
            # (the heading's own date first: "ROS 08/07/2018   Y   N"; else the last before
            # it, not one before the examination's heading: "... declined when offered
            # 06/12/2018.\n\nEXAMINATION\n   RIGHT   LEFT")
            above = text[max(0, line.start() - 400):line.end()]
            exams = list(_EXAM_LINE.finditer(above))
            dates = find_dates(above[exams[-1].start() if exams else 0:])
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
        term: str | None = hit.term
        if term in _WRIST_SIGNS and (site := _OTHER_SITE.search(label)):
            # "Tinel at cubital tunnel": the elbow's sign (the ulnar nerve's), not the wrist's
            term = _ULNAR_SIGN if site.group("ulnar") else None
        row = cleaned.index(first + line.start())
        rows.append((row, cleaned.index(first + line.end())))
        if term is None:
            continue  # (a sign at a site no term names: its row read as nothing)
        at = cleaned.index(first + line.start() + cells[0].start() + hit.start)
        for side, present in _statuses(columns, cells[1:]):
            found.append(Mention("finding", term, at, at + hit.end - hit.start,
                                 label[hit.start:hit.end],
                                 {"present": present, "on_date": day,
                                  "side": side or _side_of(label), "region": None}))
    return found, rows


# a grid's first heading cell when its rows are visits: "VISIT   Allodynia  Edema  Spasm"
_VISIT_HEAD = re.compile(r"^(?:visits?|dates?|dos|date of (?:visit|service)|encounters?)\b", re.I)
_GRID_CELL = 3  # how far a grid's mark may stand from its heading's first letter


def _visit_grids(cleaned: Cleaned, first: int, lines: list[re.Match[str]], lex: Lexicon,
                 found: list[Mention], rows: list[tuple[int, int]]) -> None:
    """Grids whose columns are findings and whose rows are visits:

        VISIT       Allodynia  Edema  Color chg  Spasm  Wrist ROM (flex/ext)
        01/12/2016  Y          Y      Y          N      30 / 20

    each mark under a finding's heading says it on the row's day (the heading's "Spasm" is no
    spasm found)."""
    heading: list[tuple[str, int, int, str]] | None = None  # (term, start, end, label)
    head_at = 0  # where the heading line begins in the letter
    for line in lines:
        cells = spaced(line.group())
        if len(cells) >= 3 and _VISIT_HEAD.match(cells[0].group()):
            heading = [(hit.term, cell.start() + hit.start, cell.start() + hit.end,
                        cell.group()[hit.start:hit.end]) for cell in cells[1:]
                       if (hit := lex.first(cell.group(), _FINDING)) is not None]
            if len(heading) >= 2:
                rows.append((cleaned.index(first + line.start()),
                             cleaned.index(first + line.end())))
                head_at = first + line.start()
            else:
                heading = None
            continue
        dates = find_dates(cells[0].group()) if heading and cells else []
        if not dates:
            heading = None if not cells else heading
            continue
        rows.append((cleaned.index(first + line.start()), cleaned.index(first + line.end())))
        for term, start, end, label in heading or ():
            cell = next((c for c in cells[1:] if abs(c.start() - start) <= _GRID_CELL), None)
            present = None if cell is None else True if _YES.match(cell.group()) else \
                False if _NO.match(cell.group()) or _ABSENT.match(cell.group()) else None
            if present is not None:
                at = cleaned.index(head_at + start)
                found.append(Mention("finding", term, at, at + end - start, label,
                                     {"present": present, "on_date": dates[0][0],
                                      "side": None, "region": None}))


def _statuses(columns: list[_Column], cells: list[re.Match[str]]
              ) -> list[tuple[str | None, bool]]:
    """(side, present) for each status a row's cells give under the columns."""
    if columns[0].side is None:  # answer columns: one answer per row
        return [(None, answer)] if (answer := _answer(columns, cells)) is not None else []
    found = []
    for column in columns:
        cell = next((c for c in cells if abs(c.start() - column.start) <= 6), None)
        if cell is None:
            continue
        present = True if _PRESENT.match(cell.group()) else \
            False if _ABSENT.match(cell.group()) else None
        if present is not None:
            found.append((column.side, present))
    return found


def _answer(columns: list[_Column], cells: list[re.Match[str]]) -> bool | None:
    """A row's answer: a "Y" or "N" says it wherever it stands; a mark ("X", a tick) says
    the answer of the column it stands under, the nearest heading."""
    if len(cells) != 1:
        return None
    mark = cells[0]
    if _YES.match(mark.group()):
        return True
    if _NO.match(mark.group()):
        return False
    if not _MARK.match(mark.group()):
        return None
    return min(columns, key=lambda c: abs(c.start - mark.start())).answer


def _side_of(label: str) -> str | None:
    found = _LABEL_SIDE.search(label)
    return None if found is None else "Right" if found.group("right") else "Left"


def _heading(cells: list[re.Match[str]]) -> list[_Column] | None:
    """The columns of a heading row: two or more cells after the first that name sides, one
    side after an examination's name, or a yes and a no column ("Y   N", "Yes  No")."""
    # (a heading may leave its label cell blank: "             Right    Left")
    named = cells[1:] if cells[0].start() == 0 or not _SIDE.match(cells[0].group()) else cells
    columns = [_Column("Right" if m.group("right") else "Left", cell.start())
               for cell in named if (m := _SIDE.match(cell.group()))]
    sides = {c.side for c in columns}
    if len(columns) >= 2 and sides == {"Right", "Left"}:
        return columns
    if len(cells) == 2 and len(columns) == 1 and _EXAM.search(cells[0].group()) and \
            _SIDE.fullmatch(cells[1].group()):
        return columns
    answers = [_Column(None, cell.start(), bool(_YES.match(cell.group())))
               for cell in cells[1:] if _ANSWER_HEAD.match(cell.group())]
    if len(cells) == 3 and len(answers) == 2 and {a.answer for a in answers} == {True, False}:
        return answers
    return None
