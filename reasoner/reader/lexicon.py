"""Words to terminology terms, from the labels and skos:altLabel synonyms of the terminology.

Matching is on normalised tokens (lower case, plural 's' dropped, spinal levels such as
'L5-S1' and a few function words skipped; labels naming a level are not indexed) so
'Dynamic X-rays of the lumbar spine' finds the altLabel 'dynamic x-rays of lumbar spine'.
No word list here: synonyms go in the terminology (ontology/terminology/letter-synonyms.ttl
for the ones letters need).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from reasoner.engine.terminology import Terminology
from reasoner.reader.firstchars import gated
from reasoner.vocab import TERM

# (a chart's "c/o", complaint(s) of, is one word: "no GI c/o")
_TOKEN = re.compile(r"\b[Cc]/[Oo]\b|[A-Za-z0-9]+")
_LEVEL = re.compile(r"^[clts]\d{1,2}$")
# Words that do not tell one term from another: a side ("injection into the left knee"), the
# preposition joining a procedure to its site ("cortisone injection into / to / in the knee").
_SKIP = {"the", "of", "a", "an", "his", "her", "their", "left", "right", "bilateral", "bilat",
         "both", "in", "into", "to", "at"}
# Words said interchangeably: a cortisone, corticosteroid or steroid injection is one thing.
_SAME = {"cortisone": "steroid", "corticosteroid": "steroid",
         # "urine drug testing", "genetic testing": the test, as "urine drug test" names it
         "testing": "test",
         # a chart's shortening of a finding's word: "decr sensation R C6 dermatome",
         # "dimin. reflexes", "no bowel/bladder sx", "no fever or wt loss"
         "decr": "decreased", "dimin": "diminished", "sx": "symptom", "sxs": "symptom",
         "wt": "weight", "c/o": "complaint",
         # "w/" is "with" ("Acupuncture w/ electrical stimulation"; "w/o" stays two words)
         "w": "with",
         # an injection told with its verb: "the left knee was injected with a corticosteroid",
         # "injected the right shoulder" (the auxiliary is dropped: `_tokens`)
         "injected": "injection"}
_AUXILIARY = frozenset({"was", "were", "been", "is", "are"})


@dataclass(frozen=True)
class Match:
    term: str
    start: int  # span in the text that was matched
    end: int


_Key = tuple[int, tuple[str, ...], int, int]  # words, terms, start and end in the text


_NORMS: dict[str, str | None] = {}


def norm(token: str) -> str | None:
    found = _NORMS.get(token, "")
    if found != "":
        return found
    if len(_NORMS) > 100_000:  # letters bring new words forever; bound the memo
        _NORMS.clear()
    _NORMS[token] = found = _norm(token)
    return found


def _norm(token: str) -> str | None:
    token = token.lower()
    if token in _SKIP or _LEVEL.match(token):
        return None
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")) \
            and token not in _KEEP:
        token = token[:-1]
    return _SAME.get(token, token)


def tokens(text: str) -> list[tuple[str, int, int]]:
    return list(_tokens(text))


def term_words(text: str) -> frozenset[str]:
    """The normalised words of a text, as terms are matched by them."""
    return frozenset(t for t, _, _ in _tokens(text))


@lru_cache(maxsize=512)
def _tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    # Extraction looks up the same sentence several times (findings, studies, services...).
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if (word in _CONTEXTUAL or len(word) in (2, 4) and word.lower() in _UNITS) and \
                _not_a_term(word, text, m.start(), m.end()):
            continue
        if "l" in word and _OCR_CAPITALS.match(word):
            word = word.replace("l", "I")  # a scanner's "MRl", "ClT": capitals with I read as l
        t = norm(word)
        if t == "injection" and out and out[-1][0] in _AUXILIARY and word.islower():
            out.pop()  # "the knee was injected": the knee's injection
        if t:
            out.append((t, *m.span()))
    return tuple(out)


def _opens(text: str, start: int) -> bool:
    """Whether the word at text[start] opens a statement (the text's, a line's or a clause's)."""
    before = text[max(0, start - 10):start].rstrip(" \t")
    return not before or before[-1] in ".;:\n"


def _not_a_term(word: str, text: str, start: int, end: int) -> bool:
    """A word that names a term only where its neighbours allow it."""
    if word in _TITLES and text.startswith(".", end):
        return True  # "Ms. Ortega" is not multiple sclerosis
    if word in ("Pt", "pt") and (_PATIENT_VERB.match(text, end) or _PATIENT_LABEL.match(text, end)
                                 or _PATIENT_BEFORE.search(text, max(0, start - 20), start)
                                 or _opens(text, start) and not _THERAPY_AFTER.match(text, end)):
        # "Pt reports ...", "pt is better", "Pt: M. Gutierrez", a note's "Pt notified by
        # phone.": the patient (a statement's subject; not "PT x8", "Pt 2x/wk")
        return True
    if word == "PT" and (_PULSE_AFTER.match(text, end) or
                         _PULSE_BEFORE.search(text, max(0, start - 8), start)):
        return True  # "DP/PT 2/4", "DP and PT pulses": the posterior tibial pulse
    if word in ("Ct", "CT") and _STREET_BEFORE.search(text, max(0, start - 40), start):
        return True  # "2217 Almendra Ct, Rancho Cordova": a court in an address, not a scan
    if word == "CSI":
        return bool(_CODE_AFTER.match(text, end))  # "Claim: CSI-11-20874": a claim number
    if word == "RFA":
        # In workers' compensation "RFA" is the Request for Authorization form ("RFA of
        # 03/10/2026", "RFA same date", "RFA Norco 5/325 #60"); it is radiofrequency ablation
        # only where the ablation is told: "RFA at bilateral L4-5", "lumbar RFA", "prior RFA"
        # (a name that is the word alone is the ablation's label)
        return not (start == 0 and end == len(text) or _ABLATION_AFTER.match(text, end)
                    or _ABLATION_BEFORE.search(text, max(0, start - 30), start))
    # "distal motor latency 5.1 ms": milliseconds, not multiple sclerosis
    return word.lower() in _UNITS and bool(_NUMBER_BEFORE.search(text, max(0, start - 12),
                                                                 start))


_UNITS = {"ms", "msec"}  # units that are also a term's abbreviation

_NUMBER_BEFORE = re.compile(r"\d[ \t]*$")
_OCR_CAPITALS = re.compile(r"^(?=(?:l*[A-Z]){2})[A-Zl]{2,6}$")


_TITLES = {"Ms", "Mr", "Mrs", "Dr", "Mx"}
# a house number and a street's name: "2217 Almendra Ct", "40 W. Oak Hollow CT"
_STREET_BEFORE = re.compile(r"\b\d{1,6}[ \t]+(?:[NSEW]\.?[ \t]+)?(?:[A-Z][\w'.-]*[ \t]+){1,3}$")
# (the words whose reading depends on their neighbours; every other word is read alone)
_CONTEXTUAL = _TITLES | {"Pt", "pt", "PT", "RFA", "CSI", "Ct", "CT"}
_CODE_AFTER = re.compile(r"[-_/#]?\d")
# what names the ablation after the word: its side, level, nerves or region
_ABLATION_AFTER = re.compile(r"\s*(?:(?:at|of|to|for)\s+)?(?:the\s+)?(?:(?:bilateral|bilat|b/l|"
                             r"right|left|R|L)\s+)?(?:[LCT]\d|S1\b|facets?\b|medial\b|"
                             r"genicular\b|nerves?\b|lumbar\b|cervical\b|thoracic\b|knee\b|"
                             r"sacroiliac\b|SI\b|neurotomy\b|ablation\b)", re.I)
_ABLATION_BEFORE = re.compile(r"\b(?:lumbar|cervical|thoracic|genicular|facet|repeat|prior|"
                              r"previous|successful|underwent|had|bilateral|right|left|"
                              r"radiofrequency|rhizotomy|neurotomy|[LCT]\d(?:-[LCTS]?\d)?)"
                              r"\W+(?:\w+\W+)?$", re.I)


_TYPO_LENGTH = 7  # (shorter words are a keystroke from too many others, names too)
_SPLIT_LENGTH = 7  # a word a dictation split is long ("acupuncture", "therapy")
_SPLIT_PIECES = 5  # ... in at most so many pieces ("trans for am in all")
_RAW_WORD = re.compile(r"[A-Za-z]+")
_HEARD_PIECES = 4
_DRUG = TERM + "Drug"
# A dose after a name: "300 mg", "#60", "number 30", "10/325"
_DOSE_AFTER = re.compile(r"[ \t]*(?:\d+(?:\.\d+)?[ \t]*(?:(?:mg|mcg|milligrams?)\b|%)|"
                         r"\d{1,4}/(?!10\b)\d{1,4}(?![/\d])|#[ \t]*\d|(?:number|no\.?)[ \t]*\d)",
                         re.I)


def _sound(word: str) -> str:
    """A word's sound, coarsely: its first letter, then its consonants as they sound (soft c
    as s, ch and ck as k, ph as f, x as ks, z as s), voiced and voiceless alike (b p, d t,
    v f), each run once ("gabapentin", "Gabby pentin": gpntn; "flexeril", "flex aerial":
    flksrl)."""
    w = word.lower()
    for written, said in _SPOKEN_AS:
        w = w.replace(written, said)
    w = _SOFT_C.sub("s", w).translate(_VOICED)
    return re.sub(r"(.)\1+", r"\1", w[:1] + _VOWELS.sub("", w[1:]))


_SPOKEN_AS = (("ph", "f"), ("ck", "k"), ("ch", "k"), ("sh", "s"), ("qu", "k"), ("x", "ks"),
              ("gh", "g"))
_SOFT_C = re.compile(r"c(?=[eiy])")
_VOICED = str.maketrans({"c": "k", "q": "k", "z": "s", "d": "t", "b": "p", "v": "f"})
_VOWELS = re.compile(r"[aeiouyhw]")


def _sounds(words: set[str]) -> dict[str, str]:
    """Each sound that one word alone has (of three letters or more), with that word."""
    heard: dict[str, set[str]] = {}
    for word in words:
        if word.isalpha() and len(key := _sound(word)) >= 3:
            heard.setdefault(key, set()).add(word)
    return {key: next(iter(found)) for key, found in heard.items() if len(found) == 1}


_HEARD_EDITS = 0.5  # at most half the letters of a name heard may differ from it


def _edits(a: str, b: str) -> int:
    """The Levenshtein distance between two short words."""
    before = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        now = [i]
        for j, y in enumerate(b, 1):
            now.append(min(before[j] + 1, now[j - 1] + 1, before[j - 1] + (x != y)))
        before = now
    return before[-1]


def _one_keystroke(word: str, known: str) -> bool:
    """Whether two words of one length differ in one letter ("narco", "norco")."""
    return len(word) == len(known) and sum(a != b for a, b in zip(word, known, strict=True)) <= 1


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The words of English (pyspellchecker's frequency list), read on the first unknown word
    that could be a typo: a word in it is spelled as meant."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en", distance=1).word_frequency.dictionary)


