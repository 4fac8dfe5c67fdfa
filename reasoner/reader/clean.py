"""PDF text clean-up that keeps a map from every kept character back to the letter.

Page headers and footers are dropped, lines broken by the PDF are joined (a hyphen at a line
end is a hyphenation inside a word unless a digit precedes it, as in a date '8-\\n20-15'),
runs of spaces are collapsed. Line breaks are kept, because the layouts put item headings on
lines of their own; sentence-level extraction reads them as spaces.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from reasoner.errors import InputError
from reasoner.reader.dates import spoken_dates
from reasoner.reader.firstchars import gated

_SPACE = re.compile(r"\s")
_WORD = re.compile(r"\S+")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")  # a run of spaces, or a space other than ' '
_FOOTER = re.compile(r"^\s*(?:page\s*\d+\s*(?:of\s*\d+)?|-?\s*\d{1,3}\s*-?|\f)\s*$", re.I)
# Prefixes whose hyphen belongs to the word ('non-certified', 'post-operative').
_KEEP_HYPHEN = re.compile(r"(?:^|\W)(?:non|post|pre|self|anti|re|co|sub|semi|multi|bi)-$",
                          re.I)


@dataclass(frozen=True)
class Cleaned:
    text: str
    offsets: tuple[int, ...]  # offsets[i]: index in the original letter of text[i]
    # the letter as it came: what only its spacing tells (a table aligned with spaces)
    original: str = ""

    def index(self, original: int) -> int:
        """The index in the cleaned text of the first kept character at or after `original`
        (an index in the letter)."""
        return bisect.bisect_left(self._ascending, original)

    @cached_property
    def _ascending(self) -> tuple[int, ...]:
        # (a wrapped table row, read as one line, takes its characters from several lines out
        # of order: `_wrapped_rows`; the furthest offset so far keeps the search ordered)
        if all(a <= b for a, b in itertools.pairwise(self.offsets)):
            return self.offsets
        return tuple(itertools.accumulate(self.offsets, max))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of the cleaned span."""
        if start >= end:
            return self.offsets[start] if start < len(self.offsets) else 0, 0
        return self.offsets[start], self.offsets[end - 1] + 1


def decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise InputError("the letter is empty", source=source)
    if b"\0" in data[:4096]:
        raise InputError("the letter is binary, not text (extract the PDF text first)",
                         source=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    head = text[:4096]
    # Whitespace counts as readable; the per-character count only runs when something is not.
    if not _SPACE.sub(" ", head).isprintable():
        printable = sum(c.isprintable() or c.isspace() for c in head)
        if printable < 0.9 * len(head):
            raise InputError("the letter is not readable text", source=source)
    return text


# A quoted line, as e-mail and reports mark it ("> She rates it as 7/10"); not "> 50% relief"
# (a figure after the mark is "more than")
_QUOTED = re.compile(r"[ \t]*(?:>[ \t]?)+[ \t]*(?=[A-Za-z\"'(\[\u201c])")


# Bullets as a PDF's symbol fonts leave them (private-use characters: "\uf0b7 Norco 10/325 mg")
# and as word processors draw them: the bullet every list rule reads (one character for one,
# so every offset stays)
_BULLETS = str.maketrans({c: "\u2022" for c in "\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf06e"
                          "\u25cf\u25aa\u25a0\u25e6\u25ba\u27a2\u2023\u2043\u2219"})


def clean(text: str) -> Cleaned:
    text = text.translate(_BULLETS)
    # a saved web page, or a dictation whose spoken punctuation was left in: its text, each
    # character mapped to its source
    plain = _from_html(text) or _undictated(text)
    if plain is not None:  # (read as plain text: neither is looked for again)
        cleaned = _clean_lines(plain[0])
        return Cleaned(cleaned.text, tuple(plain[1][i] for i in cleaned.offsets), text)
    return _clean_lines(text)


def _clean_lines(text: str) -> Cleaned:
    lines = _without_gutter([(m.start(), m.group(0)) for m in re.finditer(r"[^\n\r\f]*", text)])
    repeated = _running_heads([line for _, line in lines])
    chars: list[str] = []
    offsets: list[int] = []
    rows = _wrapped_rows(lines)
    rows |= _continued_rows(lines, rows)
    for n, (start, line) in enumerate(lines):
        if n in rows:
            if (row := rows[n]) is not None:  # (None: a wrapped line of the row above)
                if chars:
                    _join(chars, offsets, row[0], row[1][0])
                chars.extend(row[0])
                offsets.extend(row[1])
            continue
        stripped = line.strip()
        if not stripped or _FOOTER.match(stripped) or stripped in repeated or \
                _GRID_BORDER.match(stripped):
            continue
        if ruled := _RULED.match(line):  # "--- Plan / RFA -------": the heading's words
            # ("--- CLINICAL_SUMMARY ---" from a system's export: words apart, same length)
            start, line = start + ruled.start("title"), ruled.group("title").replace("_", " ")
        lead = len(line) - len(line.lstrip())
        if quoted := _QUOTED.match(line):  # "    > She describes pain ...": the quote's words
            lead = quoted.end()
        if chars:
            _join(chars, offsets, line[lead:], start + lead)
        _append(chars, offsets, line[lead:].rstrip(), start + lead)
    return _spoken(_graded(_corrected(_symbols(_ocr_letters(_ocr_digits(_rejoin_split_cues(
        Cleaned("".join(chars), tuple(offsets), text))))))))


# Clinical shorthand's symbols as the words they stand for, so that every rule reading words
# reads them: "Ø foraminal stenosis" (none), "↑ ADLs", "↓ sensation L C6", "VAS 8 → 5". The
# empty-set sign only where it stands as a word ("Ø prior FRP", "(Ø)"), never inside a name.
# A typeset minus is the hyphen every sign's rule reads: "SLR (\u2212) bilat", "(\u2013) Spurling".
_SYMBOL = re.compile(r"(?<![^\W\d_])[\u00d8\u00f8\u2205](?![^\W\d_])|"
                     r"[\u2191\u2193\u2192\u2190\u2264\u2265\u00d7\u2212]|"
                     r"(?<=\()[\u2013\u2014](?=\))")
_SYMBOL_WORD = {"\u00d8": "no", "\u00f8": "no", "\u2205": "no", "\u2191": "increased",
                "\u2193": "decreased", "\u2192": "->", "\u2190": "<-", "\u2264": "<=",
                "\u2265": ">=", "\u00d7": "x", "\u2212": "-", "\u2013": "-", "\u2014": "-"}


def _symbols(cleaned: Cleaned) -> Cleaned:
    """The text with each symbol written as its word(s), every character of the word mapped
    to the symbol."""
    text = cleaned.text
    said = []
    for symbol in _SYMBOL.finditer(text):
        start, end = symbol.span()
        word = _SYMBOL_WORD[symbol.group()]
        # (a word apart from its neighbours: "\u2191ADLs", "8\u21925")
        if word not in ("x", "-"):  # ("2\u00d7/wk" is "2x/wk", "(\u2212)" is "(-)")
            word = (" " if start and text[start - 1].isalnum() else "") + word + (
                " " if text[end:end + 1].isalnum() else "")
        said.append((start, end, word))
    return _rewritten(cleaned, said)


# A dictated correction of the word just said: "he had six, I'm sorry, eight sessions",
# "three -- excuse me -- four screens" (the number said last is meant)
_CORRECTION = re.compile(r"\b[\w-]+\s*(?:,|--|\u2014)\s*(?:I'm|I am|I\u2019m)?\s*(?:sorry|"
                         r"excuse me|correction|I mean)\s*(?:,|--|\u2014)\s*(?=[\w-]+)",
                         re.I)


def _corrected(cleaned: Cleaned) -> Cleaned:
    """The text without the words a dictation corrected ("six, I'm sorry, eight": eight)."""
    spans = [(m.start(), m.end(), "") for m in _CORRECTION.finditer(cleaned.text)]
    return _rewritten(cleaned, spans)


# A muscle grade said in words, as dictation and some notes write it: "strength is five over
# five in all planes", "four minus out of five", "4 out of 5" (not a share of days or
# people: "four out of five days")
_GRADE_SAID = re.compile(r"\b(?P<n>zero|one|two|three|four|five|[0-5])(?P<mod>[ -]?(?:plus|minus)|"
                         r"\+|-)?[ \t]+(?:over|out of)[ \t]+(?:five|5)\b(?![ \t]+(?:days?|times?|"
                         r"nights?|weeks?|patients?|people|of)\b)", re.I)
_OUT_OF_FIVE = re.compile(r"(?:over|out of)[ \t]+(?:five|5)\b", re.I)
_DIGIT = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}


def _graded(cleaned: Cleaned) -> Cleaned:
    """Grades said in words written as a grade ("five over five" is "5/5"), each character
    mapped to the words' start."""
    if not _OUT_OF_FIVE.search(cleaned.text):
        return cleaned  # (the cheap test first: the grade's words alternate at every word)
    said = []
    for grade in _GRADE_SAID.finditer(cleaned.text):
        n = _DIGIT.get(grade.group("n").lower(), grade.group("n"))
        mod = (grade.group("mod") or "").strip(" -").lower()
        sign = {"plus": "+", "minus": "-", "+": "+", "": ""}.get(mod, "-")
        said.append((grade.start(), grade.end(), f"{n}{sign}/5"))
    return _rewritten(cleaned, said)


