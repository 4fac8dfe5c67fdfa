"""When HermiT finds the knowledge base inconsistent, `mtus check` names the asserted axioms
that are (reasoner/authoring/justify.py): a minimal set, each with file, line and IRI.

The search is tested against a small reasoner of its own here (types, subclasses and disjoint
classes, which is all the planted inconsistencies need), and once with HermiT on a copy of the
whole knowledge base."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from reasoner.authoring.justify import HermitFailed, explain_inconsistency, justify
from reasoner.cli import main
from reasoner.engine.casegraph import Statement
from reasoner.vocab import OWL, RDF_TYPE, RDFS_SUBCLASS

ROOT = Path(__file__).resolve().parent.parent
DISJOINT = OWL + "disjointWith"
HEAD = """@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix gl:   <https://w3id.org/mtus-kg/guideline/> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def disjoint_types(triples: Sequence[Statement]) -> bool:
    """Inconsistent: an individual whose classes (with their superclasses) include two
    disjoint ones. Sound and complete for this fragment, as HermiT is for all of OWL 2."""
    parents: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    disjoint = set()
    for t in triples:
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p == RDFS_SUBCLASS:
            parents.setdefault(s, set()).add(o)
        elif p == DISJOINT:
            disjoint |= {(s, o), (o, s)}
        elif p == RDF_TYPE and not o.startswith(OWL):
            types.setdefault(s, set()).add(o)
    for classes in types.values():
        closed, todo = set(), list(classes)
        while todo:
            c = todo.pop()
            if c not in closed:
                closed.add(c)
                todo += parents.get(c, ())
        if any((a, b) in disjoint for a in closed for b in closed):
            return True
    return False


def files() -> dict[str, bytes]:
    """Sixty classes and forty individuals; one individual typed with two disjoint classes,
    one of them through a parent."""
    terms = HEAD + "term:t a owl:Ontology .\n" + "".join(
        f"term:C{i} a owl:Class ; rdfs:subClassOf term:C{i // 2} ; rdfs:label \"c{i}\" .\n"
        for i in range(1, 60))
    terms += ("term:Drug a owl:Class ; skos:definition \"a drug\"@en .\n"
              "term:Opioid a owl:Class ; rdfs:subClassOf term:Drug, term:C3 .\n"
              "term:Therapy a owl:Class ; rdfs:subClassOf term:C5 .\n"
              "term:Drug owl:disjointWith term:Therapy .\n")
    cases = HEAD + "gl:g a owl:Ontology .\n" + "".join(
        f"gl:i{i} a term:C{i} ; rdfs:label \"i{i}\" .\n" for i in range(1, 40))
    cases += "gl:bad a term:Opioid ;\n    a term:Therapy .\n"
    return {"terms.ttl": terms.encode(), "cases.ttl": cases.encode()}


def line(data: bytes, text: str) -> int:
    return data.decode()[:data.decode().index(text)].count("\n") + 1


def test_the_search_names_exactly_the_planted_axioms_with_file_and_line():
    data = files()
    runs = []

    def oracle(triples: Sequence[Statement]) -> bool:
        runs.append({t.predicate.value for t in triples})
        return disjoint_types(triples)

    found = justify(data, oracle, max_runs=100)
    assert found is not None and found.complete and found.runs == len(runs) < 40
    assert sorted(str(a) for a in found.axioms) == sorted([
        f"cases.ttl:{line(data['cases.ttl'], 'gl:bad')}: gl:bad: gl:bad a term:Opioid",
        f"cases.ttl:{line(data['cases.ttl'], 'a term:Therapy')}: gl:bad: gl:bad a term:Therapy",
        f"terms.ttl:{line(data['terms.ttl'], 'term:Opioid a')}: term:Opioid: "
        "term:Opioid rdfs:subClassOf term:Drug",
        f"terms.ttl:{line(data['terms.ttl'], 'term:Drug owl:disjointWith')}: term:Drug: "
        "term:Drug owl:disjointWith term:Therapy"])
    messages = found.messages()
    assert messages[0].startswith("HermiT: the ontology is inconsistent: these 4 asserted "
                                  "axioms together are (without any one of them it is "
                                  "consistent;")
    assert all(m.endswith("[inconsistent]") for m in messages[1:])
    # Declarations are in every run (an axiom keeps its meaning), annotations in none.
    assert all(RDF_TYPE in seen for seen in runs)
    assert not any(p.endswith(("#label", "#definition")) for seen in runs for p in seen)


def test_a_search_cut_short_still_answers_with_an_inconsistent_set():
    found = justify(files(), disjoint_types, max_runs=3)
    assert found is not None and not found.complete and found.runs == 3
    assert disjoint_types([t for a in found.axioms for t in a.triples])
    assert "the search stopped after its 3 HermiT runs (--hermit-runs)" in found.messages()[0]
    assert len(found.messages()) <= 22  # twenty axioms, then the rest counted by file
    assert found.messages()[-1].startswith("HermiT: and ") and "terms.ttl (" in \
        found.messages()[-1]


