"""The knowledge base: ontology files loaded, terminology closed and guidelines compiled once.

`KnowledgeBase.load()` is the start-up cost; `reason_document()` is the per-request path and
does only parse, completeness and evaluation over the small case graph.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from reasoner import completeness, intake, terminology
from reasoner.compile import Index, Program, compile_program, relative
from reasoner.errors import IncompleteCase, InputError, KnowledgeBaseError
from reasoner.evaluate import Determination, decide
from reasoner.facts import CaseFacts, read_case

ROOT = Path(__file__).resolve().parent.parent


def ontology_files(root: Path) -> list[Path]:
    onto = root / "ontology"
    files = [onto / "mtus.ttl"] + sorted((onto / "terminology").glob("*.ttl")) \
        + sorted((onto / "guidelines").glob("*.ttl"))
    return [f for f in files if f.exists()]


@dataclass(frozen=True)
class CaseResult:
    case: str
    facts: CaseFacts
    determinations: list[Determination]
    triples: list[ox.Triple]
    warnings: list


class KnowledgeBase:
    def __init__(self, program: Program, triples: list[ox.Triple], files: list[str],
                 digest: str, root: Path, checker: completeness.CaseChecker,
                 sources: dict[str, str] | None = None) -> None:
        self.program = program
        self.sources = sources or {}  # subject IRI -> ontology file it is described in
        self.triples = triples
        self.files = files
        self.digest = digest
        self.root = root
        self.checker = checker

    @classmethod
    def load(cls, root: Path | None = None) -> KnowledgeBase:
        root = Path(root or os.environ.get("MTUS_HOME") or ROOT)
        files = ontology_files(root)
        if not files:
            raise KnowledgeBaseError(f"no ontology files under {root / 'ontology'}")
        index, triples, sha = Index(), [], hashlib.sha256()
        for path in files:
            data = path.read_bytes()
            sha.update(relative(path, root).encode() + b"\0" + data)
            try:
                parsed = intake.parse(data, "text/turtle", source=relative(path, root))
            except InputError as exc:
                raise KnowledgeBaseError(exc.describe(), file=relative(path, root)) from None
            index.add(parsed, relative(path, root))
            triples += parsed
        terms = terminology.build(triples)
        program = compile_program(index, terms)
        checker = completeness.CaseChecker.load(root / "shapes" / "case.ttl", terms)
        return cls(program, triples, [relative(f, root) for f in files], sha.hexdigest()[:16],
                   root, checker, dict(index.files))

    @property
    def terms(self) -> terminology.Terminology:
        return self.program.terminology

    def parse(self, data: bytes, media_type: str, source: str = "<input>") -> list[ox.Triple]:
        return intake.parse(data, media_type, source=source)

    def validate(self, triples: list[ox.Triple], source: str = "<input>") -> list:
        """Completeness problems (violations and warnings) of a parsed case."""
        return self.checker.check(triples, source)

    def reason(self, triples: list[ox.Triple], source: str = "<input>") -> CaseResult:
        problems = self.validate(triples, source)
        violations = [p for p in problems if p.severity == "violation"]
        if violations:
            raise IncompleteCase(violations, source)
        facts = read_case(triples, source)
        return CaseResult(facts.case, facts, decide(self.program, facts), triples,
                          [p for p in problems if p.severity != "violation"])

    def reason_document(self, data: bytes, media_type: str,
                        source: str = "<input>") -> CaseResult:
        return self.reason(self.parse(data, media_type, source), source)
