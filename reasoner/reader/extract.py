"""Case facts from the case summary of a letter, each with its span (provenance).

Only the case summary and the disputed items' names are read: the recorded outcome, the
guideline lines and the rationale are the reviewer's record and never become facts (no
leakage). Sentences are read in order; a progress-report date sets the date of the findings
and pain scores that follow it, and a date inside a sentence ('X-rays done on 12-13-14')
overrides it for that sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reasoner.reader import items as request_items
from reasoner.reader import relief, responses
from reasoner.reader.assertion import Assertion, assertions
from reasoner.reader.confirmations import confirmations, studies_of
from reasoner.reader.dates import DATE_RE, find_dates, parse_date
from reasoner.reader.firstchars import gated
from reasoner.reader.flowsheet import flowsheets
from reasoner.reader.judgments import judgments
from reasoner.reader.layout import HEADED_REQUEST, Letter
from reasoner.reader.lexicon import Lexicon, Match, english_words
from reasoner.reader.medtable import medication_rows
from reasoner.reader.mention import Mention
from reasoner.reader.responses import response_of
from reasoner.reader.sidetable import side_table_findings
from reasoner.reader.signs import LIMB, signs
from reasoner.reader.symptoms import revise as revise_symptoms
from reasoner.reader.tables import row_cuts, treatment_rows
from reasoner.reader.trends import Trends
from reasoner.vocab import TERM, m

T = TERM.__add__
# A sentence ends at . ! ? before a capital, but not after a title or an initial ("Mr. R. is").
# (the end mark is tested first: at most places it fails, and the other tests are not made)
# (not a dotted leader's dots before a grid's answer: "Fever/chills ............ N" is one item
# and its answer; a leader before a field's value, "Gait ....... WNL", still ends its label)
_SENTENCE = re.compile(r"(?<=[.!?])(?!(?<=\.\.)\s+(?:[YN]|Yes|No|YES|NO)\b)(?<!\bDr\.)"
                       r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bvs\.)(?<!\b[A-Z]\.)[\"']?\s+"
                       # (or a bracketed entry: "... were given. [08/13/2019] PTP: ...")
                       r"(?=[A-Z\"(]|\[\d)")
# A sentence opened in lower case, as a dictation or a quick note writes it ("... did not
# change much. he still avoids bending", "paraspinal tenderness at L5 S1. straight leg raise
# is negative"): after a word of English or a spinal level, not after a chart's shortening
# ("dimin. sensation", "approx. two weeks", "3 wks. ago": `_opens_in_lower_case`)
_LOWER_START = re.compile(r"(?:(?<=[A-Za-z][0-9])|(?<=[a-z]{3}))\.\s+(?=[a-z]{2,}\b)")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[0-9]?$")
_SHORTENED = frozenset({"approx", "etc", "mos", "yrs", "wks", "hrs", "min", "mins", "lbs",
                        "tabs", "caps", "sec", "secs", "cont", "incl", "max", "avg", "est",
                        "neg", "pos", "mod", "sev", "freq", "prn", "disp", "qty", "amt", "abd",
                        "ext", "bilat", "flex", "med", "meds", "lat", "ant", "post", "sup",
                        "inf", "norm", "rot", "add", "dec", "inc", "gen", "ref", "hist", "pain"})


_ENTRY_DATE = re.compile(r"\s*\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\.")


def _opens_in_lower_case(text: str, stop: int) -> bool:
    """Whether the words after text[stop] (a full stop, then a word in lower case) open a
    sentence: the word before the stop is a word of English or a spinal level ("S1")."""
    word = _WORD_BEFORE.search(text, max(0, stop - 30), stop)
    if word is None:
        return False
    if word.group().lower() != word.group(1).lower():
        return bool(_LEVEL_WORD.fullmatch(word.group()))
    said = word.group(1).lower()
    return said not in _SHORTENED and said in english_words()


_LEVEL_WORD = re.compile(r"[CTLS][0-9]", re.I)
# The end of text a note copied from an earlier visit, or its own visit's words after it
_COPY_END = re.compile(r"\bend (?:of )?(?:the )?(?:auto-?populated|copied|copy-?forward|carried "
                       r"forward|imported)\b|^\W*today\s*[:,-]", re.I)
_EXAM_HEADING = re.compile(r"^\W*(?:physical\s+)?exam(?:ination)?s?\b|^\W*objective\b|^\W*O\s*:",
                           re.I)
_REPORT_DATE = re.compile(r"(?:report|visit|evaluation|examination|exam|note|follow[- ]up|"
                          # "When seen on April 17, 2018 he reported ..."
                          r"\bseen|"
                          r"consultation|encounter|RFA|request for authori[sz]ation|\bPR(?:-?2)?|"
                          # a note's parts told of their own day: "[copied forward from
                          # 01/14/2025]", "UPDATE 04/08/2025:", "Addendum 3/2/2016:"
                          r"(?:copied|carried) forward|\bupdate[sd]?|\baddendum|"
                          r"\bDOS|date of service)(?:\s+(?:dated|of|on|from))?\s*:?\s+("
                          # (or right after a header line's date the sentence was joined to:
                          # "DOS: 03/04/2015 On 12/09/2014 he reported ...")
                          + DATE_RE.pattern + r")|(?:^|(?<=\d )|(?<=\d  ))\s*(?-i:On|At the|In "
                          r"the)\s+(" + DATE_RE.pattern
                          # a visit headed by its date: "01/12/2016 (pain management):"
                          # (bulleted too; or its provider after it: "- 03/20/2017,
                          # psychiatry: duloxetine 30 mg daily started")
                          + r")|^\s*(?:[-*\u2022]\s*)?(" + DATE_RE.pattern + r")(?=\s*(?:[:(]|"
                          r"-\s|visit|note|report|progress|PR\b|follow|,\s*(?:PTP|QME|AME|Dr\b|"
                          r"treating|primary|pain|ortho)|,\s*[A-Za-z][\w .'/-]{1,30}:|"
                          # a record log's entry: "03/06/2023 Urine drug test consistent ..."
                          r"\s+(?-i:[A-Z][a-z]+)\b))"
                          # "The 10/15/2013 report from the treating physician says ..."
                          r"|\b(?:the|a|his|her|that)\s+(" + DATE_RE.pattern + r")\s+(?="
                          r"(?:\w+\s+)?(?:report|visit|note|evaluation|exam|follow[- ]?up|"
                          r"consultation|encounter|PR\b|PR-?2))"
                          # "The primary treating physician saw her on 02/11/2014."
                          # (not "evaluated by a psychologist on ...": another provider's visit)
                          r"|\b(?<!first )(?<!initially )(?:(?:saw|examined|evaluated|"
                          r"re-?evaluated)\s+(?:him|her|them|"
                          r"the\s+(?:injured\s+)?(?:patient|applicant|worker|employee))|"
                          r"(?:was|were)\s+(?:last\s+)?(?:seen|examined|evaluated|re-?evaluated))"
                          r"\s+on\s+(" + DATE_RE.pattern + r")", re.I)
# A visit referred back to, not the one the text now tells: "the neck spasm that was present at
# the 10/21/2025 visit has resolved", "improved since the 3/2/2015 visit", "than at the ..."
_VISIT_REFERRED = re.compile(r"\b(?:since|than|compared\s+(?:with|to)|unlike|(?:present|noted|seen|"
                             r"documented|recorded|found|reported)\s+(?:at|on|in|during))\s+"
                             r"(?:at\s+)?(?:the\s+|a\s+|his\s+|her\s+|that\s+)?$", re.I)
# Every form of date has a digit: a sentence without one (most) skips the date patterns.
_DIGIT = re.compile(r"\d")
# "On 04-14-2015, Utilization Review non-certified ...": the date of a review, not of a report
# (a sentence that names a report's date keeps it: "Progress report dated ...: modified duty").
# (not the worker's denial, "he denied any locking", nor his work, "modified duty")
_REVIEW = re.compile(r"\b(?:utilization review|UR|IMR|non-?certif\w*|"
                     r"(?<!he )(?<!she )(?<!they )(?<!patient )(?<!worker )denied(?! any\b)|"
                     r"modified(?! (?:duty|work|activit\w*|hours|schedule|position|job|"
                     r"restrictions)\b)|application)\b", re.I)
# "a 38-year-old woman", "56 y/o M roofer", "51 yo M;", "Age: 36 Sex: M", "58 y/o F"
# (or after the name, between commas: "Mr. Cho, 44, a wind turbine technician")
_AGE = re.compile(r"\b(\d{1,2})\s*-?\s*(?:years?[- ]old|y/?o\b|yo\b|yrs?[- ]old|y\.o\.)|"
                  r"\bAge(?:\s*/\s*(?:Sex|Gender))?\s*:?\s*(\d{1,2})\b|(?-i:\b(?:Mr|Ms|Mrs|Miss)\.?\s+[A-Z][\w'-]+),\s+"
                  r"(?:age\s+|aged\s+)?(\d{2}),", re.I)
_SEX = re.compile(r"\b(?:(male|female|man|woman|gentleman|lady)\b|(?-i:(M|F))(?![/\w]))|"
                  r"\bSex\s*:?\s*(M|F|male|female)\b", re.I)
_TITLE = re.compile(r"\b(?:(Mr)|(Ms|Mrs|Miss))\.?\s+[A-Z]")
_INJURY = re.compile(r"(?:injur(?:y|ed)|date of injury|\bDOI\b)\D{0,40}?(" + DATE_RE.pattern + ")",
                     re.I)
# (the verb or colon within the cue's own statement: "ASSESSMENT 1) Strain of rotator cuff ...
# 2) Impingement syndrome ... PLAN / RFA (DWC Form RFA sent with this report)" had its cue end
# at the plan's "with", past the diagnoses)
# ("Dx" before a block is the block's "diagnostic": "- Dx bilat L4-5, L5-S1 MBB 13 September
# 2022: 80% relief x6 h")
_DX_PROCEDURE = (r"(?!\.?[ \t]+(?:(?:bilat\w*|left|right|[LR]|[LCTS]\d[\w,/-]*|and)[ \t]+){0,5}"
                 r"(?:MBBs?|medial branch|blocks?|injections?|ESIs?|facet|nerve|SI joint|"
                 r"discogra\w*|lidocaine|anesthetic))")
_DIAGNOSES = gated(r"\bdiagnosed with\b|"
                   # "She subsequently developed complex regional pain syndrome of the right
                   # upper extremity, diagnosed on 03/14/2016"
                   r"\b(?:subsequently |later |then |since |has |had )?developed\b(?=\s+(?:an?\s+|"
                   r"the\s+)?(?:[\w-]+\s+){0,4}?(?:syndrome|disorder|disease|CRPS|RSD|dystrophy|"
                   r"neuropathy|radiculopathy|depression|anxiety|arthritis|tendinitis|"
                   r"tendinopathy|tenosynovitis|bursitis|capsulitis|epicondylitis)\b)|"
                   r"\b(?:assessments?|diagnos[ie]s|impressions?|dx"
                   + _DX_PROCEDURE + r")\b"
                   r"[^:\n;]{0,80}?"
                        r"(?:\bas\b|\bare\b|\bis\b|\binclude[sd]?\b|\bwith\b|:|"
                        # "The assessment added postoperative nausea and vomiting."
                        r"\b(?:added|adds|now adds|lists|listed|noted)\b)"
                        # "Dx lumbar sprain/strain.": the abbreviation, then the diagnosis
                        r"|\bdx\b" + _DX_PROCEDURE + r"\.?(?=[ \t]+(?-i:[a-z]))"
                        # dictated, no colon: "assessment bilateral carpal tunnel syndrome"
                        # (in small letters: a form's field "Diagnoses   lumbar ..." is read
                        # as its field)
                        r"|^[ \t]*(?-i:assessments?|impressions?|diagnos[ie]s)\b"
                        r"(?=[ \t]+(?-i:[a-z]))"
                        # "the assessment was left C7 radiculopathy" (right after its word:
                        # not "the diagnosis of CRPS was made", which _narrated_diagnoses reads)
                        r"|\b(?:assessments?|diagnos[ie]s|impressions?)\s+(?:was|were)\b"
                        # a chart's field: "Problem list<TAB>M54.12 Radiculopathy, cervical"
                        r"|^[ \t]*(?:active )?problem list\b(?=[ \t]+\S)",
                   re.I)
# A SOAP note's letter opening a statement: "A: Depressive disorder secondary to chronic
# pain.", "P: Add pantoprazole 40 mg daily" (A/P says both: no label of one kind)
# (a quoted note's line too: '"P: Chiropractic 2x3 to lumbar spine - pt has never had chiro."')
_SOAP_LABEL = re.compile(r"^[ \t\"'\u201c\u2018]*([SOAP])[ \t]*:[ \t]*(?=\S)")
# A line labelled as the plan or the request, the label perhaps dated: "Plan 4/2/14:", "Req
# 4/22/24:", "Requested (RFA 3/1/21):", "RFA of 9/4/13:", "Request for authorization
# 09/04/2013:"
# (a request under a numbered heading of its own too: "REQUEST 1 - Norco 10/325 mg #120",
# "Request 2: Chiropractic 2x6", "ITEM 3: TENS unit, purchase")
_PLAN_LABEL = re.compile(r"^[ \t\"'\u201c\u2018]*(?:plan|req|request(?:ed|s)?"
                         r"(?: for authori[sz]ation)?|rfa|"
                         r"recommendations?|orders?|(?=(?:request|item)[ \t]*(?:#|no\.?)?"
                         r"[ \t]*\d))\.?(?:[ \t]*(?:request|item)[ \t]*(?:#|no\.?)?[ \t]*\d{1,2}"
                         r"(?=[ \t]*(?::|[-\u2013\u2014][ \t])))?"
                         r"[ \t]*(?:\(?(?:rfa|on|of|dated)?[ \t]*(?:" + DATE_RE.pattern
                         + r"|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\)?)?"
                         r"[ \t]*(?::|[-\u2013\u2014](?=[ \t]))[ \t]*(?=\S)", re.I)
# A list of what was done ("Treatment to date has included ...", "Tx:"), which opens a
# statement of its own in a run-on note; "has had" opens one only at a sentence's start.
# (what may stand between the cue and its verb or colon: a parenthesis, a few words, not a
# line's worth: "Treatment to date Chiropractic manipulation: 12 visits" is a heading line
# and a course whose name is no part of the cue)
_PRIOR_LIST = (r"\b(?:previous|prior|past) treatments?\b(?:\s*\([^)]{0,60}\))?[^:(]{0,24}?"
               r"(?:includes?|included|consists? of|:)|\btreatment (?:to date|history)\b"
               r"(?:\s*\([^)]{0,60}\))?[^:(]{0,24}?(?:includes?|included|has included|:)|"
               # (not "The treatment plan included ...": what is planned)
               r"\b(?:treatments?|tx|therap(?:y|ies)|care)\b(?:(?!\bplans?\b|\brecommend)[^:.])"
               r"{0,40}?\b(?:has|have)?\s*(?:included|consisted of)\b|\bTx(?: to date| hx)?\s*:|"
               # a charted history's label: "h/o: PT x20 2016-17; prior ESI 2017 no relief"
               r"(?:^|;)\W*h/o\s*:")
_PRIOR = re.compile(_PRIOR_LIST + r"|^\W*(?:[\w.'-]+\s+){0,4}?(?:has|have) (?:had|received|"
                    r"undergone|tried)\b", re.I)
_MEDS = gated(r"\b(?:current )?(?:medications?|meds)\b\s*(?:are|include[sd]?|list|consist of|"
                   r":)|\b(?:is|was|remains) (?:currently |still )?(?:taking|prescribed|on)\b|"
                   r"\b(?:he|she|patient|worker) (?:takes|uses|continues)\b", re.I)


def _meds_cue(lex: Lexicon, sentence: str) -> re.Match | None:
    """The cue of a sentence that lists the drugs taken, if a drug follows it: "... and a home
    exercise program that he continues." names none, and is read as any other sentence (it
    had lost its twelve visits of therapy)."""
    cue = _MEDS.search(sentence)
    return cue if cue and lex.find(sentence[cue.end():], T("Drug")) else None


# Cues that open a statement of their own (a run-on note is cut before them, `_statements`).
_OPENERS = (_DIAGNOSES, re.compile(_PRIOR_LIST, re.I), _MEDS)
# A drug said to be stopped or tried in the past is a prior treatment, else a current medication.
# (not a benefit that ended: "meloxicam had stopped working", "no longer helps")
_STOPPED = re.compile(r"\b(?:stopped|discontinued|d/c'?d|tried|trial of|failed|previously|"
                      # (not who or what came before: "started by a prior physician")
                      r"prior(?!\s+(?:physicians?|doctors?|providers?|prescribers?|treating|PTP|"
                      r"PCP|surgeons?|psychiatrists?|clinics?|visits?|reports?|notes?|records?|"
                      r"offices?|employers?|injur\w*|exam\w*|review\w*|UR\b))|"
                      r"formerly|no longer|ceased|weaned|switched from)\b(?!\s+(?:helping|"
                      r"working|being effective|helps?|helped|works?|worked|effective|"
                      r"provides?|provided|gives?|gave|relieves?|relieved|benefits?|"
                      r"controls?|controlled)\b)", re.I)
# What a drug became: "switched from Norco to tramadol", "replaced by duloxetine"
_NOW = re.compile(r"\b(?:to|now(?: on)?|currently(?: on)?|onto|replaced (?:by|with)|"
                  r"then started(?: on)?)\s*$", re.I)
# A drug named with its dose outside any list ("Meloxicam 15 mg daily."): a medication.
# (a combination strength, "Percocet 5/325", not a month and year, "6/2019")
# (a patch's rate too: "Butrans 10 mcg/hr", "Duragesic 50 mcg/h")
_DOSED = re.compile(r"^[^.;]{0,25}?\b(?:\d{1,2}(?:\.\d+)?/\d{3}\b(?!/)|"
                    r"\d+(?:\.\d+)?\s*(?:mcg|\u00b5g)\s*(?:/|per)\s*(?:hr|h|hour)\b|"
                    r"\d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)?\s*(?:mg\b|(?=(?:(?:one|"
                    r"two|\d)\s*)?(?:tabs?|tablets?|caps?|capsules?|pills?)?\s*(?:bid|tid|qid|"
                    r"qd|qhs|daily|q\s?\d+\s?h|prn|once|twice|three times|four times|every)\b)))",
                    re.I)
# Treatment said to have been done, anywhere in a sentence: "completed 18 visits of PT",
# "underwent a carpal tunnel release", "has been prescribed Norco since 2012".
# A course told after a diagnosis list in the same sentence (narrower than _DONE: "failed
# back surgery syndrome" is a diagnosis)
_TOLD_AFTER = re.compile(r"\b(?:has|have|had) (?:also )?(?:had|tried|received|undergone|attended|"
                         r"completed)\b|\b(?:underwent|completed|was treated with)\b|"
                         # "... diagnosed with CTS and has been treated with wrist splints"
                         r"\b(?:has|have|had) (?:also )?been (?:treated|managed) with\b", re.I)
_STATUS_POST = re.compile(r"\b(?:s/p|status[- ]post)\b", re.I)
_DONE = gated(r"\b(?:completed|finished|underwent|tried|attended|failed|has had|had|"
                   # (not a paper received: "I received the non-certification of 04/02/2014
                   # for two items on my RFA: (1) post-operative physical therapy ...")
                   r"received(?!\s+(?:the|your|a|an|his|her|their|this|that)\s+(?:[\w-]+\s+)?"
                   r"(?:non-?certification|denial|determination|decision|letter|notice|UR\b|"
                   r"RFA|request|authori[sz]ation|approval|records?|fax))|"
                   r"was treated with|treated with|"
                   # "has also been prescribed", "was also started on"
                   r"has (?:also |since |long |now )?been (?:prescribed|taking|on)|"
                   r"was (?:also |first |originally |initially )?(?:prescribed|started on|given)|"
                   r"started|began|begun|has (?:also )?taken|"
                   r"took|"
                   r"(?:prior|previous|past) (?:course|trial)s? of|s/p|status post|stopped|"
                   r"discontinued|d/c'?d|weaned(?: off)?|"
                   # "We switched him to pregabalin", "started her on", "put him on"
                   r"(?:switched|changed|transitioned) (?:(?:him|her|them|the patient) )?"
                   r"(?:from|to|over to)|(?:started|put) (?:him|her|them|the patient) on)\b",
                   re.I)
# A diagnosis list keeps past conditions ("history of", "status post") and working ones
# ("suggestive of", "possibly"): the treating physician lists them as the diagnoses.
_DIAGNOSED = (Assertion.PRESENT, Assertion.HISTORICAL, Assertion.UNCERTAIN)
_ITEM_END = re.compile(r"[,;]|\band\b")
# A treatment the worker keeps up, told in the third person (in a plan: not a request)
# ... or what was had, told in the plan before what it asks: "Pt has completed 6 chiropractic
# treatments (CMT lumbar, 2x/wk, 01/28/2014 - 02/25/2014) with objective functional gains",
# "Earlier care: 4 sessions of massage therapy ... and PT x8"
_TOLD_IN_PLAN = re.compile(r"\s*(?:(?:treatment\s+)?plan\s*:\s*)?(?P<said>)"
                           r"(?:(?:he|she|they|pt|patient|the (?:patient|worker|employee|"
                           r"injured worker|claimant))\s+(?:has|had|have)\s+(?:already\s+|now\s+)?"
                           r"(?:completed|had|attended|finished|undergone|tried|failed)\b|"
                           r"(?:earlier|prior|previous|past)\s+(?:care|treatments?|therapy)\s*:)",
                           re.I)
_ONGOING = re.compile(r"\s*(?P<said>)(?:he|she|they|the (?:patient|worker|employee|injured worker|"
                      r"claimant))\s+(?:continues|is continuing|has continued|performs|does)\s+"
                      r"(?:with\s+|to do\s+|to perform\s+)?(?:his|her|their|the|a)\s", re.I)
# a differential still to exclude is no diagnosis (a "possible" one is a working diagnosis)
# ("cannot exclude a partial tear", "a tear is not ruled out": as much a question)
_TO_RULE_OUT = re.compile(r"\b(?:rule[- ]?out|r/o|to exclude|(?:can(?:no|')?t|could ?n[o']t|"
                          r"unable to|not)\s+(?:be\s+)?(?:exclude|rule out|excluded|ruled out))"
                          r"\b", re.I)
# ... and so is one side of a differential: "possible carpal tunnel syndrome vs cervical
# radiculopathy" diagnoses neither (the assessment says which is to be found out)
_DIFFERENTIAL = re.compile(r"\b(?:vs\.?|versus)(?=\s)", re.I)


def _list_item(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The list item (between commas, semicolons or 'and') around sentence[start:end], with
    the status said of it after a comma ("a history of right sciatica, resolved")."""
    before = [m.end() for m in _ITEM_END.finditer(sentence, 0, start)]
    after = _ITEM_END.search(sentence, end)
    if after and (status := _ITEM_STATUS.match(sentence, after.start())):
        after = _ITEM_END.search(sentence, status.end())
    return (before[-1] if before else 0, after.start() if after else len(sentence))


_ITEM_STATUS = re.compile(r",\s*(?:now\s+)?(?:resolved|healed|in remission|ruled out|remote|"
                          r"inactive|quiescent|no longer present)\b"
                          r"(?=\s*(?:[,;.)]|$|and\b))", re.I)
_SIDE = re.compile(r"\b(left|right|bilateral|bilaterally)\b", re.I)
# What introduces a study's result: "showed", "revealed", "were read as", "was normal",
# "confirming", or a colon ("MRI L-spine 9/2012: ...").
_RESULT = re.compile(r"\b(?:reveal\w*|show\w*|demonstrat\w*|note[sd]?|finding\w*|impression|"
                     r"read as|reported (?:as|to show)|confirm\w*|consistent with|positive for|"
                     r"negative for|notable for|significant for|(?:was|were|is|are) "
                     r"(?:normal|negative|unremarkable|abnormal|positive|free of|clear of|"
                     r"without))\b|:|"
                     # "lumbar x-rays 11/02/2023, 5 views -- mild L4-5 disc narrowing" (a
                     # dated study: a plan line's dash gives a reason, not a result)
                     r"\b\d{1,4}(?:[/-]\d{1,4}){1,2}\b[^.;:]{0,24}?\s(?:--?|\u2013|\u2014)\s|"
                     # a study told done, its result elsewhere or not at all: "cervical spine
                     # x-rays were obtained; fracture was excluded"
                     r"\b(?:was|were|(?:has|have|had) been)\s+(?P<done>obtained|performed|done|"
                     r"taken|completed)\b(?:\s+on\s+" + DATE_RE.pattern + r")?",
                     re.I)
_STUDY_DATE = re.compile(r"(?:done|dated|performed|obtained|taken)\s+(?:on\s+)?(" + DATE_RE.pattern
                         + ")", re.I)
# A generic 'surgery' in a spine case is spinal surgery: the terminology has no region link.
_REGION_REFINE = {(T("Surgery"), T("Spine")): T("SpinalSurgery"),
                  # "There is no history of fracture." in a lumbar case: the spine's
                  (T("Fracture"), T("Spine")): T("SpinalFractureOrDislocation"),
                  # night pain is the spine's tumour red flag, not a shoulder's or a wrist's
                  (T("NightPain"), T("Spine")): T("SuspectedTumor")}
# Red flags said in a shoulder case are the shoulder's as well ("no history of trauma, fever,
# night sweats or weight loss; no red flags" of an impingement): they are read as both, the
# letter may also decide a cervical study on them.
_SHOULDER_TOO = frozenset(map(T, ("RedFlagSpinalPathology", "SuspectedInfection",
                                  "SuspectedTumor")))
_REFINED_BY_REGION = frozenset(cls for cls, _ in _REGION_REFINE)
_UNPLACED_FRACTURES = frozenset(map(T, ("Fracture", "NonSpinalFracture")))


# A review's words quoted in the record: 'The utilization review report states: "The claimant
# has undergone three prior epidural injections ..."' is the reviewer's claim, which the
# record may contradict, not a fact of the case.
_QUOTED_REVIEW = re.compile(
    # (or reported: 'According to the UR physician, "six sessions of physical therapy were
    # completed without benefit."')
    r"\b(?:according to|per) (?:the )?(?:utilization review|UR|peer review|(?:prior |previous )?"
    r"reviewer)(?:'s)?(?: (?:report|letter|decision|determination|physician|reviewer|"
    r"summary))?,?\s*[\"\u201c](?P<reported>[^\"\u201d]{1,2000})[\"\u201d]|"
    r"\b(?:utilization review|UR|peer review|(?:the )?(?:prior |previous )?reviewer|denial|"
    # ("The determination reads: "Muscle relaxants are for ... acute exacerbations."")
    r"non-?certification|non-?certified|the determination)(?:'s)?"
    r"(?: (?:report|letter|decision|determination|physician|"
    r"reviewer|rationale))?[^.\"\u201c]{0,80}?\b(?:states?|stated|stating|wrote|writes|"
    r"writing|noted|notes|noting|said|says|saying|reads?|opined|concluded|concluding|reasoned|"
    r"reasoning|claimed|claims|claiming|asserted|asserting|argued|arguing|cited|citing|"
    r"found|finding|felt|describ\w*|mention\w*|summari[sz]\w*|lists?|listed|"
    # (a label: 'UR reason (quoted): "The records describe pain radiating ..."')
    r"reasons?|rationale)\b[^.\"\u201c]{0,30}?[\"\u201c]"
    r"(?P<quote>[^\"\u201d]{1,2000})[\"\u201d]|"
    # (or labelled, as an appeal answers the review point by point: 'UR: "Pain levels are not
    # quantified."', 'Reviewer's rationale - "no red flags"')
    r"(?m:^)[ \t]*(?:\(?[a-z0-9]{1,2}[.)][ \t]*)?(?:the )?(?:utilization review|UR|peer review|"
    r"(?:UR |prior |previous )?reviewer|denial)(?:'s)?(?: (?:report|letter|decision|physician|"
    r"reviewer|rationale|reason|comment))?[ \t]*[:\-][ \t]*[\"\u201c]"
    r"(?P<labelled>[^\"\u201d]{1,2000})[\"\u201d]", re.I)
# The same claim's further quotes, in the same sentence: 'writing that "the patient is
# homebound" yet that home care is not indicated, that "a walker is not needed," and that
# "24 visits have been completed."'
_FURTHER_QUOTE = re.compile(r"(?:[^.!?\"\u201c\n]|\n(?![ \t]*\n)){0,80}[\"\u201c]"
                            r"(?P<quote>[^\"\u201d]{1,2000})"
                            r"[\"\u201d]")


_QUOTE = re.compile(r"[\"\u201c](?P<quote>[^\"\u201c\u201d\n]{1,200})[\"\u201d]")


def _unquoted_reviews(text: str) -> str:
    """The text with the quoted words of a review blanked (offsets kept)."""
    spans = []
    for claim in _QUOTED_REVIEW.finditer(text):
        spans.append(claim.span(next(g for g in ("quote", "reported", "labelled")
                                     if claim.group(g) is not None)))
        end = claim.end()
        # (a quote that ends its sentence, '... completed."', ends the claim)
        while not re.search(r"[.!?]\W*$", text[spans[-1][0]:spans[-1][1]]) and \
                (more := _FURTHER_QUOTE.match(text, end)):
            spans.append(more.span("quote"))
            end = more.end()
    # the review's words quoted again to answer them, as an appeal does: '(a) "Pain radiating"
    # - the pain in question runs from the low back into both buttocks and stops there'
    said = " ".join(" ".join(text[a:b].lower().split()) for a, b in spans)
    if said:
        spans += [again.span("quote") for again in _QUOTE.finditer(text)
                  if again.span("quote") not in spans and len(again.group("quote")) >= 6
                  and " ".join(again.group("quote").lower().split()).strip(" .,") in said]
        spans.sort()
    parts, at = [], 0  # (one pass: a letter may quote a review many times)
    for start, end in spans:
        parts += [text[at:start], " " * (end - start)]
        at = end
    return "".join(parts) + text[at:]


@dataclass
class Extracted:
    facts: list[Mention]
    age: tuple[int, int, int] | None = None  # value, start, end
    sex: tuple[str, int, int] | None = None
    injury: tuple[dt.date, int, int] | None = None
    region: str | None = None
    previous: tuple[int, int] = (0, 0)  # the span of the sentence read before this one
    # responses said of "the medications" before any drug was named ("On meds walks a mile",
    # then the medication list): given to the drugs told after, at the end (_meds_told_later)
    unplaced: list[str] = field(default_factory=list)
    studied: tuple[str, ...] = ()  # the studies the sentence before named (its conclusion)
    previous_text: str = ""  # the sentence read before this one (what it named, if asked)
    asked: frozenset[str] = frozenset()  # the services the document's items name
    own_day: dt.date | None = None  # a report's own date (the first it tells)
    repeated: str | None = None  # the one-day procedure an item asks to repeat, if any
    title_end: int = 0  # where the document's title lines end (a letterhead names no course)
    item_start: int | None = None  # where the list item ("- ", "3.") being read began
    item_named: list[Mention] = field(default_factory=list)  # courses told before, named in it
    never_had: set[str] = field(default_factory=set)  # "No acupuncture before": none had
    screen_rows: str | None = None  # the screen whose dated rows are being read (a heading's)
    screen_answered: bool = False  # whether its log has a "Consistent?" column (rows end Y/N)
    bare: dict[str, list[Mention]] = field(default_factory=dict)  # `_bare_course`'s index
    bare_seen: int = 0  # how many facts it has indexed
    trends: Trends = field(default_factory=Trends)  # strength graded over visits
    own: Mention | None = None  # the course of a therapist's own report (`_own_course`)
    # the course a sentence's response was given to by `_continued_response`, and where that
    # sentence began: a narrative of its progress may go on in the next sentence
    responded: tuple[Mention, int] | None = None


# A letterhead's tagline, at the top: names set apart by bars or bullets, and no verb or figure
# ("Behavioral Medicine | Pain Psychology | Biofeedback", "Orthopedics * Sports Medicine")
# (not a flowsheet's header row further down: "Date | Flex AROM | ER strength")
_TAGLINE = re.compile(r"^[ \t]*[A-Z][A-Za-z&,' -]{2,40}(?:[ \t]+[|\u2022*\u00b7][ \t]+"
                      r"[A-Z][A-Za-z&,' -]{2,40}){2,}[ \t]*$", re.M)


def _read_blocks(letter: Letter):
    """(offset of the block, its text, offset in it, sentence, heading) of every statement of
    the case summary, then of the record facts listed under the items."""
    for start, end in letter.fact_spans:
        text = _unquoted_reviews(letter.text[start:end])
        tables = row_cuts(letter.cleaned, start, end)
        rows = [cut - start for cut in tables.rows if start < cut < end]
        for s_start, sentence, heading in _statements(_sentences(text, rows)):
            if not any(a <= start + s_start < b for a, b in tables.headings):
                yield start, text, s_start, sentence, heading


