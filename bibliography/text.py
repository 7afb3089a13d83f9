"""Normalised keys used to recognise the same paper, author or abstract written differently."""

import hashlib
import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case, accents removed, punctuation and runs of spaces turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", stripped.casefold()).strip()


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
