"""The keys under which two near-identical titles meet: MinHash signatures of a title's trigrams
(datasketch), cut into bands and each band hashed to one 64-bit key (locality-sensitive hashing).

Two titles share a key when all the minima of one band agree, which happens with probability
1 - (1 - s**ROWS)**BANDS for trigram sets of Jaccard similarity s, the measure pg_trgm's
similarity() computes: 0.9965 at 0.8 (the duplicate threshold), 0.87 at 0.7, 0.17 at 0.5,
0.005 at 0.3, 0.000002 at 0.1. So finding a paper's look-alikes reads the few papers that share one of its keys
(an index lookup), not every paper whose title shares a trigram with it.

The keys depend on BANDS, ROWS, SEED, SCHEME and datasketch's hashing: changing any of them means
recomputing every paper's keys (a migration that empties bibliography_titlesketch.bands).
"""

import hashlib
import zlib

from datasketch import MinHash

BANDS = 24
ROWS = 7
SEED = 1
SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=BANDS * ROWS, seed=SEED, scheme=SCHEME).permutations


def trigrams(key: str) -> set[bytes]:
    """A folded title's trigrams as pg_trgm makes them: each word padded with two spaces before and
    one after."""
    grams = set()
    for word in key.split():
        padded = f"  {word} ".encode()
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def title_bands(keys: list[str]) -> list[list[int]]:
    """The band keys of each folded title (text.title_key); an empty title has none."""
    # One MinHash, cleared for each title: making one per title costs more than hashing the title.
    sketch = MinHash(num_perm=BANDS * ROWS, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32, permutations=_PERMUTATIONS)
    bands = []
    for key in keys:
        grams = trigrams(key)
        if not grams:
            bands.append([])
            continue
        sketch.clear()
        sketch.update_batch(grams)
        bands.append(_bands(sketch.hashvalues))
    return bands


def _bands(values) -> list[int]:
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(values[band * ROWS : (band + 1) * ROWS].tobytes(), digest_size=8, salt=bytes([band]))
        keys.append(int.from_bytes(digest.digest(), "big", signed=True))
    return keys
