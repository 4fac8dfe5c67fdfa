"""Letters in, case graphs plus the reviewer's record out; one store transaction per letter.

A batch goes on past a bad file: each file gets its result or its error, and a letter that
fails is stored not at all (the graph is built in memory first, then written in one SPARQL
update, which the store applies atomically).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reasoner.errors import InputError, MtusError
from reasoner.letters.clean import clean, decode
from reasoner.letters.extract import Extracted, extract
from reasoner.letters.graph import LetterGraph, build
from reasoner.letters.layout import Letter, split
from reasoner.letters.lexicon import lexicon_for

LETTER_SUFFIXES = (".txt", ".text")


@dataclass(frozen=True)
class ReadLetter:
    source: str
    letter: Letter
    extracted: Extracted
    graph: LetterGraph

    def summary(self) -> dict:
        return {"source": self.source, "case": self.graph.case, "layout": self.letter.layout,
                "items": [{"name": i.name, "recorded_outcome": i.outcome}
                          for i in self.letter.items],
                "facts": len(self.graph.facts), "record": len(self.graph.record)}


@dataclass(frozen=True)
class Outcome:
    source: str
    read: ReadLetter | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def read_letter(data: bytes, source: str, kb) -> ReadLetter:
    """Parse one letter; raises InputError naming the file when it cannot be read."""
    cleaned = clean(decode(data, source))
    letter = split(cleaned, source)
    extracted = extract(letter, lexicon_for(kb.terms))
    return ReadLetter(source, letter, extracted, build(letter, extracted, Path(source).stem))


def letter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the letter files directly inside each directory (not below it:
    a corpus keeps its deliberately unreadable samples in a subdirectory)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in LETTER_SUFFIXES)
        else:
            files.append(path)
    return files


def read_files(files: list[Path], kb,
               progress: Callable[[int, int, str], None] | None = None) -> Iterator[Outcome]:
    for n, path in enumerate(files, 1):
        if progress:
            progress(n, len(files), str(path))
        try:
            if not path.is_file():
                raise InputError("no such file", source=str(path))
            yield Outcome(str(path), read=read_letter(path.read_bytes(), str(path), kb))
        except InputError as exc:
            yield Outcome(str(path), error=exc.describe())
        except (MtusError, ValueError, OSError) as exc:
            yield Outcome(str(path), error=f"{path}: {exc}")


def ingest(files: list[Path], kb, store,
           progress: Callable[[int, int, str], None] | None = None) -> list[Outcome]:
    """Read and store each letter in its own transaction; errors are per file."""
    results = []
    for outcome in read_files(files, kb, progress):
        if outcome.read is not None:
            try:
                store.save_letter(outcome.read.graph.case, outcome.read.graph.triples)
            except MtusError as exc:
                outcome = Outcome(outcome.source, error=f"{outcome.source}: {exc}")
        results.append(outcome)
    return results


def progress_bar(stream) -> Callable[[int, int, str], None]:
    """A one-line progress bar for batches, redrawn in place on `stream` (stderr)."""
    def show(n: int, total: int, name: str) -> None:
        width = 30
        filled = width * n // max(total, 1)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {n}/{total} "
                     f"{Path(name).name[:40]:40}")
        if n == total:
            stream.write("\n")
        stream.flush()
    return show
