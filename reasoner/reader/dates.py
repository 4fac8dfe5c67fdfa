"""Dates as letters write them: 5-24-07, 07/30/2015, July 30, 2015, Jul. 30 2015, 30 July 2015,
02-Feb-2026, 2015-07-30."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# (one separator twice: "Senokot-S 8.6/50 mg" is a dose, not 8/6/50)
NUMERIC = (r"\b\d{1,2}\s?(?:-\s?\d{1,2}\s?-|/\s?\d{1,2}\s?/|\.\s?\d{1,2}\s?\.)\s?"
           r"(?:\d{4}|\d{2})\b")
# ("March 18th, 2025": an ordinal day)
WORDED = (r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
          r"(?:st|nd|rd|th)?,?\s+\d{4}\b")
# "30 July 2015", "02-Feb-2026", "2/Feb/2026", "30.Jul.2015"
DAY_FIRST = (r"\b\d{1,2}(?:\s+|[-/.])(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
             r"[a-z]*\.?,?(?:\s+|[-/.])\d{4}\b")
ISO = r"\b\d{4}-\d{2}-\d{2}\b"
# spoken: "the eleventh of April, 2022", "the 4th of March 2019", "the twenty-first day of May,
# 2021"
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_ORDINALS = {w: n for n, w in enumerate(
    [*_UNITS, "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
     "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"], 1)}
_ORDINALS |= {f"twenty-{w}": 20 + n for n, w in enumerate(_UNITS, 1)}
_ORDINALS |= {"thirtieth": 30, "thirty-first": 31}
_ORDINAL = (r"(?i:(?:twenty|thirty)[- ](?:" + "|".join(_UNITS) + r")|(?:thir|four|fif|six|seven|"
            r"eigh|nine)teenth|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
            r"eleventh|twelfth|twentieth|thirtieth)")
# (found from the " of Month YYYY" that ends them, a literal the scan finds fast: tried at
# every word as part of DATE_RE, it tripled the cost of every date search)
_SPOKEN_TAIL = re.compile(r" of\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
                          r"[a-z]*\.?,?\s+\d{4}\b")
_SPOKEN_HEAD = re.compile(r"\b(?:" + _ORDINAL + r"|\d{1,2}(?:st|nd|rd|th))(?:\s+day)?$")
DATE_RE = re.compile(f"(?:{ISO}|{WORDED}|{DAY_FIRST}|{NUMERIC})")


# Years a workers' compensation document can mean: anything else is a typo or an attack
# ("01/01/0001" made date arithmetic overflow), not a date to reason with.
_YEARS = range(1900, 2101)


def parse_date(text: str) -> dt.date | None:
    """One date, or None when the text is not a valid date (e.g. '6-7 out of 10') or not one
    of a plausible year."""
    day = _parse(text)
    return day if day is not None and day.year in _YEARS else None


def _parse(text: str) -> dt.date | None:
    text = text.strip()
    worded = re.match(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", text)
    day_first = re.match(r"(\d{1,2})(?:\s+|[-/.])([A-Za-z]+)\.?,?(?:\s+|[-/.])(\d{4})$", text)
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})$", text)
    spoken = re.match(r"([\w-]+(?: (?!day\b)\w+)?)\s+(?:day\s+)?of\s+([A-Za-z]+)\.?,?\s+"
                      r"(\d{4})$", text)
    try:
        if spoken:
            said = spoken.group(1).lower().replace(" ", "-")
            day = _ORDINALS.get(said) or (int(said[:-2]) if said[:-2].isdigit() else None)
            month = _MONTHS.get(spoken.group(2)[:3].lower())
            return dt.date(int(spoken.group(3)), month, day) if day and month else None
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if day_first:
            month = _MONTHS.get(day_first.group(2)[:3].lower())
            return dt.date(int(day_first.group(3)), month, int(day_first.group(1))) \
                if month else None
        if worded:
            month = _MONTHS.get(worded.group(1)[:3].lower())
            return dt.date(int(worded.group(3)), month, int(worded.group(2))) if month else None
        parts = re.split(r"\s?[-/.]\s?", text)
        if len(parts) != 3:
            return None
        month, day, year = (int(p) for p in parts)
        if len(parts[2]) == 2:
            # Two-digit years: letters cover injuries from the 1970s to reviews in the 2020s.
            year += 1900 if year > 40 else 2000
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    """Every valid date in the text with its span."""
    found = []
    for match in DATE_RE.finditer(text):
        day = parse_date(match.group(0))
        if day is not None:
            found.append((day, match.start(), match.end()))
    return found


def spoken_dates(text: str) -> list[tuple[int, int, dt.date]]:
    """Each date said in words ("the eleventh of April, 2022", "the 4th day of March 2019")
    with its span, "the" before it included: cleaning writes them as the numeric dates every
    other pattern reads (`clean`)."""
    found = []
    for tail in _SPOKEN_TAIL.finditer(text):
        head = _SPOKEN_HEAD.search(text, max(0, tail.start() - 20), tail.start())
        if head and (day := parse_date(text[head.start():tail.end()])) is not None:
            the = re.search(r"\bthe\s+$", text[max(0, head.start() - 6):head.start()], re.I)
            found.append((head.start() - (len(the.group()) if the else 0), tail.end(), day))
    return found


# A month or a year without its day ("March 2015", "03/2015", "early 2016", "mid-2016"),
# and the words that say a date is approximate ("on or about", "approximately")
ROUGHLY = r"(?:(?:on or )?about|approximately|approx\.?|around|roughly|circa|ca\.)\s+"
_PART = r"(?:(?P<part>early|mid|late|the (?:beginning|middle|end) of)[\s-]+)?"
PARTIAL = (_PART + r"(?:(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
           r"[a-z]*)\.?,?\s+|(?P<number>\d{1,2})/)?(?P<year>(?:19|20)\d{2})\b(?![/-]\d)")
_PARTIAL = re.compile(PARTIAL, re.I)
# The first month a part of a year can mean
_PART_MONTH = {"early": 1, "the beginning of": 1, "mid": 4, "the middle of": 4, "late": 9,
               "the end of": 9}


def earliest_day(text: str) -> dt.date | None:
    """The earliest day a month or year said without its day can mean: "March 2015" is
    2015-03-01, "late 2016" 2016-09-01. A start read so makes a course no shorter than it
    was, so a limit on its length is never found met by rounding."""
    said = _PARTIAL.fullmatch(text.strip())
    if said is None:
        return None
    year = int(said.group("year"))
    if said.group("month"):
        month = _MONTHS.get(said.group("month")[:3].lower())
    elif said.group("number"):
        month = int(said.group("number"))
    else:
        month = _PART_MONTH.get(re.sub(r"\s+", " ", (said.group("part") or "early").lower()))
    if month is None or not 1 <= month <= 12 or year not in _YEARS:
        return None
    return dt.date(year, month, 1)

