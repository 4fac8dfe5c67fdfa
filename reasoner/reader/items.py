"""The disputed items as requests: service, quantity, frequency, dose, body region, date.

The item's name is the request as written (IMR judges it as written); the case summary gives
its request date (the report in which it was requested), its stated purpose and the UR
decision. Nothing here reads the outcome, the guideline lines or the rationale.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from reasoner.reader.dates import DATE_RE, PARTIAL, ROUGHLY, earliest_day, find_dates, parse_date
from reasoner.reader.firstchars import gated
from reasoner.reader.lexicon import Lexicon, Match, term_words
from reasoner.reader.mention import Mention
from reasoner.reader.purposes import planned_purposes, referral_purposes, stated_purposes
from reasoner.vocab import TERM, m

if TYPE_CHECKING:
    from collections.abc import Callable

    from reasoner.reader.extract import Extracted
    from reasoner.reader.layout import Letter

T = TERM.__add__
# (not a wish of the worker's: "reduced to four tablets a day at his request")
_REQUESTED = gated(r"\b(?:(?<!at his )(?<!at her )(?<!at their )(?<!at the worker's )"
                   r"(?<!at the patient's )request(?:ed|ing|s)?|recommend(?:ed|s|ing)?|"
                   r"plan(?:s|ned)?\s+(?:is|was|for|to|included|includes|consisted of|"
                   r"consists of|calls for|called for)|would like|"
                        # (not a prescription of the past: "Tapentadol was first prescribed on
                        # 03/15/2021", "he was prescribed Norco in 2019")
                        r"(?<!was )(?<!were )(?<!been )(?<!first )(?<!originally )"
                        r"(?<!initially )prescribed|"
                        # (not a refill of the past: "has been refilled monthly since")
                        r"ordered|(?<!been )(?<!was )(?<!were )refill(?:ed|s)?|"
                        r"ask(?:s|ed|ing)? for|submitted|"
                        # a note's shorthand: "req L4-5 TFESI x1; tramadol 50 BID #60"
                        r"req(?:'?d|s)?(?!\.?\s*(?:by|from)\b))\b|"
                        # "Plan:", "Plan 3/4/19:", "Plan of care:", "RFA 05/14/2019:"
                        r"\b(?:plan|RFA|request for authori[sz]ation)\b[^:.\n]{0,20}:",
                        re.I)
# A referral being made (not one made in the past: "was referred to PT in 2019"):
# "Referral to a spine surgeon now for an opinion", "will refer her to pain management"
_REFERS = re.compile(r"\b(?:referral|refer(?:ring)?(?: (?:him|her|them|the (?:patient|worker|"
                     r"applicant|employee)))?)\s+(?:back\s+)?to\b|\bwill refer\b", re.I)
_UR = re.compile(r"\b(non-?certified|noncertified|denied|modified)\b(?!\s+(?:duty|work|"
                 r"activit\w*|hours|schedule|position|job|restrictions|diet))[^.]*?\b(?:on|"
                 r"dated)\s+(" + DATE_RE.pattern + ")", re.I)
# ... or said by the review, its date before it: "On 05-29-2019, Utilization Review
# non-certified the requests for an MRI of the lumbar spine, ..."
# who decides a request in a review's own sentence
REVIEWER = r"(?:UR|utilization review|the review(?:er)?|claims administrator)"
_REVIEW_DECIDED = re.compile(r"\b" + REVIEWER + r"\b[^.;]{0,30}?\b(?:non-?certified|noncertified|"
                             r"denied|modified|certified)\b", re.I)
# ... said of a request or its review ("UR non-certified the MRI on 03/02/2016"), not of work
# or of a symptom ("Return to modified duty on 03/08/2016", "She denied fever on 3/2/2016")
_UR_CONTEXT = re.compile(r"\b(?:UR|utilization|review\w*|request\w*|RFA|authori[sz]\w*|"
                         r"certif\w*|carrier|adjuster|insurer|administrator|IMR|appeal\w*)\b",
                         re.I)
# Most specific first: "three times daily" is three, not "daily".
_PER_DAY = [(r"\b(?:qid|four times (?:a |per )?day|four times daily|4\s*x\s*(?:/\s*)?(?:a )?day|"
             r"4 times (?:a |per )?day)\b", 4),
            (r"\b(?:tid|three times (?:a |per )?day|three times daily|3\s*x\s*(?:/\s*)?(?:a )?day|"
             r"3 times (?:a |per )?day)\b", 3),
            (r"\b(?:bid|twice (?:a |per )?day|twice daily|two times (?:a |per )?day|"
             r"2\s*x\s*(?:/\s*)?(?:a )?day|2 times (?:a |per )?day)\b", 2),
            (r"\b(?:qd|once (?:a |per )?day|once daily|daily|every day|nightly|at bedtime|qhs|"
             r"qam|qpm|at night)\b", 1)]
# (a combination's strengths, the opioid's first: "10/325 mg", "10-325 mg" with an
# acetaminophen strength after the hyphen; not a range, "5-10 mg")
_DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:/\s*\d+(?:\.\d+)?\s*|-\s*(?:300|325|500|650|750)\s*)?"
                   r"(?:mg|milligrams?)\b", re.I)
_EVERY = re.compile(r"\b(?:every|q)\s*(\d{1,2}|two|three|four|six|eight|twelve)\s*(?:-\s*\d+\s*)?"
                    r"(?:hours|hrs|h)\b", re.I)
_TIMES = re.compile(r"\b(\d{1,2})\s*(?:x|times(?: a week| per week| weekly)?)\s*(?:for\s*)?"
                    r"(\d{1,2})\s*(?:weeks?|wks?)?\b", re.I)
# ("Acupuncture x6, cervical", "PT x 12": a count after an x, not "x 4 weeks" or "x2/day")
_COUNT = re.compile(r"(?:#\s*(\d+)|\b(\d{1,3})\s*(?:sessions?|visits?|treatments?)\b|"
                    r"\(\s*(\d{1,3})\s*\)|\bquantity:?\s*(\d+)|\bqty:?\s*(\d+)|"
                    r"(?<![\w/])x\s*(\d{1,3})\b(?!\s*(?:/|\.\d|mg|mcg|%|weeks?|wks?|days?|d\b|"
                    r"months?|mos?\b|hours?|hrs?|years?|per|a\s+(?:day|week))))", re.I)


# tablets counted by the day (not "one to two tablets": a range says no count)
_FROM_TO = re.compile(r"\s+to\s+(\d{1,2}|one|two|three|four|five|six|seven|eight)\b", re.I)
_RANGE_BEFORE = re.compile(r"\b(?:\d|one|two|three|four|five|six)\s*(?:to|or|-)\s*$", re.I)
_UNITS_A_DAY = re.compile(r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|"
                          r"nine|ten|eleven|twelve)\s+(?:tablets?|tabs?|pills?|capsules?|caps?)\s+"
                          r"(?:(?:a|per|each)\s+day|daily|/\s*day)\b", re.I)
# a range of tablets just before "daily" is the day's count ("using 3-4 daily"), not "once
# daily" ("1 tab daily", "2 tabs daily" stay once a day)
_COUNTED_BEFORE = re.compile(r"\b\d{1,2}\s*(?:-|to|or)\s*\d{1,2}\s*$", re.I)
# Counts in words, up to ninety-nine: "twelve", "twenty-one", "twenty one" (as dictation
# writes it), "a dozen"
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen")
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_NUMBER_WORDS = {w: n for n, w in enumerate(_ONES)} | _TENS | {
    "a dozen": 12, "two dozen": 24, "dozen": 12, "half-dozen": 6, "half a dozen": 6,
    "a half-dozen": 6, "a half dozen": 6, "half dozen": 6}
_COMPOUND = (r"(?:" + "|".join(_TENS) + r")(?:[ -](?:" + "|".join(_ONES[1:10]) + r")\b)?")
COUNT_WORD = (r"(\d{1,3}|" + _COMPOUND + "|" + "|".join(sorted(
    set(_NUMBER_WORDS) - set(_TENS), key=len, reverse=True)) + r")")
_SESSIONS = r"(?:sessions?|visits?|treatments?|appointments?)"
# "12 sessions", "ten visits" after the name; "completed 18 visits of" before it (not a date's
# year: "at the 7/10/25 visit").
# (one word between, or "completed" and one more: "documented 12 completed post-operative
# visits")
_COUNT_AFTER = re.compile(r"(?<![/\d.-])\b" + COUNT_WORD + r"\s*(?:(?:completed|attended)\s+)?"
                          r"(?:[\w-]+\s+)?" + _SESSIONS + r"\b", re.I)
# what joins a count to the name after it: "six sessions of [PT]"
_OF_THE_NEXT = re.compile(r"\s+of\s+(?:[\w-]+\s+){0,2}", re.I)
# A number of injections asked for: "series of three", "a series of 3 injections", "three
# trigger point injections", "injections x 2"
_SERIES = re.compile(r"\bseries\s+of\s+" + COUNT_WORD + r"\b|\b" + COUNT_WORD
                     + r"\s+(?:[\w-]+\s+){0,3}?(?:injections|blocks|infusions)\b|"
                     r"\b(?:injections|blocks|infusions)\s*x\s*(\d)\b", re.I)
_TIMES_A = re.compile(r"\s*(?:a|an|per|/|each|every)\s*(?:week|wk|month|day)\b", re.I)
# a records digest's run of numbered notes: "PT notes #1-#12", "daily notes #1 through #18"
# ("progress notes, visits 1-12, 11/18/2025 through 01/08/2026": the visits numbered, no "#")
_NOTES_NUMBERED = re.compile(r"\W{0,3}(?:daily\s+|treatment\s+|progress\s+)?(?:notes?\s*#|"
                             r"(?:notes?\s*,?\s*)?(?:visits?|sessions?)\s*#?)\s*1\s*"
                             r"(?:-|\u2013|to|through|thru)\s*#?\s*(\d{1,2})\b"
                             r"(?!\s*(?:x\b|times|/|per\b|a week|weekly))", re.I)
# a note numbered by its visit, the visits had: "PT note, visit 6 of 6: flexion 85 -> 115"
_VISIT_NUMBERED = re.compile(r"\s*,?\s*(?:(?:daily\s+|progress\s+|treatment\s+)?notes?\s*,?\s*)?"
                             r"(?:visit|session|treatment)\s*#?\s*(\d{1,2})\s*(?:of|/)\s*"
                             r"\d{1,2}\b", re.I)
_COUNT_BEFORE = re.compile(r"(?<![/\d.-])\b" + COUNT_WORD + r"\s*(?:[\w-]+\s+)?" + _SESSIONS
                           + r"\s+(?:of\s+)?(?:\w+\s+){0,2}$", re.I)


# "completed 8 of 12 [physical therapy] visits", "six (6) of the six authorized [chiropractic]
# visits": those had of those allowed (the first count; the unit just after the name)
_COUNT_OF_ALL = re.compile(r"(?<![/\d.-])\b" + COUNT_WORD + r"\s*(?:\(\d{1,3}\)\s*)?"
                           r"(?:of|out of)\s+(?:the\s+|his\s+|her\s+|their\s+)?" + COUNT_WORD +
                           r"\s*(?:\(\d{1,3}\)\s*)?"
                           r"(?:(?:authori[sz]ed|approved|certified|prescribed|planned|"
                           r"scheduled|allotted)\s+)?"
                           r"(?:(?:home|outpatient|additional|supervised|formal)\s+)?$", re.I)


# ... and after it: "she has attended twelve of twelve authorized visits" (the first count)
# ("12/12 authorized visits completed": the same, written as a fraction)
_HAD_OF_ALL_AFTER = re.compile(r"(?<![/\d.-])\b" + COUNT_WORD + r"\s*(?:\(\d{1,3}\)\s*)?"
                               r"(?:(?:of|out of)\s+|/\s*)(?:the\s+|his\s+|her\s+)?"
                               + COUNT_WORD[:-1]
                               + r")\s*(?:\(\d{1,3}\)\s*)?(?:(?:authori[sz]ed|approved|certified|"
                               r"prescribed|planned|scheduled|allotted)\s+)?"
                               r"(?:(?:[\w-]+)\s+)?" + _SESSIONS + r"\b", re.I)


# "twelve [physical therapy] visits": the count just before the name, the unit just after
# (a setting between: "6 home [physical therapy] visits", "12 outpatient [PT] sessions")
_COUNT_NEXT_TO = re.compile(r"(?<![/\d.-])\b" + COUNT_WORD + r"\s*(?:(?:home|in-home|outpatient|"
                            r"inpatient|formal|supervised|additional|more|further|"
                            r"post-?operative|postop|post-?surgical|clinic)\s+)?$", re.I)
_SESSIONS_FIRST = re.compile(r"\s*" + _SESSIONS + r"\b", re.I)
# a field of the visits had: "Physical therapy visits completed: 12 of 12 authorized", "PT
# sessions to date - 8", "Chiropractic visits attended = 6" (the first count is the one had)
# (the unit may end the name matched: "[Physical therapy visits] completed: 12")
_FIELD_COUNT = re.compile(r"(?:\s*" + _SESSIONS + r")?\s+(?:completed|attended|used|had|to date|"
                          r"so far|done)\s*(?::|-|=|\u2013)\s*(\d{1,3})\b(?!\s*/)", re.I)
_SESSIONS_LAST = re.compile(_SESSIONS + r"$", re.I)
# "PT x 10", "ESI x3", "chiro (6)" right after the name
# (not a decimal or a volume: "(0.5 mL 0.5% bupivacaine per nerve ...)")
_TIMES_COUNT = re.compile(r"\s*(?:x\s*|\(\s*)(\d{1,3})\b(?![.,]\d)(?!\s*(?:/|mg|%|weeks?|wks?|"
                          r"days?|months?|hours?|hrs?|(?:ml|mls|cc)\b))", re.I)


# Procedures counted by their own name, with the count just before it
_PROCEDURE = re.compile(r"\b(?:injections?|blocks?|ablations?|epidurals?|"
                        r"neurotom(?:y|ies)|rhizotom(?:y|ies))\b", re.I)
_HOW_MANY = re.compile(r"(?<![-/\w])(a|an|" + COUNT_WORD[1:-1] + r")\s+(?:[\w-]+\s+){0,2}$", re.I)


# a count, the service's name, then its unit: "12 additional post-operative physical therapy
# visits", "six more chiropractic treatments"
_COUNT_AROUND = re.compile(r"(?<![/\d.-])\b" + COUNT_WORD + r"\s+(?:(?:additional|more|further|"
                           r"extra)\s+)?(?P<between>(?:[\w/-]+\s+){1,5}?)" + _SESSIONS + r"\b",
                           re.I)


def _counted_around(name: str, service: list[Match]) -> re.Match | None:
    """The count whose words up to its unit are the service's name, and nothing else."""
    for found in _COUNT_AROUND.finditer(name):
        start, end = found.span("between")
        if any(start <= h.start < end and h.end <= found.end() for h in service) and \
                not re.search(r"\b(?:weeks?|days?|months?|times|per|a|x)\b", found["between"],
                              re.I):
            return found
    return None


