"""`mtus new recommendation`: the skeleton of a recommendation and its three test cases, whose
placeholders fail `mtus check` by name until filled in, and which once filled in passes."""

from __future__ import annotations

import functools
import inspect
import re
import shutil
from pathlib import Path

import pytest

from reasoner import KnowledgeBase, KnowledgeBaseError
from reasoner.authoring.scaffold import FILL, Recorder, Request, parameters, scaffold
from reasoner.cli import main
from reasoner.engine import intake, lint
from reasoner.engine.compile import NodeReader
from reasoner.engine.criteria import REGISTRY
from reasoner.workflows.check import check_knowledge_base
from reasoner.workflows.scaffold import knowledge

ROOT = Path(__file__).resolve().parent.parent
CPMTG = "ontology/guidelines/cpmtg-2009.ttl"
TERM = ("term:ZzScaffoldTherapy a owl:Class ; rdfs:subClassOf term:PsychologicalTreatment ;\n"
        "    skos:prefLabel \"scaffold therapy\"@en ;\n"
        "    skos:definition \"A behavioural treatment made up for the scaffold tests.\"@en .\n")
NEW = ["new", "recommendation", "--guideline", "cpmtg-2009", "--service",
       "term:ZzScaffoldTherapy", "--kind", "mtus:RequestedQuantityWithin"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the knowledge base with a service no recommendation covers yet."""
    for folder in ("ontology", "shapes", "tests/cases/cpmtg-2009"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    procedures = tmp_path / "ontology" / "terminology" / "procedures.ttl"
    procedures.write_text(procedures.read_text() + "\n" + TERM)
    monkeypatch.setenv("MTUS_HOME", str(tmp_path))
    monkeypatch.setenv("MTUS_KB_CACHE", "0")
    return tmp_path


def cases(home: Path) -> dict[str, Path]:
    folder = home / "tests" / "cases" / "cpmtg-2009"
    return {o: folder / f"scaffold-therapy-{o}.ttl" for o in ("met", "not-met", "not-documented")}


def failures(home: Path) -> list[str]:
    report = check_knowledge_base(hermit=False, root=home, guideline="cpmtg-2009")
    return report.failures


def fill(path: Path, values: dict[str, str]) -> None:
    """Replace each placeholder line's value, the way an author would."""
    text = path.read_text()
    for start, value in values.items():
        found = re.search(rf'"{re.escape(FILL)} {re.escape(start)}[^"]*"(@en)?', text)
        assert found, (start, text)
        text = text[:found.start()] + value + text[found.end():]
    path.write_text(text)


def test_the_scaffold_fails_check_by_name_until_filled_in_then_passes(home, capsys):
    before = (home / CPMTG).read_text()
    assert main(NEW) == 0
    out = capsys.readouterr().out
    assert "appended to ontology/guidelines/cpmtg-2009.ttl: gl:cpmtg2009-scaffold-therapy " \
           "(mtus:RecommendedWithLimits), its criterion " \
           "gl:cpmtg2009-scaffold-therapy-requested-quantity-within and its section " \
           "gl:chronic-pain-mtg-2009-scaffold-therapy" in out
    assert all(f"wrote tests/cases/cpmtg-2009/scaffold-therapy-{o}.ttl" in out
               for o in ("met", "not-met", "not-documented"))
    text = (home / CPMTG).read_text()
    assert text.startswith(before) and "gl:cpmtg2009-scaffold-therapy a mtus:Recommendation" \
        in text
    # 1. Unfilled, the knowledge base does not load: each placeholder named, file and line.
    with pytest.raises(KnowledgeBaseError):
        KnowledgeBase.load(home, cache=False)
    found = [f for f in failures(home) if f.endswith("[placeholder]")]
    line = text.count("\n", 0, text.index('mtus:maxQuantity "FILL:')) + 1
    assert f"authoring: {CPMTG}:{line}: gl:cpmtg2009-scaffold-therapy-requested-quantity-" \
           f"within: mtus:maxQuantity is a placeholder to fill in: \"{FILL} a number\" " \
           "[placeholder]" in found
    assert len(found) == text.count(f'"{FILL}')
    assert main(["check", "--no-hermit", "--guideline", "cpmtg-2009"]) == 1
    assert "[placeholder]" in capsys.readouterr().err
    # 2. The recommendation filled in: now the test cases' placeholders fail, by name.
    fill(home / CPMTG, {
        "the section title": '"Behavioral interventions"@en',  # rdfs:label, the first
        "the section title as": '"Behavioral interventions"',
        "the pages": '"23"',
        "what the guideline says": '"Scaffold therapy: an initial trial of 3-4 visits."',
        "mtus:Verified": "mtus:WorkingKnowledge",
        "the source": '"CPMTG 2009, Behavioral interventions, p. 23 [K]."@en',
        "a number": "4",
        "a term: class": "term:ZzScaffoldTherapy",
        "the criterion in plain words": '"At most 4 scaffold therapy visits, prior ones '
                                        'included (3-4 visits)"',
        "what to ask for": '"The number of scaffold therapy visits requested"',
    })
    fill(home / CPMTG, {"mtus:Verified": "mtus:WorkingKnowledge"})  # the criterion's tag
    # (an optional parameter the author does not need: its line deleted, as it says)
    text = (home / CPMTG).read_text()
    (home / CPMTG).write_text(re.sub(r'\n[ \t]*mtus:hoursPerUnit "[^"]*" ;', "", text))
    KnowledgeBase.load(home, cache=False)  # strict: every authoring rule holds
    found = failures(home)
    assert any(f.startswith("test case: tests/cases/cpmtg-2009/scaffold-therapy-met.ttl:")
               and "mtus:bodyRegion is a placeholder to fill in" in f for f in found), found
    assert any(f.startswith("three-outcome rule: gl:cpmtg2009-scaffold-therapy ") for f in found)
    # 3. The cases filled in as the worked example's: check passes, the three outcomes tested.
    for outcome, path in cases(home).items():
        values = {"a term: body region": "term:LumbarSpine",
                  "a term: condition": "term:MyalgiaMyositis",
                  "the diagnosis in words": '"chronic lumbar myofascial pain"',
                  "Met:" if outcome == "met" else "Not": '"what it tests"'}
        if outcome == "not-documented":
            values["words of the criterion"] = '"scaffold therapy visits requested"'
        fill(path, values)
        quantity = {"met": " ; mtus:quantity 4 ; mtus:unit mtus:Visit",
                    "not-met": " ; mtus:quantity 8 ; mtus:unit mtus:Visit"}.get(outcome, "")
        text = path.read_text()
        path.write_text(text.replace('"^^xsd:date .\n# ', f'"^^xsd:date{quantity} .\n# ', 1))
    report = check_knowledge_base(hermit=False, root=home, guideline="cpmtg-2009")
    # (only what concerns the scaffold: the guideline file may be mid-edit in the checkout)
    assert [f for f in report.failures if "scaffold" in f or "placeholder" in f] == []
    row = next(x for x in report.info if x.startswith("gl:cpmtg2009-scaffold-therapy "))
    assert row.split()[2] == "3"


def test_the_test_cases_follow_the_worked_example(home):
    assert main(NEW) == 0
    guide = (ROOT / "docs" / "authoring.md").read_text()
    example = re.search(r"# new file tests/cases/cpmtg-2009/biofeedback-trial-4-visits.ttl\n"
                        r"(.*?)```", guide, re.DOTALL)
    assert example
    met = cases(home)["met"].read_text()
    # The same prefixes, then the same nodes in the same order.
    assert met.split("@prefix :")[0] == example.group(1).split("@prefix :")[0]
    order = [":case a mtus:Case", ":worker a mtus:InjuredWorker", ":injury a mtus:Injury",
             ":dx a mtus:Diagnosis", ":req a mtus:TreatmentRequest", ":expect a t:Expectation"]
    assert [met.index(x) for x in order] == sorted(met.index(x) for x in order)
    assert "<https://w3id.org/mtus-kg/case/test/cpmtg-2009/scaffold-therapy-met/>" in met
    assert 't:outcome "medically-necessary"' in met and \
           "t:decisive gl:cpmtg2009-scaffold-therapy-requested-quantity-within" in met
    documented = cases(home)["not-documented"].read_text()
    assert 't:outcome "insufficient-documentation"' in documented and "t:missing" in documented


@pytest.mark.parametrize(("args", "source", "words"), [
    (["--guideline", "no-such"], "--guideline", "no guideline 'no-such': one of "),
    (["--service", "term:ZzScaffoldTherap"], "--service",
     "term:ZzScaffoldTherap is not a terminology class (did you mean term:ZzScaffoldTherapy?)"),
    (["--kind", "mtus:RequestedQuantityWithn"], "--kind",
     "mtus:RequestedQuantityWithn is not a criterion kind (did you mean "
     "mtus:RequestedQuantityWithin?)"),
    (["--section", "gl:no-such-section"], "--section", "gl:no-such-section is not a section "
     f"of {CPMTG}; its sections are gl:chronic-pain-mtg-2009-"),
    (["--section", "gl:chronic-pain-mtg-2016-physical-medicine"], "--section",
     f"gl:chronic-pain-mtg-2016-physical-medicine is not a section of {CPMTG}"),
    (["--name", "Not A Slug"], "--name", "'Not A Slug' is not a slug")])
def test_bad_options_are_refused_and_nothing_is_written(home, capsys, args, source, words):
    before = (home / CPMTG).read_text()
    argv = list(NEW)
    for key, value in zip(args[::2], args[1::2], strict=True):
        if key in argv:
            argv[argv.index(key) + 1] = value
        else:
            argv += [key, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {source}: ") and words in err and "Traceback" not in err
    assert (home / CPMTG).read_text() == before
    assert not any(p.exists() for p in cases(home).values())


def test_an_existing_iri_or_test_case_is_refused(home, capsys):
    assert main(NEW) == 0
    capsys.readouterr()
    text = (home / CPMTG).read_text()
    assert main(NEW) == 2
    err = capsys.readouterr().err
    line = text[:text.index("gl:cpmtg2009-scaffold-therapy a mtus:Recommendation")].count("\n")
    assert f"gl:cpmtg2009-scaffold-therapy already exists ({CPMTG}:{line + 1}): choose " \
           "another --name" in err
    assert (home / CPMTG).read_text() == text
    cases(home)["met"].rename(cases(home)["met"].with_name("other-met.ttl"))
    for path in cases(home).values():
        path.unlink(missing_ok=True)
    (home / "tests/cases/cpmtg-2009/other-met.ttl").write_text("# taken\n")
    assert main([*NEW, "--name", "other"]) == 2
    assert "tests/cases/cpmtg-2009/other-met.ttl already exists" in capsys.readouterr().err
    assert (home / CPMTG).read_text() == text


def test_an_existing_section_is_cited_and_a_rival_is_warned_of(home, capsys):
    argv = ["new", "recommendation", "--guideline", "cpmtg-2009", "--service",
            "term:PhysicalMedicine", "--kind", "TreatmentTried", "--name", "pt-rival",
            "--section", "gl:chronic-pain-mtg-2009-physical-medicine",
            "--polarity", "RecommendedWithCriteria"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    text = (home / CPMTG).read_text()
    added = text[text.index("gl:cpmtg2009-pt-rival a mtus:Recommendation"):]
    assert "mtus:section gl:chronic-pain-mtg-2009-physical-medicine ;" in added
    assert "mtus:polarity mtus:RecommendedWithCriteria ;" in added
    assert "a mtus:Section" not in added and "and its section" not in captured.out
    # Every parameter TreatmentTried reads, required first as compile() reads them.
    assert 'mtus:ofClass "FILL: a term: class" ;' in added
    assert 'mtus:minSessions "FILL: a whole number, or delete this line" ;' in added
    assert 'mtus:requiredResponse "FILL: one of mtus:' in added and "(repeatable)" in added
    assert "already applies to term:PhysicalMedicine in gl:chronic-pain-mtg-2009" \
        in captured.err


@pytest.mark.parametrize("kind", sorted(REGISTRY), ids=lambda k: k.rsplit("#", 1)[-1])
def test_every_kind_scaffolds_to_turtle_whose_placeholders_the_rules_find(kind):
    """Each kind's skeleton parses, names every parameter compile() reads, and each of its
    placeholders is a finding of the placeholder rule."""
    know = _shipped()
    out = scaffold(know, Request("cpmtg-2009", "term:PhysicalMedicine", kind,
                                 name="zz-" + kind.rsplit("#", 1)[-1].lower()), "tests/cases")
    params, needs = parameters(kind)
    for text, name in [(out.turtle, CPMTG), *((c, p) for p, c in out.cases.items())]:
        head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        data = (head + text).encode()
        triples = intake.parse(data, "text/turtle", source=name)
        found = lint.placeholders(lint.Source(name, data, triples))
        assert len(found) == text.count(f'"{FILL}')
    assert all(f"mtus:{p.local} \"{FILL}" in out.turtle for p in params)
    if needs:
        assert "delete the others" in out.turtle


def test_the_recorder_stands_in_for_every_reader_method():
    """parameters() reads the kinds through Recorder: a NodeReader method it lacked would
    hide the parameters read through it."""
    public = {n for n, f in inspect.getmembers(NodeReader, inspect.isfunction)
              if not n.startswith("_")}
    assert public <= set(dir(Recorder)), public - set(dir(Recorder))
    params, needs = parameters("https://w3id.org/mtus-kg/ontology#AgeWithin")
    assert [p.local for p in params] == ["minAge", "maxAge"] and "minAge" in (needs or "")


PREFIXES = {"gl": "https://w3id.org/mtus-kg/guideline/", "term": "https://w3id.org/mtus-kg/term/",
            "mtus": "https://w3id.org/mtus-kg/ontology#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "skos": "http://www.w3.org/2004/02/skos/core#"}
@functools.cache
def _shipped():
    return knowledge(ROOT)  # parsed once for the kinds' cases


def test_a_placeholder_in_a_test_case_is_named_without_running_it(home):
    path = home / "tests" / "cases" / "cpmtg-2009" / "physical-medicine-10-visits.ttl"
    text = path.read_text()
    path.write_text(text.replace('rdfs:comment "', f'rdfs:comment "{FILL} ', 1))
    found = failures(home)
    assert [f for f in found if "physical-medicine-10-visits" in f] == [
        next(f for f in found if f.endswith("[placeholder]"))], found
