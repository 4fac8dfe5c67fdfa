"""The UR decisions a treating physician's report records on its own requests.

An EHR keeps what utilization review decided with the note that asked: an addendum ("UR
determination rec'd ... dated 03/26/2014: - Norco 10/325 #120: MODIFIED to #60 for weaning"),
a log of dotted lines ("C5-6 ILESI x1 ........ Non-certified", "Request 1 of 3: Right open carpal
tunnel release .... CERTIFIED") or a tracking table ("CBT x6 sessions  Certified  11/13/2019").
Such a line asks for nothing: it is no request of its own, and its action is the UR's on the
request of the plan it names (by the words they share). Read after the plan only: a decision
told before it is history ("PT was certified in 2019").
"""

from __future__ import annotations

import dataclasses
import re

from reasoner.reader.dates import DATE_RE

# The UR's action as a log writes it, in capitals or capitalized ("was certified" in a sentence
# is told, not logged): certified, approved or authorized; modified; non-certified or denied
_ACTION = re.compile(r"(?:(?<=\s)|(?<=\.)|(?<=:)|(?<=\|))\s*(?P<action>(?:NON|Non|non)-?\s?"
                     r"(?:CERTIFIED|[Cc]ertified)|NOT CERTIFIED|Not certified|CERTIFIED|Certified|"
                     r"MODIFIED|Modified|PARTIALLY APPROVED|Partially approved|APPROVED|Approved|"
                     r"AUTHORIZED|Authorized|DENIED|Denied)\b(?P<rest>[^\n]*)$", re.M)
# ... closing the line, or followed by what a log adds: its terms, date, reference or reason
_AFTER = re.compile(r"[ \t]*(?:$|[-\u2013(:;,.|]|to\b|for\b|\d|#|per\b|UR\b|ref\b|-)", re.I)
_LEADERS = re.compile(r"(?:[ \t]*\.{3,}[ \t]*|[ \t]+[-\u2013:][ \t]*|:[ \t]*|[ \t]*\|[ \t]*|"
                      r"[ \t]+)$")
_LEAD = re.compile(r"^[ \t]*(?:[-*\u2022][ \t]*)?(?:(?:request|item)[ \t]*#?\d{1,2}"
                   r"(?:[ \t]+of[ \t]+\d{1,2})?[ \t]*[:.)-][ \t]*)?", re.I)
_KIND = {"non": "non-certified", "not": "non-certified", "denied": "non-certified",
         "modified": "modified", "partially": "modified"}
_WORD = re.compile(r"[a-z0-9][a-z0-9-]{2,}")
_COMMON = frozenset({"the", "and", "for", "with", "right", "left", "bilateral", "tab", "tablet",
                     "tablets", "daily", "prn", "pain", "per", "each", "one", "two", "request",
                     "requested", "item", "ref", "date"})
_DATE = re.compile(DATE_RE.pattern)


@dataclasses.dataclass(frozen=True)
class Result:
    """One logged decision: the line's span, the words naming the request, the action."""
    start: int
    end: int
    name: str
    action: str  # "certified", "modified" or "non-certified" (the layout's UR outcomes)
    decided: str | None  # the date the line or its block gives


def results(text: str, after: int) -> list[Result]:
    """The logged decisions after `after` (where the plan begins)."""
    found = []
    for line in re.finditer(r"[^\n]+", text[after:]):
        said = line.group()
        action = next((a for a in _ACTION.finditer(said) if _AFTER.match(a.group("rest"))), None)
        if action is None:
            continue
        lead = _LEAD.match(said)  # (matches every line: its parts are optional)
        name = _LEADERS.sub("", said[lead.end() if lead else 0:action.start()]).strip(" .:-|\t")
        if not _WORD.search(name.lower()):
            continue
        word = action.group("action").split()[0].split("-")[0].lower()
        decided = _DATE.search(action.group("rest")) or _block_date(text, after + line.start())
        found.append(Result(after + line.start(), after + line.end(), name,
                            _KIND.get(word, "certified"),
                            decided.group() if isinstance(decided, re.Match) else decided))
    return found


def _block_date(text: str, at: int) -> str | None:
    """The date the lines just above a logged decision give (its block's heading: "UR
    determination rec'd ... dated 03/26/2014:", "decision date 05/17/2016")."""
    above = text[text.rfind("\n", 0, max(0, at - 300)) + 1:at]
    dates = [d.group() for d in _DATE.finditer(above)]
    return dates[-1] if dates else None


def words(name: str) -> set[str]:
    return {w for w in _WORD.findall(name.lower()) if w not in _COMMON}


def decide(items: list, logged: list[Result]) -> list:
    """The plan's items, each with the action of the logged line that names it most (the later
    of two naming it: an appeal's decision). A logged line read as an item is none when it
    names another ("(2) Tramadol 50 mg #120 .... Certified" under "# Tramadol 50 mg QID #120,
    refill"); naming none, it is the item, decided ("#1 Right knee injection .... APPROVED"
    in the list of a UR's own notice)."""
    def line_of(item) -> Result | None:
        return next((r for r in logged if r.start < item.name_span[1]
                     and item.name_span[0] < r.end), None)
    planned = [i for i in items if line_of(i) is None]
    actions: dict[int, str] = {}
    kept = []
    for item in items:
        result = line_of(item)
        if result is None:
            kept.append(item)
            continue
        said = words(result.name)
        if any(said & words(i.name) for i in planned):
            continue
        kept.append(dataclasses.replace(item, outcome=result.action))
    for result in logged:
        said = words(result.name)
        scores = [len(said & words(i.name)) if line_of(i) is None else 0 for i in kept]
        if scores and max(scores) > 0:
            actions[scores.index(max(scores))] = result.action
    return [dataclasses.replace(i, outcome=actions[n]) if n in actions else i
            for n, i in enumerate(kept)]


def decided_on(logged: list[Result]) -> str | None:
    """The decision's date: the last the logged lines give."""
    dates = [r.decided for r in logged if r.decided]
    return dates[-1] if dates else None