# Numbers as dictation spells them, in an item's name: "Flexeril seven point five milligrams
# number sixty", "Norco ten three twenty five ... number one hundred twenty", "cold therapy unit
# for twenty one days" (said, they are read as the digits would be)
_NUMBER = (r"(?:" + "|".join(sorted([*_ONES, *_TENS, "hundred"], key=len, reverse=True))
           + r")\b")
_NUMBER_RUN = _NUMBER + r"(?:[ -](?:and )?" + _NUMBER + r")*"
# (a count's "number", not a label's: "Item number one: physical therapy")
_COUNT_SIGN = r"(?<!item )(?<!issue )(?<!request )(?<!question )(?<!line )\bnumber "
# (a spoken sign of dictation: a decimal point, a count's "number", a compound or a hundred)
_SPOKEN = re.compile(r"\bpoint " + _NUMBER + r"|" + _COUNT_SIGN + _NUMBER + r"|\b(?:"
                     + "|".join(_TENS) + r")[ -]" + _NUMBER + r"|\b" + _NUMBER + r" hundred\b",
                     re.I)
# acetaminophen's strength after an opioid's, as said: "ten three twenty five" is 10/325
_WITH_APAP = re.compile(r"\b(" + _NUMBER_RUN + r") (three twenty[ -]five|three hundred(?: and)? "
                        r"twenty[ -]five|three hundred|five hundred|seven fifty|seven hundred(?: "
                        r"and)? fifty)\b", re.I)
_APAP = {"three twenty five": 325, "three hundred twenty five": 325, "three hundred": 300,
         "five hundred": 500, "seven fifty": 750, "seven hundred fifty": 750}
_POINT = re.compile(r"\b(" + _NUMBER_RUN + r") point (" + _NUMBER + r")", re.I)
_NUMBER_SIGN = re.compile(_COUNT_SIGN + r"(" + _NUMBER_RUN + r")", re.I)
_RUN = re.compile(r"\b" + _NUMBER_RUN, re.I)


def spoken_numbers(text: str) -> str:
    """The name with the numbers dictation spelled out written in digits (a name with no sign
    of dictation is returned as it is: "one tablet twice a day" is read as written)."""
    if not _SPOKEN.search(text):
        return text
    def said(words: str) -> str:
        return str(words_value(words))
    text = _WITH_APAP.sub(lambda m: f"{said(m.group(1))}/"
                          f"{_APAP[' '.join(re.sub(r'-|and ', ' ', m.group(2).lower()).split())]}",
                          text)
    text = _POINT.sub(lambda m: f"{said(m.group(1))}.{said(m.group(2))}", text)
    text = _NUMBER_SIGN.sub(lambda m: f"#{said(m.group(1))}", text)
    return _RUN.sub(lambda m: said(m.group()), text)


def words_value(words: str) -> int:
    """The value of a number in words: "twenty one" 21, "one hundred and twenty" 120."""
    total = 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "hundred":
            total = max(total, 1) * 100
        elif word != "and":
            total += _NUMBER_WORDS[word]
    return total


def count_of(text: str) -> int:
    """A count said in digits or in words ("12", "twelve", "twenty-one", "twenty one")."""
    text = " ".join(text.lower().split())
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS[text] if text in _NUMBER_WORDS else words_value(text)


def course_props(tail: str, lead: str = "", name: str = "") -> dict:
    """What goes with a treatment or drug name in a list: sessions ("12 visits" after it,
    "x 10" or "(8)" right after it, "completed twelve visits of" before it, in `lead`; "8 PT
    visits" when the name matched ends in the visits), dose, frequency, start, response."""
    from reasoner.reader.responses import item_response, reduced

    props: dict = dose_props(tail)
    # ("8 PT visits", and "18 sessions of therapy" when the name matched opens with them)
    counted_after = _SESSIONS_FIRST.match(tail) or _SESSIONS_LAST.search(name) or \
        _SESSIONS_FIRST.match(name)
    had_of_all = _COUNT_OF_ALL.search(lead) if counted_after else None
    after = _COUNT_AFTER.search(tail) or _HAD_OF_ALL_AFTER.search(tail)
    if after and _OF_THE_NEXT.fullmatch(tail, after.end()):
        after = None  # "a transforaminal injection ... and six sessions of [PT]": the next's
    sessions = had_of_all or _COUNT_BEFORE.search(lead) or after or \
        (_FIELD_COUNT.match(tail) if counted_after else None) or \
        _NOTES_NUMBERED.match(tail) or _VISIT_NUMBERED.match(tail) or (
        _COUNT_NEXT_TO.search(lead) if counted_after else None) or _TIMES_COUNT.match(tail) \
        or (_COUNT_THEN_DATES.match(tail) if _IN_SESSIONS.search(name) else None)
    granted = sessions and not had_of_all and (_GRANTED_AFTER.match(tail) or
                                               _GRANTED_BEFORE.search(lead))
    if granted and (part := _ATTENDED_PART.search(tail[:120])):
        # "authorized for 6 visits; he completed 4 of them": the visits had
        props["sessions"] = count_of(part.group(1))
    elif granted and not _ATTENDED.search(tail[:120]):
        pass  # "6 sessions of acupuncture were authorized": allowed, not had (unless had too:
        # "was authorized for six visits, which she attended from 1/14/14 through 2/25/14")
    elif sessions:
        props["sessions"] = count_of(sessions.group(1))
        if "/" in sessions.group():
            # (a fraction of visits is no dose: "12/12 visits" had read as 12 mg)
            for key in ("dose_mg", "doses_per_day", "frequency"):
                props.pop(key, None)
    elif _IN_SESSIONS.search(name) and (dated := _DATED_TIMES.match(tail)):
        # "Post-op PT 02/02-03/25/16 x12 completed", "PT 01/05/2016 - 02/20/2016 x 8": the
        # count after the course's dates
        props["sessions"] = int(dated.group("count"))
        for key in ("dose_mg", "doses_per_day", "frequency"):
            props.pop(key, None)  # (a day's "02" read as a dose)
    elif _PROCEDURE.search(name) and (done := _HOW_MANY.search(lead)):
        # "two lumbar epidural steroid injections", "an epidural injection": counted by name
        word = done.group(1).lower()
        props["sessions"] = 1 if word in ("a", "an") else count_of(word)
    # "since 03/04/2013", "since his visit of 03/04/2013", "started at the evaluation on ..."
    # "since on or about March 3, 2015", "since about March 2015", "started in early 2016"
    since = _SINCE.search(tail) or _STARTED_DOSED.search(tail)
    if since:
        props["start"] = parse_date(since.group(1)) or earliest_day(since.group(1))
    elif spanned := _span(tail) or _charted_span(lead) or _short_span(tail):
        # "from 06/02/2015 through 07/28/2015 (12 visits)", "between 5/12/2014 and 7/30/2014",
        # "12 visits 06/02/2015-07/28/2015": the course's first and last days; or the entry's
        # dates before it, "- 9/8/14 to 11/14/14: 12 PT visits"
        props["start"], props["end"] = spanned
    elif year := _IN_YEAR.match(tail):
        props["year"] = int(year.group(1))  # "an epidural injection in 2015": when, roughly
    if (response := item_response(tail)) and \
            not reduced(lead + name + tail, len(lead), len(lead) + len(name)):
        # a drug cut back is the measure of a gain, not its cause: "weaned off oxycodone"
        props["response"] = m(response)
    if props.get("doses_per_day") and (_CHANGED_BEFORE.search(lead) or
                                       _CHANGED_AFTER.match(tail)):
        props["dose_changed"] = True  # "a reduction of Norco to four tablets a day"
    return props


# A dose changed to: what the drug is taken at now, whatever was said before
# (not "cut her Norco back to one a day" during a block's relief: a measure of the relief)
_CHANGED_BEFORE = re.compile(r"\b(?:reduc\w*|decreas\w*|lower\w*|taper\w*|increas\w*|titrat\w*)"
                             r"\s+(?:(?:of|in|the|his|her|their|dose|dosage)\s+){0,3}$", re.I)
_CHANGED_AFTER = re.compile(r"[^.;]{0,20}?\b(?:was|were|has been|had been|is)?\s*(?:reduced|"
                            r"decreased|lowered|tapered|increased|titrated)\s+"
                            r"(?:\w+\s+){0,2}?to\b", re.I)


# Two dates that bound a course, close after its name and before another statement opens
_SPAN_JOIN = re.compile(r"\s*(?:-|\u2013|\u2014|to|through|thru|until|till|and)\s*$", re.I)
_SPAN_LEAD = re.compile(r"(?:[^.;]|\.(?=\d)){0,40}?$")


# An entry opened by the span of its course: "- 9/8/14 to 11/14/14: 12 PT visits (McKenzie)"
_CHARTED_SPAN = re.compile(r"^\W{0,3}(" + DATE_RE.pattern + r")\s*(?:-|\u2013|to|through|thru)\s*("
                           + DATE_RE.pattern + r")\s*[:\u2013-]\s*(?:\d{1,3}\s+)?(?:[a-z]+\s+)?$",
                           re.I)


_ATTENDED = re.compile(r"\b(?:which|that|all of which|and)\s+(?:(?:she|he|they|the patient|the "
                       r"worker)\s+)?(?:then\s+)?(?:attended|completed|finished|received|"
                       r"underwent)\b", re.I)


_ATTENDED_PART = re.compile(r"\b(?:completed|attended|had|received|finished)\s+(?:only\s+)?(" +
                            COUNT_WORD[1:-1] + r")\s+(?:of\s+(?:them|these|those|the\s+\w+)|"
                            r"visits|sessions|treatments)\b", re.I)


def _charted_span(lead: str) -> tuple | None:
    if not (found := _CHARTED_SPAN.match(lead)):
        return None
    first, last = parse_date(found.group(1)), parse_date(found.group(2))
    return (first, last) if first and last and first <= last else None


# A course's dates, its count after them: "02/02-03/25/16 x12", "01/05/2016 - 02/20/2016 x 8"
_A_DAY = r"\d{1,2}/\d{1,2}(?:/\d{2,4})?"
_DATED_TIMES = re.compile(r"\s*(?:from\s+)?" + _A_DAY + r"(?:\s*(?:-|to|through|thru|\u2013)\s*"
                          + _A_DAY + r")?\s*,?\s*(?:x\s*|\(\s*)(?P<count>\d{1,3})\b(?![.,/]\d)"
                          r"(?!\s*(?:/|mg|%|weeks?|wks?|days?|months?|hours?|hrs?|(?:ml|mls|cc)\b))",
                          re.I)