def _spoken(cleaned: Cleaned) -> Cleaned:
    """Dates said in words written as numbers ("on the eleventh of April, 2022" is "on
    04/11/2022"), each character mapped to the words' start."""
    said = [(start, end, f"{day:%m/%d/%Y}") for start, end, day in spoken_dates(cleaned.text)]
    return _rewritten(cleaned, said)


def _rewritten(cleaned: Cleaned, spans: list[tuple[int, int, str]]) -> Cleaned:
    """The cleaned text with each span replaced (`_replaced`), offsets carried; unchanged
    when there is none."""
    if not spans:
        return cleaned
    replaced, offsets = _replaced(cleaned.text, cleaned.offsets, spans)
    return Cleaned(replaced, tuple(offsets), cleaned.original)


def _replaced(text: str, offsets: Sequence[int], spans: list[tuple[int, int, str]]
              ) -> tuple[str, list[int]]:
    """The text with each span (start, end, in order) replaced by its string, and each kept
    character's offset; a replacement's characters take the offset of the span's start."""
    chars: list[str] = []
    kept: list[int] = []
    at = 0
    for start, end, word in spans:
        chars.append(text[at:start])
        kept.extend(offsets[at:start])
        chars.append(word)
        kept.extend([offsets[start]] * len(word))
        at = end
    chars.append(text[at:])
    kept.extend(offsets[at:])
    return "".join(chars), kept


# A number as OCR reads a fax: 0 as O, 1 as l or I ("1O/O2/2015", "55Omg", "#l20"): a run of
# digits and those letters, with a digit in it, standing alone or before a unit. Two digits at
# least, or a '#' before it, so that "O2 saturation" and a lone "I" stay words.
_OCR_NUMBER = re.compile(r"(?<![A-Za-z0-9])(?P<hash>#)?(?P<run>[0-9OolI](?:[0-9OolI]|[./-]"
                         r"(?=[0-9OolI]))*)(?=(?:mg|ml|mcg|cc|%)?(?![A-Za-z0-9]))")
_AS_DIGIT = str.maketrans("OolI", "0011")


# A word as OCR reads a fax: o as 0, l as 1 ("syndr0me", "w0rker", "Guide1ine", "1ist",
# "DETERMINATI0N"): a 0 or 1 between two letters of a word with no other digit, or a lone 1 or
# 0 opening a word of three small letters or more. Not "L5", "10mg", "x10", "B12", "0.5".
# (tried once a word, from its start: "[A-Za-z0-9]*[01]" tried at every letter of a long
# word without a 0 or 1 read it again from each: 40,000 letters took 7 s)
_MIXED_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]*?[01][A-Za-z0-9]*")
_AS_LETTER = str.maketrans("01", "ol")


def _ocr_letters(cleaned: Cleaned) -> Cleaned:
    """The text with letters misread as digits put right (one for one: offsets hold)."""
    text = cleaned.text
    fixed = [(m.start(), m.group()) for m in _MIXED_WORD.finditer(text) if _misread(m.group())]
    if not fixed:
        return cleaned
    parts, at = [], 0
    for start, word in fixed:
        parts += [text[at:start], _fixed_word(word)]
        at = start + len(word)
    return Cleaned("".join(parts) + text[at:], cleaned.offsets, cleaned.original)


def _misread(word: str) -> bool:
    if not word[0].isalpha() and not (len(word) >= 4 and word[1:].isalpha()
                                      and word[1:].islower()):
        return False  # (a lone digit may open it only before three small letters: "1ist")
    if any(c in "23456789" for c in word) or sum(c.isalpha() for c in word) < 2 or \
            word[-1].isdigit() or word.lower() in _ALPHANUMERIC:
        return False
    # each run of misread letters between two letters ("c00k")
    return all(run.start() == 0 or (word[run.start() - 1].isalpha()
                                    and word[run.end()].isalpha())
               for run in re.finditer(r"[01]+", word))


_ALPHANUMERIC = {"a1c", "hba1c"}  # names written with a digit in them

def _fixed_word(word: str) -> str:
    lower = not word.replace("0", "").replace("1", "").isupper()
    return word.translate(_AS_LETTER) if lower else word.replace("0", "O").replace("1", "I")


def _ocr_digits(cleaned: Cleaned) -> Cleaned:
    """The text with misread digits put right (one character for one: offsets hold)."""
    text = cleaned.text
    fixed = []
    for m in _OCR_NUMBER.finditer(text):
        run = m.group("run")
        digits = sum(c.isdigit() for c in run)
        if digits < len(run.replace("/", "").replace(".", "").replace("-", "")) and (
                digits >= 2 or (digits and m.group("hash"))):
            fixed.append((m.start("run"), run.translate(_AS_DIGIT)))
    if not fixed:
        return cleaned
    parts, at = [], 0
    for start, run in fixed:
        parts += [text[at:start], run]
        at = start + len(run)
    return Cleaned("".join(parts) + text[at:], cleaned.offsets, cleaned.original)


