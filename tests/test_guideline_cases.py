"""Guideline test cases as data: every tests/cases/<guideline>/<case>.ttl must decide as its
expectations say, and every recommendation must be tested when met, not met and not
documented."""

from pathlib import Path

import pytest

from reasoner.authoring import casetests
from reasoner.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
FILES = casetests.discover(ROOT)


def test_there_are_case_files():
    assert FILES, f"no test cases under {CASES}"


def _param(path: Path):
    """A case whose expectation records a known reasoner gap (t:knownGap) must fail until the
    gap is fixed (strict xfail), so a fix is noticed."""
    try:
        gap = casetests.load_case_test(path).known_gap
    except InputError:
        gap = None  # the test itself reports the load error
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(path, id=str(path.relative_to(CASES)), marks=marks)


@pytest.mark.parametrize("path", [_param(p) for p in FILES])
def test_guideline_case(kb, path):
    failures = casetests.run_case_test(kb, casetests.load_case_test(path))
    print("\n".join(failures))
    assert not failures, "\n".join(failures)


def test_every_recommendation_is_tested_met_not_met_and_not_documented(kb):
    report = casetests.coverage(kb, [casetests.load_case_test(p) for p in FILES])
    gaps = [f"{iri}: {why}" for iri, why in casetests.three_outcome_gaps(kb, report)]
    assert not gaps, "\n".join(gaps)


def test_a_wrong_expectation_fails(kb, tmp_path):
    """The harness itself: a wrong outcome, decisive criterion, missing item or an unknown
    property is reported, and a request without an expectation is too."""
    seed = (CASES / "acoem-2004-low-back" / "seed-upheld.ttl").read_text()
    wrong = seed.replace('t:outcome "not-medically-necessary"', 't:outcome "medically-necessary"')
    wrong = wrong.replace("t:decisive gl:lbc2004-lumbar-xray-red-flag",
                          "t:decisive gl:lbc2004-lumbar-xray-management ;\n"
                          '    t:missing "no such item"')
    (tmp_path / "wrong.ttl").write_text(wrong)
    failures = casetests.run_case_test(kb, casetests.load_case_test(tmp_path / "wrong.ttl"))
    text = "\n".join(failures)
    assert "outcome is not-medically-necessary, expected medically-necessary" in text
    assert "first decisive criterion is gl:lbc2004-lumbar-xray-red-flag" in text
    assert "no missing item contains 'no such item'" in text

    (tmp_path / "typo.ttl").write_text(seed.replace("t:decisive", "t:decisve"))
    with pytest.raises(InputError, match="unknown property"):
        casetests.load_case_test(tmp_path / "typo.ttl")

    extra = seed.replace("mtus:request :req-dynamic-xray ;",
                         "mtus:request :req-dynamic-xray, :req-mri ;")
    extra += (':req-mri a mtus:TreatmentRequest ; mtus:concept term:LumbarMRI ;\n'
              '    mtus:requestDate "2015-07-30"^^xsd:date .\n')
    (tmp_path / "extra.ttl").write_text(extra)
    failures = casetests.run_case_test(kb, casetests.load_case_test(tmp_path / "extra.ttl"))
    assert any("req-mri>: request has no t:Expectation" in f for f in failures)
