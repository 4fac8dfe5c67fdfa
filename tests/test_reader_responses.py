"""How a treatment worked, as notes say it: the response read from the words after it, from a
clause closing a list, or from a later sentence that refers back to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reasoner.engine.facts import read_case
from reasoner.reader.extract import response_of
from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM, m

NO, SUBJ, FUNC = m("NoImprovement"), m("SubjectiveImprovement"), m("FunctionalImprovement")


@pytest.mark.parametrize("text,expected", [
    # a drug started around a holiday is no activity started; an activity started is
    ("Gabapentin was started around Thanksgiving of 2020; it takes the edge off",
     "SubjectiveImprovement"),
    ("Tramadol was started around Christmas and she still cannot sit through a movie",
     "NoImprovement"),
    ("since the sessions she has started walking again", "FunctionalImprovement"),
    ("PT x 6 w/o benefit", "NoImprovement"),
    ('APAP "doesn\'t touch it."', "NoImprovement"),
    ("which did not help", "NoImprovement"),
    ("unchanged despite therapy", "NoImprovement"),
    ("helped some", "SubjectiveImprovement"),
    ("which take the edge off the pain", "SubjectiveImprovement"),
    ("gave about 40 percent relief for three weeks", "SubjectiveImprovement"),
    ("with it she is able to grocery shop and walk her dog", "FunctionalImprovement"),
    ("W/ tramadol she walks 1 hr/day and has returned to full duty", "FunctionalImprovement"),
    ("Grip R 18 lb -> 32 lb", "FunctionalImprovement"),
    ("On it she has finished full 8-hour shifts and mops w/o help", "FunctionalImprovement"),
    ("no documentation of improvement", None),
    # a measure of function before and after: by its direction and size
    ("Oswestry 48% -> 30%", "FunctionalImprovement"),
    ("Oswestry went from 48% to 44%", "NoImprovement"),  # 4 points: no meaningful change
    ("Her NDI was 42% at the start and 40% after the eighteenth visit", "NoImprovement"),
    ("ODI 30% at intake, now 52%", "Worsened"),
    ("Beck Depression Inventory improved from 28 to 18", "FunctionalImprovement"),
    ("Lifting went from 10 to 30 lb", "FunctionalImprovement"),
    ("Oswestry 40% on 03/01/2015", None),  # one figure and a date
    # what could be done before against what is done now
    ("Before them she could turn her head only halfway; now she checks her mirror without "
     "turning her shoulders", "FunctionalImprovement"),
    ("Before the injury he could lift 50 lb", None),
    # what the worker does on the treatment, said of it
    ("With it he mows his own lawn, drives his grandson to school and works 20 hours a week",
     "FunctionalImprovement"),
    ("On the medication she walks her dog daily", "FunctionalImprovement"),
    ("With it she has 5/10 pain", None),
    ("With them he sleeps four hours", None),
    # a dose left as it was is no response
    ("He takes Norco 10/325 mg four times a day, a dose that has not changed since 09/2019",
     None),
    ("PT has not changed the pain", "NoImprovement"),
    # work kept up tells no change, unless the treatment keeps it up
    ("no muscle spasm was found, and she continued to work full duty", None),
    ("he still works full shifts", None),
    ("with it he continues to work full duty as a forklift operator", "FunctionalImprovement"),
    ("she works full shifts again", "FunctionalImprovement"),
    # what the worker can do is a status, not a gain, when function is said unchanged
    ("he was able to shower and dress himself, and he reported that his activity level had "
     "not changed over the past year", "NoImprovement"),
    ("With it she is able to cook; her function is essentially unchanged", "NoImprovement"),
    ("She can drive and shop with it, but there has been no change in her ADLs",
     "NoImprovement"),
    # a measure of what is done said unchanged; a drug felt to do nothing
    ("he reports no change in the numbness or in how far he can walk", "NoImprovement"),
    ("she does not feel it is doing anything", "NoImprovement"),
    # (function unchanged only within its own clause)
    ("She now walks her dog daily; her activity improved and pain unchanged",
     "FunctionalImprovement"),
    # an everyday activity done now or again, and what could not be done before
    ("She now walks to the mailbox and back", "FunctionalImprovement"),
    ("he cooks dinner again and drives himself to work", "FunctionalImprovement"),
    ("She could not do that before", "FunctionalImprovement"),
    ("he mowed the lawn for the first time since the injury", "FunctionalImprovement"),
    ("She now walks with a cane", None),
    ("he sleeps through the night now", None),  # sleep: relief, not a function regained
    ("She now takes it twice a day", None),
    ('records report "no measurable change in muscle tension or pain"', "NoImprovement"),
    ("without clinically meaningful change", "NoImprovement"),
    # mood screens before and after: a few points on their short scales
    ("PHQ-9 15 before, 14 after", "NoImprovement"),
    ("Beck Anxiety Inventory 22 before, 23 after", "NoImprovement"),
    ("PHQ-9 18 at intake, 9 now", "FunctionalImprovement"),
    # a measure the same as when the course began
    ("At discharge her standing tolerance was still about 15 minutes, the same as at the start",
     "NoImprovement"),
    ("his walking distance is the same as before therapy", "NoImprovement"),
    ("he looks the same as his brother", None),
    # pain said to be down from one score to another; "down" as a direction is no change
    ("Pain is down from 7/10 to 4/10", "SubjectiveImprovement"),
    ("The pain was down the back of the leg", None),
    # the later figure first, its unit as said
    ("she reported walking 20 minutes instead of 5", "FunctionalImprovement"),
    ("walking 5 minutes instead of 20", "Worsened"),
    ("he can stand at the workbench for 2 hours instead of 45 minutes", "FunctionalImprovement"),
    ("sitting 1 hour instead of 90 minutes", "Worsened"),
    # what the worker does with the treatment named, or again
    ("he reported that with Norco he mows his lawn", "FunctionalImprovement"),
    ("with naproxen she works a full modified-duty shift", "FunctionalImprovement"),
    ("with the pain he walks only 10 minutes", None),
    ("she is shopping for groceries again", "FunctionalImprovement"),
    ("and walk his dog, which he could not do before it was started", "FunctionalImprovement"),
    ('response: "takes the ache down about a third"; walks the dog 20 minutes again',
     "FunctionalImprovement"),
    ("with it, she again stands through her full eight-hour shift", "FunctionalImprovement"),
    ("she stands with difficulty", None),
    # an aid given up, stairs taken step over step
    ("she had set aside the walker and was climbing a flight of stairs step over step",
     "FunctionalImprovement"),
    ("he was weaned off the crutches by the sixth visit", "FunctionalImprovement"),
    ("she uses a cane outdoors", None),
    # a reported past ability is told, not hoped for
    ("at the 11/06/2023 visit he reported that with it he could walk 20 minutes instead of 5",
     "FunctionalImprovement"),
    ("the therapist recorded that she could work a full schedule again with rest breaks",
     "FunctionalImprovement"),
    ("if she could walk farther she would return to work", None),
    # help given by someone, and a walk limited, are no gains; a drug that only lets him rest
    # has given none
    ("he needs his wife's help to bathe and dress, walks for 5 minutes at a time and has not "
     "worked since 2019", None),
    ("she manages with help from her son", None),
    ("she walks only a block before resting", None),
    ("he said that oxycodone 'just lets me lie down'", "NoImprovement"),
    ("the Norco only allows her to sit through dinner", "NoImprovement"),
    ("the medication is a big help", "SubjectiveImprovement"),
    ("with Norco she walks for 30 minutes", "FunctionalImprovement"),
    # no change said plainly
    ("after which the acupuncturist recorded that his pain was about the same", "NoImprovement"),
    ("at discharge her right grip strength remained 8 pounds", "NoImprovement"),
    ("she still could not fasten buttons", "NoImprovement"),
    ("and he had not reduced his medication", "NoImprovement"),
    ("his grip improved from 40 to 62 lb", "FunctionalImprovement"),
    # a tolerance or an everyday task improved is a gain in function; denied, no gain
    ("PT x12 (completed 09/2020): no improvement in standing tolerance.", "NoImprovement"),
    ("there was no improvement in her walking distance", "NoImprovement"),
    ("six sessions were completed with improvement in her stair climbing",
     "FunctionalImprovement"),
    ("with minimal improvement in walking distance", "SubjectiveImprovement"),
    # the figures around the measure; not a figure of the next clause
    ("since it was started he has gone from 15 min of walking to 45 min", "FunctionalImprovement"),
    ("he went from 2 hours of sitting to 30 minutes", "Worsened"),
    ("he walks for 45 minutes now, and he returned to modified work 6 hours a day in 11/2019",
     "FunctionalImprovement"),
])
def test_response_of(text, expected):
    assert response_of(text) == expected


SEED = Path(__file__).resolve().parent / "letters" / "000_352bc1bec7c49a86.txt"
ANCHOR = "In a progress report dated 7-30-15,"


def _courses(kb, sentence: str):
    text = SEED.read_text().replace(ANCHOR, f"{sentence} {ANCHOR}", 1)
    facts = read_case(read_letter(text.encode(), SEED.name, kb.terms).graph.facts)
    return {c.concept: c.response for c in facts.courses if not c.is_medication}


def test_a_response_closing_a_list_is_said_of_every_item(kb):
    courses = _courses(kb, "Treatment has included acupuncture and chiropractic care, "
                           "without lasting benefit.")
    assert courses[TERM + "Acupuncture"] == NO


def test_a_measure_around_the_treatment_is_its_response(kb):
    courses = _courses(kb, "She completed eighteen acupuncture visits in 2014. Her Oswestry "
                           "index was 42% at the start of acupuncture and 40% after the last "
                           "visit.")
    assert courses[TERM + "Acupuncture"] == NO


def test_a_gain_said_against_before_them_is_the_courses(kb):
    courses = _courses(kb, "She had six acupuncture treatments in 2014. Before them she could "
                           "turn her head only halfway; now she checks her mirror without "
                           "turning her shoulders.")
    assert courses[TERM + "Acupuncture"] == FUNC


def test_a_later_sentence_about_the_therapy_gives_its_response(kb):
    courses = _courses(kb, "She completed twelve sessions of acupuncture in 2014. Those sessions "
                           "helped for a few days each time.")
    assert courses[TERM + "Acupuncture"] == SUBJ


def test_a_response_told_in_the_next_sentence_and_a_late_has_had(kb):
    facts = read_case(read_letter(SEED.read_text().replace(ANCHOR, (
        "He had bilateral L5-S1 TFESI on 03/02/2015. At the next visit he reported about 50% "
        "relief for six weeks and he was able to walk his usual mile around the park. "
        "Gabapentin 300 mg three times a day was started on 03/05/2015; the burning dropped "
        "from 8/10 to 5/10, and he has had no dizziness or sedation. " + ANCHOR), 1).encode(),
        SEED.name, kb.terms).graph.facts)
    courses = {c.concept: c for c in facts.courses}
    esi = courses[TERM + "TransforaminalEpiduralSteroidInjection"]
    assert esi.response == FUNC and (esi.relief_percent, esi.relief_weeks) == (50, 6)
    assert courses[TERM + "Gabapentin"].response == SUBJ


def test_a_closing_is_said_of_its_own_list_only(kb):
    facts = read_case(read_letter(SEED.read_text().replace(ANCHOR, (
        "After PT, a HEP and NSAIDs, she had dual diagnostic medial branch blocks in 2014, "
        "each giving more than 80% relief. " + ANCHOR), 1).encode(),
        SEED.name, kb.terms).graph.facts)
    courses = {c.concept: c for c in facts.courses}
    assert courses[TERM + "HomeExerciseProgram"].response is None
    blocks = next(c for k, c in courses.items() if k.endswith("MedialBranchBlock"))
    assert blocks.response == SUBJ and blocks.relief_percent == 80


def _case(kb, text: str):
    """The case facts read from a whole document."""
    return read_case(read_letter(text.encode(), "r.txt", kb.terms).graph.facts)


def test_what_the_medications_do_said_before_they_are_named(kb):
    text = ("PROGRESS REPORT\n\nDOS: 01/14/2014\n\n"
            "- LBP 8/10 w/o meds, 4/10 w/ meds.\n"
            "- On meds walks a mile with his wife, does light yard work.\n"
            "- Meds: Norco 10/325 TID; omeprazole 20 mg daily.\n\nPLAN:\n1. Norco 10/325 #90.\n")
    facts = _case(kb, text)
    responses = {c.concept.removeprefix(TERM): c.response for c in facts.courses
                 if c.is_medication}
    # the drug under review gains the response; the PPI, taken for another end, does not
    assert responses == {"HydrocodoneAcetaminophen": m("FunctionalImprovement"),
                         "Omeprazole": None}


def test_each_row_of_a_table_is_a_statement_of_its_own(kb):
    text = ("PROGRESS REPORT\n\nDOS: 03/01/2016\n\nCHRONOLOGY\n"
            "| Date | Source | Summary |\n|---|---|---|\n"
            "| 09/30/2014 | PT | Physical therapy discharge. Walking tolerance unchanged. |\n"
            "| 06/02/2015 | PTP | Epigastric burning for two weeks on meloxicam. |\n\n"
            "On meloxicam he walks his dog eight blocks, where before he could manage two.\n\n"
            "PLAN:\n1. Meloxicam 15 mg #30.\n")
    facts = _case(kb, text)
    [meloxicam] = [c for c in facts.courses if c.concept == TERM + "Meloxicam"]
    assert meloxicam.response == m("FunctionalImprovement")


def test_a_response_told_two_sentences_after_the_course(kb):
    text = ("PROGRESS REPORT\n\nDOS: 06/02/2014\n\nPresents for re-exam after 8 "
            "chiropractic visits (04/07/2014 - 05/30/2014). Pt states low back pain is \"about "
            "half of what it was.\" VAS 7/10 at intake, 3/10 today. Oswestry Disability Index "
            "48% at intake, 26% today. Pt returned to full duty without restrictions.\n\n"
            "PLAN:\n1. Chiropractic 1x6.\n")
    facts = _case(kb, text)
    [chiro] = [c for c in facts.courses if not c.is_medication]
    assert chiro.response == m("FunctionalImprovement")


def test_short_sentences_after_a_drug_tell_its_response(kb):
    """The drug's gain told in short sentences of their own, naming nothing."""
    text = ("PROGRESS REPORT\n\nDOS: 05/08/2018\n\nGabapentin was started on 03/06/2017. "
            "It helped. The burning went from 8/10 to 5/10. She now walks to the mailbox and "
            "back. That is about a quarter mile. She could not do that before.\n\n"
            "PLAN:\n1. Gabapentin 300 mg #90.\n")
    [gabapentin] = [c for c in _case(kb, text).courses if c.concept == TERM + "Gabapentin"]
    assert gabapentin.response == FUNC


