"""Which of the three letter layouts a letter uses, and where its sections are.

Everything the reasoner may read (the case summary, the disputed items' names) is separated
here from the reviewer's record (outcome, guideline lines, rationale), which is only stored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reasoner.errors import InputError
from reasoner.reader import authorizations, reviews
from reasoner.reader.clean import Cleaned
from reasoner.reader.dates import DATE_RE
from reasoner.reader.firstchars import gated

_I = re.I | re.M
_OUTCOME = r"(Upheld|Overturned)"
_NECESSARY = r"(?:is|are)\s+(not\s+)?medically\s+necessary"


@dataclass(frozen=True)
class Item:
    name: str
    name_span: tuple[int, int]  # in the cleaned text
    outcome: str | None  # "upheld" / "overturned": the reviewer's record, never a fact
    guideline: str | None
    claims_guideline: str | None
    rationale: str | None


@dataclass(frozen=True)
class Letter:
    layout: str
    cleaned: Cleaned
    summary: tuple[int, int]
    items: list[Item]
    header: dict[str, str] = field(default_factory=dict)
    # record facts a review lists under an item, outside the case summary ("BECAUSE:\n - She
    # had a flare of neck spasm ...", "Facts for the request:"): read as the summary is
    fact_blocks: tuple[tuple[int, int], ...] = ()

    @property
    def text(self) -> str:
        return self.cleaned.text

    @property
    def summary_text(self) -> str:
        return self.text[self.summary[0]:self.summary[1]]

    @property
    def fact_spans(self) -> list[tuple[int, int]]:
        """The summary's span, then the spans of the record facts listed under items."""
        return [self.summary, *self.fact_blocks]


# The heading of the items decided: "IMR ISSUES, DECISIONS AND RATIONALES" (or a vendor's
# "DISPUTED ITEMS, DECISIONS AND RATIONALES")
_DECISIONS_AND = (r"(?:IMR ISSUES|DISPUTED (?:ITEMS?|ISSUES?|SERVICES?|TREATMENTS?)),? "
                  r"DEC[I1l]S[I1l]ONS")


def detect(text: str) -> str | None:
    if re.search(_DECISIONS_AND + r",? AND RAT[I1l]ONALES", text, re.I):
        return "imr-final-determination"
    if re.search(r"has determined the request for|Notice of Independent Medical Review", text,
                 re.I):
        return "notice-2013"
    if re.search(r"MEDICAL PROFESSIONAL REVIEW|ISSUE AT DISPUTE", text, re.I) or (
            re.search(_ISSUES, text, re.I | re.M)
            and re.search(r"\b(?:IMR|Independent Medical Review)\b", text)
            and re.search(r"\b(?:upheld|overturned)\b", text, re.I)):
        # a reviewer's report: its disputed items, each upheld or overturned
        return "medical-professional-review"
    if (_UR_TITLE.search(text[:_title_end(text, 3)]) or _UR_TITLE_LINE.search(
            text[:_title_end(text, 12)]) or _UR_BELOW.search(text) and _ACTION_LINE.search(text)
            or _UR_TO_WORKER.search(text[:6000]) or _RE_UR.search(text[:3000])
            and _UR_WORD.search(text)) and not _imr_outcome_said(text):
        return "ur-determination"  # a utilization review's own letter (no IMR yet)
    if _REVIEW_SIGNAL.search(text) and _DECIDED.search(text):
        return "reviewer-report"  # (or another review layout: `split` tries them all)
    if _is_report(text):
        return "progress-report"
    return None


def _is_report(text: str) -> bool:
    """A treating physician's report: a plan, a request, or named as one."""
    return bool(_PLAN.search(text) or _CAPS_PLAN.search(text) or _REQUESTING.search(text) or
                re.search(r"PROGRESS REPORT|\bPR-?2\b", text, re.I))


def _with_outcomes(letter: Letter, decided: list[Item]) -> Letter:
    """The letter's items with the outcomes another reading found for the same items (each
    pair sharing a word of three letters or more); when that reading found fewer items, each
    among the letter's, its items (the others were lines that name no item); else the letter
    as it is."""
    def words(item: Item) -> set[str]:
        return set(re.findall(r"[a-z]{3,}", item.name.lower()))
    if len(decided) == len(letter.items) and all(
            words(a) & words(b) for a, b in zip(letter.items, decided, strict=True)):
        items = [Item(**{**a.__dict__, "outcome": b.outcome})
                 for a, b in zip(letter.items, decided, strict=True)]
    elif len(decided) < len(letter.items) and all(
            any(words(b) & words(a) for a in letter.items) for b in decided):
        items = decided
    else:
        return letter
    return Letter(letter.layout, letter.cleaned, letter.summary, items, letter.header)


# ("of 3: RFA R L4-5": what a list's "Item 1 of 3:" leaves after its marker)
_ENUMERATOR = re.compile(r"^(?:[-\u2022*]|\(?(?:[A-Ha-h]|\d{1,2})[.)]|of\s+\d{1,2}\s*:)[ \t]+")


def _unnumbered(item: Item) -> Item:
    """An item without the number or bullet that listed it ("1) Lumbar MRI", "B. Brace")."""
    cut = _ENUMERATOR.match(item.name)
    if cut is None:
        return item
    return Item(**{**item.__dict__, "name": item.name[cut.end():],
                   "name_span": (item.name_span[0] + cut.end(), item.name_span[1])})


# What only a review says: its outcomes, its reviewer ("0VERTURNED" as a fax reads it). Such a
# document is never read as a treating physician's report: its reasons would become facts.
_OUTCOME_WORD = r"\b(?:" + reviews.UPHELD + "|" + reviews.OVERTURNED + r")\b"
_REVIEWED = re.compile(_OUTCOME_WORD + r"|\b(?:expert|physician|"
                       r"medical|imr) reviewer\b|\bMAXIMUS\b|\bFinal Determination\b", re.I)
# A reviewer's report: named as one, and deciding something.
_REVIEW_SIGNAL = re.compile(r"\b(?:IMR|Independent Medical Review|MAXIMUS|Final Determination|"
                            r"Expert Reviewer|Physician Reviewer)\b|\bCM\d{2}-\d{4,}", re.I)
# The title of a utilization review's letter: "NOTICE OF UTILIZATION REVIEW DETERMINATION",
# "Physician Advisor Review", "UR DETERMINATION NOTICE".
_UR_TITLE = re.compile(r"\bUTILIZATION[\s_-]+(?:REVIEW|MANAGEMENT)\b|"
                       r"\bUR[\s_-]+(?:DETERMINATION|DECISION|NOTICE)\b|"
                       r"\bPHYSICIAN\s+ADVISOR\b|\bPEER\s+REVIEW\b", re.I)
# The letter's title in capitals under a letterhead of several lines: "UTILIZATION REVIEW NOTICE
# OF DECISION" (not a physician's "RE: APPEAL OF UTILIZATION REVIEW DENIAL")
_UR_TITLE_LINE = re.compile(r"^(?![ \t]*RE\b)(?![^\n]*\b(?:APPEAL|RECONSIDERATION)\b)"
                            r"[ \t]*(?:[A-Z][A-Z &/'-]*[ \t]+)?(?:UTILIZATION[ \t]+REVIEW|UR)"
                            r"[ \t]+(?:NOTICE|DETERMINATION|DECISION)\b", re.M)
_IMR_OUTCOME = re.compile(_OUTCOME_WORD, re.I)  # as a fax may read them
# ... not a UR appeal's word for its own first decision: "the original determination is
# upheld", "the prior non-certification was overturned on appeal"
_FIRST_DECISION = re.compile(r"\b(?:original|initial|prior|previous|earlier|first)[ \t]+"
                             r"(?:UR[ \t]+)?(?:determination|decision|non-?[ \t]?certification|"
                             r"denial)[ \t]+"
                             r"(?:is|was|has[ \t]+been|are|were)?[ \t]*$|"
                             # ... or of its action: "Non-certified (upheld)"
                             r"\b(?:certif\w*|denied|modified)[ \t]*[(-]?[ \t]*$", re.I)


def _imr_outcome_said(text: str) -> bool:
    """Whether the text tells an IMR's outcome (upheld or overturned)."""
    return any(not _FIRST_DECISION.search(text, max(0, m.start() - 60), m.start())
               for m in _IMR_OUTCOME.finditer(text))
# A utilization review's letter to the physician titled in its reference line: "RE:
# Utilization Review Determination" (not a physician's "RE: Appeal of Utilization Review ...")
_RE_UR = re.compile(r"^[ \t]*RE:?[ \t]+(?:notice[ \t]+of[ \t]+)?(?:utilization[ \t]+review|UR)"
                    r"[ \t]+(?:determination|decision|notice)\b", re.I | re.M)
_UR_WORD = re.compile(r"\b(?:non-?[ \t]?|not[ \t]+)?certif(?:y|ied)\b|\bmodif(?:y|ied)\b", re.I)
# A utilization review's letter to the worker, whose letterhead cleaning may have dropped as a
# running header: "Your doctor asked us to approve ...", "We did not approve this."
_UR_TO_WORKER = re.compile(r"\basked us to (?:approve|authori[sz]e|review|cover)\b|\bwe (?:have )?"
                           r"(?:approved|did not approve|didn't approve|could not approve|"
                           r"cannot approve|are not able to approve)\b", re.I)
# A UR's letter printed under the physician's RFA: its title line after a rule of the page
# ("=====\nPINNACLE UTILIZATION MANAGEMENT\nUR DETERMINATION - PROSPECTIVE"), and items
# each ending with the UR's action
_UR_BELOW = re.compile(r"^[ \t]*[=_*-]{10,}[ \t]*\n(?:[^\n]*\n){0,3}?" + _UR_TITLE_LINE.pattern[1:],
                       re.M)
_ACTION_LINE = re.compile(r"^[^\n]*?\S[ \t.:-]+(?:non-?\s?certified|certified|modified|approved|"
                          r"denied)[ \t]*$", re.M | re.I)
# A UR's action on an item, in its capitals (a summary's "UR non-certified the MRI" is none)
_UR_ACTION = re.compile(r"\b(?:NON-?\s?CERTIF(?:Y|IED)|CERTIF(?:Y|IED)|MODIFIED)\b")
_DECIDED = re.compile(_IMR_OUTCOME.pattern + r"|\b(?:not\s+)?medically\s+necessary\b", re.I)


def split(cleaned: Cleaned, source: str) -> Letter:
    """The letter's layout, case summary and items, with the record facts listed under its
    items (`_with_fact_blocks`)."""
    return _with_fact_blocks(_split(cleaned, source))


def _split(cleaned: Cleaned, source: str) -> Letter:
    text = cleaned.text
    layout = detect(text)
    if layout is None:
        raise InputError("unknown letter layout: none of 'IMR ISSUES, DECISIONS AND "
                         "RATIONALES', 'Notice of Independent Medical Review Determination', "
                         "'MEDICAL PROFESSIONAL REVIEW', nor a progress report's 'TREATMENT "
                         "PLAN' or 'REQUEST FOR AUTHORIZATION' was found", source=source)
    problem = ""
    undecided: Letter | None = None  # items found without their outcomes: the last resort
    # Letters mix the layouts' parts (a 2013 notice headed like the later letters): the
    # detected layout first, then the other IMR layouts.
    # A treating physician's report that speaks of IMR (an appeal) is read as one when no
    # review layout finds what a review decides.
    fallback = ["progress-report"] if layout != "progress-report" and _is_report(text) and \
        not _REVIEWED.search(text) else []
    # (a UR's own letter last, unless it is a physician's: one that names a prior decision
    # "upheld" looks like a review of IMR's, "TFESI ---- NON-CERTIFIED (prior
    # non-certification upheld)")
    ur = ["ur-determination"] if _UR_ACTION.search(text) else []
    order = [layout, *(n for n in _IMR_LAYOUTS if n != layout), *(fallback or ur)] \
        if layout != "ur-determination" else [layout, "progress-report"]
    for name in order:
        if undecided is not None and name != "reviewer-report":
            continue  # items found: only the general reading may tell their outcomes
        summary, items = _progress_report(text, cleaned) if name == "progress-report" \
            else _SPLITTERS[name](text)
        summary = (summary[0], _reviewer_line(text, *summary))
        items = [_unnumbered(i) for i in items]
        if summary[1] <= summary[0] or not text[summary[0]:summary[1]].strip():
            problem = problem or f"layout {name}: the case summary was not found"
        elif not items:
            problem = problem or f"layout {name}: no disputed item was found"
        elif name != "progress-report" and not any(i.outcome for i in items):
            # a review's items carry their outcomes: another layout may find them with theirs
            undecided = undecided or Letter(name, cleaned, summary, items, header(text))
        elif name == "progress-report" and undecided is not None:
            break  # a review whose outcomes were not found is still a review
        elif undecided is not None:
            # the layout that found the items first keeps them: this one may only tell their
            # outcomes, when it names the same items
            return _with_outcomes(undecided, items)
        elif name == "progress-report":
            return Letter(name, cleaned, summary, items, _report_header(text, items))
        else:
            return Letter(name, cleaned, summary, items, header(text))
        if layout == "progress-report":
            break  # a treating physician's report is not read as a review
    if undecided is not None:
        return undecided
    if "progress-report" not in order and (asked := _enumerated_requests(text)):
        # a document about a review that no review layout reads (an attorney's demand that an
        # IMR decision be carried out, quoting it): the requests it enumerates ("submitted a
        # Request for Authorization for (1) ..., (2) ... and (3) ..."), read as a report's
        return Letter("progress-report", cleaned, (0, len(text)), asked,
                      _report_header(text, asked))
    raise InputError(problem, source=source)


