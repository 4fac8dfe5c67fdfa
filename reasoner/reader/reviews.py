"""A reviewer's report in any layout: which items it decides, with what outcome, and where the
case is told.

The named layouts (`layout.py`) read the letters IMR sends in their known forms. Reports are
also written in many others: items in a table ("Service | Decision"), in aligned columns, as
"Item 1 of 3: ..." or "Disputed Service: ..." blocks with an "Outcome:" line, as lines that end
with their outcome ("... -- Denial upheld"), or only in the conclusion ("The request for X is
not medically necessary"); the case under a heading of its own ("History", "Facts",
"Background") or under none, as the first paragraph that describes the worker. The case ends
where the reviewer's words begin (an item, a decision, a heading of reasons), so no reason is
ever read as a fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

Found = tuple[str, tuple[int, int], str]  # an item's name, its span, its outcome

_I = re.I | re.M
# The outcome words, as a fax may read them and as reviewers write them: "Upheld", "UPHOLD"
# (a decision in the imperative: "1. MRI ........ UPHOLD"), "0VERTURNED", "OVERTURN".
UPHELD = r"uph(?:[e3]l[d1]|[o0]l[d1]s?)"
OVERTURNED = r"[o0]verturn(?:ed|s)?"


# A form's options with their boxes: "[X] Certified   [ ] Modified   [ ] Non-certified"
_BOX_OPTION = re.compile(r"\[[ \t]*([xX\u2713\u2714]?)[ \t]*\][ \t]*([^\[\n]*)")


def ticked(said: str) -> str | None:
    """The options ticked on a line of boxes (two or more, one ticked at least), else None:
    a form's decision is the box ticked, not the first option printed."""
    options = _BOX_OPTION.findall(said)
    if len(options) < 2 or not any(tick for tick, _ in options):
        return None
    return " ".join(label.strip() for tick, label in options if tick)


def outcome_of(said: str) -> str | None:
    """The decision a short text states: upheld or overturned ("Denial overturned",
    "Upheld (not medically necessary)", "Not medically necessary", "0VERTURNED")."""
    said = (ticked(said) or said).lower()
    if re.search(r"\b(?:[o0]verturn\w*|" + UPHELD + r")\s+in\s+part\b|\b(?:partially|partly|"
                 r"in\s+part)\s+(?:[o0]verturn\w*|" + UPHELD + r")", said):
        # a letter's mixed result ("OVERTURN IN PART", "Outcome: PARTIALLY OVERTURNED. One of
        # the three disputed items is medically necessary"), no item's outcome
        return None
    if re.search(r"\b[o0]verturn", said):
        return "overturned"
    if re.search(r"\b" + UPHELD + r"\b", said):
        return "upheld"
    if re.search(r"\bnot\s+medically\s+necessary\b", said):
        return "upheld"
    if re.search(r"\bmedically\s+necessary\b", said):
        return "overturned"
    return None


def action_of(said: str) -> str | None:
    """The utilization review's action a short text states: certified, non-certified or
    modified ("NOT CERTIFIED", "Modified -- 6 round trips certified", "Denied"); where it
    concludes on the request, its conclusion ("of the 12 sessions, 6 are certified and 6
    non-certified. The request is therefore MODIFIED")."""
    said = (ticked(said) or said).lower()
    concluded = _CONCLUDED.search(said)
    if concluded and (action := _action(concluded.group(1))):
        return action
    return _action(said)


# "the request is therefore modified", "the request is hereby certified"
_CONCLUDED = re.compile(r"\bthe request (?:is|was|has been)\s+"
                        r"(?:therefore\s+|hereby\s+|thus\s+)?"
                        r"((?:not\s+|non-?\s?)?\w+(?:\s+in\s+part)?)")


def _action(said: str) -> str | None:
    # a modification leaves part of the request uncertified: "MODIFIED to a 30-day rental; the
    # purchase is not certified"
    # ("CHANGED (MODIFIED): approved for 7 days of use after surgery; 7 days not approved")
    if re.match(r"\W*(?:(?:is|was|has been|now|decision|changed)\W+)*modified\b", said):
        return "modified"
    # part approved, the rest not: "WE APPROVED 6 VISITS. We did not approve the other 6
    # visits", "PARTLY APPROVED. 80 hours are approved. The other 80 hours are not approved"
    if re.search(r"\bpartly\s+(?:approved|certified|authori[sz]ed)\b|\b(?:did|do)\s*(?:not|n't)\s+"
                 r"(?:approve|certify|authori[sz]e)\s+(?:the\s+)?(?:other|rest|remaining)\b|"
                 r"\bthe\s+(?:other|rest|remaining)\b[^.;]{0,40}?\b(?:are|is|were|was)\s+not\s+"
                 r"(?:approved|certified|authori[sz]ed)\b", said):
        return "modified"
    # (a letter to the worker says it plainly: "We did not approve this.", "We approved part
    # of this request", "We approved 6 of the 12 visits")
    if re.search(r"\b(?:non-?\s?certif\w*|not\s+certif\w*|denied|deny|not\s+approved|"
                 r"(?:unable|not able) to (?:certify|approve|authori[sz]e)|cannot certify|"
                 r"(?:did|do|could|can)\s*(?:not|n't)\s+(?:approve|certify|authori[sz]e))\b",
                 said):
        return "non-certified"
    if re.search(r"\b(?:modif\w*|partially\s+(?:certified|approved|authori[sz]ed)|"
                 r"(?:certified|approved|authori[sz]ed)\s+in\s+part|"
                 r"(?:approved|certified)\s+(?:only\s+)?(?:part|some)\s+of|"
                 r"(?:approved|certified)\s+(?:only\s+)?\S+\s+(?:of|out of)\s+the)\b", said):
        return "modified"
    if re.search(r"\b(?:certif\w*|approved?|authori[sz]ed)\b", said):
        return "certified"
    return None


Decide = Callable[[str], "str | None"]


def review(text: str, ur: bool = False) -> tuple[tuple[int, int], list[Found]]:
    """The case's span and the items decided; ((0, 0), []) when either is not found. `ur`: a
    utilization review's letter, whose items are certified, non-certified or modified."""
    decide: Decide = action_of if ur else outcome_of
    strategies: list[Callable[[str, Decide], list[Found]]] = [
        _table_rows, _closed_table, _field_blocks, _questions, _regarding, _numbered_blocks,
        _paired_lists, _outcome_lines]
    if ur:
        # (the latter also checked below)
        strategies += [_action_groups, _we_decided, _ur_conclusions, _decided_below]
    for strategy in [*strategies, _headed_paragraphs] if ur else \
            [*strategies, _conclusions, _headed_paragraphs]:
        items = _distinct(strategy(text, decide))
        if items:
            break
    else:
        return (0, 0), []
    if ur and len(told := _distinct(_ur_conclusions(text, decide))) >= len(items) \
            and strategy is _outcome_lines:
        # decisions told in sentences, where a line of boilerplate ("You may request an IMR
        # of any non-certified ...") read as one decided line
        items = told
    start = _case_start(text)
    if start is None:
        return (0, 0), []
    end = _case_end(text, start, [span[0] for _, span, _ in items if span[0] > start]) or \
        _decided_again(text, start, items, decide)
    if end is None and strategy is _field_blocks and all(span[0] < start for _, span, _ in items):
        # each item's block with its decision and reasons, all above the case ("ITEM 1: ...
        # DECISION: NON-CERTIFY ... REASON: ...", then "CASE SUMMARY" to the letter's end):
        # the case runs to the appeal rights that close the letter, or to its end (items
        # listed bare above a case may have their reasons after it, unheaded: not read)
        closing = _CLOSING_RIGHTS.search(text, start)
        end = closing.start() if closing else len(text)
    if end is None:
        return (0, 0), []  # the reasons would be read as the case
    # items listed above the case, then named again with their reasons below it ("WHAT WAS
    # DECIDED ... WHY: A. EMG/NCV of both arms -- approved."): the list names them
    listed = [item for item in items if item[1][0] < start]
    if strategy is _field_blocks:
        pass  # each block its item and decision: a case told inside the first block
        # ("Request: CESI ... Clinical rationale: Ms. V, a 52-year-old ...") ends no list
    elif listed and len(listed) >= len(items) - len(listed):
        items = listed
    elif not listed:
        items = _named_above(text, start, items)
    if all(_BARE_NUMBER.match(name) for name, _, _ in items):
        # decisions given by number ("Item 1: OVERTURNED.", "Item 2: UPHELD."): the items
        # are those of the list numbered above them
        items = _numbered_above(text, items)
    return (start, end), items