# Words that say whether a finding is there, as a scanner splits them: "Straight leg raise was
# nega tive" (a split cue leaves the finding read as present)
_CUES = ("negative", "positive", "normal", "denies", "denied", "absent", "intact",
         "unremarkable")
_SPLIT_CUE = gated(r"\b(?:" + "|".join(
    f"{w[:i]} {w[i:]}" for w in _CUES for i in range(2, len(w) - 1)) + r")\b", re.I)


def _rejoin_split_cues(cleaned: Cleaned) -> Cleaned:
    cuts = [m.start() + m.group().index(" ") for m in _SPLIT_CUE.finditer(cleaned.text)]
    if not cuts:
        return cleaned
    keep = sorted(set(range(len(cleaned.text))) - set(cuts))
    return Cleaned("".join(cleaned.text[i] for i in keep),
                   tuple(cleaned.offsets[i] for i in keep), cleaned.original)


# The border of a table drawn in ASCII ("+----+------+"): its rows read as any '|' table
_GRID_BORDER = re.compile(r"^\+(?:[-=]+\+)+$")
_RULED = re.compile(r"^\s*[-=*#~_]{3,}\s*(?P<title>[A-Za-z][^\n]*?[A-Za-z)])\s*[-=*#~_]{3,}\s*$")


# A table ruled between its rows, whose cells wrap onto the lines under them:
#   +---------------------------------+---------------------------------+
#   | Physical therapy for the low    | MODIFIED. We approved 6 visits. |
#   | back, 2 times a week (12 visits)| The other 6 were not approved.  |
#   +---------------------------------+---------------------------------+
# (or "----+----" rules and cells set apart by "|", or columns aligned with spaces under a rule
# of "=" or "-"). Each such row is read as one line of its cells, each cell's words joined in
# order ("| Physical therapy for the low back, 2 times a week (12 visits) | MODIFIED. ... |"):
# line by line, a row's wrapped words read as rows of their own ("visits were not approved.").
_RULE = re.compile(r"^[ \t]*(?=[-=+|_ \t]*[-=_]{10})[-=+|_ \t]+$")
_MAX_WRAP = 5  # lines of one row; a longer run between rules is no table's row


def _wrapped_rows(lines: list[tuple[int, str]]) -> dict[int, tuple[str, list[int]] | None]:
    """The rows of ruled tables that wrap over several lines, by the index of their first line:
    the row as one line with the source offset of each character; their other lines: None."""
    # (`lines` holds an empty entry at every line break: a blank line is two in a row)
    rules = [n for n, (_, line) in enumerate(lines) if _RULE.match(line)]
    out: dict[int, tuple[str, list[int]] | None] = {}
    for above, below in itertools.pairwise(rules):
        written = [n for n in range(above + 1, below) if lines[n][1]]
        if not 2 <= len(written) <= _MAX_WRAP or below - above - 1 != 2 * len(written) + 1 or \
                any(not lines[n][1].strip() for n in written):
            continue  # (a blank line between the rules: no row)
        group = [lines[n] for n in written]
        cells = _pipe_cells(group) if all("|" in line for _, line in group) else \
            _aligned_cells(group)
        if cells is None or not any(piece.strip() for column in cells for _, piece in column) \
                or _rows_of_their_own(cells):
            continue  # (a row of bars alone: "|   |   |" on two lines)
        out[written[0]] = _row_line(cells)
        out.update((n, None) for n in written[1:])
    return out


def _continued_rows(lines: list[tuple[int, str]], taken: dict
                    ) -> dict[int, tuple[str, list[int]] | None]:
    """Rows of a decision table aligned with spaces whose first cell goes on, alone and
    indented, on the lines below ("Right shoulder arthroscopy, subacromial   Non-certified   Non-
    certified (upheld)" then "  decompression and debridement"): each row as one line, and so
    every row of that table, whole or not (the table is read alike)."""
    out: dict[int, tuple[str, list[int]] | None] = {}
    table: list[tuple[int, int, list]] = []  # (first line, line after, cells) of each row
    for n, (_, line) in enumerate(lines):
        if n in taken or (table and n < table[-1][1]) or not _ROW_DECIDED.search(line):
            continue
        if table and n != table[-1][1]:  # (a row not right under the last: another table)
            _keep_table(table, out)
            table = []
        group, below = [lines[n]], n + 2
        while below < len(lines) and below not in taken and len(group) <= _MAX_WRAP and \
                _CONTINUED.match(lines[below][1]) and len(list(_cells(lines[below][1]))) == 1:
            group.append(lines[below])
            below += 2
        cells = _aligned_cells(group)
        if cells is None or len(cells) < 2 or any(piece.strip() for column in cells[1:]
                                                   for _, piece in column[1:]) or \
                any(_opens_a_row(a, b) for a, b in itertools.pairwise(
                    piece for _, piece in cells[0])):
            _keep_table(table, out)
            table = []
            continue  # (a continuation under another column than the first: no such row)
        table.append((n, below, cells))
    _keep_table(table, out)
    return out