def _enumerated_requests(text: str) -> list[Item]:
    """The items of the first paragraph that asks for services it numbers inline."""
    for asked in _REQUESTING.finditer(text):
        end = text.find("\n\n", asked.end()) % (len(text) + 1)
        first = _INLINE_ITEM.search(text, asked.end(), end)
        if first and first.group(1) == "1" and (lines := _enumerated(text, first.start(), end)):
            items: list[Item] = []
            _add_items(items, lines, asked=True, text=text)
            return items
    return []


def _report_header(text: str, items: list[Item]) -> dict[str, str]:
    """A report's header, with the date of the UR decisions logged on its requests."""
    fields = header(text)
    if any(i.outcome for i in items) and (decided := authorizations.decided_on(
            authorizations.results(text, min(i.name_span[0] for i in items)))):
        fields["ur_decision_date"] = decided
    return fields


# A list of record facts under an item's decision: its heading alone on a line, then bullets.
_FACTS_HEADING = re.compile(
    r"^[ \t]*(?:because|facts?(?: (?:for|against|considered|relied (?:on|upon)|in the record))?|"
    r"(?:supporting|relevant|key|pertinent) (?:facts|findings|records?)|record (?:facts|findings)|"
    r"(?:facts |findings )?(?:for|against) the request|documented facts)[ \t]*:?[ \t]*$", _I)
_LINE = re.compile(r"[^\n]*(?:\n|$)")
_BULLET_LINE = re.compile(r"[ \t]*(?:[-\u2022*]|\d{1,2}[.)])[ \t]+\S[^\n]*")
# a bullet in the reviewer's voice, not the record's: the guideline and what it asks
_GUIDELINE_TALK = re.compile(r"\b(?:guidelines?|MTUS|ACOEM|ODG|CPMTG|recommend\w*|criteri\w*|"
                             r"medically necessary|supports?|indicated)\b", re.I)


def _with_fact_blocks(letter: Letter) -> Letter:
    """The letter with the bulleted record facts listed under its items, outside its summary,
    as blocks to read (a bullet that speaks of the guideline ends its block), and with the
    treating physician's own letter a review answers (`_physician_letter`)."""
    if letter.layout == "progress-report":
        return letter
    text, blocks = letter.text, _physician_letter(letter)
    for heading in _FACTS_HEADING.finditer(text):
        if letter.summary[0] <= heading.start() < letter.summary[1]:
            continue
        end = start = heading.end() + 1
        for line in _LINE.finditer(text, start):  # (no copy of the rest: many headings)
            if not _BULLET_LINE.match(line.group()) or _GUIDELINE_TALK.search(line.group()):
                break
            end = line.end()
        if end > start:
            blocks.append((start, end))
    return Letter(letter.layout, letter.cleaned, letter.summary, letter.items, letter.header,
                  tuple(blocks)) if blocks else letter


# The treating physician speaking in the first person: an appeal, a request for
# reconsideration or a supplemental report that a review's letter answers below it ("I am the
# primary treating physician ...", "I received the non-certification of 04/02/2014 ...",
# "Contrary to the reviewer's statement, ..."). (Not a reviewer's "I": "I spoke with Dr. X",
# "I have reviewed the records".)
_PHYSICIAN_VOICE = re.compile(
    r"\bI am (?:the|his|her|their|your) (?:primary |secondary )?treating (?:physician|doctor|"
    r"surgeon)|\bI am writing (?:to|on behalf|in response)|\bI (?:have )?(?:received|reviewed) "
    r"(?:the|your) (?:UR |utilization review )?(?:non-?certification|denial|determination|"
    r"decision)|\bI (?:\w+ )?submit(?:ting)? (?:the following )?additional (?:information|"
    r"records|documentation)|\bI (?:respectfully )?(?:request|ask) "
    r"(?:that|reconsideration|you to reconsider)|\bI would (?:point out|ask|note|add|like to)|"
    r"\bI respectfully disagree|\bcontrary to the reviewer|\bmy (?:patient|RFA|request for "
    r"authori[sz]ation)\b", re.I)
# Where that letter ends: its closing words, or a rule drawn under it
_LETTER_CLOSE = re.compile(r"^[ \t]*(?:Sincerely|Respectfully(?: submitted| yours)?|"
                           r"(?:Best |Kind )?regards|Yours (?:truly|sincerely)|Thank you|"
                           r"Thank you for (?:your|the) (?:reconsideration|consideration|"
                           r"attention|time|review)\b[^\n]*)"
                           r"[,.]?[ \t]*$|^[ \t]*[-=_*~]{10,}[ \t]*$", re.I | re.M)


_OPENING = 300  # how far into a summary its opening words reach


def _physician_letter(letter: Letter) -> list[tuple[int, int]]:
    """The parts outside the summary of a treating physician's letter that the review answers
    (an appeal above the UR's or IMR's decision): the record too, in the physician's words.
    Found only where the physician's voice begins before the summary or as it opens ("Please
    reconsider the two items above for my patient, ..."; a summary that quotes an appeal
    further on is the reviewer's), and read to the letter's closing (or to the summary):
    never into the review's reasons below it."""
    text, (start, end) = letter.text, letter.summary
    voice = _PHYSICIAN_VOICE.search(text, 0, min(end, start + _OPENING))
    if voice is None:
        return []
    begin = text.rfind("\n", 0, voice.start()) + 1
    close = _LETTER_CLOSE.search(text, voice.end())
    stop = close.start() if close else start if start > begin else None
    if stop is None:
        return []
    return [(a, b) for a, b in ((begin, min(stop, start)), (max(begin, end), stop)) if b > a]


# A line that opens the reviewer's own words: whatever a layout took for the case summary ends
# before it, so that no reason, guideline or decision is read as a fact of the case.
_REVIEWER_LINE = re.compile(
    r"^[ \t]*(?:Decision rationale|Rationale(?: for the decision)?|Explanation|Reviewer'?s? "
    r"(?:determination|decision|rationale|analysis)|Guidelines? (?:relied|applied|used)|"
    r"(?:MAXIMUS|Claims Administrator) guideline|Medical Treatment Guideline|DISPUTED ITEM|"
    r"Determination|Decision|Standard applied|Basis for (?:the )?decision|Reasoning|"
    r"(?:Clinical )?Basis|Weighing|Guidelines? (?:cited|relied upon)|Guideline)\b"
    r"[^\n]{0,40}?[:\-]",
    re.I | re.M)


def _reviewer_line(text: str, start: int, end: int) -> int:
    """Where the summary text[start:end] must end: at the first line in the reviewer's words."""
    found = _REVIEWER_LINE.search(text, start, end)
    return found.start() if found else end


def _after(pattern: str, text: str, start: int = 0) -> int | None:
    found = re.compile(pattern, _I).search(text, start)
    return found.end() if found else None


def _before(patterns: list[str], text: str, start: int) -> int:
    ends = [m.start() for p in patterns if (m := re.compile(p, _I).search(text, start))]
    return min(ends, default=len(text))


# The reviewer's lead-in standing for the heading the letter lacks: "The Expert Reviewer
# developed the following clinical case summary based on a review of the case file, including
# all medical records:" (the case follows)
_LEAD_IN = re.compile(r"^[^\n]*\b(?:developed|prepared|wrote)\b[^\n]*\b(?:case summary|clinical "
                      r"summary)\b[^\n]*:[ \t]*\n", re.I | re.M)


def _summary(text: str, heading: str, ends: list[str]) -> tuple[int, int]:
    start = _after(heading, text)
    if start is None:
        lead_in = _LEAD_IN.search(text)
        if lead_in is None:
            return 0, 0
        start = lead_in.end()
    # Skip the reviewer's boilerplate lead-in ("... including all medical records:").
    lead = re.compile(r"[^\n]*(?:developed|following)[^\n]*(?:summary|records)[^\n]*:\s*",
                      re.I).match(text, start + (len(text[start:]) - len(text[start:].lstrip())))
    start = lead.end() if lead else start
    return start, _before(ends, text, start)


def _field(block: str, label: str, ends: list[str]) -> str | None:
    start = _after(label, block)
    if start is None:
        return None
    value = block[start:_before(ends, block, start)] if ends else block[start:]
    value = re.sub(r"\s+", " ", value).strip()
    return re.sub(r"^Decision based on\s+", "", value).rstrip(". ") or None


# (a bare "SUMMARY:" or "BACKGROUND" counts only as a heading line of its own)
# (faxed letters read by OCR: "CLlNlCAL CASE SUMMARY")
# ("Expert Reviewer Case Summary:" too)
_SUMMARY_HEADING = (r"^\s*(?:(?:EXPERT|PHYSICIAN|MEDICAL) REVIEWER(?:'?S)? )?"
                    r"(?:CL[I1l]N[I1l]CAL (?:CASE )?SUMMARY|CASE SUMMARY|SUMMARY OF (?:THE )?"
                    r"(?:MEDICAL )?RECORDS|CLINICAL NOTES|CLINICAL HISTORY|CLINICAL "
                    r"(?:INFORMATION|BACKGROUND)|RECORDS? SUMMARY|(?:SUMMARY|BACKGROUND)"
                    r"(?=\s*:?[ \t]*\n)|"
                    # "STATEMENT OF FACTS", "RELEVANT FACTS", "FINDINGS OF FACT", "CASE
                    # HISTORY": a heading line of its own
                    r"(?:STATEMENT OF (?:THE )?FACTS|(?:RELEVANT |CASE |CLINICAL |MEDICAL )?"
                    r"FACTS|FINDINGS OF FACTS?|(?:CASE|MEDICAL|TREATMENT) HISTORY)"
                    r"(?=\s*:?[ \t]*\n))"
                    r"\s*:?[ \t]*")
# "1. Is the requested X medically necessary?", "Question 1: Is X medically necessary?"
_QUESTION = re.compile(r"^\s*(?:(?:Question|Issue|Item|Q)\s*)?\d{1,2}(?:\s+of\s+\d{1,2})?"
                       r"\s*[.):]\s*"
                       # ("1) Issue at dispute: Is the request for ...", as 2013's letters ask)
                       r"(?:(?:Issue|Item|Question)(?:\s+(?:at|in)\s+dispute)?\s*:\s*)?"
                       r"(?:Is|Are|Was|Were)\s+(?:the\s+)?(?:requested\s+|request\s+for\s+)?"
                       # (a question the page wrapped: "... for the lumbar spine medically\n
                       # necessary?")
                       r"(?P<name>.+?(?:\n.+?)?),?\s+medically\s+necessary(?:\s+and\s+"
                       r"appropriate)?\??[ \t]*$", _I)
_DECISION = re.compile(r"^\s*(?:Decision|Determination|Answer|Outcome)\s*:[^\n]{0,40}?"
                       r"\b(?P<outcome>UPHELD|OVERTURNED)", _I)
# Without a decision line, the rationale's verdict: "The request is medically necessary.",
# "Therefore, the requested Norco is not medically necessary and appropriate.", "A trial of 6
# visits is warranted.", "Prophylactic omeprazole is not indicated.", "Further massage is not
# supported.", "The denial is upheld.", "Certify." The last one said wins; a verdict must end
# its sentence (a criterion goes on: "is medically necessary when red flags are present"),
# except a negative one held back "until" something ("is not indicated until the block result
# is known").
_VERDICT = (r"(?:medically\s+necessary|supported|warranted|indicated|appropriate|certified|"
            r"reasonable)")
_CONCLUDED = re.compile(
    r"\b(?:is|are|was|were)\s+(?:(?:therefore|thus|also|now|then)\s+)?(?P<not>not\s+)?"
    r"(?:(?:considered|deemed|felt|found)\s+(?:to\s+be\s+)?)?" + _VERDICT +
    r"(?:\s+and\s+" + _VERDICT + r")?"
    # what may close the verdict: "by the guidelines", "at this time", "for the full #90"
    r"(?P<rest>[^.;\n]{0,50}?)(?:[.;]|$)"
    r"|\b(?P<denial>denial|non-?certification|(?:UR|utilization review)(?: decision)?)\s+"
    r"(?:is|was|are|were)\s+(?:therefore\s+)?(?P<held>upheld|maintained|affirmed|sustained|"
    r"overturned|reversed)\b"
    # a rationale's last word: "... no change in sitting or work tolerance. Non-certify."
    r"|(?:^[ \t]*|[.;:][ \t]+)(?P<word>certify|certified|non-?certify|non-?certified|"
    r"not certified)\.?[ \t]*$",
    _I | re.M)
_CLOSING = re.compile(r"\s*(?:by|under|per|at|in|for|here|now|currently|as|and|on|with|"
                      r"according)\b|\s*$", _I)


# "1. MRI of the cervical spine is (not) medically necessary and appropriate." (2013-2014)
# (the line may wrap: "... injection is medically\nnecessary and appropriate.")
_STATED = re.compile(r"^\s*\d{1,2}[.)]\s*(?P<name>[^\n]+?)\s+(?:is|are)\s+(?P<not>not\s+)?"
                     r"medically\s+necessary(?:\s+and\s+appropriate)?\.?[ \t]*$", _I)