def test_relief_and_gains_said_of_the_drug_named_just_before(kb):
    text = ("PROGRESS REPORT\n\nDOS: 03/22/2016\n\nGabapentin was started on November 10, 2015 "
            "at 300 mg at bedtime and increased to 600 mg three times a day. He has taken "
            "cyclobenzaprine 7.5 mg twice a day since March 2015. The burning in the left leg "
            "went from 7/10 to 3/10 on gabapentin. Since the dose was increased he walks his "
            "dog around the block twice a day.\n\nPLAN:\n1. Gabapentin 600 mg #90.\n")
    facts = _case(kb, text)
    [gabapentin] = [c for c in facts.courses if c.concept == TERM + "Gabapentin"]
    assert gabapentin.relief_percent == 57.1
    assert gabapentin.response == m("FunctionalImprovement")


def test_a_form_field_answered_none_is_no_response():
    from reasoner.reader import responses
    row = ("Numbness / tingling [ ] R [ ] L [X] None Bowel / bladder changes [ ] Yes [X] No")
    assert responses.response_of(row) is None
    assert responses.response_of("PT, chiropractic and acupuncture, none of which has produced "
                                 "lasting change") == "NoImprovement"


def test_a_title_names_a_course_but_tells_nothing_of_it(kb):
    text = ("COASTAL MOTION CHIROPRACTIC, INC.\n"
            "CHIROPRACTIC RE-EVALUATION / PR-2 -- FORM CMC-7 (rev. 2025)\n\n"
            "Re-evaluation date: 03/03/2026\n\nTREATMENT TO DATE: 12 chiropractic visits, "
            "12/01/2025 - 02/27/2026.\n\nPLAN:\n1. Chiropractic manipulation 1x6.\n")
    facts = _case(kb, text)
    assert {c.sessions for c in facts.courses} <= {12, None}