def _keep_table(table: list[tuple[int, int, list]], out: dict) -> None:
    """A table's rows as lines, when one of them went on below its first line."""
    if not any(below - n > 2 for n, below, _ in table):
        return
    for n, below, cells in table:
        out[n] = _row_line(cells)
        out.update((k, None) for k in range(n + 2, below, 2))


# a row whose later cells decide ("   Non-certified   Non-certified (upheld)"), and a line
# that goes on indented
_ROW_DECIDED = re.compile(r"\S {2,}(?:non-?[ \t]?|not[ \t]+)?(?:certif|approv|modif|denied|"
                          r"upheld|overturn|medically necessary)", re.I)
_CONTINUED = re.compile(r"[ \t]{2,}\S")


# What opens a row of its own: its number ("| 1  | Right ring finger ...", "2."), or a decision
# in its last cell ("| Cold therapy unit ... | NON-CERTIFIED |")
_ROW_NUMBER = re.compile(r"[ \t]*(?:#?\d{1,2}[.)]?|\(?[A-Ha-h][.)])(?:[ \t]|$)")
_ROW_DECISION = re.compile(r"[ \t]*(?:non-?[ \t]?|not[ \t]+)?(?:certif|approv|modif|denied|"
                           r"upheld|overturn|medically necessary)", re.I)


def _rows_of_their_own(cells: list[list[tuple[int, str]]]) -> bool:
    """Whether the lines between two rules are rows, each whole (a block of rows under a
    header's rule), not one row wrapped: two or more lines numbered or deciding, or a line
    whose first cell goes on from no words left open ("Norco 10 mg" under "Gabapentin 300 mg";
    a wrapped cell goes on in lower case, a figure or a bracket, or after a comma: "6 hours as
    needed for pain)", "surgery")."""
    lines = [[piece for _, piece in line] for line in zip(*cells, strict=True)]
    filled = [[piece for piece in line if piece.strip()] for line in lines]
    numbered = sum(bool(line and _ROW_NUMBER.match(line[0])) for line in filled)
    deciding = sum(bool(len(line) > 1 and _ROW_DECISION.match(line[-1])) for line in filled)
    name = next((j for j, piece in enumerate(lines[0]) if piece.strip()), 0)
    apart = any(_opens_a_row(above[name], line[name]) for above, line in itertools.pairwise(lines))
    return numbered >= 2 or deciding >= 2 or apart


def _opens_a_row(above: str, piece: str) -> bool:
    """Whether a cell's piece, under the piece above it, opens a row of its own."""
    piece, above = piece.strip(), above.strip()
    return bool(piece) and bool(above) and not (
        piece[0].islower() or piece[0].isdigit() or piece[0] in "([{#&/-" or
        above[-1] in ",(/-&" or _OPEN_END.search(above))


_OPEN_END = re.compile(r"\b(?:and|or|of|for|with|to|the|a|an|in|at|on|per|by|x)$", re.I)


def _pipe_cells(group: list[tuple[int, str]]) -> list[list[tuple[int, str]]] | None:
    """The pieces of each cell of a row set apart by '|', each with its offset; None when its
    lines have not as many cells each."""
    if len({line.count("|") for _, line in group}) != 1:
        return None
    columns: list[list[tuple[int, str]]] = []
    for start, line in group:
        at = start
        for j, piece in enumerate(line.split("|")):
            if j == len(columns):
                columns.append([])
            columns[j].append((at, piece))
            at += len(piece) + 1
    return columns


def _aligned_cells(group: list[tuple[int, str]]) -> list[list[tuple[int, str]]] | None:
    """The piece of each column on each line of a row aligned with spaces ('' where none): the
    columns are where the first line's cells start; each later piece goes to the column it
    starts under. None when the first line is one cell, or a piece starts under no column."""
    starts = [m.start() for m in _cells(group[0][1])]
    if len(starts) < 2:
        return None
    columns: list[list[tuple[int, str]]] = [[] for _ in starts]
    for start, line in group:
        pieces: list[tuple[int, str]] = [(start, "")] * len(starts)
        for piece in _cells(line):
            j = max((j for j, at in enumerate(starts) if at <= piece.start() + 3), default=0)
            if j and abs(starts[j] - piece.start()) > 3 or pieces[j][1]:
                return None  # a piece between the columns: no table of these columns
            pieces[j] = (start + piece.start(), piece.group())
        for cells, piece in zip(columns, pieces, strict=True):
            cells.append(piece)
    return columns