# A list above the case, one item a line ("Disputed:\n  #1  Post-operative hand therapy, right,
# 4 visits (CPT ...)\n  #2  Right ring finger A1 pulley corticosteroid injection x1"), whose
# items the reasons below name in short ("#2 Ring finger injection: OVERTURNED").
_LIST_LINE = re.compile(r"^[ \t]*(?:#[ \t]*\d{1,2}|\(?\d{1,2}[.)]|\(?[A-Ha-h][.)]|[-\u2022*])[ \t]+"
                        r"(?P<name>[^\n]{3,200}?)[ \t]*$", re.M)
_WORD = re.compile(r"[a-z]{3,}")


_BARE_NUMBER = re.compile(r"(?:item|issue|request|question|service|no\.?|#)?[ \t]*#?[ \t]*"
                          r"(?P<n>\d{1,2})$", re.I)


def _numbered_above(text: str, items: list[Found]) -> list[Found]:
    """The items decided by number, named as the list above the first of them numbers them
    (the last such list of as many lines); else the items."""
    runs: list[list[re.Match[str]]] = []
    for line in _LIST_LINE.finditer(text, 0, min(span[0] for _, span, _ in items)):
        if runs and text.count("\n", runs[-1][-1].end(), line.start()) == 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    wanted = [int(m.group("n")) for name, _, _ in items if (m := _BARE_NUMBER.match(name))]
    for run in reversed(runs):
        numbers = [re.match(r"[ \t(#]*(\d{1,2})", line.group()) for line in run]
        if all(numbers) and [int(n.group(1)) for n in numbers if n] == \
                list(range(1, len(run) + 1)) and max(wanted) <= len(run):
            return [(_item_name(run[n - 1].group("name")), run[n - 1].span("name"), outcome)
                    for n, (_, _, outcome) in zip(wanted, items, strict=True)]
    return items


def _named_above(text: str, start: int, items: list[Found]) -> list[Found]:
    """The items decided below the case, named as a list above it names them: the list of as
    many lines, in the same order, each sharing a word with its item; else the items."""
    runs: list[list[re.Match[str]]] = []
    for line in _LIST_LINE.finditer(text, 0, start):
        if runs and text.count("\n", runs[-1][-1].end(), line.start()) == 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    for run in runs:
        if len(run) == len(items) and all(
                set(_WORD.findall(line.group("name").lower())) & set(_WORD.findall(name.lower()))
                for line, (name, _, _) in zip(run, items, strict=True)):
            return [(_item_name(line.group("name")), line.span("name"), outcome)
                    for line, (_, _, outcome) in zip(run, items, strict=True)]
    return items


# Items ------------------------------------------------------------------------------------

_CELLS = re.compile(r"\s*\|\s*|\s{2,}")
_NOT_A_NAME = re.compile(r"^(?:#|no\.?|\d{1,2}[.)]?|[-=:| ]+|(?:requested |disputed )?(?:service|"
                         r"treatment|item|request)s?(?: in dispute)?|decision|determination|"
                         r"outcome|ur decision|imr outcome|field|value)$", re.I)


# A table's header cell: "No.", "Service requested (RFA 05/22/2018)", "UR action", "Authorized"
_HEADER_CELL = re.compile(r"^(?:no\.?|#|req\.?|items?|(?:requested |disputed )?(?:services?|"
                          r"treatments?|requests?)(?: requested| in dispute)?|decisions?|"
                          r"determinations?|outcomes?|(?:ur|imr) (?:action|decision|outcome)s?|"
                          r"authori[sz]ed|approved|quantity|qty|requested|frequency|duration|"
                          r"cpt|codes?|notes?|status)(?:\s*\([^)]*\))?$", re.I)


def header_row(cells: list[str]) -> bool:
    """Whether a table row is its header: two or more of its cells are column names."""
    return sum(bool(_HEADER_CELL.match(c.strip())) for c in cells) >= 2


def _table_rows(text: str, decide: Decide = outcome_of) -> list[Found]:
    """Rows of a table whose last filled cell is a decision ("| 2 | Lyrica 75mg #60 |
    OVERTURNED |", "1    Norco 7.5/325mg #90    Modified to #45  Overturned")."""
    found: list[Found] = []
    for line in re.finditer(r"^[^\n]*$", text, re.M):
        row = line.group()
        # (a system's export sets its cells apart by ';': "3;X-ray lumbar spine;72100;...")
        mark = "|" if "|" in row else ";" if row.count(";") >= 3 else ""
        if not mark and not re.search(r"\S\s{2,}\S", row):
            continue
        cells = [(c.start(), c.group()) for c in re.finditer(
            rf"[^{mark or '|'}]+?(?=\s*[{mark or '|'}]|\s{{2,}}|$)", row) if c.group().strip()]
        if len(cells) < 2 or header_row([c for _, c in cells]):
            continue
        # the decision is the last cell that states one ("| MODIFIED | 80 hours / 2 weeks |":
        # what was authorised may follow it)
        said = next((n for n in range(len(cells) - 1, 0, -1) if decide(cells[n][1]) and (
            len(cells[n][1].strip()) <= 40 or _LEADING_DECISION.match(cells[n][1]))), None)
        if said is None:
            continue
        outcome = decide(cells[said][1])
        names = [(at, c.strip()) for at, c in cells[:said] if not _NOT_A_NAME.match(c.strip())
                 and decide(c) is None and re.search(r"[A-Za-z]{3}", c)]
        if outcome and names:
            at, name = names[0]
            start = line.start() + at + (len(row[at:]) - len(row[at:].lstrip()))
            if mark == "|" and (more := _wrapped_cell(text, line.end(), row[:at].count("|"),
                                                      decide)):
                # (its span stays the first line's words)
                found.append((f"{name} {more}", (start, start + len(name)), outcome))
                continue
            found.append((name, (start, start + len(name)), outcome))
    return _first_cluster(found)


# A longer cell that opens with its decision: "Modified: 4 visits certified, 8 non-certified"
_LEADING_DECISION = re.compile(r"\s*(?:changed\W+)?(?:non-?\s?|not\s+)?(?:certif\w*|approv\w*|"
                               r"modif\w*|"
                               r"denied|upheld|overturned)\b", _I)


def _wrapped_cell(text: str, end: int, column: int, decide: Decide) -> str:
    """The words the `column`-th cell wraps onto the rows under it, whose cells before it are
    blank ("| 1 | Right L5-S1 transforaminal epidural steroid | CERTIFIED |" then "| |
    injection x1 | |"): at most three rows."""
    more = []
    for _ in range(3):
        row = text[end + 1:text.find("\n", end + 1) % (len(text) + 1)]
        cells = row.split("|")
        # (a cell before it, blank: the row's number; and no decision in the row: not a row
        # of its own)
        if not 0 < column < len(cells) or any(c.strip() for c in cells[:column]) or \
                not (words := cells[column].strip()) or any(decide(c) for c in cells):
            break
        more.append(words)
        end += len(row) + 1
    return " ".join(more)


