"""Record-by-record chronologies, where a later entry changes what an earlier one said: a drug
that helped and then no longer did, a taper planned and then given up, a second block on
another day with its own relief, screens named again only by their dates. Each snippet is read
as part of a small progress report."""

from __future__ import annotations

import pytest
from reader_texts import imr_letter_facts

from reasoner.reader.letter import read_letter
from reasoner.reader.responses import response_of
from reasoner.vocab import MTUS, TERM


def _facts(kb, snippet: str, plan: str = "1. Acupuncture x6."):
    text = f"PROGRESS REPORT\n\nDOS: 03/04/2025\n\nHistory. {snippet}\n\nPLAN:\n{plan}\n"
    return read_letter(text.encode(), "snippet.txt", kb.terms).extracted.facts


def _of(facts, kind: str, concept: str):
    return [f for f in facts if f.kind == kind and f.concept == TERM + concept]


@pytest.mark.parametrize("sentence", [
    "Meloxicam stopped working.", "It has stopped helping.", "The patches lost their effect.",
    "The TENS unit ceased being effective.",
])
def test_a_benefit_that_ended_is_no_improvement(sentence):
    assert response_of(sentence) == "NoImprovement"


@pytest.mark.parametrize("sentence", [
    "He stopped working in 2019.", "She stopped working after the injury.",
])
def test_a_person_who_stopped_working_says_nothing_of_a_treatment(sentence):
    assert response_of(sentence) is None


@pytest.mark.parametrize("later", [
    "On 08/13/2024, he reported that meloxicam no longer helped; he walked with a cane.",
    "By 08/2024 meloxicam had stopped working.",
    "On 08/13/2024 the meloxicam lost its effect and he could not manage stairs.",
])
def test_a_later_entry_that_a_drug_no_longer_helps_outweighs_the_earlier_gain(kb, later):
    facts = _facts(kb, "Per the 06/15/2020 PR-2, meloxicam 15 mg daily was started. The "
                       "09/14/2020 note documented that with meloxicam he could again walk 30 "
                       f"minutes and finish his shifts. {later}")
    [drug] = _of(facts, "medication", "Meloxicam")
    assert drug.props["response"] == MTUS + "NoImprovement"


def test_screens_named_again_by_their_dates_are_screens(kb):
    facts = _facts(kb, "The urine drug screen of 05/12/2024 was positive for alprazolam, which "
                       "was not prescribed. After counseling, the screens of 08/11/2024 and "
                       "11/10/2024 were consistent with oxycodone only.")
    screens = sorted((f.props["on_date"].isoformat(), f.props["assessment_result"])
                     for f in _of(facts, "assessment", "UrineDrugScreen"))
    assert screens == [("2024-05-12", MTUS + "Inconsistent"),
                       ("2024-08-11", MTUS + "Consistent"), ("2024-11-10", MTUS + "Consistent")]


def test_a_bare_screen_with_no_screen_before_is_not_read():
    # (no urine drug screen was named before: "the screens" may be any screening)
    from reasoner import KnowledgeBase
    facts = _facts(KnowledgeBase.load(), "The screens of 08/11/2024 and 11/10/2024 were "
                                         "negative for depression.")
    assert not _of(facts, "assessment", "UrineDrugScreen")


@pytest.mark.parametrize("ended", [
    "Per the 6/17/24 PR-2, the taper was stopped after a flare, and the dose was returned to 15 "
    "mg four times a day.",
    "In June 2024 the taper plan was abandoned.",
    "The provider halted the taper after a flare.",
])
def test_a_taper_given_up_is_no_taper_plan(kb, ended):
    before = _facts(kb, "On 03/18/2024, the provider documented a plan to taper oxycodone to "
                        "10 mg four times a day over three months.")
    assert _of(before, "assessment", "OpioidTaperPlan")
    after = _facts(kb, "On 03/18/2024, the provider documented a plan to taper oxycodone to "
                       f"10 mg four times a day over three months. {ended}")
    assert not _of(after, "assessment", "OpioidTaperPlan")


@pytest.mark.parametrize(("snippet", "concept", "expected"), [
    ("Diagnostic bilateral L3-4 medial branch blocks on 10/24/2022 gave 30% relief lasting four "
     "hours. On 03/13/2023, facet loading was positive. Diagnostic bilateral L4-5 medial branch "
     "blocks on 04/17/2023 gave 80% relief for six hours.", "MedialBranchBlock",
     [("2022-10-24", 30.0), ("2023-04-17", 80.0)]),
    ("A lumbar ESI on 01/05/2021 gave 20% relief. An ESI on 06/01/2021 gave 70% relief for 3 "
     "months.", "EpiduralSteroidInjection", [("2021-01-05", 20.0), ("2021-06-01", 70.0)]),
    # the same procedure told twice on its one day is one course
    ("A lumbar ESI on 01/05/2021 gave 20% relief. The ESI on 01/05/2021 was done under "
     "fluoroscopy.", "EpiduralSteroidInjection", [("2021-01-05", 20.0)]),
])
def test_a_procedure_on_another_day_is_another_course(kb, snippet, concept, expected):
    courses = sorted((f.props["on_date"].isoformat(), f.props.get("relief_percent"))
                     for f in _of(_facts(kb, snippet), "prior", concept))
    assert courses == expected


