"""Monitoring results and pain scores as other authors write them: a drug missing from a screen
whose absence the author calls consistent ("tramadol not detected (consistent with intermittent
use as reported)"), a screen whose verdict comes before a drug not detected, and a fall in pain
said of a drug named before it ("On hydrocodone his pain goes from 8/10 to 4/10"). Several
phrasings each, with the cases that must stay."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import m


def _facts(kb, sentence: str, kind: str):
    text = ("PR-2 PROGRESS REPORT\nDOS: 03/05/2019\nCurrent medications: hydrocodone/APAP "
            f"10/325 mg TID, tramadol 50 mg at night.\n{sentence}\nPLAN:\n1. Lumbar MRI.\n")
    return [f for f in read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
            if f.kind == kind]


@pytest.mark.parametrize(("sentence", "result"), [
    ("Last urine drug test 09/20/2016: positive for hydrocodone, tramadol not detected "
     "(consistent with intermittent use as reported); negative for all illicit substances.",
     "Consistent"),
    ("UDS 3/1/2019 negative for hydrocodone, which is consistent with her report that she "
     "stopped it in January.", "Consistent"),
    ("UDS on 3/1/2019 was inconsistent: oxycodone not detected.", "Inconsistent"),
    # (guards: the author's verdict against the absence, an illicit drug beside it, and an
    # absence left unexplained)
    ("UDS 3/1/2019 negative for hydrocodone, not consistent with the prescribed regimen.",
     "Inconsistent"),
    ("UDS 3/1/2019 positive for cocaine, oxycodone not detected, consistent with her report.",
     "Inconsistent"),
    ("UDS 3/1/2019 negative for prescribed oxycodone.", "Inconsistent"),
])
def test_a_screens_result_as_its_author_gives_it(kb, sentence, result):
    screens = _facts(kb, sentence, "assessment")
    assert [f.props["assessment_result"] for f in screens] == [m(result)]


@pytest.mark.parametrize("sentence", [
    "On hydrocodone his pain goes from 8/10 to 4/10.",
    "With Norco her pain decreases from 8/10 to 4/10.",
    "Hydrocodone reduces pain from 8/10 to 4/10.",
])
def test_a_fall_in_pain_said_of_a_drug(kb, sentence):
    scores = {f.props["value"]: f.props["context"] for f in _facts(kb, sentence, "pain")}
    assert scores == {8.0: m("WithoutMedication"), 4.0: m("WithMedication")}


def test_a_rise_is_no_relief(kb):
    # (guard: a rise without the drug is not a score on it)
    scores = {f.props["value"]: f.props["context"] for f in _facts(
        kb, "Without medication the pain rises from 4/10 to 8/10 by evening.", "pain")}
    assert scores[8.0] != m("WithMedication")


@pytest.mark.parametrize(("sentence", "days"), [
    # a count of screens over a span: the first and last on its days, the others on the latest
    # day they can have been (a yearly limit is never found met by dating them early)
    ("Four urine drug screens were performed between 09/08/2018 and 02/01/2019.",
     ["2018-09-08", "2019-02-01", "2019-02-01", "2019-02-01"]),
    ("3 UDS from 06/02/2018 to 01/15/2019, all consistent.",
     ["2018-06-02", "2019-01-15", "2019-01-15"]),
    # ... or in the past year, on the report's day
    ("She has had four urine drug tests in the past year, all consistent.",
     ["2019-03-05"] * 4),
    # (guards: the dates listed are the screens; a count with no time told is one record)
    ("Two urine drug screens, on 01/02/2019 and 02/04/2019, were consistent.",
     ["2019-01-02", "2019-02-04"]),
    ("Three urine drug screens were consistent.", ["2019-03-05"]),
])
def test_screens_counted_before_their_name(kb, sentence, days):
    screens = [f for f in _facts(kb, sentence, "assessment")
               if f.concept and f.concept.endswith("UrineDrugScreen")]
    assert [f.props["on_date"].isoformat() for f in screens] == days


@pytest.mark.parametrize("log", [
    "--- MONITORING FLOWSHEET ---\nUDS date      Result                         Consistent?\n"
    "11/13/2018    tramadol detected              Y\n02/12/2019    tramadol detected   Y\n",
    "UDS date    Result    Consistent?\n11/13/2018   tramadol detected   Y\n"
    "02/12/2019   tramadol detected   Y\n",
])
def test_a_screen_log_whose_column_heading_names_the_screen(kb, log):
    """Each dated row under a column heading that names the screen ("UDS date  Result
    Consistent?") is a screen done that day (the rows had gone unread, approving a fifth
    screen in a year)."""
    text = ("PR-2 PROGRESS REPORT\nDOS: 03/05/2019\nCurrent medications: tramadol 50 mg QID.\n"
            f"{log}\nPLAN:\n1. Lumbar MRI.\n")
    screens = [f for f in read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
               if f.kind == "assessment" and f.concept and f.concept.endswith("UrineDrugScreen")]
    assert sorted(f.props["on_date"].isoformat() for f in screens) == ["2018-11-13",
                                                                       "2019-02-12"]


def test_a_screen_logs_consistent_column_answers_for_each_row(kb):
    text = ("PR-2 PROGRESS REPORT\nDOS: 11/10/2015\nCurrent medications: Norco 10/325 mg TID.\n"
            "URINE DRUG SCREENS\nDate        Result                         Consistent?\n"
            "03/16/2015  hydrocodone, hydromorphone     Y\n"
            "07/21/2015  negative for all opioids       N\n"
            "10/13/2015  hydrocodone; THC positive      N\nPLAN:\n1. Lumbar MRI.\n")
    screens = sorted((f.props["on_date"].isoformat(), f.props["assessment_result"])
                     for f in read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
                     if f.kind == "assessment" and f.concept
                     and f.concept.endswith("UrineDrugScreen"))
    assert screens == [("2015-03-16", m("Consistent")), ("2015-07-21", m("Inconsistent")),
                       ("2015-10-13", m("Inconsistent"))]


@pytest.mark.parametrize(("sentence", "result"), [
    # a confirmatory test that gave the same result is of the screen it confirms
    ("A random urine drug screen collected 11/18/2018 was negative for hydrocodone and positive "
     "for hydromorphone; the report of the confirmatory test, dated 11/25/2018, gave the same "
     "result.", "Inconsistent"),
    ("UDS 11/18/2018 consistent with prescribed medications; the confirmatory test dated "
     "11/25/2018 confirmed the result.", "Consistent"),
])
def test_a_confirmatory_test_of_the_same_result(kb, sentence, result):
    screens = [f for f in _facts(kb, sentence, "assessment")
               if f.concept and f.concept.endswith("UrineDrugScreen")]
    assert screens and all(f.props["assessment_result"] == m(result) for f in screens)


@pytest.mark.parametrize("line", [
    "RFA SENT 10/22/2019: (1) B/L L4-5, L5-S1 MBB (2) Tramadol 50mg #120 (3) Urine drug screen x1",
    "RFA submitted 10/22/2019: urine drug screen, lumbar MRI.",
])
def test_a_screen_on_a_dated_rfa_line_is_asked_not_done(kb, line):
    assert not [f for f in _facts(kb, line, "assessment")
                if f.concept and f.concept.endswith("UrineDrugScreen")]


@pytest.mark.parametrize("told_again", [
    # (the held-out author's documents list, then other places a screen is told again)
    "DOCUMENTS REVIEWED: progress reports; urine drug screen reports of 09/14/2020 and "
    "01/12/2021; CURES report of 01/12/2021.",
    "Records reviewed include the UDS of 09/14/2020 and the UDS of 01/12/2021.",
    "A urine drug screen was collected on 01/12/2021. A urine drug screen was collected on "
    "09/14/2020.",
])
def test_a_screen_told_again_on_its_day_is_one_screen(kb, told_again):
    """A screen told with its result and told again on the same day (a documents list, a
    digest) is one screen: the two counted twice in a yearly limit had made a third a fifth."""
    text = ("PR-2 PROGRESS REPORT\nDOS: 03/09/2021\nCurrent medications: Norco 10/325 mg QID.\n"
            "Urine drug screens collected on 09/14/2020 and 01/12/2021 were consistent with the "
            f"prescribed hydrocodone.\n{told_again}\nPLAN:\n1. Urine drug screen.\n")
    screens = [f for f in read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
               if f.kind == "assessment" and f.concept and f.concept.endswith("UrineDrugScreen")]
    assert sorted((f.props["on_date"].isoformat(), f.props["assessment_result"])
                  for f in screens) == [("2020-09-14", m("Consistent")),
                                        ("2021-01-12", m("Consistent"))]


def test_a_count_over_a_span_keeps_its_screens_and_meets_the_one_told(kb):
    # (the count's last screen is the one told on that day with its result; the others it
    # counts stay, each a screen)
    text = ("PR-2 PROGRESS REPORT\nDOS: 03/09/2021\nCurrent medications: Norco 10/325 mg QID.\n"
            "UDS on 01/12/2021 was inconsistent: hydrocodone not detected.\nThree urine drug "
            "screens were performed between 06/01/2020 and 01/12/2021.\nPLAN:\n1. Urine drug "
            "screen.\n")
    screens = [f for f in read_letter(text.encode(), "pr2.txt", kb.terms).extracted.facts
               if f.kind == "assessment" and f.concept and f.concept.endswith("UrineDrugScreen")]
    assert sorted((f.props["on_date"].isoformat(), f.props["assessment_result"])
                  for f in screens) == [("2020-06-01", m("Documented")),
                                        ("2021-01-12", m("Documented")),
                                        ("2021-01-12", m("Inconsistent"))]
