"""Checks for guideline authors, run by `mtus check`: authoring shapes over the ontology
files, OWL consistency and classification with HermiT (owlready2, needs Java; never on the
request path), and the guideline test cases with a coverage report."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from reasoner.engine import intake, lint
from reasoner.engine.casegraph import statements
from reasoner.engine.compile import relative
from reasoner.engine.completeness import to_rdflib
from reasoner.vocab import OWL_CLASS, RDF_TYPE, TERM, XSD, short


@dataclass
class CheckReport:
    failures: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def authoring_problems(kb) -> list[str]:
    """Authoring shapes over all ontology triples; each message names file, IRI and rule."""
    shapes = Graph().parse(kb.root / "shapes" / "authoring.ttl", format="turtle")
    conforms, report, _ = pyshacl.validate(to_rdflib(kb.triples), shacl_graph=shapes,
                                           inference="none", advanced=True)
    if conforms:
        return []
    out = []
    for result in report.subjects(predicate=SH.resultSeverity):
        focus = str(report.value(result, SH.focusNode))
        shape = report.value(result, SH.sourceShape)
        # A property shape is a blank node: the rule's name is its node shape's IRI.
        shape = shapes.value(predicate=SH.property, object=shape) or shape
        rule = str(shape).rsplit("#", 1)[-1] if isinstance(shape, URIRef) else "shape"
        out.append(f"{kb.sources.get(focus, '?')}: <{focus}>: "
                   f"{report.value(result, SH.resultMessage)} [{rule}]")
    return sorted(out)


def duplicate_declarations(kb) -> list[str]:
    """A class declared in two files: two authors edit one term apart, and labels or parents
    silently merge. Each term has one home file."""
    homes: dict[str, list[str]] = {}
    for rel in kb.files:
        for t in ox.parse((kb.root / rel).read_bytes(), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == RDF_TYPE and t.object.value == OWL_CLASS:
                homes.setdefault(t.subject.value, []).append(rel)
    return [f"{short(iri)} is declared in {len(files)} files: {', '.join(files)}"
            for iri, files in sorted(homes.items()) if len(files) > 1]


def owl_datatypes(t: ox.Triple) -> ox.Triple:
    """OWL 2 has no xsd:date (HermiT refuses it), so dates go out as xsd:dateTime."""
    o = t.object
    if isinstance(o, ox.NamedNode) and o.value == XSD + "date":
        o = ox.NamedNode(XSD + "dateTime")
    elif isinstance(o, ox.Literal) and o.datatype.value == XSD + "date":
        o = ox.Literal(o.value + "T00:00:00", datatype=ox.NamedNode(XSD + "dateTime"))
    return ox.Triple(t.subject, t.predicate, o)


def owl_export(kb, path: Path) -> Path:
    """N-Triples for owlready2, in OWL 2 datatypes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ox.serialize([owl_datatypes(t) for t in kb.triples],
                                  format=ox.RdfFormat.N_TRIPLES) or b"")
    return path


HERMIT_RUNS = 60  # HermiT runs to name the axioms of an inconsistency (~1 s each)


def hermit_problems(kb, build: Path, explain_runs: int = HERMIT_RUNS) -> list[str]:
    """Consistency, unsatisfiable classes, and subsumptions HermiT infers that the asserted
    hierarchy lacks (the run-time ancestor map would miss them, so they must be asserted).
    An inconsistency is explained by the asserted axioms it rests on (justify.py), found in
    at most `explain_runs` more HermiT runs."""
    if shutil.which("java") is None:
        return ["java not found: HermiT needs Java 17 (use --no-hermit to skip this check)"]
    import owlready2  # imported here: only `mtus check` needs it

    export = owl_export(kb, build / "merged.nt")
    world = owlready2.World()
    onto = world.get_ontology(export.resolve().as_uri()).load(format="ntriples")
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        from reasoner.authoring.justify import explain_inconsistency  # imports this module

        return explain_inconsistency(kb.root, kb.files, explain_runs)
    problems = [f"HermiT: {c.iri} is unsatisfiable" for c in world.inconsistent_classes()]
    for cls in world.classes():
        if not cls.iri.startswith(TERM):
            continue
        inferred = {a.iri for a in cls.ancestors() if a.iri.startswith(TERM)}
        asserted = kb.terms.ancestors.get(cls.iri, frozenset())
        for extra in sorted(inferred - asserted):
            problems.append(f"{kb.sources.get(cls.iri, '?')}: HermiT infers {short(cls.iri)} "
                            f"is a {short(extra)}; assert it so the run-time map has it")
    return problems


def case_file_problems(kb, paths: list[Path]) -> list[lint.Finding]:
    """Guideline test cases in the vocabulary the reasoner reads: a misspelt mtus: property
    (mtus:sesions) is ignored, so the test would pass or fail for the wrong reason; a term:
    IRI the terminology lacks matches nothing; a placeholder of `mtus new` is not filled in."""
    vocab = lint.Vocabulary(statements(kb.triples))
    known = sorted(kb.terms.ancestors)
    out = []
    for path in paths:
        data = path.read_bytes()
        name = relative(path, kb.root)
        src = lint.Source(name, data, intake.parse(data, "text/turtle", source=name))
        out += lint.placeholders(src) + lint.unknown_terms(src, vocab)
        used = {t.object.value for t in src.triples if t.object.value.startswith(TERM)}
        for iri in sorted(i for i in used if not kb.terms.known(i)):
            out.append(src.finding(iri, f"{short(iri)} is not a terminology class"
                                   f"{lint.suggest_term(iri, known)}", "unknown-term"))
    return out