# A table whose columns cleaning closed up: its header names the service and the decision
# ("Service Qty Decision"), each row ends with its decision ("Wrist splint, cock-up, bilateral
# (night use) 2 Certified", "Terocin patch 30 Non-certified").
_CLOSED_HEADER = re.compile(r"^[ \t]*(?:#[ \t]+|no\.?[ \t]+)?(?:requested[ \t]+)?(?:services?|"
                            r"treatments?|requests?|items?)(?:\(s\))?(?:[ \t]+requested)?[ \t]+"
                            r"(?:(?:qty|quantity|units?|cpt|codes?|frequency|duration|#)[ \t]+)"
                            r"{0,3}(?:ur[ \t]+|imr[ \t]+)?(?:decisions?|"
                            r"determinations?|actions?|outcomes?|status)[ \t]*$", _I)
_CLOSED_ROW = re.compile(r"[ \t]*(?:\d{1,2}[.)]?[ \t]+)?(?P<name>\S[^\n]{2,160}?)[ \t]+"
                         r"(?P<said>(?:non-?|not[ \t]+)?"
                         r"certified|approved|modified|denied|" + UPHELD + "|" + OVERTURNED +
                         r"|uphold|overturn)(?:[ \t]+(?:to|-|:|\()[^\n]{0,50})?[ \t]*$", re.I)
# (a modified row may say to what: "Carisoprodol 350 mg #60   MODIFIED to #30 (weaning)")


_RULER = re.compile(r"[ \t|+=_-]*[-=_]{3,}[ \t|+=_-]*")


def _closed_table(text: str, decide: Decide = outcome_of) -> list[Found]:
    """The rows under such a header, a row's wrapped line ("1 po TID") skipped; two at least
    (one row may be a sentence that happens to end with a decision)."""
    for header in _CLOSED_HEADER.finditer(text):
        found: list[Found] = []
        lines = text[header.end() + 1:].split("\n")
        at, skipped = header.end() + 1, 0
        if lines and _RULER.fullmatch(lines[0]):
            at += len(lines.pop(0)) + 1  # "-------  -----  ------": the header's rule
        for line in lines:
            row = _CLOSED_ROW.fullmatch(line)
            outcome = decide(row.group("said")) if row else None
            if row and outcome:
                start = at + row.start("name")
                found.append((row.group("name"), (start, start + len(row.group("name"))),
                              outcome))
                skipped = 0
            elif not found or skipped or not line.strip():
                break
            else:
                skipped += 1
            at += len(line) + 1
        if len(found) >= 2:
            return found
    return []


# "Item 1 of 3: Right knee arthroscopy", "Disputed Service: X-ray lumbar spine", "[Issue 2]
# Custom orthotics", each followed within a few lines by its "Outcome: Overturned".
# ("[1] Requested: Acupuncture x6": a numbered block, its item on the "Requested" line)
_ORDINAL = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
_ITEM_LINE = re.compile(r"^[ \t*#]*(?:\[\d{1,2}\]|\(\d{1,2}\)|\d{1,2}[.)]|" + _ORDINAL
                        + r"\b)?[ \t]*"
                        r"\[?(?:item|issue|question|disputed (?:service|item|treatment|"
                        r"request)|requested (?:service|treatment)|service|treatment|"
                        r"requested(?=[ \t]*:)|request|"
                        # a vendor's "Line 1  Synvisc-One ... / Decision: CERTIFIED"
                        r"line(?:[ \t]+item)?(?=[ \t]*(?:no\.?|#)?[ \t]*\d))"
                        r"(?P<plural>\(s\)|s)?\b(?:[ \t]+(?:in dispute|at dispute|at issue|"
                        r"under review|requested))?"
                        r"(?:[ \t]*(?:no\.?|#)?[ \t]*\d{1,2}(?:[ \t]+of[ \t]+\d{1,2})?)?\]?"
                        r"[ \t]*(?:[:.)\]\u2013\u2014]|-{1,2})?[ \t]*"
                        r"(?P<name>[^\n]{3,200}?)[ \t*]*$", _I)
# (an appeal's notice gives both: "Original determination (02/11/2025): Non-certified" then
# "Appeal determination: CERTIFIED - the original determination is reversed.")
_DECISION_LINE = re.compile(r"^[ \t*#]*(?:(?P<earlier>original|initial|prior|first)[ \t]+|"
                            r"(?:overall|final|imr final|appeal|reconsideration)[ \t]+)?"
                            r"(?:outcome|decision|determination|result|answer|finding|"
                            r"bottom line|conclusion|verdict|disposition|"
                            r"imr (?:decision|outcome|determination)|reviewer'?s? "
                            r"(?:decision|determination))(?:[ \t]*\([^()\n]{1,30}\))?"
                            r"[ \t]*[:\-\u2013][ \t]*(?P<said>[^\n]+)", _I)


_BLOCK = 3000  # characters: an item's block, its facts for and against before its decision


def _field_blocks(text: str, decide: Decide = outcome_of) -> list[Found]:
    found: list[Found] = []
    heads = [head for head in _ITEM_LINE.finditer(text)
             # (a line that introduces a list: "Treatment(s) in Dispute Listed Below:")
             # or heads a section: "ITEMS REVIEWED", "Services requested"
             if not (_DECISION_LINE.match(head.group()) or head.group("name").endswith(":") or
                     (head.group("plural") and len(head.group("name").split()) <= 2) or
                     # ("REQUEST 1 of 4" heads the block whose "Service requested:" names it)
                     re.fullmatch(r"[#\d\s]*(?:of\s+\d{1,2})?\W*", head.group("name")) or
                     # a header field: "Request for Authorization: 07/10/2018", "Request
                     # received: 10/03/2019   Date of RFA: 10/01/2019"
                     re.match(r"(?:for\s+)?authori[sz]ation\b|dates?\b|(?:received|dated|"
                              r"number|no\.|id|type)\b", head.group("name"), re.I))]
    for n, head in enumerate(heads):
        if decide(head.group("name")):
            # its decision after it on its line: "First disputed item: right carpal tunnel
            # release. The prior decision is overturned; the release is medically necessary."
            found += _decided_in_line(head, decide)
            continue
        # its decision: in the lines up to the next item's ("For the request: ... Against the
        # request: ... Result: UPHELD.")
        end = min(heads[n + 1].start() if n + 1 < len(heads) else len(text),
                  head.end() + _BLOCK)
        window = text[head.end():end].split("\n")[1:]
        earlier = None  # the decision an appeal reviewed: the item's unless another follows
        for line in window:
            decided = _DECISION_LINE.match(line)
            # (or a line of boxes under it: "[ ] Certified  [X] Modified: #15  [ ] Non-certified")
            said = decided.group("said") if decided else ticked(line)
            if said and (outcome := decide(said)):
                if decided and decided.group("earlier"):
                    earlier = earlier or outcome
                    continue
                found.append((head.group("name").strip(" .:"), head.span("name"), outcome))
                break
        else:
            if earlier:
                found.append((head.group("name").strip(" .:"), head.span("name"), earlier))
    return found


# "Regarding x-rays of the right knee, standing, three views: the request is CERTIFIED."
_REGARDING = re.compile(r"^[ \t*#]*(?:\(?\d{1,2}[.)][ \t]*)?(?:regarding|as (?:to|for)|with "
                        r"(?:respect|regard) to|concerning|in regard to|re:?)[ \t]+"
                        r"(?:the (?:request(?:ed)?|service) (?:for |of )?)?(?P<name>[^:\n]{3,160}?)"
                        r"[ \t]*:[ \t]*(?P<said>[^\n]+)$", _I)