def test_a_drugs_use_measured_is_the_injections_response_not_the_drugs(kb):
    text = ("PROGRESS REPORT\n\nDOS: 12/13/2022\n\nA right L5-S1 transforaminal epidural steroid "
            "injection on 06/09/2022 gave 50-60% relief for 3 weeks; the note of 07/21/2022 "
            "records that his work restrictions, his Norco use and his walking tolerance were "
            "unchanged. Physical therapy gave good relief and he still could not bend.\n\n"
            "PLAN:\n1. Lidoderm 5% patch #30.\n")
    courses = {c.concept.removeprefix(TERM): c for c in _case(kb, text).courses}
    assert "HydrocodoneAcetaminophen" not in courses or courses[
        "HydrocodoneAcetaminophen"].response is None
    assert "PhysicalTherapy" in courses  # "could not" of the past is no plan


@pytest.mark.parametrize(("text", "kind"), [
    # the earlier figure said in brackets after the later: "(was 45 min)"
    ("She can now sit at the computer 2 hrs before needing a break (was 45 min).",
     "FunctionalImprovement"),
    ("Walking tolerance 60 minutes (was 20 minutes).", "FunctionalImprovement"),
    ("Walking tolerance 20 minutes (was 60 minutes).", "Worsened"),
    ("Oswestry 30% (was 48%).", "FunctionalImprovement"),
])
def test_the_earlier_figure_told_in_brackets(text, kind):
    assert response_of(text) == kind


