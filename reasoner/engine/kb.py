"""The knowledge base: ontology files loaded, terminology closed and guidelines compiled once.

`KnowledgeBase.load()` is the start-up cost; `reason_document()` is the per-request path and
does only parse, completeness and evaluation over the small case graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from reasoner.engine import completeness, intake, kbcache, lint, terminology
from reasoner.engine.casegraph import CaseGraph
from reasoner.engine.compile import Compiler, Index, Program, compile_program, relative
from reasoner.engine.decide import Determination, decide
from reasoner.engine.facts import CaseFacts, read_case
from reasoner.engine.home import home
from reasoner.errors import IncompleteCase, InputError, KnowledgeBaseError, Problem
from reasoner.vocab import TERM


def ontology_files(root: Path) -> list[Path]:
    onto = root / "ontology"
    files = [onto / "mtus.ttl"] + sorted((onto / "terminology").glob("*.ttl")) \
        + sorted((onto / "guidelines").glob("*.ttl"))
    return [f for f in files if f.exists()]


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def parse_sources(contents: dict[str, bytes]
                  ) -> tuple[Index, dict[str, lint.Source], list[ox.Triple]]:
    """The ontology files (name -> Turtle) parsed, not compiled: their index, each file as a
    lint source, and all their triples; a syntax error names its file."""
    index = Index()
    sources: dict[str, lint.Source] = {}
    triples: list[ox.Triple] = []
    for name, data in contents.items():
        try:
            parsed = intake.parse(data, "text/turtle", source=name)
        except InputError as exc:
            raise KnowledgeBaseError(exc.describe(), file=name) from None
        index.add(parsed, name)
        sources[name] = lint.Source(name, data, parsed)
        triples += parsed
    return index, sources, triples


def _compile(root: Path, contents: dict[str, bytes], shapes: Path) -> dict[str, Any]:
    """Parse the ontology files, check the authoring rules (lint), close the terminology,
    compile guidelines and case shapes. Runs only when the cache misses, so the rules cost
    nothing on a warm start."""
    index, sources, triples = parse_sources(contents)
    terms = terminology.build(triples)
    program, findings = _checked_program(index, terms, sources)
    return {"program": program, "triples": triples, "findings": findings,
            "checker": completeness.CaseChecker.load(shapes, terms),
            "sources": dict(index.files)}


def _checked_program(index: Index, terms: terminology.Terminology,
                     sources: dict[str, lint.Source]) -> tuple[Program, list[str]]:
    """The compiled program and every broken authoring rule (KnowledgeBase.load refuses a
    knowledge base with any). A compile error is raised as it is (its file and IRI) and
    carries the findings, which often say why (a misspelt parameter, a string number)."""
    core = [t for name, src in sources.items() if name.endswith("mtus.ttl") for t in src.triples]
    vocab = lint.Vocabulary(core)
    findings = [str(f) for f in lint.lint(list(sources.values()), vocab, index)]
    findings += [str(f) for f in lint.drug_label_strengths(
        list(sources.values()), lambda iri: terms.is_a(iri, TERM + "Drug"))]
    compiler = Compiler(index, terms)
    try:
        program = compile_program(index, terms, compiler)
    except KnowledgeBaseError as exc:
        if not findings:
            raise
        also = "".join(f"\n  {f}" for f in findings)
        raise KnowledgeBaseError(f"{exc.message}; the authoring rules also find:{also}",
                                 file=exc.file, iri=exc.iri,
                                 problems=[*findings, f"{exc} [compile]"]) from None
    findings += [str(f) for f in lint.unread_parameters(compiler.unread(), compiler.read,
                                                         index, sources, vocab)]
    return program, findings


@dataclass(frozen=True)
class CaseResult:
    case: str
    facts: CaseFacts
    determinations: list[Determination]
    triples: Sequence[ox.Triple]
    warnings: list[Problem]


class KnowledgeBase:
    def __init__(self, program: Program, triples: list[ox.Triple], files: list[str],
                 digest: str, root: Path, checker: completeness.CaseChecker,
                 sources: dict[str, str] | None = None) -> None:
        self.program = program
        self.sources = sources or {}  # subject IRI -> ontology file it is described in
        self._triples: list[ox.Triple] | None = triples
        self._triples_nt: bytes | None = None
        self.files = files
        self.digest = digest
        self.root = root
        self.checker = checker
        self.findings: list[str] = []  # broken authoring rules, when loaded with strict=False

    @classmethod
    def load(cls, root: Path | None = None, *, cache: bool | None = None,
             strict: bool = True) -> KnowledgeBase:
        """Load the ontology under `root`: from the compiled cache when one matches the files'
        content (see kbcache), else parse and compile them (and cache the result). Any broken
        authoring rule (engine/lint.py; cached with the compiled form) fails the load unless
        `strict` is False (`mtus impact` compares a revision from before a rule existed)."""
        root = Path(root) if root else home()
        files = ontology_files(root)
        if not files:
            raise KnowledgeBaseError(f"no ontology files under {root / 'ontology'}")
        contents = {relative(path, root): path.read_bytes() for path in files}
        sha = hashlib.sha256()
        for name, data in contents.items():
            sha.update(name.encode() + b"\0" + data)
        shapes = root / "shapes" / "case.ttl"
        use_cache = kbcache.enabled() if cache is None else cache
        key = kbcache.cache_key({**contents, "shapes/case.ttl": _read(shapes)}) \
            if use_cache else ""
        parts = kbcache.load(root, key) if use_cache else None
        if parts is None:
            parts = _compile(root, contents, shapes)
            if use_cache:
                nt = ox.serialize(parts["triples"], format=ox.RdfFormat.N_TRIPLES) or b""
                kbcache.save(root, key, {**parts, "triples": None, "triples_nt": nt})
        if strict and parts["findings"]:
            raise KnowledgeBaseError.from_problems(parts["findings"])
        kb = cls(parts["program"], parts["triples"], list(contents), sha.hexdigest()[:16],
                 root, parts["checker"], parts["sources"])
        kb.findings = parts["findings"]
        if parts["triples"] is None:
            kb._triples_nt = parts["triples_nt"]
        return kb

    @property
    def triples(self) -> list[ox.Triple]:
        """The ontology's triples. From the cache they are kept as N-Triples and read on first
        use: building 10k Python term objects is most of a warm start, and deciding a case
        never needs them (storing the guideline graph and the API catalogue do)."""
        if self._triples is None:
            data = self._triples_nt or b""
            self._triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
            self._triples_nt = None
        return self._triples

    @property
    def terms(self) -> terminology.Terminology:
        return self.program.terminology

    def parse(self, data: bytes, media_type: str, source: str = "<input>") -> CaseGraph:
        """The distinct triples of a case document, carrying the index the stages share."""
        return intake.parse(data, media_type, source=source)

    def validate(self, triples: Sequence[ox.Triple], source: str = "<input>") -> list[Problem]:
        """Completeness problems (violations and warnings) of a parsed case."""
        return self.checker.check(triples, source)

    def reason(self, triples: Sequence[ox.Triple], source: str = "<input>") -> CaseResult:
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