def _regarding(text: str, decide: Decide = outcome_of) -> list[Found]:
    return _first_cluster([(_item_name(line.group("name")), line.span("name"), outcome)
                           for line in _REGARDING.finditer(text)
                           if (outcome := decide(line.group("said")))])


# A numbered item whose decision is on the lines under it, the last one standing: "(1) TENS
# unit, purchase.\n    Before: non-certified.\n    Now: MODIFIED on reconsideration ..."
# (cleaning took the indentation: the lines up to the next number, a few at most)
# ("1)", "(2)", "A.", "(a)", "[64721]": a number, a letter or the service's code)
_NUMBER = r"[ \t]*(?:\((?:\d{1,2}|[A-H])\)|\d{1,2}[.)]|[A-H][.)]|\[[^\]\n]{1,24}\])[ \t]+"
_NUMBERED = re.compile(r"^" + _NUMBER + r"(?P<name>[^\n]{3,160}?)[ \t.]*$"
                       r"(?P<block>(?:\n(?!" + _NUMBER + r")[^\n]+){1,4})", _I)
_UNDER = re.compile(r"^[ \t]*[A-Za-z][\w /'-]{0,30}:[ \t]*(?P<said>[^\n]+)$", _I)


def _numbered_blocks(text: str, decide: Decide = outcome_of) -> list[Found]:
    found: list[Found] = []
    labelled: list[Found] = []  # each with its "Decision:" line under it
    for item in _NUMBERED.finditer(text):
        if decide(item.group("name")):
            continue
        # (a line that opens with its decision, not reasons that name one)
        lines = [(line, outcome) for line in _UNDER.finditer(item.group("block"))
                 if (outcome := decide(line.group("said")[:30]))]
        if lines:
            found.append((_item_name(item.group("name")), item.span("name"), lines[-1][1]))
            if any(_DECISION_LINE.match(line.group()) for line, _ in lines):
                labelled.append(found[-1])
    listed = _first_cluster(found)
    if len(listed) >= 2:
        return listed  # a list of items, not one paragraph
    # items far apart, each with its rationale, but each headed by its number and decided on
    # a "Decision:" line of its own ("1) Right L4-5 TFESI" / "Decision: NON-CERTIFIED" /
    # "Guideline(s) used: ..." / "Rationale: ...")
    return labelled if len(labelled) >= 2 else []


# A list of the requests and, under another heading, a list of their outcomes by the same
# labels: "REQUESTED\n(a) Right shoulder arthroscopic subacromial decompression\n(b) Cold
# therapy unit ...\nOUTCOME\n(a) CERTIFIED after peer-to-peer discussion\n(b) MODIFIED: ..."
# (or numbered as an outline: "1.1  Extracorporeal shockwave therapy" / "1.1  UPHELD"; or
# bracketed: "[1] Spinal cord stimulator trial" / "[1] Non-certified.")
_LABELLED = re.compile(r"^[ \t]*(?P<label>\d{1,2}\.\d{1,2}|\(?(?:\d{1,2}|[a-hA-H])[.)]|"
                       r"\[(?:\d{1,2}|[a-hA-H])\])[ \t]+"
                       r"(?P<said>\S[^\n]*)$", _I)


_DECISION_FIRST = re.compile(r"\W*(?:certified|non-?\s?certified|not\s+certified|modified|"
                             r"denied|approved|authori[sz]ed|" + UPHELD + r"|" + OVERTURNED +
                             r"|uphold|overturn|(?:not\s+)?medically\s+necessary)\b", _I)


# The outcomes by label on one line: "RESULT: 1) upheld. 2) upheld. 3) overturned."
_LABEL_DECIDED = re.compile(r"(?<![\w(])(?P<label>\(?(?:\d{1,2}|[a-hA-H])[.)])[ \t]+"
                            r"(?P<said>[^\n]*?)(?=[ \t]+\(?(?:\d{1,2}|[a-hA-H])[.)][ \t]|$)", _I)


def _labelled_lines(text: str) -> Iterator[re.Match[str]]:
    """The labelled lines, and each label of a line that decides several by label."""
    for line in re.finditer(r"^[^\n]+$", text, re.M):
        pairs = list(_LABEL_DECIDED.finditer(text, line.start(), line.end()))
        if len(pairs) >= 2 and all(_DECISION_FIRST.match(p.group("said")) for p in pairs):
            yield from pairs
        elif labelled := _LABELLED.match(text, line.start(), line.end()):
            yield labelled


def _paired_lists(text: str, decide: Decide = outcome_of) -> list[Found]:
    """Each request of a labelled list with the outcome a later line of the same label opens
    with; two pairs at least (a single "(a)" of the summary pairs by chance)."""
    named: dict[str, re.Match[str]] = {}
    found: list[Found] = []
    for line in _labelled_lines(text):
        label = line.group("label").strip("().[]").lower()
        # (an outcome line opens with its decision: "(b) MODIFIED: 7-day rental certified")
        outcome = decide(line.group("said")[:40]) if _DECISION_FIRST.match(
            line.group("said")) else None
        if outcome is None and label not in named:
            named[label] = line
        elif outcome and label in named and not any(f[1] == named[label].span("said")
                                                    for f in found):
            item = named[label]
            found.append((_item_name(item.group("said")), item.span("said"), outcome))
    return found if len(found) >= 2 else []


def _decided_in_line(head: re.Match[str], decide: Decide) -> list[Found]:
    """The item a line names, then decides in a sentence of its own."""
    name = head.group("name")
    # (the sentence after it speaks of the decision: "The prior decision is overturned", not
    # the guideline's words "Within the initial course; certified.")
    cut = re.search(r"(?<=[A-Za-z0-9)])[.;]\s+(?=(?:The|This|That|Its)\s+(?:\w+\s+){0,2}?"
                    r"(?:decision|denial|determination|request|non-?certification)\b)", name)
    if cut is None or decide(name[:cut.start()]) or not (outcome := decide(name[cut.end():])) \
            or not re.search(r"[A-Za-z]{3}", name[:cut.start()]):
        return []  # ("Item A. Flector patch -- is denied": a label, then the item and outcome)
    return [(name[:cut.start()].strip(" .:"), (head.start("name"), head.start("name") +
                                                cut.start()), outcome)]


# "1. Is the requested X medically necessary?", "Question 2: Is X medically necessary?"; a
# question and its answer on one line: "Is the requested naloxone nasal spray medically
# necessary? Yes."
_QUESTION = re.compile(r"^[ \t*#]*(?P<number>(?:(?:question|issue|item|q)[ \t]*)?\d{1,2}"
                       r"[ \t]*[.):][ \t]*)?"
                       r"(?:is|are|was|were)[ \t]+(?:the[ \t]+)?(?:requested[ \t]+|request[ \t]+"
                       r"for[ \t]+)?"
                       r"(?P<name>[^\n?]+?(?:\n[^\n?]+?)?),?[ \t\n]+medically[ \t\n]+necessary"
                       r"[^\n?]*(?:\?[ \t]*(?P<answer>(?:yes|no)\b[^\n]{0,80})?)?[ \t]*$", _I)
_YES = re.compile(r"yes\b", re.I)


def _answered(answer: str, decide: Decide) -> str | None:
    """The outcome a "Yes." or "No." answer gives the question of medical necessity."""
    if _YES.match(answer):
        return decide("medically necessary") or decide("certified")
    return decide("not medically necessary") or decide("not certified")


