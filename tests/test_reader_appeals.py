"""A treating physician's appeal of a UR non-certification, read as the request it repeats:
the items it lists ("Items appealed:", "Requests of 08/29/2019: (1) ... (2) ..."), and the
reviewer's words it quotes to answer them ('UR: "No red flags."') are not the worker's
facts."""

from __future__ import annotations

import pytest

from reasoner.reader.letter import read_letter
from reasoner.vocab import TERM

_HEAD = ("Lakeside Spine and Pain Medical Group\n1200 Harbor Blvd, Suite 4, Oxnard CA 93035\n\n"
         "DATE: 9/4/2019\nTO: Utilization Review Appeals\nRE: APPEAL OF UR NON-CERTIFICATION\n"
         "    Claim #: 18-WC-20331    DOI: 3/2/16\n    RFA date: 8/29/19\n\n")
_BODY = ("To whom it may concern,\n\nMr. Alvarez is a 47 y/o roofer injured 3/2/16. Dx: lumbar "
         "degenerative disc disease.\n"
         "UR: \"There is no documentation of a urine drug screen. The patient has red flags and "
         "progressive neurologic deficit. Opioids have been used long term without benefit.\"\n"
         "RESPONSE: He walks 30 minutes a day on oxycodone. UDS on 7/1/19 was consistent.\n")


def _read(kb, listed: str):
    data = (_HEAD + listed + "\n" + _BODY).encode()
    return read_letter(data, "appeal.txt", kb.terms)


@pytest.mark.parametrize("listed", [
    "Items appealed:\n  (a) Oxycodone IR 10 mg #120\n  (b) Cognitive behavioral therapy, 6 "
    "sessions\n",
    "Services under appeal:\n1. Oxycodone IR 10 mg #120\n2. Cognitive behavioral therapy, 6 "
    "sessions\n",
    "Requests of 08/29/2019: (1) Oxycodone IR 10 mg #120; (2) Cognitive behavioral therapy, 6 "
    "sessions\n",
])
def test_the_items_an_appeal_lists(kb, listed):
    read = _read(kb, listed)
    assert [i.name for i in read.letter.items] == [
        "Oxycodone IR 10 mg #120", "Cognitive behavioral therapy, 6 sessions"]


def test_the_reviewer_s_words_quoted_are_not_facts(kb):
    facts = _read(kb, "Items appealed:\n  (a) Oxycodone IR 10 mg #120\n").extracted.facts
    present = {f.concept for f in facts if f.kind == "finding" and f.props.get("present")}
    assert TERM + "ProgressiveNeurologicalDeficit" not in present
    assert not any(f.concept.endswith("RedFlagSpinalPathology") for f in facts
                   if f.concept and f.kind == "finding" and f.props.get("present"))
    # (the physician's own answer is read: the screen he tells of)
    screens = [f for f in facts if f.kind == "assessment"
               and f.concept == TERM + "UrineDrugScreen"]
    assert [s.props["assessment_result"].rsplit("#", 1)[-1] for s in screens] == ["Consistent"]


def test_the_determination_s_words_quoted_are_not_facts(kb):
    facts = _read(kb, "Items appealed:\n  (a) Tizanidine 4 mg #60\n"
                      'The determination reads: "Muscle relaxants are for short-term use during '
                      'acute exacerbations."\n').extracted.facts
    assert not [f for f in facts if f.kind == "finding" and f.props.get("present")
                and f.concept == TERM + "AcuteExacerbation"]