@pytest.mark.parametrize(("text", "kind"), [
    # function said to be falling off on the treatment
    ("Diminishing functional benefit from Norco with fatigue.", "Worsened"),
    ("States function has gone down over the last 6 months despite the same Norco dose.",
     "Worsened"),
    ("There has been a loss of efficacy of the Norco.", "Worsened"),
    # (guards: the benefit itself; a condition's loss of function)
    ("Norco gives her functional benefit.", "FunctionalImprovement"),
    ("She has loss of function in the hand.", None),
])
def test_function_falling_off_on_the_treatment(text, kind):
    assert response_of(text) == kind


@pytest.mark.parametrize("follow_up", [
    # (the held-out author's sentence, then variants: the relief and the response told at a
    # later visit, naming nothing, before a drug named in the same sentence or alone)
    "On 09/16/2019 she reported approximately 30% relief of the leg pain lasting roughly two "
    "weeks; her walking tolerance remained one block and her gabapentin dose was unchanged.",
    "At the follow-up visit he described about 30 percent relief for two weeks; he still "
    "takes gabapentin three times a day.",
    "Two weeks later she noted roughly 30% improvement for about 10 days.",
])
def test_a_relief_told_at_a_later_visit_is_the_procedures_response(kb, follow_up):
    facts = _case(kb, "PROGRESS REPORT\n\nDOS: 02/11/2020\n\nA caudal epidural steroid "
                      "injection was performed on 08/19/2019. " + follow_up + "\n\nPLAN:\n"
                      "1. Repeat caudal epidural steroid injection.\n")
    [esi] = [c for c in facts.courses if not c.is_medication]
    assert esi.response == SUBJ
    # the relief is no response of the drug named after it
    assert all(c.response is None for c in facts.courses if c.is_medication)


