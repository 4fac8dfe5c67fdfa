"""PDF text clean-up that keeps a map from every kept character back to the letter.

Page headers and footers are dropped, lines broken by the PDF are joined (a hyphen at a line
end is a hyphenation inside a word unless a digit precedes it, as in a date '8-\\n20-15'),
runs of spaces are collapsed. Line breaks are kept, because the layouts put item headings on
lines of their own; sentence-level extraction reads them as spaces.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from reasoner.errors import InputError

_FOOTER = re.compile(r"^\s*(?:page\s*\d+\s*(?:of\s*\d+)?|-?\s*\d{1,3}\s*-?|\f)\s*$", re.I)
# Prefixes whose hyphen belongs to the word ('non-certified', 'post-operative').
_KEEP_HYPHEN = re.compile(r"(?:^|\W)(?:non|post|pre|self|anti|re|co|sub|semi|multi|bi)-$",
                          re.I)


@dataclass(frozen=True)
class Cleaned:
    text: str
    offsets: tuple[int, ...]  # offsets[i]: index in the original letter of text[i]

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
    printable = sum(c.isprintable() or c.isspace() for c in text[:4096])
    if printable < 0.9 * min(len(text), 4096):
        raise InputError("the letter is not readable text", source=source)
    return text


def clean(text: str) -> Cleaned:
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n\r\f]*", text)]
    repeated = _running_heads([line for _, line in lines])
    chars: list[str] = []
    offsets: list[int] = []
    for start, line in lines:
        stripped = line.strip()
        if not stripped or _FOOTER.match(stripped) or stripped in repeated:
            continue
        lead = len(line) - len(line.lstrip())
        if chars:
            _join(chars, offsets, line[lead:], start + lead)
        for i, ch in enumerate(line[lead:].rstrip()):
            if ch.isspace() and chars and chars[-1] in " \n":
                continue  # collapse stray spaces
            chars.append(" " if ch.isspace() else ch)
            offsets.append(start + lead + i)
    return Cleaned("".join(chars), tuple(offsets))


def _join(chars: list[str], offsets: list[int], nxt: str, at: int) -> None:
    """Join the next line: drop a hyphenation, glue a split date, else keep the line break."""
    if chars[-1] == "-" and len(chars) > 1 and nxt[:1].isalnum():
        tail = "".join(chars[-8:])
        if chars[-2].isalpha() and nxt[:1].islower() and not _KEEP_HYPHEN.search(tail):
            chars.pop()
            offsets.pop()
        return
    chars.append("\n")
    offsets.append(max(at - 1, 0))


def _running_heads(lines: list[str]) -> set[str]:
    """Lines repeated on every page (letter title, case number): short, no colon, seen twice+.

    A colon marks a field or item line ('MAXIMUS guideline: ...'), which can repeat per item.
    """
    counts = Counter(line.strip() for line in lines if line.strip())
    return {line for line, n in counts.items()
            if n >= 2 and ":" not in line and len(line) < 90 and not line.endswith(".")}