# ... a span whose first day takes the year of its last: "02/02-03/25/16"
_SHORT_SPAN = re.compile(r"\s*(?:from\s+)?(\d{1,2})/(\d{1,2})\s*(?:-|to|through|\u2013)\s*"
                         r"(\d{1,2}/\d{1,2}/(\d{2,4}))\b")


def _short_span(tail: str) -> tuple | None:
    found = _SHORT_SPAN.match(tail)
    if not found or not (last := parse_date(found.group(3))):
        return None
    try:
        first = dt.date(last.year, int(found.group(1)), int(found.group(2)))
    except ValueError:
        return None
    return (first, last) if first <= last else None


def _span(tail: str) -> tuple | None:
    dated = find_dates(tail[:140])
    if len(dated) < 2:
        return None
    (first, a_start, a_end), (last, b_start, _) = dated[:2]
    joined = _SPAN_JOIN.match(tail, a_end, b_start)
    if not joined or not _SPAN_LEAD.match(tail[:a_start]) or not first <= last:
        return None
    # ("and" joins a span only after "between": "on 3/2/2015 and 4/6/2015" are two days)
    if joined.group().strip().lower() == "and" and not tail[:a_start].rstrip().lower() \
            .endswith("between"):
        return None
    return first, last


# A count granted or asked for, not attended: "6 sessions of acupuncture were authorized on
# 02/20/2018", "UR certified 6 visits of PT", "approved for eight sessions of"
_GRANTED = (r"(?:authori[sz]ed|approved|certified|modified|allowed|requested|ordered|"
            r"prescribed|scheduled|recommended)")
_GRANTED_AFTER = re.compile(r"[^.;]{0,30}?\b(?:were|was|have been|had been|has been)\s+"
                            r"(?:\w+\s+)?" + _GRANTED + r"\b", re.I)
_GRANTED_BEFORE = re.compile(r"\b" + _GRANTED + r"\s+(?:for\s+|only\s+|to\s+)?(?:\w+\s+){0,3}$",
                             re.I)


# A table row of a therapy: its count, then its dates ("Physical therapy<TAB>12<TAB>01/10/2022 -
# 03/30/2022" once the tabs are cleaned to spaces)
_COUNT_THEN_DATES = re.compile(r"[ \t:|]*(\d{1,2})[ \t|]+(?=\d{1,2}/\d{1,2}/\d{2,4}|"
                               r"\d{4}-\d{2}-\d{2})")
_IN_SESSIONS = re.compile(r"therap|acupunct|chiro|manipulation|massage|psych|counsel|"
                          r"conditioning|hardening|biofeedback|rehab|\bPT\b|\bOT\b", re.I)
# A course's year alone, right after it: "had an epidural injection in 2015 for ..."
# a start told with its dose between: "was started at 300 mg three times daily on 06/12/2012"
_STARTED_DOSED = re.compile(r"\b(?:started|begun|initiated|prescribed)\s+(?:at\s+)?\d+(?:\.\d+)?\s*"
                            r"mg\b[^.;]{0,40}?\bon\s+(" + DATE_RE.pattern + ")", re.I)
_SINCE = re.compile(r"\b(?:since|started(?: on| at| in)?|starting(?: on| in)?|began(?: on| in)?)\s+"
                    r"(?:" + ROUGHLY + r")?"
                    r"(?:(?:his|her|their|the|a|an|last|visit|appointment|evaluation|exam|"
                    r"examination|report|note|consultation|of|on|at|dated|"
                    # "since surgery 11/04/2025", "since his discharge on ..."
                    r"surgery|operation|discharge)\s+){0,4}"
                    r"(?:" + ROUGHLY + r")?(" + DATE_RE.pattern + "|" + PARTIAL + ")", re.I)
_IN_YEAR = re.compile(r"[^.;,]{0,20}?\b(?:in|during|back in)\s+((?:19|20)\d{2})\b(?![/-])", re.I)
# "Norco 10/325": a combination's strength right after its name, the first part in mg
_COMBINATION = re.compile(r"^\W{0,3}(\d+(?:\.\d+)?)\s*/\s*\d{2,4}\b(?!\s*(?:/|mg))")
# A strength written without its unit, right before the schedule, as notes chart it:
# "naproxen 500 BID", "oxycodone IR 10 q6h prn", "gabapentin 600 TID" (not "Norco 1 TID", one
# tablet: a single digit 1 is a count)
_BARE_DOSE = re.compile(r"\W{0,3}(?:(?:IR|ER|SR|XR|CR|DS|XL|ODT|HCl)\s+)?"
                        r"(?!1\s)(\d{1,4}(?:\.\d+)?)\s+(?=(?:bid|tid|qid|qd|qhs|hs|daily|q\s?\d+\s?h|"
                        r"prn|once|twice|every|at bedtime|nightly|a day|per day)\b)", re.I)
# a dose changed from one to another: "from 10 mg to 20 mg", "from 10 to 20 mg"
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.I)
_DOSE_TO = re.compile(r"\s*(?:to|->|\u2192)\s*(\d+(?:\.\d+)?)\s*mg\b", re.I)
# ... or started at one and changed to another: "started at 300 mg three times daily on
# 06/12/2012 and titrated to 600 mg three times daily"
_CHANGED_TO = re.compile(r"\b(?:titrated|increased|raised|advanced|reduced|decreased|tapered|"
                         r"lowered|weaned)\s+(?:up\s+|down\s+|back\s+)?to\s+(\d+(?:\.\d+)?)\s*mg\b",
                         re.I)
# "two tablets": the dose of one administration is that many units
_UNITS = re.compile(r"\b(?:(?:one|1)\s*(?:-|to|or)\s*)?(two|2|three|3)\s*(?:tabs?|tablets?|caps?|"
                    r"capsules?|pills?)\b", re.I)


# A patch's strength is a rate: "Duragesic 50 mcg/hr, changed every 72 hours" delivers
# 50 mcg an hour all day (the terminology converts transdermal fentanyl per mcg/h a day)
_PATCH_RATE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:mcg|\u00b5g|micrograms?)\s*(?:/|per|an)"
                         r"\s*(?:hr|h|hour)\b", re.I)


_RATE_CHANGED = re.compile(r"\b(?:increased|titrated|raised|advanced|reduced|decreased|tapered|"
                           r"lowered|changed)\b", re.I)


def dose_props(text: str) -> dict:
    """Dose (mg per administration) and doses per day from the words after a drug's name."""
    if (rate := _PATCH_RATE.search(text)) and not _DOSE.search(text, 0, rate.start()):
        # (its latest rate, when it was changed: "initiated at 25 mcg/hr in 2014 and
        # increased to 50 mcg/hr on 06/02/2015")
        rates = list(_PATCH_RATE.finditer(text))
        to = rates[-1] if len(rates) > 1 and _RATE_CHANGED.search(
            text, rate.end(), rates[-1].start()) else None
        return {"dose_mg": float((to or rate).group(1)), "doses_per_day": 1.0,
                "frequency": "continuous (patch)"}
    props: dict = {}
    counted = _UNITS_A_DAY.search(text)
    if counted and _RANGE_BEFORE.search(text, max(0, counted.start() - 12), counted.start()):
        counted = None
    if dose := _DOSE.search(text) or _COMBINATION.search(text) or _BARE_DOSE.match(text):
        # (tablets counted by the day are the day's doses, not one dose: "two tablets a day"
        # is 2 x 10 mg, not 2 x 20 mg)
        units = None if counted else _UNITS.search(text)
        times = {"two": 2, "2": 2, "three": 3, "3": 3}[units.group(1).lower()] if units else 1
        # ("increased from 10 mg to 20 mg every 12 hours": taken at the dose it went to)
        to = _DOSE_TO.match(text, dose.end()) if _FROM_BEFORE.search(
            text, max(0, dose.start() - 8), dose.start()) else _CHANGED_TO.search(text,
                                                                                  dose.end())
        props["dose_mg"] = float((to or dose).group(1)) * times
    if counted:
        # "he was taking six tablets a day", "reduced to four tablets daily" ("from four
        # tablets a day to two": two)
        to = _FROM_TO.match(text, counted.end()) if text[:counted.start()].rstrip().lower(
        ).endswith("from") else None
        word = (to.group(1) if to else counted.group(1)).lower()
        props["doses_per_day"] = float(count_of(word))
        props["frequency"] = counted.group(0)
        return props
    for pattern, per_day in _PER_DAY:
        found = re.search(pattern, text, re.I)
        if found and per_day == 1 and _COUNTED_BEFORE.search(text, 0, found.start()):
            continue  # "(using 3-4 daily)": a count of the day, not once daily
        if found:
            props["doses_per_day"], props["frequency"] = float(per_day), found.group(0)
            break
    else:
        every = _EVERY.search(text)
        hours = every.group(1).lower() if every else ""
        interval = count_of(hours) if hours else 0
        if every and 0 < interval <= 72:  # ("q0h", "every 0 hours": no interval stated)
            props["doses_per_day"] = 24 / interval
            props["frequency"] = every.group(0)
    return props


# What a request can name: services (treatments, drugs, studies, programs) and monitoring such
# as a urine drug screen, which guidelines also decide.
REQUESTABLE = (T("Service"), T("MonitoringAssessment"))


# A topical made of several drugs: "Flurbiprofen 20%/cyclobenzaprine 4%/lidocaine 5% cream"
_TOPICAL = re.compile(r"\b(?:cream|gel|ointment|lotion|compound\w*|topical|transdermal|patch)\b|%",
                      re.I)


_STRENGTH = re.compile(r"\b\d+(?:\.\d+)?\s*%")


def _both_readings(name: str, lex: Lexicon) -> list[Match]:
    """Services named with the strengths in and out; a name read with them wins where the two
    readings overlap."""
    raw = lex.find(name, *REQUESTABLE)
    stripped = lex.find(_STRENGTH.sub(lambda m: " " * len(m.group(0)), name), *REQUESTABLE)
    return raw + [h for h in stripped
                  if not any(r.start < h.end and h.start < r.end for r in raw)]


# "Psychiatric consultation for medication management", "consultation regarding surgery":
# what follows 'for' names the purpose, not a second service; "authorization for" and "and"
# go on to the service itself.
# (not a request's own "for": "and authorization for right carpal tunnel release")
_FOR_PURPOSE = re.compile(r"(?<!authorization )(?<!authorisation )(?<!request )(?<!approval )"
                          r"\b(?:for|to (?:treat|discuss|address|manage)|regarding|re|"
                          # "Transportation to and from physical therapy": where it goes
                          r"to and from|"
                          # what a drug is meant to spare: "Voltaren gel ..., 'to try to cut
                          # down on the Norco'", "in order to reduce the oxycodone"
                          r"(?:in order |so as |in hopes of |hoping )?to (?:try to |help )?"
                          r"(?:cut (?:down|back)|reduce|decrease|lower|wean|taper|limit|"
                          r"minimi[sz]e|avoid|spare|get off))\b", re.I)
# (a purpose ends with its sentence when the next opens with a service: "... on NSAIDs.
# Pantoprazole 40 mg #30")
_GOES_ON = re.compile(r"\b(?:authori[sz]ation|request(?:ed|ing)?|and|with|plus|then|or)\b|[&+,;/]|"
                      r"\.\s+$", re.I)


# What follows a service's name on a plan line as its reason, set off by a dash or a
# semicolon: "Urine drug screen (POC) -- baseline before starting tramadol", "PT 2x4 --
# continue progression, transition to HEP"
_RATIONALE = re.compile(r"\s(?:--|\u2014|\u2013)\s|;|"
                        # or by a comma and a reason: "..., as depressive symptoms remain",
                        # "..., given failure of splinting" (not "..., as needed")
                        r",\s+(?:as|given|because|since|due to)\s+(?!needed|directed|tolerated|"
                        r"required|prescribed|before|previously|instructed|ordered)", re.I)
# ... unless what follows orders something new: "continue naproxen as it keeps him at work;
# add a PPI ... Pantoprazole 40 mg #30"
_NEW_ORDER = re.compile(r"\s*(?:add|start|begin|initiate|switch(?:ing)? to|change to|trial of)\b",
                        re.I)
# What a consultation is asked about
_ASKED_ABOUT = re.compile(r"\b(?:opinion|discuss\w*|evaluat\w*|regarding|consider\w*|options?)\b",
                          re.I)
# A time, not a service asked for: "follow-up visit after the EMG to review results"
_WHEN = re.compile(r"\b(?:after|following|once|pending|until|when|prior to|before|ahead of|"
                   r"in preparation for)\b", re.I)
# A specialty named by what it treats: "referral to a knee/arthroplasty specialist"
_SPECIALIST = re.compile(r"\s*(?:specialists?|surgeons?|clinic|physicians?|doctors?)\b", re.I)