@pytest.mark.parametrize("text", [
    "She described burning pain after walking one block, relieved by sitting.",
    "The low back pain is relieved by rest and lying down.",
    "Leg pain is better when sitting and worse with standing.",
    "Symptoms improve with forward flexion.",
])
def test_what_eases_a_symptom_is_no_response(text):
    assert response_of(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    # a gain told against before, the figures in words and a when between
    ("he walked six blocks during the trial compared with two before", "FunctionalImprovement"),
    ("he could sit for two hours compared with thirty minutes before", "FunctionalImprovement"),
    # less of a drug, its name right after the verb
    ("and he reduced oxycodone from four tablets a day to one.", "FunctionalImprovement"),
    # (guards: a finding's fall is no cut in medication; one walk is a state as before)
    ("sensation decreased from L5 to S1", None),
    ("the swelling decreased from moderate to mild", None),
    ("the dose was reduced back to 300 mg three times a day", None),  # (for its side effects)
    # back at work as before
    ("She is back to a full 8-hour schedule of patients; before treatment she had cut back to "
     "5 hours a day.", "FunctionalImprovement"),
    ("He is back to work.", "FunctionalImprovement"),
    ("the pain is back to baseline", None),
    ("W/ tramadol she walks 1 hr/day and has returned to full duty w/ 25 lb lifting "
     "restriction", "FunctionalImprovement"),  # (no figures of one measure)
])
def test_gains_told_in_words_and_drugs_cut(text, expected):
    assert response_of(text) == expected


def test_a_trials_relief_and_its_gains_told_at_its_follow_up(kb):
    text = ("PR-2\nDOS: 09/30/2019\nSUBJECTIVE:\nA percutaneous spinal cord stimulator trial was "
            "performed from 08/12/2019 to 08/19/2019. At the trial follow-up on 08/26/2019 he "
            "reported 60% relief of the foot pain; he walked six blocks during the trial "
            "compared with two before, and he reduced oxycodone from four tablets a day to one."
            "\nPLAN:\n1. Permanent spinal cord stimulator implant.\n")
    [trial] = [c for c in _case(kb, text).courses
               if c.concept == TERM + "SpinalCordStimulatorTrial"]
    assert trial.response == FUNC
