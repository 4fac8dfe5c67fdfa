"""The DWC PR-2 form as practices fill it in: the form's own headings and boxes are not the
case, its treatment plan (headed with the form's instructions in brackets over several lines)
is the request, and its address and work-status boxes are not studies or UR decisions."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

FORM = """STATE OF CALIFORNIA                              DIVISION OF WORKERS' COMPENSATION
PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)

Check the box(es) which indicate why you are submitting a report at this time.
[X] Periodic report (required 45 days after last report)   [ ] Change in treatment plan
[ ] Change in work status   [ ] Need for referral or consultation   [ ] Other
[ ] Need for surgery or hospitalization   [X] Request for authorization

Patient:   Last OKONJO-BRANDT       First TOMAS        Sex M      Date of birth 02/03/1970
Address:   {address}         City Elk Grove   State CA
Date of Injury: 06/14/2019
Date of this visit: 02/11/2020

SUBJECTIVE COMPLAINTS:
Neck pain 5/10 with ibuprofen, no radiation into the arms.
[X] No bowel/bladder changes    [ ] Fever/chills    [ ] Unexplained weight loss

OBJECTIVE FINDINGS:
Cervical rotation 50 deg right, 60 deg left. Spurling: neg bilat.
Red flags: [ ] present  [X] absent

DIAGNOSES:{column}
1. Cervical sprain/strain                                S13.4XXA
2. Myofascial pain, cervical paraspinals                 M79.1

TREATMENT TO DATE:
Physical therapy: 6 visits, 08/01/2019 - 09/20/2019, no change in function.

TREATMENT PLAN (include treatment rendered to date; list methods, frequency and duration of
planned treatment(s); specify consultation/referral, surgery and hospitalization; specify type,
frequency and duration of physical medicine services (e.g., physical therapy, acupuncture):
1. Acupuncture cervical spine 2x/wk x 3 wks (6 visits) - Request for authorization.
2. MRI cervical spine w/o contrast - Request for authorization.
3. Continue ibuprofen 800 mg TID.

WORK STATUS: Given this date, the patient has been instructed to:
[X] Return to modified duty on 02/11/2020 with the following limitations or restrictions:
    No lifting over 15 lbs.
"""


def _read(kb, address: str = "4410 Quillan Ct", column: str = "          ICD-10"):
    text = FORM.format(address=address, column=column)
    return read_letter(text.encode(), "pr2.txt", kb.terms)


def _facts(read, kind: str):
    return [f for f in read.extracted.facts if f.kind == kind]


def test_the_forms_treatment_plan_is_the_request(kb):
    requests = {f.concept.removeprefix(TERM) for f in _facts(_read(kb), "request")}
    assert {"Acupuncture", "CervicalMRI"} <= requests
    # (the reasons for the report ticked at its head are not requests)
    assert not requests & {"Surgery", "SpecialistConsultation"}


@pytest.mark.parametrize("address", ["4410 Quillan Ct", "12 N. Alder Brook CT", "4410 Quillan Ct."])
def test_a_court_in_an_address_is_no_ct_scan(kb, address):
    studies = [f.concept for f in _facts(_read(kb, address=address), "study")]
    assert TERM + "ComputedTomography" not in studies


def test_modified_duty_is_no_ur_decision(kb):
    assert not _facts(_read(kb), "ur")


@pytest.mark.parametrize("column", ["          ICD-10", "   ICD-10-CM", "  ICD-9 codes", ""])
def test_diagnoses_headed_with_a_code_column(kb, column):
    diagnoses = {f.concept.removeprefix(TERM) for f in _facts(_read(kb, column=column),
                                                              "diagnosis")}
    assert "CervicalSprainStrain" in diagnoses


def test_the_forms_boxes_deny_and_answer(kb):
    findings = {(f.concept.removeprefix(TERM), f.props.get("present"))
                for f in _facts(_read(kb), "finding")}
    assert ("CaudaEquinaSigns", False) in findings
    assert ("RedFlagSpinalPathology", False) in findings
    assert not any(present for concept, present in findings
                   if concept in ("CaudaEquinaSigns", "RedFlagSpinalPathology"))