# ... or its part of the request sentence: "hydrocodone/acetaminophen 5/325 mg #20 for
# post-operative pain", "a cold therapy unit for use after surgery"
# (its use told between: "a cold therapy unit for 7 days of use following the surgery")
_FOR_POSTOPERATIVE = re.compile(r".*?\bfor\s+(?:[\w-]+\s+){0,4}?(?:use\s+)?(?:the\s+)?"
                                r"(?:post[- ]?op(?:erative(?:ly)?)?\b|(?:after|following)\s+"
                                r"(?:the\s+|her\s+|his\s+)?(?:surgery|operation)\b)", re.I)
_NAMED_POSTOPERATIVE = re.compile(r"\b(?:post[- ]?op(?:erative(?:ly)?)?|(?:after|following) "
                                  r"(?:the )?surgery)\b", re.I)


def _not_purposes(name: str, hits: list[Match], lex: Lexicon) -> list[Match]:
    hits = sorted(hits, key=lambda h: h.start)
    # (a problem's label and its dash are no reason given: "Chronic NSAID therapy -- CBC and
    # CMP", whose reasons may follow)
    problem = _PROBLEM.match(name)
    reasons_from = problem.end() - 1 if hits and problem and \
        hits[0].end <= problem.end("label") else hits[0].end if hits else 0
    if hits and (reason := _RATIONALE.search(name, reasons_from)) and \
            not _NEW_ORDER.match(name, reason.end()):
        hits = [h for h in hits if h.start < reason.start()]
    # what a procedure is given with, in brackets: "Right subacromial corticosteroid injection
    # (Kenalog 40 mg with lidocaine)" asks for the injection, not for lidocaine
    bracketed = [m.span() for m in re.finditer(r"\([^()]*\)", name)]
    def inside(h: Match) -> bool:
        return any(a < h.start and h.end < b for a, b in bracketed)
    if any(not inside(h) and not lex.terms.is_a(h.term, T("Drug")) for h in hits):
        hits = [h for h in hits if not (inside(h) and lex.terms.is_a(h.term, T("Drug")))]
    elif hits and not inside(hits[0]) and any(inside(h) for h in hits) and not \
            lex.terms.is_a(hits[0].term, T("CompoundedDrug")):  # a compound's are its own
        # "Celecoxib 200 mg #30 (with the PPI, given his risk)": what the brackets add about a
        # drug named before them is not the drug asked for (a brand's generic name is the
        # same drug: "Voltaren (diclofenac sodium) 1% gel")
        hits = [h for h in hits if not inside(h) or any(
            lex.terms.is_a(h.term, o.term) or lex.terms.is_a(o.term, h.term)
            for o in hits if not inside(o))]
    kept = hits[:1]
    for hit in hits[1:]:
        gap = name[kept[-1].end:hit.start]
        # "Pain management consultation: evaluation and performance of a cervical ESI": what
        # a consultation's colon introduces is what the specialist is asked about
        if hit.start >= kept[-1].end and re.search(r"[:\u2013]|\s-\s", gap) and any(
                lex.terms.is_a(k.term, T("SpecialistConsultation")) for k in kept):
            continue
        if hit.start >= kept[-1].end and (_WHEN.search(gap) or _SPECIALIST.match(
                name, hit.end)) and not _GOES_ON.search(gap):
            continue
        if _ASKED_ABOUT.search(gap) and lex.terms.is_a(kept[-1].term, T("SpecialistConsultation")):
            continue  # "referral ... for a second opinion on surgical options (... or TKA)"
        # (the purpose governs what follows it: "consultation, one visit, for medication
        # management", not "X for Y, Z", where Z is another item)
        if hit.start >= kept[-1].end and (purpose := _FOR_PURPOSE.search(gap)) and \
                not _GOES_ON.search(gap, purpose.end()):
            if _REFERRAL.match(name, kept[-1].start) and not lex.terms.is_a(
                    hit.term, T("Drug")) and kept[-1].term == T("SpecialistConsultation"):
                # "Referral for psychological evaluation": what is referred to (not "referral
                # to pain management for opioid management": that names its specialty)
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept


_REFERRAL = re.compile(r"refer", re.I)


_FORM = re.compile(r"\b(?:gel|cream|ointment|lotion|topical|transdermal|solution)\b", re.I)


def _in_form(name: str, hits: list[Match], form: str, lex: Lexicon) -> str | None:
    for hit in hits:
        words = name[hit.start:hit.end].split()
        for spelled in (" ".join(words), words[0]):
            found = lex.first(f"{spelled} {form}", T("Drug"))
            if found and lex.terms.is_a(found.term, T("TopicalAnalgesic")):
                return found.term
    return None


def _topical_form(hit: Match, name: str, lex: Lexicon) -> str:
    """A drug named bare in a topical ("Diclofenac 1% gel (Voltaren)"): its topical form,
    where the terminology has one, so that it is not a second drug beside 'Voltaren'."""
    found = lex.first(f"{name[hit.start:hit.end]} cream", T("Drug"))
    return found.term if found and lex.terms.is_a(found.term, T("TopicalAnalgesic")) \
        else hit.term


def _ingredients(name: str, lex: Lexicon) -> list[str]:
    """A compound's drugs, one per listed part, in their topical form where the terminology
    has one ("ketoprofen" in a cream is ketoprofen topical, "lidocaine" lidocaine cream)."""
    out: list[str] = []
    for part in re.split(r"[,/;:+()]|\band\b|\bwith\b|\bcontaining\b", name):
        hit = next((h for h in lex.find(f"{part.strip()} cream", T("Drug"))
                    if not lex.terms.is_a(h.term, T("CompoundedDrug"))), None)
        if hit and hit.term not in out:  # (not the compound itself: "Compound cream (...")
            out.append(hit.term)
    return out


# "Switch gabapentin to pregabalin", "change Norco to tramadol", "replace the TENS with an
# H-wave unit": the request is what comes after.
_REPLACING = re.compile(r"\b(?:to replace|replacing|instead of|in place of|rather than)\b",
                        re.I)
_SWITCH = re.compile(r"\b(?:switch\w*|chang\w*|convert\w*|transition\w*)\b[^.;]*?"
                     r"\b(?:to|over to)\b|\breplac\w*\b[^.;]*?\bwith\b", re.I)


# How long a request is for, as its name says it: "7-day rental", "rental x 7 days", "for 14
# days", "30-day trial", "one month rental", "x 2 weeks", "for 3 months" (not a frequency:
# "5 days/week", "3 days a week"; not a dose: "4 hours/day").
_PERIOD = re.compile(
    r"(?:\b(?P<lead>x|for|rental|trial|use|supply|of)\s*(?:a\s+|an\s+)?|\b)"
    r"(?:(?:more|additional|further|extra|another)\s+)?"
    r"(?P<n>" + COUNT_WORD[1:-1] + r"|a|an)"
    r"[\s-]*(?:(?:more|additional|further|extra)\s+)?(?P<unit>days?|weeks?|wks?|months?|mos?)\b"
    r"(?!\s*(?:/|a\s+(?:week|month)|per\b|each\b|weekly|of\s+(?:therapy|treatment)))", re.I)
_PERIOD_DAYS = {"d": 1, "w": 7, "m": 30}
_LAST_TERM = re.compile(r"[\s.)]*$")


def requested_period(name: str) -> int | None:
    """Days a request is for, when its name says so with a period word next to a number or
    to a rental, trial or supply ("7-day rental", "rental x 2 weeks", "one month trial")."""
    rented = None  # (looked for once: a long name may say a period many times)
    for found in _PERIOD.finditer(name):
        if rented is None:
            rented = bool(re.search(r"rental|trial|supply", name, re.I))
        if not (found.group("lead") or rented or _LAST_TERM.match(name, found.end())
                and name[:found.start()].rstrip().endswith(",")):
            # "6 weeks post-op" names a time, not what is asked for (a period closing the
            # name after a comma is: "Cold therapy unit, right shoulder, 21 days")
            continue
        count = found.group("n").lower()
        n = 1 if count in ("a", "an") else count_of(count)
        return n * _PERIOD_DAYS[found.group("unit")[0].lower()]
    return None


_WITH = re.compile(r"\s(?:with|including|incl\.?|plus)\s", re.I)


# Care given in hours: "4 hours/day, 5 days/week", "6 h a day 7 days a week", "20 hours per week"
_HOURS_A_DAY = re.compile(r"(\d{1,2}(?:\.\d)?)\s*(?:h|hrs?|hours?)\s*(?:/|per|a|each)\s*(?:day|d)\b"
                          r"[^\d\n]{0,20}?(\d)\s*(?:d|days?)\s*(?:/|per|a|each)\s*(?:week|wk)\b",
                          re.I)
_HOURS_A_WEEK = re.compile(r"(\d{1,3}(?:\.\d)?)\s*(?:h|hrs?|hours?)\s*(?:/|per|a|each)\s*"
                           r"(?:week|wk)\b", re.I)


def hours_a_week(name: str) -> tuple[float, int | None] | None:
    """(Hours a week, days a week) of care a request gives in hours, if it says so."""
    if daily := _HOURS_A_DAY.search(name):
        return float(daily.group(1)) * int(daily.group(2)), int(daily.group(2))
    if weekly := _HOURS_A_WEEK.search(name):
        return float(weekly.group(1)), None
    return None


# A CPT code (5 digits, maybe a modifier) or a HCPCS level II code (a letter and 4 digits), as an
# RFA's code column gives it: "MRI cervical spine  72141", "Cervical home traction  E0840".
_CODE = re.compile(r"(?<![\w/.-])([A-Z]\d{4}|\d{5})(?:-\w{2})?(?![\w/.])")


def _named_otherwise(name: str, lex: Lexicon) -> str | None:
    """The service of an item no name of the terminology is found in: by its CPT or HCPCS
    code, else by a service's name whose words are all in it, in another order ("Cervical
    home traction" is a home cervical traction unit)."""
    for code in _CODE.findall(name):
        kinds = lex.terms.codes.get(code, ())
        deepest = max(kinds, key=lex.terms.depth, default=None)
        if deepest and all(lex.terms.is_a(deepest, k) for k in kinds):
            return deepest
    found = lex.by_words(T("Service"), name)
    if found in (None, T("Service")) and _FOLLOW_UP.match(name):
        return T("FollowUpOfficeVisit")
    if found in (None, T("Service")) and (slip := _DOSED_WORD.match(name)):
        return _drug_slipped(slip.group(1), lex)
    return None if found == T("Service") else found


# A drug's name mistyped or misheard, with its strength after it: "Narco 5/325 mg #30" (voice
# recognition for Norco), "Gabapentine 300 mg"
_DOSED_WORD = re.compile(r"\s*([A-Za-z]{5,})\s+\d+(?:\.\d+)?(?:\s*/\s*\d+)?\s*(?:mg|mcg|%)?\b")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _drug_slipped(word: str, lex: Lexicon) -> str | None:
    """The one drug whose name is a single slip away from the word (a letter changed, added,
    dropped or two swapped); none when no drug or several are."""
    word = word.lower()
    near = {word[:i] + c + word[i + 1:] for i in range(len(word)) for c in _LETTERS}
    near |= {word[:i] + c + word[i:] for i in range(len(word) + 1) for c in _LETTERS}
    near |= {word[:i] + word[i + 1:] for i in range(len(word))}
    near |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    drugs = {hit.term for candidate in near - {word}
             if (hit := lex.first(candidate, T("Drug"))) and hit.end - hit.start == len(candidate)}
    return drugs.pop() if len(drugs) == 1 else None


# An item that is a return visit and nothing else: "Follow-up", "F/U in 4 weeks", "follow up
# with the treating physician" (named as a request only: "at follow-up she reported" in a
# summary is no visit asked for)
_FOLLOW_UP = re.compile(r"\s*(?:(?:request\s+for\s+)?(?:a|an|one|1|the)\s+)?(?:follow[- ]?ups?|f/u|"
                        r"return (?:office )?visits?|re-?checks?)\b(?!\s+(?:MRI|x-?rays?|imaging|"
                        r"studies|study|EMG|labs?|CT|scan|injection|surgery))", re.I)


# Classes so broad that, beside a consultation, they name the consultant's specialty.
_SPECIALTY_WORDS = {T("Surgery"), T("Treatment"), T("Service"), T("Drug")}


# A problem-oriented plan line: the problem, a colon, what is ordered for it ("Dyspepsia: add a
# PPI ... Pantoprazole 40 mg #30", "NSAID monitoring: CBC and CMP x1", "Knee OA: Naproxen 500
# mg #60")
# (or a dash: "Chronic NSAID therapy -- CBC and CMP (renal and hepatic function)")
_PROBLEM = re.compile(r"^[ \t]*(?P<label>[A-Za-z][\w /&'-]{1,40}?)(?::|[ \t]+(?:--|\u2014|\u2013))"
                      r"[ \t]+\S")
_MONITORING_LABEL = re.compile(r"\b(?:monitoring|follow-?up|management|plan|taper|wean|"
                               r"titration|refills?|therapy|use)\s*$", re.I)