def _questions(text: str, decide: Decide = outcome_of) -> list[Found]:
    found: list[Found] = []
    for asked in _QUESTION.finditer(text):
        if not (asked.group("number") or "?" in asked.group()):
            continue  # unnumbered, only a question ("... are documented. Medically necessary.")
        if asked.group("answer"):
            if outcome := _answered(asked.group("answer"), decide):
                found.append((_item_name(asked.group("name")), asked.span("name"), outcome))
            continue
        for line in text[asked.end():asked.end() + 400].split("\n")[1:4]:
            # (a decision's line, not the reasons: "Rationale: an MRI is medically necessary
            # when red flags are present" decides nothing)
            if _ASKED.match(line):
                break  # the next item's question
            if _REASONS.match(line) or len(line.strip()) > 120:
                continue
            if outcome := decide(line):
                found.append((_item_name(asked.group("name")), asked.span("name"), outcome))
                break
    return found


_ASKED = re.compile(r"[ \t*#]*(?:(?:question|issue|item|q)[ \t]*)?(?:\d{1,2}[ \t]*[.):][ \t]*)?"
                    r"(?:is|are|was|were)\b[^\n]*\?[ \t]*$", re.I)
_REASONS = re.compile(r"[ \t]*(?:rationale|reasons?|basis|discussion|analysis|explanation)\b",
                      re.I)


# A line that ends with its outcome: "- Naproxen 550 mg #60 ...... OVERTURNED", "Lumbar MRI --
# Denial upheld", "A. FRP (80 hours)     OVERTURNED - medically necessary".
_OUTCOME_LINE = re.compile(
    r"^[ \t]*(?:[-\u2022*]|\(?[A-Za-z][.)]|\(?\d{1,2}[.)])?[ \t]*(?P<name>[^\n]{3,160}?)"
    r"(?:[ \t]*(?:\.{2,}|[-\u2013\u2014]{1,2}|:|\|)[ \t]*|[ \t]*[\[(][ \t]*|(?<!\.)[ \t]{2,}|"
    r"[ \t]+(?=(?-i:[A-Z0]{6})))"
    # (or said of the denial: "MRI of the right hip - the denial is upheld; not medically
    # necessary", "Acupuncture, six sessions: the denial is OVERTURNED and ...")
    r"(?P<said>(?:(?:the[ \t]+)?(?:denial|(?:ur[ \t]+)?decision|non-?certification)[ \t]+"
    r"(?:(?:is|was|has[ \t]+been)[ \t]+)?)?(?:" + UPHELD + "|" + OVERTURNED + r")|"
    r"(?:not[ \t]+)?medically[ \t]+"
    r"necessary)\b[^\n]*$", _I)


# A numbered row of a table whose columns a fax or a copy closed up: "1 Norco 7.5/325mg #90
# Modified to #45 Overturned" (the outcome last, capitalised; the UR's decision before it).
_ROW = re.compile(r"^[ \t]*(?:(?:\(?[A-Za-z0-9]{1,2}[.)]|\d{1,2}|[-\u2022*])[ \t]+)?"
                  r"(?P<name>[^\n]{3,160}?)[ \t]+"
                  r"(?P<said>(?-i:Upheld|Overturned|UPHELD|OVERTURNED|[O0]VERTURNED|UPHOLD|"
                  r"[O0]VERTURN|Medically necessary|Not medically necessary|MEDICALLY NECESSARY|"
                  r"NOT MEDICALLY NECESSARY))[ \t.]*$", _I)
# A line that ends with the utilization review's action: "- Tramadol ER 150 mg #30 .......
# NON-CERTIFIED", "* Transportation, 12 round trips .... MODIFIED -- 6 round trips certified".
_ACTION_LINE = re.compile(
    # (an outline's number too: "1.1 Left knee arthroscopic partial medial meniscectomy -")
    r"^[ \t]*(?:[-\u2022*>]|\[\d{1,2}\]|\(?[A-Za-z][.)]|\d{1,2}\.\d{1,2}(?=[ \t])|"
    r"\(?\d{1,2}[.)])?[ \t]*"
    r"(?P<name>[^\n]{3,160}?)"
    # (after a colon only a capitalised action: "Fever, night sweats: denied." is a history;
    # a dash only between words, not within "Non-certified")
    r"(?:[ \t]*(?:\.{2,}|(?<![Nn]on)(?<!NON)[-\u2013\u2014]{1,2}|\|)[ \t]*|"
    r"[ \t]*:[ \t]*(?=(?-i:[A-Z]))|"
    r"(?<!\.)[ \t]{2,}|"
    # one space, where cleaning closed up the columns, before an action in capitals
    # (or in the imperative, a table's column of actions: "01 Hyaluronic acid injection, left
    # knee (series) 3 NON-CERTIFY")
    r"[ \t]+(?=(?-i:(?:NON-?[ \t]?|NOT[ \t]+)?(?:CERTIF(?:IED|Y)|APPROVED?)|MODIF(?:IED|Y)|"
    r"DENIED|DENY)\b))"
    r"(?P<said>(?:non-?[ \t]?|not[ \t]+)?(?:certified|approved|authori[sz]ed)"
    r"(?:[ \t]+in[ \t]+part)?|modified|denied|(?:partially|partly)[ \t]+(?:certified|approved)|"
    # a letter to the worker: "Physical therapy ... (12 visits): WE APPROVED 6 VISITS. We did
    # not approve the other 6 visits at this time."
    r"we[ \t]+(?:have[ \t]+)?(?:approved|did[ \t]+not[ \t]+approve|could[ \t]+not[ \t]+approve)"
    r"[^\n]*|"
    r"(?-i:(?:NON-?[ \t]?|NOT[ \t]+)?(?:CERTIFY|APPROVE)|MODIFY|DENY))"
    r"\b[^\n]*$", _I)
_UR_SAID = re.compile(r"[ \t]+(?:modified(?:[ \t]+to[^\n]*)?|non-?certified|certified|denied|"
                      r"partially certified|approved)[ \t]*$", re.I)


_RIGHTS_LINE = re.compile(r"\b(?:independent medical review|if you disagree|your rights|"
                          r"right to (?:request|appeal|dispute)|may (?:dispute|appeal|request))\b",
                          re.I)
_ACTIONS_HEADER = re.compile(r"\bcertified\b[^\n]*\b(?:non-?[ \t]?certified|not certified|"
                             r"modified)\b[^\n]*\|", re.I)
_ITEM_LABEL = re.compile(r"[ \t]*(?:item|issue|request|question|disputed (?:item|service))[ \t]*"
                         r"(?:no\.?|#)?[ \t]*\d{1,2}[ \t]*[:.)\u2013-][ \t]*\S[^\n.]*\.[ \t]+\S",
                         re.I)


# An item's line, its decision on the line under it: "  Functional restoration program, 160
# hours (4 weeks, full days)" / "  DECISION: PARTLY APPROVED. 80 hours (the first 2 weeks) are
# approved."
_DECIDED_BELOW = re.compile(r"^[ \t]*(?:[-\u2022*]|\(?\d{1,2}[.)])?[ \t]*(?P<name>[^\n:]{3,160}"
                            r"[^\n:.])[ \t]*\n[ \t]*(?:our[ \t]+|the[ \t]+)?decision[ \t]*:"
                            r"[ \t]*(?P<said>[^\n]+)", re.M | re.I)


def _decided_below(text: str, decide: Decide = outcome_of) -> list[Found]:
    """Each item whose decision is the line under it (two at least)."""
    found = [(_item_name(m.group("name")), m.span("name"), outcome)
             for m in _DECIDED_BELOW.finditer(text) if (outcome := decide(m.group("said")))]
    return found if len(found) >= 2 else []


