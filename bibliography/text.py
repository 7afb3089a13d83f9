"""Normalised keys used to recognise the same paper, author or abstract written differently."""

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")
# The combining-mark blocks that NFKD splits accents into.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """Lower-case, accents removed, punctuation and runs of spaces turned into single spaces."""
    if not text.isascii():  # most text is ASCII, and decomposing it is the slow part
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def title_key(title: str) -> str:
    return fold(title)[:1000]


def name_key(name: str) -> str:
    return fold(name)[:300]


def abstract_key(abstract: str) -> str | None:
    """A fixed-size digest of the folded abstract: abstracts are too long for a btree key."""
    folded = fold(abstract)
    if not folded:
        return None
    return hashlib.md5(folded.encode(), usedforsecurity=False).hexdigest()


def provisional_label(abstract: str, words: int = 12) -> str:
    head = abstract.split()
    label = " ".join(head[:words])
    if len(head) > words:
        label += "…"
    return f"[untitled] {label}" if label else "[untitled]"
