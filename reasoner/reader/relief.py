"""How much and how long a treatment relieved pain: "about 50% relief for three weeks",
"decreased the burning by about 40%", "two weeks of relief", "helped for only 10 days".

Repeat injections, blocks, ablations, stimulator trials and continued drugs are decided on
these two numbers (e.g. a repeat epidural needs at least 50% relief for six to eight weeks),
so each is read only where the text ties it to relief: a percentage next to a relief word,
a duration right after one ("relief for three weeks") or before "of relief". A percentage
that measures something else (a drug's strength, an Oswestry score, an impairment rating) or
that is hoped for, required or denied ("if the blocks give 80% relief", "did not give 50%
relief") is not read. A range gives its lower end ("50-60%"): a reviewer credits what was
surely reached. "Less than 50%" gives no number: how much less is not said. Hours of
relief are of a dose or of an anaesthetic block, and give no number of weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reasoner.reader import responses
from reasoner.reader.firstchars import gated

_I = re.I
_TENS = {"ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90, "one hundred": 100, "a hundred": 100,
         "hundred": 100}
_SMALL = {"a": 1, "an": 1, "one": 1, "a single": 1, "two": 2, "a couple of": 2, "a couple": 2,
          "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "eighteen": 18,
          "twenty": 20, "thirty": 30}
# Hours of relief are those of a dose or of an anaesthetic block, not of a course: no weeks.
_WEEKS_PER = {"h": None, "d": 1 / 7, "w": 1.0, "m": 4.33, "y": 52.0}

_NUMBER = r"(?:\d{1,3}(?:\.\d)?|" + "|".join(sorted(_TENS, key=len, reverse=True)) + r")"
_PCT = (r"(?:(?P<pct>" + _NUMBER + r")\s*(?:%|percent|per cent)?\s*(?:-|–|to)\s*)?"
        r"(?P<pct2>" + _NUMBER + r")\s*(?:%|percent|per cent)")
# "about 40%", "~50%", "nearly 70 percent"; "at least" and "over" are a floor said as fact
_ABOUT = (r"(?:(?:about|around|roughly|approximately|approx\.?|nearly|almost|~|an estimated|"
          r"at least|over|more than|greater than|>|≥|close to|some|maybe|perhaps|possibly|"
          r"a|an|only|just|up to|reported|reports)\s*[\"“]?\s*)*")
# (the pain named by its part between: "~50% less leg pain x ~2 wks")
_GAIN = (r"(?:pain\s+)?(?:relief|reduction|decrease|improvement|better|improved|less\s+"
         r"(?:(?:leg|back|neck|arm|knee|shoulder|radicular|low back|axial)\s+)?(?:pain|"
         r"burning|numbness|tingling|aching|ache|spasms?|symptoms)|"
         r"resolution|benefit|decline|drop)")
_PERCENTS = [
    # "80% relief", "a 40% reduction in pain", "50-60% improvement", "70% less pain"
    re.compile(_ABOUT + _PCT + r"[\"”]?(?:\s+(?:overall|total|sustained|temporary|partial|"
               r"reported|subjective|of\s+(?:his|her|their|the)|symptomatic|\w+\s+pain)){0,2}\s+"
               + _GAIN + r"\b", _I),
    # "decreased the burning and numbness by about 40%", "pain improved by 50 percent"
    re.compile(r"\b(?:reduc\w*|decreas\w*|lower\w*|cut|improv\w*|reliev\w*|eas\w*|lessen\w*|"
               r"dropp\w*|went\s+down|helped|better)\b(?:(?!\b(?:and\s+(?:she|he|they)|but|"
               r"oswestry|odi|ndi|disability|score|index)\b)[^.;%]){0,50}?\bby\s+" + _ABOUT
               + _PCT, _I),
    # "relief of about 50%", "a reduction in her pain of 40%", "improvement estimated at 60%"
    re.compile(r"\b(?:relief|reduction|improvement|decrease|benefit)\s+(?:(?:in|of)\s+(?:his\s+|"
               r"her\s+|their\s+|the\s+)?(?:\w+\s+){0,2}?(?:pain|symptoms)\s+)?(?:was\s+|is\s+)?"
               r"(?:of|at|was|estimated\s+at|rated\s+(?:at\s+)?|reported\s+(?:as|at)|put\s+at|"
               r"by)\s+" + _ABOUT + _PCT, _I),
    # "a reduction the physician documented as 85%", "relief that she put at 60%"
    re.compile(r"\b(?:relief|reduction|improvement|decrease)\s+(?:that\s+|which\s+)?(?:the\s+)?"
               r"(?:[\w-]+\s+){0,2}?(?:documented|recorded|rated|estimated|put|reported|"
               r"described|calculated|measured)\s+(?:it\s+)?(?:as|at)\s+" + _ABOUT + _PCT, _I),
    # "pain was reduced 60%", "had taken away roughly 60% of her leg pain", "relieved about
    # 70 percent of the burning" (a share of the pain, no "by")
    re.compile(r"\b(?:(?:was|were|is|are|been)\s+(?:reduced|decreased|improved|relieved|"
               r"lessened)|(?:took|taken|takes|taking)\s+away|relieved|eliminated|removed)\s+"
               + _ABOUT + _PCT + r"(?!\s*(?:of\s+(?:the\s+|his\s+|her\s+)?(?:time|days?|"
               r"function\w*|activit\w*)))", _I),
    # "it helped maybe thirty percent", "the injection helped about 50%" (a share helped, said
    # without "by"; not "helped 50% of the time")
    re.compile(r"\b(?:helped|helps)\s+" + _ABOUT + _PCT + r"(?!\s*(?:of\s+(?:the\s+|his\s+|"
               r"her\s+)?(?:time|days?|function\w*|activit\w*)))", _I),
    # "her arm pain was about 40% less on gabapentin", "the burning is 50 percent better"
    re.compile(r"\b(?:pain|burning|numbness|tingling|aching|symptoms|it)\s+(?:is|was|are|were|"
               r"has been|had been|felt|feels)\s+(?:now\s+)?" + _ABOUT + _PCT
               + r"\s+(?:less|lower|better|improved|reduced)\b", _I),
    # "relief: 60%", "Relief - 70%" (a form's field)
    re.compile(r"\b(?:pain\s+)?relief\s*[:=-]\s*" + _ABOUT + _PCT, _I),
    # "takes about 30% off the leg pain", "takes the burning down 'maybe 40%'", "knocks it
    # down by half" is not a number; "has come down by about 40 percent"
    re.compile(r"\b(?:takes?|took|taking|knocks?|knocked|brings?|brought|cuts?)\s+" + _ABOUT
               + _PCT + r"\s+(?:off|out)\b", _I),
    re.compile(r"\b(?:takes?|took|taking|knocks?|knocked|brings?|brought|c[oa]me|comes|gone|"
               r"went|goes|is|are|was|were)\b[^.;%]{0,40}?\bdown\b\s*(?:by\s+)?[,(]?\s*"
               r"[\"“]?" + _ABOUT + _PCT, _I),
    # a hedged share right after a relief said in words: "takes the edge off the burning,
    # perhaps 20 percent", "helps, maybe 40%"
    re.compile(r"\b(?:edge off|helps?|helped|relief|relieves|relieved|better|improved)\b"
               r"[^.;%]{0,50}?[,(-]\s*[\"“]?(?:about|perhaps|maybe|roughly|approximately|"
               r"approx\.?|~|nearly|possibly|estimated|around)\s*[\"“]?" + _PCT, _I),
    # a share that lasted: "ESI 11/2013; ~50% x 6 wks" (a number of weeks makes it relief;
    # not a strength: "Lidoderm 5% x 30 days")
    re.compile(_ABOUT + _PCT + r"[\"”]?\s*(?:x|for|lasting|over)\s*(?:about\s+|~\s*)?"
               r"\d{1,3}\s*(?:-\s*)?(?:days?|d|weeks?|wks?|months?|mos?)\b", _I),
]
# What a percentage measures when it is not pain: a strength, a function score, a rating.
_NOT_PAIN = re.compile(r"\b(?:oswestry|odi|ndi|dash|disability|grip|range of motion|rom|impairment|"
                       r"wpi|whole person|apportion\w*|strength)\b[^.;,]{0,25}$", _I)
# ... or said after it: "50% improvement in function" is a gain in function, not relief
_OF_OTHER = re.compile(r"\s*(?:in|of)\s+(?:his\s+|her\s+|their\s+|the\s+)?(?:function\w*|"
                       r"activit\w*|adls?|walking|sitting|standing|sleep|range|motion|strength|"
                       r"mobility|grip)", _I)
_LESS_THAN = re.compile(r"\b(?:less|fewer|under|below|lower)\s+than\s*$|<\s*$", _I)

_COUNT = (r"(?P<n>\d{1,3}(?:\.\d+)?|" + "|".join(sorted(_SMALL, key=len, reverse=True))
          + r")(?:\s*(?:-|–|to)\s*(?P<n2>\d{1,3}))?")
_UNIT = (r"(?P<unit>hours?|hrs?|days?|weeks?|wks?|months?|mos?\b|years?|yrs?)")
_LIMIT = (r"(?:(?:about|around|roughly|approximately|approx\.?|nearly|almost|~|only|just|"
          r"close to|over|more than|greater than|at least|at most|up to|less than|under|"
          r"barely|maybe|perhaps|a good|the first|a full|an additional|[\"“])\s*)*")
# How a span of relief is said to have held, after its relief word ("which held for about nine
# months", ", sustained for 10 weeks", "had persisted for 3 months", "wore off after three
# weeks")
_HELD = (r"(?:,\s*|\s)(?:(?:which|that|and)\s+)?(?:had\s+|has\s+|was\s+|were\s+)?(?:lasted|"
         r"lasting|held|persisted|sustained|continued|remained)(?:\s+(?:for|through))?|"
         r"\b(?:wore|wears|wearing|worn|faded|wane[sd]?)\s+off\s+(?:after|at|in|over)|"
         r"\b(?:that|which)\s+lasted|\blasted")
# A relief word the duration is said of ("relief for three weeks", "helped ~4 weeks",
# "benefit lasting roughly 6 months", "the effect lasted 10 days"); what lies between may not
# open another statement.
_DURATION_AFTER = re.compile(
    r"\b(?:relie(?:f|ved)|help(?:ed|s)?|benefit(?:ted|ed)?|improve(?:ment|d)|better|"
    r"effective|worked|lasted|half|%|percent|(?<!side\s)(?<!side-)effects?)"
    r"(?:(?!\b(?:and|but|has|have|had|is|was|been|since|on|taking|takes|uses?|using|who|"
    r"which|then)\b)[^.;,(]){0,40}?"
    r"(?:\b(?:for|lasting|x|over|through)|~|" + _HELD + r")\s*" + _LIMIT
    + _COUNT + r"\s*(?:-\s*)?" + _UNIT + r"\b", _I)
# A span said right after the relief word with a hedge ("it helped 'maybe two weeks'",
# "relieved about a month"); not a time ago or later ("helped about two weeks ago")
_DURATION_HEDGED = re.compile(
    r"\b(?:relie(?:f|ved)|help(?:ed|s)|benefit(?:ted|ed)?|worked)\s*[\"“]?\s*(?:about|around|"
    r"roughly|approximately|maybe|perhaps|nearly|almost|~)\s*" + _COUNT + r"\s*(?:-\s*)?"
    + _UNIT + r"\b(?!\s+(?:ago|before|earlier|later|after|into|post)\b)", _I)
# The relief said again by what held: "roughly 70% relief, and it held for about nine months",
# "his pain dropped by about 70% and stayed down for roughly nine months" ("the relief held
# ..." is _DURATION_AFTER's, which starts at the relief word that names it again)
_DURATION_HELD = re.compile(
    r"\b(?:it|this|that|which|and)\s+(?:had\s+|"
    r"has\s+)?(?:held(?:\s+up)?|lasted|persisted|stayed\s+(?:down|better|improved|low|away)|"
    r"remained\s+(?:down|better|improved|low))\s+(?:for\s+)?" + _LIMIT + _COUNT
    + r"\s*(?:-\s*)?" + _UNIT + r"\b(?!\s+(?:ago|before|earlier|later)\b)", _I)
# "two weeks of relief", "about a month of benefit", "a few hours of relief"
_DURATION_BEFORE = re.compile(
    r"\b" + _LIMIT + _COUNT + r"\s*(?:-\s*)?" + _UNIT + r"\s+(?:of\s+)?"
    r"(?:(?:about\s+|~)?\d{1,3}\s*%\s+)?(?:(?!(?:without|no|little|minimal|any|some)\b)\w+\s+)?"
    r"(?:pain\s+)?(?:relief|benefit|improvement)\b", _I)


# "relief about two weeks", "relief: 6 weeks" (a duration right after the word);
# "he had two good weeks", "three pain-free months" (the relief said by the span's adjective)
_DURATION_BARE = re.compile(
    r"\brelief\s*[:,-]?\s*(?:of\s+)?" + _LIMIT + _COUNT + r"\s*(?:-\s*)?" + _UNIT
    + r"\b(?!\s+(?:ago|before|earlier|after\s+the\s+injury))", _I)
# Relief told by when the pain came back: "symptoms returned after approximately six weeks",
# "the leg pain came back about two months later" (not "after 2 weeks of PT": a course's length)
_RETURNED = (r"\b(?:pain|symptoms|it|they|radicular\s+\w+|numbness|burning)\s+(?:\w+\s+)?"
             r"(?:gradually\s+|slowly\s+|eventually\s+)?(?:returned|recurred|came\s+back|"
             r"began\s+to\s+return|started\s+to\s+return)\s+")
_DURATION_RETURNED = re.compile(
    _RETURNED + r"(?P<after>(?:after|at|in|over)\s+)?" + _LIMIT + _COUNT + r"\s*(?:-\s*)?"
    + _UNIT + r"\b(?(after)(?!\s+(?:of|into|post|after)\b)|\s+later\b)", _I)
_DURATION_GOOD = re.compile(
    r"\b" + _LIMIT + _COUNT + r"\s+(?:good|pain-free|pain\s+free|better|great|decent|"
    r"comfortable)\s+" + _UNIT + r"\b", _I)
# A share said as a half: "cut her back pain in half", "reduced it by half", "halved"
_HALVED = re.compile(r"\b(?:cut|cuts|reduced|reduces|reduce|decreased|brought|knocked|took|"
                     r"takes)\b[^.;]{0,40}?\b(?:in|by)\s+half\b|\bhalved\b", _I)
# ... or as another fraction of the pain: "relieved about two-thirds of her pain", "took away
# three quarters of the leg pain", "reduced her pain by a third"
_FRACTIONS = {"half": 50.0, "one-half": 50.0, "one half": 50.0, "two-thirds": 66.7,
              "two thirds": 66.7, "a third": 33.3, "one-third": 33.3, "one third": 33.3,
              "three-quarters": 75.0, "three quarters": 75.0, "a quarter": 25.0,
              "one-quarter": 25.0, "one quarter": 25.0}
_FRACTION = re.compile(
    r"\b(?:relieved|reduced|decreased|eliminated|removed|improved|(?:took|taken|takes)\s+away|"
    r"cut|lessened)\b(?:\s+(?:his|her|their|the|its|pain|by))*\s+" + _ABOUT + r"(?P<frac>"
    + "|".join(sorted(_FRACTIONS, key=len, reverse=True)) + r")\b(?:\s+of\b)?", _I)
# Cheap tests first: most sentences name no share and no span of time.
_SHARE = re.compile(r"%|percent|per cent", _I)
_PART = re.compile(r"third|quarter|half", _I)
_SPAN = re.compile(r"hour|hr|day|week|wk|month|mo\b|mos\b|year|yr", _I)


@dataclass(frozen=True, slots=True)
class Relief:
    start: int
    end: int
    percent: float | None
    weeks: float | None


# A pain score that fell, said as such: "the burning in the right foot has gone from 8 out of
# 10 to 4 out of 10", "pain decreased from 7/10 to 3/10": relief of (8 - 4) / 8, 50%
_SCORE = r"(?P<{}>\d{{1,2}}(?:\.\d)?)\s*(?:/\s*10|out of 10)"
# (or as a noun: "a decrease in back pain from 7/10 to 1/10", "a reduction of pain from ...")
_FELL = re.compile(r"(?:\b(?:pain|burning|aching|symptoms|numbness|it)\b[^.;]{0,50}?\b(?:went|"
                   r"gone|dropped|decreased|fell|fallen|came|come|improved|reduced|declined)|"
                   r"\b(?:decrease|reduction|drop|fall|improvement)\s+(?:in|of)\s+(?:[\w-]+\s+)?"
                   r"(?:pain|symptoms|burning|aching))\s+(?:down\s+)?"
                   r"from\s+" + _SCORE.format("before")
                   # (the time of each score between: "from 7/10 before the block to 1/10")
                   + r"(?:\s+(?:before|prior to|pre-?)[^.;\d]{0,30}?)?"
                   + r"\s+(?:down\s+)?to\s+" + _SCORE.format("after"), _I)


def _fallen(text: str) -> list[Relief]:
    out = []
    for hit in _FELL.finditer(text):
        before, after = float(hit.group("before")), float(hit.group("after"))
        if 0 <= after < before <= 10:
            out.append(Relief(hit.start(), hit.end(), round((before - after) / before * 100, 1),
                              None))
    return out


def reliefs(text: str) -> list[Relief]:
    """Each asserted statement of relief in the text, with what it gives of the two numbers,
    in order; a percentage and a duration in one clause are one statement."""
    percents = _percents(text) if _SHARE.search(text) else []
    percents += _fallen(text) if "10" in text else []
    percents += [Relief(h.start(), h.end(), 50.0, None) for h in _HALVED.finditer(text)] \
        if "half" in text or "halved" in text else []
    percents += [Relief(h.start(), h.end(), _FRACTIONS[h.group("frac").lower()], None)
                 for h in _FRACTION.finditer(text)] if _PART.search(text) else []
    durations = _durations(text) if _SPAN.search(text) else []
    found = [r for r in (*percents, *durations) if _asserted(text, r.start)]
    found.sort(key=lambda r: r.start)
    merged: list[Relief] = []
    for r in found:
        last = merged[-1] if merged else None
        if last and _same_clause(text, last.end, r.start) and (
                (last.percent is None) != (r.percent is None)):
            merged[-1] = Relief(last.start, max(last.end, r.end),
                                last.percent if last.percent is not None else r.percent,
                                last.weeks if last.weeks is not None else r.weeks)
        elif not (last and r.start < last.end):
            merged.append(r)
    return merged


def _percents(text: str) -> list[Relief]:
    out = []
    for pattern in _PERCENTS:
        for hit in pattern.finditer(text):
            number = hit.start("pct") if hit.group("pct") else hit.start("pct2")
            if _NOT_PAIN.search(text[max(0, hit.start() - 60):hit.start()]) or \
                    _LESS_THAN.search(text[max(0, number - 20):number]) or \
                    _OF_OTHER.match(text, hit.end()) or \
                    (pattern is _PERCENTS[-1] and _strength(text, number)):
                continue
            low = hit.group("pct") or hit.group("pct2")
            value = _percent(low)
            if value is not None and 0 < value <= 100:
                out.append(Relief(hit.start(), hit.end(), value, None))
    return out


def _durations(text: str) -> list[Relief]:
    out = []
    for pattern in (_DURATION_AFTER, _DURATION_BEFORE, _DURATION_BARE, _DURATION_GOOD,
                    _DURATION_RETURNED, _DURATION_HEDGED, _DURATION_HELD):
        for hit in pattern.finditer(text):
            weeks = _weeks(hit.group("n"), hit.group("unit"))
            cue = hit.group()
            if cue.startswith(("%", "percent")) and (
                    number := _NUMBER_BEFORE.search(text, 0, hit.start())) and \
                    _strength(text, number.start()):
                continue  # "Lidoderm 5% x 30 days": a supply, not relief
            if weeks is not None:
                out.append(Relief(hit.start(), hit.end(), None, weeks))
    return out


_NUMBER_BEFORE = re.compile(r"\d{1,3}(?:\.\d)?\s*$")
_WORD_BEFORE = re.compile(r"([A-Za-z][\w-]*)[\s\"“~]*$")
# Words a share of relief follows ("gave 50% x 3 weeks", "~50%"); after another word, a
# percentage is a strength ("Lidoderm 5%", "ketoprofen 10%").
_BEFORE_RELIEF = {"about", "around", "roughly", "approximately", "approx", "nearly", "almost",
                  "maybe", "perhaps", "possibly", "estimated", "only", "just", "over", "than",
                  "least", "gave", "gives", "give", "giving", "provided", "provides", "had",
                  "has", "have", "with", "reported", "reports", "report", "reporting", "noted",
                  "described", "felt", "feels", "got", "gets", "by", "of", "was", "is",
                  "and", "then", "some", "at", "away", "reduced", "decreased", "improved",
                  "relieved", "lessened"}


def _strength(text: str, number: int) -> bool:
    """Whether the percentage starting at text[number] follows a name (a drug's strength)."""
    word = _WORD_BEFORE.search(text, 0, number)
    return bool(word and word.group(1).lower() not in _BEFORE_RELIEF)


def _percent(word: str) -> float | None:
    word = word.lower()
    if word in _TENS:
        return float(_TENS[word])
    try:
        return float(word)
    except ValueError:
        return None


def _weeks(count: str, unit: str) -> float | None:
    count = count.lower()
    n: float
    if count in _SMALL:
        n = _SMALL[count]
    else:
        try:
            n = float(count)
        except ValueError:
            return None
    per = _WEEKS_PER["m" if unit.lower().startswith("mo") else unit[0].lower()]
    return None if per is None else round(n * per, 1)


def _asserted(text: str, start: int) -> bool:
    """Not hoped for, required or planned, and not denied ('no 50% relief')."""
    clause = responses.clause_before(text, start)
    return not (responses.ahead(clause + text[start:start + 12]) or _REQUIRED.search(clause)
                or responses.negated(clause))


_REQUIRED = gated(r"\b(?:requires?|required|requirement|needs?|needed|must|criteri\w*|"
                       r"guidelines?|recommend\w*|defined as|threshold|target)\b",
                       _I)


def _same_clause(text: str, end: int, start: int) -> bool:
    return start - end <= 40 and not re.search(r"[.;]|\bbut\b", text[end:start], _I)
