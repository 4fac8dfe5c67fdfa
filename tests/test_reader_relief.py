"""How much and how long a treatment relieved pain: the relief grammar on its own, then the
numbers given to the course they are said of in a letter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reasoner.engine.facts import read_case
from reasoner.reader.letter import read_letter
from reasoner.reader.relief import reliefs
from reasoner.vocab import TERM


@pytest.mark.parametrize("text,percent,weeks", [
    ("gave about 80% relief for five weeks before the symptoms returned", 80, 5),
    ('with "maybe 20%" relief for two weeks', 20, 2),
    ("which gave her about 50% relief for roughly ten days only", 50, 1.4),
    ("decreased the burning and numbness by about 40% and allowed her to sleep", 40, None),
    ("gave about 40 percent relief for three weeks", 40, 3),
    ("about 50% relief lasting roughly 6 months", 50, 26),
    ("with about 60% relief for 3 months", 60, 13),
    ("50-60% improvement in pain for 2 months", 50, 8.7),  # a range: its lower end
    ("a 40% reduction in radicular pain", 40, None),
    ("relief of about 70%", 70, None),
    ("Pain relief: 70%", 70, None),
    ("takes about 30% off the leg pain", 30, None),
    ('takes the burning in the calf down "maybe 40%,"', 40, None),
    ("her pain has come down by about 40 percent, from 8/10 to 5/10", 40, None),
    ("takes the edge off the burning in her calf, perhaps 20 percent", 20, None),
    ("ESI 11/2013; ~50% x 6 wks.", 50, 6),
    ("fifty percent relief for a month", 50, 4.3),
    ("gave relief for about six weeks", None, 6),
    ("helped for only about 10 days", None, 1.4),
    ("each helped ~4 weeks", None, 4),
    ("gave about two days of relief", None, 0.3),
    ("a series of three injections that gave about one month of relief", None, 4.3),
    ("each giving about two weeks of relief", None, 2),
    # a pain score said to have fallen: relief of (before - after) / before
    ("the burning in the right foot has gone from 8 out of 10 to 4 out of 10", 50, None),
    ("her pain decreased from 7/10 to 2/10 with the patch", 71.4, None),
    # a half, a span said good, a duration right after the word
    ("the treatments cut her back pain in half for about three weeks", 50, 3),
    ("the injection halved the pain", 50, None),
    ("he had two good weeks, about 60 percent better", 60, 2),
    ("three cortisone injections (the last on 11/06/2023, relief about two weeks)", None, 2),
    ("Relief: 6 weeks.", None, 6),
    # how the span held ("which held", ", sustained for", "wore off after"), the share said
    # without "by" or as a fraction, the pain's return dating the end of the relief
    ("It gave about 70% relief, which held for about nine months.", 70, 39),
    ("the improvement had held for about eight weeks", None, 8),
    ("greater than 50% reduction in radicular pain, sustained for 10 weeks", 50, 10),
    ("Relief was estimated at 70% and lasted approximately 2 months.", 70, 8.7),
    ("the benefit wore off after about three weeks", None, 3),
    ("The effect lasted only about 10 days.", None, 1.4),
    ("the injection had taken away roughly 60% of her leg pain", 60, None),
    ("Post-injection, pain was reduced 60% for 2 months.", 60, 8.7),
    ("The injection relieved about two-thirds of her pain for six weeks.", 66.7, 6),
    ("it took away three quarters of the leg pain", 75, None),
    ("She got about a month of 50% relief.", 50, 4.3),
    ("Symptoms returned after approximately six weeks.", None, 6),
    ("The leg pain came back about two months later.", None, 8.7),
    # the span said again by what held, after a clause break; a hedge or a quote before it
    ("She reported roughly 70% relief, and it held for about nine months.", 70, 39),
    ("his pain dropped by about 70% and stayed down for roughly nine months", 70, 39),
    ("The block gave 80% relief and it lasted about 6 weeks.", 80, 6),
    ('at the visit he said it helped "maybe two weeks" and then the pain came back', None, 2),
    ('Injection #2, same site: relief "about five weeks."', None, 5),
    ("the shot relieved about three weeks", None, 3),
    # the pain said to be a share less
    ("she reported that her arm pain was about 40% less on gabapentin", 40, None),
    ("the burning is 50 percent better", 50, None),
])
def test_relief_is_read(text, percent, weeks):
    found = reliefs(text)
    assert len(found) == 1, found
    assert found[0].percent == percent and found[0].weeks == weeks


@pytest.mark.parametrize("text", [
    "If the blocks give 80% relief, radiofrequency ablation will be considered.",
    "The guidelines require at least 50% relief for six to eight weeks.",
    "Repeat blocks need 50% pain relief with reduced medication use.",
    "The ESI did not give 50% relief.",
    "She had less than 50% relief.",  # how much less is not said
    "Lidoderm 5% patch helps her sleep.",  # a strength
    "Lidoderm 5% x 30 days",
    "ketoprofen 10% cream for 2 weeks",
    "Oswestry improved by 20%.",  # a function score, not pain
    "She reports 50% improvement in function.",
    "She is working 50% of the time.",
    "She has been on Norco for 2 years, which helps.",  # how long taken, not how long relieved
    "She stopped ibuprofen after five weeks without benefit.",
    "Norco helps for about 4 hours.",  # of a dose: no number of weeks
    "Confirmatory blocks gave 80% relief for about five hours.",
    "Pain 8/10 without meds, 4/10 with meds.",  # two contexts, not a change
    "If the pain drops from 8/10 to 4/10 we will continue.",
    "She had relief about two weeks ago.",  # when, not how long
    "He hopes for two good weeks.",
    "The guidelines require the pain cut in half for six weeks.",
    "Pain returned after 2 weeks of PT.",  # how long the course ran
    "She had side effects for two weeks, then relief.",
    "Her pain returned three years after the injury.",
    "She has worked 60% of the time since March.",
    "The injection helped about two weeks ago.",  # when, not how long
    "It lasted about 6 weeks ago.",
    "It has helped roughly two weeks later than expected.",
])
def test_no_relief_number_is_read(text):
    assert all(r.weeks is None for r in reliefs(text))
    if "80%" not in text:
        assert all(r.percent is None for r in reliefs(text))


SEED = Path(__file__).resolve().parent / "letters" / "000_352bc1bec7c49a86.txt"
ANCHOR = "In a progress report dated 7-30-15,"


def _courses(kb, sentences: str):
    text = SEED.read_text().replace(ANCHOR, f"{sentences} {ANCHOR}", 1)
    facts = read_case(read_letter(text.encode(), SEED.name, kb.terms).graph.facts)
    return {c.concept: c for c in facts.courses}


def test_relief_goes_to_the_course_named_before_it(kb):
    courses = _courses(kb, "She has had 12 visits of PT without benefit, a right L5-S1 "
                           "transforaminal ESI on 04/02/2014 which gave her about 50% relief "
                           "for roughly ten days only, and acupuncture.")
    esi = courses[TERM + "TransforaminalEpiduralSteroidInjection"]
    assert (esi.relief_percent, esi.relief_weeks) == (50, 1.4)
    assert courses[TERM + "PhysicalTherapy"].relief_percent is None


def test_relief_said_before_the_name_it_came_from(kb):
    courses = _courses(kb, "She completed acupuncture in 2014. She reports 60% relief for "
                           "eight weeks from the epidural steroid injection of 03/2015.")
    esi = courses[TERM + "EpiduralSteroidInjection"]
    assert (esi.relief_percent, esi.relief_weeks) == (60, 8)
    assert courses[TERM + "Acupuncture"].relief_percent is None


def test_relief_of_the_course_told_just_before(kb):
    courses = _courses(kb, "On 3/3/2015 a C5-6 interlaminar epidural steroid injection was "
                           "performed. At follow up she reported about 40 percent relief for "
                           "three weeks.")
    esi = next(c for k, c in courses.items() if "EpiduralSteroidInjection" in k)
    assert (esi.relief_percent, esi.relief_weeks) == (40, 3)


def test_a_cortisone_injection_into_the_knee_is_a_knee_injection(kb):
    courses = _courses(kb, "A cortisone injection into the left knee on 09/22/2020 gave "
                           "about two days of relief.")
    injection = courses[TERM + "KneeCorticosteroidInjection"]
    assert injection.relief_weeks == 0.3


def test_relief_of_the_course_its_clause_refers_to_not_the_drug_cut(kb):
    # the drug named after the relief is the measure of the injection's gain, and a later
    # "the improvement had held for ..." speaks of the same relief
    courses = _courses(kb, "A right L5-S1 TFESI was performed on 3/3/2015. On 4/14/2015 she "
                           "reported that the injection had taken away roughly 60% of her leg "
                           "pain, and she had cut her Norco 5/325 mg from four tablets a day to "
                           "two. On 5/26/2015 the physician noted that the improvement had held "
                           "for about eight weeks.")
    esi = courses[TERM + "TransforaminalEpiduralSteroidInjection"]
    assert (esi.relief_percent, esi.relief_weeks) == (60, 8)
    assert esi.response.endswith("#FunctionalImprovement")
    norco = courses.get(TERM + "HydrocodoneAcetaminophen")
    assert norco is None or norco.relief_weeks is None


def test_a_change_told_of_the_span_of_relief_is_the_courses(kb):
    # "During that time ..." names again the relief just told: the injection's gain, not the
    # drug's whose cut measures it
    courses = _courses(kb, "A right L5-S1 transforaminal epidural steroid injection was "
                           "performed on 06/20/2014. At the 07/18/2014 visit she was about 60% "
                           "better, and the improvement lasted roughly 16 weeks. During that time "
                           "she cut back from 4 to 2 Norco a day and was able to return to her "
                           "full 12-hour shifts.")
    esi = courses[TERM + "TransforaminalEpiduralSteroidInjection"]
    assert (esi.relief_percent, esi.relief_weeks) == (60, 16)
    assert esi.response.endswith("#FunctionalImprovement")


def test_function_on_a_drug_against_function_off_it_outweighs_an_earlier_response(kb):
    courses = _courses(kb, "He started oxycodone 10 mg three times a day in 2014, which did "
                           "not help at first. On oxycodone he is able to drive his delivery "
                           "route and mow his lawn; without it he cannot sit in the cab for more "
                           "than an hour.")
    assert courses[TERM + "Oxycodone"].response.endswith("#FunctionalImprovement")


@pytest.mark.parametrize("sentences,first,second", [
    ("A corticosteroid injection into the right knee on 10/22/2014 gave relief for about six "
     "weeks; a second injection on 2/4/2015 gave relief for only two weeks.", 6, 2),
    ("A cortisone injection into the right knee on 07/09/2014 gave about 60% relief for six "
     "weeks; a second on 01/22/2015 helped for only three weeks.", 6, 3),
    ("A right knee corticosteroid injection on 07/09/2014 gave relief for about eight weeks. "
     "Another injection on 01/22/2015 gave relief for about one week.", 8, 1),
])
def test_a_further_course_named_by_its_order_is_a_course_with_its_own_relief(kb, sentences,
                                                                               first, second):
    text = SEED.read_text().replace(ANCHOR, f"{sentences} {ANCHOR}", 1)
    facts = read_case(read_letter(text.encode(), SEED.name, kb.terms).graph.facts)
    knee = sorted((c for c in facts.courses
                   if c.concept == TERM + "KneeCorticosteroidInjection"),
                  key=lambda c: c.on_date)
    assert [c.relief_weeks for c in knee] == [first, second]
    assert knee[1].on_date.year == 2015  # the later one, dated by its own date


@pytest.mark.parametrize("sentence,day", [
    ("A right L5-S1 transforaminal epidural steroid injection was performed on 3/05/2013.",
     (2013, 3, 5)),
    ("A corticosteroid injection into the right knee on 10/22/2014 gave relief for six weeks.",
     (2014, 10, 22)),
    # another event's date is not the procedure's
    ("A corticosteroid injection into the right knee helped until the visit on 10/22/2014.",
     None),
])
def test_a_one_day_procedure_is_dated_by_the_date_after_it(kb, sentence, day):
    text = SEED.read_text().replace(ANCHOR, f"{sentence} {ANCHOR}", 1)
    facts = read_case(read_letter(text.encode(), SEED.name, kb.terms).graph.facts)
    done = [c for c in facts.courses if c.source_text and c.source_text in sentence]
    assert [c.on_date for c in done] == [dt.date(*day) if day else None]


def test_relief_of_a_block_made_with_a_drug_is_the_blocks(kb):
    courses = _courses(kb, "Bilateral L4-5 and L5-S1 medial branch blocks with lidocaine on "
                           "10/14/2014 gave 80% relief of his back pain for six hours.")
    blocks = [c for k, c in courses.items() if "MedialBranchBlock" in k]
    assert [b.relief_percent for b in blocks] == [80]


@pytest.mark.parametrize("said", [
    "At the same visit she reported about 50% relief of the arm pain since the injection.",
    "She described roughly 50 percent relief of her arm pain following that injection.",
])
def test_relief_of_the_course_the_words_after_it_name(kb, said):
    """A relief closed by what it came from ("... since the injection") is that course's, not
    the therapy's the sentence before told."""
    courses = _courses(kb, "On 1/15/13 she underwent a right C6-7 interlaminar cervical epidural "
                           "steroid injection. The physical therapy discharge summary was "
                           f"reviewed: those visits did not help. {said}")
    esi = next(c for k, c in courses.items() if "EpiduralSteroidInjection" in k)
    assert esi.relief_percent == 50
    assert courses[TERM + "PhysicalTherapy"].relief_percent is None