# ... or, unnumbered, a line of its own: "Carisoprodol 350mg #90 is not medically necessary and
# appropriate." (a name, not a sentence of the reasons: no full stop or colon in it)
# (a point inside a number is no full stop: "Cyclobenzaprine 7.5mg #60")
_STATED_ALONE = re.compile(r"^[ \t]*(?P<name>(?:[^\n.:]|(?<=\d)\.(?=\d)){3,120}?)\s+(?:is|are)\s+"
                           r"(?P<not>not\s+)?medically\s+necessary(?:\s+and\s+appropriate)?\.?"
                           r"[ \t]*$", _I)
# The name may hold a colon itself ("Compounded cream: ketoprofen 10%, ...: Upheld").
# (not a decision's own label: "Decision: Overturned" under the item's line)
_ITEM_HEAD = re.compile(r"^(?![ \t]*(?:decision|outcome|determination|result|finding|answer|action|"
                        r"status|imr decision)[ \t]*:)(?P<name>[^\n]{2,200}?)\s*:\s*" + _OUTCOME
                        + r"\s*$", _I)


def _final_determination(text: str):
    # The summary ends where the review begins: its issues heading, the list of documents
    # reviewed, the first question asked of an item, or the first item with its outcome
    # (the heading lost to a fax).
    summary = _summary(text, _SUMMARY_HEADING, [r"^\s*" + _DECISIONS_AND,
                                                r"^\s*DOCUMENTS REVIEWED", _QUESTION.pattern,
                                                _ITEM_HEAD.pattern])
    if not text[summary[0]:summary[1]].strip() and \
            (listed := _LISTED_DOCUMENTS.match(text, summary[1])):
        # the documents reviewed listed first, under the summary's heading, and the case
        # after them ("DOCUMENTS REVIEWED / - IMR application ... / SUMMARY / The injured
        # worker is ..."): the summary is what follows the list
        after = listed.end()
        summary = (after, _before([r"^\s*" + _DECISIONS_AND, _QUESTION.pattern,
                                   _ITEM_HEAD.pattern], text, after))
    questions = list(_QUESTION.finditer(text, summary[1]))
    if questions:
        return summary, _tabled(text, _question_items(text, questions))
    stated = list(_STATED.finditer(text, summary[1]))
    if stated:
        return summary, _stated_items(text, stated)
    heads = list(_ITEM_HEAD.finditer(text, summary[1]))
    alone = list(_STATED_ALONE.finditer(text, summary[1])) if not heads else []
    headed = _headed_issues(text, summary[1]) if not heads else []
    if alone and len(alone) >= len(headed):
        return summary, _stated_items(text, alone)
    if headed:
        # (more issues headed than verdicts on lines of their own: a verdict the page wrapped,
        # "The request for right shoulder arthroscopic subacromial decompression is not\n
        # medically necessary", is no line of its own)
        return summary, _tabled(text, headed)
    items = []
    for n, head in enumerate(heads):
        block = text[head.end():heads[n + 1].start() if n + 1 < len(heads) else len(text)]
        items.append(Item(
            head.group("name").strip(), head.span("name"), head.group(2).lower(),
            _field(block, r"MAXIMUS guideline:", [r"Decision rationale:"]),
            _field(block, r"Claims Administrator guideline:", [r"MAXIMUS guideline:"]),
            _field(block, r"Decision rationale:", [])))
    return summary, items


_LISTED_DOCUMENTS = re.compile(r"[ \t\n]*DOCUMENTS REVIEWED:?[ \t]*\n(?:[ \t]*(?:[-*\u2022]|"
                               r"\d{1,2}[.)])[^\n]*\n)+", _I)


# An issue headed by its name alone, in the issues section: "Item 1: Acupuncture for the lumbar
# spine, 12 sessions", "2. Physical therapy, 8 visits for the cervical spine", its guideline and
# rationale below it
_ISSUE_HEAD = re.compile(r"^[ \t]*(?:(?:Item|Issue|Request)[ \t]*)?(?:#[ \t]*)?\d{1,2}[ \t]*[.):]"
                         r"[ \t]*(?P<name>[^\n]{2,200}?)[ \t]*$", _I | re.M)
_ISSUES_HEADING = re.compile(r"^[ \t]*" + _DECISIONS_AND, _I | re.M)
# (or, as 2013's letters head it, "Section of the Medical Treatment Utilization Schedule (MTUS)
# that applies:")
_REVIEWED_BELOW = re.compile(r"\b(?:guidelines?|rationale|MTUS|Medical Treatment Utilization "
                             r"Schedule)\b[^\n]{0,40}:", _I)


_REGARDING = re.compile(r"(?:regarding|as (?:to|for)|with respect to)\s+(?:the\s+)?"
                        r"(?:request(?:ed)?\s+(?:for\s+)?)?", _I)


def _headed_issues(text: str, start: int) -> list[Item]:
    """Issues headed by their names, each followed by its guideline and rationale (the
    outcome is the rationale's verdict)."""
    section = _ISSUES_HEADING.search(text, start)
    if section is None:
        return []
    heads = [h for h in _ISSUE_HEAD.finditer(text, section.end())
             if _REVIEWED_BELOW.search(text, h.end(), h.end() + 400)]
    items = []
    for n, head in enumerate(heads):
        block = text[head.end():heads[n + 1].start() if n + 1 < len(heads) else len(text)]
        decided = _DECISION.search(block)
        said = re.sub(r"\s+", " ", head.group("name"))
        lead = _REGARDING.match(said)  # "Regarding the request for X:": X
        name = said[lead.end() if lead else 0:].rstrip(" :")
        start = head.start("name") + head.group("name").find(name)
        items.append(Item(
            name, (start, start + len(name)),
            decided.group("outcome").lower() if decided else _conclusion(block),
            _field(block, r"(?:MAXIMUS|MTUS|Expert Reviewer.s) guidelines?:|Guidelines? "
                   r"(?:applied|relied upon|cited):", [r"^\s*Rationale"]),
            _field(block, r"Claims Administrator guideline:", [r"MAXIMUS guideline:"]),
            _field(block, r"^\s*Rationale[^:\n]*:", [])))
    return items


# A table of outcomes near the top: "Item | Decision", then "Retrospective urine drug screen
# (DOS 09/14/2022) | Overturned"
_TABLE_ROW = re.compile(r"^[ \t]*(?:\d{1,2}[.)]?[ \t]*\|?[ \t]*)?(?P<name>[^|\n]{3,200}?)[ \t]*\|"
                        r"[ \t]*(?P<outcome>upheld|overturned)[ \t]*\|?[ \t]*$", _I | re.M)


def _tabled(text: str, items: list[Item]) -> list[Item]:
    """Items whose rationale states no outcome take the one a table gives their name, else
    the letter's own when it decided every item alike ("Final Determination: UPHOLD")."""
    if all(i.outcome for i in items):
        return items
    table = {_bare(row.group("name")): row.group("outcome").lower()
             for row in _TABLE_ROW.finditer(text)}
    whole = _WHOLE_LETTER.search(text)
    alike = reviews.outcome_of(whole.group(1)) if whole else None
    return [i if i.outcome else dataclasses.replace(i, outcome=table.get(_bare(i.name), alike))
            for i in items]


# The letter's decision when it is one for all items (not "OVERTURN IN PART")
_WHOLE_LETTER = re.compile(r"\bFinal Determination\s*:?\s*(UPHOLD|UPHELD|OVERTURN|OVERTURNED)\b"
                           r"(?!\s+IN\s+PART)", _I)


def _bare(name: str) -> str:
    return re.sub(r"^(?:the\s+)?(?:requested\s+|request\s+for\s+)?", "",
                  " ".join(name.lower().split()))


def _conclusion(block: str) -> str | None:
    """The outcome a rationale concludes with: medically necessary overturns the denial."""
    for said in reversed(list(_CONCLUDED.finditer(block))):
        if said.group("word"):
            return "upheld" if said.group("word").lower().startswith("no") else "overturned"
        if said.group("held"):
            kept = said.group("held").lower() in ("upheld", "maintained", "affirmed",
                                                   "sustained")
            return "upheld" if kept else "overturned"
        rest = said.group("rest")
        if not rest or _CLOSING.match(rest) or said.group("not") and \
                rest.lstrip().lower().startswith(("until", "unless", "without")):
            return "upheld" if said.group("not") else "overturned"
    return None


def _question_items(text: str, questions: list[re.Match[str]]) -> list[Item]:
    """Items asked as "1. Is the requested X medically necessary?", each followed by its
    "Decision: UPHELD" line, the guidelines cited and the rationale."""
    items = []
    for n, head in enumerate(questions):
        block = text[head.end():questions[n + 1].start() if n + 1 < len(questions) else None]
        decided = _DECISION.search(block)
        concluded = None if decided else _conclusion(block)
        items.append(Item(
            re.sub(r"\s+", " ", head.group("name")), head.span("name"),
            decided.group("outcome").lower() if decided else concluded,
            _field(block, r"cited by the (?:Physician|Expert) Reviewer:", [r"^\s*Rationale"]),
            _field(block, r"cited by the Claims Administrator:", [r"cited by the"]),
            _field(block, r"^\s*Rationale[^:\n]*:", [])))
    return items


def _stated_items(text: str, heads: list[re.Match[str]]) -> list[Item]:
    items = []
    for n, head in enumerate(heads):
        block = text[head.end():heads[n + 1].start() if n + 1 < len(heads) else None]
        items.append(Item(
            head.group("name").strip(), head.span("name"),
            "upheld" if head.group("not") else "overturned",
            _field(block, r"MAXIMUS guideline:", [r"Decision rationale:"]),
            _field(block, r"Claims Administrator guideline:", [r"MAXIMUS guideline:"]),
            _field(block, r"Decision rationale:", [])))
    return items


def _notice_2013(text: str):
    summary = _summary(text, r"(?:Expert Reviewer )?Case Summary:?",
                       [r"^\s*\d+\)\s*Regarding the request", r"^\s*Regarding the request",
                        r"Medical Treatment Guideline\(s\) Relied Upon"])
    # "1) MAXIMUS Federal Services, Inc. has determined the request for X is not medically
    # necessary", or said by "The Physician Reviewer", unnumbered
    heads = list(re.compile(r"^\s*(?:\d+\)\s*)?[^\n]{0,60}?\bha(?:s|ve) determined (?:that )?the "
                            r"(?:request for|requested)\s+(?P<name>.+?)\s+" + _NECESSARY,
                            _I | re.S)
                 .finditer(text, 0, summary[0]))
    blocks = list(re.compile(r"^\s*\d+\)\s*Regarding the (?:request for|requested)", _I).finditer(
        text, summary[1]))
    items = []
    for n, head in enumerate(heads):
        block = ""
        if n < len(blocks):
            end = blocks[n + 1].start() if n + 1 < len(blocks) else len(text)
            block = text[blocks[n].end():end]
        outcome = "overturned" if head.group(2) is None else "upheld"
        items.append(Item(
            re.sub(r"\s+", " ", head.group("name")), head.span("name"), outcome,
            _field(block, r"(?:Relied Upon by the Expert Reviewer|MTUS Guidelines?):",
                   [r"Expert Reviewer.s Rationale", r"Rationale for the Decision:"]),
            None, _field(block, r"Rationale for the Decision:", [])))
    return summary, items


# "ISSUE AT DISPUTE", "Disputed Items", "Treatment(s) in dispute"
# or a table's header row naming that column ("#  | Treatment in dispute | Determination")
_ISSUES = (r"^\s*(?:ISSUES? AT DISPUTE|DISPUTED (?:ITEMS?|ISSUES?|SERVICES?|TREATMENTS?)|"
           r"(?:ITEMS?|TREATMENTS?|SERVICES?)(?:\(S\))? IN DISPUTE|"
           r"[^\n|]{0,12}\|[ \t]*(?:(?:ITEMS?|TREATMENTS?|SERVICES?)(?:\(S\))? IN DISPUTE|"
           r"DISPUTED (?:ITEMS?|SERVICES?|TREATMENTS?)|(?:REQUESTED )?(?:TREATMENTS?|SERVICES?|"
           r"ITEMS?)(?:\(S\))?)[ \t]*\|)")


# An unnumbered heading line in capitals ("DECISION", "RATIONALE:") ends the list of issues.
_NEXT_HEADING = r"^[ \t]*(?-i:[A-Z][A-Z /&()'-]{3,40})[ \t]*:?[ \t]*$"


# A line that opens a part of its own: a label ("Outcome:"), a heading in capitals, a bullet
_NEW_PART = re.compile(r"[ \t]*(?:[A-Z][A-Za-z ]{0,40}:|[A-Z][A-Z ,&/-]{3,}$|[-*\u2022]\s)",
                       re.M)


def _run_in(text: str, start: int) -> list[tuple[str, int]]:
    """Items that run on after their label on its line, numbered ("(1) X (2) Y") or set
    apart by ';'; none when the line only goes on with its label."""
    end = text.find("\n", start) % (len(text) + 1)
    while not re.search(r"[.:]\s*$", text[start:end]) and (
            after := text.find("\n", end + 1) % (len(text) + 1)) > end + 1 and \
            not _NEW_PART.match(text, end + 1):
        end = after  # a list hard-wrapped onto the next lines of its sentence
    lead = re.match(r"[ \t.:\-]*", text[start:end])
    first = start + (lead.end() if lead else 0)
    rest = text[first:end].rstrip()
    if not rest or rest.endswith(":"):  # the label goes on ("Items in dispute on ...:")
        return []
    return _enumerated(text, first, end) or [
        (name, first + part.start() + part.group().index(name))
        for part in re.finditer(r"[^;]+", rest) if (name := part.group().strip(" .,"))
    ] if ";" in rest else []


