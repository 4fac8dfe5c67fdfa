"""The guideline graph compiles once; bad content fails at load naming file, IRI and term."""

import shutil
from pathlib import Path

import pytest

from reasoner import KnowledgeBase, KnowledgeBaseError

ROOT = Path(__file__).resolve().parent.parent
HEAD = """@prefix gl: <https://w3id.org/mtus-kg/guideline/> .
@prefix term: <https://w3id.org/mtus-kg/term/> .
@prefix mtus: <https://w3id.org/mtus-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
gl:zz-bad a owl:Ontology ; owl:imports gl:acoem-2004-low-back .
gl:bad-rec a mtus:Recommendation ; mtus:section gl:acoem-low-back-2004-special-studies ;
    mtus:appliesTo term:DiagnosticImaging ; mtus:polarity mtus:RecommendedWithCriteria ;
    mtus:statement "x" ; mtus:verification mtus:Verified ; mtus:criterion gl:bad-crit .
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "shapes", tmp_path / "shapes")
    return tmp_path


def _load_with(root: Path, extra: str) -> KnowledgeBase:
    (root / "ontology" / "guidelines" / "zz-bad.ttl").write_text(HEAD + extra)
    return KnowledgeBase.load(root)


def test_the_shipped_knowledge_base_compiles(kb):
    assert kb.program.recommendations
    assert all(r.section.edition.guideline for r in kb.program.recommendations)


def test_unknown_criterion_kind_names_file_and_iri(root):
    with pytest.raises(KnowledgeBaseError) as err:
        _load_with(root, "gl:bad-crit a mtus:NoSuchKind .\n")
    assert err.value.file.endswith("zz-bad.ttl")
    assert err.value.iri == "https://w3id.org/mtus-kg/guideline/bad-crit"
    assert "mtus:NoSuchKind" in str(err.value)


def test_unknown_term_names_the_term(root):
    with pytest.raises(KnowledgeBaseError, match="term:NoSuchFinding") as err:
        _load_with(root, "gl:bad-crit a mtus:FindingPresent ; mtus:ofClass term:NoSuchFinding .\n")
    assert err.value.file.endswith("zz-bad.ttl")


def test_missing_parameter_is_named(root):
    with pytest.raises(KnowledgeBaseError, match="mtus:maxQuantity"):
        _load_with(root, "gl:bad-crit a mtus:RequestedQuantityWithin .\n")


def test_bad_number_is_named(root):
    with pytest.raises(KnowledgeBaseError, match="must be a number"):
        _load_with(root, 'gl:bad-crit a mtus:RequestedDurationWithin ; mtus:maxDays "ten" .\n')


def test_hours_per_unit_must_be_positive(root):
    # a zero would divide a request written in hours by nothing
    with pytest.raises(KnowledgeBaseError, match="mtus:hoursPerUnit must be above 0"):
        _load_with(root, "gl:bad-crit a mtus:RequestedQuantityWithin ; mtus:maxQuantity 10 ;"
                         " mtus:hoursPerUnit 0 .\n")


def test_self_reference_is_refused(root):
    with pytest.raises(KnowledgeBaseError, match="refers to itself"):
        _load_with(root, "gl:bad-crit a mtus:Not ; mtus:operands ( gl:bad-crit ) .\n")


def test_not_takes_one_operand(root):
    extra = ("gl:bad-crit a mtus:Not ; mtus:operands ( gl:a gl:b ) .\n"
             "gl:a a mtus:DiagnosisOf ; mtus:ofClass term:Insomnia .\n"
             "gl:b a mtus:DiagnosisOf ; mtus:ofClass term:Insomnia .\n")
    with pytest.raises(KnowledgeBaseError, match="exactly 1 operands"):
        _load_with(root, extra)


def test_turtle_syntax_error_names_file_and_line(root):
    with pytest.raises(KnowledgeBaseError) as err:
        _load_with(root, "gl:bad-crit a mtus:Not ; ;; (\n")
    assert "zz-bad.ttl:" in str(err.value)


def test_compiled_program_is_immutable(kb):
    rec = kb.program.recommendations[0]
    with pytest.raises(AttributeError):
        rec.statement = "changed"  # type: ignore[misc]


def test_unconditional_polarities_take_no_criterion(root):
    extra = "gl:bad-crit a mtus:AgeWithin ; mtus:minAge 18 .\n"
    text = HEAD.replace("mtus:RecommendedWithCriteria", "mtus:Recommended") + extra
    (root / "ontology" / "guidelines" / "zz-bad.ttl").write_text(text)
    with pytest.raises(KnowledgeBaseError, match="takes no mtus:criterion"):
        KnowledgeBase.load(root)


def test_repeatable_parameters_compile(root):
    kb = _load_with(root, "gl:bad-crit a mtus:RequestTypeIs ; "
                          "mtus:acceptedType term:Rental, term:Trial .\n")
    rec = next(r for r in kb.program.recommendations if r.iri.endswith("bad-rec"))
    assert len(rec.criterion.accepted) == 2


CARRIED = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
gl:zz-guide a mtus:Guideline ; rdfs:label "ZZ"@en ; mtus:citationTitle "ZZ Guideline" ;
    mtus:sourceKind mtus:MTUSSource .
gl:zz-2020 a mtus:Edition ; rdfs:label "ZZ 2020"@en ; mtus:guideline gl:zz-guide ;
    mtus:editionLabel "2020" ; mtus:verification mtus:Verified ;
    mtus:inForceFrom "2030-01-01"^^xsd:date ; mtus:inForceUntil "2030-12-31"^^xsd:date .
gl:zz-2021 a mtus:Edition ; rdfs:label "ZZ 2021"@en ; mtus:guideline gl:zz-guide ;
    mtus:editionLabel "2021" ; mtus:verification mtus:Verified ;
    mtus:inForceFrom "2031-01-01"^^xsd:date .
gl:zz-section a mtus:Section ; rdfs:label "S"@en ; mtus:sectionTitle "Special studies" ;
    mtus:edition gl:zz-2021, gl:zz-2020 .
gl:bad-crit a mtus:FindingPresent ; mtus:ofClass term:RedFlagSpinalPathology ;
    mtus:statement "x" ; mtus:verification mtus:Verified .
gl:zz-rec a mtus:Recommendation ; rdfs:label "R"@en ; mtus:section gl:zz-section ;
    mtus:appliesTo term:LumbarMRI ; mtus:polarity mtus:NotRecommended ;
    mtus:statement "Not recommended." ; mtus:verification mtus:Verified .
"""


def test_a_section_carried_into_a_later_edition_is_cited_under_the_one_in_force(root):
    import datetime as dt
    program = _load_with(root, CARRIED).program
    recs = [r for r in program.recommendations if r.iri.endswith("/zz-rec")]
    assert sorted(r.section.edition.label for r in recs) == ["2020", "2021"]
    covering = [r for r, _ in program.covering("https://w3id.org/mtus-kg/term/LumbarMRI")
                if r.iri.endswith("/zz-rec")]
    assert sorted(r.section.edition.label for r in covering) == ["2020", "2021"]
    section = "https://w3id.org/mtus-kg/guideline/zz-section"
    assert program.section(section, dt.date(2030, 6, 1)).edition.label == "2020"
    assert program.section(section, dt.date(2032, 6, 1)).edition.label == "2021"


def test_a_section_in_editions_of_two_guidelines_is_refused(root):
    other = CARRIED.replace("mtus:edition gl:zz-2021, gl:zz-2020",
                            "mtus:edition gl:zz-2021, gl:chronic-pain-mtg-2009")
    with pytest.raises(KnowledgeBaseError, match="editions of one guideline"):
        _load_with(root, other)