# A drug written as an order: its strength or its count right after it
_ORDER_AFTER = re.compile(r"[ \t]*(?:\([^)]{0,40}\)[ \t]*)?(?:\d+(?:\.\d+)?[ \t]*(?:mg|mcg|g|ml|%)|"
                          r"#[ \t]*\d)", re.I)


def _after_problem(name: str, service: list[Match]) -> list[Match]:
    """The services named after a problem's label, when the label names none of them (or
    names what is monitored): what the line orders, not what it is about."""
    problem = _PROBLEM.match(name)
    if problem is None:
        return service
    after = [h for h in service if h.start >= problem.end("label")]
    named = [h for h in service if h.end <= problem.end("label")]
    if after and (not named or _MONITORING_LABEL.search(problem.group("label"))):
        return after
    return service


def _ordered(name: str, service: list[Match], lex: Lexicon) -> list[Match]:
    """Of drugs named apart, the one written as an order ("continue naproxen ...; add a PPI ...
    Pantoprazole 40 mg #30, 1 PO daily"): the others are what it is given with. (Not one drug
    named twice: "Voltaren (diclofenac sodium) 1% gel".)"""
    drugs = [h for h in service if lex.terms.is_a(h.term, T("Drug"))]
    ordered = [h for h in drugs if _ORDER_AFTER.match(name, h.end)]
    if len(drugs) < 2 or len(ordered) != 1:
        return service
    order = ordered[0]
    if any(h is not order and re.search(r"[()/]", name[min(h.end, order.end):
                                                       max(h.start, order.start)])
           and (order.start - 20 < h.end and h.start < order.end + 20) for h in drugs):
        return service  # (a brand and its generic side by side)
    return [h for h in service if h is order or not lex.terms.is_a(h.term, T("Drug"))]


_TIME_BEFORE = re.compile(r"\b(?:after|following|before|prior to|post)\s+(?:the\s+|his\s+|"
                          r"her\s+)?$", re.I)
# what the name says is asked for: "Referral to hand surgery and authorization for right carpal
# tunnel release"
_ASKED_FOR = re.compile(r"\b(?:authori[sz]ation|request(?:ed|ing)?)\s+(?:for\s+)?"
                        r"(?:a\s+|an\s+|the\s+)?(?:right\s+|left\s+|bilateral\s+)?$", re.I)


def _head_service(name: str, service: list[Match], lex: Lexicon) -> str | None:
    """The service the name asks for: the most specific of those akin to the first named
    ("Right knee arthroscopy with partial meniscectomy" is the meniscectomy), not a service
    named after it of another kind ("Vestibular rehabilitation PT", "CMT lumbar w/ therapeutic
    exercise": the exercise is part of the first)."""
    if not service:
        return None
    # (not a time: "after surgery a lumbar LSO brace to purchase")
    timed = [h for h in service if _TIME_BEFORE.search(name, max(0, h.start - 12), h.start)]
    asked = [h for h in service if _ASKED_FOR.search(name, max(0, h.start - 40), h.start)]
    first = min(asked or (h for h in service if h not in timed), key=lambda h: h.start,
                default=min(service, key=lambda h: h.start)).term
    is_a = lex.terms.is_a
    akin = [h.term for h in service if is_a(h.term, first) or is_a(first, h.term)]
    return max(akin, key=lex.terms.depth)


_CARE_REFERRED_TO = ("PhysicalMedicine", "ManualTherapyManipulation", "Acupuncture")
_REFERRED_TO_CARE = re.compile(r"\W*(?:re-?)?referr?(?:al|ed)\s+(?:back\s+)?(?:to|for)\s+", re.I)


def parse_item(name: str, lex: Lexicon) -> dict:
    """Service, body region, quantity, frequency and dose from an item's name."""
    name = spoken_numbers(name)
    # strengths split a drug's name from its form ("ketoprofen 20% cream"), or belong to it
    # ("Voltaren 1% gel"): both readings
    service = _not_purposes(name, _both_readings(name, lex), lex)
    service = _ordered(name, _after_problem(name, service), lex)
    if (switch := _SWITCH.search(name)) and any(h.start >= switch.end() for h in service):
        service = [h for h in service if h.start >= switch.end()]  # what it is switched to
    elif (old := _REPLACING.search(name)) and any(h.end <= old.start() for h in service):
        service = [h for h in service if h.end <= old.start()]  # "X, to replace Y": not Y
    # a test named after "with" or "including" goes with the service named before it
    # ("medical clearance with CBC and basic metabolic panel", "ESI with fluoroscopy")
    if (joined := _WITH.search(name)) and any(h.end <= joined.start() for h in service):
        service = [h for h in service if h.end <= joined.start() or not any(
            lex.terms.is_a(h.term, T(kind)) for kind in ("MonitoringAssessment",
                                                         "DiagnosticService"))]
    props: dict = {"concept": _head_service(name, service, lex) or _named_otherwise(name, lex)}
    if (consult := next((h.term for h in service if lex.terms.is_a(
            h.term, T("SpecialistConsultation"))), None)) and props["concept"] in _SPECIALTY_WORDS:
        # "Orthopedic surgery consultation", "referral to hand surgery": the specialty named by
        # what it does; a consultation with a surgeon is not the surgery
        props["concept"] = consult
    if lex.terms.is_a(props["concept"] or "", T("SpecialistConsultation")) and \
            (sent := _REFERRED_TO_CARE.match(name)) and (care := next((
                h.term for h in service if h.start >= sent.end()
                and any(lex.terms.is_a(h.term, T(k)) for k in _CARE_REFERRED_TO)), None)):
        # "Referral back to physical therapy for active rehab, 2x/week x 4 weeks (8 visits)":
        # the therapy itself is asked for, not a physician's consultation
        props["concept"] = care
    if props["concept"]:  # its kind named by words apart ("cervical ESI, C5-6, interlaminar")
        props["concept"] = lex.by_words(props["concept"], name)
    found = {_topical_form(h, name, lex) if _TOPICAL.search(name) else h.term
             for h in service if lex.terms.is_a(h.term, T("Drug"))}
    # one drug read twice (diclofenac, diclofenac topical) is one: keep the narrowest
    drugs = {d for d in found if not any(o != d and lex.terms.is_a(o, d) for o in found)}
    # (two strengths in one topical, "camphor 2%/ketamine 10% cream", are two ingredients
    # even where the terminology names neither)
    if _TOPICAL.search(name) and (props["concept"] == T("CompoundedDrug") or len(
            drugs - {T("CompoundedDrug")}) >= 2 or len(_STRENGTH.findall(name)) >= 2):
        props["concept"] = T("CompoundedTopicalAnalgesic")
        props["ingredients"] = _ingredients(_STRENGTH.sub(" ", name), lex)
    elif (form := _FORM.search(name)) and len(drugs) == 1 and not lex.terms.is_a(
            props["concept"] or "", T("TopicalAnalgesic")):
        # "Voltaren (diclofenac sodium) 1% gel": the drug in the form named
        props["concept"] = _in_form(name, service, form.group(0), lex) or props["concept"]
    region = lex.first(name, T("BodyRegion"))
    props["region"] = region.term if region else level_region(name)
    kind = lex.first(name, T("RequestType"))
    props["type"] = kind.term if kind else None
    if lex.terms.is_a(props["concept"] or "", T("FunctionalRestorationProgram")) and \
            (days := program_days(name)) is not None:
        props.update(quantity=float(days), unit=m("Day"))  # a program is counted in days
    elif (weekly := hours_a_week(name)) is not None:
        # care given in hours: "home health aide 4 hours/day, 5 days/week x 8 weeks" asks for
        # 160 hours over 56 days; without a period the weekly figure is what is asked for
        days = requested_period(name)
        hours = weekly[0] * days / 7 if days else weekly[0]
        props.update(quantity=float(round(hours, 1)), unit=m("Hour"))
        home_care = lex.terms.is_a(props["concept"] or "", T("HomeHealthServices"))
        if days and weekly[1] and not home_care:
            # a program's part days: "3 hours/day, 4 days/week for 6 weeks" is 24 days
            props.update(quantity=float(round(weekly[1] * days / 7)), unit=m("Day"))
        if weekly[1]:
            props["frequency_per_week"] = float(weekly[1])
    elif times := _course_terms(name):
        per_week, weeks = times
        props.update(frequency_per_week=float(per_week), duration_weeks=float(weeks),
                     quantity=float(per_week * weeks), unit=m("Visit"))
    elif (count := _COUNT.search(name)) and not (
            count.group(2) and _TIMES_A.match(name, count.end())):  # "2 visits a week"
        number = next(g for g in count.groups() if g)
        sessioned = count.group(6) and not any(lex.terms.is_a(props["concept"] or "", T(k))
                                               for k in ("Drug", "DiagnosticService"))
        unit = "Tablet" if count.group(1) else "Visit" if count.group(2) or sessioned else None
        props.update(quantity=float(number), unit=m(unit) if unit else None)
        if unit is None and count.group(6) and props["concept"]:  # "MRI lumbar x1": a study
            props["unit"] = _one_of(props["concept"], lex).get("unit")
    elif (count := _COUNT_AFTER.search(name) or _counted_around(name, service)) and \
            not _TIMES_A.match(name, count.end()):
        # "4 additional sessions", "six more visits" (not "2 visits a week"); "12 additional
        # post-operative physical therapy visits" (the service named between)
        said = count.group(1).lower()
        props.update(quantity=float(count_of(said)), unit=m("Visit"))
    if "duration_weeks" not in props and (days := requested_period(name)) is not None:
        props["duration_days"] = days
    if props["concept"] and lex.terms.is_a(props["concept"], T("Drug")):
        # (read after the drug's name: "Norco 10/325 #90" is 10 mg a tablet)
        drug = next((h for h in service if h.term == props["concept"]), None)
        props.update(dose_props(name[drug.end:] if drug else name) or dose_props(name))
        if props.get("unit") is None and props.get("quantity") is not None:
            props["unit"] = m("Tablet")
    if props.get("quantity") is None and props["concept"] and \
            (series := _SERIES.search(name)) and not lex.terms.is_a(props["concept"], T("Drug")):
        # "Left L4-5 transforaminal ESI, series of three", "three trigger point injections":
        # the request as written asks for all of them
        props.update(quantity=float(count_of(next(g for g in series.groups() if g))),
                     unit=m("Item"))
    if props.get("quantity") is None and props["concept"]:
        props.update(_one_of(props["concept"], lex, name))
    if props["concept"] and lex.terms.is_a(props["concept"], T("Treatment")):
        props["levels"] = spinal_levels(name)
    return props


_SPINE = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "T1", "T2", "T3", "T4", "T5", "T6", "T7",
          "T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1"]
_SEGMENT = re.compile(r"\b([CTLS])(\d{1,2})(?:\s*(?:-|to|/)\s*([CTLS])?(\d{1,2}))?\b")
_LEVEL_WORDS = re.compile(r"\b(single|one|two|three|four|1|2|3|4)[- ]levels?\b", re.I)
_WORD_COUNT = {"single": 1, "one": 1, "two": 2, "three": 3, "four": 4}


_SEGMENT_REGION = {"C": "CervicalSpine", "T": "ThoracicSpine", "L": "LumbarSpine",
                   "S": "LumbarSpine"}


def levels_region(name: str) -> str | None:
    """The spinal region every level the name gives lies in ("C5-6", "T8-9", "L4-5 and
    L5-S1"); None when it gives none, or levels of two regions ("T12-L1")."""
    regions = {_SEGMENT_REGION[found.group(1)] for found in _SEGMENT.finditer(name)
               if f"{found.group(1)}{found.group(2)}" in _SPINE}
    return T(regions.pop()) if len(regions) == 1 else None


def spinal_levels(name: str) -> int | None:
    """How many spinal levels a request names: "L4-5 and L5-S1" 2, "L3-S1" 3, "left L5" 1,
    "single-level" 1; None when it names none."""
    segments = set()
    outside = re.sub(r"\([^()]*\)", " ", name)
    if _SEGMENT.search(outside):  # brackets add the nerves of the levels named before them
        name = outside
    for found in _SEGMENT.finditer(name):
        first = f"{found.group(1)}{found.group(2)}"
        if first not in _SPINE:
            continue
        if found.group(4) is None:  # a root or a body: its level
            segments.add((first, first))
            continue
        last = f"{found.group(3) or found.group(1)}{found.group(4)}"
        if last not in _SPINE or _SPINE.index(last) <= _SPINE.index(first):
            continue
        span = _SPINE[_SPINE.index(first):_SPINE.index(last) + 1]
        segments.update(zip(span, span[1:], strict=False))
    if segments:
        roots = {a for a, b in segments if a == b}
        pairs = {p for p in segments if p[0] != p[1]}
        # a root inside a named segment is that segment ("L5-S1 ... S1 root")
        return len(pairs) + len({r for r in roots if not any(r in p for p in pairs)})
    if words := _LEVEL_WORDS.search(name):
        word = words.group(1).lower()
        return int(word) if word.isdigit() else _WORD_COUNT[word]
    return None