def _decided_in_order(text: str, start: int, items: list[Item]) -> list[Item]:
    """The items with the outcomes stated after `start` in their order ("Issue 2: ...
    Overturned", "DECISION: UPHELD"), when one is stated for each."""
    decided = [m.group(1).lower() for m in re.finditer(
        r"^\s*(?:(?:Issue|Item)\s*\d+\.?[^\n]*?|\(?\d{1,2}[.)][^\n]*?|DETERMINATION:?[^\n]*?|"
        r"DECISION:[^\n]*?)\b"
        + _OUTCOME, text[start:], _I)]
    if len(decided) == len(items) and all(i.outcome is None for i in items):
        return [Item(**{**i.__dict__, "outcome": o}) for i, o in zip(items, decided, strict=True)]
    return items


# A list item's marker: "-", "A.", "1)", "#2", "Item 1", "Issue #2:"
_MARK = (r"(?:[-*\u2022]|\(?[A-Za-z0-9]{1,2}[.)]|#\d+[.)]?|(?:Item|Issue)\s*#?\d{1,2}\b"
         r"(?:\s+of\s+\d{1,2})?[.:)]?)")
_MARKER = re.compile(rf"\s*{_MARK}\s")


# A heading line opening the decisions ("DECISION AND REASONS, ITEM BY ITEM", "DECISIONS")
_DECISIONS_HEADING = r"^\s*(?:THE )?(?:DECISIONS?|DETERMINATIONS?)\b[A-Z ,]*:?[ \t]*$"


def _professional_review(text: str):
    ends = [r"^\s*DOCUMENTS REVIEWED", r"^\s*MEDICAL TREATMENT GUIDELINE", r"^\s*DETERMINATION",
            r"^\s*RATIONALE", r"^\s*" + _DECISIONS_AND, _ISSUES]
    summary = _summary(text, _SUMMARY_HEADING, ends)
    issue_start = _after(_ISSUES + ":?", text)
    if issue_start is None or re.match(r"[ \t]*(?:#|no\.?)[ \t]*\d{1,2}\b", text[issue_start:],
                                       re.I):
        # (or each issue a block headed by its own number, "ISSUE AT DISPUTE #1: Lumbar MRI":
        # a reviewer's report, read as one)
        return summary, []
    if "|" in text[text.rfind("\n", 0, issue_start) + 1:issue_start]:
        issue_start = text.find("\n", issue_start) % (len(text) + 1)  # a header row: its rows
    elif inline := _run_in(text, issue_start):
        # the items on the label's own line: "Treatments in dispute .... (1) X; (2) Y"
        if summary[1] <= summary[0]:
            # no summary heading: the record is what lies between the list and the decisions
            listed = inline[-1][1] + len(inline[-1][0])
            summary = (listed, _before([*ends, _DECISIONS_HEADING], text, listed))
        return summary, _decided_in_order(
            text, issue_start, [Item(n, (at, at + len(n)), None, None, None, None)
                                for n, at in inline])
    # The issues are a list: it ends at the first blank line after it, or at a heading.
    block = re.compile(r"\s*\S.*?(?=\n[ \t]*\n|\Z)", re.S).match(text, issue_start)
    issue_end = min(block.end() if block else len(text),
                    _before([_SUMMARY_HEADING, r"^\s*DETERMINATION"], text, issue_start))
    items_end = min(issue_end, _before([_NEXT_HEADING], text, issue_start))
    if summary[0] < issue_start:
        pass  # the summary comes first: as found
    elif text[issue_end:summary[0]].strip() or summary[1] <= summary[0]:
        # what follows the issues ("PATIENT:", "BACKGROUND") is the clinical record too
        summary = (issue_end, _before(ends, text, issue_end))
    guideline = _field(text, r"^\s*MEDICAL TREATMENT GUIDELINE\(?S?\)? RELIED UPON[^\n:]*:?",
                       [r"^\s*RATIONALE FOR WHY"])
    rationale = _field(text, r"^\s*RATIONALE FOR WHY[^\n:]*:?", [r"^\s*MEDICAL REVIEWER"])
    items = []
    line_re = re.compile(rf"^\s*{_MARK}?\s*"
                         r"(?P<name>[^\n]+?)\s*(?:[:\-]\s*" + _OUTCOME + r")?\s*$", _I)
    tabled = False
    marked = None  # whether the list's first line has a marker ("A.", "1)", "-")
    for line in line_re.finditer(text, issue_start, items_end):
        if "|" in line.group(0):
            tabled = True
            items += _table_row(line.group(0), line.start(), guideline, rationale)
        elif tabled and line.group(0).strip():
            break  # the table's rows are over
        elif marked and not _MARKER.match(line.group(0)):
            break  # a marked list is over at its first unmarked line (cleaning drops blanks)
        elif line.group("name").strip():
            marked = bool(_MARKER.match(line.group(0))) if marked is None else marked
            outcome = line.group(2).lower() if line.group(2) else None
            items.append(Item(line.group("name").strip(" ?"), line.span("name"), outcome,
                              guideline, None, rationale))
    items = _decided_in_order(text, issue_end, items)
    if len(items) == 1 and items[0].outcome is None and rationale:
        # One item: its outcome is the rationale's last 'is (not) medically necessary'.
        said = re.findall(_NECESSARY, rationale, re.I)
        if said:
            items[0] = Item(**{**items[0].__dict__,
                               "outcome": "upheld" if said[-1] else "overturned"})
    return summary, items


_OUTCOME_CELL = re.compile(_OUTCOME + r"\b(?:\s*[-:(\u2013][^|]*)?$", _I)


def _table_row(row: str, at: int, guideline: str | None, rationale: str | None) -> list[Item]:
    """A row of the table of disputed items: its number, the treatment, its outcome, in cells
    between '|'; a ruling row ("---|---") or a row without a treatment is none."""
    cells = [(c.group(0).strip(), at + c.start()) for c in re.finditer(r"[^|]+", row)
             if c.group(0).strip()]
    if reviews.header_row([c for c, _ in cells]):
        return []  # "No. | Service requested (RFA 05/22/2018) | UR action | IMR decision"
    # the outcome cell, maybe with its reason: "OVERTURNED - medically necessary"
    outcome = next((found for c, _ in cells if (found := _OUTCOME_CELL.match(c))), None)
    names = [(c, start + row[start - at:].find(c)) for c, start in cells
             if not re.fullmatch(r"#?\s*\d{0,2}[.)]?|[-=:+ ]+", c)
             and not _OUTCOME_CELL.match(c) and reviews.action_of(c) is None]
    if not names:
        return []
    name, start = max(names, key=lambda n: len(n[0]))
    return [Item(name, (start, start + len(name)),
                 outcome.group(1).lower() if outcome else None, guideline, None, rationale)]


# A treating physician's progress report (PR-2): the whole report is the case record; the
# requested treatments are the items of its plan or request-for-authorization section: its
# numbered or bulleted lines, the service column of an RFA table, or else its sentences that
# request something ("I am requesting authorization for ...").
# ("Items appealed:", "Services under appeal:": an appeal asks again for what it lists)
_KEYWORD = (r"(?:PLAN|REQUEST\w*|AUTHORI[SZ]ATION|RFA|RECOMMEND\w*|FUTURE MEDICAL(?: CARE)?|"
            r"ORDERS?|APPEAL(?:ED|S)?)")
_NUMBERED = (r"(?:(?:\d{1,2}|[IVX]{1,4}|[a-z])[.)][ \t]*|\u00a7[ \t]*\d{1,2}\.?[ \t]*|"
             r"Section[ \t]+[IVX\d]{1,4}[ \t]*[-:.][ \t]*|"
             r"\[[A-Z]{0,3}\d{1,3}\][ \t]*)?")  # an export's section code: "[S09] PLAN / RFA"
_PLAN = re.compile(
    # a heading line naming the plan or the request anywhere, ending with its colon: "DISCUSSION
    # AND PLAN:", "I am requesting authorization for:", "22. If further treatment required,
    # specify treatment plan/estimated duration:", "Q4. What treatment do you request?"
    r"^[^\n]{0,100}?\b" + _KEYWORD + r"\b[^\n:?]{0,60}[:?][ \t]*$"
    # a label opening the plan on its own line: "Plan: refill ...", "P: Request:", "5. DISCUSSION
    # / PLAN", "Section V - Requested treatment (attach documentation):"
    r"|^[ \t]*" + _NUMBERED + r"(?:[A-Za-z]+[ \t]*(?:AND|&|/)[ \t]*)?(?:TREATMENT[ \t]+)?"
    r"(?:PLAN|P|A/P|REQUESTS?(?:[ \t]+FOR[ \t]+AUTHORI[SZ]ATION)?|REQUESTED[ \t]+\w+|RFA|"
    r"RECOMMENDATIONS?|ORDERS|"
    r"FUTURE MEDICAL(?: CARE)?)\b[ \t]*(?:\([^)\n]*\))?[ \t]*(?::|$|\.(?=[ \t]*\(1\)))"
    # the PR-2 form's heading with its instructions in brackets over several lines: "TREATMENT
    # PLAN (include treatment rendered to date; list methods, frequency and duration of
    # planned treatment(s); ... (e.g., physical therapy, manipulation, acupuncture):"
    r"|^[ \t]*" + _NUMBERED + r"(?:TREATMENT[ \t]+)?PLAN[ \t]*:?[ \t]*\((?:[^\n]|\n(?![ \t]*\n))"
    r"{0,600}?\)[ \t]*[:.]?[ \t]*$"
    # the RFA form's title line: "REQUEST FOR AUTHORIZATION (DWC Form RFA)  [ ] Expedited"
    # (not "Request for authorization: tramadol ER 150 mg #30": a label, the request after it)
    r"|^[ \t]*REQUEST FOR AUTHORI[SZ]ATION\b(?![ \t]*:[ \t]*\S)[^\n]*$"
    # a line, however long, that ends asking for what follows: "... Please authorize:",
    # "I am requesting the following:"
    r"|\b(?:please\s+)?(?:authori[sz]e|approve|certify|requesting|request|prescribing|ordering)"
    r"(?:\s+(?:the following|these|as follows|the items below))?[ \t]*:[ \t]*$"
    # an evaluator's: "... and I ask that authorization be provided for:", "Future medical
    # care should include the following:"
    r"|\bauthori[sz]ation\s+(?:be\s+|is\s+)?(?:provided\s+|given\s+|granted\s+)?(?:for|of)"
    r"[ \t]*:[ \t]*$|\bfuture medical(?: care| treatment)? (?:should|to) include"
    r"(?: the following)?[ \t]*:[ \t]*$"
    # a dated label with the list after it on its line, as an appeal's header gives it:
    # "Requests of 08/29/2019: (1) ...; (2) ...", "Requested on RFA of February 23, 2016: MRI
    # of the cervical spine; acupuncture, 6 sessions"
    r"|^[ \t]*(?:(?:items?|services?|treatments?)[ \t]+)?REQUEST(?:S|ED)?\b[^:\n]{0,30}?(?:"
    + DATE_RE.pattern + r")[ \t]*:(?=[ \t]*\S)",
    re.M | re.I)
# A plan addressed to someone else: a pharmacist's or consultant's "RECOMMENDATIONS TO THE
# PRESCRIBER" advise the requesting physician; they are not the request.
_ADVICE = re.compile(r"\bTO\s+THE\s+(?:PRESCRIBER|PRESCRIBING|TREATING|REQUESTING|PRIMARY|"
                     r"PHYSICIAN|PTP|PROVIDER|DOCTOR)", re.I)
# A heading in capitals that names the plan: "TREATMENT PLAN / REQUEST FOR AUTHORIZATION"
# (a dated note may follow it: "PLAN / REQUEST FOR AUTHORIZATION (submitted 03/23/2021)")
# ("[PLAN / REQUESTED TREATMENT]": an EHR export's bracketed heading)
# (not a medication list's: "MEDS / ORDERS (active)" lists what is taken)
_MEDICATION_WORDS = r"\b(?:MEDS|MEDICATIONS?)\b"
_MEDICATION_LIST = re.compile(_MEDICATION_WORDS, re.I)
_CAPS_PLAN = re.compile(r"^[ \t]*" + _NUMBERED + r"(?![^\n]*" + _MEDICATION_WORDS + ")"
                        r"(?=[A-Z0-9 /&,()'\[\]-]{4,90}(?:\([^()\n]{1,40}\))?[ \t]*:?[ \t]*$)"
                        r"[^\n]*?\b"
                        r"(?:PLAN|REQUEST(?:ED|S)?|AUTHORI[SZ]ATION|RFA|RECOMMENDATIONS?|ORDERS|"
                        r"FUTURE MEDICAL)"
                        r"\b[^\n]*$", re.M)
# (a problem list's heading ends the plan of the problem above it: "#2 INSOMNIA")
_HEADING = re.compile(r"^[ \t]*(?:[A-Z][A-Z0-9 /&()'-]{2,60}:|(?:#[ \t]?\d{1,2}[ \t]+)?"
                      r"[A-Z][A-Z0-9 /&()'-]{3,60}[ \t]*$"
                      r"|[-=_]{10,}[ \t]*$)", re.M)  # a ruling line; a table's ruling has '|'