def _outcome_lines(text: str, decide: Decide = outcome_of) -> list[Found]:
    """(Each item's block may follow its line: no cluster is asked for.)"""
    patterns = (_ACTION_LINE,) if decide is action_of else (_OUTCOME_LINE, _ROW)
    found = [(_item_name(line.group("name")), line.span("name"), outcome)
             for pattern in patterns for line in pattern.finditer(text)
             # (nor a sentence cut at its "non-": "The TENS unit purchase is non-certified.")
             if not re.search(r"\b(?:is|are|was|were|be|been|request for)(?:\s+non|\s+not)?\s*$",
                              line.group("name"), re.I)
             # a sentence ("... course of care. Medically necessary."), not a name (unless
             # labelled as an item: "Item 2: LSO back brace. UPHELD.")
             and (_ITEM_LABEL.match(line.group()) or
                  not re.search(r"[a-z)]\.(?:\s+[A-Z]|\s*$)", line.group("name")))
             and not _DECISION_LINE.match(line.group())
             # a question asked of the item ("1. Is the request for X medically necessary?")
             and not _ASKED.match(line.group())
             # the appeal rights ("RIGHT TO REQUEST INDEPENDENT MEDICAL REVIEW: If you
             # disagree with the NOT CERTIFIED item ..."), a table's header of actions ("| # |
             # Service | Requested | Certified | Non-certified | Modified to |")
             and not _RIGHTS_LINE.search(line.group()) and not _ACTIONS_HEADER.search(
                 line.group())
             and (outcome := decide(line.group("said")))]
    found.sort(key=lambda f: f[1][0])
    return [f for n, f in enumerate(found)  # one item a line, whichever pattern read it
            if not n or f[1][0] >= found[n - 1][1][1]]


# "Issue #1: MRI of the right ankle", "Question 2: Custom orthotics": the item is what follows
# (numbered, the label may stand alone: "Request #1 Physical therapy ... APPROVE", "Line 02
# Meloxicam"; a table's zero-padded line number too: "01 Hyaluronic acid injection")
_LABEL = re.compile(r"^(?:(?:item|issue|question|disputed (?:service|item|treatment))[ \t]*"
                    r"(?:no\.?|#)?[ \t]*\d{0,2}(?:[ \t]+of[ \t]+\d{1,2})?[ \t]*[:.)\-][ \t]*|"
                    r"(?:item|request|line|service)[ \t]*(?:no\.?|#)?[ \t]*\d{1,2}"
                    r"(?:[ \t]+of[ \t]+\d{1,2})?[ \t]*[:.)\-]?[ \t]+|0\d[ \t]+(?=[A-Za-z]))",
                    re.I)


def _item_name(name: str) -> str:
    # (an arrow to the decision is no part of the name: "TENS unit, purchase   -> DENIED")
    name = _ARROW_END.sub("", name)
    return re.sub(r"^(?:a|an|the)\s+", "", _UR_SAID.sub("", _LABEL.sub("", name.strip(" .:-"))),
                  flags=re.I)


_ARROW_END = re.compile(r"[ \t]*(?:-+>|=+>|\u2192|>>)[ \t]*$")


# A letter's groups of items by action: "We have certified the following:\n - X-rays of the
# lumbar spine" ... "We are unable to certify the following:\n - LidoPro ointment 121 g."
_GROUP_HEAD = re.compile(r"^[^\n]{0,80}\b(?:the following|these (?:items|services|requests))"
                         r"[^\n]{0,30}:[ \t]*$|"
                         # or the action alone as the group's heading: "CERTIFIED:",
                         # "NON-CERTIFIED ITEMS", "Modified:"
                         r"^[ \t]*(?:NON-?\s?CERTIFIED|NOT CERTIFIED|CERTIFIED|MODIFIED|"
                         r"APPROVED|DENIED|AUTHORI[SZ]ED)(?:[ \t]+(?:ITEMS?|SERVICES?|"
                         r"REQUESTS?))?[ \t]*:?[ \t]*$", _I)
_GROUP_ITEM = re.compile(r"[ \t]*(?:[-\u2022*]|\(?[A-Za-z0-9]{1,2}[.)])[ \t]+(?P<name>\S[^\n]*)")


_GROUP_NAME_END = re.compile(r"\.(?:\s|$)|:[ \t]+(?=[^\n]*\b(?:certif|approv|authori[sz]|"
                             r"denied|modif))", _I)


# A letter to the worker that says each action first, one a line: "We approved the nerve tests
# (EMG and nerve conduction studies) of both arms.", "We did not approve surgery to release the
# carpal tunnel of your right wrist at this time."
_WE_DECIDED = re.compile(r"^[ \t]*we[ \t]+(?P<said>approved(?:[ \t]+(?:part|some)[ \t]+of)?|"
                         r"did[ \t]+not[ \t]+approve|didn't[ \t]+approve|could[ \t]+not[ \t]+"
                         r"approve|cannot[ \t]+approve)[ \t]+(?:the[ \t]+|a[ \t]+|an[ \t]+|"
                         r"your[ \t]+(?:doctor's[ \t]+request[ \t]+for[ \t]+)?)?"
                         r"(?P<name>[^\n.]{3,160}?)"
                         r"(?:[ \t]+at[ \t]+this[ \t]+time)?\.[ \t]*$", _I)


def _we_decided(text: str, decide: Decide = action_of) -> list[Found]:
    """Two such lines at least (one may be a sentence of the reasons)."""
    found = [(_item_name(line.group("name")), line.span("name"), outcome)
             for line in _WE_DECIDED.finditer(text)
             if (outcome := decide("we " + line.group("said")))]
    return found if len(found) >= 2 else []


def _action_groups(text: str, decide: Decide = action_of) -> list[Found]:
    found: list[Found] = []
    for head in _GROUP_HEAD.finditer(text):
        action = decide(head.group())
        if action is None:
            continue
        at = head.end() + 1
        while (line := _GROUP_ITEM.match(text, at)) is not None and \
                text.rfind("\n", head.end(), line.start() + 1) == at - 1:
            # the service, not what the letter says of it after ("... (12 visits). Six (6)
            # visits are certified; ...")
            # (nor its part certified: "..., 24 visits: 12 visits certified, 12 non-certified")
            name = _GROUP_NAME_END.split(line.group("name"))[0].strip(" .")
            found.append((name, (line.start("name"), line.start("name") + len(name)), action))
            at = text.find("\n", line.end()) + 1 or len(text)
    return found


# A sentence that opens with what it decides: "the request for X", or X itself at a paragraph's
# start (not the letter's own sentence: "This letter was approved by ...", "We have ...")
_DECIDED_SUBJECT = (r"(?:\bthe request for |^(?:[ \t]*\(?\d{1,2}[.)][ \t]+)?"
                    r"(?![^\n.;]*\brequest for\b)"
                    r"(?!(?:the\s+)?(?:this|that|it|he|she|they|we|you|your|our|his|her|"
                    r"requests?|treatments?|services?|items?|letter|review|decision|determination|"
                    # (the letter's boilerplate wrapped: "disputed items/services are medically
                    # necessary and appropriate")
                    r"disputed|all|none|each|both)\b)"
                    r"(?:the )?)")
# "The request for Soma 350mg #60 is not medically necessary."; or a paragraph that opens with
# the item and its necessity: "Bilateral L4-5 radiofrequency ablation is medically necessary;
# the denial is overturned.", "The lumbosacral orthosis is not medically necessary; ..."
# (numbered too, and of a plural: "2. Hot/cold packs are medically necessary and appropriate.")
_CONCLUSION = re.compile(_DECIDED_SUBJECT + r"(?P<name>[^\n.;:]{3,160}?),? (?:is|are|was|were) "
                         r"(?P<not>not )?medically necessary\b", re.I | re.M)