def _cells(line: str):
    """The runs of a line's words set apart by wide gaps."""
    return _CELL.finditer(line)


_CELL = re.compile(r"\S+(?: {1,2}\S+)*")  # (two spaces after a full stop are no column gap)


def _row_line(cells: list[list[tuple[int, str]]]) -> tuple[str, list[int]]:
    """The cells as one line ("a | b", "| a | b |" where bars close the row), the words of each
    cell joined by single spaces, with each character's source offset (a space or a bar put
    in: the offset of the word before it)."""
    chars: list[str] = []
    offsets: list[int] = []
    first = next(at for column in cells for at, piece in column if piece.strip())
    for j, column in enumerate(cells):
        if j:
            chars.extend(" | ")
            offsets.extend([offsets[-1] if offsets else first] * 3)
        for at, piece in column:
            for word in _WORD.finditer(piece):
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    offsets.append(at + word.start())
                chars.extend(word.group())
                offsets.extend(range(at + word.start(), at + word.end()))
    joined = "".join(chars)
    lead, tail = len(joined) - len(joined.lstrip()), len(joined.rstrip())
    return joined[lead:tail], offsets[lead:tail]


def _append(chars: list[str], offsets: list[int], body: str, at: int) -> None:
    """Append a stripped line, each run of spaces collapsed to one ' ' placed at the run's
    first character. A line whose spaces are already single plain ones (most) is appended
    whole; others word by word. Never character by character in Python: that loop was a
    sixth of reading a letter."""
    if _ODD_SPACE.search(body) is None:
        chars.extend(body)
        offsets.extend(range(at, at + len(body)))
        return
    end = None
    for word in _WORD.finditer(body):
        start, stop = word.span()
        if end is not None:
            chars.append(" ")
            offsets.append(at + end)
        chars.extend(word.group())
        offsets.extend(range(at + start, at + stop))
        end = stop


def _join(chars: list[str], offsets: list[int], nxt: str, at: int) -> None:
    """Join the next line: drop a hyphenation, glue a split date, else keep the line break."""
    # (a ruling line of dashes is no hyphenation: its line break stays)
    if chars[-1] == "-" and len(chars) > 1 and chars[-2].isalnum() and nxt[:1].isalnum():
        tail = "".join(chars[-8:])
        if chars[-2].isalpha() and nxt[:1].islower() and not _KEEP_HYPHEN.search(tail):
            chars.pop()
            offsets.pop()
        return
    chars.append("\n")
    offsets.append(max(at - 1, 0))


# Punctuation spoken into voice recognition and left as words: "SUBJECTIVE colon the patient
# ... comma reported on 02/03/2020 period", "new paragraph", "quote ... unquote". A word is
# read as its mark only in a dictated text, and where a mark can stand ("a period of six
# weeks" is no full stop). A text is dictated when it says "comma" as a word three times:
# other words spoken for marks are also words of their own ("period", "colon", "quote").
# (A run of blanks is entered once, at its start: from every blank of a run, 20,000 of them
# took 14 s.)
_SPOKEN = re.compile(r"(?<![ \t])[ \t]+(?:(?P<comma>comma)|(?P<period>period|full stop)|"
                     r"(?P<colon>colon)|(?P<semicolon>semicolon))(?=[ \t]*$|[ \t]+\S)|"
                     r"(?P<paragraph>(?:^|(?<![ \t])[ \t]+)new (?:paragraph|line)[ \t]*)|"
                     r"(?P<quote>\b(?:un)?quote\b)", re.I | re.M)
_SPOKEN_MARK = {"comma": ",", "period": ".", "colon": ":", "semicolon": ";", "paragraph": "\n",
                "quote": '"'}
_NOT_A_MARK = re.compile(r"[ \t]+(?:of|in|for|from|to|symptoms?|cancer|polyps?|disease)\b",
                         re.I)  # "period of", "colon cancer"
_DICTATED = 3  # spoken marks
# A spoken full stop that can be no noun: at a line's end or before a sentence's capital ("came
# right back period", "one level period We will"), not after a word that makes it one ("the
# post-operative period", "a trial period")
# (the word before is looked at only where "period" stands: fifteen lookbehinds tried at every
# character had cost 2 ms a document)
_STOP_SAID = re.compile(r"[ \t]period(?=[ \t]*$|[ \t]+(?-i:[A-Z])[a-z])", re.I | re.M)
_PERIOD_NOUN = re.compile(r"\b(?:the|a|this|that|same|trial|time|waiting|healing|op|operative|"
                          r"surgical|week|month|day|grace)$", re.I)