# List items: "1.", "(2)", "a)", "-", bullets, and ticked boxes "[x]" (an empty box "[ ]" is an
# option the physician did not tick: not a request).
# ("RFA.ITEM1: Tramadol 50 mg #60": an export's numbered fields)
# ("[1]", "#1": an EHR's numbered orders; not a problem list's heading "#2 INSOMNIA")
_LISTED = re.compile(r"^[ \t]*(?:[0-9lI]{1,2}[.)]|[-*\u2022]|\([a-z0-9]\)|[a-z][.)]|"
                     r"\[\d{1,2}\]|#[ \t]?\d{1,2}(?![\d/])(?![ \t]+[A-Z][A-Z0-9 /&,'()-]*$)|"
                     r"(?:[A-Z]{2,8}\.)?ITEM[ \t]*\d{1,2}[ \t]*:|"
                     # an EHR's labelled orders: "Req 1: ...", "Request #2 - ...", "Order 3:"
                     r"(?:Req(?:uest)?|Order|Rx)[ \t]*#?[ \t]*\d{1,2}[ \t]*[:.)-]|"
                     # ... or by an order number: "ORD 44120871 [Rx] Norco ...", "[ORD-1] ..."
                     r"ORD[ \t]*#?[ \t]*\d{2,12}(?:[ \t]+\[[A-Za-z][A-Za-z ]{1,20}\])?|"
                     r"\[ORD[ \t-]*\d{1,3}\]|"
                     r"\[[xX\u2713\u2714]\](?:[ \t]*\d{1,2}[.)])?|"  # ("[x] 1. PT ...")
                     r"\[[A-Za-z][A-Za-z ]{1,20}\])[ \t]*(?P<name>\S[^\n]*)$",
                     re.M)  # "[Rx]", "[Imaging]": an order list's kind of order
_UNTICKED = re.compile(r"^[ \t]*\[[ _]\]", re.M)
_TICKED = re.compile(r"^[ \t]*\[[xX\u2713\u2714]\]", re.M)
_BOXED_NUMBERED = re.compile(r"^[ \t]*\[[ _]\][ \t]*\d{1,2}[.)][ \t]*(?P<name>\S[^\n]*)$", re.M)
_REQUESTING = gated(r"\b(?:request(?:ing|ed|s)?(?: authori[sz]ation)?(?: (?:for|of))?|"
                         r"(?:asking|ask) for(?: authori[sz]ation (?:of|for))?|would like(?: to "
                         r"(?:request|order|obtain|start|try))?|"
                         r"authori[sz]ation (?:is requested )?(?:for|of)|recommend(?:ed|ing|s)?|"
                         # ("Please authorize gabapentin 300 mg", "kindly approve")
                         r"(?:please|kindly) (?:authori[sz]e|approve|certify)|"
                         r"prescrib(?:e|ed|ing)|refill(?: of)?|renew(?:ing|ed|s)?|"
                         # (not a job: "Occupation: order picker")
                         r"order(?:ed|ing)?(?!\s+(?:picker|selector|filler|puller|clerk|"
                         r"entry|processor|taker|packer|fulfil\w*))|will need|"
                         r"(?:will |to )?(?:start|begin|dispense)|trial of|"
                         # a drug continued with its quantity asks for more: "We will continue
                         # the Norco ... number one hundred twenty", "Continue Ambien #30"
                         r"(?:(?:we|I) will |will )?continue(?: with)?(?: the)?(?=\s[^.;]{0,90}?"
                         r"(?:#\s*\d|\bnumber\s+[a-z\d]|\bqty\b|\brefills?\b)))"
                         # (or closing its clause, the passive's: "Naproxen #60 is requested.")
                         r"(?:\s+|(?=[.;]|$))", re.I)
_NOT_A_REQUEST = re.compile(r"\bstatus:\s*(?:cancel\w*|active|discontinued|completed|declined|"
                            r"denied|on hold)\b|"
                            # ("IF unit": interferential, not a condition)
                            r"^(?:(?-i:if|If)|should|in case|consider|follow[- ]?up|return|"
                            r"continue (?:home|with home|hep)|"
                            r"(?:he|she|the patient|patient|pt) (?:will|is to|should|to) "
                            r"(?:continue|follow|return))\b|would consider|may (?:be )?consider"
                            r"|may refer|may be discussed"
                            # "Amitriptyline will be considered if ...", "Tramadol is not to
                            # be restarted", "Cyclobenzaprine remains discontinued"
                            r"|\b(?:will|would|may|might|could|can|to)\s+be\s+considered\b"
                            r"|\bnot\s+to\s+be\s+(?:restarted|resumed|refilled|renewed|"
                            r"continued|started|used)\b"
                            r"|\bremains?\s+(?:discontinued|stopped|on hold|off)\b"
                            # "I am NOT requesting more acupuncture", "no longer recommended"
                            r"|\b(?:not|no longer|never)\s+(?:being\s+|been\s+)?$|n't\s+$"
                            # a plan line saying so: "Physical therapy is not requested at this
                            # time"
                            r"|\b(?:is|are|was|were)\s+not\s+(?:being\s+)?(?:requested|"
                            r"recommended|indicated|needed|ordered)\b", re.I)
# A sentence about the request form itself: "The RFA for the above was signed and faxed ...".
_FORM_ITSELF = re.compile(r"\b(?:was|were|has been|have been|is being) (?:signed|faxed|sent|"
                          r"submitted|attached|enclosed|mailed)\b", re.I)


# A document's title below its letterhead: "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)
# AND REQUEST FOR AUTHORIZATION" names the report, and opens no plan
# A report's title line that names its request: "PROGRESS REPORT / REQUEST FOR AUTHORIZATION",
# "PSYCHOLOGICAL TREATMENT UPDATE AND REQUEST FOR ADDITIONAL SESSIONS" (its plan comes later)
_REPORT_TITLE = re.compile(r"\bPROGRESS\s+REPORT\b")
_TITLED_REQUEST = re.compile(r"^[ \t]*(?!PLAN\b|TREATMENT\s+PLAN\b)[^\n]*\b(?:UPDATE|REPORT|"
                             r"RE-?EVALUATION|EVALUATION|CONSULTATION|SUMMARY|LETTER)\b[^\n]{0,40}"
                             r"\bREQUESTS?\b")


def _report_title(text: str, at: int) -> bool:
    """Whether the capitals at `at` are the report's title: "PROGRESS REPORT", or a title
    near the top that names its request ("PSYCHOLOGICAL TREATMENT UPDATE AND REQUEST FOR
    ADDITIONAL SESSIONS"; not "PLAN - UPDATE 04/08/2025 / REQUEST FOR AUTHORIZATION")."""
    line = text[text.rfind("\n", 0, at) + 1:text.find("\n", at) % (len(text) + 1)]
    # (or the title's second line: "PRIMARY TREATING PSYCHOLOGIST'S PROGRESS REPORT (PR-2)" /
    # "AND REQUEST FOR AUTHORIZATION")
    return bool(_REPORT_TITLE.search(line) or at < 800 and (
        _TITLED_REQUEST.match(line) or re.match(r"[ \t]*(?:AND|&)[ \t]+REQUESTS?\b", line)))


# An appeal of a UR decision: each numbered item it appeals, with the decision under it ("1.
# Spinal cord stimulator trial, percutaneous, 2 leads" then "UR determination 12/30/2025:
# non-certified.")
_APPEALED = re.compile(r"^[ \t]*(?:\d{1,2}[.)]|ITEM[ \t]*\d{1,2}[ \t]*[:.)-])[ \t]*"
                       r"(?P<name>\S[^\n]*)\n[ \t]*(?:the[ \t]+)?(?:UR|utilization[ \t]+review)"
                       r"[^\n]{0,40}?\b(?:determination|decision|review)\b[^\n]{0,40}?"
                       r"\b(?:non-?certif\w*|not[ \t]+certified|denied|modified)", re.M | re.I)


# ... or each request under a heading of its own: "REQUEST 1 - Norco 10/325 mg, #120",
# "Item 2: Power wheelchair" (the heading's line is the request's name; what follows argues it)
HEADED_REQUEST = re.compile(r"^[ \t]*(?:request|item|service)[ \t]*"
                             r"(?:#|no\.?)?[ \t]*\d{1,2}[ \t]*[-:.)\u2013\u2014][ \t]*"
                             r"(?P<name>\S[^\n]{2,200})$"
                             # (not a review's item, its decision under it: "Request 1: ...
                             # Determination: CERTIFIED")
                             r"(?![ \t]*\n[ \t]*(?:determination|decision|outcome|action|"
                             r"ur (?:decision|determination))\b)", re.M | re.I)


# What UR did to a request, as an appeal says it: the verb ("non-certified", "authorized") and
# the noun ("the denial of", "the modification of"); one list for each pattern below.
_DECIDED_VERB = r"(?:non-?certified|denied|certified|modified|approved|authori[sz]ed)"
_DECISION_NOUN = r"(?:denial|non-?certification|modification)"

# ... or each numbered with its decision after a dash on its line, as an appeal lists them:
# "1. HYDROCODONE/APAP (NORCO) 10/325 MG #120 - modified by UR to #60 for weaning"
_DECIDED_LINE = re.compile(r"^[ \t]*\d{1,2}[.)][ \t]*(?P<name>\S[^\n]*?)[ \t]+[-\u2013\u2014][ \t]*"
                           r"(?:not certified|partially certified|" + _DECIDED_VERB +
                           r")\b[^\n]*$", re.M | re.I)


# ... or named in the letter's sentences, as a physician's appeal tells what UR decided: "I am
# appealing the denial of acupuncture ... and the denial of the purchase of a TENS unit", "you
# non-certified the cognitive behavioral therapy and the increase in duloxetine", "The
# gabapentin 300 mg #90 on the same request was certified"
_APPEAL_WORDS = re.compile(r"\b(?:appeal\w*|reconsider\w*)\b", re.I)
_DECISION_OF = re.compile(
    r"\b(?:" + _DECISION_NOUN + r"s?\s+of|(?:you|the reviewer|your reviewer|UR|utilization "
    r"review|the review)\s+(?:has\s+|have\s+|also\s+)?" + _DECIDED_VERB +
    r")\s+(?P<list>[^.;:!?]{3,240})", re.I)
_DECIDED_SUBJECT = re.compile(
    r"(?:^|(?<=[.!?])\s+)(?:the\s+)?(?P<list>[A-Za-z][^.;:!?]{2,160}?)\s+(?:was|were)\s+"
    r"(?:also\s+|both\s+)?" + _DECIDED_VERB + r"\b", re.I | re.M)
# where a decided service's name ends: what is told of it after ("both requested on my RFA",
# "which your reviewer certified", "to #60")
_DECIDED_END = re.compile(r",?\s+(?:both|all|which|that|who|as|requested|on (?:my|the|your)|"
                          r"from|in (?:my|the|your)|dated|to #|to \d|because|for the purpose|"
                          r"by (?:UR|the|your)|on the same)\b", re.I)
# an object that names no service but points to them ("both items below", "all three", "the
# other two items", "it"): the services are listed elsewhere
_REFERRED_ITEMS = re.compile(r"(?:both|all|each|either|the (?:two|three|four|other|remaining)|"
                             r"items?|requests?|services?|those|these|them|it|I|he|she|"
                             r"the (?:items?|requests?|services?))\b", re.I)
_DENIAL_OF = re.compile(r"^(?:the\s+)?" + _DECISION_NOUN + r"\s+of\s+(?:the\s+)?", re.I)


def _appealed_in_sentences(text: str, end: int) -> list[tuple[str, int]]:
    """The services an appeal's sentences say UR decided, in the words before `end` (the
    physician's): each decision's object, split at 'and' and commas."""
    out: list[tuple[str, int]] = []
    for pattern in (_DECISION_OF, _DECIDED_SUBJECT):
        for found in pattern.finditer(text, 0, end):
            told = found.group("list")
            if cut := _DECIDED_END.search(told):
                told = told[:cut.start()]
            for name, at in _objects(told, found.start("list")):
                name = _DENIAL_OF.sub("", name)
                if name and not _REFERRED_ITEMS.match(name) and \
                        not any(at == seen for _, seen in out):
                    out.append((name, at))
    return sorted(out, key=lambda found: found[1])


def _appealed_items(text: str, reviewed: int) -> list[tuple[str, int]]:
    """The items an appeal lists one by one: numbered with the decision under each, under
    headings of their own, or numbered with the decision after a dash (the last two in the
    physician's words, before `reviewed`: a reviewer's notice after an appeal heads the items
    it decides the same way, "Request 1: ... Determination: CERTIFIED")."""
    def named(found: Iterable[re.Match[str]]) -> list[tuple[str, int]]:
        return [(m.group("name"), m.start("name")) for m in found if m.start() < reviewed]
    return [(m.group("name"), m.start("name")) for m in _APPEALED.finditer(text)] or \
        named(HEADED_REQUEST.finditer(text)) or named(_DECIDED_LINE.finditer(text))


