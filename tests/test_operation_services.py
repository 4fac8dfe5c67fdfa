"""Services asked for with an operation in the same case (pre-operative testing or clearance,
an assistant surgeon, care after surgery): IMR decides a procedure's associated services with
it, so they are not medically necessary when the operation is not, whatever their own rules
say, and follow no operation when one asked for is necessary. Cases: gold graphs of heldout-ss,
whose letters so decide."""

from pathlib import Path

import pytest

from reasoner.engine.report import determination_report

SS = Path(__file__).resolve().parent / "reader" / "corpus" / "heldout-ss"


def _outcomes(kb, number: str) -> dict[str, tuple[str, list[str]]]:
    [path] = SS.glob(f"{number}-*.ttl")
    result = kb.reason(kb.parse(path.read_bytes(), "text/turtle", str(path)), str(path))
    reports = [determination_report(d) for d in result.determinations]
    return {r.service: (r.outcome, r.notes) for r in reports}


@pytest.mark.parametrize(("number", "operation", "services"), [
    # a fusion for degenerative disc disease without instability: its assistant surgeon (no
    # recommendation addresses one), pre-operative labs a diabetic would otherwise have, and a
    # brace for after it
    ("002", "L4-5 posterior lumbar interbody fusion with instrumentation",
     ["Assistant surgeon", "Pre-operative labs (CBC, BMP, PT/PTT, HbA1c)", "LSO brace"]),
    # a microdiscectomy without a matching radiculopathy: its medical clearance, recommended
    # before any operation
    ("005", "Right L5-S1 microdiscectomy", ["Assistant surgeon", "Pre-operative medical clearance",
                                            "Post-operative PT 2 x 6 lumbar spine"]),
])
def test_services_for_an_operation_not_needed_are_not_needed(kb, number, operation, services):
    found = _outcomes(kb, number)
    assert found[operation][0] == "not-medically-necessary"
    for service in services:
        outcome, notes = found[service]
        assert outcome == "not-medically-necessary", service
        if not service.startswith(("LSO", "Post-operative")):  # (not needed by their own rules)
            assert any(operation in n and "associated services" in n for n in notes), service


def test_a_service_for_a_needed_operation_is_decided_on_its_own(kb):
    # the ACDF is necessary: its collar by its own rule, the assistant surgeon not addressed
    found = _outcomes(kb, "007")
    assert found["ACDF C5-6"][0] == "medically-necessary"
    assert found["Cervical collar (post-operative)"][0] == "medically-necessary"
    assert found["Assistant surgeon"][0] == "not-addressed"


# Post-operative therapy asked for with its operation (not yet done) is decided by the
# Postsurgical Treatment Guidelines' rule for that operation, counted from the request date, as
# the letters do ("initial course of half the general course"), not by the chronic pain rules:
# each of these letters' decisions differed from the chronic pain rules' outcome.
@pytest.mark.parametrize(("path", "service", "outcome", "rule"), [
    # 12 visits after a total knee arthroplasty: within the initial course of 12 (overturned)
    ("heldout-ss/006", "Post-operative PT x 12, left knee", "medically-necessary",
     "pstg2009-total-knee-arthroplasty"),
    # 12 visits of OT after a carpal tunnel release: over the initial course of 4 (upheld)
    ("heldout-l/016", "Post-operative occupational therapy, 2 x 6 (12 visits)",
     "not-medically-necessary", "pstg2009-carpal-tunnel-release"),
    # 8 visits after a microdiscectomy: the initial course of 8 (overturned)
    ("imr-final/020", "Post-operative physical therapy 2x4 lumbar spine",
     "medically-necessary", "pstg2009-lumbar-discectomy"),
])
def test_therapy_with_its_operation_is_decided_as_care_after_it(kb, path, service, outcome,
                                                                 rule):
    [gold] = (SS.parent / path.split("/")[0]).glob(f"{path.split('/')[1]}-*.ttl")
    result = kb.reason(kb.parse(gold.read_bytes(), "text/turtle", str(gold)), str(gold))
    [report] = [r for r in map(determination_report, result.determinations)
                if r.service == service]
    assert (report.outcome, report.recommendation.iri.rsplit("/", 1)[-1]) == (outcome, rule)
    assert any("care after that operation" in n for n in report.notes)