# A report that says it was dictated: "Dictated but not read", "voice recognition software"
_ANNOUNCED = re.compile(r"\b(?:dictated|voice recognition|speech recognition|dragon "
                        r"(?:software|dictation|naturally))\b", re.I)


def _dictated(text: str) -> bool:
    """Whether the text says punctuation as words: three spoken commas or full stops that can
    be no noun, or one in a report that says it was dictated."""
    head = text[:200_000]
    said = len(re.findall(r"[ \t]comma\b", head, re.I)) + sum(
        not _PERIOD_NOUN.search(head, max(0, stop.start() - 16), stop.start())
        for stop in _STOP_SAID.finditer(head))
    return said >= _DICTATED or (said >= 1 and bool(_ANNOUNCED.search(head)))


def _undictated(text: str) -> tuple[str, list[int]] | None:
    """The text with its spoken marks written, and each character's index in `text`; None
    when the text is no dictation (nothing is replaced)."""
    if not _dictated(text):
        return None
    spoken = [m for m in _SPOKEN.finditer(text)
              if (m.lastgroup != "quote" or "unquote" in text.lower()) and not (
                  m.lastgroup in ("period", "colon") and _NOT_A_MARK.match(text, m.end()))]
    if not spoken:
        return None
    return _replaced(text, range(len(text)), [(said.start(), said.end(),
                                                 _SPOKEN_MARK[said.lastgroup or ""])
                                                for said in spoken])


# HTML, as a document saved from a web portal or an e-mail comes: tags, entities
# (a comment's end is found with str.find: "<!--(.*?)-->" looked for it from every "<!--",
# 25,000 unclosed ones took 15 s)
_TAG = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9]*)\b(?P<attrs>[^<>]*)>|"
                  r"(?P<comment><!--)|<![^<>]*>")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_BLOCK_TAGS = {"p", "br", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
               "hr", "section", "article", "header", "footer", "blockquote", "pre", "dt", "dd",
               "title", "body", "html", "head"}
# What a browser does not show: these elements, and any marked hidden (so the words a reader
# is shown are the words read: hidden text could deny or assert what the page does not say)
_HIDDEN_TAGS = {"script", "style", "template", "noscript", "head", "title", "object", "iframe",
                "svg", "math", "select", "textarea"}
_HIDDEN_ATTR = re.compile(r"\bhidden\b|\baria-hidden\s*=\s*[\"']?true|display\s*:\s*none|"
                          r"visibility\s*:\s*hidden|\bopacity\s*:\s*0(?:\.0*)?\s*(?:[;\"']|$)|"
                          r"font-size\s*:\s*0", re.I)
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source",
         "track", "wbr", "param"}
_IS_HTML = re.compile(r"^\s*(?:<!DOCTYPE\s+html|<html\b)|<(?:p|br|div|li|td|table)\b[^<>]*>",
                      re.I)


def _from_html(text: str) -> tuple[str, list[int]] | None:
    """The text of an HTML document as a browser shows it, with the index in `text` of each
    of its characters (a tag that breaks a line, a list item or a cell becomes a line break,
    "- " or " | "; an entity its character; hidden elements and comments nothing); None when
    the text is no HTML (a few tags at least)."""
    if not _IS_HTML.search(text[:2000]) or len(_TAG.findall(text[:20000])) < 4:
        return None
    chars: list[str] = []
    offsets: list[int] = []
    at, hidden, depth = 0, "", 0  # the hidden element's name and how deep in it
    while tag := _TAG.search(text, at):
        if not hidden:
            _html_text(text[at:tag.start()], at, chars, offsets)
        at = tag.end()
        if tag.group("comment"):
            # "<!-->" and "<!--->" are empty comments, as browsers read them
            empty = re.match(r"-?>", text[tag.end():tag.end() + 2])
            closed = text.find("-->", tag.end())
            at = tag.end() + empty.end() if empty else len(text) if closed < 0 else closed + 3
            continue
        name, closing = (tag.group("name") or "").lower(), bool(tag.group("close"))
        if hidden:
            if name == hidden and name not in _VOID:
                depth += -1 if closing else 1
                hidden = hidden if depth else ""
            continue
        if not closing and name not in _VOID and (
                name in _HIDDEN_TAGS or _HIDDEN_ATTR.search(tag.group("attrs") or "")):
            hidden, depth = name, 1
            continue
        said = "\n" if name in _BLOCK_TAGS else "\n- " if name == "li" and not closing else \
            " | " if name in ("td", "th") and not closing else ""
        chars.extend(said)
        offsets.extend([tag.start()] * len(said))
    if not hidden:
        _html_text(text[at:], at, chars, offsets)
    return "".join(chars), offsets