def test_a_gain_in_function_said_later_is_the_fuller_statement_of_meds_help(kb):
    facts = _facts(kb, "Naproxen 550 mg twice a day was started on 10/02/2012. The PR-2 of "
                       "11/20/2014 reads \"LBP 7/10, meds help.\" The treating physician writes "
                       "that naproxen \"lets him finish his full 8-hour shift and walk his dog "
                       "around the block,\" which he could not do before it was started.")
    [drug] = _of(facts, "medication", "Naproxen")
    assert drug.props["response"] == MTUS + "FunctionalImprovement"


AFTER_TKA = ("On 09/22/2020 he had a right total knee arthroplasty. He had 18 sessions of PT in "
             "2019 before it, without lasting benefit.\n- Home PT: 6 visits since discharge "
             "(09/25/2020 to 10/05/2020). Knee flexion is up from 75 to 95 degrees and he now "
             "walks out to the mailbox with the walker, which he could not do the first week.")


def test_postsurgical_therapy_and_a_course_of_another_year(kb):
    text = (f"PROGRESS REPORT\n\nDOS: 10/08/2020\n\nHistory. {AFTER_TKA}\n\nPLAN:\n"
            "1. Outpatient post-op physical therapy, right knee, 2x/week x 6 weeks.\n")
    facts = read_letter(text.encode(), "r.txt", kb.terms).extracted.facts
    before = _of(facts, "prior", "PhysicalTherapy")
    after = _of(facts, "prior", "PostsurgicalPhysicalTherapy")
    assert [f.props.get("sessions") for f in before] == [18]
    assert [f.props.get("sessions") for f in after] == [6]
    # the gain told with the walker is the therapy's
    assert after[0].props.get("response") == MTUS + "FunctionalImprovement"


@pytest.mark.parametrize(("snippet", "sessions"), [
    ("She received 6 home physical therapy visits after discharge on 09/06/2019.", 6),
    ("Per the therapy note he had completed 12 post-operative sessions of physical therapy.", 12),
])
def test_a_count_with_a_setting_or_a_hyphenated_word_between(kb, snippet, sessions):
    courses = [f for f in _facts(kb, snippet) if f.kind == "prior"
               and f.concept in (TERM + "PhysicalTherapy", TERM + "PostsurgicalPhysicalTherapy")]
    assert [f.props.get("sessions") for f in courses] == [sessions]


@pytest.mark.parametrize("sentence", [
    "walking with a cane for 200 feet instead of a walker for 50 feet",
    "She walks 30 minutes instead of 10.",
])
def test_a_gain_told_against_the_figure_before(sentence):
    assert response_of(sentence) == "FunctionalImprovement"


@pytest.mark.parametrize("dated", ["[{}]", "{}.", "{} -"])
def test_entries_opened_by_their_dates_each_a_statement(kb, dated):
    """A chronology of entries, each opened by its date in brackets or closed by a full stop
    ("[06/05/2019] Occupational medicine (PTP): ...", "08/23/2016. Operative report: ..."):
    each entry is read on its own (they had run together: the referral of one entry made the
    next entry's course a plan, the drugs and courses unread)."""
    days = ["06/05/2019", "08/13/2019", "11/19/2019", "12/10/2019"]
    text = ("The following entries summarize the records in chronological order.\n\n"
            f"{dated.format(days[0])} Occupational medicine (PTP): Swollen, bruised right hand; "
            "x-rays of the right hand showed no fracture. Ibuprofen 800 mg three times a day "
            "and a splint were given.\n\n"
            f"{dated.format(days[1])} PTP: Burning pain out of proportion to the injury, with "
            "allodynia over the dorsum of the hand. Referred to hand therapy.\n\n"
            f"{dated.format(days[2])} Hand therapy discharge: Eighteen occupational therapy "
            "visits including desensitization and graded motor imagery. Grip strength was "
            "unchanged at 8 kg.\n\n"
            f"{dated.format(days[3])} Pain management: CRPS type I of the right upper extremity "
            "was diagnosed. Gabapentin 600 mg three times a day was started.")
    facts = imr_letter_facts(kb, text, "Right stellate ganglion block",
                             summary="The injured worker is a 29-year-old meat packer.",
                             report="08/18/2020")
    assert _of(facts, "medication", "Ibuprofen") and _of(facts, "medication", "Gabapentin")
    assert _of(facts, "prior", "OccupationalTherapy")