def _conclusions(text: str, decide: Decide = outcome_of) -> list[Found]:
    """(An IMR's wording only: `decide` is not asked.) An item's rationale that ends by naming
    it in short ("1. Purchase of an interferential unit is not medically necessary ... The
    request for purchase is not medically necessary.") decides the item already named."""
    found: list[Found] = []
    for said in _CONCLUSION.finditer(text):
        name = said.group("name").strip()
        outcome = "upheld" if said.group("not") else "overturned"
        if found and found[-1][2] == outcome and \
                set(_WORD.findall(name.lower())) <= set(_WORD.findall(found[-1][0].lower())):
            continue
        found.append((name, said.span("name"), outcome))
    return found


# A paragraph headed by its item, run in, and closed by its decision: "MRI of the lumbar spine.
# The guideline recommends ... The MRI is not medically necessary.", "(2) Cold therapy unit,
# 14-day rental. ODG ... The request is not medically necessary." (a heading names the
# service: no verb, a few words)
_RUN_IN = re.compile(r"^[ \t]*(?:(?:\(?(?:\d{1,2}|[a-hA-H])[.)]|#\d{1,2}:?)[ \t]+)?"
                     r"(?P<name>[A-Z](?:[^\n.:;?!]|(?<=\d)\.(?=\d)){2,90}?)\.[ \t]+"
                     r"(?P<body>\S[^\n]*)$", re.M)
_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|should|does|did|do|can|may|"
                   r"finds?|found|recommends?|reviewed|requested|underwent|reports?|notes?)\b",
                   re.I)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\"\u201d][.!?])\s+(?=[A-Z\"\u201c])")


def _headed_paragraphs(text: str, decide: Decide = outcome_of) -> list[Found]:
    """Items headed run in, each decided by its paragraph's last sentence (its reasons before
    it); two at least."""
    found = []
    for para in _RUN_IN.finditer(text):
        name, said = para.group("name"), _SENTENCE_END.split(para.group("body").strip())
        # (a label is no heading: "Item A. Flector patch ... -- is denied." is one sentence)
        if _VERB.search(name) or len(name.split()) > 12 or len(said) < 2 or \
                _LABEL.match(name + " "):
            continue
        if outcome := decide(said[-1]):
            found.append((_item_name(name), para.span("name"), outcome))
    return found if len(found) >= 2 else []


# A utilization review's decision in a sentence: "First, the request for left knee arthroscopy
# is NON-CERTIFIED.", "The request for a corticosteroid injection, one, is certified."
# (or a paragraph that opens with the item and its decision: "The TENS unit purchase is
# non-certified. The MTUS ...", "Naproxen sodium 550 mg #60 is certified.")
_UR_CONCLUSION = re.compile(_DECIDED_SUBJECT + r"(?P<name>[^\n.;]{3,160}?),? "
                            r"(?:is|was|has been) (?P<said>(?:hereby )?(?:non-?|not )?"
                            r"(?:certified|approved|authori[sz]ed|denied|modified)\b[^\n.;]{0,40})",
                            re.I | re.M)


def _ur_conclusions(text: str, decide: Decide = action_of) -> list[Found]:
    return [(said.group("name").strip(), said.span("name"), action)
            for said in _UR_CONCLUSION.finditer(text)
            if (action := decide(said.group("said")))]


_GAP = 200  # characters between two rows of one list (a heading, a separator, a blank line)


def _first_cluster(found: list[Found]) -> list[Found]:
    """The first run of items that stand together (a table, a list), not lines far apart."""
    cluster = found[:1]
    for item in found[1:]:
        if item[1][0] - cluster[-1][1][1] > _GAP:
            break
        cluster.append(item)
    return cluster


# Words of the reviewer, not of a requested service: a heading ("RATIONALE FOR WHY THE
# REQUESTED TREATMENT IS OR IS NOT MEDICALLY NECESSARY") or a sentence cut short.
_NOT_ITEM = re.compile(r"\b(?:rationale|why|guidelines?|determinations?|decisions?|reasons?|"
                       r"whether|is or is not|upheld|overturned)\b|\b(?:not|is|are|was|were|be|"
                       r"been)\s*$|^\W*$", re.I)


def _distinct(items: list[Found]) -> list[Found]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = re.sub(r"\W+", " ", item[0].lower()).strip()
        if key and key not in seen and not _NOT_ITEM.search(item[0]):
            seen.add(key)
            out.append(item)
    return out


# The case ----------------------------------------------------------------------------------

# (a numbered section's heading: "SECTION 3. CLINICAL SUMMARY", "PART II - FACTS", "3. HISTORY")
_SECTION_NUMBER = (r"(?:(?:SECTION|PART)[ \t]+[\dIVX]{1,4}[.:)]?[ \t]*(?:[-\u2013\u2014][ \t]*)?|"
                   r"(?:\d{1,2}|[IVX]{1,4})[.)][ \t]+)?")
_CASE_WORDS = (
    r"(?:(?:EXPERT|PHYSICIAN|MEDICAL) REVIEWER(?:'?S)? )?"
    r"(?:CL[I1l]N[I1l]CAL (?:CASE )?SUMMARY|CASE SUMMARY|SUMMARY OF (?:THE )?(?:MEDICAL )?"
    r"RECORDS|(?:MEDICAL )?RECORDS? SUMMARY|CL[I1l]N[I1l]CAL (?:H[I1l]STORY|[I1l]NFORMAT[I1l]ON|"
    r"BACKGROUND|NOTES|FACTS)(?: (?:CONSIDERED|REVIEWED|SUMMARY))?|CL[I1l]N[I1l]CAL|"
    r"H[I1l]STORY(?: OF (?:THE )?(?:PRESENT )?(?:[I1l]LLNESS|[I1l]NJURY))?|"
    r"FACTS|BACKGROUND|CASE(?: H[I1l]STORY)?|SUMMARY|"
    # "Record in brief", "The record", "Case in brief"
    r"(?:THE )?RECORDS?(?: IN BRIEF)?|CASE IN BRIEF|"
    # a letter to the worker: "WHAT YOUR RECORDS SAY"; records summarised by date
    r"WHAT (?:YOUR|THE) (?:MEDICAL )?RECORDS? (?:SAYS?|SHOWS?)(?: ABOUT YOU(?:R CASE)?)?|"
    r"(?:MEDICAL )?RECORDS REVIEWED|WHAT WE (?:LOOKED AT|REVIEWED|CONSIDERED)|"
    # "Summary of clinical information", "SUMMARY OF RELEVANT HISTORY"
    r"SUMMARY OF (?:THE )?(?:CLINICAL|MEDICAL|RELEVANT|PERTINENT) (?:INFORMATION|HISTORY|"
    r"FINDINGS|FACTS|DATA)|"
    # "WHAT THE REVIEWING DOCTOR LOOKED AT", "INFORMATION REVIEWED"
    r"WHAT (?:THE|OUR) (?:REVIEWING |REVIEW )?(?:DOCTOR|PHYSICIAN|REVIEWER|NURSE) (?:LOOKED AT|"
    r"REVIEWED|CONSIDERED|READ)|INFORMATION (?:REVIEWED|CONSIDERED)|"
    # records told in date order: "CHRONOLOGY", "TIMELINE", "CHRONOLOGICAL SUMMARY"
    r"(?:CASE |CLINICAL |TREATMENT |MEDICAL )?(?:CHRONOLOGY|TIME ?LINE)|CHRONOLOGICAL "
    r"(?:SUMMARY|HISTORY|RECORD)|SUMMARY OF (?:THE )?CASE(?: FILE)?|"
    # a letter to the worker: "About your records", "What we learned from your records"
    r"ABOUT YOUR (?:MEDICAL )?(?:RECORDS?|HISTORY|CASE)|WHAT WE (?:LEARNED|FOUND|READ|SAW) "
    r"(?:FROM|IN) YOUR (?:MEDICAL )?RECORDS?)")