# A treating physician's letter with the review that answers it below: the letter's sections
# under each item are the physician's record, the review's reasons are not.
_APPEAL = (
    "NORTH COUNTY ORTHOPAEDICS\n\nFebruary 2, 2016\n\nTo: Harbor Claims, UR Appeals\n"
    "RE: {re}\nPatient: Dana Whitcombe   DOI: 04/11/2015   RFA date: 01/12/2016\n\n{greeting}\n\n"
    "{opening} (1) a left shoulder subacromial injection and (2) physical therapy, 6 visits.\n\n"
    "Ms. Whitcombe is a 47-year-old cook who injured her left shoulder lifting a stockpot.\n\n"
    "ITEM 1 - SUBACROMIAL INJECTION\n"
    "{voice} She has had 8 sessions of physical therapy from 06/01/2015 to 07/30/2015 with no "
    "lasting benefit. On 01/12/2016 the Hawkins test was positive and forward flexion was 120 "
    "degrees.\n\n"
    "ITEM 2 - PHYSICAL THERAPY\nShe does her home exercises daily.\n\n"
    "{closing}\n\nR. Okafor, MD\n\n--------------------------------------------\n\n"
    "HARBOR CLAIMS\nUTILIZATION REVIEW DETERMINATION\nDate of notice: 02/10/2016\n\n"
    "Determination:\n1. Left shoulder subacromial injection: CERTIFIED\n"
    "2. Physical therapy, 6 visits: NON-CERTIFIED\n\nClinical basis for the determination:\n"
    "Item 2. She has had 24 sessions of acupuncture without benefit, and a home program is "
    "appropriate.\n")


@pytest.mark.parametrize(("re_line", "greeting", "opening", "voice", "closing"), [
    ("Request for Reconsideration", "Dear Appeals Reviewer:",
     "I am the primary treating physician and I ask that you reconsider your "
     "non-certification of", "Contrary to the reviewer's statement, conservative care has "
     "failed.", "Sincerely,"),
    ("Appeal of UR denial", "To whom it may concern,",
     "I received the non-certification of 01/19/2016 for two items on my RFA:",
     "I would point out that she has not improved.", "Thank you for your reconsideration."),
    ("SUPPLEMENTAL REPORT", "To the reviewing physician:",
     "I have reviewed the UR determination of 01/19/2016, which non-certified",
     "The reviewer was not sent my notes.", "Respectfully submitted,"),
])
def test_the_physician_s_letter_above_its_review_is_read(kb, re_line, greeting, opening,
                                                         voice, closing):
    data = _APPEAL.format(re=re_line, greeting=greeting, opening=opening, voice=voice,
                          closing=closing).encode()
    read = read_letter(data, "appeal.txt", kb.terms)
    facts = read.extracted.facts
    courses = {f.concept.rsplit("/", 1)[-1]: f.props.get("sessions") for f in facts
               if f.kind == "prior" and f.concept}
    # the physician's record under the items, not the items asked for again as courses had
    # (nor the review's own words below: its 24 acupuncture sessions)
    assert courses.get("PhysicalTherapy") == 8
    assert not {"Acupuncture", "SubacromialInjection"} & set(courses)
    assert [i.outcome for i in read.letter.items] == ["certified", "non-certified"]


def test_a_review_s_own_letter_with_a_salutation_reads_no_physician_letter(kb):
    """A UR letter to the physician ("Dear Dr. Okafor:") and its reviewer's "I" are no
    treating physician's letter: its reasons stay unread."""
    data = (b"HARBOR CLAIMS UTILIZATION REVIEW\nNOTICE OF UTILIZATION REVIEW DETERMINATION\n"
            b"Date of notice: 02/10/2016\nDate of injury: 04/11/2015\n\nDear Dr. Okafor:\n\n"
            b"Clinical summary: Ms. Whitcombe is a 47-year-old cook with left shoulder pain. "
            b"She has had 8 sessions of physical therapy.\n\nDetermination:\n1. Physical "
            b"therapy, 6 visits: NON-CERTIFIED.\n\nRationale: I spoke with Dr. Okafor on "
            b"02/09/2016. She has had 24 sessions of acupuncture without benefit.\n\n"
            b"Sincerely,\nUR physician\n")
    read = read_letter(data, "ur.txt", kb.terms)
    assert read.letter.fact_blocks == ()
    assert {f.concept.rsplit("/", 1)[-1] for f in read.extracted.facts
            if f.kind == "prior" and f.concept} == {"PhysicalTherapy"}
