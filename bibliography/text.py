"""Normalised keys used to recognise the same paper, author or abstract written differently."""

import hashlib
import re
import unicodedata
from functools import lru_cache

_NOT_WORD = re.compile(r"[\W_]+")
# The combining-mark blocks that NFKD splits accents into.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


# For ASCII text: letters lower-cased, digits kept, everything else a space.
_ASCII_FOLD = bytes.maketrans(
    bytes(range(256)), bytes(c if chr(c).isalnum() and c < 128 else 32 for c in bytes(range(256)).lower())
)


# the tags of the internal rich-text form (bibliography/richtext.py)
_MARKUP = re.compile(r'</?(?:i|b|sup|sub)>|<span (?:class="nocase"|style="font-variant:\s*small-caps;?")>|</span>')


def fold(text: str) -> str:
    """Lower-case, accents removed, punctuation and runs of spaces turned into single spaces."""
    if text.isascii():  # most text is; a byte table is five times faster than the regular expression
        return " ".join(text.encode().translate(_ASCII_FOLD).decode().split())
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def title_key(title: str) -> str:
    """The title as matching sees it: its markup (richtext.py) gone, folded."""
    if "<" in title:
        title = _MARKUP.sub("", title)
    return fold(title)[:1000]


@lru_cache(maxsize=100_000)  # an import asks for the same people's keys again and again
def name_key(name: str) -> str:
    return fold(name)[:300]


def abstract_key(abstract: str) -> str | None:
    """A fixed-size digest of the folded abstract: abstracts are too long for a btree key."""
    folded = fold(abstract)
    if not folded:
        return None
    return hashlib.md5(folded.encode(), usedforsecurity=False).hexdigest()


_ISBN = re.compile(r"(?<![0-9X])(?:97[89][- ]?)?(?:[0-9][- ]?){9}[0-9X](?![0-9X])", re.IGNORECASE)


def isbn_key(value: str) -> str | None:
    """The first ISBN written in the value, as its thirteen digits (an ISBN-10 made an ISBN-13),
    so that `0-596-51498-0` and `978-0-596-51498-3` are one book."""
    found = _ISBN.search(value.upper()) if value else None
    if not found:
        return None
    digits = re.sub(r"[- ]", "", found.group())
    if len(digits) == 10:
        stem = "978" + digits[:9]
        check = (10 - sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(stem)) % 10) % 10
        return stem + str(check)
    return digits if len(digits) == 13 else None


def provisional_label(abstract: str, words: int = 12) -> str:
    head = abstract.split()
    label = " ".join(head[:words])
    if len(head) > words:
        label += "…"
    return f"[untitled] {label}" if label else "[untitled]"


_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def whole_number(value: str | None) -> int | None:
    """The number a string of ASCII digits spells (up to a bigint's size), else None.

    `str.isdigit()` is no test for this: it admits "³" and other digits that `int()` refuses.
    """
    return int(value) if value and _WHOLE_NUMBER.fullmatch(value) else None


_SENTENCE_END = re.compile(r"([.!?)\]\"'\u201d\u2019]|https?://\S+)$")


def ends_a_sentence(text: str) -> bool:
    """Whether the text stops where a sentence may (or at a URL, which abstracts often end with):
    a page cut inside a paragraph leaves one that does not."""
    return bool(_SENTENCE_END.search(text.rstrip()))


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """`1 paper`, `2 papers`, `1,204 papers`: a number and its noun, in the number's grammatical number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
