"""Letter clean-up: the word-at-a-time whitespace collapse gives exactly what the original
character-at-a-time loop gave (text and the offset map back to the letter), on the corpus,
generated letters and letters with their spacing mangled."""

import random
from pathlib import Path

import pytest

from reasoner.errors import InputError
from reasoner.reader import synth
from reasoner.reader.clean import _FOOTER, _join, _running_heads, clean, decode

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "letters").glob("*.txt"))


def reference_clean(text: str) -> tuple[str, tuple[int, ...]]:
    """The character-at-a-time loop clean() used before (kept here as the reference)."""
    import re
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n\r\f]*", text)]
    repeated = _running_heads([line for _, line in lines])
    chars: list[str] = []
    offsets: list[int] = []
    for start, line in lines:
        stripped = line.strip()
        if not stripped or _FOOTER.match(stripped) or stripped in repeated:
            continue
        lead = len(line) - len(line.lstrip())
        if chars:
            _join(chars, offsets, line[lead:], start + lead)
        for i, ch in enumerate(line[lead:].rstrip()):
            if ch.isspace() and chars and chars[-1] in " \n":
                continue
            chars.append(" " if ch.isspace() else ch)
            offsets.append(start + lead + i)
    return "".join(chars), tuple(offsets)


def mangle(text: str, rng: random.Random) -> str:
    """Spacing as PDF extraction leaves it: runs of odd spaces, tabs, CRLF, form feeds,
    hyphenation at line ends, page footers."""
    out = []
    for word in text.split(" "):
        out.append(word)
        out.append(rng.choice([" ", " ", " ", "  ", "\t", " \u00a0 ", "\u2003", "-\n", "\r\n",
                               "\n\f\nPage 2 of 3\n", " \x0b"]))
    return "".join(out)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_letters_clean_as_before(path):
    text = decode(path.read_bytes(), path.name)
    cleaned = clean(text)
    assert (cleaned.text, cleaned.offsets) == reference_clean(text)


@pytest.mark.parametrize("seed", range(6))
def test_generated_and_mangled_letters_clean_as_before(seed):
    rng = random.Random(seed)
    for i in range(seed * 40, seed * 40 + 40):
        text = synth.letter(i)
        for variant in (text, mangle(text, rng)):
            cleaned = clean(variant)
            assert (cleaned.text, cleaned.offsets) == reference_clean(variant), i


def test_unreadable_text_is_refused_and_spacing_is_not():
    spaced = ("Lumbar MRI\t\t requested.\r\n\f" * 300).encode()
    assert decode(spaced, "a.txt").startswith("Lumbar")
    noise = ("\x01\x02\x03\x04\x05\x06\x07\x08 word " * 400).encode()
    with pytest.raises(InputError, match="not readable text"):
        decode(noise, "b.txt")


@pytest.mark.parametrize("faxed, read", [
    ("Date of Injury: 1O/O2/2015", "Date of Injury: 10/02/2015"),
    ("Decision Date: O6/21/2018", "Decision Date: 06/21/2018"),
    ("Norco 1O/325mg #l20", "Norco 10/325mg #120"),
    ("Naproxen sodium 55Omg #6O", "Naproxen sodium 550mg #60"),
    ("Terocin lotion l20ml", "Terocin lotion 120ml"),
    # words stay words: oxygen, a pronoun, a level, pounds, a one-digit guess
    ("O2 saturation 98%. I saw him at L5-S1, lifting 10lbs.",
     "O2 saturation 98%. I saw him at L5-S1, lifting 10lbs."),
])
def test_misread_digits_of_a_fax_are_put_right(faxed, read):
    cleaned = clean(faxed)
    assert cleaned.text == read
    assert len(cleaned.offsets) == len(cleaned.text)  # one character for one


@pytest.mark.parametrize("banner", [
    "Aug 15 2024 14:52   MAXIMUS FED SVCS IMR   FAX 916-555-0166        p.{n}",
    "03/02/2021 09:14 FAX 9165550166          CLAIMS UNIT          P. {n}/4",
    "FROM: Coast Ortho   PAGE {n}/5",
])
def test_a_fax_banner_on_every_page_is_dropped_from_inside_a_sentence(banner):
    # a time's colon is no field's, and "p.2" numbers a page as "Page 2" does
    pages = [f"IMR letter\n\nUrine drug screens dated 08/15/2023 were each\n\n"
             f"{banner.format(n=2)}\n\nconsistent with the prescribed oxycodone. Pain is 4/10.",
             f"{banner.format(n=3)}\n\nThe request is upheld."]
    text = "\n".join([banner.format(n=1), *pages])
    cleaned = clean(text).text
    assert "were each\nconsistent with the prescribed" in cleaned
    assert "FAX" not in cleaned.upper().replace("FAXED", "") and "PAGE" not in cleaned.upper()


def test_a_guideline_field_naming_its_page_is_no_running_head():
    # two items cite pages of one guideline: the lines differ only by their numbers
    text = ("IMR letter\n\n1. Lumbar MRI\nMAXIMUS guideline: MTUS Chronic Pain, page 79\n"
            "Rationale: no red flags.\n\n2. Naproxen\nMAXIMUS guideline: MTUS Chronic Pain, "
            "page 91\nRationale: it helps.\n")
    assert clean(text).text.count("MAXIMUS guideline") == 2
