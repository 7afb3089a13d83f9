"""A search's snippet: the one or two passages of an abstract where the search's words are, those
words marked, the rest of the text escaped.

Made in Python for the rows of a page only, with the search index's own analyzer: PostgreSQL's
ts_headline parsed every listed abstract whole (0.27 ms each at a million papers, 3 ms of a 14 ms
API search). Like ts_headline, it marks every form of a searched word ("model" marks "models"),
never a stopword or an excluded word, and gives the first words when none is in the text.
"""

import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from bibliography import search_text


def _ranges(codes):
    """Consecutive code points as (first, last) ranges."""
    first = last = None
    for code in codes:
        if last is not None and code == last + 1:
            last = code
            continue
        if first is not None:
            yield first, last
        first = last = code
    if first is not None:
        yield first, last


MAX_WORDS = 35  # in one passage
MIN_WORDS = 15  # shown when no searched word is in the text
PASSAGES = 2
DELIMITER = " ... "
CONTEXT = 6  # words shown before a passage's first searched word, where there are

# The index's tokenizer: runs of letters, digits and the marks that belong to them (a Devanagari
# vowel sign is no \w to Python, but part of a word to tantivy)
_MARKS = "".join(
    f"{re.escape(chr(low))}-{re.escape(chr(high))}"
    for low, high in _ranges(code for code in range(0x300, 0x20000) if unicodedata.category(chr(code)) in ("Mn", "Mc"))
)
_TOKEN = re.compile(rf"[^\W_]+(?:[{_MARKS}]+[^\W_]*)*")
_ASCII_TOKEN = re.compile(r"[^\W_]+")  # where there can be no marks: 58 µs for 1,500 characters, not 91
TEXT_READ = 100_000  # characters of an abstract the index reads, and a snippet too


def stem(word: str) -> str:
    """The word as the index holds it: folded to lower-case ASCII and stemmed ("" for none)."""
    return _stem(word) if len(word) < search_text.LONGEST else ""  # a longer one is not kept


def folded(word: str) -> str:
    """The word folded to lower-case ASCII, not stemmed (as a prefix is looked up)."""
    return _folded(word) if len(word) < search_text.LONGEST else ""


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    tokens = search_text.WORDS.analyze(word)
    return tokens[0] if tokens else ""


@lru_cache(maxsize=100_000)
def _folded(word: str) -> str:
    tokens = search_text.NAMES.analyze(word)
    return tokens[0] if tokens else ""


@dataclass(frozen=True)
class Marks:
    """Which words of a text a search marks: its words' stems, and where the search read them so,
    its last word as a prefix and words one typo away."""

    stems: frozenset[str]
    prefix: str = ""
    typo_from: int = 0  # a searched stem at least this long also marks words one edit away (0: none)

    @classmethod
    def of(cls, terms: str, *, prefix: bool = False, typos: bool = False) -> "Marks":
        stems = set()
        last = ""
        for clause in search_text.SearchText(terms).clauses:
            for excluded, _, text in clause:
                if excluded:
                    continue
                for word in _TOKEN.findall(text):
                    if word.lower() not in search_text.STOPWORDS and (stemmed := stem(word)):
                        stems.add(stemmed)
                        last = word
        start = folded(last) if prefix and len(last) >= 3 else ""
        return cls(frozenset(stems), start, search_text.TYPO_FROM if typos else 0)

    def marks(self, word: str) -> bool:
        stemmed = stem(word)
        if not stemmed:
            return False
        if stemmed in self.stems:
            return True
        if self.prefix and folded(word).startswith(self.prefix):
            return True
        return bool(self.typo_from) and any(
            len(searched) >= self.typo_from and _one_edit_apart(stemmed, searched) for searched in self.stems
        )


def snippet(text: str, marks: Marks) -> str:
    """The passages of `text` with the most searched words (at most PASSAGES of MAX_WORDS words each,
    in the text's order, joined by DELIMITER), those words in <mark>; the first MIN_WORDS words when
    none is there. The only markup in it is its own <mark>: everything else is escaped."""
    text = text[:TEXT_READ]
    words = _ASCII_TOKEN if text.isascii() else _TOKEN
    tokens = [(m.start(), m.end(), m.group()) for m in words.finditer(text)]
    if not tokens:
        return html.escape(text.strip(), quote=False)
    marked = [i for i, (_, _, word) in enumerate(tokens) if marks.marks(word)]
    if not marked:
        return html.escape(text[tokens[0][0] : tokens[min(MIN_WORDS, len(tokens)) - 1][1]], quote=False)
    chosen = _passages(tokens, marked)
    hit = set(marked)
    return DELIMITER.join(_marked(text, tokens, first, last, hit) for first, last in chosen)


def _passages(tokens, marked: list[int]) -> list[tuple[int, int]]:
    """(first, last) token of each passage: a window of MAX_WORDS from a little before a searched
    word, the windows with the most different searched words (then the most of them) first, none
    overlapping another, in the text's order."""
    if len(tokens) <= MAX_WORDS:
        return [(0, len(tokens) - 1)]
    windows = []
    for position in marked:
        first = max(0, min(position - CONTEXT, len(tokens) - MAX_WORDS))
        last = first + MAX_WORDS - 1
        inside = marked[bisect_left(marked, first) : bisect_right(marked, last)]
        different = len({stem(tokens[i][2]) for i in inside})
        windows.append((-different, -len(inside), first, last))
    chosen: list[tuple[int, int]] = []
    for _, _, first, last in sorted(windows):
        if all(last < taken_first or first > taken_last for taken_first, taken_last in chosen):
            chosen.append((first, last))
            if len(chosen) == PASSAGES:
                break
    chosen.sort()
    if len(chosen) == 2 and chosen[0][1] + 1 == chosen[1][0]:  # side by side: one passage, no delimiter
        chosen = [(chosen[0][0], chosen[1][1])]
    return chosen


def _marked(text: str, tokens, first: int, last: int, hit: set[int]) -> str:
    parts = []
    at = tokens[first][0]
    for i in range(first, last + 1):
        start, end, _ = tokens[i]
        if i in hit:
            parts.append(html.escape(text[at:start], quote=False))
            parts.append(f"<mark>{html.escape(text[start:end], quote=False)}</mark>")
            at = end
    parts.append(html.escape(text[at : tokens[last][1]], quote=False))
    return "".join(parts)


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