_RUN_INTO_DIGITS = re.compile(r"([a-z]{4,})\d")


def _deleted(word: str) -> set[str]:
    """The word with one letter left out, each way."""
    return {word[:n] + word[n + 1:] for n in range(len(word))}


def _deletions(vocabulary: set[str]) -> dict[str, frozenset[str]]:
    """Each known long word under each of its one-letter deletions (a spelling one keystroke
    away shares one with it)."""
    index: dict[str, set[str]] = {}
    for word in vocabulary:
        if len(word) >= _TYPO_LENGTH - 1 and word.isalpha():
            for cut in _deleted(word):
                index.setdefault(cut, set()).add(word)
    return {cut: frozenset(words) for cut, words in index.items()}


def _misreadings(word: str):
    """What a scanner's misreading of the word may have been, most likely first."""
    if len(word) < 5 or word.isdigit():
        return  # short words misread into others too easily ("fail" is not "fall")
    yield word.replace("rn", "m")
    if any(c.isdigit() for c in word):
        yield word.replace("0", "o").replace("1", "l")
    if len(word) >= 6:
        for n, c in enumerate(word):  # one letter read as its look-alike
            if c in "li":
                yield word[:n] + ("i" if c == "l" else "l") + word[n + 1:]
_PATIENT_VERB = re.compile(r"\.?\s+(?:reports?|reported|states?|stated|says|said|is|was|has|"
                           r"had|denies|denied|complains|complained|c/o|notes|noted|returns|"
                           r"returned|presents|presented|continues|continued|feels|felt|"
                           r"underwent|received|completed|takes|took|uses|used|wants|wishes|"
                           r"would|will|can|cannot|can't|does|did|works|worked|remains|"
                           r"ambulates|walks|tolerated|tolerates|agrees|declines|declined|"
                           r"understands|requests|requested|got|gets|went|attends|attended|"
                           r"also|still|now|currently|rates|rated|describes|described|"
                           r"endorses|endorsed|admits|admitted|tells|seen|examined|evaluated|"
                           r"here|arrives|arrived|appears|seems|looks|tolerating|taking|using|"
                           r"doing|sleeping|working|lives|weighs|smokes|drives|verbalizes|"
                           r"verbalized|to|"
                           # a predicate without its verb: "Pt motivated", "pt educated on HEP"
                           r"motivated|educated|counseled|counselled|instructed|advised|"
                           r"alert|ambulatory|compliant|cooperative|agreeable|unable|able)\b")
