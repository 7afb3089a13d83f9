"""Citation keys: `vaswani2017attention`, made once per paper and never changed after.

A key is what a LaTeX document cites, so it must not move when a curator later fixes a title or
adds an author: it is stored on the paper (`Paper.citation_key`, unique) the first time the paper
is imported or exported, and from then on only read. Clashes get a letter: `…attention`,
`…attentionb`, `…attentionc`.
"""

import re
import string
from collections.abc import Sequence

from django.db import connection, transaction

from bibliography import richtext, text
from bibliography.formats.fields import people
from bibliography.models import CITATION_KEY_PATTERN, CitationKeyAlias, CitationKeyStem, Paper

# Key assignment runs one at a time: two exports choosing keys at once could choose the same one.
_KEYS_LOCK = 0x6B657973  # "keys"

STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "by", "can", "do", "does", "for", "from", "how", "in", "into", "is", "it",
    "of", "on", "or", "the", "to", "toward", "towards", "via", "what", "when", "where", "which", "who", "why", "with",
})  # fmt: skip
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def key_stem(paper: Paper, first_family: str | None) -> str:
    """`family` + `year` + first significant word of the title (of the abstract when untitled)."""
    name = _NOT_KEY.sub("", text.fold(first_family or "")) or "anon"
    title = richtext.plain(paper.title) or paper.abstract[:300]
    words = [w for w in _NOT_KEY.sub(" ", text.fold(title)).split() if w not in STOPWORDS]
    word = words[0] if words else "untitled"
    return f"{name[:40]}{paper.year or 'nd'}{word[:40]}"


def usable_key(key: str | None) -> str | None:
    """A key given by an imported file, if it can be kept as it is."""
    if key and len(key) <= Paper._meta.get_field("citation_key").max_length and re.match(CITATION_KEY_PATTERN, key):
        return key
    return None


def suffix(position: int) -> str:
    """The suffix at this position of the sequence "", b, c, …, z, aa, ab, …, zz, aaa, …"""
    if position < 26:
        return string.ascii_lowercase[position] if position else ""
    rest, length = position - 26, 2
    while rest >= 26**length:
        rest -= 26**length
        length += 1
    letters = []
    for _ in range(length):
        rest, digit = divmod(rest, 26)
        letters.append(string.ascii_lowercase[digit])
    return "".join(reversed(letters))


def choose_keys(wanted: Sequence[tuple[str | None, str]]) -> list[str]:
    """Free keys for (preferred key or None, stem) pairs, in order; call inside `keys_locked()`.

    A preferred key (from an imported file) is kept when nobody has it; otherwise the stem gets the
    next suffix its `CitationKeyStem` counter names. Candidates are checked by exact lookups; a taken
    one (a key typed by a curator, or given before counters existed) makes its stem try the next
    position, then skip ahead twice as far each round: a stem with thousands of older keys settles
    in a dozen queries.
    """
    chosen: list[str] = [""] * len(wanted)
    in_use: set[str] = set()
    taken = _taken({key for key, _ in wanted if key})
    pending = []
    for n, (preferred, _) in enumerate(wanted):
        if preferred and preferred not in taken and preferred not in in_use:
            chosen[n] = preferred
            in_use.add(preferred)
        else:
            pending.append(n)
    stems = {wanted[n][1] for n in pending}
    counters = dict(CitationKeyStem.objects.filter(stem__in=stems).values_list("stem", "next_suffix"))
    jumps = dict.fromkeys(stems, 0)
    while pending:
        for n in pending:
            stem = wanted[n][1]
            position = counters.get(stem, 0)
            chosen[n], counters[stem] = stem + suffix(position), position + 1
        taken = _taken({chosen[n] for n in pending})
        retry = []
        for n in pending:
            if chosen[n] in taken or chosen[n] in in_use:
                retry.append(n)
                stem = wanted[n][1]
                counters[stem] += jumps[stem]
                jumps[stem] = max(1, 2 * jumps[stem])
            else:
                in_use.add(chosen[n])
        pending = retry
    CitationKeyStem.objects.bulk_create(
        [CitationKeyStem(stem=stem, next_suffix=counters[stem]) for stem in sorted(stems)],
        update_conflicts=True,
        unique_fields=["stem"],
        update_fields=["next_suffix"],
    )
    return chosen


def _taken(keys: set[str]) -> set[str]:
    """Keys that papers have, or that name a paper as an alias."""
    if not keys:
        return set()
    held = Paper.objects.filter(citation_key__in=keys).values_list("citation_key", flat=True)
    return set(held) | set(CitationKeyAlias.objects.filter(key__in=keys).values_list("key", flat=True))


def keys_locked() -> None:
    """Take the key lock for the rest of the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_KEYS_LOCK])


def keys_assign(papers: Sequence[Paper]) -> None:
    """Give a key to each of these (saved, authors prefetched) papers that has none yet."""
    todo = [paper for paper in papers if not paper.citation_key]
    if not todo:
        return
    with transaction.atomic():
        keys_locked()
        already = dict(
            Paper.objects.filter(pk__in=[p.pk for p in todo])
            .exclude(citation_key=None)
            .values_list("id", "citation_key")
        )
        fresh = [paper for paper in todo if paper.pk not in already]
        stems = [(None, key_stem(paper, next((p.parts.family for p in people(paper)), None))) for paper in fresh]
        for paper, key in zip(fresh, choose_keys(stems), strict=True):
            paper.citation_key = key
        Paper.objects.bulk_update(fresh, ["citation_key"])
        for paper in todo:
            if paper.pk in already:
                paper.citation_key = already[paper.pk]
