"""Documents the reader tests build around a phrasing under test: an IMR letter whose case
summary holds it, and a UR letter split into its items. One builder for the test files that
each framed the same letter in their own copy."""

from __future__ import annotations

from reasoner.reader.clean import clean, decode
from reasoner.reader.layout import split
from reasoner.reader.letter import read_letter


def imr_letter_facts(kb, history: str, plan: str, *, summary: str, report: str) -> list:
    """The facts read from an IMR letter whose case summary opens with `summary`, tells the
    report dated `report` as `history`, and whose one item is `plan`, found medically
    necessary."""
    data = ("IMR FINAL DETERMINATION\nCase Number: CM16-0000001\nDate of injury: 11/02/2014\n"
            f"CLINICAL CASE SUMMARY\n{summary} The {report} report:\n{history}\n"
            "IMR ISSUES, DECISIONS AND RATIONALES\n"
            f"1. {plan} is medically necessary and appropriate.\n").encode()
    return read_letter(data, "letter.txt", kb.terms).extracted.facts


def read_ur(text: str) -> tuple[str | None, list[tuple[str, str | None]]]:
    """The layout a UR text is read in and its items with their actions."""
    letter = split(clean(decode(text.encode(), "ur.txt")), "ur.txt")
    return letter.layout, [(i.name, i.outcome) for i in letter.items]