# "Pt: M. Gutierrez, 52 M", "Pt name:", "pt's wife": a label or a possessive of the patient
_THERAPY_AFTER = re.compile(r"\s*(?:x\s*\d|\d|#|visits?|sessions?|notes?|eval\w*|re-?eval\w*|"
                            r"progress|course|discharge|twice|once|times|for\s+the|to\s+the|"
                            r"(?:2|3)x)", re.I)
_PATIENT_LABEL = re.compile(r"\s*:\s*(?:[A-Z]|\d)|'s\b|\s+(?:name|age|DOB|ID)\b")
# "no lasting benefit per pt", "advised pt to": what the patient says or is told
_PATIENT_BEFORE = re.compile(r"\b(?:per|told|asked|advised|educated|counseled|counselled|"
                             r"instructed|informed|reassured|encouraged|according to)\s+$", re.I)
_PULSE_AFTER = re.compile(r"\s*(?:pulses?|\d/4|[0-3]\+)")
_PULSE_BEFORE = re.compile(r"\bDP\s*(?:/|and|&|,)\s*$")
# Words the plural rule must not cut: "TENS" is not "ten".
_KEEP = {"tens"}


# What happened to a part, which a name may say before it ("sprain of the ...", "tear of the
# ...", "injection into the ..."): the last words of names indexed both ways
_SAID_OF = frozenset({"tear", "sprain", "strain", "injury", "rupture", "fracture", "herniation",
                      "dislocation", "contusion", "tendinitis", "tendonitis", "tendinosis",
                      "bursitis", "instability", "osteoarthritis", "arthritis", "stenosis",
                      "impingement", "derangement", "radiculopathy", "injection"})