def extract(letter: Letter, lex: Lexicon) -> Extracted:
    out = Extracted(facts=[])
    current: dt.date | None = None
    requested = [i.name_span for i in letter.items]
    asked = {h.term for i in letter.items for h in lex.find(i.name, T("Drug"))}
    out.asked = frozenset(h.term for i in letter.items for h in lex.find(i.name, T("Treatment")))
    out.repeated = _repeated_procedure(lex, letter)
    # "COASTAL MOTION CHIROPRACTIC, INC. / CHIROPRACTIC RE-EVALUATION": the clinic and the form
    out.title_end = _title_end(letter.text)
    _own_course(out, lex, letter.text)
    plan_line_end = -1  # where a SOAP note's "P:" line ends
    last_heading = None
    for base, text, s_start, sentence, heading in _read_blocks(letter):
        at = base + s_start
        if out.own_day and letter.layout == "progress-report" and (
                _COPY_END.search(sentence) or (heading and heading != last_heading
                                               and _EXAM_HEADING.match(heading))):
            # the report's own day again once the text copied from another visit ends
            # ("[End auto-populated text]", "Today: ..."), and for its examination
            current = out.own_day
        last_heading = heading
        # (the last date told of a report or part of one holds for what follows: "MEDICATIONS
        # [list updated 04/08/2025] ... PHYSICAL EXAM [copied forward from 01/14/2025] Gait")
        reports = [r for r in _REPORT_DATE.finditer(sentence)
                   if not _VISIT_REFERRED.search(sentence, max(0, r.start() - 30), r.start())] \
            if _DIGIT.search(sentence) else []
        found = reports[-1] if reports else None
        if found and (found.group(1) or found.group(4) or found.group(5)
                      or not _REVIEW.search(sentence)) and \
                (day := parse_date(next(g for g in found.groups() if g))):
            current = day
            out.own_day = out.own_day or day
        _track_list_item(out, text, s_start, sentence, at)
        _worker(out, sentence, at)
        if heading and (sentence.rstrip(" :.").strip() == heading.strip() or (
                sentence.startswith(heading) and
                _LOG_COLUMNS.match(sentence[len(heading):].lstrip(" :")))):
            # a heading alone names what its block tells ("Psychological treatment:"), and a
            # screen's heading what its dated rows are ("Urine drug testing:", with its log's
            # column heading: "Urine drug testing: Collected Result")
            _open_screen_log(out, _screen_named(lex, heading), sentence)
            continue
        if screen := _screen_log_header(lex, sentence[len(heading):] if heading and
                                        sentence.startswith(heading) else sentence):
            # a log's column heading that names its screen: "MONITORING FLOWSHEET / UDS date
            # Result Consistent?"
            _open_screen_log(out, screen, sentence)
            continue
        if out.screen_rows and (_LOG_COLUMNS.match(sentence) or
                                _screen_row(out, lex, sentence, at)):
            continue  # (a log's column heading, "Collected   Result", stays in the log)
        if at < 400 and _TAGLINE.search(sentence):
            continue  # a letterhead's list of services: "Pain Psychology | Biofeedback"
        if _STALE.search(sentence):
            # 'repeats the line "unable to perform self-care"; ... copied forward and is
            # outdated': a statement the record itself discounts tells nothing of now
            out.previous, out.previous_text = (at, at + len(sentence)), sentence
            continue
        section = _section(heading)
        if (soap := _SOAP_LABEL.match(sentence)) and soap.group(1).upper() == "P" or \
                _PLAN_LABEL.match(sentence):
            # "P: Start duloxetine 30 mg daily": asked for, not had; so is the rest of the
            # line ("P: Continue Norco #120. Start naproxen #60. Acupuncture x 6.", "Req
            # 4/22/24: L C5-6 CESI; Lyrica 75 BID #60")
            section = "plan"
            plan_line_end = base + (text.find("\n", s_start) % (len(text) + 1))
        elif at < plan_line_end:
            section = "plan"
        day = _sentence_date(sentence) or current
        if (cue := _DIAGNOSES.search(sentence) or (soap if soap and soap.group(1).upper() == "A"
                                                   else None)) and not _PRIOR.search(sentence):
            if cue.start() and _DONE.search(sentence, 0, cue.start()):
                # what was done, told before the diagnoses: "He underwent an L4-S1 fusion in
                # 2011 and has been diagnosed with post-laminectomy syndrome ..."
                _listed(out, lex, sentence[:cue.start()], at, 0, "prior", studies=False,
                        visit=day)
            _diagnoses(out, lex, sentence, at, cue.end())
            # a diagnosis that is a symptom or sign: "Dx: K30 Dyspepsia (NSAID-related)", as an
            # assessment's block states findings too (below)
            _findings(out, lex, sentence[cue.end():], at + cue.end(), day)
            # "Diagnosis: ..., s/p RCR on 03/10/2015" (not _DONE: "failed back surgery syndrome")
            if _STATUS_POST.search(sentence, cue.end()):
                _listed(out, lex, sentence, at, cue.end(), "prior", studies=False)
                _one_surgery(out, lex)
            if told := _TOLD_AFTER.search(sentence, cue.end()):
                # a run-on summary: "... whose diagnoses are X and Y, for which he has had
                # eighteen visits of PT that left the pain unchanged, ... while an MRI showed
                # ...": what follows the diagnoses is read as any other narrative
                _listed(out, lex, sentence, at, told.start(), "prior", visit=day)
                _studies(out, lex, sentence[told.start():], at + told.start(), day)
                _findings(out, lex, sentence[told.start():], at + told.start(), day)
        elif section == "diagnosis":
            _diagnoses(out, lex, sentence, at, 0)
            if _DONE.search(sentence):  # "1. Status post right TKA 01/31/2017 ...": the surgery
                _listed(out, lex, sentence, at, 0, "prior", studies=False)
                _one_surgery(out, lex)
            # an assessment also states findings: "physical therapy plateau", "No red flags";
            # and progress: "improving; ODI down 26 points, back to full duty"
            _findings(out, lex, sentence, at, day)
            _ruled_out(out, lex, sentence, at, day)
            _responses(out, lex, sentence, at, asked)
        elif cue := _PRIOR.search(sentence):
            _listed(out, lex, sentence, at, cue.end(), "prior", visit=day)
            _findings(out, lex, sentence, at, day)  # "She has had no recent flare-up."
            # "She has had four urine drug tests in the past year, all consistent."
            _assessments(out, lex, sentence, at, day, requested)
        elif cue := _meds_cue(lex, sentence):
            _listed(out, lex, sentence, at, cue.end(), "medication", visit=day)
            _later_directions(out, lex, sentence)  # "She takes it three times a day."
            _responses(out, lex, sentence, at, asked)  # "X helps; she takes it with food"
            # "He continues to smoke a pack a day", "She takes X and denies constipation"
            _findings(out, lex, sentence, at, day)
            _assessments(out, lex, sentence, at, day, requested)
        elif section in ("prior", "medication"):
            _listed(out, lex, sentence, at, 0, section, visit=day)
            # the list's block may go on in sentences: "Per the note it has cut the burning by
            # about 30 percent", "She reports mild morning drowsiness"
            _responses(out, lex, sentence, at, asked)
            _findings(out, lex, sentence, at, day)
            _assessments(out, lex, sentence, at, day, requested)
        else:
            if section == "plan":
                if told := _ONGOING.match(sentence) or _TOLD_IN_PLAN.match(sentence):
                    # told, not asked, in the plan: "He continues the home exercise program
                    # given on 08/07/12 daily" (not "Continue the HEP": the plan's own words)
                    # (the plan's label cut off: its "plan" would make the course a plan)
                    said = told.start("said")
                    _listed(out, lex, sentence[said:], at + said, 0, "prior", studies=False,
                            visit=day)
            elif _DONE.search(sentence):
                # the whole sentence: what was done may be its subject ("Gabapentin was
                # started in 2014", "PT was completed") or its object ("completed 12 visits
                # of PT"), up to what it asks for ("The physician requests an RFA 'since he
                # had a strong response', a repeat MRI and duloxetine": asked for, not had)
                asks = _ASKS_NOW.search(sentence)
                _listed(out, lex, sentence[:asks.start()] if asks else sentence, at, 0, "prior",
                        studies=False, visit=day)
            else:
                _dosed_drugs(out, lex, sentence, at, requested)
                _mentioned(out, lex, sentence, at, requested)
            _studies(out, lex, sentence, at, day)
            _findings(out, lex, sentence, at, day)
            _ruled_out(out, lex, sentence, at, day)
            if section != "plan":
                _narrated_diagnoses(out, lex, sentence, at)
            _assessments(out, lex, sentence, at, day, requested)
            _responses(out, lex, sentence, at, asked)
            _later_directions(out, lex, sentence)
        if section != "plan" and not lex.find(sentence, T("Treatment")):
            # (whatever else the sentence says: "she was re-referred to therapy, and ... she
            # has attended twelve of twelve authorized visits")
            _bare_therapy(out, lex, sentence, at)
            if _DONE.search(sentence):
                # "The chiropractor's re-examination documents that all 6 visits were
                # completed" (a told course's count, by whom it was given)
                _provider_seen(out, lex, sentence, at)
        _result_after(out, sentence)
        _continued_drugs(out, lex, sentence, at)
        if section != "plan":
            _repeated_courses(out, lex, sentence, at)
        _reliefs(out, lex, sentence, at)
        if section != "plan" and _COUNT_GATE.search(sentence):
            _counts_added(out, lex, sentence, at)
        if progressive := out.trends.read(sentence, at, day):
            out.facts.append(progressive)
        _confirmed(out, lex, sentence, at, day)
        _pain(out, lex, sentence, at, current)
        request_items.note_request_sentence(out, lex, sentence, at, current)
        out.previous, out.previous_text = (at, at + len(sentence)), sentence
    _side_tables(out, lex, letter)
    _medication_tables(out, lex, letter)
    _treatment_tables(out, lex, letter)
    _flowsheets(out, lex, letter)
    _settle_own(out, lex)
    _denied_title_courses(out, lex)
    _grade_from_studies(out, lex)
    if out.region is None:
        # no diagnosis list named a region, but the diagnoses have theirs ("R carpal tunnel
        # syndrome" in a form's row, "moderate right CTS" in the impression): the case's is
        # theirs when they name one only ("neck and low back pain" tells no one region)
        regions = {f.props["region"] for f in out.facts
                   if f.kind == "diagnosis" and f.props.get("region")}
        regions |= {h.term for f in out.facts if f.kind == "diagnosis"
                    for h in lex.find(letter.text[max(0, f.start - 30):f.end], T("BodyRegion"))}
        out.region = regions.pop() if len(regions) == 1 else None
    if out.region is None and out.injury is not None and out.injury[2]:
        # no diagnosis named its region ("right full-thickness supraspinatus tear"): the part
        # injured is the case's ("injured his right shoulder on 09/08/2016")
        named = lex.first(letter.text[max(0, out.injury[1] - 60):out.injury[2] + 40],
                          T("BodyRegion"))
        out.region = named.term if named else None
    _refine(out, lex)
    _one_surgery(out, lex)
    if out.injury is None and (doi := letter.header.get("date_of_injury")):
        injured = parse_date(doi)
        out.injury = (injured, 0, 0) if injured else None
    if out.injury is not None:
        _other_episodes(out, out.injury[0])
    _drop_injectates(out, letter.text)
    _drop_never_taken(out, letter.text)
    _drop_never_done(out, letter.text)
    _treated_conditions(out, lex)
    _imaged_conditions(out, lex)
    _meds_told_later(out, lex, asked)
    _merge_medications(out, lex, letter.text)
    _stops_end_courses(out, lex, letter.text, asked)
    request_items.add_requests(out, lex, letter, current)
    _keep_homebound_for_home_care(out, lex)
    _low_risk_is_no_elevated_risk(out)
    _normal_neurological_examination(out, lex)
    _knee_without_derangement(out)
    _no_history_unless_told(out, lex)
    _discordant_corroboration(out, lex)
    _entrapment_not_root(out, lex, letter.text)
    out.facts = [f for f in revise_symptoms(out.facts, lex, letter.text)
                 if not (f.kind in ("finding", "diagnosis") and f.concept in _ROOTS)]
    return out


# The roots of the terminology's conditions and findings name nothing a criterion reads, and
# denied they deny every condition: "She has no chronic medical conditions" had denied a carpal
# tunnel syndrome the nerve studies confirmed.
_ROOTS = frozenset({T("Condition"), T("ClinicalFinding")})
_LOW_RISK, _ELEVATED_RISK = T("LowMisuseRisk"), T("ElevatedMisuseRisk")


def _low_risk_is_no_elevated_risk(out: Extracted) -> None:
    """"ORT score 2 (low risk)" also says the risk is not moderate or high (as the terminology
    defines low risk), so criteria for an elevated risk read as not met, not undocumented."""
    for low in [f for f in out.facts if f.kind == "finding" and f.concept == _LOW_RISK
                and f.props["present"]]:
        if not _holds_finding(out, _ELEVATED_RISK, False, low.props["on_date"]):
            out.facts.append(Mention("finding", _ELEVATED_RISK, low.start, low.end, low.label,
                                     {**low.props, "present": False}))


_PREOPERATIVE_RISK = T("PreoperativeRiskFactor")


def _no_history_unless_told(out: Extracted, lex: Lexicon) -> None:
    """A history said to be clear ("PMH neg", "otherwise healthy") denies the conditions
    surgery is screened for, unless the record names one (a summary's "otherwise healthy"
    beside a diabetes on insulin is a manner of speaking)."""
    told = any(f.kind in ("finding", "diagnosis") and f.concept and (
        f.kind == "diagnosis" or f.props.get("present")) and f.concept != _PREOPERATIVE_RISK
        and lex.terms.is_a(f.concept, _PREOPERATIVE_RISK) for f in out.facts)
    if told:
        out.facts[:] = [f for f in out.facts if not (
            f.kind == "finding" and f.concept == _PREOPERATIVE_RISK and not f.props["present"])]


_CORROBORATED = T("RadiculopathyCorroborated")
_RADICULAR_KINDS = (T("RadicularSymptoms"), T("Radiculopathy"))


def _discordant_corroboration(out: Extracted, lex: Lexicon) -> None:
    """A root compromised on one side does not corroborate radicular pain told only on the
    other ("4 mm right paracentral disc protrusion contacting the right S1 nerve root", the
    pain down the left leg): imaging concordant with the symptoms is what the criteria ask."""
    told = {f.props.get("side") for f in out.facts if f.concept and (
        f.kind == "diagnosis" or f.kind == "finding" and f.props["present"]) and any(
        lex.terms.is_a(f.concept, k) for k in _RADICULAR_KINDS)} - {None}
    if not told or "Bilateral" in told:
        return
    out.facts[:] = [f for f in out.facts if not (
        f.kind == "finding" and f.concept and f.props["present"]
        and lex.terms.is_a(f.concept, _CORROBORATED)
        and f.props.get("side") in ("Left", "Right") and f.props["side"] not in told)]


# Numbness or tingling told in the hand or fingers, not said to travel there: "the numbness
# and tingling in both hands ... in the thumb index and middle fingers" (not "pain radiating
# down the arm into the thumb")
_IN_THE_HAND = re.compile(r"[^.;]{0,60}?\b(?:hands?|fingers?|thumbs?|wrists?|fingertips|"
                          r"digits)\b", re.I)
_TRAVELS = re.compile(r"\b(?:radiat\w*|down|into|shoot\w*|travel\w*|runs?|ran|from the "
                      r"(?:neck|shoulder)|arms?|forearms?)\b", re.I)
_ENTRAPMENT = (T("CarpalTunnelSyndrome"), T("PeripheralNervePathology"))


def _entrapment_not_root(out: Extracted, lex: Lexicon, text: str) -> None:
    """Numbness told in the hand, in a case of carpal tunnel syndrome with no radiculopathy
    diagnosed, is the nerve entrapment's symptom, not a root's: a reviewer reads it as the
    median nerve's (radicular symptoms would meet the criteria for a root's studies and
    injections)."""
    diagnosed = [f.concept for f in out.facts if f.kind == "diagnosis" and f.concept]
    if not any(lex.terms.is_a(c, k) for c in diagnosed for k in _ENTRAPMENT) or any(
            lex.terms.is_a(c, T("Radiculopathy")) for c in diagnosed):
        return
    for f in out.facts:
        if f.kind == "finding" and f.concept == _RADICULAR_KINDS[0] and f.props["present"] \
                and _IN_THE_HAND.match(text, f.end) and not _TRAVELS.search(
                    text[f.start:text.find(".", f.end) % (len(text) + 1)]):  # its sentence
            f.concept = T("PeripheralNervePathology")


_NEUROLOGICAL = T("NeurologicalFinding")
_EXAMINED = (T("DermatomalSensoryLoss"), T("MotorWeakness"), T("ReflexChange"))


def _normal_neurological_examination(out: Extracted, lex: Lexicon) -> None:
    """Sensation, strength and reflexes each found normal at one visit ("sensation, strength
    and DTRs nl BLE") is a normal neurological examination, as a reviewer reads it: no
    neurological finding that day, unless one is told present then (a positive straight leg
    raise). Criteria ask after the finding as a whole ("a subtle focal neurological
    dysfunction"), which the three denials one by one do not deny."""
    findings = [f for f in out.facts if f.kind == "finding" and f.concept]
    for day in {f.props["on_date"] for f in findings if f.concept in _EXAMINED}:
        that_day = [f for f in findings if f.props["on_date"] == day]
        denied = [f for f in that_day if f.concept in _EXAMINED and not f.props["present"]]
        if {f.concept for f in denied} != set(_EXAMINED) or any(
                f.props["present"] and lex.terms.is_a(f.concept, _NEUROLOGICAL)
                for f in that_day) or _holds_finding(out, _NEUROLOGICAL, False, day):
            continue
        first = min(denied, key=lambda f: f.start)
        out.facts.append(Mention("finding", _NEUROLOGICAL, first.start, first.end, first.label,
                                 {"on_date": day, "present": False}))


_DERANGEMENT = T("KneeInternalDerangementSign")
# the signs whose denial at one visit is a knee examination without internal derangement:
# mechanical symptoms and the McMurray test, with one more of effusion or ligament laxity
_DERANGEMENT_DENIED = (T("MechanicalKneeSymptoms"), T("McMurrayPositive"))
_DERANGEMENT_ALSO = (T("KneeEffusion"), T("KneeLigamentousInstability"))


def _knee_without_derangement(out: Extracted) -> None:
    """"She denied locking, catching or giving way; no effusion, McMurray negative, stable to
    varus and valgus stress" is a knee examination without signs of internal derangement, as
    a reviewer reads it; the criterion asks after the signs as a whole, which the denials one
    by one do not deny (as `_normal_neurological_examination` for the nerves). Not when any
    sign is told present that day."""
    findings = [f for f in out.facts if f.kind == "finding" and f.concept]
    for day in {f.props["on_date"] for f in findings if f.concept in _DERANGEMENT_DENIED}:
        that_day = [f for f in findings if f.props["on_date"] == day]
        denied = {f.concept for f in that_day if not f.props["present"]}
        told = [f for f in that_day if f.concept in _DERANGEMENT_DENIED + _DERANGEMENT_ALSO]
        if not (set(_DERANGEMENT_DENIED) <= denied and denied & set(_DERANGEMENT_ALSO)) or any(
                f.props["present"] and f.concept in (_DERANGEMENT, *_DERANGEMENT_DENIED,
                                                     *_DERANGEMENT_ALSO, T("JointLineTenderness"))
                for f in that_day) or _holds_finding(out, _DERANGEMENT, False, day):
            continue
        first = min(told, key=lambda f: f.start)
        out.facts.append(Mention("finding", _DERANGEMENT, first.start, first.end, first.label,
                                 {"on_date": day, "present": False}))


_HOMEBOUND, _HOME_CARE = T("Homebound"), T("HomeHealthServices")


def _keep_homebound_for_home_care(out: Extracted, lex: Lexicon) -> None:
    """Whether the worker is homebound is asked only of home care; elsewhere "drives to work"
    or "walks two miles" tell function, not a home-care status a reviewer would record."""
    if any(f.kind == "request" and f.concept and lex.terms.is_a(f.concept, _HOME_CARE)
           for f in out.facts):
        return
    out.facts = [f for f in out.facts if not (
        f.kind == "finding" and f.concept == _HOMEBOUND and not f.props["present"]
        and not lex.first(f.label, _HOMEBOUND))]


# Besides full stops, a statement ends at a blank line, before a heading line ("Treatment since
# the injury has included:"; a list stays with its heading) and
# before a labelled field written inline: "Dx: lumbar strain. Tx to date: PT, ESI x3".
# A code column's header after a heading's colon: "DIAGNOSES:          ICD-10"
_CODE_COLUMN = r"(?:[ \t]+(?:ICD[- ]?(?:9|10)(?:[- ]?CM)?|CPT|HCPCS|codes?)(?:[ \t]+codes?)?)?"
_BLOCK = re.compile(r"\n[ \t]*\n|\n(?=[^\n]{1,80}:" + _CODE_COLUMN + r"[ \t]*\n)|"  # ("A:")
                    # a heading alone on its line, in capitals or one word ("ASSESSMENT",
                    # "Impression."): cleaning drops the blank lines that set it apart
                    # (a numbered one in capitals only: "3. Depression" is a list's item)
                    r"\n(?=[ \t]*(?:(?:\d{1,2}[.)][ \t]*)?[A-Z][A-Z0-9 /&'-]{2,40}"
                    r"(?:\([^)\n]{1,24}\))?|[A-Z][a-z]{3,20}\.?)[ \t]*\n)|"
                    # ... or in brackets, as an EHR export heads its parts: "[OBJECTIVE]"
                    r"\n(?=[ \t]*\[[A-Z][A-Z0-9 /&'-]{2,40}\][ \t]*\n)|"
                    # a line opening with a dated entry: "05/05/2015 - orthopedic visit",
                    # "08/23/2016. Operative report: ..."
                    r"\n(?=[ \t]*\d{1,2}[/-]\d{1,2}[/-]\d{2,4}[ \t]*(?:[-:(\u2013]|"
                    # (closed by a full stop, its record's label: "08/23/2016. Operative report:"
                    # and not a date that a line happens to open with, "08/20/2012. A urine")
                    r"\.[ \t]+[A-Z][^.\n:]{0,60}:))|"
                    # ... or its date in brackets: "[06/05/2019] Occupational medicine (PTP):"
                    r"\n(?=[ \t]*\[\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\])|"
                    # a SOAP note's part on its own line: "S: 42 y/o male ..." ends a list above
                    r"\n(?=[ \t]*[SOAP][ \t]*:[ \t])|"
                    # ... or its part named, its words after it on the line, in any case (a
                    # dictation's "interval history: he saw ...", "SUBJECTIVE: Pain 6/10")
                    # (not a "History:" of the past: its conditions are no diagnoses of now)
                    r"\n(?=[ \t]*(?i:subjective|objective|interval history|"
                    r"history of (?:the )?present illness|chief complaint|"
                    r"physical exam(?:ination)?|examination|review of systems|work status|"
                    r"discussion|recommendations?|requests?)[ \t]*:)|"
                    # a list's heading in small letters, with its source: "Problem list (hand
                    # surgeon 08/16/2022)", "Current medications"
                    r"\n(?=[ \t]*(?i:(?:active |current )?problems?(?: list)?|diagnos[ie]s|"
                    r"(?:current )?medications?|treatments? to date)(?:[ \t]*\([^)\n]{1,48}\))?"
                    r"[ \t]*\n)|"
                    r"(?:(?<=[.;] )|(?<=\n))(?=(?:Dx(?: list)?|Tx(?: to date)?|Meds|Medications|"
                    r"Exam|Plan|Imaging|Assessment|Impression|Diagnos[ie]s|PMH|HPI|ROS|"
                    r"Treatments?(?: to date| history)?|"  # and "Surgeon's plan:"
                    r"[A-Z][A-Za-z'-]*(?:[ \t]+[A-Za-z'-]+){0,2}[ \t]+plan)"
                    # (with its source: "Diagnoses (PTP 07/07/2020):")
                    r"(?:[ \t]*\([^)\n]{1,48}\))?\s*:)")


def _statements(sentences):
    """Each sentence, cut at the semicolon before a cue that opens a statement of its own far
    into it: a note written as one run-on paragraph ("...; she takes naproxen 500 mg twice a
    day ...; impression right knee sprain ...; I would like an MRI") tells history,
    medications and diagnoses in one sentence, and each is read as the statement it is."""
    for start, sentence, heading in sentences:
        cuts = sorted({sentence.rfind(";", 0, cue.start()) + 1
                       for pattern in _OPENERS for cue in pattern.finditer(sentence)
                       if sentence.rfind(";", 0, cue.start()) > 0})
        bounds = [0, *cuts, len(sentence)]
        for a, b in zip(bounds, bounds[1:], strict=False):
            for c, d in _bounded(sentence, a, b):
                part = sentence[c:d]
                lead = len(part) - len(part.lstrip())
                if part.strip():
                    yield start + c + lead, part.strip(), heading


# The longest statement read whole. Reading a statement costs more than its length (patterns
# look back over it per fact), so a "sentence" of 100 kB (a pasted list, a hostile letter) took
# minutes; the longest sentence of a real letter in the corpus is under 3,000 characters.
_LONGEST = 4000


def _bounded(sentence: str, a: int, b: int):
    """[a, b) in pieces of at most _LONGEST characters, cut after a comma or a space."""
    while b - a > _LONGEST:
        cut = max(sentence.rfind(", ", a, a + _LONGEST), sentence.rfind(" ", a, a + _LONGEST))
        cut = cut + 1 if cut > a else a + _LONGEST
        yield a, cut
        a = cut
    yield a, b


def _sentences(text: str, rows: list[int] | None = None):
    """(offset, sentence, heading) with line breaks as spaces (offsets unchanged); the
    heading is the label that opens the sentence's block ("ASSESSMENT", "Current meds").
    Each of `rows` (where an aligned table's lines begin) begins a statement."""
    block_start, listed, number = 0, "", 0
    for block in [*_BLOCK.finditer(text), None]:
        end = block.start() if block else len(text)
        label = _LABEL.match(text, block_start, end) or _INLINE_PLAN.match(text, block_start, end)
        heading = label.group(1) if label else ""
        item = _NUMBERED.match(text, block_start, end)
        if item and listed and int(item.group(1)) == number + 1:
            # "DIAGNOSES:\n1. LUMBAR SPRAIN/STRAIN\n2. DEPRESSION": an item of the list above in
            # capitals, not a heading of its own (its words had been skipped as a heading's)
            heading, number = listed, number + 1
        else:
            listed, number = (heading, 0) if _section(heading) else ("", 0)
        # each bulleted line is a statement of its own, under the block's heading (a bullet
        # line need not end with a full stop, and one that does is followed by a dash)
        piece = block_start
        for cut in [*sorted({*_bullet_cuts(text, block_start, end),
                             *_charted_cuts(text, block_start, end),
                             *(r for r in rows or () if block_start < r < end)}), end]:
            for at, sentence in _block_sentences(text[piece:cut].replace("\n", " "), piece):
                yield at, sentence, heading
            piece = cut
        block_start = block.end() if block else end


# (a bulleted line, "- ", "-- ", "-> ", "=> ", is a statement of its own: a nurse's "-- Meds
# (per PR-2 01/21/20): oxyIR 15 mg ...")
# (a row of a '|' table is a statement of its own too: "| 06/02/2015 | PTP | Epigastric ...",
# and an export's coded field: "MON.UDS: 06/18/2019 - consistent", "GI.ULCER_HX: none")
# (a row need not open with its '|': "08/2024 - 10/2024 | Physical therapy, 12 visits | ...")
_BULLET = re.compile(r"[ \t]*(?:(?:-{1,2}>?|=>|[\u2022*>\u2192])[ \t]+\S|\||"
                     r"[A-Z][A-Z0-9]*(?:[._][A-Z0-9]+)+[ \t]*:|"
                     r"(?=[^\n|]*\|[^\n|]*\|))")


# A charted line that opens in small letters after a line's full stop starts a statement of
# its own: "h/o PUD 2015.\nh/o: PT x20 2016-17; prior ESI ...", "... 5/5 LE.\ns/p L4-5 TLIF"
# (and one that opens with a date or a count: "... babysits grandson.\n4 A's documented; ...",
# "... N/V/C.\n4/20/21 PR-2 - stable")
_CHARTED_NEXT = re.compile(r"\.[ \t]*\n(?=[a-z][\w/'-]{0,12}[ \t]*:|(?:s/p|h/o|f/u|c/o|pt|hx|dx|tx|"
                           r"rx|sx)\b|\d(?!\d?[.)][ \t]))")  # (not a numbered list's "3) ")


# A dictated section word that opens a line with no full stop before it: "... she is right
# handed\nassessment bilateral carpal tunnel syndrome\nplan will request EMG ..." (the note's
# run-on sentences had carried the exam's "no thenar atrophy" onto the diagnosis)
_SECTION_NEXT = re.compile(r"(?<![,;:(\-])(?<!\band)(?<!\bthe)(?<!\bof)(?<!\bwith)(?<!\bno)"
                           r"(?<!\ban)(?<!\ba)(?<!\bor)(?<!\bto)[ \t]*\n(?=[ \t]*(?-i:assessment|"
                           r"impression|plan|diagnos[ie]s)\b(?![ \t]+(?:of|to|for|was|is|and|that|"
                           r"with)\b))", re.I)  # (in small letters, as dictation leaves it)


def _charted_cuts(text: str, start: int, end: int) -> list[int]:
    # (a request's numbered heading is a line of its own, layout.HEADED_REQUEST: "REQUEST 2 -
    # GABAPENTIN 300 MG, #90" then the paragraph arguing it, "He has taken gabapentin since
    # 07/12/2021"; joined to the heading's line, a plan's, the drug taken was only asked for)
    return [found.end() for found in HEADED_REQUEST.finditer(text, start, end)] + \
        [found.end() for found in _CHARTED_NEXT.finditer(text, start, end)] + \
        [found.end() for found in _SECTION_NEXT.finditer(text, start, end)] + \
        [found.end() for found in _ROW_THEN_STATEMENT.finditer(text, start, end)] + \
        [found.end() for found in _DATED_ROW_THEN_STATEMENT.finditer(text, start, end)]


# A dated row's line, then a statement: "12/10/2019 - negative for hydrocodone; positive for
# alprazolam; inconsistent\nA CURES report dated 01/07/2020 showed ..." (the row has no stop;
# joined, its "inconsistent" had become the CURES report's result)
_DATED_ROW_THEN_STATEMENT = re.compile(r"(?m)^\d{1,2}/\d{1,2}/\d{2,4}[ \t]*[-\u2013:][^\n]*"
                                       r"[^.:\n]\n(?=(?:A|An|The|She|He|They|On|At|In)[ \t])")


# A table's last row before a dated statement: "flexion 0-115\nOn 04/09/2024, the surgeon
# documented ..." (a short line without a stop ends its row; joined, the row's "denies" had
# negated the drug the statement credits)
_ROW_THEN_STATEMENT = re.compile(r"\n[^\n.!?;,:]{1,40}\n(?=(?:On|At|In) (?:\d|the |"
                                 r"[A-Z][a-z]+ \d))")


def _bullet_cuts(text: str, start: int, end: int) -> list[int]:
    """Where the statements of bulleted lines begin and end: at each bullet, and at the first
    line after a bullet's that is neither a bullet nor its continuation (indented, or opening
    in small letters: cleaning strips the indentation)."""
    cuts, bulleted = [], False
    for line in re.finditer(r"\n([^\n]*)", text[start:end]):
        body = line.group(1)
        if _BULLET.match(body):
            cuts.append(start + line.start())
            bulleted = True
        elif bulleted and body[:1] not in (" ", "\t") and not body[:1].islower():
            cuts.append(start + line.start())
            bulleted = False
    return cuts


# A heading on a line of its own ("ASSESSMENT:") or opening a numbered list ("A: 1) ..."):
# an inline label ("Dx: lumbar strain. Exam: ...") speaks for its own sentence only.
_LABEL = re.compile(r"[ \t]*(?:\d{1,2}[.)][ \t]*)?\[?([A-Za-z][A-Za-z /&'-]{0,40}?"
                    r"(?:[ \t]*\([^)\n]{1,48}\))?)\]?[ \t]*"
                    r"(?::(?=" + _CODE_COLUMN + r"[ \t]*(?:\n|$|\(?\d{1,2}[.)]\s))|"
                    r"\.?(?=[ \t]*\n))")
# A paragraph that opens with its plan's label: "Surgeon's plan: open A1 pulley release ...
# Post-op OT twice a week for six weeks" (its later sentences are the plan too)
_INLINE_PLAN = re.compile(r"[ \t]*((?:[A-Za-z][A-Za-z'-]*[ \t]+){0,3}?(?:plan|plans|plan of care))"
                          r"[ \t]*:", re.I)
# A block headed by one of these lists facts of one kind, one per line or item.
_SECTIONS = (
    ("diagnosis", re.compile(r"^(?:a|assessments?|diagnos[ie]s|dx|impressions?|"
                             r"(?:working|final|discharge|current|industrial) diagnos[ie]s|"
                             r"(?:active |current )?problems?(?: list)?|(?:dx|diagnos[ie]s) list)$",
                             re.I)),
    ("prior", re.compile(r"^(?:(?:prior|previous|past) (?:treatments?|care)|treatments? "
                         r"(?:to date|history)|conservative (?:care|treatment)|tx(?: to date)?)$",
                         re.I)),
    ("medication", re.compile(r"^(?:(?:current )?(?:medications?|meds)|rx)$", re.I)),
    # what is asked for is not yet had: no course or medication is read from a plan
    ("plan", re.compile(r"^(?:(?:[A-Za-z'-]+ ){0,3}?(?:plans?|plan of care)|p|a/p|requests?|"
                        r"rfa|recommendations?|orders?|"
                        # "Request authorization for:", "Authorization requested for:"
                        r"(?:please )?request(?:ing)? authori[sz]ation(?: for| of)?|"
                        r"authori[sz]ation (?:is )?requested(?: for)?|"
                        # "The provider requested:", "Dr. Lee requests the following:" (a
                        # requester named: "Services requested:" heads a form's block, which
                        # may run on into the history)
                        r"(?:the (?:[A-Za-z'-]+ )?(?:provider|physician|doctor|surgeon|ptp|"
                        r"clinician|practitioner)|dr\.? [A-Za-z'-]+|he|she) (?:requested|"
                        r"requests|is requesting|recommended|recommends|ordered|orders)"
                        r"(?: the following| authori[sz]ation (?:of|for))?)$", re.I)),
)


_NUMBERED = re.compile(r"[ \t]*(\d{1,2})[.)][ \t]")


def _section(heading: str) -> str | None:
    bare = re.sub(r"\s*\([^)]*\)", "", heading).strip()  # "DIAGNOSES (PTP)"
    return next((kind for kind, pattern in _SECTIONS if pattern.match(bare)), None)


def _block_sentences(text: str, offset: int):
    start = 0
    # (not after the date that opens an entry: "08/23/2016. Operative report: ...")
    boundaries = [b for b in _SENTENCE.finditer(text)
                  if not _ENTRY_DATE.fullmatch(text, 0, b.start())]
    if _LOWER_START.search(text):
        boundaries = sorted([*boundaries, *(b for b in _LOWER_START.finditer(text)
                                             if _opens_in_lower_case(text, b.start()))],
                            key=lambda b: b.start())
    for boundary in boundaries:
        yield offset + start, text[start:boundary.start() + 1]
        start = boundary.end()
    if text[start:].strip():
        yield offset + start, text[start:]


def _sentence_date(sentence: str) -> dt.date | None:
    found = _STUDY_DATE.search(sentence) if _DIGIT.search(sentence) else None
    return parse_date(found.group(1)) if found else None


def _worker(out: Extracted, sentence: str, at: int) -> None:
    if out.age is None and (found := next((a for a in _AGE.finditer(sentence)
                                           if _the_workers_age(sentence, a)), None)):
        out.age = (_years(found), at + found.start(), at + found.end())
        # (the age after a name: the title is the sex, "Ms. Vasquez-Lindholm, 47,")
        sex = _TITLE.match(sentence, found.start()) if found.group(3) else \
            _SEX.search(sentence, found.end(), found.end() + 40) or \
            _SEX.search(sentence, max(0, found.start() - 40), found.start())
        if sex and found.group(3) and out.sex is None:
            out.sex = ("Male" if sex.group(1) else "Female", at + sex.start(), at + sex.end())
        elif sex and out.sex is None:
            word = (sex.group(1) or sex.group(2) or sex.group(3)).lower()
            out.sex = ("Male" if word in ("male", "man", "gentleman", "m") else "Female",
                       at + sex.start(), at + sex.end())
    if out.sex is None and (title := _TITLE.search(sentence)):
        out.sex = ("Male" if title.group(1) else "Female", at + title.start(), at + title.end())
    if out.injury is None and (found := _INJURY.search(sentence)):
        day = parse_date(found.group(1))
        if day:
            out.injury = (day, at + found.start(), at + found.end())


def _the_workers_age(sentence: str, found: re.Match[str]) -> bool:
    """An age that can be the worker's: not a child's ("lift his 3-year-old"), of working
    age (the case's shape asks for 14 or more)."""
    return _years(found) >= 14 and not _CHILD_OF.search(sentence, max(0, found.start() - 12),
                                                         found.start())


def _years(found: re.Match[str]) -> int:
    return int(found.group(1) or found.group(2) or found.group(3))


_CHILD_OF = re.compile(r"\b(?:his|her|their|my)\s+$|\b(?:son|daughter|child|grandchild)\W+$",
                       re.I)


def _side(text: str) -> str | None:
    sides = _SIDE.findall(text)
    if not sides:
        return None
    side = sides[-1].lower()
    return "Bilateral" if side.startswith("bilateral") else side.capitalize()


# A diagnosis the list says a study confirmed: "..., confirmed by MRI", "confirmed on EMG/NCV"
_CONFIRMED_BY = re.compile(r"\bconfirmed\s+(?:by|on|with|via)\s+(?:the\s+|an?\s+)?(?:(?P<imaging>"
                           r"MRI|CT|imaging|myelogra\w*)|(?P<edx>EMG|NCV|NCS|EMG/NC[VS]|electro\w*|"
                           r"nerve conduction\w*))", re.I)


def _confirmed_kind(lex: Lexicon, condition: str, after: str) -> str | None:
    """The confirmed form of a radiculopathy or carpal tunnel syndrome its item says a study
    confirmed, else None."""
    said = _CONFIRMED_BY.search(after)
    if said is None:
        return None
    if lex.terms.is_a(condition, T("Radiculopathy")):
        return T("RadiculopathyConfirmedByImaging") if said.group("imaging") else \
            T("RadiculopathyCorroborated")
    if lex.terms.is_a(condition, T("CarpalTunnelSyndrome")) and said.group("edx"):
        return T("ElectrodiagnosticallyConfirmedCTS")
    return None


def _diagnoses(out: Extracted, lex: Lexicon, sentence: str, at: int, cue: int) -> None:
    prev = cue
    hits = lex.find(sentence[cue:], T("Condition"))
    for n, hit in enumerate(hits):
        # Each item of a diagnosis list is asserted on its own: "suggestive of" or "no" in one
        # item says nothing of the next.
        item = _list_item(sentence, cue + hit.start, cue + hit.end)
        [assertion] = assertions(sentence[item[0]:item[1]],
                                 [(cue + hit.start - item[0], cue + hit.end - item[0])])
        if assertion not in _DIAGNOSED:
            continue  # "no fracture", "mother has diabetes"
        if _TO_RULE_OUT.search(sentence, item[0], item[1]) or \
                _DIFFERENTIAL.search(sentence, item[0], item[1]):
            # "rule out rotator cuff tear" is a question; "rule out compression fracture of
            # L2" is also the suspicion a guideline names as a red flag
            if suspected := _suspicion(hit.term, lex):
                out.facts.append(Mention("finding", suspected, at + cue + hit.start,
                                         at + cue + hit.end,
                                         sentence[cue + hit.start:cue + hit.end],
                                         {"present": True, "on_date": None, "side": None,
                                          "region": None}))
            continue
        start, end = cue + hit.start, cue + hit.end
        props = {"side": _side(sentence[prev:start].split(",")[-1])}
        # "osteoarthritis, right knee", "radiculopathy at L5-S1": its region, for _refine
        named = lex.first(sentence[item[0]:item[1]], T("BodyRegion"))
        props["region"] = named.term if named else request_items.level_region(
            sentence[item[0]:item[1]])
        props["grade"] = _grade(sentence, max(prev, start - 30), start, end,
                                cue + hits[n + 1].start if n + 1 < len(hits) else len(sentence))
        out.facts.append(Mention("diagnosis", hit.term, at + start, at + end, sentence[start:end],
                              props))
        if confirmed := _confirmed_kind(lex, hit.term, sentence[end:cue + hits[n + 1].start
                                                                if n + 1 < len(hits)
                                                                else len(sentence)]):
            # "Cervical radiculopathy, right C6, confirmed by MRI": the confirmed diagnosis
            out.facts.append(Mention("diagnosis", confirmed, at + start, at + end,
                                     sentence[start:end], dict(props)))
        prev = end
    if out.region is None:
        region = lex.first(sentence[cue:], T("BodyRegion"))
        out.region = region.term if region else None


# "She has chronic low back pain", "a worker with a right L5 radiculopathy", "treated for
# lumbar sprain": conditions told in the narrative are diagnoses too.
_HAS = re.compile(r"\b(?:has|have|had|with|suffers?(?: from)?|carries|diagnos\w*|because of|"
                  r"due to|secondary to|treated for|treatment of|for (?:his|her|the))\b", re.I)