def _progress_report(text: str, cleaned: Cleaned | None = None):
    items: list[Item] = []
    reviewed = _reviewer_line(text, 0, len(text))
    appealed = _appealed_items(text, reviewed)
    if appealed:
        # what an appeal asks for is what it appeals, item by item
        _add_items(items, appealed, asked=True, text=text)
        return (0, len(text)), items
    # A document's title ("PROGRESS REPORT / REQUEST FOR AUTHORIZATION") opens no plan.
    title = _title_end(text)
    starts = sorted({m.end() for m in _PLAN.finditer(text)
                     if m.start() >= title and not _ADVICE.search(m.group())
                     and not _MEDICATION_LIST.search(m.group())} |
                    {m.end() for m in _CAPS_PLAN.finditer(text)
                     if m.start() >= title and not _ADVICE.search(m.group())
                     and not _report_title(text, m.start())} |
                    # an RFA form's table opens with its header row, headed or not, and
                    # its labelled fields with the first service field
                    {m.start() for m in _RFA_HEADER.finditer(text)} |
                    set(_first_service_field(text)) |
                    # (an EHR's plan by problem, headed "Treatment" below the assessments)
                    {m.end() for m in _TREATMENT_HEADING.finditer(text)
                     if _ASSESSMENTS_ABOVE.search(text, 0, m.start())})
    tabled: list[Item] = []  # the rows of the RFA's table of services
    listed = False  # whether a plan lists its requests (not only asks in sentences)
    # (what UR decided, logged after the plan, is no request: its action is the request's)
    logged = authorizations.results(text, starts[0]) if starts else []
    for start, table, lines, found in _ordered_first(text, [
            (start, *_plan_lines(text, cleaned, start, logged)) for start in starts]):
        listed = listed or found
        # a list headed as the request ("Requests for authorization:", "RFA:") asks for the
        # visits it lists too ("Follow-up office visit in 4 weeks")
        heading = text[text.rfind("\n", 0, start - 1) + 1:start]
        _add_items(tabled if table else items, lines,
                   asked=bool(table or _ASKED_LABEL.search(heading)), text=text)
    tabled, items = authorizations.decide(tabled, logged), authorizations.decide(items, logged)
    if tabled:
        # The form asks for what its table lists: the attached report's plan tells the same
        # requests again, with what it continues, stops or only considers.
        return (0, len(text)), tabled
    if not listed and _APPEAL_WORDS.search(text, 0, reviewed) and \
            (told := _appealed_in_sentences(text, reviewed)):
        # an appeal that lists nothing: what its sentences say UR decided, not what they
        # happen to ask ("I ask that the full 12 visits be authorized now")
        items = []
        _add_items(items, told, asked=True, text=text)
    if not items:
        # no plan section (a one-paragraph note, a dictated letter): what its sentences ask for
        _add_items(items, _spoken(text, 0, len(text))
                   or _requested_in_sentences(text, 0, len(text)))
        items = authorizations.decide(items, logged)
    return (0, len(text)), items


def _plan_lines(text: str, cleaned: Cleaned | None, start: int,
                logged: list[authorizations.Result]) -> tuple[bool, list[tuple[str, int]], bool]:
    """What the plan section at `start` asks for: whether its lines are a table's rows, the
    lines, and whether it lists them (not only asks in sentences). A UR's log is no table of
    requests: its lines say what was decided."""
    end = _HEADING.search(text, start)
    stop = min(end.start() if end else len(text), _next_section(text, start))
    # the rows of an RFA's table of services are each asked for, a visit included
    table = [row for row in (_table_column(text, start, stop) or
                             _aligned_column(cleaned, start, stop) or _form_fields(text, start))
             if not any(r.start <= row[1] < r.end for r in logged)]
    lines = (table or _problem_orders(text, start, stop) or _listed(text, start, stop)
             or _enumerated(text, start, stop) or _spoken(text, start, stop)
             or _orders(text, start, stop))
    return bool(table), lines or _requested_in_sentences(text, start, stop) \
        or _plan_statements(text, start, stop), bool(lines)


def _ordered_first(text: str, read: list[tuple]) -> list[tuple]:
    """The plan sections as read, an "Assessment and Plan" list of problems dropped when an
    order list inside it names what is asked for ("1. Post laminectomy syndrome (M96.1)
    ... Orders this visit: oxyCODONE 10 mg tablet ...")."""
    kept = []
    for n, (start, table, lines, found) in enumerate(read):
        heading = text[text.rfind("\n", 0, start - 1) + 1:start]
        later = [r for r in read[n + 1:] if r[3] and any(at < r[0] for _, at in lines)]
        if _ASSESSED.search(heading) and later and not table:
            lines = [(name, at) for name, at in lines if at > later[0][0]]
        kept.append((start, table, lines, found and bool(lines)))
    return kept


_ASSESSED = re.compile(r"\bassessment|\bA/P\b|\bimpression", re.I)


def _next_section(text: str, start: int) -> int:
    """Where the section after a numbered plan heading begins: "6. ITEMS ON THE RFA" ends at
    "7. WORK STATUS" (numbered items in capitals inside the plan do not end it)."""
    line = text[text.rfind("\n", 0, start) + 1:start]
    number = re.match(r"[ \t]*(\d{1,2})[.)]", line)
    if not number:
        return len(text)
    following = re.compile(rf"^[ \t]*{int(number.group(1)) + 1}[.)][ \t]*[A-Z][A-Z0-9 /&,()'-]"
                           r"{3,80}:?[ \t]*$", re.M).search(text, start)
    return following.start() if following else len(text)


# "Physical therapy - 6 additional visits (2x3), R knee" keeps its terms; "Hand therapy x4 -
# scar management, return to typing" loses the explanation.
# what the part of a plan line after its dash says of the request: its quantity, or its kind
# ("TENS unit - 30-day home trial (rental)", "Cervical MRI - repeat, compare with 09/06/2019")
_TERMS = re.compile(r"\d\s*(?:x|visits?|sessions?|#|times|/\s*w)|#\s*\d|\bqty\b|"
                    # (the kind opening the part: not "hold pending repeat UDS")
                    r"^[ \t]*(?:\d{1,3}[- ]?days?[ \t]+)?(?:home[ \t]+)?"
                    r"(?:rental|rent|purchase|trial|repeat)\b", re.I)


def _core(name: str) -> str:
    parts = re.split(r"\s+-\s+|;", name)
    keep = parts[:1] + [p for p in parts[1:2] if _TERMS.search(p)]
    return " - ".join(keep).strip(" .,")


_INLINE_ITEM = re.compile(r"\((\d{1,2})\)\s*")