def _html_text(part: str, at: int, chars: list[str], offsets: list[int]) -> None:
    """Text between tags: its entities resolved, its line breaks spaces (HTML's own are tags)."""
    last = 0
    for entity in _ENTITY.finditer(part):
        _plain(part[last:entity.start()], at + last, chars, offsets)
        said = html.unescape(entity.group()).replace("\u00a0", " ").replace("\u2212", "-")
        chars.extend(said)
        offsets.extend([at + entity.start()] * len(said))
        last = entity.end()
    _plain(part[last:], at + last, chars, offsets)


def _plain(part: str, at: int, chars: list[str], offsets: list[int]) -> None:
    chars.extend(part.replace("\n", " ").replace("\r", " "))
    offsets.extend(range(at, at + len(part)))


# A line number in the margin, as pleading paper and some exports print it: " 7 | Item 1: ..."
_GUTTER = re.compile(r"[ \t]*\d{1,3}[ \t]*[|:\u2502][ \t]?(?=\S|$)")


def _without_gutter(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines without their numbers in the margin, when most lines carry one (a single
    "2: ..." is a list, a margin numbers nearly every line)."""
    written = [(start, line) for start, line in lines if line.strip()]
    numbered = sum(bool(_GUTTER.match(line)) for _, line in written)
    if not written or numbered < 0.6 * len(written) or numbered < 5:
        return lines
    out = []
    for start, line in lines:
        gutter = _GUTTER.match(line)
        out.append((start + gutter.end(), line[gutter.end():]) if gutter else (start, line))
    return out


def _running_heads(lines: list[str]) -> set[str]:
    """Lines repeated on every page (letter title, case number): short, no colon, seen twice+.

    A colon marks a field or item line ('MAXIMUS guideline: ...'), which can repeat per item;
    so does a list marker: a disputed item is listed once under the issues and again above
    its decision ('(1) TENS unit, purchase', 'A. Oxycodone HCl 10 mg #120').
    """
    keyed = [(stripped, _repeat_key(stripped)) for line in lines if (stripped := line.strip())]
    counts = Counter(key for _, key in keyed)
    return {stripped for stripped, key in keyed
            if counts[key] >= 2 and (len(" ".join(stripped.split())) < 90 or
                                     _STAMPED.search(stripped))
            and (not _FIELD.search(stripped) or _BANNER.search(stripped)
                 or _STAMPED.search(stripped))
            # (nor a question's wrapped end: "appropriate?" closes each item's question)
            and not stripped.endswith((".", "?")) and not _LIST_ITEM.match(stripped)}


def _repeat_key(line: str) -> str:
    """What a running head repeats: the line, or a footer but for its page number ("MAXIMUS
    FEDERAL SERVICES -- CM21-0119830 -- Page 2")."""
    return _PAGED.sub("#", line) if _PAGE.search(line) or _STAMPED.search(line) else line


# (a fax machine's banner numbers its pages too: "Aug 15 2024 14:52  MAXIMUS ...  p.2",
# "FROM: 916-555-0166  PAGE 003/005", "P. 2/4")
_PAGE = re.compile(r"\bpage\b|\bp(?:g|\.)\s?\d|\[\s*\d{1,3}\s*/\s*\d{1,3}\s*\]", re.I)
# A field's colon, not a time's ("14:52" in a fax banner)
_FIELD = re.compile(r":(?!\d\d)")
# ... a line with a field's colon repeats as a running head only when it is a page's banner or
# footer ("FROM: Coast Ortho  PAGE 2/5", "Case: CM21-0119830  Page 2 of 5"), not an item's
# field that names pages ("MAXIMUS guideline: ... Chronic Pain, page 79")
_BANNER = re.compile(r"\bpage\s*\d+\s*(?:of|/)\s*\d+|\bp\.\s?\d+\s*/\s*\d+|\bfax\b|^from\b",
                     re.I)
# A fax machine's time-stamped banner, which repeats but for its time and page: "MAY-19-2016
# 10:41A FROM:LAW OFFICES ... TO:7145550190 P.1", "10/24/2019 11:33 FAX 6195550116 SOUTHBAY
# PAIN [004/006]"
_STAMPED = re.compile(r"\b\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m?\.?)?(?![\w:]).*"
                      r"(?:\bfax\b|\b(?:from|to)\s*:)", re.I)
_PAGED = re.compile(r"\d+")


# "A. Oxycodone", "1.3  Physical therapy" (an outline's number)
_LIST_ITEM = re.compile(r"(?:\(?\d{1,2}[.)]|\d{1,2}\.\d{1,2}|\(?[A-Za-z][.)]|[-*\u2022])\s")