# A request that names no count asks for one of a thing done or supplied once: a study, an
# operation, an injection (one level list is one procedure), a device, a consultation, a tube.
# Courses (therapy visits, tablets, program days, aide hours) have no such default.
# What one asks for once when no count is written: a study, a drug screen, a visit, an item.
_ONCE = ((T("DiagnosticService"), "Study"), (T("UrineDrugScreen"), "Study"),
         (T("FollowUpOfficeVisit"), "Visit"),
         *((T(c), "Item") for c in (
             "Surgery", "DurableMedicalEquipment", "SpinalCordStimulator",
             "EpiduralSteroidInjection", "FacetJointInjection", "RadiofrequencyAblation",
             "SubacromialInjection", "TopicalAnalgesic", "SpecialistConsultation",
             "PainSpecialistConsultation")))


# ... and an injection named in the singular (in the plural its count is not written)
_ONE_INJECTION = ("PlateletRichPlasmaInjection", "SacroiliacJointInjection",
                  "CorticosteroidInjection")
_PLURAL_INJECTIONS = re.compile(r"\binjections\b|\bseries\b", re.I)


def _one_of(concept: str, lex: Lexicon, name: str | None = None) -> dict:
    """One, when no count is written, of what is asked for once; with the item's `name`, of
    an injection named in the singular too ("Platelet-rich plasma injection, right lateral
    epicondyle")."""
    for cls, unit in _ONCE:
        if lex.terms.is_a(concept, cls):
            return {"quantity": 1.0, "unit": m(unit)}
    if name is not None and not _PLURAL_INJECTIONS.search(name) and any(
            lex.terms.is_a(concept, T(c)) for c in _ONE_INJECTION):
        return {"quantity": 1.0, "unit": m("Item")}
    return {}


# A course of visits: how often ("2x/wk", "1 time a week", "twice weekly", "three times per
# week", "1-2x/wk" at most 2) and for how long ("for 6 weeks", "x 4 wks", "Duration: six
# weeks"), in the RFA form's columns or in a sentence. Number words are numbers.
_N = r"(\d{1,2}|" + "|".join(w for w in _NUMBER_WORDS if " " not in w) + r")"
_ONCE_WORDS = {"once": 1, "twice": 2, "thrice": 3}
_PER_WEEK = re.compile(
    # ("2 physical therapy visits per week": the service named between)
    r"\b(?:" + _N + r"\s*(?:-|to|or)\s*)?(?:" + _N + r"\s*(?:x|times?|"
    r"(?:[a-z-]+\s+){0,3}?(?:visits?|sessions?|treatments?))|"
    r"(once|twice|thrice))"
    r"\s*(?:/|a|per|each|every)?\s*(?:wk|week|weekly)\b", re.I)
_WEEKS = re.compile(r"\b" + _N + r"\s*(?:wks?|weeks?)\b", re.I)
# Spinal levels name their region: "L4-5 and L5-S1" is lumbar.
# Spinal levels name their region: "L4-5 and L5-S1 radiofrequency ablation" is lumbar.
_LEVEL_REGION = {"C": T("CervicalSpine"), "L": T("LumbarSpine"), "S": T("LumbarSpine")}


# A program's length: "10 full-day sessions", "20 days", "5 days a week for 2 weeks", "160
# hours / 4 weeks", "80 hours (two weeks)", "x 160 hours"
# (a count written onto its "x": "Functional restoration program x20 days")
_PROGRAM_DAYS = re.compile(r"(?:\b|(?<=[xX]))" + _N + r"\s*(?:full[- ]?)?days?\b"
                           r"(?!\s*(?:a|per|/|each)\s*(?:wk|week))(?:\s*(?:sessions?|of))?", re.I)
_DAYS_A_WEEK = re.compile(r"\b" + _N + r"\s*(?:full[- ]?)?days?\s*(?:a|per|/|each)\s*(?:wk|week)",
                          re.I)
_PROGRAM_HOURS = re.compile(r"(?:\b|(?<=[xX]))(\d{2,3})\s*(?:hours?|hrs?|h)\b", re.I)
# Hours a full program day holds: 160 hours are the 20 full days of the usual 4-week program,
# and hours in part days count as their full-day equivalent, as the guideline counts them
_PROGRAM_DAY_HOURS = 8


def program_days(name: str) -> int | None:
    """The full days a program request asks for, when its name says."""
    weeks = _WEEKS.search(name)
    if (per_week := _DAYS_A_WEEK.search(name)) and weeks:
        return _number(per_week.group(1)) * _number(weeks.group(1))
    if days := _PROGRAM_DAYS.search(name):
        return _number(days.group(1))
    if hours := _PROGRAM_HOURS.search(name):
        total = int(hours.group(1))
        if weeks and 5 <= total / (5 * _number(weeks.group(1))) <= 8:
            return 5 * _number(weeks.group(1))  # full-time: five days a week
        return -(-total // _PROGRAM_DAY_HOURS)
    return None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word.lower()) or \
        _ONCE_WORDS[word.lower()]


def _course_terms(name: str) -> tuple[int, int] | None:
    """(visits a week, weeks): "Freq: 2x/wk Duration: 4 wks", "2x6", "3 times a week for 4",
    "1 time a week for 6 weeks", "twice weekly for six weeks", "2 visits a week for 4 weeks"."""
    if (every := _PER_WEEK.search(name)) and (weeks := _WEEKS.search(name, every.end())):
        return _number(every.group(2) or every.group(3)), _number(weeks.group(1))
    if times := _TIMES.search(name):
        return int(times.group(1)), int(times.group(2))
    return None


def level_region(name: str) -> str | None:
    """The spinal region a level or root names: "L4-5", "C5-6", "L5", "S1" (a sacral root is
    read with the lumbar spine, as the guidelines do)."""
    found = re.search(r"\b([CLS])\d{1,2}\b", name)
    return _LEVEL_REGION[found.group(1)] if found else None


def requests_something(sentence: str) -> bool:
    return bool(_REQUESTED.search(sentence))


# Asking for something now, as opposed to naming what was prescribed before.
# (not an aberrant-behaviour review's "no early refill requests")
_ASKS = gated(r"\b(?:(?<!refill )request(?:ed|ing|s)?|recommend(?:ed|s|ing)?|order(?:ed|ing)?|"
                   r"(?<!early )refill(?:ed)?|would like|ask(?:s|ed|ing)? for|authori[sz]\w*|"
                   r"next visit)\b|"
                   # "The treatment plan included an MRI of the lumbar spine to ..."
                   r"\bplan\s*(?::|(?:included|includes|consisted of|consists of|calls for|"
                   r"called for)\b)", re.I)


def asks_for_something(sentence: str) -> bool:
    return bool(_ASKS.search(sentence))


def note_request_sentence(out: Extracted, lex: Lexicon, sentence: str, at: int, day) -> None:
    """Remember where services are said to be requested, with the report date then in force,
    and where the UR decision is stated."""
    if (found := _UR.search(sentence)) and _UR_CONTEXT.search(sentence):
        action = "Modified" if found.group(1).lower() == "modified" else "NonCertified"
        out.facts.append(_fact("ur", None, at + found.start(), at + found.end(), sentence,
                               {"action": m(action), "on_date": parse_date(found.group(2))}))
    asks, refers = _REQUESTED.search(sentence), _REFERS.search(sentence)
    if not (asks or refers):
        return
    where = {"on_date": day, "sentence": sentence, "sentence_start": at}
    # a referral asks for a consultation and for nothing else it names ("refer to pain
    # management for a stellate ganglion block" does not request the block), whoever it
    # names ("will refer her to Dr. Okafor for a second opinion")
    hits = lex.find(sentence, *(REQUESTABLE if asks else (T("SpecialistConsultation"),)))
    for hit in hits:
        out.facts.append(_fact("mention", hit.term, at + hit.start, at + hit.end, sentence,
                               where))
    if refers and not any(lex.terms.is_a(h.term, T("SpecialistConsultation")) for h in hits):
        out.facts.append(_fact("mention", T("SpecialistConsultation"), at + refers.start(),
                               at + refers.end(), sentence, where))


# The date of a Request for Authorization, wherever it is told: "RFA Date: 06/23/2015",
# "Request for Authorization dated: 03/14/2017", "The RFA is dated 03/18/2025", "in the
# request for authorization dated 06-03-2015", "REQUEST FOR AUTHORIZATION (DWC Form RFA) -
# Date of request: 11/04/2019" (not a claim number, an injury or a visit date on its line).
_RFA_DATE = re.compile(r"\b(?:request for authori[sz]ation|RFA)\b(?:\s*\((?:DWC Form )?RFA\))?"
                       # (not a system's time stamp: "... AUTHORIZATION   exported 03/17/2021")
                       r"(?:(?!\b(?:DOI|injury|injured|claim|visit|exam|DOS|exported|printed|"
                       r"generated|faxed|created|run)\b)[^.\n\d]){0,25}?"
                       r"(?<![\d/-])(" + DATE_RE.pattern + ")"
                       # "- 01/19/2016 RFA: surgery + post-op PT 12" (a dated entry)
                       r"|(?<![\d/-])(" + DATE_RE.pattern + r")[ \t]*[-:]?[ \t]*"
                       r"(?:RFA|request for authori[sz]ation)\b", re.I)
_RFA_NAMED = re.compile(r"RFA|request for authori", re.I)  # the cheap test first
_RFA_AFTER = 60  # days: an RFA sent after the visit that asked for the service


def rfa_dates(text: str) -> list:
    """The distinct dates of the Requests for Authorization a document tells, in order."""
    found = {parse_date(said) for hit in _RFA_DATE.finditer(text)
             if "\n" not in (said := hit.group(1) or hit.group(2))}
    return sorted(d for d in found if d is not None)


def _request_date(asked, rfas: list):
    """The request date of an item asked for on `asked` (the visit's date, None if not
    known): the RFA that followed it, else the only RFA told, else the visit's date."""
    if asked is None:
        return rfas[-1] if rfas else None
    after = [d for d in rfas if 0 <= (d - asked).days <= _RFA_AFTER]
    if after:
        return after[0]
    if len(rfas) == 1 and abs((rfas[0] - asked).days) <= _RFA_AFTER:
        return rfas[0]
    return asked