def test_subsets_hermit_fails_on_are_kept_and_said():
    calls = []

    def oracle(triples: Sequence[Statement]) -> bool:
        calls.append(1)
        if len(calls) in (3, 4):
            raise HermitFailed("java.lang.OutOfMemoryError")
        return disjoint_types(triples)

    found = justify(files(), oracle, max_runs=100)
    assert found is not None and found.failed > 0
    assert disjoint_types([t for a in found.axioms for t in a.triples])
    assert "failed and were counted as consistent" in found.messages()[0]


def test_a_budget_of_one_run_confirms_the_inconsistency_and_keeps_everything():
    found = justify(files(), disjoint_types, max_runs=1)
    assert found is not None and not found.complete and found.runs == 1
    assert len(found.axioms) > 100 and disjoint_types([t for a in found.axioms
                                                       for t in a.triples])


def test_no_budget_means_no_search(tmp_path):
    assert explain_inconsistency(tmp_path, [], 0) == [
        "HermiT: the ontology is inconsistent (pass --hermit-runs N to name the axioms "
        "involved)"]


def test_a_failure_on_the_whole_set_is_raised_and_no_budget_means_no_answer():
    def broken(triples: Sequence[Statement]) -> bool:
        raise HermitFailed("no java")

    with pytest.raises(HermitFailed):
        justify(files(), broken, max_runs=10)
    assert justify(files(), disjoint_types, max_runs=0) is None


def test_an_inconsistency_the_annotations_alone_make_is_not_narrowed():
    """Annotations are left out of the runs; if that made it consistent, say so."""
    assert justify(files(), lambda triples: any(
        t.predicate.value.endswith("#definition") for t in triples), max_runs=10) is None


@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_mtus_check_names_the_axioms_of_a_planted_inconsistency(tmp_path, monkeypatch, capsys):
    """An individual typed with two classes that are disjoint through a parent: `mtus check`
    lists the four axioms involved, and nothing else, by file, line and IRI."""
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    drugs = tmp_path / "ontology" / "terminology" / "drugs.ttl"
    cpmtg = tmp_path / "ontology" / "guidelines" / "cpmtg-2009.ttl"
    opioid = line(drugs.read_bytes(), "term:Opioid a owl:Class ; rdfs:subClassOf term:Drug")
    disjoint = drugs.read_text().count("\n") + 2
    drugs.write_text(drugs.read_text() + "\nterm:Drug owl:disjointWith term:PhysicalMedicine .\n")
    planted = cpmtg.read_text().count("\n") + 2
    cpmtg.write_text(cpmtg.read_text()
                     + "\ngl:cpmtg2009-zz-planted a term:Opioid, term:PhysicalMedicine .\n")
    monkeypatch.setenv("MTUS_HOME", str(tmp_path))
    monkeypatch.setenv("MTUS_KB_CACHE", "0")
    assert main(["check", "--no-tests"]) == 1
    err = capsys.readouterr().err
    axioms = [x for x in err.splitlines() if x.endswith("[inconsistent]")]
    assert "these 4 asserted axioms together are (without any one of them it is consistent" \
        in err
    assert sorted(axioms) == sorted([
        f"FAIL HermiT: ontology/terminology/drugs.ttl:{disjoint}: term:Drug: "
        "term:Drug owl:disjointWith term:PhysicalMedicine [inconsistent]",
        f"FAIL HermiT: ontology/terminology/drugs.ttl:{opioid}: term:Opioid: "
        "term:Opioid rdfs:subClassOf term:Drug [inconsistent]",
        f"FAIL HermiT: ontology/guidelines/cpmtg-2009.ttl:{planted}: gl:cpmtg2009-zz-planted: "
        "gl:cpmtg2009-zz-planted a term:Opioid [inconsistent]",
        f"FAIL HermiT: ontology/guidelines/cpmtg-2009.ttl:{planted}: gl:cpmtg2009-zz-planted: "
        "gl:cpmtg2009-zz-planted a term:PhysicalMedicine [inconsistent]"])


def test_the_run_budget_option(capsys):
    from reasoner import cli
    from reasoner.authoring import qc

    assert cli.HERMIT_RUNS == qc.HERMIT_RUNS  # the CLI's help states the default
    args = cli.parser().parse_args(["check", "--hermit-runs", "5"])
    assert args.hermit_runs == 5
    assert cli.parser().parse_args(["check"]).hermit_runs == qc.HERMIT_RUNS
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["check", "--hermit-runs", "-1"])
    assert "-1 is negative" in capsys.readouterr().err
