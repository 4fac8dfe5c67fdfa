"""`mtus new recommendation`: append a recommendation skeleton to a guideline file and write
its three test cases (reasoner/authoring/scaffold.py makes them). Nothing is written unless
all of it parses and no file is overwritten."""

from __future__ import annotations

from pathlib import Path

from reasoner.authoring.scaffold import Knowledge, Request, Scaffold, scaffold
from reasoner.engine import intake, lint, terminology
from reasoner.engine.compile import relative
from reasoner.engine.home import home
from reasoner.engine.kb import ontology_files, parse_sources
from reasoner.errors import InputError, KnowledgeBaseError

__all__ = ["Request", "Scaffold", "knowledge", "new_recommendation"]
CASES = "tests/cases"
_PREFIXES = {"gl": "https://w3id.org/mtus-kg/guideline/",
             "term": "https://w3id.org/mtus-kg/term/",
             "mtus": "https://w3id.org/mtus-kg/ontology#",
             "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
             "skos": "http://www.w3.org/2004/02/skos/core#"}


def new_recommendation(req: Request, root: Path | None = None) -> Scaffold:
    root = Path(root) if root else home()
    out = scaffold(knowledge(root), req, CASES)
    taken = [p for p in out.cases if (root / p).exists()]
    if taken:
        raise InputError(f"{taken[0]} already exists: choose another --name", source="--name")
    target = root / out.guideline_file
    text = target.read_text(encoding="utf-8")
    added = _missing_prefixes(text) + out.turtle
    whole = text.rstrip("\n") + "\n\n" + added
    # Checked before anything is written: a scaffold that does not parse must not land.
    intake.parse(whole.encode(), "text/turtle", source=out.guideline_file)
    for path, case in out.cases.items():
        intake.parse(case.encode(), "text/turtle", source=path)
    target.write_text(whole, encoding="utf-8")
    for path, case in out.cases.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(case, encoding="utf-8")
    return out


def _missing_prefixes(text: str) -> str:
    """@prefix lines for those the scaffold writes and the file does not declare."""
    have = lint.Source("", text.encode(), []).prefixes
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in _PREFIXES.items() if p not in have)


def knowledge(root: Path) -> Knowledge:
    """The ontology files parsed, not compiled: a scaffold not yet filled in does not compile,
    and the author may want the next one before filling it."""
    index, sources, triples = parse_sources(
        {relative(path, root): path.read_bytes() for path in ontology_files(root)})
    if not sources:
        raise KnowledgeBaseError(f"no ontology files under {root / 'ontology'}")
    core = [t for name, src in sources.items() if name.endswith("mtus.ttl") for t in src.triples]
    return Knowledge(index, terminology.build(triples), sources, lint.Vocabulary(core))
