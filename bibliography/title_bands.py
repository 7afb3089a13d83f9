"""The keys under which two near-identical titles meet: MinHash signatures of a title's trigrams
(datasketch's permutations), cut into bands and each band hashed to one 64-bit key
(locality-sensitive hashing).

Two titles share a key when all the minima of one band agree, which happens with probability
1 - (1 - s**ROWS)**BANDS for trigram sets of Jaccard similarity s, the measure pg_trgm's
similarity() computes: 0.9965 at 0.8 (the duplicate threshold), 0.87 at 0.7, 0.17 at 0.5, 0.005 at
0.3, 0.000002 at 0.1. So finding a paper's look-alikes reads the few papers that share one of its
keys (an index lookup), not every paper whose title shares a trigram with it. Fewer bands would cost
less to write and look up, but 16 of 7 rows miss 2.3% of pairs at 0.8, and volumes of one series
(0.83-0.91) are pairs a curator must see.

A batch of titles is hashed at once (numpy): a title at a time spent most of its time in Python,
building trigram sets and one blake2b digest per band.

The keys depend on BANDS, ROWS, SEED, datasketch's permutations and the hashing below: changing any
of them means recomputing every paper's keys: a migration that empties bibliography_titlesketch (as
0062 did) and, since 0063, puts every paper in the search's queue (bibliography_waitingpaper), where
papers wait; keys emptied alone would never be made again.
"""

import hashlib
import re
from functools import cache

import numpy as np

BANDS = 24
ROWS = 7
SEED = 1
# A title at a time would be slow; a whole batch at once holds (trigrams x permutations) integers,
# 4 bytes each: about 40,000 characters of titles at a time keep that near 30 MB, however long they are.
_CHUNK_CHARACTERS = 40_000
_SPACE = ord(" ")
_PLAIN = re.compile(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?")
# Fixed bytes, not a random generator's, whose stream numpy may change between versions.
_SALTS = np.frombuffer(hashlib.shake_128(b"title bands").digest(8 * BANDS), dtype="<u8").astype(np.uint64)


def title_sketches(keys: list[str]) -> tuple[list[list[int]], list[int | None]]:
    """The band keys of each folded title (text.title_key; an empty title has none), and how many
    distinct trigrams pg_trgm makes of it, where it makes them as _grams() does (words of a-z and 0-9
    between single spaces; None for other titles). Two titles of m and n trigrams are at most
    min(m, n) / max(m, n) alike: most titles sharing a band by chance are told apart by their sizes
    alone, before pg_trgm compares them."""
    bands, counts, start, size = [], [], 0, 0
    for end, key in enumerate(keys, 1):
        size += len(key) + 1
        if size >= _CHUNK_CHARACTERS or end == len(keys):
            chunk = keys[start:end]
            grams, title_of = _grams(chunk)
            bands += _bands(*_signatures(grams, title_of, len(chunk)))
            counts += _counts(chunk, grams, title_of)
            start, size = end, 0
    return bands, counts


def bands_text(bands: list[int]) -> str:
    """The keys as PostgreSQL writes a bigint[], for COPY and array parameters: "{1,-2}"."""
    return "{" + ",".join(map(str, bands)) + "}"


def title_bands(keys: list[str]) -> list[list[int]]:
    return title_sketches(keys)[0]


def trigram_counts(keys: list[str]) -> list[int | None]:
    return title_sketches(keys)[1]


def signatures(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each title's MinHash signature (one row each, of those with trigrams) and which titles have one."""
    return _signatures(*_grams(keys), len(keys))


def _signatures(grams: np.ndarray, title_of: np.ndarray, titles: int) -> tuple[np.ndarray, np.ndarray]:
    has = np.zeros(titles, dtype=bool)
    has[title_of] = True
    if not len(grams):
        return np.empty((0, BANDS * ROWS), dtype=np.uint32), has
    firsts = np.flatnonzero(np.r_[True, title_of[1:] != title_of[:-1]])
    a, b = _permutations()
    permuted = _fmix(grams)[:, None] * a + b  # datasketch's affine32 scheme, wrapping in uint32
    return np.minimum.reduceat(permuted, firsts, axis=0), has


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash  # noqa: PLC0415 — its package imports scipy (0.4 s): paid by a process making keys only

    return MinHash(num_perm=BANDS * ROWS, seed=SEED, scheme="affine32").permutations


def _bands(minima: np.ndarray, has: np.ndarray) -> list[list[int]]:
    rows = minima.reshape(len(minima), BANDS, ROWS).astype(np.uint64)
    digest = np.broadcast_to(_SALTS, rows.shape[:2]).copy()
    for row in range(ROWS):  # FNV-1a over the band's minima, then a 64-bit finaliser
        digest = (digest ^ rows[:, :, row]) * np.uint64(0x100000001B3)
    keyed = iter(_fmix(digest).view(np.int64).tolist())
    return [next(keyed) if present else [] for present in has]


def _counts(keys: list[str], grams: np.ndarray, title_of: np.ndarray) -> list[int | None]:
    pairs = np.sort((title_of.astype(np.uint64) << np.uint64(24)) | grams)  # np.unique hashes: 5 times slower
    distinct = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    counts = np.bincount((distinct >> np.uint64(24)).astype(np.int64), minlength=len(keys)).tolist()
    return [count if _PLAIN.fullmatch(key) else None for key, count in zip(keys, counts, strict=True)]


def _grams(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every trigram of every title as pg_trgm makes them (each word padded with two spaces before
    and one after), as the integer of its three bytes, with the index of its title."""
    padded = ["  " + "   ".join(key.split()) + " " if key.strip() else "" for key in keys]
    data = np.frombuffer("".join(padded).encode(), dtype=np.uint8).astype(np.uint32)
    lengths = np.fromiter((len(p.encode()) for p in padded), dtype=np.int64, count=len(padded))
    if len(data) < 3:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.int64)
    # A window whose last two bytes are spaces crosses from one padded word (or title) to the next.
    starts = np.flatnonzero(~((data[1:-1] == _SPACE) & (data[2:] == _SPACE)))
    grams = (data[starts] << 16) | (data[starts + 1] << 8) | data[starts + 2]
    title_of = np.searchsorted(np.cumsum(lengths), starts, side="right")
    return grams, title_of


# MurmurHash3's finalisers: the 32-bit one is how datasketch mixes a value before its affine32
# permutations; the 64-bit one finishes a band's key.
_FMIX = {
    np.uint32: (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16),
    np.uint64: (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33),
}


def _fmix(values: np.ndarray) -> np.ndarray:
    shift, multiply, shift2, multiply2, shift3 = (values.dtype.type(c) for c in _FMIX[values.dtype.type])
    values = (values ^ (values >> shift)) * multiply
    values = (values ^ (values >> shift2)) * multiply2
    return values ^ (values >> shift3)