def add_requests(out: Extracted, lex: Lexicon, letter: Letter, last_report) -> None:
    mentions = [f for f in out.facts if f.kind == "mention"]
    out.facts[:] = [f for f in out.facts if f.kind != "mention"]
    header_ur = parse_date(letter.header.get("ur_denial_date", ""))
    header_request = parse_date(letter.header.get("request_date", ""))  # "RFA Date: ..."
    rfas = rfa_dates(letter.text) if _RFA_NAMED.search(letter.text) else []
    if letter.layout == "progress-report":
        # The report requests what it lists: its own date is the request date, whatever
        # earlier report its history cites; else the date it was signed, else its latest
        # date (a report is written after what it tells).
        last_report = parse_date(letter.header.get("report_date", "")) or last_report or \
            parse_date(letter.header.get("signed_date", "")) or max(
                (d for d, _, _ in find_dates(letter.text)), default=None)
    postsurgical_courses(out, lex, letter.text)
    report = letter.layout == "progress-report"
    # (a report dated in its header asks on that date, whatever dated entry of its history
    # names the service: "08/20/2019: ... tizanidine" in the HPI of the 09/17/2019 report)
    dated_report = parse_date(letter.header.get("report_date", "")) if report else None
    asked: dict[tuple, dict] = {}
    told: list[bool] = []  # whether the record tells an operation planned: read once, if asked

    def planned() -> bool:
        if not told:
            told.append(_operation_planned(lex, letter))
        return told[0]

    for n, item in enumerate(letter.items):
        props = {**parse_item(item.name, lex), "item": n}
        if props["concept"]:
            # the region's kind, then what the name says of it ("EMG/NCV of the left lower
            # extremity": both studies; "X-rays L-spine, 3 views": not flexion/extension)
            # (the spinal levels named tell the region first: "Thoracic epidural steroid
            # injection T8-9" in a neck case is no cervical one)
            spine = levels_region(item.name)
            concept = lex.across_region(props["concept"], spine) if spine else props["concept"]
            props["concept"] = lex.by_words(
                lex.in_region(concept, props["region"] or spine or out.region), item.name)
        key = _asked_key(props, asked, item.name, lex)
        if report and (props["concept"] is None and not _ORDER_SHAPE.search(item.name)
                       or key in asked):
            # A plan line naming no service ("RTC 4 wks", a diagnosis under A/P) asks for
            # nothing, unless it is written as an order ("trazodone 50 mg qhs #30": a drug
            # the terminology lacks is still asked for); one named again (the plan, then the
            # RFA form) is the same request.
            if key in asked:
                _fill(asked[key], props)
            continue
        asked[key] = props
        mention = _mention_of(props["concept"], item.name, mentions, lex)
        props["request_date"] = header_request or _request_date(
            dated_report or (mention.props["on_date"] if mention and mention.props["on_date"]
                             else last_report), rfas) or header_ur
        said = _own_clause(mention, mentions) if mention else ""
        if mention:
            quoted = re.search(r"[\"\u201c]([^\"\u201d]{8,})[\"\u201d]", said)
            props["purpose_text"] = quoted.group(1).strip(" .,") if quoted else None
            props["purposes"] = list(dict.fromkeys(
                [h.term for h in lex.find(said, T("RequestPurpose"))] + stated_purposes(said)
                + ([T("PostoperativeUse")] if _for_after_surgery(mention) else [])))
            props["provenance"] = (mention.start, mention.end)
        # the request's own name may say what it is for: "LSO back brace, post-operative"
        # (only its own name: in a shared sentence "post-operative PT ... and an LSO brace");
        # so may the rest of its entry in a plan (`_entry_purposes`)
        named_for = [h.term for h in lex.find(item.name, T("RequestPurpose"))] + \
            ([T("PostoperativeUse")] if _NAMED_POSTOPERATIVE.search(item.name) else []) + \
            (_entry_purposes(_entry_from(letter.text, item.name_span[0])) if report else [])
        if named_for:
            props["purposes"] = list(dict.fromkeys(props.get("purposes", []) + named_for))
        if lex.terms.is_a(props["concept"] or "", T("Surgery")) and \
                T("PostoperativeUse") not in named_for:
            # an operation is not itself for use after surgery: "requested a fusion, a collar
            # for use after surgery and clearance" says it of the collar (read as the fusion's
            # too, it hid the fusion the collar and the clearance go with)
            props["purposes"] = [p for p in props.get("purposes", [])
                                 if p != T("PostoperativeUse")]
        if lex.terms.is_a(props["concept"] or "", T("SpecialistConsultation")):
            # (the item's own line too: "REFERRAL: Pain management consultation - evaluation
            # and performance of cervical ESI" is named by its first words only)
            own = f"{_sentence_from(letter.text, item.name_span[0])}. {said}"
            props["purposes"] = list(dict.fromkeys(
                props.get("purposes", []) + referral_purposes(own) + stated_purposes(own)))
        if mention and lex.terms.is_a(props["concept"] or "", T("Drug")):
            # "requested tramadol 50 mg #60, one tablet twice a day, lidocaine ...": the
            # directions the summary gives where the name gives none
            for key, value in _mentioned_directions(mention, lex).items():
                if props.get(key) is None:
                    props[key] = value
        _current_directions(out, props, item.name)
        _first_course(out, props, lex)
        _after_surgery(out, props, lex, letter.text, item.name)
        _for_planned_operation(props, lex, planned)
        out.facts.append(_fact("request", props["concept"], *item.name_span, item.name, props))


# A drug order's shape: a strength, a count or a schedule.
_ORDER_SHAPE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|gm?|ml|units?)\b|#\s*\d+|"
                          r"\b(?:bid|tid|qid|qd|qhs|q\d+h|prn)\b", re.I)


def _first_course(out: Extracted, props: dict, lex: Lexicon) -> None:
    """A request for what the worker is said never to have had ("No acupuncture before") is
    an initial course, unless a course of it is on record after all."""
    concept = props["concept"]
    if props.get("type") or not concept or not any(
            lex.terms.is_a(concept, had) or lex.terms.is_a(had, concept) for had in out.never_had):
        return
    if not any(f.kind == "prior" and f.concept and (lex.terms.is_a(f.concept, concept) or
                                                    lex.terms.is_a(concept, f.concept))
               for f in out.facts):
        props["type"] = T("InitialCourse")


def _asked_key(props: dict, asked: dict[tuple, dict], name: str, lex: Lexicon) -> tuple:
    """What makes a plan line a request of its own: its service, and for a drug named again
    at another strength ("Tramadol ER 100 mg #30", then "Tramadol 50 mg #30 prn") the
    strength too; named again without one, or at the same, it is the request named before.
    A service named again in fewer words ("C6-7 interlaminar cervical epidural steroid
    injection", then on the RFA "C6-7 interlaminar CESI x1") is the one named before."""
    if props["concept"] is None:  # an order for what the terminology lacks: by its words
        return (None, " ".join(name.lower().split()), frozenset())
    dose, region = props.get("dose_mg"), props.get("region")
    parts = _compound_parts(props, name)
    concept, is_a = props["concept"], lex.terms.is_a
    # (the same service for another body region is another request: "PT 2x6 lumbar spine",
    # "PT 2x6 cervical spine")
    # (a wider service of another count is another service: "Group psychotherapy, 8
    # sessions" after "Individual cognitive behavioral therapy, 6 additional sessions")
    count = props.get("quantity")
    return next((k for k, a in asked.items() if k[0] is not None and (
        k[0] == concept or not is_a(concept, T("Drug")) and is_a(k[0], concept)
        and (count is None or a.get("quantity") in (None, count))) and (
        dose is None or a.get("dose_mg") in (None, dose)) and (
            region is None or a.get("region") in (None, region)) and (
            not parts or k[2] in (parts, frozenset()))), (props["concept"], dose, parts, region))


def _compound_parts(props: dict, name: str) -> frozenset:
    """A compound's identity: its ingredients, and the words written before each strength
    ("camphor 2%/ketamine 10% cream"); two compounds of other parts are two requests."""
    if props["concept"] != T("CompoundedTopicalAnalgesic"):
        return frozenset()
    return frozenset(props.get("ingredients") or ()) | frozenset(
        re.findall(r"([a-z][a-z-]+)\s*\d+(?:\.\d+)?\s*%", name.lower()))


# Therapy asked for within the longest postsurgical physical medicine period (6 months, 8 CCR
# 9792.24.3) of a dated surgery on record is postsurgical therapy: "PT 2x6 for the shoulder"
# written six weeks after a rotator cuff repair.
POSTSURGICAL = {T("PhysicalTherapy"): T("PostsurgicalPhysicalTherapy"),
                 T("OccupationalTherapy"): T("PostsurgicalOccupationalTherapy")}
_POSTSURGICAL_DAYS = 183
_POSTSURGICAL_KINDS = frozenset(POSTSURGICAL.values())


def postsurgical_courses(out: Extracted, lex: Lexicon, text: str) -> None:
    """A course of therapy had within the postsurgical period of a dated surgery on record is
    postsurgical therapy: "On 09/03/2019 she underwent a total knee arthroplasty. She received
    6 home physical therapy visits after discharge on 09/06/2019" (the visits the
    postsurgical guidelines count); so is an undated one whose visits its sentence calls
    post-operative ("the physical therapy discharge summary records 24 post-operative
    visits") when a surgery is on record. A drug told taken since the day of surgery (the
    reader's "since_surgery" mark) starts on the one dated surgery."""
    surgeries = [f for f in out.facts if f.kind == "prior" and f.concept and
                 lex.terms.is_a(f.concept, T("Surgery"))]
    operated = [d for f in surgeries if (d := f.props.get("on_date") or f.props.get("start"))]
    for fact in out.facts:
        if fact.props.pop("since_surgery", None) and len(set(operated)) == 1:
            fact.props["start"] = operated[0]  # "first prescribed on the day of surgery"
        therapy = POSTSURGICAL.get(fact.concept or "") if fact.kind == "prior" else None
        if therapy is None:
            continue
        begun = fact.props.get("start") or fact.props.get("on_date")
        if _told_preoperative(text, fact):
            continue  # "Pre-op: PT x6 (11/2018-01/2019) w/o benefit"
        if begun and any(0 <= (begun - d).days <= _POSTSURGICAL_DAYS for d in operated) or \
                not begun and surgeries and _told_postoperative(text, fact):
            fact.concept = therapy
    _one_course_told_twice(out, text, lex)
    _notes_of_a_counted_course(out, text, lex)


_IN_VISITS = (T("PhysicalMedicine"), T("ManualTherapyManipulation"), T("Acupuncture"),
              T("MassageTherapy"))


def _in_visits(lex: Lexicon, concept: str | None) -> bool:
    """Whether the treatment is a course counted in visits (therapy, manipulation,
    acupuncture, massage)."""
    return bool(concept) and any(lex.terms.is_a(concept, kind) for kind in _IN_VISITS)


# How long before a course's count a note of that therapy is one of its visits
_NOTE_REACH_DAYS = 120


def _notes_of_a_counted_course(out: Extracted, text: str, lex: Lexicon) -> None:
    """Dated notes of a therapy that count nothing ("12/28/2021 post-operative PT note (visit
    4): flexion 80 degrees", "Physical therapy daily notes dated 03/10/2015 through 03/27/2015")
    within the days of a course told with its count ("01/31/2022 PT progress report: 12 of 12
    visits completed", "Post-operative physical therapy began on 03/10/2015; the initial 6
    visits ... completed on 03/27/2015") are its visits, not courses of their own (whose
    unknown counts left the total unknown)."""
    counted = [f for f in out.facts if f.kind == "prior" and f.props.get("sessions")
               and (f.concept in _POSTSURGICAL_KINDS or _in_visits(lex, f.concept))]
    for note in [f for f in out.facts if f.kind == "prior" and not f.props.get("sessions")
                 and (f.concept in _POSTSURGICAL_KINDS or _in_visits(lex, f.concept))]:
        first, last = _days_of(note.props)
        same = [f for f in counted if f.concept == note.concept
                and not _ANOTHER_COURSE.search(text, max(0, f.start - 40), f.end + 40)]
        if first is None and not note.props.get("year"):
            # (told with no day at all, before its count: "after completing his initial course
            # of chiropractic care", then "Pt has completed 6 chiropractic treatments")
            course = same[0] if len(same) == 1 and note.start < same[0].start else None
        elif isinstance(first, dt.date) and isinstance(last, dt.date):
            course = next((f for f in same if (window := _window(f.props)) is not None
                           and window[0] <= first and last <= window[1]), None)
        else:
            course = None  # (a year or a partial date: no day to place it by)
        if course is not None:
            _fill(course.props, {k: v for k, v in note.props.items()
                                 if k not in ("on_date", "start", "end", "frequency",
                                              "doses_per_day")})
            out.facts.remove(note)


def _days_of(props: dict) -> tuple:
    """A course's first and last days told (either may stand for both)."""
    first = props.get("start") or props.get("on_date") or props.get("end")
    return first, props.get("end") or props.get("on_date") or first


def _window(props: dict) -> tuple | None:
    """The days a counted course's visits fall in: from its start to its end or date; from its
    start to the reach after it; or from the reach before its one date to it."""
    start, last = props.get("start"), props.get("end") or props.get("on_date")
    reach = dt.timedelta(days=_NOTE_REACH_DAYS)
    if isinstance(start, dt.date) and isinstance(last, dt.date):
        return start, last
    if isinstance(start, dt.date):
        return start, start + reach
    return (last - reach, last) if isinstance(last, dt.date) else None


def _one_course_told_twice(out: Extracted, text: str, lex: Lexicon) -> None:
    """A course of physical medicine told twice with the same count, once dated and once not
    ("She has completed 12 post-operative physical therapy visits", and among the records
    "Physical therapy progress notes, visits 1-12, 11/18/2025 through 01/08/2026"; "Treatment
    to date has included ... 12 sessions of physical therapy", then the discharge summary's
    "she completed 12 visits of physical therapy between 08/13/2018 and 10/24/2018 ...") is
    one course: the second mention's facts go to the first (unless it says it is another:
    "12 more")."""
    # (in the text's order: a physician's letter above the review's summary is read after it)
    courses = sorted((f for f in out.facts if f.kind == "prior" and f.props.get("sessions")
                      and (f.concept in _POSTSURGICAL_KINDS
                           or lex.terms.is_a(f.concept, T("PhysicalMedicine")))),
                     key=lambda f: f.start)
    for later in courses[1:]:
        same = next((f for f in courses if f.start < later.start and f in out.facts
                     and f.concept == later.concept
                     and f.props["sessions"] == later.props["sessions"]
                     and _same_time(f.props, later.props)
                     and not _ANOTHER_COURSE.search(text, max(0, later.start - 40), later.end + 40)
                     and not _ANOTHER_COURSE.search(text, max(0, f.start - 40), f.end + 40)),
                    None)
        if same is not None:
            _fill(same.props, later.props)
            out.facts.remove(later)


def _same_time(first: dict, again: dict) -> bool:
    """Whether two tellings of a course can be of one: not both dated, nor of other years."""
    if first.get("start") and again.get("start"):
        return False
    years = [p.get("year") or next((d.year for d in (p.get("start"), p.get("on_date"), p.get("end"))
                                    if d is not None and hasattr(d, "year")), None)
             for p in (first, again)]
    return None in years or years[0] == years[1]