# ... or in the passive, the conditions before: "Lumbar degenerative disc disease and chronic
# lumbar strain were diagnosed by the treating physician."
_DIAGNOSED_PASSIVE = re.compile(r"\b(?:was|were|is|are|has been|have been|had been)\s+"
                                r"(?:(?!not\b|never\b)\w+\s+)?diagnosed\b"
                                r"(?!\s+(?:with|as)\b)", re.I)


# What a request is for is no diagnosis: "requested ... ondansetron 4 mg ODT #10 for
# post-operative nausea", "recommends a brace for possible instability"
# (not what was prescribed or treated: "was prescribed gabapentin for radicular pain" tells
# the radicular pain)
_ASKING = re.compile(r"\b(?:request\w*|recommend\w*|order\w*|authori[sz]\w*|RFA)\b", re.I)
_FOR_BEFORE = re.compile(r"(?<!treated )(?<!seen )(?<!evaluated )(?<!followed )(?<!managed )"
                         r"\b(?:for|to prevent|in case of)\s+(?:[\w-]+\s+)?$", re.I)


def _narrated_diagnoses(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    if passive := _DIAGNOSED_PASSIVE.search(sentence):
        begin, stop = 0, passive.start()
    elif cue := _HAS.search(sentence):
        begin, stop = cue.end(), len(sentence)
    else:
        return
    held = {f.concept for f in out.facts if f.kind == "diagnosis"}
    asked = _ASKING.search(sentence) is not None
    hits = [h for h in lex.find(sentence[begin:stop], T("Condition"))
            if not lex.terms.is_a(h.term, T("ClinicalFinding")) and h.term not in held
            and not (asked and _FOR_BEFORE.search(sentence, max(0, begin + h.start - 30),
                                                  begin + h.start))]
    said = assertions(sentence, [(begin + h.start, begin + h.end) for h in hits])
    for hit, assertion in zip(hits, said, strict=True):
        if assertion is Assertion.PRESENT:
            start, end = begin + hit.start, begin + hit.end
            item = _list_item(sentence, start, end)
            named = lex.first(sentence[item[0]:item[1]], T("BodyRegion"))
            out.facts.append(Mention("diagnosis", hit.term, at + start, at + end,
                                     sentence[start:end], {
                                         "side": _side(sentence[item[0]:start]),
                                         "region": named.term if named else
                                         request_items.level_region(sentence[item[0]:item[1]]),
                                         "grade": _grade(sentence, max(0, start - 30), start,
                                                         end, item[1])}))


# How severe a condition is said to be: "severe primary osteoarthritis", "end-stage
# osteoarthritis of the left knee", "osteoarthritis, left knee, severe" (a form's order)
# (and radiographic grades: "grade 4 of 4", "Kellgren-Lawrence grade III", "KL 4")
_GRADE = re.compile(r"\b(?:(?P<severe>severe|end[- ]stage|advanced|bone[- ]on[- ]bone|"
                    r"(?:KL|Kellgren[- ]Lawrence)?\s*grade\s*(?:4|IV)(?:\s*(?:of|out of|/)\s*"
                    r"(?:4|IV))?|KL\s*(?:4|IV))|"
                    r"(?P<moderate>moderate(?:ly)?(?:\s*(?:to|-)\s*severe)?|(?:KL|Kellgren[- ]"
                    r"Lawrence)?\s*grade\s*(?:3|III)(?:\s*(?:of|out of|/)\s*(?:4|IV))?|"
                    r"KL\s*(?:3|III))|(?P<mild>mild))\b", re.I)


_DENIED_GRADE = re.compile(r"\b(?:no|not|without|nor)\s+(?:\w+\s+){0,2}$", re.I)
# A Kellgren-Lawrence grade stated alone ("Kellgren-Lawrence grade 2", "KL 3"): the grade of the
# osteoarthritis the case names
_KL = re.compile(r"\b(?:KL|Kellgren[- ]Lawrence)\s*(?:grade\s*)?(?P<grade>[0-4]|I{1,3}|IV)\b",
                 re.I)
_KL_GRADE = {"0": "mild", "1": "mild", "2": "mild", "3": "moderate", "4": "severe", "I": "mild",
             "II": "mild", "III": "moderate", "IV": "severe"}
_ICD_IN_BRACKETS = re.compile(r"\s*\([A-Z]\d{2}(?:\.[0-9A-Z]{1,4})?\)")


def _grade(sentence: str, before: int, start: int, end: int, until: int) -> str | None:
    """The grade said of the condition at sentence[start:end]: in the words just before it,
    else in those after it up to the next condition, within its line and clause."""
    ahead = re.split(r"[\n;.(]", sentence[before:start])[-1]
    # (past the condition's code: "osteoarthritis, left knee (M17.12), moderate")
    after = re.split(r"[\n;.(]", _ICD_IN_BRACKETS.sub("", sentence[end:min(until, end + 60)]))[0]
    # (not a grade denied: "no moderate or severe joint space loss")
    found = [g for g in _GRADE.finditer(ahead) if not _DENIED_GRADE.search(ahead, 0, g.start())] \
        or [g for g in _GRADE.finditer(after) if not _DENIED_GRADE.search(after, 0, g.start())]
    if not found:
        return None
    grade = found[-1] if found[-1].string is ahead else found[0]
    return next(k for k in ("severe", "moderate", "mild") if grade.group(k))


# A drug begun on a date told after it: "switched him to pregabalin on 01/20/2015"
# (after its dose and directions too: "She began ... naproxen 500 mg twice a day on 7/6/15")
_ON_DATE = re.compile(r"(?:[^.;,]|\.(?=\d)){0,40}?\b(?:on|in)\s+(" + DATE_RE.pattern + ")",
                      re.I)
_BEGUN = re.compile(r"\b(?:switched|changed|transitioned|started|began|put|initiated)\b", re.I)
def _own_clause(before: str) -> str:
    """The words before a name back to the last label or line ("Date of injury: 08/11/2016
    History: cyclobenzaprine was started": the injury's date is not the start's)."""
    return before[max(before.rfind(":"), before.rfind("\n")) + 1:]


# A drug said to be started just after its name, dose and directions
_STARTED_AFTER = re.compile(r"(?:[^.;]|\.(?=\d)){0,90}?\b(?:was|were|has been|had been)\s+"
                            r"(?:then\s+|also\s+|newly\s+)?(?:started|begun|initiated|added|"
                            r"introduced|"
                            r"(?:first|initially)\s+prescribed|"
                            # "was prescribed at discharge on 07/10/2018": the course began
                            r"prescribed(?=\s+(?:at|on|upon|after)\s+(?:hospital\s+)?discharge))"
                            r"\b", re.I)
# ... its date told after the start and who started it: "was started by his psychiatrist on
# 08/28/2023" (no full stop or clause between)
_STARTED_ON_AFTER = re.compile(r"(?:\s+(?:by|at|with|upon|after)\s+[^.;,\d]{1,40}?)?\s+(?:on|in)"
                               r"\s+(" + DATE_RE.pattern + ")", re.I)
def _start_told_after(tail: str) -> dt.date | None:
    """A drug's start told after its name, with its date: "Clonazepam 0.5 mg at bedtime was
    started by his psychiatrist on 08/28/2023", "was added by another physician on ..."."""
    if (begun := _STARTED_AFTER.match(tail)) and (on := _STARTED_ON_AFTER.match(tail,
                                                                               begun.end())):
        return parse_date(on.group(1))
    return None


# A start told by the day of the operation: "Oxycodone 5 mg was first prescribed on the day of
# surgery", "has taken it since his surgery" (the surgery's date, told elsewhere, is its start)
_ON_SURGERY_DAY = re.compile(r"\s+(?:on\s+the\s+(?:day|date)\s+of|since)\s+"
                             r"(?:the\s+|his\s+|her\s+)?(?:surgery|operation|procedure)\b"
                             r"(?!\s+(?:on|dated|of)\s+\d)", re.I)


# ... or given out that day: "A four-day supply of Norco 5/325 mg was dispensed on the day of
# surgery" (a refill dispensed on a date is no start)
_DISPENSED_AFTER = re.compile(r"(?:[^.;]|\.(?=\d)){0,90}?\b(?:was|were|had been)\s+(?:dispensed|"
                              r"given|supplied|provided|issued)\b", re.I)


def _on_surgery_day(tail: str) -> bool:
    begun = _STARTED_AFTER.match(tail) or _DISPENSED_AFTER.match(tail)
    return bool(begun and _ON_SURGERY_DAY.match(tail, begun.end()))


def _start_told(sentence: str, start: int, end: int, tail: str) -> dict:
    """The start the sentence tells of the drug named at sentence[start:end] (`tail`: its words
    up to the next name), as props: told after it with its date ("was added by another
    physician on 08/21/2023", before a date ahead of the name, which may be a header's), by the
    discharge ("discharged home on 07/08/2018 with Norco", "on 2/16/18, she was discharged home
    on tramadol"), by the day of surgery (marked for `items.postsurgical_courses` to date), or
    by its sentence's own date ("On 11/03/2014 Fexmid ... was started")."""
    if begun := _start_told_after(tail):
        return {"start": begun}
    if sent := _SENT_HOME_WITH.search(sentence, 0, start):
        return {"start": parse_date(sent.group(1) or sent.group(2))}
    if (_SAME_DAY_HOME.search(sentence, 0, start) or _ORDERED_WITH.search(sentence, 0, start)) \
            and (that_day := find_dates(sentence[:start])):
        return {"start": that_day[-1][0]}
    if _on_surgery_day(sentence[end:end + 160]):  # (not the tail: "surgery" is a name too)
        return {"since_surgery": True}
    if dated := _start_dated_before(tail, sentence[:start]):
        return {"start": dated}
    return {}


def _start_dated_before(tail: str, before: str) -> dt.date | None:
    """A drug's start told after it, dated by its sentence before it: "On 11/03/2014 Fexmid 7.5
    mg twice a day was started", "On November 20, 2013, he reported a flare, and
    cyclobenzaprine 7.5 mg at bedtime was added" (the sentence's own date only: the report's
    date in force may be long after a start told without one)."""
    if _STARTED_AFTER.match(tail) and (dated := find_dates(_own_clause(before))):
        return dated[-1][0]
    return None


# A drug started at the visit the report tells: "was started at this visit", "started today"
_STARTED_NOW = re.compile(r"\b(?:started|begun|initiated|prescribed)\s+(?:at\s+(?:this|today's|the "
                          r"present)\s+visit|today)\b", re.I)


# A therapy's own record named by its visit: "the therapy re-evaluation of 02/20/2025 lists 24
# visits to date", "the PT progress visit" (the course's, no office visit of its own)
_CARE_RECORDED = re.compile(r"\b(?:therapy|PT|therapist['\u2019]?s?|chiropractic|chiropractor"
                            r"['\u2019]?s?|acupuncture|acupuncturist['\u2019]?s?)\s+$", re.I)


_RECORD_WORD = re.compile(r"evaluation|re-?eval|visit|note", re.I)


def _record_of_care(lex: Lexicon, clause: str, hit: Match) -> bool:
    return lex.terms.is_a(hit.term, T("FollowUpOfficeVisit")) and \
        bool(_CARE_RECORDED.search(clause, max(0, hit.start - 25), hit.start))


def _without_records(lex: Lexicon, clause: str, found: list[Match]) -> list[Match]:
    """The names of care in the clause less a therapy's records ("the therapy re-evaluation of
    02/20/2025 lists 24 visits") and the therapy that names a record when the course is named
    again ("A chiropractic re-evaluation dated 12/17/2013 documented completion of 6
    chiropractic visits"; named once, it is the course the record tells)."""
    if not _RECORD_WORD.search(clause):
        return found  # (the cheap test first: most clauses name no record)
    records = {(h.start, h.end) for h in lex.find(clause, T("FollowUpOfficeVisit"))
               if _record_of_care(lex, clause, h)}
    return [h for h in found if (h.start, h.end) not in records and not (
        any(0 <= start - h.end <= 1 for start, _ in records)
        and any(o is not h and o.term == h.term for o in found))]


def _listed(out: Extracted, lex: Lexicon, sentence: str, at: int, cue: int, kind: str,
            studies: bool = True, visit: dt.date | None = None) -> None:
    """A list of treatments, studies or drugs; what follows each name (dates, sessions, dose,
    response) up to the next name belongs to it."""
    clause = sentence[cue:]
    within = (T("Drug"),) if kind == "medication" else (T("Service"),)
    hits = [_at_its_site(lex, clause, h)
            for h in _without_records(lex, clause, _unlabelled(clause, lex.find(
                clause, *within), lex))
            if not _time_anchor(clause, h)]  # "ten weeks after surgery": when, not what
    if not hits and kind == "prior":
        _counted_of_told(out, lex, sentence, at)
        return
    said = assertions(sentence, [(cue + h.start, cue + h.end) for h in hits])
    # (the date the drugs were started on, told before the first of them: "without radiation"
    # is no drug to stop at)
    first_drug = next((h for h in hits if lex.terms.is_a(h.term, T("Drug"))), None)
    opening = (_STARTED_ON.search(sentence[:cue + first_drug.start])
               or _OPENS_DATED.search(sentence[:cue + first_drug.start])) if first_drug else None
    started = parse_date(opening.group(1)) if opening else None
    listed: dict[str, Mention] = {}  # each course of this list by its treatment
    for n, hit in enumerate(hits):
        if said[n] is Assertion.ABSENT and kind == "prior" and \
                not _THIS_COURSE.search(sentence):
            out.never_had.add(hit.term)  # "has not had PT": a request for it is a first course
        if said[n] in (Assertion.ABSENT, Assertion.HYPOTHETICAL, Assertion.FAMILY):
            continue  # "has not had PT", "would consider acupuncture": no course to read
        if _MECHANISM.search(clause[:hit.start]) or _occupation(clause, hit):
            continue  # "injured while lifting a mattress that had slipped"
        if kind == "prior" and _only_evaluated(lex, clause, hit):
            continue  # "a functional restoration program evaluation on 01/22/2024"
        if _made_with(lex, hit.term, clause, hit.start):
            continue  # "medial branch blocks with lidocaine": what the block was made with
        if _screened(lex, hit.term, clause, hit):
            continue  # "a urine drug screen ... was positive for alprazolam": what it found
        tail = clause[hit.end:hits[n + 1].start if n + 1 < len(hits) else len(clause)]
        lead = clause[hits[n - 1].end if n else 0:hit.start]
        name = clause[hit.start:hit.end]
        start, end = at + cue + hit.start, at + cue + hit.end
        study = lex.terms.is_a(hit.term, T("DiagnosticService"))
        if study and not studies:
            continue  # a sentence that reports a study is read by _studies
        this_kind = "study" if study else kind
        if this_kind == "prior" and lex.terms.is_a(hit.term, T("Drug")) and \
                hit.term != T("Drug") and (_NOW.search(lead) or not _STOPPED.search(
                    sentence[:cue]) and not _stopped(clause, hits, n)):
            # "has been prescribed naproxen since 2013": still taken. ("Medications" in a
            # treatment history names no drug: a past course.)
            this_kind = "medication"
        props = request_items.course_props(tail, lead, name) if not study else {}
        if started is not None and not props.get("start") and \
                lex.terms.is_a(hit.term, T("Drug")):
            props["start"] = started  # "on 06/15/2013 ... started on naproxen and Flexeril"
        elif visit and not props.get("start") and _STARTED_NOW.search(tail) and \
                lex.terms.is_a(hit.term, T("Drug")):
            props["start"] = visit  # the report's date
        elif not props.get("start") and (on := _ON_DATE.match(tail)) and _BEGUN.search(
                sentence[:cue + hit.start]) and lex.terms.is_a(hit.term, T("Drug")):
            props["start"] = parse_date(on.group(1))  # "We switched him to pregabalin on ..."
        elif lex.terms.is_a(hit.term, T("Drug")) and (taken := _RESTARTED_ON.search(tail)):
            props["start"] = parse_date(taken.group(1))  # the current course's start
            props["restarted"] = True
        elif not props.get("start") and lex.terms.is_a(hit.term, T("Drug")):
            props.update(_start_told(sentence, cue + hit.start, cue + hit.end, tail))
        if lex.terms.is_a(hit.term, T("Drug")):
            props.pop("sessions", None)  # "ibuprofen and eight sessions of PT": the PT's
        dates = [d for d, _, _ in find_dates(tail)]
        # A course's 'since DATE' is its start, not the date it took place.
        dates = [] if props.get("start") else dates
        if not dates and this_kind == "prior" and (day := _operated_on(lex, clause, hits, n)):
            dates = [day]  # "R rotator cuff repair with subacromial decompression on 03/10/2015"
        if hit.term == T("Treatment"):
            # "We then tried acupuncture. She had six treatments between 07/11/2016 and
            # 08/12/2016.": the course just told, not a course of its own
            if told := _only(f for f in out.facts if f.kind == "prior"
                             and out.previous[0] <= f.start < at + cue):
                _fill_in(told, {**props, "on_date": dates[0] if dates else None})
            continue
        if this_kind == "prior" and props.get("sessions") and _TOTAL.search(
                lead[-40:] + " " + tail[:60]) and (total_of := _earlier_courses(out, lex, hit)):
            # "PT completed, 8 visits in total", "3 visits in March and 3 more in April, 6 in
            # all": the courses told before, counted together (the engine adds up courses)
            _count_together(total_of, props, dates)
            continue
        if this_kind == "prior" and _SOURCE.match(clause, hit.end) and (told := next((
                f for f in reversed(out.facts) if f.kind == "prior" and f.concept == hit.term),
                None)) and not _operated_since(out, lex, told, at + cue + hit.start):
            # "The PT notes through 12/20/2018 record ten visits": the course told before
            # (unless an operation came between: "The physical therapy progress note of
            # 08/30/2017, ten weeks after surgery, documented 12 post-operative visits" is
            # another course than the 2015 one)
            _fill_in(told, {**props, "on_date": dates[0] if dates else None})
            continue
        bare = (_bare_course(out, hit.term) or (_uncounted_just_told(out, hit.term)
                                                if props.get("sessions") else None)) \
            if this_kind == "prior" else None
        if bare is not None and _operated_since(out, lex, bare, at + cue + hit.start):
            bare = None  # ("Treatment before surgery included physical therapy", then the
            # surgery, then "PT progress report: 12 of 12 visits completed": another course)
        if bare is not None:  # "follow-up after acupuncture", then "finished 6 sessions"
            bare.props.update({k: v for k, v in props.items() if v is not None})
            bare.props["on_date"] = dates[0] if dates else None
            continue
        if this_kind == "prior" and n and (same := _restated(lex, clause, hits[n - 1], hit,
                                                             listed)) is not None:
            # "prior ESI 2017 no relief (R L4-5 IL ESI 6/5/17)": the course just named, told
            # again in brackets with its date and kind
            _fill_in(same, {**props, "on_date": dates[0] if dates else None})
            if lex.terms.is_a(hit.term, same.concept or ""):
                same.concept = hit.term
            continue
        if this_kind == "prior" and props.get("sessions") and (narrower := next((
                f for t, f in listed.items() if t != hit.term and lex.terms.is_a(t, hit.term)
                and not f.props.get("sessions")), None)):
            # "Post-operative hand therapy started on 03/04/2025; four occupational therapy
            # visits were completed by 04/08/2025": the course just told, counted by a
            # broader name of it
            _fill_in(narrower, {**props, "on_date": dates[0] if dates else None})
            continue
        if this_kind == "prior" and hit.term in listed and not dates and \
                not props.get("sessions"):
            # named again in the same list with nothing of its own to date or count it
            # ("[X] PT - 6 visits ...\nPT notes: grip improved"): the same course
            first = listed[hit.term]
            _fill_in(first, props)
            if first.props.get("response") is None and (
                    again := responses.item_response(tail)):
                first.props["response"] = m(again)
            continue
        for day in dates if study and dates else [dates[0] if dates else None]:
            out.facts.append(Mention(this_kind, hit.term, start, end, name,
                                  {**props, "on_date": day}))
            listed.setdefault(hit.term, out.facts[-1])
        if this_kind == "prior" and props.get("sessions") and (
                second := _ANOTHER_COURSE.search(tail)):
            # "12 visits were completed by 08/06/2019, and a second block of 12 visits was
            # completed on 10/01/2019": a course of its own, of the same treatment
            after = find_dates(tail[second.end():])
            out.facts.append(Mention(this_kind, hit.term, start, end, name, {
                "sessions": request_items.count_of(second.group(1)),
                "on_date": after[0][0] if after else None}))
    _list_response(out, clause, hits)


# Another course of the treatment just told, counted, had ("a second block of 12 visits was
# completed", "another round of six sessions followed"); not one asked for ("a second block of
# 12 visits is requested")
_ANOTHER_COURSE = re.compile(r"\b(?:a|the)\s+(?:second|third|further|subsequent|later|repeat)"
                             r"\s+(?:block|course|round|set|series|trial)\s+of\s+"
                             + request_items.COUNT_WORD + r"\s+(?:more\s+)?(?:sessions?|visits?|"
                             r"treatments?)\b(?=[^.;]{0,40}?\b(?:was|were)\s+(?:completed|"
                             r"attended|done|given|provided|finished)\b|[^.;]{0,12}\b(?:followed|"
                             r"ended|was completed)\b)", re.I)


# A count that sums the courses told before: "8 visits in total", "6 in all", "a total of 12"
# (not "after the total knee arthroplasty")
_TOTAL = re.compile(r"\b(?:in\s+(?:total|all)|a\s+total\s+of|total\s+of|total\s*:|"
                    r"\d+\s+total\b|altogether|all\s+told|cumulative(?:ly)?)", re.I)


def _earlier_courses(out: Extracted, lex: Lexicon, hit: Match) -> list[Mention]:
    """The prior courses of the treatment (or of a narrower or broader name of it) told
    before, that a total counts."""
    return [f for f in out.facts if f.kind == "prior" and f.concept
            and _named_alike(lex, f.concept, hit.term)]


def _named_alike(lex: Lexicon, a: str, b: str) -> bool:
    """One treatment, or a narrower or broader name of it."""
    return a == b or lex.terms.is_a(a, b) or lex.terms.is_a(b, a)


def _count_together(courses: list[Mention], props: dict, dates: list) -> None:
    """A total told of courses already read: the first carries it, the others no count."""
    first, *rest = courses
    first.props["sessions"] = props["sessions"]
    for course in rest:
        course.props.pop("sessions", None)
    _fill_in(first, {k: v for k, v in props.items() if k != "sessions"})
    if dates and first.props.get("on_date") is None:
        first.props["on_date"] = dates[0]


# Names of one run: "gabapentin and Lyrica", "Norco 10/325, tramadol 50 mg"
_JOINED = re.compile(r"(?:[\s\d.,/%()#-]|\b(?:mg|mcg|g|tabs?|tablets?|caps?|capsules?|po|tid|"
                     r"bid|qid|qd|qhs|hs|prn|q\d+h|daily|nightly|twice|once|three|four|times|a|"
                     r"per|day|at|bedtime|as|needed|every|hours?)\b)*(?:\b(?:and|or)\b|&)?\s*",
                     re.I)
_GOVERNS = re.compile(r"[,;]|\b(?:and|but|while|whereas|then)\b", re.I)


def _stopped(clause: str, hits: list[Match], n: int) -> bool:
    """Whether the drug named by hits[n] is told as stopped or tried: by the words that open
    the list or govern the run of names it belongs to ("previously tried gabapentin and
    Lyrica") or by those that follow the run ("..., which failed"), not by another drug's ("MS
    Contin 30 mg every 12 hours started after tramadol failed": tramadol failed, MS Contin
    goes on)."""
    first = last = n
    while first and _JOINED.fullmatch(clause[hits[first - 1].end:hits[first].start]):
        first -= 1
    while last + 1 < len(hits) and _JOINED.fullmatch(clause[hits[last].end:hits[last + 1].start]):
        last += 1
    lead = _GOVERNS.split(clause[hits[first - 1].end if first else 0:hits[first].start])[-1]
    tail = clause[hits[last].end:hits[last + 1].start if last + 1 < len(hits) else len(clause)]
    # (what opens the list governs all of it: "Tried heel cups, a stretching program and
    # ibuprofen")
    opener = clause[:hits[0].start].split(";")[-1]
    if _RESTARTED.search(tail.split(";")[0]):
        return False  # "Gabapentin, which was previously stopped ..., was restarted on ..."
    return bool(_STOPPED.search(opener) or _STOPPED.search(lead)
                or _STOPPED.search(tail.split(";")[0]) or _IT_STOPPED.match(tail))


# ... or by the clause after it, of it: "Meloxicam 15 mg daily was started 6/3/15 and caused
# heartburn; it was stopped on 8/12/15."
_IT_STOPPED = re.compile(r"[^;]*;\s*(?:and\s+)?(?:it|this|that|the (?:drug|medication|medicine))\s+"
                         r"(?:was|has been|had been)\s+(?:then\s+|later\s+|subsequently\s+)?"
                         r"(?:stopped|discontinued|d/c'?d|weaned|tapered off)\b", re.I)


# A drug taken again after a stop: it is taken now, since the day it was taken again
_TAKEN_AGAIN = r"\b(?:re-?started|resumed|reinstated|re-?initiated|re-?introduced)"
_RESTARTED = re.compile(_TAKEN_AGAIN + r"\b", re.I)
_RESTARTED_ON = re.compile(_TAKEN_AGAIN + r"\s+(?:on|in)\s+(" + DATE_RE.pattern + r")", re.I)


def _restated(lex: Lexicon, clause: str, before: Match, hit: Match,
              listed: dict[str, Mention]) -> Mention | None:
    """The course named just before, when `hit` names it again in brackets right after it
    (the same treatment, or a narrower or broader name of it)."""
    opened = clause.rfind("(", before.end, hit.start)
    if opened < 0 or ")" in clause[opened:hit.start] or not re.fullmatch(
            r"[^;()]{0,40}", clause[before.end:opened]):
        return None
    course = listed.get(before.term)
    if course is None or not (lex.terms.is_a(hit.term, before.term) or
                              lex.terms.is_a(before.term, hit.term)):
        return None
    return course


def _clause_of(sentence: str, at: int) -> str:
    """The part of the sentence between semicolons that holds `at`: "Oxycodone ... was stopped
    on April 16; he is now taking acetaminophen and tramadol" stops only the oxycodone."""
    return sentence[sentence.rfind(";", 0, at) + 1:(sentence.find(";", at) + 1 or None)]


# The date drugs were started, said before them: "seen on 06/15/2013 and started on naproxen"
# ("She was seen on 07/08/2014 with axial low back pain and was given cyclobenzaprine")
_STARTED_ON = re.compile(r"\b(?:on|in|dated|of)\s+(" + DATE_RE.pattern + r")[^.;]{0,60}?\b"
                         r"(?:started|began|initiated|put|(?:was|were) given)"
                         r"(?:\s+(?:him|her|them))?(?:\s+on)?\s*$", re.I)


# ... or by the date the sentence opens with, the start told at its end: "On 11/02/2017, his
# primary treating physician documented insomnia, nightmares and panic episodes when leaving
# the house, and started alprazolam 0.5 mg twice a day as needed."
# ("At the initial visit on 08/20/2013 he reported neck pain ..., and was started on naproxen")
_OPENS_DATED = re.compile(r"^(?:[A-Z][A-Za-z /&-]{0,30}:)?[^.;\d]{0,40}?\b(?:on|dated)\s+("
                          + DATE_RE.pattern
                          + r"),?[^.;]{0,160}?\b"
                          r"(?:started|began|initiated|put)(?:\s+(?:him|her|them))?(?:\s+on)?\s*$",
                          re.I)


def _unlabelled(clause: str, hits: list[Match], lex: Lexicon) -> list[Match]:
    """The names of a list without the label that heads it: "Psychological treatment: -
    Completed 4 sessions of CBT" is one course of CBT (a label is a name followed by its colon
    and a narrower name after it)."""
    return [h for n, h in enumerate(hits)
            if not (re.match(r"\s*:", clause[h.end:]) and any(
                o.term != h.term and lex.terms.is_a(o.term, h.term) for o in hits[n + 1:]))
            and not _named_as_source(clause, h, hits)
            and not (n and _a_visit_of(lex, clause, hits[n - 1], h))
            and not _NAMES_A_RECORD.match(clause, h.end)]


# A drug's name that names a record of its monitoring, not a use of it: "he signed an opioid
# agreement", "an opioid risk assessment"
_NAMES_A_RECORD = re.compile(r"\s+(?:treatment\s+|pain\s+)?(?:agreement|contract|risk|"
                             r"screening|consent)\b", re.I)


def _a_visit_of(lex: Lexicon, clause: str, before: Match, hit: Match) -> bool:
    """A visit named after its therapy ("a physical therapy re-evaluation dated 4/12/16
    documented completion of 6 post-operative visits") is the therapy's: no office visit of
    its own to take the course's visits and date."""
    return lex.terms.is_a(hit.term, T("FollowUpOfficeVisit")) and \
        lex.terms.is_a(before.term, T("PhysicalMedicine")) and \
        not clause[before.end:hit.start].strip()


def _named_as_source(text: str, hit: Match, hits: list[Match]) -> bool:
    """A record named after its treatment, with the treatment named again as what it tells:
    "| Physical therapy notes | He had eighteen sessions of physical therapy" (alone, "Physical
    therapy notes ... document 12 visits" is how the course is told)."""
    return bool(_SOURCE.match(text, hit.end)) and any(
        o is not hit and o.term == hit.term for o in hits)


# A record named after the treatment it comes from: "| Physical therapy notes | He had
# eighteen sessions ...", "per the PT discharge summary" (the source, not a course)
_SOURCE = re.compile(r"\s*(?:progress\s+|daily\s+|discharge\s+)?(?:notes?|records?|reports?|"
                     r"summary|summaries|re-?evaluation note)\b(?!\s*:)", re.I)  # ("PT notes:
# grip improved" tells the course's response: it stays the course)


# A further course named by its order alone, with its own date: "a second injection on
# 2/4/2020", "a second on 01/22/2019", "another block in May 2018", "a repeat one on ..."
_REPEATED = gated(r"\b(?:(?:a|the)\s+(?:second|third|fourth|repeat|subsequent)|another)"
                  r"(?:\s+(?:one|injection|shot|block|procedure|ablation|epidural))?"
                  r"(?:\s+(?:was|were)\s+(?:given|done|performed|administered))?"
                  r"\s+(?:on|in|dated)\s+(?=\S)", re.I)


def _repeated_courses(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    """A further course of the treatment just told (in this sentence or the one before),
    named by its order and dated: a course of its own, as the gold of a reviewer keeps it (a
    repeat injection is decided on the latest one's relief, not the first's)."""
    for hit in _REPEATED.finditer(sentence):
        dated = find_dates(sentence[hit.end():hit.end() + 30])
        if not dated or dated[0][1] != 0:
            continue
        begin = at + hit.start()
        told = next((f for f in reversed(out.facts) if f.kind == "prior" and f.concept
                     and out.previous[0] <= f.start < begin
                     and not lex.terms.is_a(f.concept, T("Drug"))), None)
        if told is None or told.props.get("on_date") == dated[0][0]:
            continue
        end = at + hit.end() + dated[0][2]
        props: dict[str, object] = {"on_date": dated[0][0]}
        if told.props.get("sessions") == 1:
            props["sessions"] = 1
        out.facts.append(Mention("prior", told.concept, begin, end,
                                 sentence[hit.start():hit.end() + dated[0][2]], props))


# A drug said stopped on a day: "He stopped the oxycodone on 12/12/2024", "had used 22 of the
# 30 oxycodone tablets and had stopped them on 12/12/2024"
_STOP_SAID = re.compile(r"\b(?:stopped|discontinued|d/c'?d|came off|weaned (?:himself |herself )?"
                        r"off|tapered off|quit)\b", re.I)


def _stops_end_courses(out: Extracted, lex: Lexicon, text: str, asked: set[str]) -> None:
    """A requested drug told stopped on a day after a course of it was told begun ("sent home
    the same day with oxycodone 5 mg", then "He stopped the oxycodone on 12/12/2024") ends that
    course: it is no past course of its own (whose unknown start left the start of the
    course the request is about in doubt). (A drug not asked for keeps its past course, as
    told: "The naproxen was stopped on Nov. 12 2013 because it 'does nothing'".)"""
    for stop in [f for f in out.facts if f.kind == "prior" and f.props.get("on_date")
                 and f.concept in asked
                 and not any(f.props.get(k) for k in ("start", "end", "sessions"))
                 and lex.terms.is_a(f.concept or "", T("Drug"))]:
        said = text[text.rfind(".", 0, stop.start) + 1:text.find(".", stop.end) % (len(text) + 1)]
        if not _STOP_SAID.search(said):
            continue
        day = stop.props["on_date"]
        course = next((f for f in out.facts if f.kind == "medication" and f.concept == stop.concept
                       and f.start < stop.start and f.props.get("start")
                       and f.props["start"] <= day and not f.props.get("end")), None)
        if course is not None:
            _fill_in(course, {**stop.props, "on_date": None, "end": day})
            out.facts.remove(stop)


def _fill_in(course: Mention, props: dict) -> None:
    """What a later telling of a course adds to it: the values it does not have yet."""
    for key, value in props.items():
        if value is not None and course.props.get(key) is None:
            course.props[key] = value


def _bare_course(out: Extracted, term: str) -> Mention | None:
    """A prior course of the treatment named earlier with nothing told of it (no sessions, no
    date, no response): the same course when it is told again.

    Indexed: a scan of every fact per treatment named made a long document quadratic (a
    100 kB letter of "He has had 6 sessions of PT." took seconds). Facts are only appended,
    or filtered out (the index is then rebuilt), and a course told of never becomes bare."""
    if len(out.facts) < out.bare_seen:
        out.bare, out.bare_seen = {}, 0
    for fact in out.facts[out.bare_seen:]:
        if fact.kind == "prior" and fact.concept and _is_bare(fact):
            out.bare.setdefault(fact.concept, []).append(fact)
    out.bare_seen = len(out.facts)
    waiting = out.bare.get(term, [])
    while waiting and not (waiting[0].kind == "prior" and _is_bare(waiting[0])):
        waiting.pop(0)
    return waiting[0] if waiting else None


def _uncounted_just_told(out: Extracted, term: str) -> Mention | None:
    """The course of the treatment the sentence before told, dated but neither counted nor
    judged: the one a count names again ("10/25/2016. Post-operative physical therapy note:
    He has completed 6 post-operative therapy visits.": the note's course)."""
    return _only(f for f in out.facts if f.kind == "prior" and f.concept == term
                 and f.start >= out.previous[0] and not any(
                     f.props.get(k) for k in ("sessions", "start", "response")))


def _is_bare(fact: Mention) -> bool:
    return not any(fact.props.get(k) for k in ("sessions", "on_date", "start", "response"))


# "..., PT, a home exercise program and NSAIDs, without lasting benefit": a response that
# closes a list is said of every item of it.
_CLOSING = re.compile(r",\s*(?:all\s+|each\s+|none of (?:which|them)\s+|which\s+|but\s+)?"
                      r"(?:without|with no|w/o|did not|didn't|failed|to no|with little|with "
                      r"(?:only )?(?:temporary|minimal|partial|some|good|short-lived|"
                      # "..., with persistent pain reaching overhead and no gain in strength"
                      r"persistent|continued|ongoing|unchanged))\b"
                      # "..., none of which has produced lasting change"; "...; none gave relief"
                      r"|[,;]\s*(?:none|all|each|neither|both)\b"
                      r"(?:\s+of\s+(?:which|them|these|those))?"
                      # a list in lines closed by "None of these has changed the leg pain."
                      r"|\b(?:none|all|each|neither|both) of (?:these|those|them|the above)\b"
                      # "..., with only brief relief from each", "-- no lasting benefit from
                      # either", "; no functional gains were documented with either"
                      r"|(?:[,;:]|\s--?\s|\s[\u2013\u2014]\s)[^.;]*?\b(?:from|with|of|for|after)\s+"
                      r"(?:each|either|both)\b", re.I)


def _list_response(out: Extracted, clause: str, hits: list[Match]) -> None:
    """What is said of the names of a list beyond the words right after each: names joined
    share what follows the last ("PT and chiropractic care provided temporary relief"), a
    closing is said of all, and a name inside a response ("progressed from a walker to a
    cane") has none of its own."""
    if not hits:
        return
    closing = _CLOSING.search(clause, hits[-1].end) if len(hits) > 1 else None
    closed = response_of(clause[closing.start():]) if closing else None
    said = responses.segment_responses(clause, [(h.start, h.end) for h in hits])
    recent = [f for f in out.facts[-len(hits):] if f.kind in ("prior", "medication")]
    # a closing is said of the list it closes: not of names before a new statement ("After
    # PT, a HEP and NSAIDs, she had dual blocks, each giving 80% relief": the blocks only)
    first = len(hits) - 1
    while first and not _NEW_STATEMENT.search(clause, hits[first - 1].end, hits[first].start):
        first -= 1
    for n, (hit, response) in enumerate(zip(hits, said, strict=True)):
        fact = next((f for f in recent if f.concept == hit.term), None)
        if fact is None:
            continue
        recent.remove(fact)  # each name its own course
        if responses.inside(clause, hit.start) or responses.reduced(clause, hit.start, hit.end):
            fact.props.pop("response", None)
        elif not fact.props.get("response") and (found := response or (
                closed if hit.term != T("Treatment") and n >= first else None)):
            fact.props["response"] = m(found)  # (not "Treatment to date:")


_NEW_STATEMENT = re.compile(r"\b(?:he|she|they|the (?:patient|worker|applicant|claimant))\s+"
                            r"(?:had|has|was|were|underwent|received|then|later|also|went)\b",
                            re.I)


# A sentence about what is to come, not what was done.
# ("could" of what could not be done is the past: "and he still could not bend"; so is what
# a person could do: "no change in what he could do")
_AHEAD = gated(r"\b(?:will|would|plan\w*|consider\w*|recommend\w*|recs?(?=\.?\s)|request\w*|"
                    r"refer\w*|"
                    r"schedul\w*|candidate|discuss\w*|if|should|might|goals?|"
                    # (the modal, not the month: "PT x8, March-May 2018", "since May")
                    r"(?<!-)(?<!in )(?<!since )(?<!until )(?<!through )(?<!from )(?<!of )"
                    r"(?<!by )(?<!during )(?<!early )(?<!late )may(?!\s*,?\s*\d)|"
                    r"(?<!he )(?<!she )(?<!they )"
                    r"could(?!\s+(?:not|never|only|barely|hardly|no longer|still not)\b)|"
                    # (not the work a course let the worker return to: "returned to modified
                    # duty")
                    r"authori[sz]\w*|RFA|UR|non-?certif\w*|denied|modified(?!\s+(?:duty|work|"
                    r"job|position|activit\w*|restrictions?|hours|schedule)\b)|MTUS|"
                    r"guidelines?)\b",
                    re.I)


# A category word ("the surgery", "treatment", "physical medicine") names no course of its own.
_CATEGORIES = frozenset(map(T, ("Treatment", "Surgery", "PhysicalMedicine")))


# How the injury happened: "injured ... while lifting a mattress", "strained his back
# stowing a wheelchair ramp": the objects handled are not treatments.
_MECHANISM = re.compile(r"\b(?:injur\w*|hurt|strain\w*|twist\w*|fell|fall(?:ing)?|slipp\w*|"
                        r"trip\w*)\b[^.;]*?\b(?:while|when|lifting|carrying|moving|pushing|"
                        r"pulling|stowing|loading|unloading|tucking|climbing)\b[^.;]*$", re.I)


_COURSE_KEYS = frozenset({"sessions", "start", "response"})


# What a request says of its quantity or that it asks for more: "#90", "(180gm)", "six more
# psychotherapy sessions", "twice a week for four weeks", "again"
_ASKED_TERMS = re.compile(r"#\s*\d|\b\d+\s*(?:gm|g|ml)\b|\b(?:more|additional|further|again)\b|"
                          r"\b(?:once|twice|\d|one|two|three) (?:times )?(?:a|per) week\b|"
                          r"\bx\s*\d", re.I)


def _restates_requests(out: Extracted, lex: Lexicon, sentence: str) -> bool:
    """A sentence that names two or more of the services asked for, with what a request says
    of them: the requests told again ("They were gabapentin 300mg #90, the compounded cream
    again (180gm), six more psychotherapy sessions, and aquatic therapy twice a week"), no
    courses had."""
    named = {h.term for h in lex.find(sentence, T("Treatment"))} & out.asked
    return len(named) >= 2 and bool(_ASKED_TERMS.search(sentence))


_REPEAT = re.compile(r"\b(?:repeat(?:ed)?|second|another|additional|2nd)\b", re.I)
# an injection named by its kind alone, as the one before: "the 01/15/2018 injection", "her
# last injection", "the prior block" (the lexicon's own words, "epidural", name their course)
_BARE_INJECTION = re.compile(r"\b(?:the|her|his|their|that|prior|previous|last|first|initial|"
                             r"earlier)(?:[ \t]+(?:prior|previous|last|first|initial|earlier|"
                             r"\d{1,2}/\d{1,2}/\d{2,4}|[A-Z][a-z]+ \d{1,2},? \d{4}))?[ \t]+"
                             r"(?P<kind>injection|epidural|block)\b", re.I)


def _repeated_procedure(lex: Lexicon, letter: Letter) -> str | None:
    """The one-day procedure an item asks to repeat ("Repeat left L5-S1 TFESI", "second
    ESI"), if one does (not "TFESI x1. Repeat only if the first gives 50% relief")."""
    for item in letter.items:
        for hit in lex.find(item.name, T("Treatment")):
            if _REPEAT.search(item.name, 0, hit.start) and \
                    any(lex.terms.is_a(hit.term, p) for p in _ONE_DAY_PROCEDURES):
                return hit.term
    return None


def _injection_repeated(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    """'After the 01/15/2018 injection she reported about 40% relief': in a report asking to
    repeat a procedure, the one named by its kind alone is the one it repeats (when the case
    holds none of it yet)."""
    term = out.repeated
    if term is None or any(f.kind == "prior" and f.concept == term for f in out.facts) or \
            not (found := _BARE_INJECTION.search(sentence)) or \
            assertions(sentence, [found.span("kind")])[0] is not Assertion.PRESENT:
        return
    dates = find_dates(found.group())
    out.facts.append(Mention("prior", term, at + found.start("kind"), at + found.end("kind"),
                             found.group("kind"), {"on_date": dates[0][0] if dates else None}))


def _mentioned(out: Extracted, lex: Lexicon, sentence: str, at: int,
               requested: list[tuple[int, int]]) -> None:
    """A treatment named in a sentence about the past or present with no cue ("PT helped
    for a while", "She does a home exercise program daily") is a course the worker had,
    unless the case already holds that course. Drugs are left to the medication rules."""
    if _AHEAD.search(sentence) or _restates_requests(out, lex, sentence):
        return
    held = {f.concept: f for f in out.facts if f.kind in ("prior", "medication")}
    hits = [h for h in _without_records(lex, sentence, lex.find(sentence, T("Treatment")))
            if (h.term not in held or held[h.term].kind == "prior")
            and h.term not in _CATEGORIES
            and not lex.terms.is_a(h.term, T("Drug"))
            and not any(s <= at + h.start < e for s, e in requested)
            and not _MECHANISM.search(sentence[:h.start])
            and not _only_evaluated(lex, sentence, h)
            and not _occupation(sentence, h)
            and not _EMPLOYER_FIELD.search(sentence, 0, h.start)
            and not _SEEN_AFTER.search(sentence, 0, h.start)
            and not (h.term in out.asked and _DECIDED.search(sentence)
                     and not _AUTHORIZED_BEFORE.search(sentence))]
    hits = [_at_its_site(lex, sentence, h) for h in hits
            if not _named_as_source(sentence, h, hits)]
    if not hits:  # "She went twelve times.": the course the sentence before told
        _counted_of_told(out, lex, sentence, at)
        _provider_seen(out, lex, sentence, at)
        _injection_repeated(out, lex, sentence, at)
    said = assertions(sentence, [(h.start, h.end) for h in hits])
    for n, hit in enumerate(hits):
        if said[n] is Assertion.ABSENT and _BEFORE_NOW.search(sentence) and \
                not _THIS_COURSE.search(sentence):
            out.never_had.add(hit.term)  # "No acupuncture before.", "Never seen a chiropractor"
        if said[n] in (Assertion.PRESENT, Assertion.HISTORICAL):
            tail = sentence[hit.end:hits[n + 1].start if n + 1 < len(hits) else len(sentence)]
            lead = sentence[hits[n - 1].end if n else 0:hit.start]
            # a title names the treating service ("COASTAL MOTION CHIROPRACTIC / CHIROPRACTIC
            # RE-EVALUATION -- FORM CMC-7 (rev. 2025)"): a course, but nothing of it is told there
            props = request_items.course_props(tail, lead, sentence[hit.start:hit.end]) \
                if at + hit.start >= out.title_end else {}
            when = _operated_on(lex, sentence, hits, n)
            if hit.term in held and not _another_procedure(held[hit.term], when) and \
                    not _another_year(held[hit.term], props) and \
                    not _operated_since(out, lex, held[hit.term], at + hit.start):
                # the course named again ("follow-up after acupuncture", then "he finished
                # 6 acupuncture sessions in January"): what this mention adds is its
                if held[hit.term].kind == "prior":
                    out.item_named.append(held[hit.term])
                    if when is not None and held[hit.term].props.get("on_date") is None:
                        # ("status post right knee arthroscopic partial medial meniscectomy",
                        # then "02/23/2016: Right knee arthroscopic partial medial meniscectomy
                        # was performed": the operation's date)
                        held[hit.term].props["on_date"] = when
                for key, value in props.items():
                    if key in _COURSE_KEYS and value is not None and \
                            held[hit.term].props.get(key) is None:
                        held[hit.term].props[key] = value
                continue
            if props.get("region") is None and (site := _site_region(lex, sentence, hit)):
                props["region"] = site  # (a generic injection's site is its region)
            out.facts.append(Mention("prior", hit.term, at + hit.start, at + hit.end,
                                     sentence[hit.start:hit.end], {**props, "on_date": when}))


# "therapy" named alone ("Therapy notes document 20 post-operative visits", "re-referred to
# therapy ... she has attended twelve of twelve authorized visits"), not a kind of it
_BARE_THERAPY = re.compile(r"(?<![\w-])(?<!physical )(?<!occupational )(?<!hand )(?<!aquatic )"
                           r"(?<!massage )(?<!behavioral )(?<!behavioural )(?<!cognitive )"
                           r"(?<!psycho)(?<!speech )(?<!group )(?<!family )(?<!manual )"
                           r"(?<!cold )(?<!heat )(?<!ice )(?<!drug )(?<!injection )(?<!ablation )"
                           r"therapy\b", re.I)


# visits counted out of an authorization told before: "documents that 6 of those 8 visits had
# been used, for 18 post-operative visits in all" (counts of a course already held)
_OF_THOSE = re.compile(r"\b(?:of|out of)\s+(?:those|these|the|that)\s+(?:\d{1,2}|[a-z]+\s+)?"
                       r"(?:authori[sz]ed\s+|certified\s+|approved\s+)?(?:visits|sessions)?\b|"
                       r"\bin all\b|\bin total\b|\btotal of\b", re.I)


def _bare_therapy(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    """A course of therapy named by the word alone, with the visits had, in a report that asks
    for physical or occupational therapy: a course of the kind asked for (the word alone names
    the kind the record is about), unless one of that count is held already."""
    asked = [a for a in out.asked if lex.terms.is_a(a, T("PhysicalTherapy"))
             or lex.terms.is_a(a, T("OccupationalTherapy"))]
    if len(asked) != 1 or not (found := _BARE_THERAPY.search(sentence)) or \
            _OF_THOSE.search(sentence) or \
            assertions(sentence, [found.span()])[0] not in (Assertion.PRESENT,
                                                            Assertion.HISTORICAL):
        return
    props = request_items.course_props(sentence[found.end():], sentence[:found.start()],
                                       found.group())
    if not props.get("sessions") or any(
            f.kind == "prior" and f.props.get("sessions") == props["sessions"]
            and lex.terms.is_a(f.concept or "", T("PhysicalMedicine")) for f in out.facts):
        return
    kind = next((k for k, post in request_items.POSTSURGICAL.items() if post == asked[0]),
                asked[0])
    # (the course told before by its name, its count not yet told, is the one: "Physical
    # therapy was ordered ... She attended therapy through 09/29/2017, twelve visits in all")
    told = next((f for f in reversed(out.facts) if f.kind == "prior" and f.start < at
                 and f.concept in (kind, asked[0]) and not f.props.get("sessions")), None)
    if told is not None:
        _fill_in(told, props)
        return
    out.facts.append(Mention("prior", kind, at + found.start(), at + found.end(),
                             found.group(), {**props, "on_date": None}))


def _another_year(held: Mention, props: dict) -> bool:
    """Whether a course told with its own start is another than the one held, begun in another
    year: "18 sessions of PT in 2019", then "Home PT: 6 visits since discharge (09/25/2020 to
    10/05/2020)" after an operation."""
    begun = props.get("start")
    said = held.props.get("start") or held.props.get("on_date")
    year = said.year if said else held.props.get("year")
    return held.kind == "prior" and begun is not None and year is not None and begun.year != year


def _another_procedure(held: Mention, when: dt.date | None) -> bool:
    """Whether a procedure named with a date of its own is another one than the course held,
    done on another day: "L3-4 medial branch blocks on 10/24/2022 gave 30% relief", then "L4-5
    medial branch blocks on 04/17/2023 gave 80% relief" (each block's relief is its own: the
    later one is what a repeat or an ablation is judged by)."""
    first = held.props.get("on_date")
    return when is not None and held.kind == "prior" and first is not None and first != when


# A service asked for, named beside a decision on it ("1. Functional restoration program, 80
# hours -- Overturned.", "UR non-certified the FRP"): the request and its review, not a course
# (not a qualification: "Certified hand therapy was provided for 8 visits", "board certified")
_DECIDED = re.compile(r"\b(?:[o0]verturned|[o0]verturn|uph[e3]ld|uph[o0]ld|"
                      r"(?<!board )(?<!board-)(?:non-?)?certif(?:y|ied|ication)(?!\s+(?:hand|"
                      r"nursing|medical|athletic|physician|occupational|physical|registered|"
                      r"in)\b)|denied|"
                      r"modified|approved|authori[sz]ed|medically necessary)\b", re.I)


# A course authorized in the history, its visits and date told: "Occupational (hand) therapy was
# certified for 8 visits on 03/22/2016 and for another 8 visits on 06/01/2016" (a course the
# worker then had, not the review of the request in dispute)
_AUTHORIZED_BEFORE = re.compile(r"\b(?:was|were)\s+(?:certified|authori[sz]ed|approved)\s+for\s+"
                                r"(?:\d{1,2}|[a-z]+)\s+(?:visits|sessions)\s+on\s+"
                                + DATE_RE.pattern, re.I)


# An evaluation for a program or an operation is not the program or the operation: "an
# interdisciplinary functional restoration program evaluation on 01/22/2024", "Multidisciplinary
# evaluation for a functional restoration program", "the FRP evaluation of 06/24/2025 documents",
# "surgical consultation", "screening for a detox program"
_EVALUATED_AFTER = re.compile(r"\s*(?:\([^)]{0,40}\)\s*)?(?:program\s+)?(?:(?:admission|intake|"
                              r"initial|screening|multidisciplinary|interdisciplinary)\s+)?"
                              r"(?:evaluation|eval|"
                              r"assessment|screening|intake|consultation|consult|candidacy|"
                              # "She told the FRP team she wants to return to work"
                              r"team|staff|evaluators?|coordinator)\b", re.I)
_EVALUATED_BEFORE = re.compile(r"\b(?:evaluation|eval|assessment|screening|intake|"
                               r"consultation|consult|candidacy|referral|candidate|eligible|"
                               # "She was evaluated for a functional restoration program"
                               r"evaluated|assessed|screened|referred|considered|approved|"
                               # "an evaluation found him appropriate for a functional
                               # restoration program"
                               r"appropriate|suitable|ready|"
                               r"authori[sz]ed|certified|denied|recommended)\s+(?:for|to|regarding)"
                               r"\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}$|"
                               # the program as the place: "A multidisciplinary evaluation at
                               # the Sierra Valley Functional Restoration Program on ..."
                               r"\b(?:evaluation|eval|assessment|screening|intake|consultation)"
                               r"\s+(?:at|by|with|through)\s+(?:the\s+)?(?:[A-Z][\w'-]*\s+){0,4}$",
                               re.I)
_EVALUATED_KINDS = (T("FunctionalRestorationProgram"), T("WorkConditioningHardening"),
                    T("Surgery"))


def _occupation(sentence: str, hit: Match) -> bool:
    """A service named as the worker's job: "a 44-year-old female home health aide who injured
    her low back", "a 52-year-old physical therapist with neck pain"."""
    return bool(_JOB_AFTER.match(sentence, hit.end)) and bool(_AGED_BEFORE.search(
        sentence, max(0, hit.start - 60), hit.start))


# An employer's or insurer's name is no care: "Employer: Stanislaus County In-Home Support
# Services", "Carrier: Golden State Physical Therapy Mutual" (no other field's colon between)
_EMPLOYER_FIELD = re.compile(r"\b(?:employer|carrier|insurer|insurance|claims? administrator|"
                             r"adjuster|TPA|company)(?:'s)?(?: name)?[ \t]*:[^:\n]*$", re.I)
_AGED_BEFORE = re.compile(r"\b\d{1,3}[- ](?:year|yr)s?[- ]old\s+(?:[\w-]+\s+){0,4}$", re.I)
_JOB_AFTER = re.compile(r"\s*(?:who|with|whose|employed|working|at|for|by)\b", re.I)


def _only_evaluated(lex: Lexicon, sentence: str, hit: Match) -> bool:
    """A program or operation named only as what an evaluation was for."""
    return any(lex.terms.is_a(hit.term, k) for k in _EVALUATED_KINDS) and bool(
        _EVALUATED_AFTER.match(sentence, hit.end)
        or _EVALUATED_BEFORE.search(sentence[:hit.start]))


# A span of time counted from an operation: "ten weeks after surgery", "3 days post surgery",
# "two months following the operation" (the operation told elsewhere is the course)
_SPAN_FROM = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                        r"twelve|several|a few)[- ](?:days?|weeks?|wks?|months?|mos?|years?)"
                        r"\s+(?:after|following|post|since|from)\s+(?:the\s+|his\s+|her\s+)?$",
                        re.I)


# A visit to come, timed from a treatment asked for: "RTC 4 wk post ESI", "follow up two weeks
# after the injection" (the treatment is when, not a course had)
_SEEN_AFTER = re.compile(r"\b(?:RTC|return\w*|f/?u|follow[- ]?up|recheck|re-?evaluat\w*|see (?:him|"
                         r"her|them) (?:back|again))\b[^.;]{0,30}?\b(?:post|after|following)[\s-]+"
                         r"(?:the\s+|his\s+|her\s+|their\s+)?$", re.I)


def _time_anchor(clause: str, hit: Match) -> bool:
    """An operation named by no kind only as the start of a span of time."""
    return hit.term == T("Surgery") and bool(_SPAN_FROM.search(clause[:hit.start]))


# (none before the course the report tells is no denial of that course: "She had no acupuncture
# before this course.")
_THIS_COURSE = re.compile(r"\bbefore (?:this|the (?:current|present)) (?:course|trial|treatment|"
                          r"series|episode of care)\b", re.I)
# A treatment denied as ever had, not merely absent now: "No acupuncture before", "never had
# physical therapy", "has not had a trial of TENS", "no prior chiropractic care"
_BEFORE_NOW = re.compile(r"\b(?:never|before|previously|prior|to date|so far|yet|ever|"
                         r"has not had|have not had|hasn't had|haven't had)\b", re.I)


def _operated_since(out: Extracted, lex: Lexicon, course: Mention, at: int) -> bool:
    """Whether a course of therapy named again at `at` is another one, an operation told
    between (the post-operative therapy, not the therapy before surgery); not when the
    operation's date is known to precede the course's ("POST OP PT: 12 visits ... PT re-eval")."""
    if not lex.terms.is_a(course.concept or "", T("PhysicalMedicine")):
        return False
    begun = course.props.get("start") or course.props.get("on_date")
    return any(f.kind == "prior" and course.start < f.start < at
               and lex.terms.is_a(f.concept or "", T("Surgery"))
               and not (begun and f.props.get("on_date") and f.props["on_date"] <= begun)
               for f in out.facts)


# The site an injection is given into: "corticosteroid injections into the right ring finger
# flexor tendon sheath", "a cortisone injection in the right subacromial space"
_INTO_SITE = re.compile(r"\s+(?:into|in|to|at|of)\s+(?:the\s+|his\s+|her\s+)?[^.;,]{3,60}")
_INJECTION = T("CorticosteroidInjection")


def _at_its_site(lex: Lexicon, text: str, hit: Match) -> Match:
    """An injection named by its kind, with its site after it: the kind given there, as the
    terminology names it ("... into the flexor tendon sheath" is a trigger finger injection)."""
    if hit.term != _INJECTION or not (site := _INTO_SITE.match(text, hit.end)):
        return hit
    kind = lex.by_words(hit.term, text[hit.start:site.end()])
    return Match(kind, hit.start, hit.end) if kind != hit.term else hit


def _site_region(lex: Lexicon, text: str, hit: Match) -> str | None:
    """The body region an injection named by its kind is given into ("a cortisone injection
    to the right ring finger": the hand, whatever region the case is of)."""
    if hit.term != _INJECTION or not (site := _INTO_SITE.match(text, hit.end)):
        return None
    region = lex.first(site.group(), T("BodyRegion"))
    # (a digit is of the hand; not a region's name in the terminology, where "finger" would
    # make every injection of a hand case a trigger finger's)
    return region.term if region else T("WristHand") if _DIGIT_SITE.search(site.group()) \
        else None


_DIGIT_SITE = re.compile(r"\b(?:finger|thumb|digit)s?\b", re.I)


def _operated_on(lex: Lexicon, sentence: str, hits: list[Match], n: int) -> dt.date | None:
    """The date a surgery named in passing was done, written after it: "Procedure: R shoulder
    arthroscopic rotator cuff repair (2 anchors) + SAD, 04/15/2014" dates both operations;
    a date after another kind of treatment is that treatment's."""
    if not lex.terms.is_a(hits[n].term, T("Surgery")):
        # "On December 4, 2018 she underwent right C5-C6 medial branch blocks": a one-day
        # procedure dated the same way
        if not any(lex.terms.is_a(hits[n].term, p) for p in _ONE_DAY_PROCEDURES):
            # a log's entry opened by its date, the course's note: "07/08/14 - PT note, visit
            # 6 of 6: flexion 85 -> 115 deg" (a course had by then: dated there)
            dated = _DATED_OPERATION.match(sentence, 0, hits[n].start) if not n else None
            return parse_date(dated.group(1)) if dated and lex.terms.is_a(
                hits[n].term, T("PhysicalMedicine")) and _NOTE_AFTER.match(
                sentence, hits[n].end) else None
        # ("A corticosteroid injection into the right knee on 10/22/2019 gave relief ...", "a
        # right L5-S1 TFESI was performed on 3/05/2013")
        after = _DONE_ON_AFTER.match(sentence, hits[n].end,
                                     hits[n + 1].start if n + 1 < len(hits) else len(sentence))
        lead = sentence[hits[n - 1].end if n else 0:hits[n].start]
        # (or a chronology's entry opened by its date: "10/07/2019: L L5-S1 TFESI.")
        before = _OPERATED_AFTER_DATE.search(lead) or (_DATED_ENTRY.match(lead) if not n
                                                       else None) or \
            (_DATED_LEAD.search(lead) if _TOLD_BY_VERB.search(
                sentence, hits[n].start, hits[n].end) else None)
        # (or its verb further on, its levels and injectate between: "Diagnostic medial branch
        # blocks of the bilateral L3, L4 and L5 medial branches, targeting ..., were performed
        # on 01/12/2016", when the sentence tells no other procedure)
        done = _PERFORMED_ON.search(sentence, hits[n].end) if not (after or before) and all(
            h.term == hits[n].term for h in hits) else None
        return parse_date(after.group(1)) if after else \
            parse_date(before.group(1)) if before else parse_date(done.group(1)) if done \
            else None
    stop = next((h.start for h in hits[n + 1:] if not lex.terms.is_a(h.term, T("Surgery"))),
                len(sentence))
    dates = find_dates(sentence[hits[n].end:stop])
    if dates:
        return dates[0][0]
    # "On 08/27/2013 she underwent an L4-5 posterior lumbar interbody fusion", "Surgery
    # 06/29/2020: L4-5 TLIF with pedicle screw instrumentation"
    begin = max((h.end for h in hits[:n] if not lex.terms.is_a(h.term, T("Surgery"))),
                default=0)
    # (or a chronology's entry opened by its date: "02/23/2016: Right knee arthroscopic
    # partial medial meniscectomy was performed without complication")
    before = _OPERATED_AFTER_DATE.search(sentence[begin:hits[n].start]) or \
        _OPERATION_LABEL.search(sentence[begin:hits[n].start]) or \
        (_DATED_OPERATION.match(sentence, 0, hits[n].start) if begin == 0 else None)
    return parse_date(before.group(1)) if before else None


# A one-day procedure's date right after it, unless it is another event's (a visit, a note,
# a span: "relief until the visit on 4/16/2013")
_DONE_ON_AFTER = re.compile(r"(?:(?!\b(?:visits?|follow|seen|reports?|notes?|evaluation|exam\w*|"
                            r"until|since|after|before|when|request\w*)\b)[^.;]){0,40}?"
                            r"\b(?:on|dated)\s+(" + DATE_RE.pattern + r")", re.I)
# an operation's date as the label of what was done: "Surgery 06/29/2020: L4-5 TLIF", "Date of
# surgery: 3/2/2015 - right carpal tunnel release", "PROCEDURE: 01/14/2020 - Right shoulder
# arthroscopy, arthroscopic rotator cuff repair ..., subacromial decompression" (each of them)
_OPERATION_LABEL = re.compile(r"\b(?:surgery|operation|procedure|date of (?:surgery|operation|"
                              r"procedure))\s*(?:on|of|dated)?\s*[:(]?\s*(" + DATE_RE.pattern
                              + r")\s*\)?\s*[:\-\u2013][^;\n]{0,200}$", re.I)
_DATED_ENTRY = re.compile(r"\W{0,3}(" + DATE_RE.pattern + r")\s*[:.\u2013-]\s*(?:(?:right|left|"
                          r"bilateral|bilat|R|L|B)\s+)?(?:[LCTS]\d(?:-[LCTS]?\d)?,?\s+){0,3}$",
                          re.I)
_PERFORMED_ON = re.compile(r"\b(?:was|were)\s+(?:performed|done|administered|given|completed|"
                           r"placed)\s+on\s+(" + DATE_RE.pattern + ")", re.I)
_NOTE_AFTER = re.compile(r"\s*(?:daily\s+|progress\s+|treatment\s+|discharge\s+)?(?:note|"
                         r"re-?eval\w*|visit|report|summary)\b", re.I)
# ... and an operation's, its site and approach between ("02/23/2016: Right knee arthroscopic
# partial medial meniscectomy"; not a later visit's: "03/01/2016: first visit after the ...")
_DATED_OPERATION = re.compile(r"\W{0,3}(" + DATE_RE.pattern + r")\s*(?:[:.\u2013-]\s*)?"
                              # (a record's kind between: "08/23/2016. Operative report: Right
                              # knee arthroscopy with partial medial meniscectomy")
                              r"(?:(?:operative|op|procedure|surgical)\s+(?:report|note)\s*:\s*)?"
                              r"(?:(?!(?:after|since|following|post|s/p|status|visit|follow|"
                              r"seen|for)\b)[\w/-]+\s+){0,5}$", re.I)
_ONE_DAY_PROCEDURES = (T("EpiduralSteroidInjection"), T("FacetJointInjection"),
                       T("RadiofrequencyAblation"), T("CorticosteroidInjection"))
# ("On 04/02/2018 Dr. Moreno-Halvorsen performed a right L5-S1 microdiscectomy")
_OPERATED_AFTER_DATE = re.compile(r"\b(?:on|dated)\s+(" + DATE_RE.pattern + r"),?\s+"
                                  r"(?:[\w.'-]+\s+){0,3}?(?:underwent|had|received|performed|"
                                  r"did)\b[^.;]{0,60}$", re.I)


# ... or, the procedure told by its verb ("the left knee was injected"), a date just before it:
# "On 06/16/2015 the left knee was injected with a corticosteroid"
_DATED_LEAD = re.compile(r"\b(?:on|dated)\s+(" + DATE_RE.pattern + r"),?\s+(?:[\w.'-]+\s+){0,5}$",
                         re.I)
_TOLD_BY_VERB = re.compile(r"\binjected$", re.I)


# "He was discharged home on 07/08/2020 with Norco 5/325 mg ...": a drug taken since that day
# ... the day the sentence tells: "On 5/2/17 she underwent a carpal tunnel release; she was
# discharged the same day with Norco 5/325", "was sent home the same day with oxycodone 5 mg"
_SAME_DAY_HOME = re.compile(r"\b(?:discharged|sent\s+home|released)\s+(?:home\s+)?(?:the\s+same\s+"
                            r"day|that\s+(?:same\s+)?(?:day|afternoon|evening))\s+(?:with|on)\s+"
                            r"(?:[\w/-]+\s+){0,4}$", re.I)
# ... or the orders dated that day: "The surgeon's post-operative orders dated 01/14/2020 include
# a cold therapy unit for 14 days, ... and Percocet 5/325"
_ORDERED_WITH = re.compile(r"\b(?:orders|discharge\s+(?:medications|prescriptions))\s+(?:dated|of|"
                           r"on)\s+" + DATE_RE.pattern + r"\s+(?:include[sd]?|list(?:s|ed)?|"
                           r"were)\b[^.;]*$", re.I)
_SENT_HOME_WITH = re.compile(r"\b(?:discharged|sent)\s+(?:home\s+)?(?:from\s+the\s+hospital\s+)?"
                             r"on\s+(" + DATE_RE.pattern + r")\s+(?:home\s+)?(?:with|on)\s+"
                             r"(?:[\w/-]+\s+){0,4}$|"
                             # ... its date first: "on 2/16/18, she was discharged home on
                             # tramadol 50 mg"
                             r"\bon\s+(" + DATE_RE.pattern + r"),?\s+(?:he|she|they|the\s+"
                             r"(?:patient|worker|injured worker))\s+was\s+(?:discharged|sent)"
                             r"\s+(?:home\s+)?(?:with|on)\s+(?:[\w/-]+\s+){0,4}$", re.I)


def _dosed_drugs(out: Extracted, lex: Lexicon, sentence: str, at: int,
                 requested: list[tuple[int, int]]) -> None:
    """Drugs named with a dose in a sentence that opens no list: current medications. Not in
    a sentence that requests something, nor in a requested item itself (a progress report's
    plan lines): what is asked for is not yet taken."""
    if request_items.requests_something(sentence):
        return
    hits = [h for h in lex.find(sentence, T("Drug"))
            if not any(s <= at + h.start < e for s, e in requested)
            and not _screened(lex, h.term, sentence, h)]  # ("The PDMP revealed tramadol 50 mg")
    said = assertions(sentence, [(h.start, h.end) for h in hits])
    for n, hit in enumerate(hits):
        tail = sentence[hit.end:hits[n + 1].start if n + 1 < len(hits) else len(sentence)]
        # (or its dose changed to: "documented a gradual reduction of Norco to four tablets
        # a day")
        lead = sentence[hits[n - 1].end if n else 0:hit.start]
        if said[n] is not Assertion.PRESENT:
            continue
        props = request_items.course_props(tail, lead)
        if not (_DOSED.match(tail) or props.get("dose_changed")):
            continue
        if not props.get("start"):
            props.update(_start_told(sentence, hit.start, hit.end, tail))
        out.facts.append(Mention("medication", hit.term, at + hit.start, at + hit.end,
                                 sentence[hit.start:hit.end], {**props, "on_date": None}))


# A drug continued or refilled is taken now: "I am also refilling the gabapentin", "Continue
# Norco 10/325 mg", "refilled his naproxen" (not "discontinue": the word boundary)
_CONTINUED = re.compile(r"\b(?:refill(?:s|ing|ed)?|continu(?:e|es|ing|ed)|renew(?:s|ing|ed)?)\s+"
                        r"(?:(?:the|his|her|their|current|same|present)\s+)*$", re.I)


_CONTINUED_WORD = re.compile(r"\b(?:refill|continu|renew)", re.I)


def _continued_drugs(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    """Drugs continued or refilled: each is a current medication unless one is read already
    (a refill tells the drug is taken, so a request for it is no new start)."""
    if not _CONTINUED_WORD.search(sentence):
        return  # (the cheap test first: every sentence comes here, few continue a drug)
    hits = [h for h in lex.find(sentence, T("Drug"))
            if _CONTINUED.search(sentence, max(0, h.start - 40), h.start)]
    said = assertions(sentence, [(h.start, h.end) for h in hits])
    for hit, assertion in zip(hits, said, strict=True):
        if assertion is not Assertion.PRESENT or any(
                f.kind == "medication" and f.concept == hit.term for f in out.facts):
            continue
        out.facts.append(Mention("medication", hit.term, at + hit.start, at + hit.end,
                                 sentence[hit.start:hit.end], {"on_date": None}))


def _studies(out: Extracted, lex: Lexicon, sentence: str, at: int, day) -> None:
    """Studies reported with their result ("An MRI of the lumbar spine on 04-19-2012 showed
    ...", "MRI L-spine 9/2012: ...", "x-rays ... were read as normal"): each with its own
    date when the sentence gives one next to it, read as its regional kind."""
    hits = lex.find(sentence, T("DiagnosticService"))
    # "Imaging: lumbar x-rays 11/02/2023 -- ...": a label naming the kind of the study after
    # it is no study of its own
    # (only when the study named has a result of its own: "Imaging: MRI lumbar spine
    # 01/22/2014 - large extrusion" is read through the label's colon)
    hits = [h for n, h in enumerate(hits) if not (
        re.match(r"\s*:", sentence[h.end:]) and any(
            lex.terms.is_a(o.term, h.term) and o.term != h.term and _RESULT.search(
                sentence, o.end, hits[n + 2].start if n + 2 < len(hits) else len(sentence))
            for o in hits[n + 1:n + 2]))]
    said = assertions(sentence, [(h.start, h.end) for h in hits])
    for n, hit in enumerate(hits):
        rest = sentence[hit.end:hits[n + 1].start if n + 1 < len(hits) else len(sentence)]
        verb = _RESULT.search(rest)
        # "x-rays were read as normal" is a study with a normal result; "no MRI has been
        # done", "an MRI was requested" are no study; nor is a question ("So why the MRI?")
        if verb is None or "?" in rest[:verb.start()] or (
                verb.group("done") and _NONE_BEFORE.search(rest[:verb.start()])) or \
                said[n] in (Assertion.HYPOTHETICAL, Assertion.FAMILY) or (
                said[n] is Assertion.ABSENT and _NOT_DONE.search(sentence[:hit.start])) or (
                # a label's colon past a clause is another line's: "RFA 1/20/26: MRI C/S
                # 'to plan CESI'; PT 2x4. UR 1/28/26: MRI non-cert" (the MRI asked, not done)
                verb.group() == ":" and _past_clause(rest[:verb.start()])):
            continue
        around = sentence[max(0, hit.start - 30):hit.end + verb.start()]
        dates = find_dates(sentence[hit.end:hit.end + verb.end()])  # (a dash verb holds it)
        if not dates and verb.group() == ":":
            # "Imaging: MRI lumbar spine 01/22/2014 - ...": the label's study, dated after it
            dates = find_dates(rest[verb.end():verb.end() + 40])
        region = lex.first(around, T("BodyRegion"))
        concept = lex.by_words(lex.in_region(hit.term, region.term if region else
                                             request_items.level_region(around) or out.region),
                               sentence[max(0, hit.start - 30):hit.end + 40])
        # (a verdict keeps its words: "were free of fracture" is "free of fracture")
        said_as = re.match(r"(?:was|were|is|are)\s+(?=free|clear|without)", verb.group(),
                           re.I)
        result = re.sub(r"^(?:a|an|the)\s+", "", rest[verb.start() + said_as.end() if said_as
                                                        else verb.end():].strip(" .:;,"))
        if _NONE_DONE.match(result):
            continue  # "X-rays: none taken so far", "MRI: not done"
        _add_study(out, lex, Mention("study", concept, at + hit.start, at + hit.end,
                                     sentence[hit.start:hit.end],
                                     {"on_date": dates[0][0] if dates else day,
                                      "result": result}))


# Where a clause ends (a title's or an initial's period ends none: "EMG/NCV BUE (Dr. N.
# Haddad): ...")
_CLAUSE_END = re.compile(r";|(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\b[A-Z])\.\s+(?=[A-Z])")
_ASIDE = re.compile(r"\([^()]*\)")


def _past_clause(text: str) -> bool:
    """The text runs past the end of a clause, asides in parentheses aside."""
    return bool(_CLAUSE_END.search(_ASIDE.sub("", text)))


# "x-rays ... as none have been taken": no study told done
_NONE_BEFORE = re.compile(r"\b(?:none|no|not|never|nor)\s+(?:\w+\s+){0,2}$", re.I)
_NONE_DONE = re.compile(r"(?:none|not (?:done|performed|obtained|taken)|never|n/a)\b|"
                        r"(?:no|not yet|pending)$", re.I)  # "Has an MRI been done: no."
_NOT_DONE = re.compile(r"\b(?:no|not|never|without|denies)\b[^.;]{0,30}$", re.I)


def _add_study(out: Extracted, lex: Lexicon, study: Mention) -> None:
    """One study per kind and date: a later sentence about it adds its result."""
    is_a, kind = lex.terms.is_a, study.concept or ""
    for fact in out.facts:
        if fact.kind == "study" and fact.props.get("on_date") == study.props["on_date"] and \
                (is_a(fact.concept, kind) or is_a(study.concept, fact.concept or "")):
            fact.props["result"] = fact.props.get("result") or study.props["result"]
            if is_a(study.concept, fact.concept or ""):
                fact.concept = study.concept
            return
    out.facts.append(study)


_NEGATIVE_NAME = re.compile(r"(?:not|no|non)\b", re.I)
# Deficits a text may name by the function they affect: "Achilles reflex ... absent".
_FUNCTION_NAMED = frozenset({T("ReflexChange"), T("DermatomalSensoryLoss"), T("MotorWeakness")})
_NAMES_FUNCTION = re.compile(r"\b(?:reflex(?:es)?|jerks?|DTRs?|sensation|sensory|strength|"
                             r"motor)\b", re.I)
_NAMES_DEFICIT = re.compile(r"\b(?:absent|dimin\w*|decr\w*|reduc\w*|hypo\w*|loss|"
                            r"asymmetr\w*|change|deficit|numb\w*|impair\w*)\b", re.I)
# (and a chart's shortening: "decr sensation R C6 dermatome", "dimin. reflexes")
_DEFICIT_BEFORE = re.compile(r"\b(?:absent|diminished|decreased|reduced|depressed|hypoactive|"
                             r"sluggish|asymmetric|impaired|weak|weaker|trace|lost|decr\.?|"
                             r"dimin\.?)\s+"
                             r"(?:\w+\s+){0,2}$", re.I)


def _names_function(sentence: str, hit) -> bool:  # noqa: ANN001
    """The words matched name the function ("reflexes", "Achilles reflex"), not a deficit of
    it ("absent reflex", "reflex asymmetry")."""
    span = sentence[hit.start:hit.end]
    return bool(_NAMES_FUNCTION.search(span)) and not _NAMES_DEFICIT.search(span)
# (a grade of 1+ or 0 is a diminished reflex: "Left biceps reflex 1+, right 2+", "trace";
# "1+ and symmetric" is read as the examiner's normal)
_DEFICIT = re.compile(r"(?:(?!\b(?:not|no|never)\b)[^.;]){0,25}?(?:\b(?:absent|diminished|"
                      r"decreased|decr\b|dimin\b|reduced|depressed|hypoactive|sluggish|trace|weak|weaker|0/4)|"
                      r"(?<![\w.+/-])[01](?:\+|(?![+\d/]))(?![\s,]*(?:and\s+)?(?:symm?(?:etric\w*)?\b|"
                      r"equal|=)))", re.I)
# Strength said to be less, within its own statement ("strength 5/5 in the legs, decreased
# sensation" is no weakness): a comma ends it, unlike a reflex's ("2+ at the knees, absent at
# the ankles").
_WEAKER = re.compile(r"(?:(?!\b(?:not|no|never)\b)[^.;,]){0,25}?(?:\b(?:diminished|decreased|"
                     r"reduced|weak|impaired)\b|(?<![\d/])[0-4][+-]?\s*/\s*5\b)", re.I)
_WEAKER_BEFORE = re.compile(r"(?:\b(?:diminished|decreased|reduced|weak|impaired)|(?<![\d/])"
                            r"[0-4][+-]?\s*/\s*5)\s+(?:\w+\s+){0,2}$", re.I)
_NOT_MYOTOMAL_AFTER = re.compile(r"\s+(?:of|in)\s+(?:the\s+)?(?:\w+\s+)?(?:rotator|cuff|"
                                 r"thenar|grip|hands?|intrinsics?|core|trunk|evidence)\b|"
                                 # "STRENGTH ER 4/5 R": the cuff's rotators, a tendon's test
                                 r"\s+(?:(?:of|in|on)\s+)?(?:ER|IR|external rotation|internal "
                                 r"rotation|supraspinatus|infraspinatus|subscapularis|"
                                 r"empty[- ]can)\b", re.I)
_EXCEPT = re.compile(r"[^.;]{0,40}?\b(?:except|other than|apart from|but)\b", re.I)
# ("4/5 strength of the right supraspinatus": a side may come between)
_CUFF_MOVES = re.compile(r"[^.;,]{0,24}?\b(?:in|of|with|on)\s+(?:the\s+)?(?:(?:right|left|R|L|"
                         r"bilateral)\s+)?(?:forward\s+)?(?:"
                         r"elevation|abduction|external rotation|supraspinatus|rotator cuff|"
                         r"infraspinatus|shoulder flexion)\b", re.I)
# A sensory change said to follow no dermatome: "in a non-dermatomal pattern", "the whole
# limb" (what a root's loss is not); or a neuropathy's ("in a stocking distribution")
_NOT_DERMATOMAL = re.compile(r"\bnon-?\s?dermatomal\b|\bnot (?:in )?(?:a |any )?dermatomal\b|"
                             r"\bnon-?physiologic\b|\bentire (?:right |left )?(?:upper |lower )?"
                             r"(?:extremity|limb|leg|arm)\b", re.I)
_STOCKING = re.compile(r"\bstocking|\bglove\b", re.I)
# A weakness referred back to ("the cause of the arm weakness"), told before by its grade
_THE_WEAKNESS = re.compile(r"\bthe\s+(?:(?:right|left)\s+)?(?:(?:arm|leg|shoulder|hand)\s+)?$",
                           re.I)
_WEAKNESSES = (T("MotorWeakness"), T("RotatorCuffWeakness"))
# Where a Tinel sign was elicited, said after it: the elbow or Guyon's canal (the ulnar nerve)
_AT_THE_ELBOW = re.compile(r"[^.;,]{0,30}?\b(?:elbows?|cubital|ulnar|guyon'?s?)\b", re.I)
# A condition said to be possible, or to be ruled out, is the suspicion the guidelines name as a
# red flag: "r/o compression fracture" documents a suspected fracture.
_SUSPICIONS = {T("SpinalFractureOrDislocation"): T("SuspectedFracture")}


def _suspicion(term: str, lex: Lexicon) -> str | None:
    return next((s for c, s in _SUSPICIONS.items() if lex.terms.is_a(term, c)), None)


# Habits whose past use is no current use: what the guidelines ask is whether the worker
# smokes now.
_HABITS = frozenset({T("TobaccoUse")})
# Findings that are a history: said in the past tense, they hold now.
_HISTORIES = frozenset({T("PepticUlcerOrGIBleedHistory"), T("SubstanceAbuseHistory")})
# "grip strength 18 -> 32 lb", "thenar weakness" are the hand's, not a myotome's ("strength
# 5/5" is).
_NOT_MYOTOMAL = re.compile(r"\b(?:grip|pinch|core|trunk|cardiovascular|aerobic|thenar|APB|"
                           r"abductor pollicis(?: brevis)?|intrinsics?)\s*$", re.I)


# What a treatment was given for, right before the finding: "cyclobenzaprine ... 'for back
# spasm'", "Soma ... since 2016 for \"back spasms\"" (not "presents for evaluation of")
# (or taken as needed for it: "Cyclobenzaprine 7.5 mg 1 tab bid prn spasm was added ...")
# (the quote may open after an article: 'restarted by an urgent care in March for a "back
# spasm."')
_PRESCRIBED_FOR = re.compile(r"(?:\bfor|\bprn|\bp\.r\.n\.|\bas needed)\s+(?:for\s+)?"
                             r"(?:[\"'\u201c]|(?:his|her|the|their|a|an|low|lower|upper|mid|neck|"
                             r"back|muscle|leg|arm|occasional|intermittent|nighttime|night)\s+)*$",
                             re.I)


_FINDING, _SERVICE, _TUMOUR = T("ClinicalFinding"), T("Service"), T("SuspectedTumor")
_RISK_LEVELS = frozenset(map(T, ("LowMisuseRisk", "ModerateMisuseRisk", "HighMisuseRisk",
                                 "ElevatedMisuseRisk")))
_SCORED_AS = re.compile(r"\bscor(?:e|ed)\s*(?:of|was|is|=|:)?\s*\d{1,2}(?:\s*/\s*\d{1,2})?\s*"
                        r"(?:\(|,|-+|\u2013|=|:|indicating|consistent with|suggesting)?\s*$", re.I)
_RADICULAR = T("RadicularSymptoms")
_NOT_INTO_LIMB = re.compile(r"[^.;]{0,60}?\bbut not (?:into|to|down(?: into)?|in|along) "
                            r"(?:the |his |her |their |either |both )?(?:arms?|legs?|hands?|"
                            r"feet|foot|upper|lower|extremit\w*)", re.I)
# Radiation said to stop at a part of the trunk or the girdle is referred pain, not a root's:
# "neck pain radiating to the right shoulder blade", "LBP radiating into both buttocks" (unless
# it goes on into a limb: "... to the left buttock and down the left leg"; a limb denied after
# it is no such going on: "to the right shoulder blade, without arm pain")
_SHORT_OF_LIMB = re.compile(
    r"\s+(?:\w+\s+){0,2}?(?:to|into|towards?|over|across)\s+(?:the\s+|his\s+|her\s+|their\s+|"
    r"both\s+)?(?:(?:right|left|bilateral|upper|lower|mid|r|l)\s+)?(?:shoulder blades?|"
    r"scapulae?|(?:inter|peri)?scapular\w*|upper back|mid back|trapezi\w*|occiput|"
    r"occipital\w*|base of (?:the )?skull|buttocks?|gluteal\w*|glutes?|flanks?|groin|hips?)"
    r"\b(?!(?:(?!\b(?:without|no|not|nor)\b)[^.;]){0,40}?\b" + LIMB + r"\b)", re.I)
_RADIATION_WORD = re.compile(r"radiat\w*", re.I)
_JOINT_PAIN = re.compile(r"\b(?:knee|shoulder|hip|elbow|wrist|hand|ankle|foot|rotator cuff)s?\b",
                         re.I)


# What a stimulator feels like is no symptom: 'she "liked the tingling" of the interferential
# unit' (a tingling in a limb still is one: "TENS eases the tingling in her feet")
_SENSATION = re.compile(r"tingl\w*|buzz\w*|pins and needles|paresthesias?|prickl\w*", re.I)
_LIMB_NEAR = re.compile(r"\b(?:in|of|into|down|along)\s+(?:the\s+|his\s+|her\s+|both\s+)?"
                        r"(?:\w+\s+){0,2}?(?:legs?|feet|foot|toes?|arms?|hands?|fingers?|thighs?|"
                        r"calf|calves|extremit\w+|shins?|thumbs?)\b", re.I)


def _device_sensation(sentence: str, hit: Match, services: list[Match], lex: Lexicon) -> bool:
    return bool(_SENSATION.fullmatch(sentence[hit.start:hit.end])) and \
        not _LIMB_NEAR.match(sentence, hit.end, hit.end + 40) and \
        any(lex.terms.is_a(s.term, T("ElectricalStimulationDevice")) for s in services)


# A narrower finding denied that denies the broader one it defines (the terminology's GI risk
# factor is the history of ulcer, bleeding or perforation)
_DENIED_AS = {T("PepticUlcerOrGIBleedHistory"): T("GastrointestinalRiskFactor")}
# Stomach upset denied or told outside a drug's side effects is dyspepsia
_GI_UPSET = re.compile(r"(?:stomach|gi|gastric|abdominal)\s+upset|upset\s+stomach|"
                       r"indigestion", re.I)


# A fracture named bare where the spine is the subject: "Lumbar x-rays 01/15/2018: no fracture"
# (denied only: affirmed, the bare word is as often a worry as a finding)
_FRACTURE = re.compile(r"\b(?:fractures?|fx)\b", re.I)
# (dynamic views are of the spine: "Flexion-extension radiographs ... showed no fracture")
_SPINE_SAID = re.compile(r"\b(?:lumbar|cervical|thoracic|spine|spinal|[LCT]-spine|vertebra\w*|"
                         r"lumbosacral|sacrum|flexion[- /]extension|flex[- /]ext)\b", re.I)


def _as_dyspepsia(sentence: str, hit: Match) -> Match:
    return Match(T("Dyspepsia"), hit.start, hit.end) \
        if _GI_UPSET.fullmatch(sentence, hit.start, hit.end) else hit


def _spinal_fracture(sentence: str, hits: list[Match]) -> list[Match]:
    if not (_FRACTURE.search(sentence) and _SPINE_SAID.search(sentence)):
        return []
    return [Match(T("SpinalFractureOrDislocation"), f.start(), f.end())
            for f in _FRACTURE.finditer(sentence)
            if not any(h.start <= f.start() < h.end for h in hits)][:1]


_CODED = re.compile(r"\b[A-TV-Z]\d{2}(?:\.[0-9A-Z]{1,4})?[ \t]+$")


# a measure said to have improved: "improved range of motion", "increased strength"
_IMPROVED_MEASURE = re.compile(r"\b(?:improved|improving|increased|better|restored|regained|"
                               r"improvement (?:in|of))\s+(?:his |her |their |the )?"
                               r"(?:\w+ )?$", re.I)


# A finding's name as the name of the instrument that measures it: "Her Fear-Avoidance
# Beliefs Questionnaire score was 5", "the Pain Catastrophizing Scale", "Insomnia Severity
# Index": the instrument, not the finding (its score or the author's reading of it says that)
_INSTRUMENT_AFTER = re.compile(r"['\u2019]?s?[\s-]*(?:\w+[\s-]+)?(?:questionnaire|scale|"
                               r"inventory|index|survey|screener|screening (?:tool|"
                               r"questionnaire))\b", re.I)


_INSTABILITY = T("SpinalInstability")
_DOES_NOT_MOVE = re.compile(r"[^.;]{0,30}?(?:\b(?:does|did)\s+not\s+move|\bwithout\s+(?:any\s+)?"
                            r"(?:abnormal\s+)?(?:motion|movement|translation)|,?\s*stable\b|"
                            r"\bno\s+(?:abnormal\s+)?(?:motion|movement|translation))", re.I)


def _findings(out: Extracted, lex: Lexicon, sentence: str, at: int, day) -> None:
    # side effects belong to the medication review (_side_effects), not the examination
    hits = [_as_dyspepsia(sentence, h) for h in lex.find(sentence, _FINDING)
            if (not lex.terms.is_a(h.term, T("DrugSideEffect"))
                or _GI_UPSET.fullmatch(sentence, h.start, h.end))
            and not _NOT_MYOTOMAL.search(sentence[:h.start])
            and not _INSTRUMENT_AFTER.match(sentence, h.end)
            # (a check list's heading names the class its boxes ask about: "RED FLAGS [ ]
            # bowel/bladder [ ] fever ... None of the above")
            and not (sentence[h.start:h.end].isupper()
                     and sentence[h.end:h.end + 8].lstrip(" \t:").startswith("["))
            # (a diagnosis's words after its code in a table's row: "M62.838 spasm, other |
            # Tizanidine 4 mg | ...", the code the drug is billed under, not what the
            # examination found that day)
            and not ("|" in sentence and _CODED.search(sentence, max(0, h.start - 12), h.start))]
    bare = _spinal_fracture(sentence, hits)
    # "no history of ulcer or GI bleeding" also denies the GI risk factor that history is
    broader = [Match(_DENIED_AS[h.term], h.start, h.end) for h in hits if h.term in _DENIED_AS]
    hits += bare + broader
    if hits:  # a finding inside a service's name is none: "weight loss program"
        services = lex.find(sentence, _SERVICE)
        hits = [h for h in hits if not any(s.start <= h.start and h.end <= s.end and
                                           s.end - s.start > h.end - h.start for s in services)
                and not _device_sensation(sentence, h, services, lex)]
    released: set[str] = set()
    for hit, said in zip(hits, _listed_functions(sentence, hits, assertions(
            sentence, [(h.start, h.end) for h in hits])), strict=True):
        if said is Assertion.ABSENT and _NEGATIVE_NAME.match(sentence, hit.start):
            # "not a surgical candidate" names the finding with its negation: the negation
            # found there is its name's, not a denial of it
            said = Assertion.PRESENT
        elif said is Assertion.ABSENT and hit.term in _RISK_LEVELS and \
                _SCORED_AS.search(sentence, max(0, hit.start - 30), hit.start):
            # a tool's score read as a level is a result, whatever a list denied before it:
            # "a CURES review showing no controlled substance prescriptions, an Opioid Risk
            # Tool score of 2 (low risk), ..."
            said = Assertion.PRESENT
        elif said is Assertion.PRESENT and hit.term == _INSTABILITY and \
                _DOES_NOT_MOVE.match(sentence, hit.end):
            # a slip that does not move on dynamic films is no instability: "because the
            # listhesis does not move on dynamic films", "spondylolisthesis L4-5, stable"
            said = Assertion.ABSENT
        elif said is Assertion.PRESENT and hit.term == _RADICULAR and \
                _NOT_INTO_LIMB.match(sentence, hit.end):
            # "radiation into the shoulder blades but not into the arms": it stops short of
            # the limb, where a root's pain goes
            said = Assertion.ABSENT
        elif said is Assertion.PRESENT and hit.term == _RADICULAR and \
                _RADIATION_WORD.fullmatch(sentence, hit.start, hit.end) and \
                _SHORT_OF_LIMB.match(sentence, hit.end):
            continue  # (where it stops said, with no limb denied: no radicular fact)
        elif said is Assertion.PRESENT and _IMPROVED_MEASURE.search(
                sentence, max(0, hit.start - 25), hit.start):
            # "12 sessions of physical therapy with improved range of motion": a course's
            # result, not a limit found (nor its absence)
            continue
        if hit.term in _FUNCTION_NAMED and _names_function(sentence, hit):
            function_said = _function_status(sentence, hit, said)
            if function_said is None:
                released.add(hit.term)  # a sign written as a measurement may still say it
                continue
            said = function_said
        if said is Assertion.HISTORICAL and hit.term in _HABITS:
            said = Assertion.ABSENT  # "quit smoking in 2013", "former smoker": not now
        elif said is Assertion.HISTORICAL and (hit.term in _HISTORIES or lex.terms.is_a(
                hit.term, T("PreoperativeRiskFactor"))):
            # "a history of a bleeding ulcer": the finding is the past; "Past medical history:
            # type 2 diabetes": a chronic disease of the history is had now
            said = Assertion.PRESENT
        if hit.term == T("DermatomalSensoryLoss"):
            # ("Decreased pinprick in the left L5 dermatome; also ... in a stocking
            # distribution": two findings, each in its own part)
            part = _clause_of(sentence, hit.start)
            if _STOCKING.search(part):
                continue  # "in a stocking distribution": a neuropathy's, told as such elsewhere
            if _NOT_DERMATOMAL.search(part):
                said = Assertion.ABSENT  # "diminished over the whole leg, non-dermatomal"
        if hit.term == T("MotorWeakness") and _THE_WEAKNESS.search(sentence[:hit.start]) and \
                sentence[hit.start:hit.end].lower() == "weakness" and any(
                    f.kind == "finding" and f.concept in _WEAKNESSES for f in out.facts):
            continue  # "... as the cause of the arm weakness": the weakness told before
        if hit.term == T("MotorWeakness") and _CUFF_MOVES.match(sentence, hit.end):
            # "strength was 5/5 in forward elevation and external rotation": the cuff's
            # strength, not a myotome's (a weakness of elevation before it stays current else)
            hit = Match(T("RotatorCuffWeakness"), hit.start, hit.end)
        if hit.term == T("TinelSignWrist") and _AT_THE_ELBOW.match(sentence, hit.end):
            # "Tinel positive at the right cubital tunnel": the ulnar nerve's sign
            hit = Match(T("UlnarNerveClinicalSign"), hit.start, hit.end)
        if hit in bare and said is not Assertion.ABSENT:
            continue  # a bare "fracture" is read denied only ("anxious about a fracture")
        if said is Assertion.UNCERTAIN and (suspected := _suspicion(hit.term, lex)):
            # a fracture to rule out is a suspected fracture: the red flag itself
            hit, said = Match(suspected, hit.start, hit.end), Assertion.PRESENT
        if said not in (Assertion.PRESENT, Assertion.ABSENT):
            continue  # planned, possible, past or someone else's: not a finding of this exam
        if hit in broader and said is not Assertion.ABSENT:
            continue  # (the broader finding is read denied only)
        if said is Assertion.PRESENT and hit.term == _TUMOUR and "night" in \
                sentence[hit.start:hit.end].lower() and _JOINT_PAIN.search(sentence):
            continue  # a knee's or a shoulder's night pain is no spinal red flag
        if said is Assertion.PRESENT and _PRESCRIBED_FOR.search(sentence[:hit.start]) and \
                lex.first(sentence[:hit.start], T("Treatment")):
            continue  # 'Soma, taken since 2016 for "back spasms"': why it was given, not now
        present = said is Assertion.PRESENT
        before = sentence[:hit.start].rsplit(",", 1)[-1]  # its own statement's words
        after = sentence[hit.end:hit.end + 90]
        region = lex.first(after, T("BodyRegion"))
        # the side is said before a region named after the finding, or in the finding's own
        # statement ("SLR positive on the left at 45 degrees, ...", "Tinel's (+) R")
        side = _side(after[:region.start]) if region else _side(re.split(r"[,;]", after)[0])
        side = side or _side(" ".join(before.split()[-2:]))
        if region is None and hit.term in _REFINED_BY_REGION:
            region = lex.first(sentence, T("BodyRegion"))  # "Low back pain with night pain"
            region = region or _limb_named(lex, sentence)
        props = {"on_date": day, "region": region.term if region else None}
        if not _holds_finding(out, hit.term, present, day):
            out.facts.append(Mention("finding", hit.term, at + hit.start, at + hit.end,
                                     sentence[hit.start:hit.end],
                                     {**props, "present": present, "side": side}))
        if (other := _other_side(sentence, hit.end, present)) and \
                not _holds_finding(out, hit.term, not present, day):
            out.facts.append(Mention("finding", hit.term, at + hit.start, at + hit.end,
                                     sentence[hit.start:hit.end],
                                     {**props, "present": not present, "side": other}))
    _suspected(out, lex, sentence, at, day, hits)
    named = {h.term for h in hits} - released
    for sign in signs(sentence):
        if sign.concept in named or _holds_finding(out, sign.concept, sign.present, day):
            continue  # the sign was named in the sentence, or is held already
        out.facts.append(Mention("finding", sign.concept, at + sign.start, at + sign.end,
                                 sentence[sign.start:sign.end],
                                 {"present": sign.present, "on_date": day,
                                  "side": _side(sentence[sign.start:sign.end + 20]),
                                  "region": None}))


_COORDINATED = re.compile(r"\s*(?:,|/|,?\s*(?:and|&))\s*$")


def _limb_named(lex: Lexicon, sentence: str) -> Match | None:
    """The limb a sentence names, its name maybe taken by a study's ("Ankle x-rays on
    10/17/2022 showed no fracture": the ankle's fracture, not the case's spine's)."""
    limb = _LIMB.search(sentence)
    return lex.first(limb.group(), T("BodyRegion")) if limb else None


_LIMB = re.compile(r"\b(?:ankle|foot|feet|toe|knee|hip|femur|tibia|fibula|wrist|hand|finger|"
                   r"thumb|elbow|shoulder|forearm|humerus|clavicle|rib|pelvis|heel)s?\b", re.I)


def _listed_functions(sentence: str, hits: list[Match], said: list[Assertion]
                      ) -> list[Assertion]:
    """Functions listed together share the verdict said after the list: "strength, sensation
    and reflexes in both upper extremities were intact" (the verdict's reach, counted in
    words, had stopped short of the list's first member)."""
    said = list(said)
    for n in range(len(hits) - 2, -1, -1):
        if hits[n].term in _FUNCTION_NAMED and hits[n + 1].term in _FUNCTION_NAMED and \
                said[n] is Assertion.PRESENT and said[n + 1] is Assertion.ABSENT and \
                _COORDINATED.match(sentence[hits[n].end:hits[n + 1].start]):
            said[n] = Assertion.ABSENT
    return said


def _suspected(out: Extracted, lex: Lexicon, sentence: str, at: int, day,
               hits: list[Match]) -> None:
    """A lesion said suspected ("the podiatrist suspects an osteochondral lesion of the
    talus", "r/o TFCC tear", "a stress fracture cannot be excluded") is the finding named
    "suspected" that imaging criteria read. Not a spinal red flag (a tumour "to rule out" is
    often a form's words; _suspicion reads a fracture), nor a study's purpose ("MRI to rule
    out a labral tear": what the request is for, not what the examination suggests)."""
    for hit in lex.suspected(sentence):
        if any(h.start < hit.end and hit.start < h.end for h in hits) or \
                lex.terms.is_a(hit.term, _RED_FLAG) or \
                lex.first(_clause_before(sentence, hit.start), T("DiagnosticService")) or \
                _TO_LOOK.search(sentence, max(0, hit.start - 40), hit.start):
            # (a purpose said with "to" is what something asked for would look for, not
            # what the examination suggests, wherever the study is named: "| Frequency/
            # Duration/Quantity: x1, 'to rule out a meniscal tear'" on a table's wrapped row)
            continue
        if assertions(sentence, [(hit.start, hit.end)])[0] is Assertion.UNCERTAIN and \
                not _holds_finding(out, hit.term, True, day):
            out.facts.append(Mention("finding", hit.term, at + hit.start, at + hit.end,
                                     sentence[hit.start:hit.end],
                                     {"present": True, "on_date": day, "region": None,
                                      "side": _side(sentence[max(0, hit.start - 30):hit.end])}))


_RED_FLAG = T("RedFlagSpinalPathology")
_NEXT_CLAUSE = re.compile(r"[;,]|\band\b")
# a purpose said with "to": "to rule out a meniscal tear", "to exclude a fracture"
_TO_LOOK = re.compile(r"\bto\s+(?:rule\s+out|r/o|exclude|evaluate\s+for|assess\s+for|look\s+for)"
                      r"\s+(?:an?\s+|the\s+|any\s+|possible\s+)?$", re.I)


def _clause_before(sentence: str, start: int) -> str:
    """The words of the clause before `start` (from the last stop, semicolon or colon)."""
    before = sentence[:start]
    return before[max(before.rfind(c) for c in ".;:") + 1:]


def _ruled_out(out: Extracted, lex: Lexicon, sentence: str, at: int, day) -> None:
    """A condition the text denies ("no signs of peripheral neuropathy", "he is not diabetic",
    "no fracture") is documented absent: a finding absent of that condition, which the
    criteria that ask whether it is present or suspected read. (A condition affirmed is a
    diagnosis, read elsewhere.)"""
    hits = [h for h in lex.find(sentence, T("Condition"))
            if not lex.terms.is_a(h.term, T("ClinicalFinding"))]
    for hit, said in zip(hits, assertions(sentence, [(h.start, h.end) for h in hits]),
                         strict=True):
        if said is Assertion.ABSENT and not _holds_finding(out, hit.term, False, day):
            limb = _limb_named(lex, sentence) if hit.term in _REFINED_BY_REGION else None
            out.facts.append(Mention("finding", hit.term, at + hit.start, at + hit.end,
                                     sentence[hit.start:hit.end],
                                     {"present": False, "on_date": day, "side": None,
                                      "region": limb.term if limb else None}))


# A sign said of each side in turn: "SLR positive on the left at 45 degrees, negative on the
# right", "Spurling's negative on the left, positive on the right".
_NEGATIVE_SIDE = re.compile(r"[^.;]{0,60}?,\s*(?:and\s+|but\s+)?(?:negative|neg|normal|absent|"
                            r"\(-\))\s+(?:on\s+(?:the\s+)?)?(left|right|L|R)\b", re.I)
_POSITIVE_SIDE = re.compile(r"[^.;]{0,60}?,\s*(?:and\s+|but\s+)?(?:positive|pos|\(\+\))\s+"
                            r"(?:on\s+(?:the\s+)?)?(left|right|L|R)\b", re.I)


def _other_side(sentence: str, end: int, present: bool) -> str | None:
    """The side of which the sign is said the opposite, if the sentence goes on to say so."""
    found = (_NEGATIVE_SIDE if present else _POSITIVE_SIDE).match(sentence, end)
    return (_side(found.group(1)) or _INITIAL_SIDE[found.group(1).upper()]) if found else None


_INITIAL_SIDE = {"L": "Left", "R": "Right"}


def _function_status(sentence: str, hit: Match, said: Assertion) -> Assertion | None:
    """A function named ("reflexes", "sensation", "strength"): a deficit said of it ("the
    right Achilles reflex was absent", "4/5 strength of the wrist extensors") is the finding,
    not its denial; said normal, the finding is absent, unless an exception follows ("motor
    5/5 throughout except left EHL 4+/5"); named with nothing said of it ("strength
    training"), no finding (None)."""
    weakness = hit.term == T("MotorWeakness")
    after, before = (_WEAKER, _WEAKER_BEFORE) if weakness else (_DEFICIT, _DEFICIT_BEFORE)
    if weakness and (_NOT_MYOTOMAL_AFTER.match(sentence, hit.end)
                     or _NOT_MYOTOMAL.search(sentence[:hit.start])):
        return None  # "strength of the rotator cuff", "grip strength": not a myotome's
    if after.match(sentence, hit.end) or before.search(sentence, max(0, hit.start - 25),
                                                       hit.start):
        return Assertion.PRESENT
    if said is Assertion.ABSENT and _EXCEPT.match(sentence, hit.end):
        return None
    return None if said is Assertion.PRESENT else said


def _holds_finding(out: Extracted, concept: str | None, present: bool, day) -> bool:
    """One finding per concept, status and date: a second mention adds nothing."""
    return any(f.kind == "finding" and f.concept == concept and f.props["present"] == present
               and f.props["on_date"] == day for f in out.facts)


_SCREEN = T("PreoperativePsychologicalScreen")
# What only a request for a power mobility device or a wheelchair is judged by
_MOBILITY_ONLY = frozenset(map(T, ("ManualWheelchairNotFeasible",)))
_MOBILITY_DEVICES = tuple(map(T, ("PowerMobilityDevice", "ManualWheelchair")))
# ... and walking told unlimited ("gait steady", "walks without difficulty") only by a request
# whose criteria read a limitation of mobility: a walking aid, bathroom equipment, a CPM
# device, a mobility device (every normal gait of every other case is no fact anyone asked)
_NO_LIMITATION = T("MobilityLimitation")
_READ_BY_MOBILITY = (*_MOBILITY_DEVICES, *map(T, ("WalkingAid", "BathroomSafetyEquipment",
                                                   "KneeContinuousPassiveMotionDevice")))
_SHORT_STATEMENT = 60


def _confirmed(out: Extracted, lex: Lexicon, sentence: str, at: int, day) -> None:
    """What the studies named in the sentence confirm (reader/confirmations.py) and what it
    tells of the worker's job, motivation and independence (reader/judgments.py), as
    findings; one per concept, status and date."""
    named = studies_of(sentence, lex)
    confirmed = confirmations(sentence, lex, named, out.studied)
    # (a short statement of the report goes on about the study before it: "MRI R shoulder
    # 6/1/20: tendinosis. No full-thickness RC tear. Findings are c/w exam.")
    out.studied = named or (out.studied if len(sentence) <= _SHORT_STATEMENT else ())
    mobility = any(lex.terms.is_a(a, d) for a in out.asked for d in _MOBILITY_DEVICES)
    for fact in [*confirmed, *judgments(sentence)]:
        if fact.concept in _MOBILITY_ONLY and not mobility:
            continue  # ("upper extremity strength 5/5" of a neck case says nothing of a chair)
        if fact.concept == _NO_LIMITATION and not fact.present and not any(
                lex.terms.is_a(a, d) for a in out.asked for d in _READ_BY_MOBILITY):
            continue
        if fact.concept == _SCREEN:  # a screening is an assessment with what it found
            _add_assessment(out, Mention("assessment", _SCREEN, at + fact.start, at + fact.end,
                                         sentence[fact.start:fact.end], {
                                             "on_date": day, "assessment_result": m(
                                                 "NoneObserved" if fact.present else "Observed")}))
            continue
        if _holds_finding(out, fact.concept, fact.present, day) or fact.present and any(
                f.kind == "finding" and f.props["present"] and f.props["on_date"] == day
                and lex.terms.is_a(f.concept or "", fact.concept) for f in out.facts):
            continue  # (told already, or more precisely: "ambulates with a single point cane")
        out.facts.append(Mention("finding", fact.concept, at + fact.start, at + fact.end,
                                 sentence[fact.start:fact.end],
                                 {"present": fact.present, "on_date": day,
                                  "side": _side(sentence[fact.start:fact.end]), "region": None}))


# What a monitoring step found, said near it: "UDS 06/10/2014 consistent with hydrocodone".
_CONSISTENT = re.compile(r"\b(?:consistent|appropriate|as expected|as prescribed|compliant|clean|"
                         r"positive (?:only )?for (?:the |his |her )?prescribed|"
                         # "negative for all non-prescribed substances"
                         r"negative for (?:all |any )?(?:non-?|un)prescribed|"
                         r"expected|single prescriber|no other prescribers?|(?:one|a single|"
                         r"the only) (?:prescriber|pharmacy)|(?:this|our) (?:office|clinic|"
                         r"practice) only|"
                         # "showed prescriptions from the treating physician only"
                         r"(?:from|by) (?:the |his |her |a |one )?(?:treating |primary |single "
                         r"|same )?(?:physician|doctor|provider|prescriber|office|clinic) only|"
                         r"only (?:from|by) (?:the |his |her |a |one )?(?:treating |primary )?"
                         r"(?:physician|doctor|provider|prescriber)|"
                         # "detected hydrocodone and diazepam, both prescribed, and nothing else"
                         r"(?:both|all|each|which (?:is|are|was|were)) (?:\w+ )?prescribed|"
                         r"nothing else|no other (?:substances?|drugs?|medications?))\b|\bc/w\b",
                         re.I)
_INCONSISTENT = re.compile(r"\b(?:inconsistent|"
                           # (not "no unexpected substances": none found)
                           r"(?<!\bno )(?<!\bnot )(?<!without )(?<!\bnor )unexpected|"
                           r"positive for (?:cocaine|"
                           r"marijuana|thc|cannabis|methamphetamine|amphetamine|heroin|"
                           # (not a review that found none: "... and no aberrant behavior
                           # was noted")
                           r"alcohol)|not detected|negative for (?:the )?prescribed|"
                           r"(?<!\bno )(?<!\bnot )(?<!without )(?<!\bnor )aberrant|"
                           # "positive for alprazolam, which is not prescribed"
                           # (not "negative for non-prescribed substances": none found)
                           r"(?<!negative for )(?<!negative for any )(?<!negative for all )"
                           r"(?<!\bno )(?<!\bnor )(?<!without )(?<!free of )"
                           r"(?:not (?:been )?prescribed|non-?prescribed|unprescribed))\b|"
                           # "negative for all substances tested, including the prescribed
                           # hydrocodone", "did not show the prescribed oxycodone"
                           r"\bnegative\b[^.;]{0,80}?\b(?:including|even|despite)\s+(?:for\s+)?"
                           r"(?:the\s+|his\s+|her\s+)?prescribed\b|\b(?:did|does)\s+not\s+"
                           r"(?:show|detect|contain|reveal)\s+(?:the\s+|his\s+|her\s+|any\s+)?"
                           r"(?:prescribed|expected)\b",
                           re.I)
_REVIEWS = (T("AdverseEffectReview"), T("AberrantBehaviorReview"))
_NEGATIVE_FOR = re.compile(r"\b(?:negative|neg|not detected|absent)\s+(?:for\s+)?", re.I)


def _only_taken(out: Extracted, lex: Lexicon, near: str) -> bool:
    """A screen that found only a drug on record as taken ("was positive only for tramadol",
    with tramadol ER taken since 2016) is consistent with what is prescribed."""
    if not (only := _ONLY_FOR.search(near)):
        return False
    found = lex.first(near[only.end():only.end() + 40], T("Drug"))
    taken = {f.concept for f in out.facts if f.kind in ("medication", "prior") and f.concept}
    return found is not None and found.start == 0 and any(
        lex.terms.is_a(c, found.term) or lex.terms.is_a(found.term, c) for c in taken)


_ONLY_FOR = re.compile(r"\b(?:positive\s+only\s+for|only\s+(?:showed|detected|revealed|found)|"
                       r"detected\s+only)\s+(?:the\s+|his\s+|her\s+)?", re.I)


def _missing_drug(lex: Lexicon, near: str) -> bool:
    """A screen negative for a named drug ("negative for hydrocodone"): one would name only a
    drug expected to be there, so it is inconsistent with what is prescribed."""
    for found in _NEGATIVE_FOR.finditer(near):
        drug = lex.first(near[found.end():found.end() + 30], T("Drug"))
        if drug is not None and drug.start == 0:
            return True
    return False


def _assessments(out: Extracted, lex: Lexicon, sentence: str, at: int, day,
                 requested: list[tuple[int, int]]) -> None:
    """Monitoring documented (urine drug screen, CURES, opioid agreement, side effects and
    aberrant behaviour reviewed) and its result. A review said negated ("denies side effects",
    "no early refills") found nothing of concern; a screen or check said negated ("no UDS on
    file") is not a record of one, and the vocabulary has no "not done": it is left out. A
    screen named in a sentence that asks for something, or in a requested item ("3. Random
    UDS today"), is the request, not a result."""
    hits = [h for h in lex.find(sentence, T("MonitoringAssessment"))
            if not any(s <= at + h.start < e for s, e in requested)
            # a schedule is a plan, not a result: "UDS at each visit q3 mos" (a taper's
            # schedule is the plan itself: "a written taper plan of 10% every 4 weeks")
            and (h.term == _TAPER or not _SCHEDULED.match(sentence, h.end))]
    hits += _screens_again(out, lex, sentence, hits)
    if _TAPER_ENDED.search(sentence):
        # "the taper was stopped after a flare, and the dose was returned to 15 mg": the plan
        # told before is no longer in force (the vocabulary has no "abandoned": it goes)
        out.facts[:] = [f for f in out.facts if not (f.kind == "assessment"
                                                     and f.concept == _TAPER)]
        hits = [h for h in hits if h.term != _TAPER]  # ("the taper plan was abandoned")
    planned = None
    if not any(h.term == _TAPER for h in hits) and (steps := _TAPER_STEPS.search(sentence)):
        # a taper told by its steps: "set out a taper: morphine ER 15 mg twice a day from
        # January, 15 mg once a day from March, then off by May"
        hits.append(Match(_TAPER, steps.start(), steps.start() + len(steps.group(1))))
    elif not any(h.term == _TAPER for h in hits) and \
            (planned := _planned_taper(lex, sentence)) is not None:
        hits.append(planned)
    # (a plan documented is a fact: its own "plan to" makes it no hypothesis)
    said_all = [Assertion.PRESENT if h is planned else a for h, a in zip(
        hits, assertions(sentence, [(h.start, h.end) for h in hits]), strict=True)]
    asks = request_items.asks_for_something(sentence) or _PLAN_LINE.match(sentence) or \
        _PLAN_LABEL.match(sentence)
    for hit, said in zip(hits, said_all, strict=True):
        review = any(lex.terms.is_a(hit.term, r) for r in _REVIEWS)
        listed = _listed_dates(sentence, hit.end) if not review else []
        days = [when for when, _, _ in listed]
        # (a result told after a list of dates: "... on 12/16/2025, 12/23/2025, ... and
        # 01/13/2026, and each was consistent")
        near = sentence[hit.end:hit.end + max(120, _last_listed(sentence, hit.end) + 60
                                                  if days else 0)]
        # (up to the next screen named: "... were consistent; the screen of 03/08/2022 was
        # positive for alprazolam" tells two results)
        # (not its own abbreviation: "A urine drug test (UDT) collected ...")
        near = near[:min((h.start - hit.end for h in hits if h.start >= hit.end
                          and not review and h.term == hit.term
                          and _NEXT_CLAUSE.search(sentence, hit.end, h.start)),
                         default=len(near))]
        if lex.terms.is_a(hit.term, _LABS):
            # blood tests with their result: "CBC/CMP 03/17/2015 normal", "labs were within
            # normal limits" (which reads as a negation), "creatinine elevated"
            if asks and said is not Assertion.PRESENT or not (found := _LAB_RESULT.search(near)):
                continue
            result = "Observed" if found.group("abnormal") else "NoneObserved"
        elif said is Assertion.ABSENT and review:
            result = "NoneObserved"
        elif said is Assertion.ABSENT and not review and _FINE_AFTER.match(near):
            # "CURES ok/reviewed", "UDS clean": the word that reads as a normal finding's
            # verdict says the check was done and found nothing amiss
            result = "Consistent"
        elif said is Assertion.ABSENT and (_NEGATIVE_RESULT.match(near) or (
                _VERDICT_AFTER.match(near) and not _NEGATED_BEFORE.search(
                    sentence, max(0, hit.start - 40), hit.start))):
            # "urine drug screen 04/11/2017: negative for all tested substances": the screen
            # was done, and its result is what "negative" said
            result = "Inconsistent" if (_INCONSISTENT.search(near) or _missing_drug(lex, near)) \
                and not _explained_absence(near) else "Consistent"
        elif said is not Assertion.PRESENT or (asks and not review and hit.term != _TAPER
                                                and not _done_screen(sentence, hit.end)) or \
                _DECIDED_ON.search(sentence, 0, hit.start) or \
                _DECIDED_LIST.search(sentence, 0, hit.start):
            # (a taper plan is documented by a sentence that plans: "under a written taper
            # plan: 150 -> 100 mg q12h on 02/11/2025, then ...")
            continue  # (a screen the UR "non-certified" was asked for, not done)
        elif review:
            result = "Observed"
        else:
            # what follows the screen, or an adjective of it: "a consistent urine drug screen"
            # (within its clause: "No aberrant behavior; UDS 3/12/13 consistent")
            adjective = re.split(r"[,;:]", sentence[max(0, hit.start - 25):hit.start])[-1]
            result = _screen_result(out, lex, near, adjective)
            if _SAME_RESULT.match(near) and (earlier := _last_screen(out, hit.term)):
                # "the report of the confirmatory test, dated 11/25/2025, gave the same
                # result": the result of the screen it confirms
                result = earlier
        if not review:
            days = _counted_days(sentence, hit, listed, day)
        results = _own_results(out, lex, near, listed) or [result] * max(1, len(days))
        for n, (when, own) in enumerate(zip(days or [day], results, strict=True)):
            # (screens counted on one day are each a screen: "nth" keeps them apart)
            again = {"nth": n} if when in days[:n] else {}
            _add_assessment(out, Mention("assessment", hit.term, at + hit.start, at + hit.end,
                                         sentence[hit.start:hit.end],
                                         {"on_date": when, "assessment_result": m(own),
                                          **again}))
    _side_effects(out, lex, sentence, at, day)


_SAME_RESULT = re.compile(r"[^.;]{0,60}?\b(?:gave|showed|had|with|reported|returned)\s+(?:the\s+)?"
                          r"same\s+(?:result|findings?)|[^.;]{0,60}?\bconfirmed\s+(?:it|this|that|"
                          r"the\s+(?:result|finding|screen))\b", re.I)


def _last_screen(out: Extracted, concept: str) -> str | None:
    """The result of the screen of that kind read last (of a result told, not only done)."""
    return next((f.props["assessment_result"].rsplit("#", 1)[-1] for f in reversed(out.facts)
                 if f.kind == "assessment" and f.concept == concept
                 and not f.props["assessment_result"].endswith("#Documented")), None)


def _own_results(out: Extracted, lex: Lexicon, near: str,
                 listed: list[tuple[dt.date, int, int]]) -> list[str]:
    """Each listed screen's own result, where each date has one after it ("UDS: 07/14/2020
    consistent | 10/13/2020 consistent | 01/12/2021 inconsistent"); none when they share one."""
    if len(listed) < 2:
        return []
    ends = [start for _, start, _ in listed[1:]] + [len(near)]
    own = [near[stop:end] for (_, _, stop), end in zip(listed, ends, strict=True)]
    if len(own) < 2 or not all(_RESULT_WORD.match(o) for o in own):
        return []
    # (each to its clause's end: "03/11/2014 negative for hydrocodone despite six Norco a day")
    return [_screen_result(out, lex, re.split(r"[;\n|]|\.\s", o)[0]) for o in own]


def _screen_result(out: Extracted, lex: Lexicon, near: str, adjective: str = "") -> str:
    """A screen's result from the words after it (and an adjective before it): "inconsistent",
    a prescribed drug missing (unless the author calls the absence consistent), "consistent",
    only prescribed drugs found; else documented."""
    if _explained_absence(near):
        return "Consistent"
    if _INCONSISTENT.search(near) or _INCONSISTENT.search(adjective) or _missing_drug(lex, near):
        return "Inconsistent"
    if _CONSISTENT.search(near) or _CONSISTENT.search(adjective) or _only_taken(out, lex, near):
        return "Consistent"
    return "Documented"


# the author's verdict on a drug not found: "tramadol not detected (consistent with intermittent
# use as reported)", "negative for hydrocodone, which is consistent with her stopping it in May"
_EXPLAINED = re.compile(r"(?<![\w-])(?<!\bnot )(?<!\bnot entirely )consistent with\b", re.I)


def _explained_absence(near: str) -> bool:
    """A prescribed drug not detected whose absence the author then calls consistent, with no
    other sign of misuse (an illicit drug found, an unexpected one) before or after."""
    verdict = _EXPLAINED.search(near)
    if verdict is None or not (absent := _NEGATIVE_FOR.search(near, 0, verdict.start())):
        return False
    others = near[:absent.start()] + " " + near[verdict.end():]
    return not _INCONSISTENT.search(others)


def _screen_named(lex: Lexicon, heading: str) -> str | None:
    """The drug screen or check a heading names ("Urine drug testing", "UDS history"), if any:
    what its dated rows are results of."""
    named = lex.first(heading, T("MonitoringAssessment"))
    return named.term if named and not lex.terms.is_a(named.term, _LABS) and named.term != _TAPER \
        and not any(lex.terms.is_a(named.term, r) for r in _REVIEWS) else None


# (or a log's row of cells: "06/12/2017 | POC + GC/MS | oxycodone present | consistent", or
# of columns, which cleaning leaves a space apart: "12/04/2017   consistent with tramadol")
_DATED_ROW = re.compile(r"\W{0,3}(" + DATE_RE.pattern +
                        r")(?:[ \t]*[-:\u2013(|]|[ \t]+(?=[A-Za-z]))")


_LOG_COLUMNS = re.compile(r"(?:(?:date|dates|collected|collection date|results?|findings?|"
                          r"comments?|specimen|test|method|type|interpretation|status|"
                          r"detected|consistent\??)[ \t]*){2,5}$", re.I)
# a log's column that answers whether each screen was consistent: its rows end "Y" or "N"
_CONSISTENT_COLUMN = re.compile(r"\bconsistent\?", re.I)
_YES_NO_CELL = re.compile(r"[ \t](Y|N|Yes|No)[ \t.]*$", re.I)


def _open_screen_log(out: Extracted, screen: str | None, heading: str) -> None:
    """The dated rows read next are results of `screen`, answered by a "Consistent?" column
    when the log's heading has one."""
    out.screen_rows = screen
    out.screen_answered = bool(_CONSISTENT_COLUMN.search(heading))


def _screen_log_header(lex: Lexicon, line: str) -> str | None:
    """The screen a log's column heading names first ("UDS date  Result  Consistent?"), if the
    line is one."""
    line = line.strip(" :")
    if len(line) > 120 or not _LOG_COLUMNS.search(line):
        return None  # (the cheap test first: a log's heading ends with its columns' names)
    named = lex.first(line, T("MonitoringAssessment"))
    if named is None or named.start > 2 or not _LOG_COLUMNS.match(line[named.end:].strip(" :")):
        return None
    return _screen_named(lex, line[:named.end])


def _screen_row(out: Extracted, lex: Lexicon, sentence: str, at: int) -> bool:
    """A dated row under a screen's heading ("06/10/2019 - positive for hydrocodone and
    hydromorphone; consistent"): that screen, done that day, with the row's result. Whether
    the sentence was one (the rows end at the first sentence that is not)."""
    row = _DATED_ROW.match(sentence)
    day = parse_date(row.group(1)) if row else None
    if row is None or day is None or out.screen_rows is None or \
            lex.first(sentence, T("MonitoringAssessment")):
        out.screen_rows = None
        return False
    result = _screen_result(out, lex, sentence[row.end():])
    if out.screen_answered and (answer := _YES_NO_CELL.search(sentence)):
        # the log's "Consistent?" column answers for the row ("negative for all opioids  N")
        result = "Consistent" if answer.group(1).lower().startswith("y") else "Inconsistent"
    _add_assessment(out, Mention("assessment", out.screen_rows, at + row.start(1), at + row.end(1),
                                 row.group(1), {"on_date": day, "assessment_result": m(result)}))
    return True


# (not a part told as copied from a given day: "[copied forward from 01/14/2025]" is of that day)
_STALE = re.compile(r"\b(?:copied|carried|cut and pasted|pasted|cloned) forward\b(?!\s+from\s+"
                    r"(?:the\s+)?(?:" + DATE_RE.pattern + r"|\w+\s+(?:visit|note|report)))|"
                    r"\b(?:is|are|was|were) (?:outdated|out of date|no longer (?:accurate|"
                    r"current|true|valid))\b",
                    re.I)


def _result_after(out: Extracted, sentence: str) -> None:
    """A screen's result told by the next sentence alone: "Urine drug screen 01/13/2026:
    hydrocodone and metabolites, gabapentin; nothing else. Consistent." """
    if len(sentence) > 140 or not (said := _RESULT_ALONE.match(sentence)):
        return
    start, end = out.previous
    for fact in out.facts:
        if fact.kind == "assessment" and start <= fact.start < end and \
                fact.props["assessment_result"] == m("Documented"):
            fact.props["assessment_result"] = m(
                "Inconsistent" if said.group("result").lower().startswith(("in", "un"))
                or _INCONSISTENT.search(sentence) else "Consistent")


_RESULT_ALONE = re.compile(r"\W*(?:(?:the\s+)?(?:results?|findings?|it|this|screen|test)\s+"
                           r"(?:was|were|is|are)\s+)?(?P<result>consistent|inconsistent|"
                           r"appropriate|inappropriate|as expected|unexpected)\b[^.;]{0,100}"
                           r"[.;]?\s*$", re.I)


_SCHEDULED = re.compile(r"[^.;]{0,30}?\b(?:at each visit|every (?:visit|\d+ (?:weeks?|months?|"
                        r"mos?))|q\s?\d+\s?(?:wks?|weeks?|mos?|months?)|monthly|quarterly|"
                        r"(?:twice|\d+ times) (?:a|per) year)\b", re.I)


def _done_screen(sentence: str, end: int) -> bool:
    """A screen told with its date or result is done, whatever else the sentence asks ("A
    urine drug screen collected 02/11/2014 was positive for oxycodone ...; the report was
    reviewed with him at the next visit")."""
    return bool(_DATED_NEXT.match(sentence, end) or _RESULT_TOLD.match(sentence, end))


# (its own date right after its name, not a request's: "one random urine drug test, on a
# request for authorization dated 2026-01-06" is asked for)
_DATED_NEXT = re.compile(r"\s*[(,]?\s*(?:(?:collected|dated|done|performed|obtained|taken|"
                         r"drawn|of|from)\s+)?(?:on\s+)?" + DATE_RE.pattern, re.I)
_RESULT_TOLD = re.compile(r"[^.;]{0,60}?\b(?:(?:was|were|is|are|came back|returned)\s+"
                          r"(?:positive|negative|consistent|inconsistent|appropriate|normal)|"
                          r"showed|revealed|detected)\b", re.I)


def _dates_listed(sentence: str, end: int) -> list[dt.date]:
    """The dates told just after a screen's name, however many a list gives: "Urine drug
    screens dated 04/03/2023, 07/10/2023, 10/09/2023 and 01/08/2024 were each consistent"
    (the first within 40 characters, or told as when it was done: "were collected at each
    weekly visit since the surgery, on 12/16/2025, ..."; each next one joined by a comma or an
    "and")."""
    return [day for day, _, _ in _listed_dates(sentence, end)]


def _last_listed(sentence: str, end: int) -> int:
    """Where the list of dates after a screen's name ends, from `end`."""
    listed = _listed_dates(sentence, end)
    return listed[-1][2] if listed else 0


# A count of screens said before them: "Four urine drug screens were performed between
# 09/08/2020 and 06/01/2021", "She has had four urine drug tests in the past year"
_SCREEN_COUNT = re.compile(r"\b" + request_items.COUNT_WORD + r"\s+(?:(?:random|prior|previous|"
                           r"consistent|separate|point[- ]of[- ]care|confirmatory)\s+)*$", re.I)
# ... and the span they were done in: "between 09/08/2020 and 06/01/2021", "from 01/02/2021 to
# 12/04/2021"
_SCREEN_SPAN = re.compile(r"[^.;]{0,60}?\b(?:between|from)\s+(" + DATE_RE.pattern
                          + r")\s*(?:and|to|through|thru|until|-|\u2013)\s*("
                          + DATE_RE.pattern + ")", re.I)
_PAST_YEAR = re.compile(r"\b(?:in|over|during|within)\s+the\s+(?:past|last|prior|preceding)\s+"
                        r"(?:year|12 months|twelve months)\b|\bthis year\b", re.I)


def _counted_days(sentence: str, hit: Match, listed: list[tuple[dt.date, int, int]],
                  day: dt.date | None) -> list[dt.date]:
    """The day of each screen a count before them says was done: the first and last of the
    span told, the others on the latest day they can have been (a limit on screens a year is
    never found met by dating them early); a count "in the past year" on the report's day.
    Else the dates listed."""
    days = [when for when, _, _ in listed]
    said = _SCREEN_COUNT.search(sentence, max(0, hit.start - 40), hit.start)
    count = request_items.count_of(said.group(1)) if said else 0
    if not 2 <= count <= 24 or count <= len(days):
        return days
    if (span := _SCREEN_SPAN.match(sentence, hit.end)) and \
            (first := parse_date(span.group(1))) and (last := parse_date(span.group(2))):
        return [first, *[last] * (count - 1)]
    if not days and day is not None and _PAST_YEAR.search(sentence):
        return [day] * count
    return days


def _listed_dates(sentence: str, end: int) -> list[tuple[dt.date, int, int]]:
    days: list[tuple[dt.date, int, int]] = []
    for day, start, stop in find_dates(sentence[end:end + 240]):
        if not days and start > 40 and not (
                start <= 100 and _DONE_ON.search(sentence, end, end + start)) or days and \
                not _DATE_JOIN.fullmatch(sentence[end + days[-1][2]:end + start]):
            break
        days.append((day, start, stop))
    return days


# (told as when the screens were done: "were collected at each visit, on 12/16/2025")
_DONE_ON = re.compile(r"\b(?:collected|obtained|done|performed|taken|drawn)\b[^.;]*\bon\s*$",
                      re.I)


# A dated screen's own result ("consistent", "(inconsistent)") before the next date; the dates
# of a list are joined by it too ("07/14/2020 consistent | 10/13/2020 consistent")
_SCREEN_RESULT = (r"(?:(?:in)?consistent|negative|positive|appropriate|expected|unexpected|"
                  r"clean)\b")
_RESULT_WORD = re.compile(r"[\s:=(-]*" + _SCREEN_RESULT + r"\)?", re.I)
_DATE_JOIN = re.compile(r"[\s,;|]*(?:\(?" + _SCREEN_RESULT + r"(?:[^;|\n\d()]{0,60}?(?=[;|]))?\)?"
                        r"[\s,;|]*)?(?:and|&)?[\s,]*", re.I)
# (a dated one is a plan's label: "RFA 9/4/13: Norco 10/325 #120, ..., UDS, MRI L-spine")
# ("RFA SENT 10/22/2019: (1) B/L L4-5, L5-S1 MBB (2) Tramadol 50mg #120 (3) Urine drug screen x1")
_PLAN_LINE = re.compile(r"\s*(?:plan|p|a/p|rfa)(?:\s+(?:sent|submitted|dated|of|on))?(?:\s+"
                        + DATE_RE.pattern + r")?\s*:", re.I)
_TAPER = T("OpioidTaperPlan")
# A screen named again by its order after a screen: "A urine drug screen collected on 05/03/2021
# was negative for hydrocodone ...; a repeat screen on 08/09/2021 was consistent ..."
_AGAIN_SCREEN = re.compile(r"\b(?:a|the|another)\s+(?:(?:repeat|second|third|follow-up|"
                           r"subsequent|later|next|new|confirmatory)\s+)(?:urine\s+)?"
                           r"(?:(?:drug|tox\w*)\s+)?(?:screen|test|UDS|UDT)s?\b|"
                           r"\banother\s+(?:urine\s+)?(?:(?:drug|tox\w*)\s+)?(?:screen|test)\b",
                           re.I)


# A taper plan given up: "the taper was stopped", "the wean has been abandoned", "they
# stopped the taper", "the taper was put on hold"
_TAPER_ENDED = re.compile(r"\b(?:taper\w*|wean\w*)(?:\s+plan)?\s+"
                          r"(?:was|were|has been|had been|is)\s+"
                          r"(?:stopped|abandoned|discontinued|halted|suspended|reversed|"
                          r"put on hold|cancel+ed|not (?:followed|completed|continued))\b|"
                          r"\b(?:stopped|abandoned|halted|reversed)\s+(?:the|his|her)\s+"
                          r"(?:taper|wean)\w*", re.I)
# Screens named by their dates after a screen was read before: "After counseling, the screens
# of 08/11/2025 and 11/10/2025 were consistent with oxycodone only"
def _dated(screens: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:the|these|those|both|two|three|his|her|later|subsequent|"
                      r"follow-up|repeat)\s+(?:\w+\s+)?(?:" + screens + r")\b"
                      r"(?=\s+(?:of|on|from|dated|done|performed|collected)?\s*"
                      + DATE_RE.pattern + ")", re.I)


_DATED_SCREENS = _dated(r"screens?|UDTs?|UDSs?")
# ... and in the sentence that named the first: "... were consistent; the test of 03/08/2019
# was inconsistent" (a "test" only there: in another sentence it may be any test)
_DATED_AGAIN = _dated(r"screens?|tests?|UDTs?|UDSs?")


def _screens_again(found: Extracted, lex: Lexicon, sentence: str, hits: list[Match]
                   ) -> list[Match]:
    """The screens a sentence names again by their order, of the kind named before them (in
    the sentence, or for screens named by their dates, before it)."""
    out = []
    for again in _AGAIN_SCREEN.finditer(sentence):
        if any(h.start <= again.start() < h.end for h in hits):
            continue  # (named in full: "a repeat urine drug screen" is a hit of its own)
        before = [h for h in hits if h.end <= again.start()
                  and lex.terms.is_a(h.term, T("UrineDrugScreen"))]
        if before:
            out.append(Match(before[-1].term, again.start(), again.end()))
    screens = [h for h in hits if lex.terms.is_a(h.term, T("UrineDrugScreen"))]
    if out or screens:
        # ("Urine drug screens on ... were consistent; the screen of 03/08/2022 was positive
        # for alprazolam": one more, named by its date after the first)
        # (the match's last word names the screen; the words before it may be its result:
        # "the consistent screen of 02/11/2014")
        return out + [Match(screens[-1].term, dated.end() - len(dated.group().split()[-1]),
                            dated.end())
                      for dated in _DATED_AGAIN.finditer(sentence)
                      if dated.start() >= screens[-1].end
                      and not any(h.start < dated.end() and dated.start() < h.end
                                  for h in hits)][:1]
    earlier = [f.concept for f in found.facts if f.kind == "assessment" and f.concept
               and lex.terms.is_a(f.concept, T("UrineDrugScreen"))]
    return [Match(earlier[-1], dated.start(), dated.end())
            for dated in _DATED_SCREENS.finditer(sentence)][:1] if earlier else []


def _planned_taper(lex: Lexicon, sentence: str) -> Match | None:
    """A plan to bring an opioid down, said without a taper's name: "documented a plan to
    reduce oxycodone to three tablets a day over the next eight weeks" (not one hoped for:
    "would consider a plan to reduce oxycodone")."""
    planned = _TAPER_PLANNED.search(sentence)
    if planned is None or _HOPED_PLAN.search(sentence, max(0, planned.start() - 60),
                                              planned.start()):
        return None
    named = lex.find(sentence[planned.end():planned.end() + 40], T("Drug"))
    if not any(lex.terms.is_a(d.term, T("Opioid")) for d in named):
        return None
    return Match(_TAPER, planned.start("verb"), planned.end("verb"))


_HOPED_PLAN = re.compile(r"\b(?:would|will|may|might|could|should|consider\w*|if|recommend\w*|"
                         r"request\w*|discuss\w*)\b", re.I)
_TAPER_PLANNED = re.compile(r"\b(?:plan|schedule)\s+(?:was\s+made\s+|is\s+in\s+place\s+)?to\s+"
                            r"(?P<verb>reduce|decrease|lower|taper|wean|cut\s+(?:back|down))\b",
                            re.I)
_TAPER_STEPS = re.compile(r"\b(tapers?|tapering|wean(?:ing)?)\b[^.]{0,60}?\d+(?:\.\d+)?\s*mg\b"
                          r"[^.]{0,80}?\b(?:then|from|by|until|to|each|every)\b[^.]{0,60}?"
                          r"(?:\d+(?:\.\d+)?\s*mg|\boff\b|discontinu\w*|stop\w*)", re.I)
_FINE_AFTER = re.compile(r"[ \t]*(?:[:\-][ \t]*)?(?:ok|okay|fine|normal|clean|unremarkable|wnl|"
                         r"within normal limits|as expected)\b", re.I)
# A screen's result said as "negative" right after it (its date or kind between)
_NEGATIVE_RESULT = re.compile(r"[^.;]{0,40}?\b(?:negative|neg)\b(?:\s+for\b)?", re.I)
# A screen's verdict said right after it, which a drug "not detected" later in the sentence
# must not turn into no screen at all: "UDS on 3/1/2019 was inconsistent: oxycodone not
# detected" (unless the screen itself was denied before it: "no UDS ... was consistent")
_VERDICT_AFTER = re.compile(r"[^.;]{0,40}?\b(?:was|were|is|are)\s+(?:in)?consistent\b|"
                            r"[^.;:]{0,40}?[:\-]\s*(?:in)?consistent\b", re.I)
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|without|never|denie[sd])\b", re.I)
# A review's action on the service named right after it: "non-certified the urine drug screen"
_DECIDED_ON = re.compile(r"\b(?:non-?certif\w*|not certif\w*|certif\w*|denied|denial of|"
                         r"modified|approved|authori[sz]ed)\s+(?:the |a |an )?(?:\S+ ){0,3}$",
                         re.I)
# ... or further on in the list it decided: "Utilization review on 8/29/2013 non-certified the
# repeat MRI, the flexion and extension x-rays and the urine drug screen"
_DECIDED_LIST = re.compile(r"\b" + request_items.REVIEWER +
                           r"\b[^.;]{0,40}?\b(?:non-?certif\w*|not certif\w*|certified|denied|"
                           r"modified|approved|authori[sz]ed)\s+(?:(?!\b(?:was|were|is|are|"
                           r"after|because|when|since|showed|shows|which|that|but)\b)[^.;])*$",
                           re.I)
_LABS = T("LiverFunctionTest")  # blood tests read with their result (NSAID monitoring's kind)
_LAB_RESULT = re.compile(r"^[^.;]{0,80}?\b(?:(?P<abnormal>abnormal|elevated|high|raised|low|"
                         r"anemi\w*|impaired|increased|decreased|out of range)|normal|wnl|"
                         r"within normal limits|unremarkable|negative|stable|satisfactory)\b",
                         re.I)


def _add_assessment(out: Extracted, fact: Mention) -> None:
    """One record per kind, result and date: "no aberrant behaviors, no early refills" is one
    review; one told done on a day, and told with its result elsewhere ("urine drug screen
    reports of 09/14/2020" among the documents reviewed; "Urine drug screens collected on
    09/14/2020 ... were consistent"), is one record, with its result."""
    same = [f for f in out.facts if f.kind == "assessment" and f.concept == fact.concept]
    if any(f.props == fact.props for f in same):
        return
    told = [f for f in same if _same_dated_record(f, fact)]
    if told and fact.props.get("assessment_result") == _DOCUMENTED:
        return  # its result is told already
    bare = [f for f in told if f.props.get("assessment_result") == _DOCUMENTED]
    out.facts[:] = [f for f in out.facts if all(f is not b for b in bare)]
    out.facts.append(fact)


_DOCUMENTED = m("Documented")


def _same_dated_record(told: Mention, fact: Mention) -> bool:
    """Whether two records are of one dated day, neither one of screens counted in a span
    (those are several on one day: `_counted_days`)."""
    return fact.props.get("on_date") is not None and \
        told.props.get("on_date") == fact.props.get("on_date") and \
        "nth" not in told.props and "nth" not in fact.props


# Side effects named in a medication review ("Denies sedation, constipation, N/V"; "c/o
# constipation on the opioid"): the review of adverse effects, with what it found. Only where
# the sentence is about medication, or names side effects alone: a review of systems
# ("denies fever, chills, nausea") is not a medication review.
_ABOUT_MEDICATION = re.compile(r"\b(?:medications?|meds|side[- ]effects?|adverse|"
                               r"tolerat\w*)\b", re.I)


def _side_effects(out: Extracted, lex: Lexicon, sentence: str, at: int, day) -> None:
    effects = lex.find(sentence, T("DrugSideEffect"))
    if _ASKING.search(sentence):  # what a requested drug is for: "ondansetron for nausea"
        effects = [h for h in effects
                   if not _FOR_BEFORE.search(sentence, max(0, h.start - 30), h.start)]
    if not effects:
        return
    others = [h for h in lex.find(sentence, T("ClinicalFinding"), T("Condition"))
              if not lex.terms.is_a(h.term, T("DrugSideEffect"))]
    about = _ABOUT_MEDICATION.search(sentence) or lex.first(sentence, T("Drug"))
    if not about and (others or len(effects) < 2):
        return
    said = assertions(sentence, [(h.start, h.end) for h in effects])
    if any(a is Assertion.PRESENT for a in said):
        result = "Observed"
    elif all(a is Assertion.ABSENT for a in said):
        result = "NoneObserved"
    else:
        return
    first = effects[0]
    _add_assessment(out, Mention("assessment", T("AdverseEffectReview"), at + first.start,
                                 at + effects[-1].end, sentence[first.start:effects[-1].end],
                                 {"on_date": day, "assessment_result": m(result)}))


def _treatments(lex: Lexicon, sentence: str) -> list[Match]:
    """The treatments a sentence names that a response may be said of (not the drug whose cut
    measures a gain, not a word inside a cue)."""
    return [h for h in lex.find(sentence, T("Treatment")) if h.term not in _GENERIC
            and not responses.reduced(sentence, h.start, h.end)
            and not responses.inside(sentence, h.start) and not _injectate(lex, sentence, h)]


# What an injection was given with: "medial branch blocks ... with 0.5 ml of 2% lidocaine",
# "confirmatory blocks with 0.5% bupivacaine": its agent, not a course of the drug (the relief
# said after it is the block's)
_AGENT = re.compile(r"(?:\d+(?:\.\d+)?\s*(?:ml|cc|mg|%)\s*(?:of\s+)?){1,2}$", re.I)


# What an injection was made with: "medial branch blocks with lidocaine", "an ESI using 80 mg
# of Depo-Medrol", "a subacromial injection of Kenalog and lidocaine"
_INJECTED_WITH = re.compile(r"\b(?:inject\w*|blocks?|epidurals?|ESIs?|TFESIs?|MBBs?|ablation|"
                            r"RFA|neurotomy|rhizotomy)\b[^.;]{0,40}?\b(?:with|using|of|"
                            r"containing)\s+(?:\d[\d.]*\s*(?:ml|cc|mg|%)\s*(?:of\s+)?)?"
                            r"(?:[\w-]+\s+(?:and|&|plus)\s+)?(?:[\w-]+\s+)?(?:\w+-)?$", re.I)


def _drop_injectates(out: Extracted, text: str) -> None:
    """A drug named as what an injection was made with is no medication the worker takes."""
    def injected(f: Mention) -> bool:
        opened = max(text.rfind(".", 0, f.start), text.rfind(";", 0, f.start), f.start - 80)
        return f.kind == "medication" and bool(_INJECTED_WITH.search(text, opened + 1,
                                                                     f.start))
    out.facts[:] = [f for f in out.facts if not injected(f)]


# A sentence's request of now: what is named after it is asked for
_ASKS_NOW = re.compile(r"\b(?:requests|requesting|requested|recommends|recommending|recommended|"
                       r"would like|"
                       r"asks for|asking for|"
                       # the items an appeal asks to have decided again: "I am writing to ask
                       # you to reconsider your non-certification of (1) a C6-7 interlaminar
                       # injection ... and (2) massage therapy, 8 visits"
                       r"reconsider\w*|(?:your|the) (?:non-?certification|denial) of)\b", re.I)


# A prescription never filled is no course of the drug: "Gabapentin 300 mg was prescribed on
# 01/12/2016; she never filled it", "the gabapentin was prescribed but never taken", "she did
# not fill the Lyrica" (a failed trial of it is not on record either).
_NEVER_TAKEN_AFTER = re.compile(
    r"[^.;\n]{0,60}?(?:;\s*(?:she|he|they|the\s+(?:patient|worker|applicant))\s+(?=\w+\s+\w+\s+"
    r"(?:it|them)\b))?\b(?:(?:never|not)\s+(?:been\s+)?(?:filled|taken|started|picked\s+up)|"
    r"(?:never|did\s+not|didn't)\s+(?:fill(?:ed)?|t(?:ake|ook)|start(?:ed)?|pick(?:ed)?\s+up)"
    r"\s+(?:it|them|the\s+(?:prescription|medication|drug|script))|"
    r"(?:never|not)\s+(?:been\s+)?dispensed)\b", re.I)
_NEVER_TAKEN_BEFORE = re.compile(
    r"\b(?:never|did\s+not|didn't)\s+(?:fill(?:ed)?|t(?:ake|ook)|start(?:ed)?|"
    r"pick(?:ed)?\s+up)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:prescription\s+for\s+)?$",
    re.I)


# A course arranged but never had: "Physical therapy was authorized in May 2013, but the
# appointments were cancelled ...", "A right L4-5 transforaminal epidural steroid injection was
# scheduled in August 2021 but was cancelled when she tested positive", "the TENS unit was
# never delivered" (not one partly had: "8 of the 12 visits were attended; the rest were
# cancelled")
_NOT_DONE_AFTER = re.compile(
    r"(?P<between>[^.;\n]{0,80}?)\b(?:(?:was|were|had been|has been|have been)\s+cancel+ed|"
    r"(?:appointments?|sessions?|visits?|procedure|injection|surgery|it|they)\s+(?:was|were)\s+"
    r"cancel+ed|never\s+(?:attended|started|begun|began|performed|done|took\s+place|happened|"
    r"delivered|received)|(?:was|were)\s+never\s+(?:attended|started|performed|done|"
    r"delivered|received|given)|(?:did|does)\s+not\s+(?:take\s+place|happen))\b", re.I)
_HAD_SOME = re.compile(r"\bcomplet|\bfinish|\battended\s+\d|\b\d+\s+(?:of|out of)\s+\d", re.I)


def _drop_never_done(out: Extracted, text: str) -> None:
    """A course told arranged and then cancelled or never had is no course of it (a request
    for it is a first one)."""
    def never(f: Mention) -> bool:
        if f.kind != "prior" or f.props.get("sessions"):
            return False
        undone = _NOT_DONE_AFTER.match(text, f.end)
        return bool(undone and not _HAD_SOME.search(undone.group("between")))
    dropped = {f.concept for f in out.facts if never(f)}
    out.never_had |= {c for c in dropped if c}
    out.facts[:] = [f for f in out.facts if not never(f)]


def _drop_never_taken(out: Extracted, text: str) -> None:
    """A drug whose prescription was never filled or taken is no course of it."""
    def never(f: Mention) -> bool:
        return f.kind in ("prior", "medication") and bool(
            _NEVER_TAKEN_AFTER.match(text, f.end)
            or _NEVER_TAKEN_BEFORE.search(text, max(0, f.start - 60), f.start))
    dropped = {f.concept for f in out.facts if never(f)}
    out.never_had |= {c for c in dropped if c}
    out.facts[:] = [f for f in out.facts if not never(f)]


def _injectate(lex: Lexicon, sentence: str, hit: Match) -> bool:
    return lex.terms.is_a(hit.term, T("Drug")) and \
        bool(_AGENT.search(sentence[max(0, hit.start - 30):hit.start])) and \
        bool(_INJECTIONS.search(sentence, 0, hit.start))


_WALKING_AID = T("WalkingAid")


def _responses(out: Extracted, lex: Lexicon, sentence: str, at: int, asked: set[str]) -> None:
    """'Norco helps ... with improved function': each named treatment's response is read from
    the words after it (`segment_responses`); 'with the medication she can cook' (a drug named
    by its kind only): of the drugs under review; 'those sessions helped': of the course
    referred to."""
    if _attributed(out, lex, sentence, at, asked) or _during_relief(out, sentence, at):
        return
    # (a walking aid named as the means of a gain is no course it is said of: "he now walks
    # out to the mailbox with the walker", "walking with a cane for 200 feet instead of a
    # walker for 50 feet" tell the therapy's result)
    hits = [h for h in _treatments(lex, sentence) if not lex.terms.is_a(h.term, _WALKING_AID)]
    if not hits and _collective_response(out, sentence, at):
        return
    if not hits:
        # each clause may refer to its own: "3/10 with medication; with therapy his sitting
        # tolerance improved" (what the medications do is said by the whole sentence)
        whole = response_of(sentence)
        referred = [_referred_response(out, lex, c, asked, at, whole, alone=True)
                    for c in sentence.split(";")]
        if not any(referred):
            named = {h.term for h in lex.find(sentence, T("Treatment"))}
            _continued_response(out, lex, sentence, at, named)
            # (a course's relief told with the response, when no other course took it)
            _relieved_after(out, lex, sentence, at)
        return
    said = responses.segment_responses(sentence, [(h.start, h.end) for h in hits])
    clauses = sentence[:hits[0].start].split(";")
    given = len(clauses) > 1 and _relieved_after(out, lex, ";".join(clauses[:-1]), at)
    lead = clauses[-1]
    if said[0] is None and lead and not _referred_response(out, lex, lead, asked, at):
        said[0] = response_of(lead)  # "She reports 60% relief from the ESI"
    elif said[0] == responses.FUNCTIONAL and responses.function_unchanged(lead):
        # what is done, told after function is said unchanged, is a status: "Function
        # unchanged on Norco: off work since 03/2015, sits 20 minutes, walks one block."
        said[0] = responses.NONE
    if len(hits) == 1 and said[0] is None:
        # a measure around the one treatment named: "Her Neck Disability Index was 42% at the
        # start of chiropractic care and 40% after the eighteenth visit"
        said[0] = response_of(sentence[len(sentence[:hits[0].start]) - len(lead):] if given
                              else sentence)
    held = {f.concept for f in out.facts if f.kind in ("prior", "medication")}
    for hit, response in zip(hits, said, strict=True):
        if response is not None:
            _give_response(out, lex, sentence, at, hit, response, hit.term in held)


# The span of a relief just told, named again: "During that time she cut back from 4 to 2
# Norco a day and returned to full shifts"
_DURING_THAT = re.compile(r"^\W*(?:during|over|in|throughout|within)\s+(?:that|this|those|these|"
                          r"the\s+same)\s+(?:time|period|weeks|months|interval|window|span)\b",
                          re.I)


def _during_relief(out: Extracted, sentence: str, at: int) -> bool:
    """A change told of the span of relief just told is the relieving course's response (the
    course with a share or span of relief, told in the sentence before). Whether it was."""
    if not _DURING_THAT.match(sentence) or (response := response_of(sentence)) is None:
        return False
    if (course := _last_relieved(out, at)) is None:
        return False
    _add_response(course, response)
    return True


def _last_relieved(out: Extracted, at: int) -> Mention | None:
    """The latest course told before `at` with a share or span of relief."""
    return next((f for f in reversed(out.facts) if f.kind in ("prior", "medication")
                 and f.start < at and (f.props.get("relief_percent") is not None
                                       or f.props.get("relief_weeks") is not None)), None)


def _attributed(out: Extracted, lex: Lexicon, sentence: str, at: int, asked: set[str]) -> bool:
    """A change credited to a treatment by a sentence of its own: "He has worked full duty
    since 08/2024 and walks two miles. He attributes both to the current regimen." (the
    change told before, in the sentence or the one before it, is the treatment's). Whether
    the sentence credited one."""
    if not (found := _ATTRIBUTED.search(sentence)):
        return False
    response = response_of(sentence[:found.start()]) or response_of(out.previous_text)
    if response is None:
        return False
    credited = sentence[found.end():]
    if hits := _treatments(lex, credited):
        for hit in hits:
            for fact in out.facts:
                if fact.kind in ("prior", "medication") and fact.concept == hit.term:
                    _add_response(fact, response)
        return True
    return _referred_response(out, lex, credited, asked, at, response)


# "attributes both to", "credits the medication for", "which she ascribes to"
_ATTRIBUTED = re.compile(r"\b(?:attribut\w*|credit(?:s|ed|ing)?|ascrib\w*)\s+(?:(?:this|these|"
                         r"that|those|it|them|both|all)\s+(?:of\s+(?:this|these|that|those|"
                         r"them)\s+)?|(?:the|his|her|this|these|that|those)\s+(?:\w+\s+){0,2}?"
                         r"(?:gains?|improvements?|changes?|progress|abilit\w+|function\w*|"
                         r"benefits?)\s+)?(?:to|for)\s+(?=\S)", re.I)


def _give_response(out: Extracted, lex: Lexicon, sentence: str, at: int, hit: Match,
                   response: str, held: bool) -> None:
    """The response to the course of the named treatment: the course read from this sentence,
    else the earlier ones of that treatment (which keep a response they were read with)."""
    courses = [f for f in out.facts if f.kind in ("prior", "medication") and f.concept == hit.term]
    here = [f for f in courses if at <= f.start < at + len(sentence)]
    if response == "NoImprovement" and _BENEFIT_ENDED.search(sentence):
        # a benefit said to have ended outweighs what was said before, of every course of
        # the drug ("On 08/13/2024 he reported that meloxicam no longer helped", after it
        # had let him walk 30 minutes; the mentions are one course once merged)
        here = courses
    for fact in here:
        fact.props["response"] = m(response)
    compared = response == "FunctionalImprovement" and _WITH_WITHOUT.search(sentence)
    for fact in courses if not here else ():
        if compared and fact.kind == "medication":
            # "On oxycodone he is able to drive his route; without it he cannot sit in the
            # cab": function on the drug against function off it outweighs what was said before
            fact.props["response"] = m(response)
        else:
            _add_response(fact, response)
    clause = sentence.split(";")[0] if hit.end <= sentence.find(";") else sentence
    if not held and lex.terms.is_a(hit.term, T("Drug")) and \
            assertions(clause, [(hit.start, hit.end)])[0] is Assertion.PRESENT:
        # "Flexeril did not help": a drug known by its response alone was taken; a drug
        # that did not help, or was stopped, is a past course
        past = response == "NoImprovement" or _STOPPED.search(sentence)
        out.facts.append(Mention("prior" if past else "medication", hit.term,
                                 at + hit.start, at + hit.end, sentence[hit.start:hit.end],
                                 {"response": m(response), "on_date": None}))


# A benefit that has ended: what was said of the course before no longer holds
_BENEFIT_ENDED = re.compile(r"\bno longer\s+(?:helps?|helped|helping|works?|worked|working|"
                            r"effective|provides?|provided|gives?|gave|relieves?|relieved|"
                            r"benefits?|benefit(?:t)?ed|controls?|controlled)\b|"
                            r"\b(?:stopped|ceased)\s+(?:helping|working)\b|\blost\s+(?:its|their)"
                            r"\s+(?:effect\w*|efficacy|benefit)\b", re.I)
# Function with a drug set against function without it
_WITH_WITHOUT = re.compile(r"\b(?:without|off|w/o)\s+(?:it|them|the\s+(?:medications?|meds|drug)|"
                           r"(?:his|her)\s+(?:medications?|meds)|medications?|meds)\b", re.I)


# "She reports 60% relief from the ESI": relief said before the name it came from
_FROM = re.compile(r"^[^.;]{0,30}?\b(?:from|with|after|following|of|since|on)\s+(?:the\s+|his\s+|"
                   r"her\s+|a\s+|an\s+|their\s+|last\s+|latest\s+|recent\s+)*$", re.I)


def _reliefs(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    """How much and how long each course relieved pain (`relief.reliefs`), given to the course
    it is said of: the one named before it, or the one it came 'from' ('60% relief from the
    ESI'); naming none, the course the sentence refers to ('the injection', 'it') or the one
    just told. The first statement of a course's relief holds."""
    said = relief.reliefs(sentence)
    if not said:
        return
    here = [f for f in out.facts if f.kind in ("prior", "medication")
            and at <= f.start < at + len(sentence)
            and not _made_with(lex, f.concept, sentence, f.start - at)]
    all_hits = _treatments(lex, sentence)
    for r in said:
        # (a treatment named well after the relief is no course it is said of: "85% for 6
        # hours, concordant with the duration of the local anesthetic")
        hits = [h for h in all_hits if h.start < r.end + _AFTER_RELIEF]
        concept = _named_before(sentence, at, r, here, hits)
        before = sentence[max(0, r.start - _REACH):r.start]
        if concept is None and (again := _relief_again(out, sentence, r, at)):
            # ("the improvement had held for about eight weeks": the relief told before)
            courses = [again]
        elif concept is None and hits and _REFERENCE.search(
                responses.clause_before(sentence, r.start)):
            # ("she reported that the injection had taken away 60% of her leg pain, and she
            # had cut her Norco ...": the course its own clause refers to, not the drug named)
            courses = [c] if (c := _course_referred(
                out, lex, responses.clause_before(sentence, r.start), at)) else []
        elif concept is not None:
            # ("After the injection of March 18th ... sixty percent relief": the latest
            # course of that kind, a transforaminal ESI for "the injection")
            courses = _nearest_before([f for f in here if f.concept == concept], at + r.start) or \
                [f for f in out.facts if f.kind in ("prior", "medication")
                 and f.concept == concept and f.start < at][-1:] or \
                [f for f in out.facts if f.kind in ("prior", "medication") and f.start < at
                 and lex.terms.is_a(f.concept or "", concept)][-1:]
        elif hits:
            continue  # said of a treatment not read as a course: of no other
        # (the words just before it only: a run-on line of reliefs is read in linear time)
        elif responses.names_treatment(before):
            # "After the injection of March 18th ... sixty percent relief": the course the
            # words refer to, if they do; else a treatment not read as a course, of no other
            referred = _REFERENCE.search(before) and _course_referred(out, lex, before, at)
            courses = [referred] if referred else []
        elif said_of := _RELIEF_FROM.match(sentence, r.end):
            # "she reported about 50% relief of the arm pain since the injection": the course
            # the words after it refer to (not the therapy told in the sentence before)
            courses = [c] if (c := _course_referred(out, lex, said_of.group("from"), at)) else []
        else:
            courses = [c] if (c := _relieved_course(out, lex, before, at)) else []
        for course in courses:
            _fill_in(course, {"relief_percent": r.percent, "relief_weeks": r.weeks})


def _relieved_after(out: Extracted, lex: Lexicon, text: str, at: int) -> bool:
    """The response told with a relief that names no treatment is the response of the course
    that relief is read for (`_reliefs`: the one referred to, else a procedure just told): "A
    caudal epidural steroid injection was performed on 08/19/2019. On 09/16/2019 she reported
    approximately 30% relief of the leg pain lasting roughly two weeks; her gabapentin dose was
    unchanged." Whether it was given to one."""
    if not relief.reliefs(text) or _treatments(lex, text) or \
            (response := response_of(text)) is None:
        return False
    if (course := _relieved_course(out, lex, text, at)) is None:
        return False
    _add_response(course, response)
    return True


def _relieved_course(out: Extracted, lex: Lexicon, text: str, at: int) -> Mention | None:
    """The course a relief naming no treatment is said of: the one the words refer to, else a
    procedure just told (one rule for the relief and for the response told with it)."""
    return _course_referred(out, lex, text, at) or _procedure_just_told(out, lex, at)


def _procedure_just_told(out: Extracted, lex: Lexicon, at: int) -> Mention | None:
    """The procedure a relief naming nothing is measured for, told a few lines before with no
    course between: "On 06/02/2020 he underwent medial branch blocks. Post-block pain diary:
    ... Percent relief: approximately 85% for 6 hours" (relief is what a block is read by)."""
    earlier = [f for f in out.facts if f.kind in ("prior", "medication") and f.start < at]
    last = earlier[-1] if earlier else None
    return last if last is not None and at - last.start <= _REACH and any(
        lex.terms.is_a(last.concept or "", kind) for kind in _ONE_DAY_PROCEDURES) else None


def _nearest_before(courses: list[Mention], start: int) -> list[Mention]:
    """Of the courses of one treatment told in a sentence, the one a statement of relief at
    `start` follows ("one on 10/22/2019 gave six weeks; a second on 2/4/2020 two weeks")."""
    before = [f for f in courses if f.start < start]
    return before[-1:] if len(courses) > 1 and before else courses


def _made_with(lex: Lexicon, term: str | None, text: str, start: int) -> bool:
    """Whether the drug named at text[start] is what a block or injection named before it was
    made with ("medial branch blocks with lidocaine"): no course of its own, and the relief
    told after it ("... gave 80% relief") is the block's."""
    return bool(term and lex.terms.is_a(term, T("Drug")) and
                _INJECTED_WITH.search(text[max(0, start - 80):start]))


def _screened(lex: Lexicon, term: str | None, text: str, hit: Match) -> bool:
    """Whether a drug is named as what a drug screen or a CURES report found, or is the
    screen's own word or a measure's ("a urine drug screen ... was positive for alprazolam,
    which had not been prescribed", "a CURES report ... showed a tramadol prescription from an
    urgent care clinic", "Morphine equivalent dose: 40 mg/day"): no course of the regimen."""
    if not (term and lex.terms.is_a(term, T("Drug"))):
        return False
    return bool(_SCREEN_WORD.match(text, hit.end) or _FOUND_BY_SCREEN.search(
        text, max(0, hit.start - 120), hit.start))


# (or a measure's: "Morphine equivalent dose: 40 mg/day" names no morphine taken)
_SCREEN_WORD = re.compile(r"\s*(?:screens?|screening|tests?|testing|panels?|tox\w*)\b|"
                          r"(?:\s*-\s*|\s+)(?:milligram\s+)?equivalen\w*", re.I)
_FOUND_BY_SCREEN = re.compile(r"\b(?:screens?|UDS|UDT|tox\w*|drug tests?|urine|CURES|PDMP|PMP|"
                              r"prescription (?:drug )?monitoring)\b[^.;]{0,80}?"
                              r"\b(?:(?:positive|negative)\s+(?:only\s+)?for|detected|"
                              r"showed|revealed|found|consistent with|inconsistent with)\b"
                              r"[^.;]{0,60}$", re.I)


_REACH = 400  # how far back a statement of relief looks for what it is said of
_AFTER_RELIEF = 30  # how far after it the treatment it came from may be named ("... from the ESI")
# ... or the course it came from referred to: "50% relief of the arm pain since the injection"
_RELIEF_FROM = re.compile(r"[^.;]{0,30}?(?P<from>\b(?:since|after|following|from|with)\s+(?:the|"
                          r"that|this|her|his|their)\s+(?:[\w-]+\s+){0,2}?(?:injections?|blocks?|"
                          r"epidurals?|ESIs?|procedures?|shots?|ablations?|trials?|surgery|"
                          r"operation)\b)", re.I)
_AGAIN_WORD = re.compile(r"(?:improvement|relief|benefit|effect)\b", re.I)
_AGAIN_THE = re.compile(r"\b(?:the|this|that|such)\s+$", re.I)


def _relief_again(out: Extracted, sentence: str, r: relief.Relief, at: int) -> Mention | None:
    """The course whose relief a statement names again ('the improvement had held for about
    eight weeks', 'the relief lasted ...'): the latest one told with a share or span of relief
    before this sentence."""
    if not (_AGAIN_WORD.match(sentence, r.start) and _AGAIN_THE.search(sentence, 0, r.start)):
        return None
    return _last_relieved(out, at)


def _named_before(sentence: str, at: int, r: relief.Relief, here: list[Mention],
                  hits: list[Match]) -> str | None:
    """The treatment a statement of relief is said of: the course (else the name) it came
    'from', else the last one before it."""
    spans = [(f.start - at, f.end - at, f.concept) for f in here] or \
        [(h.start, h.end, h.term) for h in hits]
    spans.sort()
    after = [c for s, _, c in spans if s >= r.end and _FROM.match(sentence[r.end:s])]
    before = [c for _, e, c in spans if e <= r.start]
    return after[0] if after else before[-1] if before else None


def _course_referred(out: Extracted, lex: Lexicon, text: str, at: int) -> Mention | None:
    """The course a text naming no treatment speaks of: the one it refers to ('the injection
    gave 50% relief', 'it helped for two weeks'), else the only one told in the sentence
    before."""
    earlier = [f for f in out.facts if f.kind in ("prior", "medication") and f.start < at]
    if refers := _REFERENCE.search(text):
        wanted = _REFERRED.get(refers.group("noun").lower().rstrip("s"))
        return next((f for f in reversed(earlier) if _is_referred(f, wanted, lex)), None)
    # ("- 2024-11-19: bilateral L4-5 and L5-S1 medial branch blocks. Pain diary: 80% relief
    # for about 6 hours": else the course the list item opened with)
    return _only(f for f in earlier if f.start >= out.previous[0]) or \
        _item_course(out, earlier)


# "He has completed eight sessions", "She attended 6 visits": a count naming no treatment
_COUNTED = re.compile(r"\b(?:(?:completed|finished|attended|has had|had|underwent)\s+"
                      r"(?:a total of\s+|all\s+)?" + request_items.COUNT_WORD
                      + r"\s+(?:more\s+|further\s+|of\s+(?:those|these|the|them|her|his)\s+)?"
                      r"(?:sessions?|visits?|treatments?)|(?:went|was seen|attended|has been)\s+"
                      + request_items.COUNT_WORD + r"\s+times)\b", re.I)


# A course told by the provider seen: "She saw a pain psychologist in the fall of 2017",
# "has been treated by a chiropractor since March"
# ... or by the record that provider wrote: "The chiropractor's re-examination of 01/06/2014
# documents that all 6 visits were completed"
_PROVIDER_RECORD = re.compile(r"\b(?:the|her|his|their)\s+(?P<who>psychologist|"
                              r"psychotherapist|counsell?or|chiropractor|acupuncturist|"
                              r"physical therapist|massage therapist|hand therapist|"
                              r"occupational therapist|therapist)['\u2019]s\s+(?:[\w-]+\s+)?"
                              r"(?:re-?exam\w*|notes?|reports?|re-?evaluation|summary|records?)"
                              r"\b", re.I)
_PROVIDER = re.compile(r"\b(?:saw|sees|seen(?: in consultation)?(?: by)?|seeing|went to|"
                       r"treated by|consulted|treatment with|sessions with|"
                       r"visits with|under the care of|"
                       # (a referral is a course only when the visits are told as had: "was
                       # referred to a certified hand therapist and attended 10 visits")
                       r"referred to(?=[^.;]*\b(?:attended|completed|had|underwent)\b))\s+"
                       r"(?:a|an|the|her|his|their)\s+"
                       r"(?:[\w-]+\s+)?(?P<who>psychologist|psychotherapist|counsell?or|"
                       r"chiropractor|acupuncturist|physical therapist|massage therapist|"
                       r"hand therapist|occupational therapist|"
                       r"pain (?:management|medicine) (?:specialist|physician|doctor)|"
                       r"pain (?:specialist|physician))\b", re.I)
_PROVIDED = {"psychologist": "PsychologicalTreatment", "psychotherapist": "PsychologicalTreatment",
             "counselor": "PsychologicalTreatment", "counsellor": "PsychologicalTreatment",
             "chiropractor": "ManualTherapyManipulation", "acupuncturist": "Acupuncture",
             "physical therapist": "PhysicalTherapy", "massage therapist": "MassageTherapy",
             "hand therapist": "OccupationalTherapy", "occupational therapist":
             "OccupationalTherapy",
             # (a therapist of no kind: the course of physical medicine held, if any)
             "therapist": "PhysicalMedicine"}
# (a pain specialist seen is a consultation had: "seen in consultation by a pain management
# specialist, who agreed with the current dose")
_PAIN_SPECIALIST = re.compile(r"pain (?:management |medicine )?(?:specialist|physician|doctor)",
                              re.I)


def _provider_seen(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    """A course of treatment told by whom the worker saw for it (a sentence that names no
    treatment), unless the case already holds one of that treatment: then what the sentence
    tells of it goes to that course ("A trial of 6 chiropractic visits was certified ... The
    chiropractor's re-examination documents that all 6 visits were completed")."""
    seen = _PROVIDER.search(sentence) or _PROVIDER_RECORD.search(sentence)
    if seen is None or _NOT_DONE.search(sentence[:seen.start("who")]) or assertions(
            sentence, [seen.span("who")])[0] not in (Assertion.PRESENT, Assertion.HISTORICAL):
        return  # "He has not seen a psychologist or counselor before
    who = seen.group("who").lower()
    concept = T("PainSpecialistConsultation" if _PAIN_SPECIALIST.fullmatch(who)
                else _PROVIDED[who])
    props = request_items.course_props(sentence[seen.end():])
    held = next((f for f in reversed(out.facts) if f.kind == "prior" and f.concept and (
        lex.terms.is_a(f.concept, concept) or lex.terms.is_a(concept, f.concept))), None)
    if held is not None:
        _fill_in(held, {key: props.get(key) for key in ("sessions", "response")})
        out.responded = (held, at)  # (what the next sentence tells goes on about it)
        return
    if who == "therapist":
        return  # (no course of its own: which therapy is not said)
    out.facts.append(Mention("prior", concept, at + seen.start("who"), at + seen.end("who"),
                             seen.group("who"), {**props, "on_date": None}))


_TOLD_NEAR = 120  # characters back: a short sentence or two since the course was told


def _opening_lines(text: str, lines: int) -> list[re.Match[str]]:
    """The document's first `lines` non-empty lines (within its first 600 characters)."""
    return list(re.finditer(r"[^\n]*\S[^\n]*", text[:600]))[:lines]


def _title_end(text: str, lines: int = 2) -> int:
    """Where the document's title ends: its first `lines` non-empty lines, while they are
    short and tell nothing in sentences (a note that opens with its story has no title)."""
    end = 0
    for line in _opening_lines(text, lines):
        if len(line.group().strip()) > 90 or re.search(r"[a-z]{3,}\.(?:\s+[A-Z]|\s*$)",
                                                        line.group()):
            break
        end = line.end()
    return end


def _counted_of_told(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    """'Post-operative PT began on 03/05/2018. He has completed eight sessions': the count
    of a sentence that names no treatment is the course the sentence before told."""
    counted = _COUNTED.search(sentence)
    if counted is None or _NOT_DONE.search(sentence[:counted.start()]):
        return
    # ("She had PT in 2017. It was land-based. She went twelve times.")
    told = _course_told(out, lex, min(out.previous[0], at - _TOLD_NEAR), at)
    count = request_items.count_of(next(g for g in counted.groups() if g))
    if told is not None and told.props.get("sessions") is None:
        told.props["sessions"] = count
    elif told is None and (plain := _OF_THERAPY.match(sentence, counted.end())):
        # "He finished 18 sessions of therapy last summer": therapy said plainly, with no
        # course told before, is physical therapy (the rest of the sentence may tell its
        # response: "and told the therapist he was no better")
        response = response_of(sentence[plain.end():])
        out.facts.append(Mention("prior", T("PhysicalTherapy"), at + counted.start(),
                                 at + plain.end(), sentence[counted.start():plain.end()],
                                 {"sessions": count, "on_date": None,
                                  "response": m(response) if response else None}))


_OF_THERAPY = re.compile(r"\s+of\s+(?:(?:his|her|the)\s+)?therapy\b", re.I)

# A course's count told as a total or as more: "PT completed, 8 visits in total", "3 visits in
# March and 3 more in April, 6 in all", "Chiropractic note: 4 additional visits", "PT
# re-evaluation (visit 6 of 6)"
_COUNT_GATE = re.compile(r"total|in all|all told|altogether|more|additional|further|another|"
                         r"visit", re.I)
_COUNT_TOTAL = re.compile(
    r"\b(?:a\s+total\s+of|total(?:\s+of)?:?)\s+" + request_items.COUNT_WORD + r"\b|\b"
    + request_items.COUNT_WORD + r"\s+(?:visits?\s+|sessions?\s+|treatments?\s+)?(?:in\s+"
    r"(?:total|all)|altogether|all\s+told)\b", re.I)
_COUNT_MORE = re.compile(r"\b" + request_items.COUNT_WORD + r"\s+(?:more|additional|further)\b"
                         r"(?!\s+(?:weeks?|months?|days?|years?|mg)\b)", re.I)
# ... and "6 more" or a total asked for or granted, not had: "requested six more sessions",
# "to complete 2 more", "certified a total of 12 visits"
_ASKED_MORE = re.compile(r"\b(?:request\w*|recommend\w*|authori[sz]\w*|certif\w*|approv\w*|"
                         r"plan\w*|would|will|wants?|asks?|asking|asked|order\w*|prescrib\w*|"
                         r"propos\w*|RFA|UR|modif\w*|non-?certif\w*|denied|dispute\w*|"
                         r"to\s+(?:continue|complete|finish|add|have|receive|attend))\b", re.I)
# ... told as had: a verb of having had them, or when ("then 8 more in 2021", "4 additional
# visits" in a dated record)
_HAD_MORE = re.compile(r"\b(?:completed|had|has\s+had|attended|received|underwent|went|were|"
                       r"was|did|finished|then|in\s+(?:19|20)\d\d|"
                       r"(?:in|by|through)\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
                       r"dec)\w*)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.I)
_VISIT_OF = re.compile(r"\bvisit\s+#?\s*(\d{1,2})\s+of\s+\d{1,2}\b", re.I)


def _counts_added(out: Extracted, lex: Lexicon, sentence: str, at: int) -> None:
    """A total given to the course it counts (the others of that treatment counted in it), a
    count of more added to the course told before (unless the sentence told a course of its
    own, which the engine adds up with the others), a visit's number to an uncounted course."""
    course = _counted_course(out, lex, sentence, at)
    if course is None or _NOT_DONE.search(sentence):
        return
    if (total := _COUNT_TOTAL.search(sentence)) and not _ASKED_MORE.search(sentence):
        count = request_items.count_of(next(g for g in total.groups() if g))
        if count >= (course.props.get("sessions") or 0):
            others = [f for f in out.facts if f.kind == "prior" and f is not course
                      and f.concept == course.concept]
            _count_together([course, *others], {"sessions": count}, [])
    elif (more := _COUNT_MORE.search(sentence)) and course.props.get("sessions") and \
            not _ASKED_MORE.search(sentence) and _HAD_MORE.search(sentence) and \
            _more_of(out, course, sentence, at, more):
        course.props["sessions"] += request_items.count_of(more.group(1))
    elif visit := _VISIT_OF.search(sentence):  # (a visit log: the latest visit's number)
        course.props["sessions"] = max(course.props.get("sessions") or 0, int(visit.group(1)))


def _more_of(out: Extracted, course: Mention, sentence: str, at: int, more: re.Match) -> bool:
    """Whether "N more" adds to the course: told after a course of its own in an earlier
    sentence, or after the course's own count in this one ("6 visits in May, then 8 more"),
    not as a second course of it (which the engine adds up)."""
    here = [f for f in out.facts if f.kind == "prior" and at <= f.start < at + len(sentence)]
    if not here:
        return True
    return here == [course] and more.start() > course.end - at


def _counted_course(out: Extracted, lex: Lexicon, sentence: str, at: int) -> Mention | None:
    """The course a count speaks of: the one treatment the sentence names (its latest course),
    else the one course the sentence before told."""
    named = {h.term for h in lex.find(sentence, T("Service"))
             if not lex.terms.is_a(h.term, T("Drug")) and not lex.terms.is_a(h.term, T("Surgery"))
             and h.term not in _GENERIC}
    if len(named) == 1:
        term = named.pop()
        return next((f for f in reversed(out.facts) if f.kind == "prior" and f.concept
                     and _named_alike(lex, f.concept, term)), None)
    return None if named else _course_told(out, lex, out.previous[0], at)


_OWN_TREATMENTS = (T("PhysicalMedicine"), T("Acupuncture"), T("PsychologicalTreatment"),
                   T("ManualTherapyManipulation"))


# a report's title line: "PHYSICAL THERAPY RE-EVALUATION / PROGRESS REPORT", "Acupuncture
# progress note", "PSYCHOLOGICAL TREATMENT UPDATE"
_REPORT_TITLE = re.compile(r"\b(?:report|re-?evaluation|evaluation|re-?exam(?:ination)?|"
                           r"progress|note|summary|update|discharge|daily note|treatment record)\b",
                           re.I)


def _own_course(out: Extracted, lex: Lexicon, text: str) -> None:
    """The course of the therapy whose own report this is, named by a title line among the
    first lines ("PHYSICAL THERAPY RE-EVALUATION / PROGRESS REPORT"): told before the
    sentences are read, so that what the report says of the visits ("Visits completed: 12")
    and of the worker's progress, naming no treatment, is that course's."""
    for line in _opening_lines(text, 4):
        if not _REPORT_TITLE.search(line.group()) or len(line.group()) > 90:
            continue
        hits = [h for h in lex.find(line.group(), T("Treatment"))
                if any(lex.terms.is_a(h.term, t) for t in _OWN_TREATMENTS)]
        if len(hits) == 1:
            hit = hits[0]
            # its visits as the report's field: "Visits completed: 12 (07/30/2019 - 10/03/2019)"
            props = {"sessions": request_items.count_of(done.group(1)),
                     **request_items.course_props(text[done.end():done.end() + 40])} \
                if (done := _VISITS_DONE.search(text, 0, 2000)) else {}
            out.own = Mention("prior", hit.term, line.start() + hit.start,
                              line.start() + hit.end, line.group()[hit.start:hit.end],
                              {**props, "on_date": None})
            out.facts.append(out.own)
            return


def _settle_own(out: Extracted, lex: Lexicon) -> None:
    """The report's own course, once the report has told its course by name ("CBT, 4 sessions
    from 04/11/2017"): that course, given what the title's course gathered (one course, not a
    second of unknown length)."""
    own = out.own
    if own is None or own not in out.facts:
        return
    # (the title read again as a sentence names the same course at the same place)
    again = [f for f in out.facts if f is not own and f.kind == "prior"
             and f.concept == own.concept and f.start == own.start]
    for f in again:
        _fill_in(own, f.props)
    out.facts[:] = [f for f in out.facts if not any(f is a for a in again)]
    told = [f for f in out.facts if f is not own and f.kind == "prior" and f.concept and (
        lex.terms.is_a(f.concept, own.concept or "") or lex.terms.is_a(own.concept or "",
                                                                        f.concept))]
    if len({f.concept for f in told}) == 1:
        if (response := own.props.get("response")) is not None:
            _add_response(told[0], response.removeprefix(m("")))
        _fill_in(told[0], {k: v for k, v in own.props.items() if k != "on_date"})
        out.facts.remove(own)
    elif told:
        # several courses told by name (CBT, biofeedback): the title's course is none of them,
        # and counted beside them would count their visits twice (or, of unknown length, leave
        # every count of visits unknown)
        out.facts.remove(own)


def _denied_title_courses(out: Extracted, lex: Lexicon) -> None:
    """A course only the letterhead or title names ("SUNRISE SPINE & CHIROPRACTIC, INC."),
    where the text says none was ever had ("No previous chiropractic care for this injury or
    before."): none was."""
    def denied(f: Mention) -> bool:
        return f.kind == "prior" and (f.start < out.title_end or f is out.own) and any(
            lex.terms.is_a(f.concept or "", had) or lex.terms.is_a(had, f.concept or "")
            for had in out.never_had)
    if out.never_had:
        out.facts[:] = [f for f in out.facts if not denied(f)]


# ("Visits completed: 12", "Sessions to date: 8", "Visits: 12 of 12 authorized")
_VISITS_DONE = re.compile(r"\b(?:visits?|sessions?|treatments?)(?:\s+(?:completed|to date|"
                          r"attended|used)\s*:|\s*:(?=\s*\d{1,3}\s+of\s+\d))\s*"
                          + request_items.COUNT_WORD + r"\b(?:\s+of\s+\d{1,3}(?:\s+authori[sz]ed|"
                          r"\s+approved|\s+certified)?)?", re.I)


def _course_told(out: Extracted, lex: Lexicon, since: int, at: int) -> Mention | None:
    """The one course told between `since` and `at` that visits count (an operation or a drug
    is not counted in sessions); None when none or several treatments were told."""
    return _only(f for f in out.facts if f.kind == "prior" and since <= f.start < at
                 and not lex.terms.is_a(f.concept or "", T("Surgery"))
                 and not lex.terms.is_a(f.concept or "", T("Drug")))


def _only(courses: Iterable[Mention]) -> Mention | None:
    """The last of the courses when they are all of one treatment, else None."""
    said = list(courses)
    return said[-1] if len({f.concept for f in said}) == 1 else None


_THERAPIES = ("PhysicalMedicine", "PsychologicalTreatment")


def _referred_response(out: Extracted, lex: Lexicon, text: str, asked: set[str], at: int,
                       whole: str | None = None, alone: bool = False) -> bool:
    """A response said of what names no treatment: 'the medications help' (the drugs under
    review), 'those sessions helped', 'it did not help' (the latest course of that kind told
    before the sentence, which starts at `at`). Whether the text referred to one; `whole`: the
    response of the sentence around it; `alone`: the sentence names no treatment at all (then
    a therapist's report's progress is its own course's)."""
    response = response_of(text)
    if _medications_referred(text) and (response := whole or response):
        # the drugs under review, else (none of them taken) every drug taken; not one taken
        # for another end (a PPI, a laxative, a sleeping pill)
        taken = [f for f in out.facts if f.kind == "medication" and f.start < at and
                 _for_pain(f, lex)]
        for fact in [f for f in taken if f.concept in asked] or taken:
            if fact.props.get("response") is None:
                fact.props["of_all"] = True  # (said of the drugs together: see _merge_medications)
            _add_response(fact, response)
        if not taken:
            out.unplaced.append(response)
        return True
    if response is not None and _DISCHARGE_NOTE.match(text) and \
            (course := _therapy_told_before(out, lex)) is not None:
        # a records digest's "D/C note 12/20/17: leg pain unchanged, ...", right after the
        # therapy's entry: that therapy's discharge
        _add_response(course, response)
        return True
    if response is not None and _THERAPIST.search(text):
        # "Per the therapist's progress note, flexion has gone from 78 to 102 degrees ...":
        # the latest course of therapy told before (a psychotherapist's too: "The
        # therapist's discharge summary ... noted that she still could not ride a bus")
        for fact in reversed(out.facts):
            if fact.kind == "prior" and fact.start < at and any(
                    lex.terms.is_a(fact.concept, T(kind)) for kind in _THERAPIES):
                _add_response(fact, response)
                return True
    if response is not None and (refers := _REFERENCE.search(text)):
        if response == "SubjectiveImprovement" and whole == "FunctionalImprovement":
            # "After the injection ... sixty percent relief ...; he went back to full duty":
            # the gain the rest of the sentence tells is the same course's
            response = whole
        wanted = _REFERRED.get(refers.group("noun").lower().rstrip("s"))
        told = [f for f in out.facts if f.kind in ("prior", "medication") and f.start < at
                and _is_referred(f, wanted, lex)]
        counted = [f for f in told if refers.group("count") and
                   f.props.get("sessions") == int(refers.group("count"))]
        if counted or told:
            _add_response((counted or told)[-1], response)
        return True  # referred to, if to nothing read: to no other course
    if alone and response is not None and out.own is not None and out.own in out.facts:
        # a therapist's own report: the progress it tells, naming no treatment, is its
        # course's ("She is now able to wash and dry her hair ...", "Steady, measurable
        # gains in ROM, strength and function w/ the first 12 post-op visits")
        _add_response(out.own, response)
        return True
    return False


def _for_pain(fact: Mention, lex: Lexicon) -> bool:
    """A drug taken for the pain: not a class named alone, nor one taken for another end (a
    PPI, a laxative, a sleeping pill)."""
    return fact.concept not in _GENERIC and \
        not any(lex.terms.is_a(fact.concept, c) for c in _FOR_ANOTHER_END)


def _meds_told_later(out: Extracted, lex: Lexicon, asked: set[str]) -> None:
    """What was said of "the medications" before any was named goes to the drugs the note
    names afterwards (those under review, else all taken for the pain) that have no response
    of their own."""
    if not out.unplaced:
        return
    taken = [f for f in out.facts if f.kind == "medication" and _for_pain(f, lex)]
    for fact in [f for f in taken if f.concept in asked] or taken:
        for response in out.unplaced:
            _add_response(fact, response)


# "None of these has changed the leg pain.", "All of these have been of limited benefit.",
# "In spite of all of the above ...": said of every course just listed
_COLLECTIVE = re.compile(r"^\W*(?:(?:none|all|each|both|neither)(?: of)? (?:these|those|them|this|"
                         r"the above)|(?:in spite of|despite) (?:all )?(?:of )?(?:the above|this|"
                         r"these))\b", re.I)
_LISTED = 600  # characters back: the list just told


def _collective_response(out: Extracted, sentence: str, at: int) -> bool:
    """The response of a sentence said of all the courses just listed (those that have none
    of their own); whether the sentence spoke of them."""
    if not _COLLECTIVE.search(sentence) or (response := response_of(sentence)) is None:
        return False
    for fact in out.facts:
        if fact.kind in ("prior", "medication") and at - _LISTED <= fact.start < at:
            fact.props.setdefault("response", m(response))
    return True


def _continued_response(out: Extracted, lex: Lexicon, sentence: str, at: int,
                        named: set[str]) -> None:
    """A response said right after one course was told, naming nothing: "Completed 4 visits
    of hand therapy. Grip 18 lb -> 32 lb; now able to button shirts." is that course's (the
    only course of the sentence before, else the only one in the words just before). Said
    after several courses or far from one, it is nobody's; a drug cut back in the sentence
    ("has cut his meloxicam") is what the gain is measured by."""
    response = response_of(sentence)
    if response is None:
        return
    courses = [f for f in out.facts if f.kind in ("prior", "medication") and f.start < at
               and f.concept not in named]
    # within a list item about one course ("- Meds: tramadol 50 q6h prn. Pain 6/10 w/o, 5/10
    # w/. PTP: function 'no change'"), what is said is said of it
    of_item = _item_course(out, courses)
    if of_item is None and response == "NoImprovement" and _FUNCTION_SAID.search(sentence) \
            and _WITH_MEDS.search(out.previous_text + " " + sentence):
        # "Pain 6/10 with medication, 9/10 without. Function: no change.": no gain in function
        # on the one drug for pain under review (of several, it is not said which), or on
        # every opioid when one is under review (the opioids taken together are one regimen:
        # "MS Contin ... Norco ... his function is unchanged"); a state told ("Function: walks
        # 15 min") credits none
        taken = [f for f in courses if f.kind == "medication" and _for_pain(f, lex)]
        under: set[str | None] = {f.concept for f in taken if f.concept in out.asked} or \
            {f.concept for f in taken}
        opioids = {f.concept for f in taken if lex.terms.is_a(f.concept or "", T("Opioid"))}
        if under & opioids:
            under = opioids
        if len(under) == 1 or under == opioids:
            for fact in taken:
                if fact.concept in under:
                    _add_response(fact, response)
        return
    if of_item is None and response != "SubjectiveImprovement" and \
            not _SAID_OF_A_COURSE.search(sentence):
        return  # "Pain unchanged.", "She is able to sit 20 minutes.": a state, not a change
    course = _only(f for f in courses if f.start >= out.previous[0]) or of_item
    if course is None:
        told = _told_before(out, lex)
        course = _only(f for f in courses if f.concept in told) or \
            _only(f for f in courses if f.end >= at - _NEAR) or \
            _progress_told_on(out, courses) or \
            _only(f for f in courses if f.end >= at - 2 * _NEAR) or \
            _continued_course(out, courses)
    if course is not None:
        _add_response(course, response)
        out.responded = (course, at)


def _progress_told_on(out: Extracted, courses: list[Mention]) -> Mention | None:
    """The course whose progress the sentence before told, naming nothing either: "Pregabalin
    ... was started on 01/14/2019. On 04/29/2019 her calf pain had decreased from 8/10 to
    4/10. By 09/09/2019 she had returned to modified duty ..." (the story goes on)."""
    if out.responded is None or out.responded[1] != out.previous[0]:
        return None
    return out.responded[0] if out.responded[0] in courses else None


# Function told as such ("Function: no change", "ADLs unchanged", "function improved"), said
# beside pain with and without the medications
_FUNCTION_SAID = re.compile(r"\bfunction(?:al|ing)?\b|\badls?\b|\bactivities of daily living\b",
                            re.I)
_WITH_MEDS = re.compile(r"\bwith(?:out)?\s+(?:the\s+|his\s+|her\s+)?(?:pain\s+)?(?:medications?|"
                        r"meds)\b|\bw/o?\s*meds\b", re.I)


def _told_before(out: Extracted, lex: Lexicon) -> set[str]:
    """The treatments the sentence before named, a course or not: "The burning went from 7/10
    to 3/10 on gabapentin. Since the dose was increased he walks his dog" (read only when a
    response asks, not for every sentence)."""
    return {h.term for h in _treatments(lex, out.previous_text)}


def _continued_course(out: Extracted, courses: list[Mention]) -> Mention | None:
    """The one course of treatment on record, when the note asks to continue it: its
    progress is what the note's assessment tells ("12 chiropractic visits ... ASSESSMENT:
    improving; ODI down 26 points, back to full duty", chiropractic asked for again)."""
    had = [f for f in courses if f.kind == "prior"]
    course = _only(had)  # (named more than once: its first telling, which the rest fills)
    course = had[0] if course is not None else None
    return course if course is not None and course.concept in out.asked and \
        course.props.get("response") is None else None


def _add_response(fact: Mention, response: str) -> None:
    """A course's response said again later: the first holds, except that a gain in function
    where relief was said ("80% relief. During those hours he walked around the block") is
    the fuller statement of the same response."""
    said = fact.props.get("response")
    if said is None or (said == m("SubjectiveImprovement") and
                        response == "FunctionalImprovement"):
        fact.props["response"] = m(response)


_NEAR = 160  # characters: the sentence before (twice that: two short ones)
_SAID_OF_A_COURSE = re.compile(r"help|benefit|relie|improv|better|difference|effect|"
                               r"\bno (?:significant |real |meaningful )?change in\b|"
                               r"\bstill (?:unable|cannot|can't|catches|has|had|could not)\b|"
                               r"\b(?:now|again|"
                               r"since|after|following|went from|up from|back to|returned|"
                               r"resumed|cut|reduced|decreased|increased|no longer|today|"
                               r"at intake|at baseline|initially|at discharge|same as)\b|->|→",
                               re.I)
_GENERIC = _CATEGORIES | {T("Drug")}
_FOR_ANOTHER_END = tuple(map(T, ("GastroprotectiveAgent", "Laxative", "Antiemetic",
                                 "Benzodiazepine", "SedativeHypnotic", "Naloxone")))
_MEDICATIONS = re.compile(r"\b(?:the |his |her |current |these |pain )?(?:medications?|meds|"
                          r"medicines?|(?:current|present|medication|this) regimen)\b|"
                          # "function had not improved over the past year at this dose"
                          r"\b(?:at|on) (?:this|that|the current|the same|his current|her "
                          r"current) dose\b", re.I)
# The medications as the measure of a change, not what it is said of: "no change in activity
# or meds", "a reduction in his pain medications", "fewer meds"
_MEDS_MEASURED = re.compile(r"\b(?:changes?|reduction|decrease|increase) in (?:\w+ (?:or|and) )?"
                            r"(?:his |her |the |pain )*(?:medications?|meds|medicines?)\b|"
                            r"\b(?:fewer|less|use of) (?:his |her |the |pain )*(?:medications?|"
                            r"meds)\b", re.I)


def _medications_referred(text: str) -> bool:
    """Whether the text refers to the medications as what a response is said of."""
    measured = [m.span() for m in _MEDS_MEASURED.finditer(text)]
    return any(not any(s <= m.start() < e for s, e in measured)
               for m in _MEDICATIONS.finditer(text))
# A course referred to: as the sentence's subject, after what reports it ("He says it helps",
# "According to the notes, the therapy helped"), or after a preposition ("With those
# treatments his Oswestry ...", "unchanged despite therapy", "Since starting it she walks").
_REFERENCE = re.compile(r"(?:^\W*(?:(?:according to|per) [^,]{0,40}?(?:,\s*|\s+(?=(?:it|they|"
                        r"these|those|this)\b)))?(?:(?:he|she|they|the "
                        r"(?:patient|worker|applicant)|patient|pt)\s+(?:says|states|reports|feels|"
                        r"notes|thinks|finds|said|stated|reported|felt|noted|thought|found)\s+"
                        r"(?:that\s+)?)?|\b(?:says|states|reports|feels|notes|thinks|said|stated|"
                        r"reported|felt|noted|thought)\s+(?:that\s+)?|\b(?:did|does|do)\s+"
                        r"(?:not|n't)\s+(?:feel|think|find|believe)\s+(?:that\s+)?|\b(?:with|after|before|"
                        r"since(?: starting)?|following|despite|in spite of|during|throughout|"
                        # "the pain diary from the day of the blocks"
                        r"(?:day|date|time|night|morning|week)\s+of|"
                        # (not a visit to the clinic, "compared with the prior visit", nor a
                        # count of a course named after it, "with 12 visits of PT"; but a count
                        # of the course told before: "Functional progress with the 6 visits:")
                        r"over the course of)\s+(?!(?!(?:the|these|those)\s+\d{1,3}\s+visits?\b"
                        r"(?!\s+(?:of|with|at|in|to)\b))(?:\w+\s+){0,2}visits?\b))"
                        # (a count names the course: "Functional progress with the 6 visits:")
                        r"(?:(?:the|these|those|this|that|his|her|each|all)\s+(?:(?P<count>\d{1,3})"
                        r"\s+|\w+\s+)?)?"
                        r"(?P<noun>therapy|therapies|sessions?|visits?|treatments?|injections?|"
                        r"blocks?|medications?|meds|it|they|them)\b", re.I)
_INJECTIONS = re.compile(r"inject|block|epidural|ablation", re.I)
# What a therapist reports is the therapy's: "Per the therapist's progress note of May 3, ..."
_DISCHARGE_NOTE = re.compile(r"\W{0,3}(?:d/c|discharge)\s+(?:note|summary|eval\w*)\b", re.I)


def _therapy_told_before(out: Extracted, lex: Lexicon) -> Mention | None:
    """The course of physical medicine the sentence just before told, if it told one."""
    start, end = out.previous
    return next((f for f in reversed(out.facts) if f.kind == "prior" and start <= f.start < end
                 and lex.terms.is_a(f.concept or "", T("PhysicalMedicine"))), None)


_THERAPIST = re.compile(r"\b(?:per|according to|in|from)\s+(?:the|his|her)\s+(?:physical |"
                        r"occupational |hand )?therapist'?s?\b|\b(?:PT|OT|therapy) (?:progress |"
                        r"discharge |re-?evaluation )?(?:note|report|summary)\b|"
                        # "The therapist's discharge summary records that ..."
                        r"\btherapist'?s?\s+(?:final |last |discharge |progress |daily |"
                        r"re-?evaluation )?(?:notes?|reports?|summary|records?|evaluation)\b|"
                        # "The therapist wrote that he had plateaued"
                        r"\b(?:the|his|her)\s+(?:physical |occupational |hand )?therapist\s+"
                        r"(?:wrote|writes|noted|notes|documented|documents|reported|reports|"
                        r"stated|states|recorded|records|observed|found|indicated|felt)\b", re.I)
# what is given in sessions or visits: a therapy, not a drug, a surgery or an aid
_SESSIONED = re.compile(r"therap|acupunct|chiro|manipulation|massage|psych|counsel|program|"
                        r"conditioning|hardening|training|biofeedback|rehabilitation", re.I)
_REFERRED: dict[str, str | re.Pattern[str] | None] = {
    "therapy": T("PhysicalMedicine"), "therapie": T("PhysicalMedicine"), "session": _SESSIONED,
    "visit": _SESSIONED, "treatment": None, "injection": _INJECTIONS, "block": _INJECTIONS,
    "medication": T("Drug"), "med": T("Drug"), "it": None, "they": None, "them": None}


def _is_referred(fact: Mention, wanted: str | re.Pattern[str] | None, lex: Lexicon) -> bool:
    if wanted is None:
        return True
    if isinstance(wanted, str):
        return lex.terms.is_a(fact.concept, wanted)
    return bool(wanted.search(lex.terms.label(fact.concept or "")))




# 'n/10', 'n-m out of 10' (not the '01/10' of a date), and what follows it (its context).
_PAIN = re.compile(r"(?<![\d/.-])(\d{1,2}(?:\.\d)?)(?:\s*(?:-|to)\s*(\d{1,2}(?:\.\d)?))?"
                   r"\s*(?:/|out of)\s*10(?![\d/-])(?=(?P<after>[^.;]{0,40}))", re.I)


def _pain(out: Extracted, lex: Lexicon, sentence: str, at: int, day) -> None:
    scores = list(_PAIN.finditer(sentence))
    # said of the sentence, not of a score: found once ("naproxen takes pain from 5/10 to 2/10")
    on_drug = _ON_DRUG.search(sentence) if scores else None
    # (a fall, said of the drug whatever cue stands before it: "On hydrocodone his pain goes
    # from 8/10 to 4/10" is 8 without it and 4 on it)
    on_drug = on_drug if on_drug and lex.first(sentence, T("Drug")) and \
        _score(on_drug.group(1)) > _score(on_drug.group(2)) else None
    for n, found in enumerate(scores):
        after = found.group("after").split(" and ")[0]
        before = sentence[scores[n - 1].end() if n else max(0, found.start() - 40):found.start()]
        context = _pain_context(lex, before, sentence[found.end():scores[n + 1].start()
                                                      if n + 1 < len(scores) else None])
        if on_drug:
            # "naproxen takes pain from 5/10 to 2/10": before and on the drug
            if found.start() == on_drug.start(1):
                context = "WithoutMedication"
            elif found.start() == on_drug.start(2):
                context = "WithMedication"
        low, high = float(found.group(1)), found.group(2)
        start = found.start()
        if n == 0:  # the first score's span starts at 'Pain is rated'
            window = max(0, start - 200)
            lead = re.search(r"\b(?:pain|VAS)\b[^.]*$", sentence[window:start], re.I)
            start = window + lead.start() if lead else start
        end = found.end() + (len(after.rstrip(" ,")) if context != "CurrentPain" else 0)
        out.facts.append(Mention("pain", None, at + start, at + end, sentence[start:end],
                              {"value": low, "value_high": float(high) if high else None,
                               "context": m(context), "on_date": day}))


def _score(text: str) -> float:
    """The figure of a score written "8/10" or "8 / 10"."""
    return float(text.split("/")[0])


# "8/10 without medications", "w/o meds 9/10", "Without meds: 9/10", "4/10 about an hour
# after his doses", "7/10 w/o tramadol, 4/10 w/ tramadol", "off medication"
_MEDICINE = (r"(?:(?:the|his|her|their|a|an|each)\s+)?(?:pain |current )?(?:medications?|meds|"
             r"medicines?|pills?|doses?|opioids?|narcotics?|them|it|analgesics?|tablets?|"
             # "a Norco dose", "her morning tablets"
             r"(?:[A-Za-z]+\s+){1,2}(?:doses?|tablets?|pills?))\b")
_WITHOUT = re.compile(r"\b(?:without|w/o|off(?: of)?|before(?: taking)?|prior to|no)\s+"
                      + _MEDICINE, re.I)
_WITH = re.compile(r"(?:\bwith|\bw/|\bon|\bafter(?: taking)?|\bwhen taking|\bwhile on|"
                   r"\bfollowing|\bwithin\s+(?:about\s+)?(?:an?|one|two|three|\d+)\s+"
                   r"(?:hours?|minutes?|mins?)\s+(?:of|after))\s+"
                   r"(?:(?:about|an?|one|two|\d+)\s+(?:hours?|minutes?)\s+after\s+)?"
                   + _MEDICINE, re.I)
# "and 9/10 without.", "Pain 7/10 before, 6/10 on it."
_BARE = re.compile(r"\b(?:without|w/o|off|before)(?=\s*(?:[.,;)]|and\b|$))", re.I)
# ... and "with" ("Tramadol: pain 7/10 without, 4/10 with.")
_BARE_WITH = re.compile(r"\b(?:with|w/)(?=\s*(?:[.,;)]|and\b))", re.I)
_ON_DRUG = re.compile(r"\bfrom\s+(\d{1,2}(?:\.\d)?\s*/\s*10)\s+(?:down\s+)?to\s+"
                      r"(\d{1,2}(?:\.\d)?\s*/\s*10)", re.I)
_NAMED_DRUG = re.compile(r"\b(?P<rel>without|w/o|off|with|w/|on|after)\s+(?:the\s+|his\s+|her\s+)?"
                         r"(?P<name>\w+)", re.I)  # ("With the Norco his pain is 5/10")


_LEADER = re.compile(r"(?:\.{3,}|\u2026)[ \t]*$")


def _pain_context(lex: Lexicon, before: str, after: str) -> str:
    """Whether a pain score was taken with or without the medication: a cue right before it
    ("w/ meds 6/10", "Without meds: 9/10"), else one after it in its clause ("8/10 without
    medications"), else one earlier in the clause."""
    # (a form's label and its value joined by leader dots or a rule: "With medications
    # ............ 4/10", "Without meds | 8/10")
    near = before[-45:]
    adjacent = [c for c in _context_cues(lex, near) if not near[c[2]:].strip(" \t:-=._|\u2026")]
    if adjacent:
        return adjacent[-1][1]
    if _LEADER.search(before):
        return "CurrentPain"  # a row of its own ("Worst, past week ...... 8/10"): not the next
    # (not past its clause: "pain is 5/10; without it, 8/10" tells the next score's context)
    cues = _context_cues(lex, after[:60].split(";")[0])
    if cues:
        return cues[0][1]
    cues = _context_cues(lex, before[-40:])
    return cues[-1][1] if cues else "CurrentPain"


def _context_cues(lex: Lexicon, text: str) -> list[tuple[int, str, int]]:
    """(start, context, end) of each with/without-medication cue in the text, in order."""
    found = [(m.start(), "WithoutMedication", m.end()) for m in _WITHOUT.finditer(text)]
    found += [(m.start(), "WithoutMedication", m.end()) for m in _BARE.finditer(text)]
    found += [(m.start(), "WithMedication", m.end()) for m in _WITH.finditer(text)]
    found += [(m.start(), "WithMedication", m.end()) for m in _BARE_WITH.finditer(text)]
    for named in _NAMED_DRUG.finditer(text):  # "w/o tramadol", "with Norco"
        if lex.first(named.group("name"), T("Drug")):
            without = named.group("rel").lower() in ("without", "w/o", "off")
            found.append((named.start(), "WithoutMedication" if without else "WithMedication",
                          named.end()))
    return sorted(found)


# "She takes it three times a day.", "The frequency is twice a day.": directions said after
# the drug, of the drug named last
_DIRECTIONS_OF = re.compile(r"\b(?:it|this|that|the (?:dose|frequency|directions?|sig)|takes?|"
                            r"taken|taking|uses?|used|using)\b", re.I)


def _later_directions(out: Extracted, lex: Lexicon, sentence: str) -> None:
    if lex.first(sentence, T("Drug")) or not _DIRECTIONS_OF.search(sentence):
        return
    props = request_items.dose_props(sentence)
    if props.get("doses_per_day") is None:
        return
    for fact in reversed(out.facts):
        if fact.kind in ("medication", "prior") and \
                lex.terms.is_a(fact.concept or "", T("Drug")):
            if fact.props.get("doses_per_day") is None:
                fact.props["doses_per_day"] = props["doses_per_day"]
                fact.props["frequency"] = props["frequency"]
            return


# What imaging diagnoses by itself: a structure torn or worn
_IMAGED = tuple(map(T, ("MeniscalTear", "RotatorCuffTear", "ACLTear", "ShoulderLabralTear",
                        "HipLabralTear", "Osteoarthritis")))


_NOT_SHOWN = re.compile(r"\b(?:no|not|without|negative|free of|ruled out|intact|normal|"
                        r"unremarkable|rule out|r/o|possible|questionable|suspected)\b", re.I)


def _imaged_conditions(out: Extracted, lex: Lexicon) -> None:
    """A record that states no diagnosis but imaging that shows a tear or arthritis ("The MRI
    of 07/12/2016 shows a horizontal oblique tear of the posterior horn of the medial
    meniscus") documents that condition; only then, as for the operations' conditions."""
    if any(f.kind == "diagnosis" for f in out.facts):
        return
    for study in [f for f in out.facts if f.kind == "study" and f.props.get("result")
                  and lex.terms.is_a(f.concept or "", T("DiagnosticImaging"))]:
        # (each clause by the words of a name, in any order: "tear of the posterior horn of
        # the medial meniscus" is a meniscal tear; a denied one is none: "no chondral loss")
        for clause in re.split(r"[;,]|\.\s", study.props["result"]):
            kind = lex.by_words(T("Condition"), clause)
            if not any(lex.terms.is_a(kind, k) for k in _IMAGED) or _NOT_SHOWN.search(clause) \
                    or any(f.kind == "diagnosis" and f.concept == kind for f in out.facts):
                continue
            out.facts.append(Mention("diagnosis", kind, study.start, study.end, study.label,
                                     {"side": study.props.get("side"),
                                      "region": study.props.get("region"), "grade": None}))


def _treated_conditions(out: Extracted, lex: Lexicon) -> None:
    """A note that names no condition but a surgery done ("Imp: s/p R arthroscopic RCR +
    SAD, progressing as expected") documents what the surgery treated (mtus:treatsCondition):
    a rotator cuff tear, shoulder impingement. Only then: a diagnosis stated says more."""
    if any(f.kind == "diagnosis" for f in out.facts):
        return
    for fact in [f for f in out.facts if f.kind == "prior"]:
        for condition in lex.terms.related("treatsCondition", fact.concept):
            if not any(f.kind == "diagnosis" and f.concept == condition for f in out.facts):
                out.facts.append(Mention("diagnosis", condition, fact.start, fact.end, fact.label,
                                         {"side": fact.props.get("side"),
                                          "region": fact.props.get("region"), "grade": None}))


def _merge_medications(out: Extracted, lex: Lexicon, text: str) -> None:
    """One current medication per drug: a drug named in several sentences (the medication list,
    its dose in another sentence, the plan) is one course; the first mention keeps its span
    and the later ones fill in what it lacks (dose, frequency, start, response)."""
    first: dict[str | None, Mention] = {}
    forms: dict[str | None, list[Mention]] = {}  # the courses of each drug, by release form
    kept = []
    for fact in out.facts:
        if fact.kind == "prior" and fact.props.get("dose_changed") and fact.concept in first:
            # "On 09/18/2017 the hydrocodone was increased to six tablets a day", told as a
            # thing done: a change of the current course's dose, not a course of its own
            fact.kind = "medication"
        if fact.kind != "medication":
            kept.append(fact)
            continue
        seen = next((f for f in forms.get(fact.concept, ()) if _same_form(f, fact, text)),
                    None)
        if seen is None:
            # (a long-acting and a short-acting form of one drug are two courses: "OxyContin
            # 20 mg q12h" and "oxycodone IR 10 mg q6h prn" each count in the day's MED)
            first.setdefault(fact.concept, fact)
            forms.setdefault(fact.concept, []).append(fact)
            kept.append(fact)
        else:
            if _started_later(fact, seen):
                # taken again since a later day ("restarted on 01/12/2015 at a lower dose of
                # 100 mg"): the course now taken is that one, at that dose
                for key in ("start", "dose_mg", "doses_per_day", "frequency"):
                    if fact.props.get(key) is not None:
                        seen.props[key] = fact.props[key]
            elif fact.props.get("dose_changed"):
                # "by 2022 he was taking six tablets a day", then "a gradual reduction of
                # Norco to four tablets a day": taken at the dose it was changed to
                for key in ("dose_mg", "doses_per_day", "frequency"):
                    if fact.props.get(key) is not None:
                        seen.props[key] = fact.props[key]
            _fill_in(seen, fact.props)
            if fact.props.get("response") == m("FunctionalImprovement") and \
                    seen.props.get("response") == m("SubjectiveImprovement") or \
                    fact.props.get("response") and seen.props.get("of_all") and \
                    not fact.props.get("of_all"):
                # a gain in function said of the drug later is the fuller statement of what
                # "meds help" said first (as _add_response holds for one mention); what is said
                # of the drug by name outweighs what was said of all the drugs together ("since
                # the Lyrica was started she types for two hours" over "pain 5/10 with
                # medications ..., and allodynia persisted")
                seen.props["response"] = fact.props["response"]
                seen.props.pop("of_all", None)
    out.facts[:] = [f for f in kept if not _said_of_its_drugs(f, first, lex)]


# How a drug's name says its release: long-acting ("OxyContin", "MS Contin", "tramadol ER",
# "Kadian") or short-acting ("oxycodone IR", "MSIR"); most names say neither.
_LONG_ACTING = re.compile(r"\b(?:ER|XR|CR|SR|XL|LA|extended[- ]release|long[- ]acting)\b|"
                          r"contin\b|\b(?:kadian|avinza|exalgo|hysingla|zohydro|conzip|ryzolt|"
                          r"xtampza|arymo|butrans|belbuca|duragesic)\b", re.I)
# (a combination with acetaminophen is short-acting: "Percocet", "Norco", "hydrocodone/APAP")
_SHORT_ACTING = re.compile(r"\b(?:IR|MSIR|immediate[- ]release|short[- ]acting|percocet|endocet|"
                           r"roxicet|roxicodone|oxaydo|norco|vicodin|lortab|lorcet|ultracet|"
                           r"APAP|acetaminophen|paracetamol)\b", re.I)


# A dose for breakthrough pain is a short-acting form whatever its name: "the breakthrough
# oxycodone was reduced to 5 mg", "Oxycodone 10 mg four times a day as needed for breakthrough
# pain" (beside OxyContin)
_BREAKTHROUGH_BEFORE = re.compile(r"\b(?:breakthrough|rescue)\s+$", re.I)
_BREAKTHROUGH_AFTER = re.compile(r"[^.;\n]{0,60}?\bfor\s+breakthrough\b", re.I)


def _release(fact: Mention, text: str) -> str | None:
    if _LONG_ACTING.search(fact.label):
        return "long"
    if _SHORT_ACTING.search(fact.label) or \
            _BREAKTHROUGH_BEFORE.search(text, max(0, fact.start - 20), fact.start) or \
            _BREAKTHROUGH_AFTER.match(text, fact.end, fact.end + 80):
        return "short"
    return None


def _same_form(seen: Mention, fact: Mention, text: str) -> bool:
    """Whether two mentions of a drug can be one course: unless their names, or a dose said
    to be for breakthrough pain, say different release forms."""
    a, b = _release(seen, text), _release(fact, text)
    return a is None or b is None or a == b


def _started_later(fact: Mention, seen: Mention) -> bool:
    """Whether `fact` tells the drug taken again from a day after `seen` started (not a second
    form of it: "OxyContin 30 mg ... since 01/2019; oxycodone IR 10 mg ..., started 05/11/2020")."""
    later, earlier = fact.props.get("start"), seen.props.get("start")
    return bool(fact.props.get("restarted")) and isinstance(later, dt.date) and \
        isinstance(earlier, dt.date) and later > earlier


def _said_of_its_drugs(fact: Mention, drugs: dict[str | None, Mention], lex: Lexicon) -> bool:
    """A drug class named as a medication ("opioid use with documented functional benefit")
    where drugs of that class are on record says something of them, not of another drug: its
    response goes to each that has none, and it is no course of its own (it would ask for
    the dose of an unnamed opioid)."""
    if fact.kind != "medication" or not fact.concept:
        return False
    members = [d for c, d in drugs.items()
               if c and c != fact.concept and lex.terms.is_a(c, fact.concept)]
    for member in members:
        if member.props.get("response") is None and fact.props.get("response") is not None:
            member.props["response"] = fact.props["response"]
    return bool(members)


# A course told that ended this long before the injury treated another episode: "he had an
# epidural injection in 2015 for an episode of sciatica that was not work related" (injured in
# 2023). Half a year: a cumulative injury's date is the end of its period of exposure.
_EPISODE_GAP = dt.timedelta(days=183)


def _other_episodes(out: Extracted, injured: dt.date) -> None:
    """Leave out the prior courses dated well before the injury: they are not its treatment."""
    def earlier(fact: Mention) -> bool:
        days = [d for d in (fact.props.get("on_date"), fact.props.get("start"))
                if isinstance(d, dt.date)]
        if not days and fact.props.get("year"):  # a year alone: its last day, to be safe
            days = [dt.date(fact.props["year"], 12, 31)]
        return fact.kind == "prior" and bool(days) and max(days) < injured - _EPISODE_GAP
    out.facts = [f for f in out.facts if not earlier(f)]


# a bullet, a number, or a dated entry ("2019-11-19: Second diagnostic medial branch block")
_ITEM_MARK = re.compile(r"^[ \t]*(?:[-*\u2022\u25aa]|\d{1,2}[.)]|\([a-z0-9]\)|(?:"
                        + DATE_RE.pattern + r")[ \t]*[:\u2013-])[ \t]")


def _track_list_item(out: Extracted, text: str, s_start: int, sentence: str, at: int) -> None:
    """A list item's later sentences speak of what the item opened with ("- Tramadol ER
    started 2/4/14. Pain 7/10 before, 6/10 on it. ADLs unchanged."): where the item began,
    until a line opens without a marker."""
    if _ITEM_MARK.match(sentence):
        out.item_start, out.item_named = at, []
    elif s_start == 0 or text[s_start - 1] == "\n":
        out.item_start, out.item_named = None, []


def _item_course(out: Extracted, courses: Iterable[Mention]) -> Mention | None:
    """The only course the current list item told or named again, if any."""
    if out.item_start is None:
        return None
    start = out.item_start
    return _only({id(f): f for f in [*(f for f in courses if f.start >= start),
                                     *out.item_named]}.values())


def _courses_in(out: Extracted, start: int, end: int) -> list[Mention]:
    """The courses (drugs taken, treatments had) read in a table row's span."""
    return [f for f in out.facts if f.kind in ("medication", "prior") and start <= f.start < end]


def _medication_tables(out: Extracted, lex: Lexicon, letter: Letter) -> None:
    """What a medication table's start and status columns say of each row's drug
    (reader/medtable.py): when it began, that it was stopped (a past course, ended that day),
    or that it never began (no course). A row the sentences left unread (a table under a
    heading that names no medication list: "RX PROFILE") is read here."""
    for row in medication_rows(letter.cleaned, *letter.summary):
        here = _courses_in(out, row.start, row.end)
        if row.status == "never":
            out.facts[:] = [f for f in out.facts if f not in here]
            continue
        if not here and (hits := lex.find(letter.text[row.start:row.name_end], T("Drug"))):
            hit, tail = hits[0], letter.text[row.start + hits[0].end:row.end]
            here = [Mention("medication", hit.term, row.start + hit.start, row.start + hit.end,
                            letter.text[row.start + hit.start:row.start + hit.end],
                            {**request_items.dose_props(tail), "on_date": None})]
            out.facts.extend(here)
        for fact in here:
            if row.started and not fact.props.get("start"):
                fact.props["start"] = row.started
                if fact.props.get("on_date") == row.started:
                    fact.props["on_date"] = None  # (the start, not a day it took place)
            if row.status == "stopped":
                fact.kind = "prior"
                if row.stopped and not fact.props.get("end"):
                    fact.props["end"] = row.stopped


def _treatment_tables(out: Extracted, lex: Lexicon, letter: Letter) -> None:
    """What a treatment table's columns say of each row's treatment (reader/tables.py): the
    visits it had and how it worked, or that it was never had (no course). The row's first
    treatment is its own: a drug named after it in the same cell ("Dx MBB L4-5 (lidocaine)")
    is what the procedure used, and what was read of that drug goes to the procedure."""
    for row in treatment_rows(letter.cleaned, *letter.summary):
        here = _courses_in(out, row.start, row.end)
        if row.never:
            out.facts[:] = [f for f in out.facts if f not in here]
            continue
        if not here and (hits := lex.find(letter.text[row.start:row.name_end], T("Treatment"))):
            hit = hits[0]
            here = [Mention("prior", hit.term, row.start + hit.start, row.start + hit.end,
                            letter.text[row.start + hit.start:row.start + hit.end],
                            {"on_date": None})]
            out.facts.extend(here)
        if not here:
            continue
        own, *others = sorted(here, key=lambda f: f.start)
        for other in others:
            if other.start < row.name_end and other.kind == "medication":
                _fill_in(own, {k: v for k, v in other.props.items()
                               if k.startswith("relief") or k == "response"})
                out.facts.remove(other)
        if row.sessions and not lex.terms.is_a(own.concept or "", T("Drug")):
            own.props["sessions"] = row.sessions
            for key in [k for k in own.props if k.startswith("dose") or k == "per_day"]:
                del own.props[key]  # ("10/2018  6": a month's figure read as a dose)
        if row.result and (response := response_of(row.result)):
            own.props["response"] = m(response)


def _flowsheets(out: Extracted, lex: Lexicon, letter: Letter) -> None:
    """A therapy flowsheet's visits (reader/flowsheet.py): the course of the therapy it names
    has had that many, from its first day to its last (a course told elsewhere takes what it
    lacks)."""
    for sheet in flowsheets(letter.cleaned, *letter.summary, lex):
        props = {"sessions": sheet.visits, "start": sheet.first, "end": sheet.last}
        told = [f for f in out.facts if f.kind == "prior" and f.concept and (
            lex.terms.is_a(f.concept, sheet.term) or lex.terms.is_a(sheet.term, f.concept))]
        if told:
            _fill_in(told[-1], props)
        else:
            out.facts.append(Mention("prior", sheet.term, sheet.start, sheet.end,
                                     letter.text[sheet.start:sheet.end],
                                     {**props, "on_date": None}))


def _side_tables(out: Extracted, lex: Lexicon, letter: Letter) -> None:
    """Findings of examination tables with a column per side (reader/sidetable.py) replace
    what the sentences of their rows were read as."""
    found, rows = side_table_findings(letter.cleaned, *letter.summary, lex)
    for fact in found if letter.layout == "progress-report" else ():
        # (a report's examination table, undated: the visit's)
        fact.props["on_date"] = fact.props["on_date"] or out.own_day
    if found:
        out.facts[:] = [f for f in out.facts if not (
            f.kind == "finding" and any(s <= f.start < e for s, e in rows))] + found


def _one_surgery(out: Extracted, lex: Lexicon) -> None:
    """An undated surgery restated beside a dated one of its kind on the same side is that
    operation ("underwent a microdiscectomy on 02/20/2018 ... Diagnoses: s/p microdiscectomy"):
    a second, undated operation would hide the date the postsurgical period runs from."""
    terms = lex.terms
    surgeries = [f for f in out.facts if f.kind == "prior" and f.concept
                 and terms.is_a(f.concept, T("Surgery"))]
    for dated in [f for f in surgeries if f.props.get("on_date")]:
        # a date told of "surgery" and the operation named undated beside it ("Surgical
        # History: 01/24/2017 right shoulder arthroscopic rotator cuff repair"): the named
        # operation on that day (its kind decides which postsurgical course applies)
        named = [f for f in surgeries if not f.props.get("on_date") and f.concept != dated.concept
                 and terms.is_a(f.concept or "", dated.concept or "")
                 and f.props.get("side") in (None, dated.props.get("side"))]
        if named and len({f.concept for f in named}) == 1:
            for f in named:
                f.props["on_date"] = dated.props["on_date"]
            out.facts[:] = [f for f in out.facts if f is not dated]
            surgeries = [f for f in surgeries if f is not dated]

    def restated(fact: Mention) -> bool:
        return any(d is not fact and fact.props.get("side") in (None, d.props.get("side")) and (
            # the same operation dated elsewhere, or told more precisely ("status post
            # microdiscectomy ... Previous treatment includes ... surgery")
            (d.props.get("on_date") and (terms.is_a(d.concept or "", fact.concept or "")
                                         or terms.is_a(fact.concept or "", d.concept or "")))
            or (d.concept != fact.concept and terms.is_a(d.concept or "", fact.concept or "")))
            for d in surgeries)
    drop = [f for f in surgeries if not f.props.get("on_date") and restated(f)]
    out.facts[:] = [f for f in out.facts if not any(f is d for d in drop)]


def _grade_from_studies(out: Extracted, lex: Lexicon) -> None:
    """A diagnosis listed without its grade takes the grade a study's result gives it
    ("Standing x-rays show grade 4 of 4 osteoarthritis of the left knee")."""
    is_a = lex.terms.is_a
    for study in [f for f in out.facts if f.kind == "study" and f.props.get("result")]:
        result = study.props["result"]
        if kl := _KL.search(result):
            for dx in out.facts:
                if dx.kind == "diagnosis" and dx.concept and not dx.props.get("grade") and \
                        is_a(dx.concept, T("Osteoarthritis")):
                    dx.props["grade"] = _KL_GRADE[kl.group("grade").upper()]
        for hit in lex.find(result, T("Condition")):
            grade = _grade(result, max(0, hit.start - 30), hit.start, hit.end, len(result))
            for dx in out.facts:
                if grade and dx.kind == "diagnosis" and dx.concept and not \
                        dx.props.get("grade") and (is_a(dx.concept, hit.term)
                                                   or is_a(hit.term, dx.concept)):
                    dx.props["grade"] = grade


# Findings said of a joint the text names elsewhere ("bone-on-bone contact in the medial
# compartment"): of the case's region, as a diagnosis is
_JOINT_UNNAMED = frozenset({T("SevereOsteoarthritis")})


def _refine(out: Extracted, lex: Lexicon) -> None:
    terms = lex.terms
    also: list[Mention] = []
    for fact in out.facts:
        if fact.kind == "study" and fact.props.get("result"):
            narrower = [h.term for h in lex.find(fact.props["result"], T("DiagnosticService"))
                        if terms.is_a(h.term, fact.concept or "") and h.term != fact.concept]
            if narrower and fact.concept:
                fact.concept = max(narrower, key=terms.depth)
        for (cls, region), refined in _REGION_REFINE.items():
            where = fact.props.get("region") or out.region
            if fact.concept == cls and where and terms.is_a(where, region):
                fact.concept = refined
        where = fact.props.get("region") or out.region
        if fact.kind == "finding" and fact.concept in _SHOULDER_TOO and where and \
                terms.is_a(where, T("Shoulder")):
            also.append(Mention("finding", T("ShoulderRedFlag"), fact.start, fact.end,
                                fact.label, dict(fact.props)))
        if (fact.kind in ("diagnosis", "prior") or fact.kind == "finding" and fact.concept in
                _JOINT_UNNAMED) and fact.concept and fact.concept != T("Treatment"):
            # "radiculopathy" in a lumbar case is lumbar radiculopathy; "a cortisone
            # injection" in a knee case is an injection of the knee
            fact.concept = lex.in_region(fact.concept, fact.props.get("region") or out.region,
                                         least=True)
            if fact.props.get("grade") in ("severe", "moderate"):
                fact.concept = lex.graded(fact.concept, fact.props["grade"])
            elif fact.props.get("grade") == "mild" and fact.kind == "diagnosis" and \
                    (moderate := lex.graded(fact.concept, "moderate")) != fact.concept:
                # graded mild, it is documented not moderate or severe (the grade criteria
                # of injections and arthroplasty read)
                also.append(Mention("finding", moderate, fact.start, fact.end, fact.label,
                                    {"present": False, "on_date": None, "side": None,
                                     "region": fact.props.get("region")}))
    out.facts += also
    # a fracture the case's spine did not make the spine's, named by its limb or unnamed,
    # decides nothing: it was read so that the spine's is not (`term:Fracture`)
    out.facts[:] = [f for f in out.facts if f.concept not in _UNPLACED_FRACTURES]
    _one_finding_each(out)


def _one_finding_each(out: Extracted) -> None:
    """A finding refined by the case's region into one read already ("no fracture" in a lumbar
    case, besides the spinal fracture the films were read to exclude) is told once: the
    first."""
    seen: set[tuple] = set()
    kept = []
    for fact in out.facts:
        key = (fact.concept, fact.props.get("present"), fact.props.get("on_date"),
               fact.props.get("side")) if fact.kind == "finding" else None
        if key is None or key not in seen:
            kept.append(fact)
        if key is not None:
            seen.add(key)
    out.facts[:] = kept



__all__ = ["Extracted", "Mention", "Match", "extract", "response_of"]