def _enumerated(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """Items enumerated inline: "Requests. (1) L4-5 decompression ... (2) LSO, purchase."
    (each up to the next number or the end of its sentence)."""
    marks = list(_INLINE_ITEM.finditer(text, start, end))
    if len(marks) < 2 or marks[0].group(1) != "1":
        return []
    out = []
    line_end = text.find("\n", marks[-1].end()) % (len(text) + 1)
    if "\n" not in text[marks[0].start():marks[-1].start()] and \
            not text[line_end + 1:line_end + 2].islower() and \
            not _CUT.search(text, marks[-1].end(), line_end):
        # (a list told on one line ends with it, unless its last item wraps: "Requests of
        # 08/29/2019: (1) ...; (3) CBT, 6 sessions" over the letter's salutation)
        end = min(end, line_end)
    for n, mark in enumerate(marks):
        stop = marks[n + 1].start() if n + 1 < len(marks) else end
        body = text[mark.end():stop]
        body = body[:m.end()] if (m := re.search(r"\.(?=\s+[A-Z]|\s*$)", body)) else body
        out.append((" ".join(body.split()).strip(" .;"), mark.end()))
    return out


# A dictated list: "so my plan is as follows. Number one, MRI of the right shoulder. Number two,
# physical therapy ..."
_SPOKEN = re.compile(r"\b(?:number|item|no\.)[ \t]+(one|two|three|four|five|six|seven|eight|"
                     r"nine|ten|\d{1,2})\b[ \t]*[,:.\-]?[ \t]*", re.I)
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _spoken(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """Items enumerated in words, in order from one (each up to the next number or the end
    of its sentence); nothing unless there are two."""
    run: list[re.Match[str]] = []
    for mark in _SPOKEN.finditer(text, start, end):
        said = mark.group(1).lower()
        number = int(said) if said.isdigit() else _NUMBER_WORDS.index(said) + 1
        if number == len(run) + 1:
            run.append(mark)
    if len(run) < 2:
        return []
    out = []
    for n, mark in enumerate(run):
        body = text[mark.end():run[n + 1].start() if n + 1 < len(run) else end]
        body = body[:m.end()] if (m := re.search(r"\.(?=\s+[A-Z]|\s*$)", body)) else body
        out.append((" ".join(body.split()).strip(" .;,"), mark.end()))
    return out


# A plan statement about something other than a service: "Discussed the risks", "He is to
# keep working", "We will discuss purchase", "Recheck in 3 weeks".
_NOT_ORDERED = re.compile(r"^(?:discuss\w*|review\w*|explain\w*|counsel\w*|educat\w*|advis\w*|"
                          r"he|she|they|we|i|patient|pt|the patient|recheck|re-?evaluat\w*|"
                          r"follow|f/u|return|rtc|work|modified|full|regular|off work|"
                          r"no\b|not\b|if|when|unless|should|may|might|could|would)\b", re.I)


def _plan_statements(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """A plan written as statements without a request cue ("Plan: Chiropractic manipulation
    trial 2x3 weeks. Home TENS trial for 30 days."): each short statement that opens with
    what is ordered, not with who does what."""
    out = []
    for clause in re.finditer(r"(?:[^.;\n]|\.(?=\d)|\n(?![ \t]*\n))+", text[start:end]):
        body = " ".join(clause.group().split())
        if 3 <= len(body) <= 200 and not _NOT_ORDERED.match(body):
            out.append((body, start + clause.start() + (len(clause.group())
                                                        - len(clause.group().lstrip()))))
    return out


def _title_end(text: str, lines: int = 2) -> int:
    """Where the document's first `lines` lines (two: its title) end."""
    ends = [m.end() for m in re.finditer(r"[^\n]*\S[^\n]*", text[:2000])][:lines]
    return ends[-1] if ends else 0


def _add_items(items: list[Item], lines: list[tuple[str, int]], asked: bool = False,
               text: str = "") -> None:
    """`asked`: every line is asked for (a table of requested services)."""
    for n, (name, at) in enumerate(lines):
        if text and n + 1 < len(lines) and _problem_over_request(text, name, at, *lines[n + 1]):
            continue
        label = _ITEM_LABEL.match(name)
        if label:
            name, at = name[label.end():], at + label.end()
        # a line of several statements keeps those that order something: "RTC 1 wk. If not
        # improving by 4-6 wks, consider MRI" orders no MRI; a line labelled as asked for
        # ("RFA: follow-up visit in 4 wks") asks for its visit
        name, at = _ordering(_core(name), at,
                             asked or bool(label and _ASKED_LABEL.match(label.group())))
        if name and not _continued(name) and \
                not any(i.name_span[0] == at for i in items):
            items.append(Item(name, (at, at + len(name)), None, None, None, None))


def _problem_over_request(text: str, name: str, at: int, below: str, below_at: int) -> bool:
    """A problem whose request is the sub-item under it ("1. Cervical radiculopathy, concordant
    with MRI." then "   - Request: C6-7 ESI"): the problem line asks for nothing."""
    def marker(pos: int) -> str:
        return text[text.rfind("\n", 0, pos) + 1:pos]
    label = _ITEM_LABEL.match(below)
    own, sub = marker(at).strip(), marker(below_at).strip()
    # (cleaning drops the indentation: a bullet under a numbered line is its sub-item)
    return bool(label and _ASKED_LABEL.match(label.group())) and not _ITEM_LABEL.match(name) \
        and sub[:1] in ("-", "*", "\u2022") and own[:1] not in ("-", "*", "\u2022")


def _ordering(name: str, at: int, asked: bool = False) -> tuple[str, int]:
    """The statements of a plan line that order something, and where they start; `asked`:
    the line is labelled as a request, so a visit it names is asked for."""
    kept: list[str] = []
    start: int | None = None
    for part in re.finditer(r"(?:[^.]|\.(?![\"\u201d']?\s+[A-Z]))+", name):
        said = part.group().strip()
        if kept and _NARRATED.match(said.lstrip("\"\u201d' ")):
            continue  # "pregabalin 75 mg #60. She has never taken pregabalin.": what is told
        if said.strip(" .") and not (_NOT_A_REQUEST.search(said) and not (
                asked and _VISIT_ASKED.match(said))) and not _DONE.match(said):
            kept.append(part.group().strip(" ."))
            start = at + part.start() + len(part.group()) - len(part.group().lstrip()) \
                if start is None else start
    return ". ".join(kept), at if start is None else start


# A statement after an order that tells of the worker or of the past, not an order: "She has
# never taken pregabalin", "She takes no opioid and none is planned", "Gabapentin was stopped"
_NARRATED = re.compile(r"(?:she|he|they|the (?:patient|worker|employee|claimant)|patient|pt)\b"
                       r"|[\w/-]+(?:\s+[\w/-]+){0,3}\s+(?:was|were|has been|had been)\s+"
                       r"(?:stopped|started|discontinued|tried|given|done|performed|denied|"
                       r"approved|certified)\b", re.I)


# What a line labelled "RFA:" or "Request:" asks for even where a plan line would only
# schedule it: "RFA: follow-up visit (99214) in 4 wks".
_ASKED_LABEL = re.compile(r"(?:request|rfa|authori)", re.I)
_VISIT_ASKED = re.compile(r"(?:follow[- ]?up|return)\b(?![^.]*\b(?:if|as needed|prn)\b)", re.I)
# A plan line telling what was done with something at the visit, not ordering it: "HEP
# reviewed; continue", "MRI discussed with the patient", "Risks explained".
_DONE = re.compile(r"^[\w/'-]+(?:\s+[\w/'-]+){0,3}\s+(?:was\s+|were\s+)?(?:reviewed|discussed|"
                   r"explained|declined|refused)\b", re.I)
# "Request authorization: X", "RFA: X", "Medications: X" on a plan line: the label is not the
# service's name.
# ("RFA bilateral L4-5, L5-S1 facets" without a colon names a radiofrequency ablation)
_ITEM_LABEL = re.compile(r"(?:(?:request(?:ed|ing)?(?: authori[sz]ation)?(?: for)?|"
                         r"authori[sz]ation(?: requested)?(?: for)?)\s*[:\-]?|rfa\s*[:\-]|"
                         r"(?:medications?|meds|rx|orders?|plan|referrals?|imaging|labs?|dme|"
                         r"procedures?)\s*:)"
                         r"\s*", re.I)  # not "Physical therapy: 2x6", whose label is the service
# "Continue naproxen and home exercises" carries on what the worker has; with a quantity or a
# refill ("Continue Norco 10/325 #90") it asks for more and is a request.
_CONTINUE = re.compile(r"^(?:continue|continuing|cont\.?)\b", re.I)
# (a course continued for a number of visits asks for them: "Continue physical therapy 2x/week
# for 4 weeks (8 additional visits)")
_ASKS_FOR_MORE = re.compile(r"#\s*\d|\b(?:qty|quantity|refills?|dispense|disp)\b|"
                            # (as dictated: "number thirty", "number one hundred twenty")
                            r"\bnumber\s+(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|"
                            r"ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety)\b)|"
                            r"\b\d{1,2}\s*(?:additional |more |further )?(?:visits?|sessions?|"
                            r"treatments?)\b|\b\d\s*x\s*/?\s*(?:week|wk)|\b\d\s*x\s*\d\b|"
                            r"\b\d+\s*(?:g|gm|grams?)\b", re.I)  # (a tube: "cream, 120 g")


def _continued(name: str) -> bool:
    """A plan line that carries on or stops what the worker has, asking for nothing: "Continue
    naproxen", "Acetaminophen to continue", "naproxen 500 mg BID -- continue", "Hydrocodone/APAP
    -- DISCONTINUE, taper over 2 weeks" (with a quantity or a refill it asks for more)."""
    if _STOPPED_LINE.search(name):
        return True
    return bool(_CONTINUE.match(name) or _CONTINUE_AFTER.search(name)) and \
        not _ASKS_FOR_MORE.search(name)


# what the line says after the drug: "-- continue", "to continue", "-- discontinue", "stop"
# (ending its line: not "-- continued care with documented improvement", nor "to continue
# the exercise program after discharge", a purpose)
_CONTINUE_AFTER = re.compile(r"(?:\s--?\s*|\bto\s+|,\s*)(?:continue|continued|unchanged|"
                             r"no change)[ \t]*(?:[.;(]|$)", re.I)
_STOPPED_LINE = re.compile(r"(?:\s--?\s*|\bto\s+(?:be\s+)?|,\s*|^)(?:discontinue[ds]?|d/c|"
                           r"stop(?:ped)?|hold|held)\b"
                           r"(?![^.;]{0,40}\b(?:start|begin|initiate|switch|replace)\b)", re.I)


# The first item written on the plan's label line: "P: 1. Cyclobenzaprine 5 mg ..."
_INLINE_FIRST = re.compile(r"[ \t]*(?:1[.)]|[-*\u2022])[ \t]*(?P<name>\S[^\n]*)")
# Items lettered in capitals, "A." then "B." (a SOAP note's "S:", "O:", "A:", "P:" are not)
_LETTERED = re.compile(r"^[ \t]*([A-H])[.)][ \t]+(?P<name>\S[^\n]*)$", re.M)


def _listed(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """The plan's list items, each with the wrapped lines that continue it (a line that is
    not itself an item and follows an item cut mid-phrase or starts in lower case)."""
    out: list[tuple[str, int]] = []
    found_items = list(_LISTED.finditer(text, start, end))
    if (inline := _INLINE_FIRST.match(text, start, end)) and found_items and \
            not text[start:found_items[0].start()].strip(" \t\n").count("\n"):
        found_items.insert(0, inline)  # "P: 1. Cyclobenzaprine ..." then "   2. ..."
    boxed = list(_BOXED_NUMBERED.finditer(text, start, end))
    if len(boxed) >= 2 and not _TICKED.search(text, start, end):
        # a numbered list whose boxes no one ticked ("[ ] 1. PT L knee ... [ ] 2. Front-wheeled
        # walker"): boxes that choose nothing, the numbers list the requests
        found_items = sorted([*found_items, *boxed], key=lambda f: f.start())
    lettered = list(_LETTERED.finditer(text, start, end))
    if not found_items and len(lettered) >= 2 and \
            "".join(m.group(1) for m in lettered) == "ABCDEFGH"[:len(lettered)]:
        found_items = lettered
    for found in found_items:
        name, stop = found.group("name"), found.end("name")
        if not name.strip("-=_*+ "):
            continue  # a ruling line ("- - - - -"), not a dash-bulleted item
        for line in re.finditer(r"\n([^\n]+)", text[stop:end]):
            nxt = line.group(1)
            if _LISTED.match(nxt) or _LETTERED.match(nxt) or _UNTICKED.match(nxt) or \
                    not (nxt[:1].islower() or _CUT.search(name)):
                break
            name += " " + nxt
        out.append((name, found.start("name")))
    return out


_CUT = re.compile(r"(?:,|\b(?:and|or|with|of|for|to|the|a|an|x|per|at))\s*$", re.I)


def _orders(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """An EHR's orders under a heading that names them ("Orders this visit:", "Orders Placed
    This Encounter"), one to a line with no list marker: the lines that give what an order
    gives (a dose, a quantity, a count, an order or procedure code), not the sub-headings
    ("Medications") nor the notes between ("RFA for oxycodone #120 ... sent 4/9/2024")."""
    heading = text[text.rfind("\n", 0, start - 1) + 1:start]
    if not _ORDERS_HEADING.search(heading):
        return []
    return [(line.group(1).strip(), line.start(1)) for line in _ORDER_ROW.finditer(text, start, end)
            if _ORDER_TERMS.search(line.group(1)) and not _ORDER_NOTE.match(line.group(1))]


def _problem_orders(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """A plan by problem ("1. Impingement syndrome of right shoulder" then "Imaging: MRI
    shoulder ...", "Procedure: Subacromial injection ...", "Refill Meloxicam 15 MG ..."): the
    orders under each numbered problem, not the problems."""
    problems = list(_NUMBERED_LINE.finditer(text, start, end))
    if not problems or not all(_ORDER_LINE.match(text, p.end() + 1, end) for p in problems):
        return []  # (every problem has its orders under it: else the numbers list the orders)
    return [(line.group("order"), line.start("order"))
            for line in _ORDER_LINE.finditer(text, start, end)]


_NUMBERED_LINE = re.compile(r"^[ \t]*\d{1,2}[.)][ \t]+[^\n]+$", re.M)
_ORDER_LINE = re.compile(r"^[ \t]*(?:(?:imaging|procedures?|labs?|referrals?|rx|medications?|dme|"
                         r"therapy|injections?|surgery|orders?)[ \t]*:[ \t]*|(?=(?:refill|start|"
                         r"begin|order|prescribe)\b))(?P<order>\S[^\n]*)$", re.I | re.M)
_TREATMENT_HEADING = re.compile(r"^[ \t]*Treatment[ \t]*$", re.M)
_ASSESSMENTS_ABOVE = re.compile(r"^[ \t]*(?:Assessments?|Impressions?)[ \t]*:?[ \t]*$", re.I | re.M)
_ORDER_ROW = re.compile(r"\n([^\n]+)")
_ORDERS_HEADING = re.compile(r"^[ \t]*orders?\b", re.I)  # (not a plan's: "PLAN / ORDERS")
_ORDER_TERMS = re.compile(r"\d\s*(?:mg|mcg|%|ml)\b|#\s*\d|\b(?:dispense|disp|qty|quantity)\b|"
                          r"\[[A-Z]{2,}\d+\]|\b(?:CPT|HCPCS)\b|\bx\s*\d|\d\s*(?:visits?|sessions?)\b",
                          re.I)
_ORDER_NOTE = re.compile(r"[ \t]*(?:RFA|request for authori[sz]ation|discussed|counsel\w*|"
                         r"reviewed|pt|patient)\b", re.I)


_COLUMN = re.compile(r"service|request|treatment|procedure|description|item|drug|medication",
                     re.I)


# A table header that goes on for a line or two before the ruling under it.
_RULED_HEADER = re.compile(r"(?:\n[^\n]*){0,2}?\n[ \t]*[+|][-=+| ]{8,}[ \t]*(?=\n)")


def _table_column(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """An RFA table written as text: from the cell under the column headed 'Service' (or
    'Request', 'Treatment'...) to the end of its row, so the quantity and frequency columns
    go with it; a row whose first cells are empty continues the row above."""
    out: list[tuple[str, int]] = []
    column, skip_to = None, 0
    for line in re.finditer(r"[^\n]+", text[start:end]):
        cells = line.group().split("|")
        if column is None:
            # (a header names its columns: "Service: Cold therapy unit | CPT: E0218" is a row
            # of labelled fields, `_form_fields`)
            column = next((n for n, h in enumerate(cells)
                           if len(cells) > 1 and _COLUMN.search(h)
                           and not _FILLED.search(h)), None)
            if column is not None:
                ruled = _RULED_HEADER.match(text, start + line.end())
                skip_to = ruled.end() - start if ruled else 0  # a header on several lines
            continue
        if line.start() < skip_to:
            continue
        if len(cells) <= column:
            break  # the table has ended
        row = "|".join(cells[column:])
        stripped = row.strip(" |")
        if not stripped.strip("-=+:| "):
            continue  # an empty or ruling row
        if out and not "".join(cells[:column] if column else cells[:1]).strip():
            name, at = out[-1]  # the row above goes on (no number, or no service, before)
            out[-1] = (name + " " + stripped, at)
            continue
        at = start + line.start() + sum(len(c) + 1 for c in cells[:column])
        out.append((stripped, at + row.index(stripped)))
    return out


_CELL = re.compile(r"\S+(?: \S+)*")  # a cell of a table aligned with spaces: words 1 space apart


def _aligned_column(cleaned: Cleaned | None, start: int, end: int) -> list[tuple[str, int]]:
    """An RFA table aligned with spaces instead of ruled with '|', read in the letter as it
    came (cleaning collapses the spaces that align it): see `_aligned_rows`."""
    if cleaned is None or not cleaned.original or start >= end:
        return []
    first, last = cleaned.span(start, end)
    # (from the start of its line: cleaning drops a line's indentation, and a header read
    # without it puts the service column where the rows' numbers stand)
    first = cleaned.original.rfind("\n", 0, first) + 1
    return [(name, cleaned.index(at)) for name, at in _aligned_rows(cleaned.original, first,
                                                                     last)]


_FILLED = re.compile(r":[ \t]*\S")  # a labelled field with its value

# An RFA's services written as labelled fields, one a line ("Service/Good Requested: Biofeedback"
# then "Other Information: 4 sessions over 2 weeks") or as the cells of a row ("2) Dx: ... |
# Service: Cold therapy unit | CPT: E0218 | Other: 7-day rental")
_SERVICE_FIELD = re.compile(
    r"(?:^|\|)[ \t]*(?:\d{1,2}[.)][ \t]*)?(?:Service(?:/Good)?(?:[ \t]+Requested)?|"
    r"Requested[ \t]+(?:Service|Treatment)|Treatment[ \t]+Requested|Good[ \t]+Requested)"
    r"(?:[ \t]*\([^)\n]{0,20}\))?[ \t]*:[ \t]*(?P<name>[^|\n]*[^|\s])", re.M | re.I)
_TERMS_FIELD = re.compile(
    r"(?:^|\||\s)[ \t]*(?:Other(?:[ \t]+Info(?:rmation)?)?|Frequency|Duration|Quantity|Qty|"
    r"Frequency/Duration|Units?)[^:|\n]{0,40}:[ \t]*(?P<value>[^|\n]*[^|\s])", re.M | re.I)


_CODED = re.compile(r"\b(?:ICD|CPT|HCPCS)\b")
_FORM_REACH = 3000  # how far on from its heading an RFA's fields are looked for


def _first_service_field(text: str) -> list[int]:
    """Where an RFA's services written as labelled fields begin (none if it has none)."""
    return [h.start() for h in _SERVICE_FIELD.finditer(text)
            if _CODED.search(text, max(0, h.start() - 200), h.end() + 200)][:1]


def _form_fields(text: str, start: int) -> list[tuple[str, int]]:
    """Each service of an RFA written as labelled fields, with the quantity fields told
    after it up to the next service (at most a few lines on). The fields run past what looks
    like headings ("ICD-10: F43.23"); a service field counts among the form's codes only
    ("Service: Neurology" heading a report is none)."""
    end = min(len(text), start + _FORM_REACH)
    hits = [h for h in _SERVICE_FIELD.finditer(text, start, end)
            if _CODED.search(text, max(0, h.start() - 200), h.end() + 200)]
    out = []
    for n, hit in enumerate(hits):
        stop = hits[n + 1].start() if n + 1 < len(hits) else min(end, hit.end() + 300)
        terms = [m.group("value") for m in _TERMS_FIELD.finditer(text, hit.end(), stop)]
        out.append((" | ".join([hit.group("name"), *terms]), hit.start("name")))
    return out


# The header row of an RFA's table of services: a service column beside the form's other
# columns ("Diagnosis", "ICD-10", "CPT/HCPCS", "Other information"), ruled with '|', tabs or
# spaces.
_RFA_HEADER = re.compile(
    r"^(?=[^\n]*\b(?:service|treatment|procedure)s?\b)(?=[^\n]*\b(?:ICD|CPT|HCPCS)\b)"
    r"(?=[^\n]*(?:\bdiagnos[ie]s\b|\bother information\b|\bfrequency\b))[^\n]*$",
    re.M | re.I)


def _tabbed_rows(text: str, start: int, end: int) -> list[tuple[str, int]] | None:
    """A table whose cells are separated by tabs (an export, a pasted spreadsheet): None when
    the first line is not such a header; else each row from its cell in the service column to
    the end of the row, its cells joined as a ruled table's are."""
    lines = list(re.finditer(r"[^\n]*\n?", text[start:end]))
    if not lines or lines[0].group().count("\t") < 2:
        return None
    header = re.split(r"\t+", lines[0].group().strip())
    column = next((n for n, h in enumerate(header) if _COLUMN.search(h)), None)
    if column is None or len(header) < 3:
        return None
    out: list[tuple[str, int]] = []
    for line in lines[1:]:
        body = line.group().rstrip("\n")
        if not body.strip():
            if out:
                break
            continue
        cells = re.split(r"(\t+)", body)  # (cells and their separators, to find the offset)
        values = cells[::2]
        if len(values) <= column or "\t" not in body:
            break
        offset = sum(len(c) for c in cells[:2 * column])
        name = " | ".join(v.strip() for v in values[column:] if v.strip())
        if name:
            out.append((name, start + line.start() + offset))
    return out


def _aligned_rows(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """The header is a line of three or more cells two or more spaces apart, one of them the
    service column; each row from its cell under that column to the end of the row (as
    `_table_column`), a row with nothing before the column continues the row above. The
    table ends at a blank line after its rows or at a line with no cell where the column is
    ("Signature: ...")."""
    out: list[tuple[str, int]] = []
    column, column_first = None, False
    for line in re.finditer(r"[^\n]*\n?", text[start:end]):
        body = line.group().rstrip("\n")
        if column is None:
            if "\t" in body and (tabbed := _tabbed_rows(text, start + line.start(), end)):
                return tabbed
            column = _header_column(body)
            column_first = column is not None and not body[:column].strip()
            continue
        if not body.strip():
            if out:
                break
            continue
        cell = _cell_at(body, column)
        if cell is None:
            first = _CELL.search(body)
            if not out or (first and ":" in first.group()):
                break  # "Requesting Physician Signature: ..." ends the table
            # a row's other cells wrapped onto the next line ("low back pain ... #21"):
            # what lies past the service column goes with the row above
            if rest := " ".join(body[column:].split()):
                out[-1] = (out[-1][0] + " " + rest, out[-1][1])
            continue
        name = " ".join(body[cell:].split())
        # (where the service is the first column, nothing stands before any row: a row with
        # cells of its own is a row, "Wrist splint, neutral, bilateral  G56.01  L3908 x2  2")
        if out and not body[:cell].strip() and not (
                column_first and len(_CELL.findall(body)) >= 2):
            out[-1] = (out[-1][0] + " " + name, out[-1][1])
        else:
            out.append((name, start + line.start() + cell))
    return out


def _header_column(line: str) -> int | None:
    """Where the service column starts, if the line is a table's header: three or more short
    labels ("Service/Good Requested", "CPT/HCPCS"), not a row of an order list whose text
    happens to say "treatment" ("[Referral]  Physical therapy evaluation and treatment")."""
    cells = list(_CELL.finditer(line))
    # (a label's words, not its slashes: "Frequency / Duration / Quantity" is three)
    if len(cells) < 3 or any(len([w for w in c.group().split() if w not in "/&-"]) > 4
                             for c in cells) or \
            sum(any(ch.isdigit() for ch in c.group()) for c in cells) > 1:
        return None
    return next((c.start() for c in cells if _COLUMN.search(c.group())), None)


def _cell_at(row: str, column: int) -> int | None:
    """Where a cell starts within a few characters of the header's column: a word after two
    spaces or at the line's start (hand-aligned rows drift by a character or two)."""
    for at in sorted(range(max(0, column - 3), min(len(row), column + 4)),
                     key=lambda a: abs(a - column)):
        if row[at] != " " and (at == 0 or row[max(0, at - 2):at] == "  "):
            return at
    return None


# Where what is asked for ends: its purpose or reason ("an MRI of the right knee to see
# whether the meniscus is torn"), a condition, or the next plan statement.
_PURPOSE = re.compile(r"\s+(?:to (?:see|evaluate|assess|rule|look|determine|confirm|check|"
                      r"help|reduce|improve|address|allow|facilitate)|in order to|so that|"
                      r"because|given|since|as (?:she|he|the)|which|who|if|unless|pending|"
                      r"for (?:evaluation|further|possible|consideration))\b|,\s+(?:modified|"
                      r"full|regular) duty|,\s+(?:return|follow|rtc)\b", re.I)


# "Request for Authorization" as the form's name ("... and Request for Authorization", "RFA
# submitted"), not as asking for a service.
_FORM_NAME = re.compile(r"authori[sz]ation\b(?!\s+(?:for|of)\b)", re.I)


_ONLY_MODIFIERS = re.compile(r"\s*(?:(?:a|an|the|initial|another|new|second|short|brief|"
                             r"further|repeat|limited|one|1|medication|therapeutic|diagnostic)"
                             r"\s+)*", re.I)


# The subject of a passive request, up to its first verb: "Gabapentin 300 mg #90 [is]",
# "A urine drug screen [will be collected ... and is]"
_ASKED_OF = re.compile(r"\s*(?P<subject>(?:(?!\b(?:is|are|was|were|will|would|should|has|have|"
                       r"had|to|be|being|been|that|which|who|i|we|he|she|they)\b)[^,:])+?)\s+"
                       r"(?:is|are|will be|would be|has been|have been)\b(?:(?!\bnot\b)[^,:])*$",
                       re.I)
_INTRO_PHRASE = re.compile(r"\s*(?:for|in|on|regarding|as for|as to|with respect to)\b"
                           r"[^,]{1,60},", re.I)
_SOMEONE_TO = re.compile(r"(?:her|him|them|me|us|you|the (?:patient|worker))\s+to\b", re.I)
_PRONOUN = re.compile(r"(?:it|this|that|these|those|there|what|which)$", re.I)


def _requested_in_sentences(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """What the clauses of a passage ask for: every request cue's object, up to the next cue,
    the purpose or a clause end, split at 'and' and semicolons."""
    out = []
    for clause in re.finditer(r"(?:[^.;]|\.(?=\d)|(?<=\bDr)\.|(?<=\bMr)\.|(?<=\bMs)\.)+",
                              text[start:end]):
        body = clause.group()
        if _FORM_ITSELF.search(body):
            continue
        cues = [c for c in _REQUESTING.finditer(body) if not _FORM_NAME.match(body, c.end())]
        # a cue inside the object of the one before ("requesting authorization for an initial
        # trial of acupuncture"): one request
        cues = [c for n, c in enumerate(cues)
                if not n or not _ONLY_MODIFIERS.fullmatch(body, cues[n - 1].end(), c.start())]
        for n, cue in enumerate(cues):
            if _NOT_A_REQUEST.search(body[:cue.start()].rsplit(",", 1)[-1]):
                continue
            lead = _INTRO_PHRASE.match(body, 0, cue.start())  # ("For the left wrist, ...")
            if n == 0 and (asked := _ASKED_OF.match(body, lead.end() if lead else 0,
                                                    cue.start())) and \
                    not _PRONOUN.match(asked.group("subject")):
                # said in the passive: what is asked for is the subject ("Gabapentin 300 mg
                # #90 is requested for another month", "A urine drug screen will be collected
                # at the next visit and is requested today")
                out += _objects(asked.group("subject"), start + clause.start() +
                                asked.start("subject"))
                continue
            if _SOMEONE_TO.match(body, cue.end()):
                continue  # a wish for the worker: "I would like her to finish the program"
            stop = cues[n + 1].start() if n + 1 < len(cues) else len(body)
            cut = _PURPOSE.search(body, cue.end(), stop)
            out += _objects(body[cue.end():cut.start() if cut else stop],
                            start + clause.start() + cue.end())
    return out


# Where objects part: "and" before a word (not before a spinal level: "L4-5 and L5-S1") and
# semicolons, outside brackets ("(L3, L4 and L5 medial branches)").
_AND = re.compile(r",?\s+and\s+(?=[A-Za-z])(?![CTLS]\d)|;")


def _objects(rest: str, at: int) -> list[tuple[str, int]]:
    rest = rest.rstrip(". \n")
    cuts, depth, last = [], 0, 0
    for found in _AND.finditer(rest):
        depth += rest.count("(", last, found.start()) - rest.count(")", last, found.start())
        last = found.start()
        if depth <= 0:
            cuts.append(found)
    out, begin = [], 0
    for stop, resume in [*((c.start(), c.end()) for c in cuts), (len(rest), len(rest))]:
        part = rest[begin:stop]
        name = " ".join(part.split()).strip(" ,")
        name = re.sub(r"^(?:and|a|an|the|also|for|of|with)\s+", "", name, flags=re.I)
        if name:
            out.append((name, at + begin + part.index(name.split()[0])))
        begin = resume
    return out


def _reviewer_report(text: str, ur: bool = False):
    """A reviewer's report in any other layout (`reviews.review`)."""
    summary, found = reviews.review(text, ur)
    return summary, [Item(" ".join(name.split()), span, outcome, None, None, None)
                     for name, span, outcome in found]


def _ur_determination(text: str):
    """A utilization review's letter: its items certified, non-certified or modified (each
    item's `outcome` is the UR's action), read as a reviewer's report is."""
    return _reviewer_report(text, ur=True)


_IMR_LAYOUTS = ("imr-final-determination", "notice-2013", "medical-professional-review",
                "reviewer-report")
_SPLITTERS = {"imr-final-determination": _final_determination, "notice-2013": _notice_2013,
              "medical-professional-review": _professional_review,
              "reviewer-report": _reviewer_report, "progress-report": _progress_report,
              "ur-determination": _ur_determination}
# The UR actions an item of a utilization review's letter may have (`reviews.action_of`).
UR_ACTIONS = {"certified": "Certified", "non-certified": "NonCertified", "modified": "Modified"}

_HEADER = {
    "case_number": r"(?:IMR )?Case (?:Number|No\.?):\s*([A-Z]{2}\d{2}-\d+)",
    "date_assigned": r"Date Assigned:\s*(" + DATE_RE.pattern + ")",
    # (also a field of a "|"-separated header line: "Injury 05/10/2021 | RFA 01/18/2022")
    "date_of_injury": r"(?:Date of Injury|Injury date|DOI|(?:^|[|;])[ \t]*Injury)\s*:?\s*("
                      + DATE_RE.pattern + ")",
    "ur_denial_date": r"(?:UR (?:Denial|Determination|Decision)(?: date)?|Date of UR (?:Decision|"
                      r"Determination)|UR date|Utilization Review (?:decision|determination)"
                      r"(?: date)?)\s*:?\s*(" + DATE_RE.pattern + ")",
    "decision_date": r"(?:Decision Date|Dated|Date of (?:Notice|Review|Decision|Determination))"
                     r"\s*:\s*("
                     + DATE_RE.pattern + ")",
    "report_date": r"\b(?:Date (?:and hour )?of (?:first )?(?:Exam(?:ination)?|Service|Visit|"
                   r"Report|Evaluation|request)|(?:Exam|Report|Visit|RFA|Evaluation|Encounter) "
                   r"Date|DOS|DOE|Visit|Encounter)\]?\s*:?\s*(" + DATE_RE.pattern + ")",
    # a header field that dates the request itself (an RFA's date): every item's request date
    "request_date": r"(?:^|[|;])[ \t]*(?:RFA Dated?|Date of (?:Request|RFA)"
                    r"(?: for Authori[sz]ation)?|Request Date|"
                    # "Request for Authorization dated: 03/14/2017"
                    r"(?:Date of )?Request for Authori[sz]ation(?: dated)?|"
                    r"RFA(?=[ \t]*:?[ \t]*\d))"
                    r"\s*:?\s*("
                    + DATE_RE.pattern + ")",
    "signed_date": r"\b(?:Signature|signed)\b[^\n]{0,80}?\b(?:Date:?|on)\s*("
                   + DATE_RE.pattern + ")",
    "licensure": r"State\(?s?\)? of Licensure:\s*([^\n]+)",
    "specialty": r"Certification\(?s?\)?\s*/\s*Specialty:\s*([^\n]+)",
}


_SECOND_LANGUAGE = re.compile(r"[ \t]+/[ \t]+[^\W\d][^:/\n]{1,40}:(?=[ \t]*\S)")
_KEY_VALUE = re.compile(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)=(?=\S)")
_LEADER = re.compile(r"[ \t]*\.{3,}[ \t]*")  # "Date of injury ..... 2022-03-28": a field's colon


def header(text: str) -> dict[str, str]:
    out = {}
    text = _LEADER.sub(": ", text)
    # a system's KEY=value fields ("DOI=01/07/2019;RFA_DATE=02/26/2019") as labelled ones
    text = _KEY_VALUE.sub(lambda m: m.group(1).replace("_", " ") + ": ", text)
    # a label in two languages, as its English ("Date of Injury / Fecha de la lesi\u00f3n:")
    text = _SECOND_LANGUAGE.sub(":", text)
    for key, pattern in _HEADER.items():
        found = re.search(pattern, text, re.I | re.M)
        if found:
            out[key] = found.group(1).strip()
    return out
