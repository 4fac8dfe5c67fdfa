"""Reports written by the treating therapist (a physical therapist's re-evaluation, an
acupuncturist's or a psychologist's update) name their own course by their title and tell its
visits as a field ("Visits completed: 12 (07/30/2019 - 10/03/2019)", "Visits: 12 of 12
authorized") and its result without naming it ("She now dresses and washes her hair without
help"). Also from the same work: a relief told on a line of its own after the procedure's
("Percent relief: approximately 85% for 6 hours, concordant with the duration of the local
anesthetic") is the procedure's, and a volume is no count of sessions ("(0.5 mL 0.5%
bupivacaine per nerve)")."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

PT_REPORT = """BAYSHORE PHYSICAL THERAPY & SPORTS REHAB
611 Harbor Point Blvd, Alameda, CA 94501
{title}
Patient: G. N.          DOI: 03/11/2019
Re-evaluation date: 10/08/2019           {field}
DIAGNOSIS: Right shoulder impingement syndrome.
SUBJECTIVE
She reports pain 3/10 at rest and 5/10 with reaching overhead.
She returned to modified duty on 09/16/2019 and now dresses and washes her hair without help.
ASSESSMENT
Good progress: flexion +45 deg, QuickDASH 59 -> 32.
PLAN / REQUEST FOR AUTHORIZATION
1. Additional physical therapy, right shoulder, 2x/week x 4 weeks (8 visits)
"""


def _courses(kb, text: str) -> list:
    read = read_letter(text.encode(), "report.txt", kb.terms)
    return [f for f in read.extracted.facts if f.kind == "prior"]


@pytest.mark.parametrize("title", ["PHYSICAL THERAPY RE-EVALUATION / PROGRESS REPORT",
                                   "Physical Therapy Progress Note",
                                   "PHYSICAL THERAPY PROGRESS SUMMARY / RE-EVALUATION"])
@pytest.mark.parametrize("field", ["Visits completed: 12 (07/30/2019 - 10/03/2019)",
                                   "Visits: 12 of 12 authorized (07/30/2019 - 10/03/2019)",
                                   "Sessions to date: 12 (07/30/2019 - 10/03/2019)"])
def test_a_therapist_s_report_tells_its_own_course(kb, title, field):
    [pt] = [f for f in _courses(kb, PT_REPORT.format(title=title, field=field))
            if f.concept == TERM + "PhysicalTherapy"]
    assert pt.props["sessions"] == 12
    assert str(pt.props["start"]) == "2019-07-30" and str(pt.props["end"]) == "2019-10-03"
    assert pt.props["response"].endswith("#FunctionalImprovement")


def test_a_clinic_s_name_alone_is_no_report_title(kb):
    """The letterhead names the clinic; no title line says whose report it is."""
    text = PT_REPORT.format(title="Letter to the adjuster", field="Visits completed: 12")
    assert not [f for f in _courses(kb, text) if f.concept == TERM + "PhysicalTherapy"
                and f.props.get("sessions") == 12]


def test_the_course_the_report_names_takes_what_its_title_gathered(kb):
    text = ("HIGH DESERT BEHAVIORAL MEDICINE\n\n"
            "PSYCHOLOGICAL TREATMENT UPDATE AND REQUEST FOR CONTINUED CARE\n"
            "Date of report: 07/23/2019\nDate of injury: 08/14/2018\n\n"
            "Treatment to date\nHe has attended six sessions of cognitive behavioral therapy, "
            "weekly, from 05/07/2019 to 07/16/2019.\n\n"
            "Progress\nHe is driving again for short errands, which he had not done since the "
            "injury.\n\nRequests\n1. Cognitive behavioral therapy, 6 additional sessions.\n")
    courses = _courses(kb, text)
    assert [f.concept.removeprefix(TERM) for f in courses] == ["CognitiveBehavioralTherapy"]
    assert courses[0].props["sessions"] == 6
    assert courses[0].props["response"].endswith("#FunctionalImprovement")


PROCEDURE = ("PROGRESS REPORT\nDate of injury: 02/19/2018\nDOS: 07/01/2020\n\n"
             "PROCEDURE FOLLOW-UP\n"
             "On 06/02/2020 he underwent diagnostic bilateral L4-5 and L5-S1 medial branch blocks "
             "(0.5 mL 0.5% bupivacaine per nerve, fluoroscopic guidance, no sedation).\n"
             "Post-block pain diary: pre-procedure 7/10; 1/10 at 30 minutes.\n"
             "{relief}\n\nPLAN:\n1. Bilateral L4-5 and L5-S1 radiofrequency ablation.\n")


@pytest.mark.parametrize("relief", [
    "Percent relief: approximately 85% for 6 hours, concordant with the duration of the local "
    "anesthetic.",
    "Relief: 85%, lasting about 6 hours.",
])
def test_a_relief_on_its_own_line_is_the_procedure_s(kb, relief):
    [block] = [f for f in _courses(kb, PROCEDURE.format(relief=relief))
               if f.concept.endswith("MedialBranchBlock")]
    assert block.props["relief_percent"] == 85
    assert block.props.get("sessions") is None  # "(0.5 mL ...": a volume, no count


def test_a_relief_after_a_drug_told_last_is_not_a_procedure_s(kb):
    text = PROCEDURE.format(relief="Norco 10/325 mg three times a day was started in 2019.\n"
                                   "Relief: 40%.")
    [block] = [f for f in _courses(kb, text) if f.concept.endswith("MedialBranchBlock")]
    assert block.props.get("relief_percent") is None


def test_a_report_naming_several_courses_keeps_them_apart(kb):
    text = ("HIGH DESERT BEHAVIORAL MEDICINE\n\n"
            "PSYCHOLOGICAL TREATMENT UPDATE\nSessions to date: 8\n"
            "Date of report: 07/23/2019\nDate of injury: 08/14/2018\n\n"
            "He has attended six sessions of cognitive behavioral therapy from 05/07/2019 to "
            "07/16/2019 and two sessions of biofeedback in June 2019.\n\n"
            "Requests\n1. Cognitive behavioral therapy, 6 additional sessions.\n")
    courses = _courses(kb, text)
    assert sorted(f.concept.removeprefix(TERM) for f in courses) == [
        "Biofeedback", "CognitiveBehavioralTherapy"]
    [cbt] = [f for f in courses if f.concept == TERM + "CognitiveBehavioralTherapy"]
    assert cbt.props["sessions"] == 6


CHIRO = """CASCADE VALLEY CHIROPRACTIC & SPINE CARE
2217 Orchard Ridge Road, Suite 4, Turlock, CA 95380

PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)
Chiropractic re-examination - SOAP format
Date of injury: 10/02/2015               Date of exam: 04/19/2016

S: SUBJECTIVE
Pt rates his LBP 4/10 today. At the initial visit of 11/03/2015 it was 8/10.
He has completed 12 chiropractic visits since 11/03/2015; he returned to full duty on 03/07/2016.
He did not tolerate cyclobenzaprine 5 mg in November 2015.

PLAN / REQUEST FOR AUTHORIZATION
1. Chiropractic manipulation, lumbar spine, 1 x 6 weeks (6 visits)
"""


def test_a_chiropractor_s_re_examination_tells_one_course(kb):
    courses = _courses(kb, CHIRO)
    chiro = [f for f in courses if "Manipulation" in f.concept]
    assert len(chiro) == 1 and chiro[0].props["sessions"] == 12
    assert chiro[0].props["response"].endswith("#FunctionalImprovement")
    # ("Pt rates": the patient)
    assert not any(f.concept == TERM + "PhysicalTherapy" for f in courses)


FLOWSHEET = """PROGRESS REPORT
Date of injury: 11/05/2018
DOS: 09/14/2021
He underwent a right total knee arthroplasty on 08/02/2021.

{title}
Date        {visit}  Flex  Ext   Gait                        Pain
08/09/2021  1       75    -10   FWW, household only         8/10
08/23/2021  5       88    -6    FWW                         6/10
09/13/2021  12      105   -2    cane, community 3 blocks    4/10

PLAN:
1. Post-operative physical therapy right knee x12.
"""


@pytest.mark.parametrize("title,visit", [("POST-OP PT FLOWSHEET (right knee)", "Visit#"),
                                         ("Physical therapy visit log", "Visit #"),
                                         ("PT flowsheet", "Visit no.")])
def test_a_therapy_flowsheet_counts_its_visits(kb, title, visit):
    text = FLOWSHEET.format(title=title, visit=visit.ljust(7))
    [pt] = [f for f in _courses(kb, text) if "PhysicalTherapy" in f.concept]
    assert pt.props["sessions"] == 12
    assert str(pt.props["start"]) == "2021-08-09" and str(pt.props["end"]) == "2021-09-13"


def test_a_table_of_visits_under_no_therapy_s_title_counts_nothing(kb):
    text = FLOWSHEET.format(title="VITALS LOG", visit="Visit#".ljust(7))
    assert not [f for f in _courses(kb, text) if f.props.get("sessions") == 12]