_ANOTHER_COURSE = re.compile(r"\b(?:additional|more|another|second|further|new|repeat)\b", re.I)


# a course said to be before the operation, by its line's label or its sentence: "Pre-op: PT x6
# w/o benefit", "Before surgery she had 12 sessions of therapy" (a date told of it elsewhere,
# a later note's, does not make it post-operative)
_PREOPERATIVE = re.compile(r"\b(?:pre-?op(?:erative(?:ly)?)?|before (?:the |her |his |their )?"
                           r"(?:surgery|operation)|prior to (?:the |her |his |their )?"
                           r"(?:surgery|operation))\b", re.I)


def _told_preoperative(text: str, fact: Mention) -> bool:
    line = text.rfind("\n", 0, fact.start) + 1
    begun = max(line, text.rfind(". ", 0, fact.start) + 2, fact.start - 60)
    return bool(_PREOPERATIVE.search(text, begun, fact.start))


def _told_postoperative(text: str, fact: Mention) -> bool:
    """Whether the rest of the course's sentence calls its visits post-operative."""
    end = _SENTENCE_END.search(text, fact.end)
    return bool(_POSTOPERATIVE_VISITS.search(text, fact.start, end.start() if end else len(text)))


_POSTOPERATIVE_VISITS = re.compile(r"\b(?:post-?op(?:erative(?:ly)?)?|post-?surgical)\s+"
                                   r"(?:[\w-]+\s+)?(?:visits?|sessions?|treatments?)\b", re.I)


def _after_surgery(out: Extracted, props: dict, lex: Lexicon, text: str, name: str) -> None:
    therapy, day = POSTSURGICAL.get(props["concept"]), props.get("request_date")
    if therapy is None or day is None:
        return
    for fact in out.facts:
        done = fact.props.get("on_date") or fact.props.get("start")
        if fact.kind == "prior" and lex.terms.is_a(fact.concept, T("Surgery")) and \
                done is not None and 0 <= (day - done).days <= _POSTSURGICAL_DAYS and \
                not _other_side(name, text[max(0, fact.start - 40):fact.end]):
            props["concept"] = therapy
            return


# An operation told as certified or scheduled, not itself asked for here: "The right reverse
# total shoulder arthroplasty was certified on 03/29/2021 and is scheduled for 05/04/2021."
# (not a reviewer's board certification in surgery)
_PLANNED = re.compile(r"\b(?:(?<!non-)(?<!non)(?<!not )(?<!board )certified|authori[sz]ed|approved|"
                      r"scheduled|booked)\b", re.I)
_NOT_PLANNED = re.compile(r"\b(?:non-?certified|no|not|never|none|without|denied|declined|"
                          r"cancell?ed|if|would|whether)\b", re.I)
# The services that go with an operation planned: what is done before it, and the cold and
# motion devices used after it (not a brace or collar, whose use after surgery the guidelines
# tie to one operation: a fusion)
_PERIOPERATIVE = {"PreoperativeTesting": "PreoperativePlanning",
                  "ColdTherapyUnit": "PostoperativeUse",
                  "ContinuousPassiveMotionDevice": "PostoperativeUse"}


def _for_planned_operation(props: dict, lex: Lexicon, planned: Callable[[], bool]) -> None:
    """A peri-operative service asked for where the letter tells an operation certified or
    scheduled (`planned`, asked only here) is for that operation, as the request states when
    it names none itself."""
    kind = next((k for k in _PERIOPERATIVE if lex.terms.is_a(props["concept"] or "", T(k))), None)
    if kind is None or T(_PERIOPERATIVE[kind]) in props.get("purposes", ()) or not planned():
        return
    props["purposes"] = [*props.get("purposes", []), T(_PERIOPERATIVE[kind])]


def _operation_planned(lex: Lexicon, letter: Letter) -> bool:
    """Whether the record (not the letterhead, nor a reviewer's board certification) tells a
    named operation certified or scheduled, clause by clause: "utilization review certified
    the rotator cuff repair, modified the therapy and non-certified the CPM machine"."""
    record = "\n".join(letter.text[a:b] for a, b in letter.fact_spans)
    return any(_PLANNED.search(clause) and not _NOT_PLANNED.search(clause) and any(
        h.term != T("Surgery") for h in lex.find(clause, T("Surgery")))
        for clause in re.split(r"(?<=[.;])\s+|\n(?=\S)|,|\band\b(?! is\b)", record))


def _other_side(name: str, operation: str) -> bool:
    """Therapy asked for one side after an operation on the other: "Physical therapy for
    the left shoulder x6" after a "right shoulder arthroscopic rotator cuff repair"."""
    lead_in = re.split(r"[.;,\n]", operation)[-1]  # (the operation's own words)
    return _sides_differ(_sides(name), _sides(lead_in))


def _fill(first: dict, again: dict) -> None:
    """What a second listing of a request adds (the RFA form's quantity for a plan line)."""
    for key, value in again.items():
        if key != "item" and first.get(key) is None and value is not None:
            first[key] = value


def _mentioned_directions(mention: Mention, lex: Lexicon) -> dict:
    """The strength and directions told right after the drug in the sentence that asks for
    it, up to the next treatment it names."""
    sentence = mention.props["sentence"]
    at = mention.end - mention.props["sentence_start"]
    following = [h.start for h in lex.find(sentence, T("Treatment")) if h.start >= at]
    segment = sentence[at:min(following, default=len(sentence))]
    said = dose_props(segment)
    # ("Voltaren 1% gel 100 g to apply to the right knee four times a day for 4 weeks": how
    # long, which a topical's course is judged by)
    if (days := requested_period(segment)) is not None:
        said["duration_days"] = days
    return {k: v for k, v in said.items()
            if k in ("dose_mg", "doses_per_day", "frequency_text", "duration_days")}


def _current_directions(out: Extracted, props: dict, name: str) -> None:
    """A drug request that names no directions continues the current ones (refill)."""
    if props.get("doses_per_day") is not None or props["concept"] is None:
        return
    taken = [f for f in out.facts if f.kind == "medication" and f.concept == props["concept"]
             and f.props.get("doses_per_day") is not None]
    # (of two forms of one drug taken, the one the request names: "Percocet 10/325 #120"
    # beside OxyContin)
    asked = term_words(name)
    named = [f for f in taken if asked & term_words(f.label)]
    if named or taken:
        props["doses_per_day"] = (named or taken)[0].props["doses_per_day"]


# Where one request ends and the next begins in a sentence that asks for several: "Plan: L5-S1
# TFESI x1; start gabapentin ...; flexion/extension x-rays 'to complete the work-up.'"
_NEXT_REQUEST = re.compile(r";|\n|\s\(?\d{1,2}[.)]\s")


_SENTENCE_END = re.compile(r"\.(?:\s|$)|\n")


def _entry_from(text: str, start: int) -> str:
    """The text from `start` to the end of its entry: its line and the indented lines that go
    on with it ("1. Standing lumbar flexion-extension radiographs, to look for ... before\n
    any surgical decision.")."""
    end = text.find("\n", start)
    while end >= 0 and (more := _CONTINUED.match(text, end + 1)):
        end = text.find("\n", more.end())
    return text[start:end if end >= 0 else len(text)]


# an indented line that goes on with the entry above it (not the next entry of the list)
_CONTINUED = re.compile(r"[ \t]+(?![-*\u2022]|\(?(?:\d{1,2}|[a-zA-Z])[.)])\S[^\n]*")


def _entry_purposes(entry: str) -> list[str]:
    """What a plan's entry says the service is for, where it says why: the procedure it would
    decide on ("MRI right knee - to evaluate for medial meniscal tear; if the tear is
    confirmed we will discuss arthroscopic partial meniscectomy"), or what it would look for
    with the finding that raises it ("to rule out segmental instability at L4-5 given the
    catching sensation"). What it would look for alone is no reason ("3 views, to look for
    spondylolisthesis", with every red flag denied)."""
    planned = planned_purposes(entry)
    return stated_purposes(entry) if planned or _REASON_GIVEN.search(entry) else []


_REASON_GIVEN = re.compile(r"\b(?:given|because of|due to|in view of|in light of)\s+(?:the|his|"
                           r"her|a|an|new|persistent|progressive|worsening|ongoing)\b", re.I)


def _sentence_from(text: str, start: int) -> str:
    """The text from `start` to the end of its sentence or line."""
    end = _SENTENCE_END.search(text, start)
    return text[start:end.start() if end else len(text)]


def _for_after_surgery(mention: Mention) -> bool:
    """Whether the words right after the mention, up to the next item ("and", ";"), say it is
    for use after surgery ("Norco 5/325 mg, 1 tablet every 6 hours as needed for post-operative
    pain"; in "a release, hand therapy after surgery, and ..." the release is not)."""
    sentence, at = mention.props["sentence"], mention.end - mention.props["sentence_start"]
    # (up to the next service: "a subacromial injection, as well as a cold therapy unit for
    # post-operative use" says it of the unit)
    return bool(_FOR_POSTOPERATIVE.match(_NEXT_SERVICE.split(sentence[at:at + 90])[0]))


_NEXT_SERVICE = re.compile(r";|\band\b|\bas well as\b|\bplus\b|,\s+(?:a|an)\s")


def _own_clause(mention: Mention, mentions: list[Mention]) -> str:
    """The part of the mention's sentence that asks for it: a purpose said of one request
    ('to plan the injection') is not said of the others asked for beside it, whether they
    follow a semicolon or a comma ("an MRI of the right knee 'to determine whether she is a
    candidate for arthroscopy,' an MRI of the left knee, and continued naproxen")."""
    sentence, at = mention.props["sentence"], mention.start - mention.props["sentence_start"]
    cuts = [0] + [c.end() for c in _NEXT_REQUEST.finditer(sentence)] + [len(sentence) + 1]
    cuts += [m.start - m.props["sentence_start"] for m in mentions
             if m.props["sentence_start"] == mention.props["sentence_start"]
             and _LISTED_NEXT.search(sentence, 0, m.start - m.props["sentence_start"])]
    start = max(c for c in cuts if c <= at)
    end = min(c for c in cuts if c > at)
    return sentence[start:end - 1] if end <= len(sentence) else sentence[start:]


# What opens the next service of a list after a comma: ", an MRI of the left knee", ", and
# continued naproxen" (not "and" alone: "an MRI and x-rays to rule out instability" asks both
# for the one purpose)
_LISTED_NEXT = re.compile(r",['\u2019\u201d\"]?\s+(?:(?:and|or|plus|as well as)\s+)?"
                          r"(?:(?:a|an|the|continued|continue|refill|renewal of|\d+)\s+){0,2}$")


def _mention_of(concept, name: str, mentions, lex: Lexicon):
    """The summary sentence that requests this item: same service (or a broader or narrower
    one), preferring one that asks for it ("requested", "the RFA asked for", not "consistent
    with the prescribed medications") and is not the review's decision on it ("the requested
    X was non-certified on ..."), then the most shared words with the item's name, then the
    first."""
    if concept is None:
        return None
    asked = term_words(name)
    same = [f for f in mentions
            if lex.terms.is_a(f.concept, concept) or lex.terms.is_a(concept, f.concept)]
    # (the mention's own name first: "requested OxyContin 40 mg #60, one every 12 hours;
    # Percocet 10/325 mg #120, one four times daily" asks for two forms of one drug)
    side = _sides(name)
    return max(same, key=lambda f: (bool(_ASKS.search(f.props["sentence"])),
                                    not _UR.search(f.props["sentence"])
                                    and not _REVIEW_DECIDED.search(f.props["sentence"]),
                                    len(asked & _own_words(f)),
                                    # ("MRI of the left knee" is the left one of "an MRI of
                                    # the right knee 'to plan ...,' an MRI of the left knee")
                                    not _sides_differ(_sides(_own_text(f)), side),
                                    len(asked & term_words(f.label)), -f.start),
               default=None)


def _own_words(mention: Mention) -> frozenset[str]:
    """The words of what a mention names, not of its sentence."""
    return term_words(_own_text(mention))


def _own_text(mention: Mention) -> str:
    at = mention.start - mention.props["sentence_start"]
    return mention.props["sentence"][at:at + mention.end - mention.start]


_SIDE = re.compile(r"\b(left|right|bilateral|both)\b", re.I)


def _sides(text: str) -> frozenset[str]:
    """The sides a name says ("left", "right", "bilateral"), if any."""
    return frozenset(w.lower() for w in _SIDE.findall(text))


def _sides_differ(one: frozenset[str], other: frozenset[str]) -> bool:
    """Both say a side, and not the same one (both sides covers either)."""
    return bool(one and other) and not one & other and not {"bilateral", "both"} & (one | other)


def _fact(kind, concept, start, end, label, props):
    return Mention(kind, concept, start, end, label, props)
