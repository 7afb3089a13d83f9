"""The band keys of titles, hashed a batch at a time: the same MinHash as datasketch's, over the
trigrams pg_trgm compares, whatever batch a title comes in."""

from string import ascii_lowercase, digits

import numpy as np
import pytest
from datasketch import MinHash
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from bibliography import text
from bibliography.duplicates import _SIZES, TITLE_SIMILARITY
from bibliography.title_bands import BANDS, ROWS, SEED, signatures, title_bands, trigram_counts


def trigrams(key: str) -> set[int]:
    """pg_trgm's trigrams of a folded title, each word padded with two spaces before and one after,
    as the integer of its three bytes: a title at a time, the plain way."""
    grams = set()
    for word in key.split():
        padded = f"  {word} ".encode()
        grams.update(int.from_bytes(padded[i : i + 3], "big") for i in range(len(padded) - 2))
    return grams


titles = st.lists(st.text(max_size=80).map(text.title_key) | st.text(max_size=40), max_size=12)


@settings(max_examples=200, deadline=None)
@given(titles)
def test_a_batch_is_hashed_as_datasketch_hashes_each_title_alone(batch):
    minima, has = signatures(batch)
    assert has.tolist() == [bool(trigrams(key)) for key in batch]
    for row, key in zip(minima, [key for key in batch if trigrams(key)], strict=True):
        alone = MinHash(num_perm=BANDS * ROWS, seed=SEED, scheme="affine32", hashfunc=int)
        alone.update_batch(sorted(trigrams(key)))
        assert np.array_equal(row, alone.hashvalues)
    assert title_bands(batch) == [keys for key in batch for keys in title_bands([key])]
    plain = [set(key) <= set(ascii_lowercase + digits + " ") and key == " ".join(key.split()) for key in batch]
    counts = [len(trigrams(key)) if simple or not key else None for key, simple in zip(batch, plain, strict=True)]
    assert trigram_counts(batch) == counts


def test_batches_larger_than_a_chunk_keep_each_title_its_keys():  # 1,500 titles of 40 characters and more
    batch = [f"the art of computer programming volume {n}" for n in range(1500)] + [""]
    assert title_bands(batch) == [keys for key in batch for keys in title_bands([key])]
    assert all(len(keys) == BANDS for keys in title_bands(batch)[:-1])


@pytest.mark.django_db
@settings(max_examples=50, deadline=None)
@given(st.lists(st.text("abcxyz019", min_size=1, max_size=12), min_size=1, max_size=8).map(" ".join))
def test_the_trigrams_are_pg_trgms(key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm(%s)", [key])
        theirs = {int.from_bytes(gram.encode(), "big") for gram in cursor.fetchone()[0]}
    assert trigrams(key) == theirs
    assert trigram_counts([key]) == [len(theirs)]  # so that a pair's sizes bound its similarity
    assert signatures([key])[1].tolist() == [True]


def test_a_titles_keys_stay_what_the_library_stored():
    """The keys are stored (bibliography_titlesketch): if an upgrade of numpy or datasketch changed
    them, new papers would no longer meet the old ones, silently. Changing them needs a migration that
    empties every paper's keys and queues every paper (bibliography_waitingpaper; title_bands.py says
    how), and then this test's values."""
    assert title_bands(["the lottery ticket hypothesis"])[0][:3] == [
        -8925437432450914858,
        -3471289551213589896,
        -367418367048796718,
    ]


words = st.lists(st.text("abcdef01", min_size=1, max_size=7), min_size=1, max_size=8)


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(words, st.integers(0, 8), words)
def test_a_pair_the_search_drops_by_its_sizes_is_never_alike_to_pg_trgm(title, cut, added):
    """duplicates._SIZES, evaluated by PostgreSQL on the stored counts, against pg_trgm's similarity():
    a pair at the threshold or above always passes (the filter only saves work)."""
    a, b = " ".join(title), " ".join(title[:cut] + added[:2] + title[cut + 1 :])
    m, n = trigram_counts([a, b])
    sizes = _SIZES.format(a="os", b="ns")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT similarity(%(a)s, %(b)s), {sizes} FROM (SELECT %(m)s::smallint AS grams) os, "
            "(SELECT %(n)s::smallint AS grams) ns",
            {"a": a, "b": b, "m": m, "n": n, "similarity": TITLE_SIMILARITY},
        )
        alike, kept = cursor.fetchone()
    assert kept or alike < TITLE_SIMILARITY


@pytest.mark.django_db
def test_titles_of_very_different_sizes_are_dropped_and_unknown_sizes_kept():
    sizes = _SIZES.format(a="os", b="ns")
    kept = []
    with connection.cursor() as cursor:
        for m, n in [(10, 40), (16, 20), (None, 40)]:
            cursor.execute(
                f"SELECT {sizes} FROM (SELECT %(m)s::smallint AS grams) os, (SELECT %(n)s::smallint AS grams) ns",
                {"m": m, "n": n, "similarity": TITLE_SIMILARITY},
            )
            kept.append(cursor.fetchone()[0])
    assert kept == [False, True, True]  # 16 / 20 is 0.8: at the threshold, kept
