"""A fact read from a letter's text, with its span: what the reader hands the case graph."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Mention:
    kind: str  # diagnosis, finding, pain, prior, medication, study, request, ur
    concept: str | None  # terminology IRI, when the text matched a term
    start: int  # span in the cleaned letter text
    end: int
    label: str
    props: dict = field(default_factory=dict)