_CASE_HEADING = re.compile(
    r"^[ \t#*]*" + _SECTION_NUMBER + _CASE_WORDS +
    # with a note of its sources: "CLINICAL SUMMARY (from the surgeon's notes of ...)",
    # "SUMMARY OF THE RECORDS, BY SOURCE", "CASE SUMMARY -- in date order"
    r"(?:[ \t]*\([^()\n]{1,120}\)|[ \t]*(?:,|--?|\u2013|\u2014)[ \t]*[A-Za-z][A-Za-z ,/&']{0,40})?"
    r"[ \t*]*:?[ \t*]*$", _I)
# or run in, its paragraph after it: "What the records show. You are a 61-year-old custodian
# ...", "Background: The patient is ..."
_CASE_RUN_IN = re.compile(r"^[ \t#*]*" + _SECTION_NUMBER + _CASE_WORDS +
                          r"[ \t*]*[.:][ \t*]+(?=[\"\u201cA-Z0-9])", _I)
# Without one, the records themselves may be pasted under their own headings, which are part
# of the case: "PROBLEM LIST (surgeon, 10/01/2024)", "VISIT LOG", "THE ATTACHED PR-2 OF
# 08/20/2024", "DOCUMENTS REVIEWED".
_RECORD_HEADING = re.compile(
    r"^[ \t#*]*(?:THE )?(?:ATTACHED |TREATING PHYSICIAN'?S? )?(?:PROBLEM LIST|VISIT (?:LOG|"
    r"NOTES?)|OFFICE (?:NOTES?|VISITS?)|PROGRESS (?:NOTES?|REPORTS?)|PR-?2(?: REPORT)?|"
    r"FLOW ?SHEET|TREATMENT (?:TO DATE|LOG)|DOCUMENTS? REVIEWED|RECORDS? (?:CONSIDERED|"
    r"RECEIVED))(?:[ \t]+(?:OF|DATED|ON|FROM)[ \t]+[\w/ ,.-]{1,30})?"
    r"(?:[ \t]*\([^()\n]{1,60}\))?[ \t*]*:?[ \t*]*$", _I)
# Without a heading, the case starts with the first line of prose that describes the worker
# (in a field's value: "Patient: 44-year-old female, ...", not "Employee and claim: on file").
_FIELD_LINE = re.compile(r"[ \t]*[A-Z][\w /&'-]{0,30}:[ \t]")
# (or named with the age: "Mr. Cho, 44, a wind turbine technician, ...")
_WORKER = re.compile(r"\b(?:\d{2}[- ]year[- ]old|\d{2} ?y/?o\b|\d{2} years old|injured worker|"
                     r"claimant|employee|applicant|patient)\b|(?-i:\b(?:Mr|Ms|Mrs|Miss)\.?\s+"
                     r"[A-Z][\w'-]+,\s+(?:age\s+|aged\s+)?\d{2},)", re.I)
# Where the reviewer's words begin: a decision or reasons heading opening a block, a
# decision or item line, the closing formula.
_CASE_ENDS = [
    # a letter to the worker's reasons, run in: "Why we approved the nerve tests. We used ..."
    re.compile(r"^[ \t]*why we (?:approved|did not approve|didn't approve|decided|made)\b", _I),
    # a short line after a finished one ("...27 January 2014.\nRationale\n", "Rationale.",
    # "Standard applied")
    re.compile(r"(?:(?<=[.:?!\"\u201d)]\n)|(?<=\n\n))[ \t#*]*(?=" + _SECTION_NUMBER +
               r"[^\n.]{0,40}\b(?:rationales?|"
               r"determinations?|decisions?|basis|conclusions?|guidelines?|analysis|discussion|"
               r"explanations?|reasons?|disputed|outcomes?|issues?|questions?|evidence|items?|"
               r"standards?|why)"
               # (a heading closed by a full stop: its words alone, "Rationale.", "Standard
               # applied.", not an entry "(4) UR determination of 08/29/2024.")
               r"\b(?:[^\n.]{0,50}|[A-Za-z ]{0,20}\.)$)", _I),
    re.compile(r"^[ \t*#]*\[?(?:item|issue|question)[ \t]*(?:no\.?|#)?[ \t]*\d{1,2}\b|"
               r"^[ \t*#]*disputed (?:service|item|treatment|request)s?[ \t]*(?::|\d)", _I),
    _DECISION_LINE, _QUESTION,
    re.compile(r"^[^\n]*\bThis (?:decision|determination) is final", _I),
]


# The letter's closing words on the worker's rights: "IMR: the employee may request Independent
# Medical Review ...", "If you disagree with this decision, ...", "RIGHT TO APPEAL"
_CLOSING_RIGHTS = re.compile(r"^[^\n]{0,40}\b(?:may (?:request|apply for) (?:an )?Independent "
                             r"Medical Review|if you (?:disagree|have questions)|right to "
                             r"(?:request|appeal|dispute)|appeal rights)\b", _I | re.M)


def _case_start(text: str) -> int | None:
    heading = _CASE_HEADING.search(text) or next(
        (run_in for run_in in _CASE_RUN_IN.finditer(text) if _prose(text, run_in.end())), None)
    if heading:
        return heading.end()
    record = _RECORD_HEADING.search(text)
    for line in re.finditer(r"^[^\n]{60,}$", text, re.M):  # prose, not a header field
        if record and line.start() > record.start():
            break
        field = _FIELD_LINE.match(line.group())  # the worker named in its value, not label
        if _WORKER.search(line.group(), field.end() if field else 0) and \
                _prose(text, line.start()):
            return line.start()
    return record.start() if record else None


# A line opening with a name, then its decision: "MRI of the left knee - CERTIFIED", "Right total
# knee arthroplasty - APPROVED. The ACOEM knee guideline ...", "Norco 10/325 mg, #120 -
# MODIFIED to #60"
_NAMED_LINE = re.compile(r"^[ \t]*(?P<name>[^\n:.]{3,100}?)[ \t]*(?:[-\u2013\u2014:]+)[ \t]*"
                         r"(?P<said>[^\n]{1,60})", re.M)


def _decided_again(text: str, start: int, items: list[Found], decide: Decide) -> int | None:
    """Where an item listed above the case is named again after it with its decision (a letter
    to the worker: a table of the decisions, the records, then each item's reasons under its
    name and decision); None when none is."""
    named = [set(_WORD.findall(name.lower())) for name, _, _ in items]
    for line in _NAMED_LINE.finditer(text, start):
        words = set(_WORD.findall(line.group("name").lower()))
        if decide(line.group("said")) and any(words & name for name in named):
            return line.start()
    return None


def _prose(text: str, start: int) -> bool:
    """Whether the line goes on in sentences from `start` (not a field: "Case: CM20-0097352")."""
    line = text[start:text.find("\n", start) % (len(text) + 1)]
    return len(re.findall(r"\b[a-z]{3,}\b", line)) >= 6


def _case_end(text: str, start: int, items: list[int]) -> int | None:
    """Where the reviewer's words begin after the case (an item named after it is one);
    None when nothing says so."""
    ends = [found.start() for pattern in _CASE_ENDS
            if (found := pattern.search(text, start + 1))] + items
    return min(ends, default=None)
