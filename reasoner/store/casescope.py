"""What a posted case may say: only things about itself.

A case document is stored as its own named graph, and every query sees the union of all graphs,
so a triple about another case's request, a guideline section or a reasoning run would read as
if it came from there (a forged "medically necessary" determination, say). A case may describe
the case node, IRIs in the case's own namespace and blank nodes; it may point at anything (the
terminology, guideline terms) as objects. Determinations and their criterion results come only
from reasoning runs, so their vocabulary is refused on any subject.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import pyoxigraph as ox

from reasoner.errors import MtusError
from reasoner.vocab import DET, GL, MTUS, PROV, RDF_TYPE, RUN, TERM, m

# Namespaces of the store's own data (the ontology, terminology, guidelines, runs, graphs) and
# the W3C vocabularies the guideline graph is built from: a case describing rdf:nil or owl:Class
# would add operands to every criterion list or axioms to every class.
VOCABULARIES = ("http://www.w3.org/", "https://www.w3.org/", "http://purl.org/",
                "http://xmlns.com/")
RESERVED = (MTUS, TERM, GL, DET, RUN, "https://w3id.org/mtus-kg/graph/", *VOCABULARIES)
ABOUT = m("about")  # what a recorded UR or IMR decision is about: a request
# What only a reasoning run writes (report.run_triples): its classes and properties.
RUN_CLASSES = frozenset({m("Determination"), m("CriterionResult"), PROV + "Activity"})
RUN_PROPERTIES = frozenset(m(p) for p in (
    "outcome", "imrEquivalent", "recommendation", "citedSection", "citation",
    "criterionResult", "sourceCriterion", "truth", "decisive", "usedFact", "usedFactCount",
    "message", "missingDocumentation", "wouldChange", "knowledgeBaseDigest")) | frozenset(
    PROV + p for p in ("wasGeneratedBy", "used", "endedAtTime"))


class ForeignData(MtusError):
    """A case document holds a triple that is not about the case."""

    code = "foreign-data"

    def __init__(self, message: str, triple: ox.Triple | ox.Quad) -> None:
        self.message = message
        self.triple = f"{triple.subject} {triple.predicate} {triple.object}"
        super().__init__(f"{message}: {self.triple}")

    def as_dict(self) -> dict:
        return {"triple": self.triple}


# Folders that hold many cases: a case named directly in one (".../case/evil") would own every
# case under it, letters not yet ingested included.
SHARED = ("https://w3id.org/mtus-kg/case/",)


# The name a case gives itself to own its folder: `https://example.org/case/1/case` owns
# `https://example.org/case/1/...` (the layout of letters and of the examples).
FOLDER_CASE = "case"


def namespace(case: str) -> tuple[str, ...]:
    """The IRI prefixes a case owns: the folder of its IRI when the case is named as the
    folder's case (`.../1/case` owns `.../1/...`) and the folder can be its own, else only
    what hangs under the case IRI itself (`<case>/...`, `<case>#...`). So a second case
    named into a folder (`.../1/case-2`) cannot write beside the first; and a folder is not
    its own when it is a scheme, a host's root or a shared folder of cases: `https:x` or
    `https://w3id.org/mtus-kg/case/x` must not own everything beside them."""
    folder = _folder_of(case)
    if case[len(folder):] == FOLDER_CASE and _own_folder(folder):
        return (folder,)
    # (not when "<case>/" is itself a shared folder or a host's root: a case named
    # "https://w3id.org/mtus-kg/case" or "https://example.org" owns only its fragments)
    return (case + "/", case + "#") if _own_folder(case + "/") else (case + "#",)


def check_case_iri(case: str) -> None:
    """A case in a shared folder of cases is named as its folder's case (`.../imr-1/case`, the
    layout of letters): another name there (`.../imr-1/worker`, `.../imr-1`) would take an IRI
    a letter not yet ingested will need, and block or contradict it."""
    if case.startswith(SHARED) and case[len(_folder_of(case)):] != FOLDER_CASE:
        raise ForeignData(f"a case in {SHARED[0]} must be named <folder>/{FOLDER_CASE} "
                          "(as letters are); this IRI is another node's", ox.Triple(
                              ox.NamedNode(case), ox.NamedNode(RDF_TYPE),
                              ox.NamedNode(m("Case"))))


def enclosing_cases(case: str, subjects: Iterable[str]) -> set[str]:
    """The cases whose folders hold this case's folder or one of its subjects (other than
    the case itself): `.../1/sub/case` lies in the folder of `.../1/case`, which it must not
    write into. The store refuses the write if one of them is stored."""
    out: set[str] = set()
    for iri in {case, *subjects}:
        folder = _folder_of(iri)
        while _own_folder(folder):
            if folder + FOLDER_CASE != case:
                out.add(folder + FOLDER_CASE)
            folder = _folder_of(folder[:-1])
    return out


def _folder_of(iri: str) -> str:
    return iri[:max(iri.rfind("/"), iri.rfind("#")) + 1]


def _own_folder(folder: str) -> bool:
    if not folder or any(shared.startswith(folder) for shared in SHARED + RESERVED):
        return False
    parts = urlsplit(folder)
    if parts.scheme in ("http", "https"):
        # a path below the host's root: "https://example.org/c1/", not "https://example.org/"
        return bool(parts.netloc) and parts.path.strip("/") != ""
    return bool(parts.scheme) and parts.path.count(":") + parts.path.count("/") >= 2


def _is_own(term, case: str, own: tuple[str, ...]) -> bool:  # noqa: ANN001
    return isinstance(term, ox.BlankNode) or (
        isinstance(term, ox.NamedNode) and (term.value == case or (
            term.value.startswith(own) and not term.value.startswith(RESERVED))))


def check(case: str, triples: Iterable[ox.Triple | ox.Quad]) -> tuple[set[str], set[str]]:
    """Raise ForeignData for the first triple a case may not write. Otherwise return the IRIs
    the triples have as subject and as object: what the store checks next, read in this pass
    since reading a term from a pyoxigraph triple is most of the cost."""
    check_case_iri(case)
    own = namespace(case)
    subjects: set[str] = set()
    objects: set[str] = set()
    for t in triples:
        subject, obj = t.subject, t.object
        if isinstance(subject, ox.NamedNode):
            iri = subject.value
            if iri not in subjects:
                if iri != case and (iri.startswith(RESERVED) or not iri.startswith(own)):
                    raise ForeignData("a case may only describe itself and IRIs under "
                                      f"{' or '.join(own)}; this triple is about something "
                                      "else", t)
                subjects.add(iri)
        elif isinstance(subject, ox.Triple):
            raise ForeignData("a case may not make statements about triples", t)
        if isinstance(obj, ox.NamedNode):
            objects.add(obj.value)
        predicate = t.predicate.value
        if predicate == ABOUT and not _is_own(obj, case, own):
            raise ForeignData("a decision recorded in a case may only be about this case's "
                              "own requests", t)
        if predicate in RUN_PROPERTIES or (predicate == RDF_TYPE
                                           and getattr(obj, "value", "") in RUN_CLASSES):
            raise ForeignData("determinations come only from reasoning runs; a case may not "
                              "state one", t)
    # checked by the store as objects are: refused if a stored graph describes one
    return subjects, objects | enclosing_cases(case, subjects)
