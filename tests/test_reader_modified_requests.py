"""Phrasings from IMR letters on requests utilization review modified (written for them by
authors who never saw the reader): a screen "positive only for" a drug on record is
consistent; raised work hours are a gain, not a worsening; a drug "prescribed at discharge on"
a day began then, whatever date heads the note; drugs "given" at a dated visit told before
them began that day; and a clause of what was done ends a denial before it ("without
radiation and was given cyclobenzaprine" gives the drug)."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

HEAD = "PROGRESS REPORT\nDate of injury: 01/02/2014\nDOS: 03/04/2019\n\n"


def _read(kb, said: str, plan: str = "Tramadol ER 150 mg #30."):
    text = f"{HEAD}{said}\n\nPLAN:\n1. {plan}\n"
    return read_letter(text.encode(), "note.txt", kb.terms).extracted.facts


def _courses(facts) -> dict:
    return {f.concept.removeprefix(TERM): f for f in facts if f.kind in ("medication", "prior")}


@pytest.mark.parametrize("said", [
    "Tramadol ER 150 mg once a day was started in 2016. A urine drug screen on 01/10/2017 was "
    "positive only for tramadol.",
    "He takes tramadol ER 150 mg daily. UDS 01/10/2017 detected only tramadol.",
])
def test_a_screen_positive_only_for_a_drug_taken_is_consistent(kb, said):
    [screen] = [f for f in _read(kb, said) if f.kind == "assessment"]
    assert screen.props["assessment_result"].endswith("#Consistent")


def test_a_screen_positive_only_for_a_drug_not_on_record_is_not_called_consistent(kb):
    said = ("He takes tramadol ER 150 mg daily. A urine drug screen on 01/10/2017 was positive "
            "only for oxycodone.")
    [screen] = [f for f in _read(kb, said) if f.kind == "assessment"]
    assert not screen.props["assessment_result"].endswith("#Consistent")


@pytest.mark.parametrize("said", [
    "Meloxicam 15 mg daily was started on 02/06/2019; at the 04/09/2019 visit he reported that "
    "he could again mow his lawn and had increased his work hours from 4 to 6 a day.",
    "Meloxicam 15 mg daily was started on 02/06/2019; since then she has increased her work "
    "hours to full time.",
])
def test_more_work_hours_on_a_drug_are_a_gain(kb, said):
    drug = _courses(_read(kb, said, "Meloxicam 15 mg #30."))["Meloxicam"]
    assert drug.props["response"].endswith("#FunctionalImprovement")


def test_pain_that_increased_is_still_a_worsening(kb):
    said = "Meloxicam 15 mg daily was started on 02/06/2019; it increased her stomach pain."
    drug = _courses(_read(kb, said, "Meloxicam 15 mg #30."))["Meloxicam"]
    assert not drug.props.get("response", "").endswith("#FunctionalImprovement")


@pytest.mark.parametrize("said", [
    "Oxycodone/acetaminophen 5/325 mg, one to two tablets every 6 hours as needed, was "
    "prescribed at discharge on 07/10/2018.",
    "Percocet 5/325 mg every 4 to 6 hours as needed for pain was prescribed upon discharge "
    "on 07/10/2018.",
])
def test_a_drug_prescribed_at_discharge_began_that_day(kb, said):
    drug = _courses(_read(kb, said, "Percocet 5/325 mg #60."))["Oxycodone"]
    assert str(drug.props["start"]) == "2018-07-10"


@pytest.mark.parametrize("said", [
    "She was seen on 07/08/2014 with axial low back pain without radiation and was given "
    "cyclobenzaprine 7.5 mg twice a day and naproxen 550 mg twice a day.",
    "On 07/08/2014 she had no numbness, and she was given cyclobenzaprine 7.5 mg twice a day "
    "and naproxen 550 mg twice a day.",
])
def test_drugs_given_after_a_denial_in_a_dated_visit(kb, said):
    courses = _courses(_read(kb, said, "Cyclobenzaprine 7.5 mg #60."))
    for name in ("Cyclobenzaprine", "Naproxen"):
        assert courses[name].kind == "medication"
        assert str(courses[name].props["start"]) == "2014-07-08"


def test_a_denial_still_covers_what_it_lists(kb):
    facts = _read(kb, "She has no numbness or weakness and was given naproxen 550 mg.",
                  "Naproxen 550 mg #60.")
    assert not any(f.kind == "finding" and f.props["present"] for f in facts
                   if f.concept in (TERM + "MotorWeakness",))


@pytest.mark.parametrize("said", [
    "Alprazolam 0.5 mg twice a day was started by a prior physician on 09/10/2018 and he has "
    "taken it continuously since.",
    "Alprazolam 0.5 mg twice a day was prescribed by his prior PCP on 09/10/2018 and is still "
    "taken.",
])
def test_a_prior_prescriber_does_not_make_a_past_course(kb, said):
    drug = _courses(_read(kb, said, "Alprazolam 0.5 mg #60."))["Alprazolam"]
    assert drug.kind == "medication"


def test_a_prior_course_is_still_a_past_course(kb):
    said = "She had a prior course of alprazolam 0.5 mg in 2017."
    drug = _courses(_read(kb, said, "Alprazolam 0.5 mg #60."))["Alprazolam"]
    assert drug.kind == "prior"


@pytest.mark.parametrize("said", [
    "A CURES report run on 03/01/2022 showed a tramadol prescription from an urgent care "
    "clinic that she had not disclosed.",
    "The PDMP revealed tramadol 50 mg filled at another pharmacy in January.",
])
def test_what_a_cures_report_showed_is_no_course(kb, said):
    assert "Tramadol" not in _courses(_read(kb, said, "Norco 5/325 mg #60."))


@pytest.mark.parametrize("said,per_day", [
    ("Norco 10/325 mg was started on 06/08/2020; by 2022 he was taking six tablets a day.", 6),
    ("Norco 10/325 mg was started on 06/08/2020; by 2022 he was taking six tablets a day. A "
     "progress report dated 03/13/2023 documented a gradual reduction of Norco to four tablets "
     "a day at his request, without an increase in pain.", 4),
    ("Norco 10/325 mg, 2 tabs per day, was started on 06/08/2020.", 2),
    ("Norco 10/325 mg, one to two tablets a day, was started on 06/08/2020.", None),
])
def test_tablets_counted_by_the_day_and_a_dose_changed_to(kb, said, per_day):
    drug = _courses(_read(kb, said, "Norco 10/325 mg #120."))["HydrocodoneAcetaminophen"]
    assert drug.props.get("doses_per_day") == per_day


@pytest.mark.parametrize("said,per_day", [
    # (a word of things done elsewhere in it, "tried", had made it a past course's sentence)
    ("Hydrocodone/acetaminophen 10/325 mg four times a day has been prescribed since 03/2012. "
     "On 09/18/2017 the hydrocodone was increased to six tablets a day after a flare of back "
     "pain when he tried to return to yard work.", 6),
    ("Norco 10/325 mg four times a day has been prescribed since 03/2012. In 2019 the Norco was "
     "tapered to two tablets a day after he completed a functional restoration program.", 2),
])
def test_a_dose_change_told_as_done_is_the_current_courses(kb, said, per_day):
    """"the hydrocodone was increased to six tablets a day", told as a thing done, changes the
    course taken now: read as a past course of its own, the old dose stayed current and a
    morphine equivalent above the limit was read below it."""
    [course] = [f for f in _read(kb, said, "Norco 10/325 mg #120.")
                if f.kind in ("medication", "prior") and f.concept.endswith("Acetaminophen")]
    assert course.kind == "medication" and course.props.get("doses_per_day") == per_day


def test_a_dose_cut_from_to_is_the_later_one(kb):
    said = "She takes tramadol 50 mg; after the ablation she cut her tramadol from four tablets " \
           "a day to two."
    drug = _courses(_read(kb, said, "Tramadol 50 mg #60."))["Tramadol"]
    assert drug.props.get("doses_per_day") == 2


def test_at_his_request_asks_for_nothing(kb):
    said = "Norco 10/325 mg was reduced to four tablets a day at his request."
    assert _courses(_read(kb, said, "Norco 10/325 mg #120."))["HydrocodoneAcetaminophen"]


def test_a_drug_added_by_another_physician_on_a_day_began_then(kb):
    said = ("Diazepam 5 mg at bedtime was added by another physician on 08/21/2023 for back "
            "spasms and has been refilled monthly since.")
    drug = _courses(_read(kb, said, "Diazepam 5 mg #30."))["Diazepam"]
    assert str(drug.props["start"]) == "2023-08-21"


@pytest.mark.parametrize("said", [
    "Norco 10 mg four times a day. Morphine equivalent dose: 40 mg/day.",
    "Norco 10 mg four times a day; morphine-equivalent dose 40 mg a day.",
    "Norco 10 mg four times a day (morphine milligram equivalents 40 per day).",
])
def test_a_morphine_equivalent_dose_is_no_morphine(kb, said):
    assert "Morphine" not in _courses(_read(kb, said, "Norco 10/325 mg #120."))


@pytest.mark.parametrize("said,with_med,without", [
    ("With the Norco his pain is 5/10; without it, 8/10.", 5, 8),
    ("Pain 8/10 without medications, 4/10 with medications.", 4, 8),
    ("On his Norco the pain is 3/10; off it, 7/10.", 3, 7),
])
def test_pain_with_and_without_the_drug_each_in_its_clause(kb, said, with_med, without):
    facts = _read(kb, "Norco 10/325 mg four times a day was started in 2014. " + said,
                  "Norco 10/325 mg #120.")
    scores = {(f.props["value"], f.props["context"].rsplit("#", 1)[-1])
              for f in facts if f.kind == "pain"}
    assert (with_med, "WithMedication") in scores and (without, "WithoutMedication") in scores


def test_sitting_through_a_movie_is_a_gain(kb):
    said = ("Gabapentin 600 mg three times a day was started in 2017; leg burning much reduced, "
            "now sleeps 6 h and sits through a movie.")
    drug = _courses(_read(kb, said, "Gabapentin 600 mg #90."))["Gabapentin"]
    assert drug.props["response"].endswith("#FunctionalImprovement")


@pytest.mark.parametrize("said", [
    "He was treated with 12 sessions of physical therapy and a subacromial injection on "
    "11/09/2022 without lasting gain.",
    "She had physical therapy and a subacromial injection in March 2022, without benefit.",
])
def test_a_list_closed_by_its_outcome_after_a_date(kb, said):
    courses = _courses(_read(kb, said, "Right shoulder arthroscopic rotator cuff repair."))
    assert courses["PhysicalTherapy"].props["response"].endswith("#NoImprovement")
    assert courses["SubacromialInjection"].props["response"].endswith("#NoImprovement")


def test_a_course_with_its_own_relative_clause_keeps_its_response(kb):
    said = "She had physical therapy which helped, and a subacromial injection without benefit."
    courses = _courses(_read(kb, said, "Right shoulder arthroscopic rotator cuff repair."))
    assert not courses["PhysicalTherapy"].props["response"].endswith("#NoImprovement")


@pytest.mark.parametrize("said", [
    "Diagnoses: full-thickness tear of the supraspinatus, right shoulder.",
    "He was diagnosed with a full-thickness supraspinatus tear of the right shoulder.",
])
def test_a_full_thickness_tear_written_with_a_hyphen(kb, said):
    facts = _read(kb, said, "Right shoulder arthroscopic rotator cuff repair.")
    assert any(f.concept == TERM + "FullThicknessRotatorCuffTear" for f in facts
               if f.kind == "diagnosis")