_STEROID_INJECTION = TERM + "CorticosteroidInjection"
_INJECTED = (TERM + "Drug", TERM + "Treatment")
_STEROID_WORD = re.compile(r"steroid|cortisone|kenalog|medrol|triamcinolone|celestone|"
                           r"betamethasone|dexamethasone|\bCSI", re.I)


class Lexicon:
    def __init__(self, terms: Terminology) -> None:
        self.terms = terms
        self.index: dict[tuple[str, ...], set[str]] = {}
        names = [(iri, label) for iri, label in terms.labels.items()]
        names += [(iri, alt) for iri, alts in terms.synonyms.items() for alt in alts]
        for iri, label in names:
            # Levels are skipped in matching, so a label that names one ("C5 radiculopathy",
            # "C5-6 ACDF") would match the same words at any level of any region: such a
            # label is not indexed (the region in words, "cervical", is what identifies it).
            if iri.startswith(TERM) and not any(_LEVEL.match(w.lower())
                                                for w in _TOKEN.findall(label)):
                key = tuple(t for t, _, _ in tokens(label))
                if key:
                    self.index.setdefault(key, set()).add(iri)
        # A name that ends in what happened names it the other way too: "medial collateral
        # ligament sprain" is "sprain of the medial collateral ligament", "hip injection" an
        # "injection into the right hip" ("of", "into", "the" and sides are not indexed)
        for key, iris in list(self.index.items()):
            turned = (key[-1], *key[:-1])
            if len(key) >= 2 and key[-1] in _SAID_OF and turned not in self.index:
                self.index[turned] = set(iris)
        # Key lengths by first word, longest first: most words start no term at all.
        lengths: dict[str, set[int]] = {}
        for key in self.index:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths = {w: sorted(ns, reverse=True) for w, ns in lengths.items()}
        self.sorted = {key: tuple(sorted(iris)) for key, iris in self.index.items()}  # by IRI
        self.vocabulary = {word for key in self.index for word in key}
        self._deletions = _deletions(self.vocabulary)
        # (drugs named in one word, by how they sound: what a dictation heard instead)
        self._drug_words = {key[0] for key, iris in self.index.items() if len(key) == 1
                            and any(terms.is_a(iri, _DRUG) for iri in iris)}
        self._sounds = _sounds(self._drug_words)
        # (every beginning of a long known word: where a dictation's split word may start)
        self._openings = {word[:n] for word in self.vocabulary
                          if len(word) >= _SPLIT_LENGTH and word.isalpha()
                          for n in range(2, len(word))}
        self._pieces: dict[str, bool] = {}
        self._pairs = {key[:2] for key in self.index if len(key) >= 2}  # names' first words
        self._seconds = {second for _, second in self._pairs}
        self._in_names: dict[str, str | None] = {}
        self._ocr: dict[str, str] = {}
        self._scanned: dict[str, tuple] = {}
        self._chosen: dict[tuple[tuple[str, ...], tuple[str, ...]], str | None] = {}
        self._regional_kind: dict[tuple[str, str, bool], str] = {}
        self._graded: dict[tuple[str, str], str] = {}
        self._regions: dict[str, set[str]] | None = None
        self._kinds: dict[str, list[tuple[str, list[frozenset[str]]]]] = {}
        self.suspicions = _suspicions(names)

    def find(self, text: str, *within: str) -> list[Match]:
        """Non-overlapping longest matches, left to right, of terms under any of `within`."""
        found, after = [], 0  # after: the first token not yet in a match
        candidates = self._candidates(text)
        for i, keys in candidates:
            if i < after:
                continue
            for n, iris, start, end in keys:
                best = self._best(iris, within)
                if best is not None and not self._injectate_named(text, candidates, i, best,
                                                                  start, end):
                    found.append(Match(best, start, end))
                    after = i + n
                    break
        if _BARE_EPIDURAL.search(text) and any(self.terms.is_a(_ESI, w) for w in within):
            found = _with_bare_epidurals(text, found)
        return found

    def _injectate_named(self, text: str, candidates, i: int, best: str, start: int,
                         end: int) -> bool:
        """A joint's injection named by the joint alone ("knee injection", "injection to the
        right knee") right after what is injected ("Synvisc knee injection", "Euflexxa
        injection to the right knee"): that one's injection, not a corticosteroid's."""
        if not self.terms.is_a(best, _STEROID_INJECTION) or _STEROID_WORD.search(text, start, end):
            return False
        return any(j + n == i and not text[e:start].strip()
                   and self._best(iris, _INJECTED) not in (None, best)
                   for j, keys in candidates if j < i for n, iris, _, e in keys)

    def _read_through_ocr(self, word: str) -> str:
        """A word no name holds, as a scanner may have misread a word some name holds:
        "extrernities" (m read as rn), "lnterlaminar" (i as l), "0steoarthritis" (o as 0).
        Only a word that becomes a known one is changed."""
        if word not in self._ocr:
            if len(self._ocr) > 100_000:
                self._ocr.clear()
            # (compared as names are indexed: "c0rticosteroid" is "corticosteroid", indexed as
            # "steroid")
            self._ocr[word] = next((known for v in _misreadings(word)
                                    if (known := norm(v)) in self.vocabulary), None) or \
                self._mistyped(word) or word
        return self._ocr[word]

    def _rejoined(self, text: str, toks, words: list[str]):
        """The words with those a dictation split joined again (`_split_words`): the tokens
        inside a joined span become one, the known word."""
        # (a split leaves a piece that is no word: most sentences have none, and are not
        # walked word by word; a drug heard is looked for only before a dose)
        joins = self._split_words(text) if any(self._piece(text[start:end])
                                               for _, start, end in toks) else []
        if _DOSE_AFTER.search(text):
            taken = [(start, end) for start, end, _ in joins]
            joins = sorted([*joins, *(heard for heard in self._drugs_heard(
                text, list(_RAW_WORD.finditer(text)))
                if not any(s < heard[1] and heard[0] < e for s, e in taken))])
        if not joins:
            return toks, words
        out_toks, out_words = [], []
        for tok, word in zip(toks, words, strict=True):
            join = next((j for j in joins if j[0] <= tok[1] and tok[2] <= j[1]), None)
            if join is None:
                out_toks.append(tok)
                out_words.append(word)
            elif not out_toks or out_toks[-1][1] != join[0]:
                out_toks.append((join[2], join[0], join[1]))
                out_words.append(join[2])
        return tuple(out_toks), out_words

    def _split_words(self, text: str) -> list[tuple[int, int, str]]:
        """Runs of two to five words, one space apart, one of them no name's, that spell a long
        known word ("acu puncture", "the rapy", "trans for am in all"), or two that are one
        keystroke from one where a piece is no word of English ("Cairo practic", "Mepra
        zole"), each as (start, end, the known word)."""
        raw = list(_RAW_WORD.finditer(text))
        out: list[tuple[int, int, str]] = []
        # (a word split leaves a piece that is no word, known or English, at its start or
        # next to it: "acu", "rapy", "practic", "trans": only there is a join tried)
        pieces = [self._piece(w.group()) for w in raw]
        i = 0
        while i < len(raw) - 1:
            if not (pieces[i] or pieces[i + 1]):
                i += 1
                continue
            found = self._split_word(text, raw, i)
            if found is not None:
                out.append((raw[i].start(), raw[i + found[1] - 1].end(), found[0]))
                i += found[1]
            else:
                i += 1
        return out

    def _drugs_heard(self, text: str, raw: list) -> list[tuple[int, int, str]]:
        """Drugs named as a dictation heard them, before their doses (`_drug_heard`)."""
        out: list[tuple[int, int, str]] = []
        for j, word in enumerate(raw):
            # (the word before the dose is no known word: "Norco 10/325" names its drug)
            if out and out[-1][1] > word.start() or not _DOSE_AFTER.match(text, word.end()) \
                    or norm(word.group()) in self.vocabulary:
                continue
            for n in range(min(_HEARD_PIECES, j + 1), 0, -1):  # (the longest first)
                if (known := self._drug_heard(text, raw, j - n + 1, n)) is not None:
                    out.append((raw[j - n + 1].start(), word.end(), known))
                    break
        return out

    def _split_word(self, text: str, raw: list, i: int) -> tuple[str, int] | None:
        """The known word raw[i:i+n] spell as one, with n (the longest); None when none. (The
        pieces are walked while they spell the beginning of a known word, so that most words
        cost one look-up; a fragment may begin a word one keystroke off.)"""
        spelled, found, fragments = raw[i].group().lower(), None, self._fragment(raw[i].group())
        for n in range(2, min(_SPLIT_PIECES, len(raw) - i) + 1):
            piece = raw[i + n - 1]
            if text[raw[i + n - 2].end():piece.start()] != " ":
                break
            fragments = fragments or self._fragment(piece.group())
            if spelled not in self._openings and not (n == 2 and fragments):
                break
            spelled += piece.group().lower()
            if all(norm(w.group()) in self.vocabulary for w in raw[i:i + n]):
                continue  # (known words side by side: "low back", a name's own words)
            if len(spelled) >= _SPLIT_LENGTH and (word := norm(spelled)) in self.vocabulary:
                found = (word, n)
            elif fragments and len(spelled) >= _TYPO_LENGTH + 1 and \
                    (near := self._mistyped(spelled)) is not None:
                found = (near, n)
        return found

    def _drug_heard(self, text: str, raw: list, i: int, n: int) -> str | None:
        """The drug raw[i:i+n] name as a dictation heard its name ("Gabby pentin 300 mg",
        "flex aerial 7.5 mg", "Narco 10/325", "purchase set 10/325", "tizz an a dean 4 mg"):
        words one space apart that sound as the name does, not all a name's words (one word:
        no word of English either, or one letter from the name); else None."""
        pieces = raw[i:i + n]
        said = [norm(p.group()) for p in pieces]
        if any(text[a.end():b.start()] != " " for a, b in itertools.pairwise(pieces)) or \
                len(pieces[0].group()) < 2 or all(w in self.vocabulary for w in said) or \
                said[-1] in self._drug_words:
            return None  # (a drug named before its dose is that drug: "OTC ibuprofen 400 mg")
        spelled = "".join(p.group().lower() for p in pieces)
        if (known := self._sounds.get(sound := _sound(spelled))) is None or \
                n == 1 and spelled in english_words():
            return None
        # (a sound is coarse: the letters too must be mostly the name's, "started at 300 mg"
        # sounds as "steroid" does)
        if _edits(spelled, known) > _HEARD_EDITS * max(len(spelled), len(known)):
            return None
        return known if len(sound) >= 4 or _one_keystroke(spelled, known) else None

    def _piece(self, word: str) -> bool:
        """Whether a word may be a piece of one split (`_split_words`); the same words come up
        in letter after letter: the answer is kept."""
        said = self._pieces.get(word)
        if said is None:
            if len(self._pieces) > 100_000:
                self._pieces.clear()
            said = self._pieces[word] = self._fragment(word)
        return said

    def _fragment(self, word: str) -> bool:
        """Whether a word is no name's and no word of English: a piece of a word split."""
        return norm(word) not in self.vocabulary and word.lower() not in english_words()

    def _mistyped_in_names(self, words: list[str]) -> list[str]:
        """A word of English mistyped for a term's word where the next word makes the name:
        "carpel tunnel" (a carpel is a flower's part; "carpal tunnel" is the name)."""
        for i in range(len(words) - 1):
            word = words[i]
            # (the cheap tests first: most next words open no name's second place)
            if words[i + 1] not in self._seconds or len(word) < _TYPO_LENGTH - 1 or \
                    word in self.vocabulary:
                continue
            if word not in self._in_names:
                if len(self._in_names) > 100_000:
                    self._in_names.clear()
                self._in_names[word] = self._mistyped(word, english=True)
            if (meant := self._in_names[word]) and (meant, words[i + 1]) in self._pairs:
                words[i] = meant
        return words

    def _mistyped(self, word: str, english: bool = False) -> str | None:
        """A long word one keystroke from one known word, and from no other: "acupunture",
        "cyclobenzeprine", "gabapentine", "carpel"; or a known name run into its strength:
        "Norco10/325" (a name's own spelling is never changed: only unknown words come here)."""
        lower = word.lower()
        if not lower.isalpha():
            run_in = _RUN_INTO_DIGITS.match(lower)
            known = norm(run_in.group(1)) if run_in else None
            return known if known in self.vocabulary else None
        if len(lower) < _TYPO_LENGTH - english or not english and lower in english_words():
            return None  # (a word of English is no typo: "message" is not "massage")
        found = set(self._deletions.get(lower, ()))  # a letter left out
        for cut in _deleted(lower):
            if cut in self.vocabulary:
                found.add(cut)  # a letter too many
            found.update(self._deletions.get(cut, ()))  # one letter wrong, or two swapped
        # (a first letter is rarely the one mistyped: "maximus" is no "maximum" either way)
        found = {known for known in found if known[0] == lower[0]}
        return found.pop() if len(found) == 1 else None

    def _best(self, iris: tuple[str, ...], within: tuple[str, ...]) -> str | None:
        """The deepest of the terms (sorted by IRI; ties: the first) under any of `within`.
        The same names come up in letter after letter: the answer is kept."""
        key = (iris, within)
        if key not in self._chosen:
            is_a = self.terms.is_a
            hits = [t for t in iris if not within or any(is_a(t, w) for w in within)]
            self._chosen[key] = max(hits, key=self.terms.depth) if hits else None
        return self._chosen[key]

    def _candidates(self, text: str) -> tuple[tuple[int, tuple[_Key, ...]], ...]:
        """The tokens of the text that start a key of the index, each with its keys (length,
        terms sorted by IRI, character span), longest first. The same sentence is searched
        for several kinds of term (findings, studies, services...): the scan is done once per
        text, and a search looks only at the few tokens that start a name."""
        found = self._scanned.get(text)
        if found is None:
            toks = _tokens(text)
            words = [t if t in self.vocabulary else self._read_through_ocr(t) for t, _, _ in toks]
            words = self._mistyped_in_names(words)
            if any(t not in self.vocabulary for t, _, _ in toks):
                toks, words = self._rejoined(text, toks, words)
            found = tuple((i, tuple((n, iris, toks[i][1], toks[i + n - 1][2])
                                    for n, iris in keys))
                          for i, word in enumerate(words)
                          if word in self.lengths and (keys := self._starting_at(words, i)))
            if len(self._scanned) >= 512:  # letters bring new sentences forever
                self._scanned.clear()
            self._scanned[text] = found
        return found

    def _starting_at(self, words: list[str], i: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
        out = []
        for n in self.lengths.get(words[i], ()):  # longest first
            key = tuple(words[i:i + n])
            if i + n <= len(words) and key in self.sorted:
                out.append((n, self.sorted[key]))
        return tuple(out)

    def in_region(self, concept: str, region: str | None, least: bool = False) -> str:
        """The narrowest kind of `concept` whose names name `region` ('chiropractic' in a
        lumbar case: 'chiropractic manipulation of the low back'), else `concept`. The
        terminology links such kinds to a region only by name; this reads the link there.
        `least`: the least deep such kind, and only if one alone is that deep; for what a
        note states (a diagnosis, a course), where a deeper kind would add what was not said
        ('osteoarthritis' in a knee case is knee osteoarthritis, not severe knee
        osteoarthritis; 'surgery' in a lumbar case is not a fusion more than a laminectomy).
        A requested service's name is the request's own words and says more of it."""
        if region is None:
            return concept
        key = (concept, region, least)  # a question of the terminology alone: answered once
        if key not in self._regional_kind:
            self._regional_kind[key] = self._narrowest_in(concept, region, least)
        return self._regional_kind[key]

    def across_region(self, concept: str, region: str) -> str:
        """`concept` when its names name no region or name `region`; else the nearest kind
        above it (two steps at most) that has a kind named for `region` ("intra-articular
        facet injection C5-6": the lumbar term's label, at a cervical level, is a facet
        injection, whose cervical kind `in_region` then finds); `concept` when none has."""
        named = self._regional().get(concept)
        is_a = self.terms.is_a
        if not named or any(is_a(region, r) or is_a(r, region) for r in named):
            return concept
        above = sorted((a for a in self.terms.ancestors.get(concept, ())
                        if a != concept and a.startswith(TERM)), key=self.terms.depth,
                       reverse=True)
        depth = self.terms.depth(concept)
        # (not a broad category: any treatment has a kind named for the spine)
        return next((a for a in above if depth - self.terms.depth(a) <= 2
                     and self.terms.depth(a) >= _NARROW_ENOUGH
                     and self.in_region(a, region) not in (a, concept)), concept)

    def _narrowest_in(self, concept: str, region: str, least: bool) -> str:
        is_a = self.terms.is_a
        if any(is_a(region, r) or is_a(r, region) for r in self._regional().get(concept, ())):
            return concept  # already regional: 'lumbar spine x-rays' are not dynamic films
        fits = [kind for kind, named in self._regional().items()
                if kind != concept and is_a(kind, concept)
                and any(is_a(region, r) or is_a(r, region) for r in named)]
        if not least or not fits:
            # the regional kinds themselves, not their own kinds: 'X-rays L-spine' are lumbar
            # x-rays, not the flexion/extension films beneath them, which the name did not say
            tops = [kind for kind in fits if not any(o != kind and is_a(kind, o) for o in fits)]
            return max(tops, key=self.terms.depth, default=concept)
        depth = min(map(self.terms.depth, fits))
        regional = [kind for kind in fits if self.terms.depth(kind) == depth]
        return regional[0] if len(regional) == 1 else concept

    def by_words(self, concept: str, text: str) -> str:
        """The deepest kind of `concept` one of whose names has all its words in the text, in
        any order ("Repeat cervical epidural steroid injection, C5-6, interlaminar" is a
        cervical interlaminar ESI); `concept` when none does, or when two kinds side by side
        do (which one is not said)."""
        kinds = self._named_kinds(concept)
        if not kinds:
            return concept
        words = {t if t in self.vocabulary else self._read_through_ocr(t)
                 for t, _, _ in tokens(text)}
        named = [kind for kind, names in kinds if any(n <= words for n in names)]
        if not named:
            return concept
        deepest = max(map(self.terms.depth, named))
        found = {k for k in named if self.terms.depth(k) == deepest}
        return found.pop() if len(found) == 1 else concept

    def _named_kinds(self, concept: str) -> list[tuple[str, list[frozenset[str]]]]:
        """The kinds under `concept`, each with the word sets of its names that tell it from
        `concept` (computed once): a name whose words, numbers aside, are all words of a
        name of `concept` tells nothing ("bilateral L4-5 L5-S1 medial branch blocks" is read
        as medial, branch, block and 5: any medial branch block at a level ending in 5)."""
        if concept not in self._kinds:
            is_a = self.terms.is_a
            own = [term_words(n) for n in (self.terms.labels.get(concept, ""),
                                           *self.terms.synonyms.get(concept, ()))]
            def telling(said: frozenset[str]) -> bool:
                return not any({w for w in said if not w.isdigit()} <= mine for mine in own)
            self._kinds[concept] = [
                (iri, [said for n in (label, *self.terms.synonyms.get(iri, ()))
                       if telling(said := term_words(n))])
                for iri, label in self.terms.labels.items()
                if iri != concept and iri.startswith(TERM) and is_a(iri, concept)]
        return self._kinds[concept]

    def graded(self, concept: str, grade: str) -> str:
        """The kind of `concept` named by its grade ('severe' osteoarthritis of the knee:
        the kind whose name opens with 'severe'), else `concept`."""
        key = (concept, grade)
        if key not in self._graded:
            is_a = self.terms.is_a
            kinds = [t for t, label in self.terms.labels.items() if t != concept
                     and label.lower().startswith(grade + " ") and is_a(t, concept)]
            self._graded[key] = min(kinds, key=lambda t: (self.terms.depth(t), t),
                                    default=concept)
        return self._graded[key]

    def _regional(self) -> dict[str, set[str]]:
        """Term -> the body regions its labels and synonyms name (computed once)."""
        if self._regions is None:
            region = TERM + "BodyRegion"
            named: dict[str, set[str]] = {}
            for iri in self.terms.labels:
                if iri.startswith(TERM) and not self.terms.is_a(iri, region):
                    names = (self.terms.labels[iri], *self.terms.synonyms.get(iri, ()))
                    found = {h.term for n in names for h in self.find(n, region)}
                    if found:
                        named[iri] = found
            self._regions = named
        return self._regions

    def suspected(self, text: str) -> list[Match]:
        """What a "suspected X" name names, where the text names X ("the podiatrist suspects an
        osteochondral lesion of the talus", "r/o TFCC tear"): non-overlapping, longest first.
        Whether X is said suspected there is the caller's to ask (its assertion)."""
        toks, found, after = _tokens(text), [], 0
        for i in range(len(toks)):
            if i < after:
                continue
            for n in self.suspicions.lengths.get(toks[i][0], ()):
                key = tuple(t for t, _, _ in toks[i:i + n])
                if len(key) == n and key in self.suspicions.index:
                    found.append(Match(self.suspicions.index[key], toks[i][1], toks[i + n - 1][2]))
                    after = i + n
                    break
        return found

    def first(self, text: str, *within: str) -> Match | None:
        """find(text, *within)[0], without looking further."""
        for _, keys in self._candidates(text):
            for _, iris, start, end in keys:
                if (best := self._best(iris, within)) is not None:
                    return Match(best, start, end)
        return None


@dataclass(frozen=True)
class _Suspicions:
    index: dict[tuple[str, ...], str]  # X's words -> the term named "suspected X"
    lengths: dict[str, tuple[int, ...]]  # key lengths by first word, longest first


def _suspicions(names: list[tuple[str, str]]) -> _Suspicions:
    """The terms named "suspected X" by what X's words are. A suspicion is what imaging
    criteria read ("history and examination suggest a structural lesion"), and a note says it
    many ways besides "suspected" ("rule out", "concern for", "cannot exclude"); X of one word
    is left out ("suspected fracture" is the spine's red flag, a bare "fracture" is anyone's)."""
    index: dict[tuple[str, ...], str] = {}
    for iri, label in sorted(names):
        words = label.split(None, 1)
        if iri.startswith(TERM) and len(words) == 2 and words[0].lower() == "suspected":
            key = tuple(t for t, _, _ in tokens(words[1]))
            if len(key) >= 2:
                index.setdefault(key, iri)
    lengths: dict[str, set[int]] = {}
    for key in index:
        lengths.setdefault(key[0], set()).add(len(key))
    return _Suspicions(index, {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()})


_NARROW_ENOUGH = 3  # the depth of a kind of treatment, below Service and Treatment
_CACHE: dict[int, tuple[Terminology, Lexicon]] = {}


def lexicon_for(terms: Terminology) -> Lexicon:
    """One lexicon per loaded terminology (the KB is loaded once per process)."""
    cached = _CACHE.get(id(terms))
    if cached is None or cached[0] is not terms:
        cached = _CACHE[id(terms)] = (terms, Lexicon(terms))
    return cached[1]


# "an epidural" as clinicians say it: the injection, unless another noun follows that the
# word qualifies ("epidural fibrosis" on an MRI, "epidural leads" of a stimulator)
_ESI = "https://w3id.org/mtus-kg/term/EpiduralSteroidInjection"
_BARE_EPIDURAL = gated(
    r"\bepidurals?\b(?!\s+(?:fibrosis|abscess|lipomatosis|hematoma|haematoma|space|leads?|"
    r"catheters?|anesthe\w*|anaesthe\w*|scar\w*|steroids?|glucocortico\w*|cortico\w*|"
    r"injections?|blocks?|stimulat\w*|electrodes?|spinal|analgesia|pump|veins?|fat|mass|"
    r"compression|disease|lesion|tumou?r|metasta\w*|ster\b))", re.I)  # (looked for on every find)


def _with_bare_epidurals(text: str, found: list[Match]) -> list[Match]:
    bare = [Match(_ESI, m.start(), m.end()) for m in _BARE_EPIDURAL.finditer(text)
            if not any(f.start <= m.start() < f.end for f in found)]
    return sorted(found + bare, key=lambda f: f.start) if bare else found
