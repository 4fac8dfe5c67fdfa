"""The strict authoring rules (reasoner/engine/lint.py): each mistake a guideline author can
make that used to load silently fails the load and `mtus check` with a message naming file,
line, IRI and rule. One test per mistake kind, each on a broken copy of the shipped files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reasoner import KnowledgeBase, KnowledgeBaseError
from reasoner.cli import main
from reasoner.workflows.check import check_knowledge_base

ROOT = Path(__file__).resolve().parent.parent
CPMTG = "ontology/guidelines/cpmtg-2009.ttl"
CPMTG16 = "ontology/guidelines/cpmtg-2016.ttl"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A copy of the knowledge base (ontology, shapes, the CPMTG 2016 test cases) to break."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "shapes", tmp_path / "shapes")
    shutil.copytree(ROOT / "tests" / "cases" / "cpmtg-2016",
                    tmp_path / "tests" / "cases" / "cpmtg-2016")
    return tmp_path


def edit(home: Path, file: str, old: str, new: str) -> int:
    """Replace the first `old` in the file; the 1-based line where the edit starts."""
    path = home / file
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    return text[:text.index(old)].count("\n") + 1


def problems(home: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as err:
        KnowledgeBase.load(home, cache=False)
    return err.value.problems


def one(found: list[str], rule: str) -> str:
    hits = [p for p in found if p.endswith(f"[{rule}]")]
    assert len(hits) == 1, found
    return hits[0]


def test_the_shipped_files_break_no_rule(kb):
    assert kb.program.recommendations  # KnowledgeBase.load raises on any finding


def test_a_misspelt_parameter_is_named_with_a_suggestion(home):
    line = edit(home, CPMTG, "mtus:countsPriorOf term:PhysicalMedicine",
                "mtus:countPriorOf term:PhysicalMedicine")
    found = one(problems(home), "unknown-property")
    assert found.startswith(f"{CPMTG}:{line}: mtus:countPriorOf: unknown property")
    assert "(did you mean mtus:countsPriorOf?)" in found


def test_a_parameter_of_another_kind_is_not_ignored(home):
    line = edit(home, CPMTG, "mtus:maxQuantity 10 ;", "mtus:maxQuantity 10 ; mtus:maxDays 70 ;")
    found = one(problems(home), "unused-parameter")
    assert found.startswith(f"{CPMTG}:{line}: gl:cpmtg2009-physical-medicine-max-10: "
                            "mtus:maxDays is not a parameter of mtus:RequestedQuantityWithin")


def test_a_number_written_as_a_string_is_a_wrong_datatype(home):
    line = edit(home, CPMTG, "mtus:maxQuantity 10 ;", 'mtus:maxQuantity "10" ;')
    found = one(problems(home), "wrong-datatype")
    assert found == (f'{CPMTG}:{line}: gl:cpmtg2009-physical-medicine-max-10: mtus:maxQuantity '
                     'must be an xsd:decimal, got "10" (xsd:string) [wrong-datatype]')


def test_an_unknown_value_is_named_with_a_suggestion(home):
    edit(home, CPMTG, "mtus:verification mtus:WorkingKnowledge",
         "mtus:verification mtus:WorkingKnowlege")
    assert "did you mean mtus:WorkingKnowledge?" in one(problems(home), "unknown-term")


def test_a_drug_label_carrying_a_strength(home):
    """"Norco 10/325" as a label would take the strength the reader reads after the name."""
    path = home / "ontology/terminology/drugs.ttl"
    path.write_text(path.read_text() + '\nterm:Naproxen skos:altLabel "Naprosyn 500 mg"@en .\n')
    line = path.read_text().count("\n")
    found = one(problems(home), "drug-label-strength")
    assert found.startswith(f"ontology/terminology/drugs.ttl:{line}: term:Naproxen: the label "
                            "'Naprosyn 500 mg' carries a strength")


def test_an_edition_ending_before_it_starts(home):
    line = edit(home, CPMTG16, 'mtus:inForceUntil "2017-11-30"', 'mtus:inForceUntil "2015-11-30"')
    found = one(problems(home), "dates-backwards")
    assert found == (f"{CPMTG16}:{line}: gl:chronic-pain-mtg-2016: mtus:inForceUntil 2015-11-30 "
                     "is before mtus:inForceFrom 2016-07-29 [dates-backwards]")


@pytest.mark.parametrize(("start", "rule", "words"), [
    ("2016-07-01", "editions-overlap", "overlaps gl:chronic-pain-mtg-2009, which is in force "
                                       "until 2016-07-28, from 2016-07-01"),
    ("2016-09-01", "editions-gap", "no edition is in force from 2016-07-29")])
def test_editions_of_a_guideline_neither_overlap_nor_leave_gaps(home, start, rule, words):
    line = edit(home, CPMTG16, 'mtus:inForceFrom "2016-07-29"', f'mtus:inForceFrom "{start}"')
    found = one(problems(home), rule)
    assert found.startswith(f"{CPMTG16}:{line}: gl:chronic-pain-mtg-2016: ") and words in found


def test_two_recommendations_for_one_service_and_edition(home):
    rival = ("gl:cpmtg2016-pt-rival a mtus:Recommendation ; rdfs:label \"rival\"@en ;\n"
             "    mtus:section gl:chronic-pain-mtg-2016-physical-medicine ;\n"
             "    mtus:appliesTo term:PhysicalMedicine ; mtus:polarity mtus:NotRecommended ;\n"
             "    mtus:statement \"x\" ; mtus:verification mtus:Uncertain .\n")
    with (home / CPMTG16).open("a") as f:
        f.write("\n" + rival)
    found = one(problems(home), "competing-recommendations")
    assert "competes with gl:cpmtg2016-physical-medicine-visits for term:PhysicalMedicine in " \
           "gl:chronic-pain-mtg-2016" in found


def test_a_limit_changed_without_its_statement_and_iri(home):
    """The issue's example: the physical medicine limit raised from 10 to 12 visits while the
    trace still says 'At most 10 visits' and the IRI ends in max-10."""
    edit(home, CPMTG, "mtus:maxQuantity 10 ;", "mtus:maxQuantity 12 ;")
    found = problems(home)
    assert "the statement does not state mtus:maxQuantity 12: \"At most 10 physical medicine" \
           in one(found, "statement-number")
    assert "the IRI says 10 but the parameters are mtus:maxQuantity 12" in one(found, "iri-number")


def test_a_term_declared_outside_the_imports(home):
    edit(home, "ontology/guidelines/acoem-2004-knee.ttl",
         ",\n        <https://w3id.org/mtus-kg/term/programs>", "")
    found = one(problems(home), "undeclared-import")
    assert found.startswith("ontology/guidelines/acoem-2004-knee.ttl:")
    assert "term:ArthroscopicMeniscectomy: is used but declared in " \
           "ontology/terminology/programs.ttl, which this file does not import" in found


def test_a_file_without_an_ontology_header(home):
    (home / "ontology" / "terminology" / "zz.ttl").write_text(
        "@prefix term: <https://w3id.org/mtus-kg/term/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "term:Zz a owl:Class .\n")
    assert one(problems(home), "no-ontology-header").startswith("ontology/terminology/zz.ttl:1:")


def test_a_compile_error_carries_the_findings_that_explain_it(home):
    edit(home, CPMTG, "mtus:maxQuantity 10 ;", "mtus:maxQuantiy 10 ;")
    found = problems(home)
    assert any("did you mean mtus:maxQuantity?" in p for p in found)
    assert any("missing required mtus:maxQuantity" in p and p.endswith("[compile]")
               for p in found)


def test_the_three_outcome_rule_is_enforced_by_check(home):
    cases = home / "tests" / "cases" / "cpmtg-2016"
    for path in cases.glob("carisoprodol*.ttl"):
        path.unlink()
    report = check_knowledge_base(hermit=False, root=home, guideline="cpmtg-2016")
    assert any(f.startswith("three-outcome rule: gl:cpmtg2016-carisoprodol-not-recommended "
                            f"({CPMTG16}): 0 expectation(s)") for f in report.failures), \
        report.failures


def test_check_names_a_misspelt_property_in_a_test_case(home):
    case = sorted((home / "tests" / "cases" / "cpmtg-2016").glob("*.ttl"))[0]
    text = case.read_text()
    assert "mtus:requestDate" in text
    case.write_text(text.replace("mtus:requestDate", "mtus:requestDat", 1))
    report = check_knowledge_base(hermit=False, root=home, guideline="cpmtg-2016")
    assert any(f.startswith("test case: tests/cases/cpmtg-2016/") and "mtus:requestDat" in f
               and "did you mean mtus:requestDate?" in f for f in report.failures), \
        report.failures


def test_mtus_check_and_reason_report_the_rule_without_a_traceback(home, monkeypatch, capsys):
    edit(home, CPMTG, "mtus:maxQuantity 10 ;", 'mtus:maxQuantity "10" ;')
    monkeypatch.setenv("MTUS_HOME", str(home))
    monkeypatch.setenv("MTUS_KB_CACHE", "0")
    assert main(["check", "--no-hermit"]) == 1
    err = capsys.readouterr().err
    assert f"FAIL authoring: {CPMTG}:" in err and "[wrong-datatype]" in err
    assert main(["reason", str(ROOT / "examples" / "seed-case.ttl"), "--no-store"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("knowledge base error: 1 authoring problem(s)")
    assert "[wrong-datatype]" in err and "Traceback" not in err


def test_check_one_guideline(home, capsys, monkeypatch):
    monkeypatch.setenv("MTUS_HOME", str(home))
    assert main(["check", "--no-hermit", "--guideline", "cpmtg-2016"]) == 0
    out = capsys.readouterr().out
    assert "checking ontology/guidelines/cpmtg-2016.ttl only" in out
    assert "gl:cpmtg2016-physical-medicine-visits" in out
    assert "gl:cpmtg2009-" not in out
    assert main(["check", "--guideline", "no-such"]) == 2
    assert "no guideline 'no-such': one of acoem-2004-ankle-foot, acoem-2004-consultations" \
        in capsys.readouterr().err


def test_the_trace_prints_the_values_it_compared(capsys):
    case = ROOT / "tests" / "cases" / "cpmtg-2009" / "physical-medicine-10-visits.ttl"
    assert main(["reason", str(case), "--no-store"]) == 0
    assert "= 4 prior + 6 requested = 10 <= 10 (the limit); supported now: 6" \
        in capsys.readouterr().out


# mtus impact ---------------------------------------------------------------------------------

def test_impact_of_the_physical_medicine_limit_lists_the_flips_and_the_shared_criterion(home):
    """The issue's example: the CPMTG 2009 physical medicine limit raised from 10 to 12."""
    from reasoner.workflows.impact import impact

    shutil.rmtree(home / "tests" / "cases")
    shutil.copytree(ROOT / "tests" / "cases", home / "tests" / "cases")
    edit(home, CPMTG, "mtus:maxQuantity 10 ;", "mtus:maxQuantity 12 ;")
    report = impact(str(ROOT), root=home)
    assert report.decided >= 400 and report.edited == ["gl:cpmtg2009-physical-medicine-max-10"]
    groups = report.groups()
    pt = next(v for (rec, _), v in groups.items() if rec == "gl:cpmtg2009-physical-medicine-visits")
    flip = next(f for f in pt if f.case == "cpmtg-2009/physical-medicine-11-visits.ttl")
    assert flip.before.startswith("not-medically-necessary") \
        and flip.after.startswith("medically-necessary")
    assert flip.criteria[0] == "gl:cpmtg2009-physical-medicine-max-10 (edited): not-met -> met"
    assert any(rec == "gl:cpmtg2009-aquatic-therapy" for rec, _ in groups)
    assert ("gl:cpmtg2009-physical-medicine-max-10 is edited and shared by 2 recommendations: "
            "gl:cpmtg2009-aquatic-therapy, gl:cpmtg2009-physical-medicine-visits") \
        in report.warnings
    assert any("[statement-number]" in w for w in report.warnings)  # not strict: a warning


def test_impact_against_a_git_revision_and_a_bad_one(capsys):
    assert main(["impact", "HEAD"]) == 0
    assert "requested services decided under both" in capsys.readouterr().out
    assert main(["impact", "no-such-revision"]) == 2
    assert "neither a knowledge-base directory nor a git revision" in capsys.readouterr().err
