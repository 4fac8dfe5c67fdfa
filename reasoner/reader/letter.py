"""An IMR letter's text in, its case graph (facts with provenance) and the reviewer's record out.

clean (PDF noise, offsets back into the letter) -> layout (which letter form, its sections) ->
extract (case facts from the case summary only) -> graph (RDF in the case vocabulary). The
reader neither decides nor stores: the workflows do (`reasoner.workflows.letters`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from reasoner.engine.terminology import Terminology
from reasoner.errors import InputError
from reasoner.reader.clean import clean, decode
from reasoner.reader.extract import Extracted, extract
from reasoner.reader.graph import LetterGraph, build
from reasoner.reader.layout import Item, Letter, split
from reasoner.reader.lexicon import lexicon_for
from reasoner.vocab import m

_REQUEST, _CONCEPT = m("request"), m("concept")


@dataclass(frozen=True)
class ReadLetter:
    source: str
    letter: Letter
    extracted: Extracted
    graph: LetterGraph

    def requests(self) -> list[str]:
        """The letter's request nodes, in the order of its disputed items."""
        return [_v(t.object) for t in self.graph.facts if t.predicate.value == _REQUEST]

    def requested_items(self) -> list[tuple[str, Item]]:
        """Each request node with the item it was read from (a progress report's plan lines
        that name no service are no request; a request listed twice is one)."""
        facts = [f for f in self.extracted.facts if f.kind == "request"]
        return [(node, self.letter.items[fact.props["item"]])
                for node, fact in zip(self.requests(), facts, strict=True)]

    def concepts(self) -> dict[str, str]:
        """Fact node -> the terminology term the letter's text was matched to."""
        return {_v(t.subject): _v(t.object) for t in self.graph.facts
                if t.predicate.value == _CONCEPT}


# The longest document the reader takes: its work grows faster than the text, and no letter
# or progress report comes near this (the corpus's longest is 9 kB).
MAX_LETTER_BYTES = 100_000


def read_letter(data: bytes, source: str, terms: Terminology,
                named_by_file: bool = True) -> ReadLetter:
    """Parse one letter; raises InputError naming the file when it cannot be read.

    A letter whose header gives no case number is identified by its file name, or, when it
    has none (`named_by_file=False`: a posted letter), by a digest of its text, so that two
    such letters never share a case graph and the same letter posted again replaces itself."""
    if len(data) > MAX_LETTER_BYTES:
        raise InputError(f"the document is {len(data)} bytes; the reader reads letters and "
                         f"reports of at most {MAX_LETTER_BYTES} bytes (an IMR letter is "
                         "about 10 kB): split it into its reports", source=source)
    cleaned = clean(decode(data, source))
    letter = split(cleaned, source)
    extracted = extract(letter, lexicon_for(terms))
    name = Path(source).stem if named_by_file else \
        "text-" + hashlib.sha256(data).hexdigest()[:16]
    return ReadLetter(source, letter, extracted, build(letter, extracted, name))


def _v(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | str) -> str:
    return str(getattr(term, "value", term))
