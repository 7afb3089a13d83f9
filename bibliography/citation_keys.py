"""Citation keys: `vaswani2017attention`, made once per paper and kept.

A key is what a LaTeX document cites, so it must not move when a curator later fixes a title: it
is stored on the paper (`Paper.citation_key`, unique) the first time the paper is imported or
saved, and from then on only read. The one exception is a provisional key, made while the paper
had no author or no year (`anonndlanguage`): once the paper has both it gets a real key, and the
provisional one stays an alias (`CitationKeyAlias`), so a document that cited it still resolves.
Clashes get a letter: `…attention`, `…attentionb`, `…attentionc`.
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
    held = Paper.objects.filter(citation_key__any=keys).values_list("citation_key", flat=True)
    return set(held) | set(CitationKeyAlias.objects.filter(key__any=keys).values_list("key", flat=True))


def keys_locked() -> None:
    """Take the key lock for the rest of the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_KEYS_LOCK])


def provisional(first_family: str | None, paper: Paper) -> bool:
    """Whether a key made now would be provisional: the paper lacks an author or a year."""
    return not first_family or not paper.year


def keys_assign(papers: Sequence[Paper]) -> None:
    """Give a key to each of these (saved, authors prefetched) papers that has none yet, and a real
    one to each whose key is provisional and that now has an author and a year (the provisional
    key is kept as an alias)."""
    todo = [paper for paper in papers if not paper.citation_key or paper.citation_key_provisional]
    if not todo:
        return
    with transaction.atomic():
        keys_locked()
        current = {
            pk: (key, is_provisional)
            for pk, key, is_provisional in Paper.objects.filter(pk__any=[p.pk for p in todo]).values_list(
                "id", "citation_key", "citation_key_provisional"
            )
        }
        fresh, families, settled = [], [], []
        for paper in todo:
            key, is_provisional = current.get(paper.pk, (None, False))
            paper.citation_key, paper.citation_key_provisional = key, is_provisional
            family = next((p.parts.family for p in people(paper)), None)
            if key is None or (is_provisional and not provisional(family, paper)):
                if key is not None and key.startswith(key_stem(paper, family)):
                    paper.citation_key_provisional = False  # already what it would become
                    settled.append(paper)
                    continue
                fresh.append(paper)
                families.append(family)
        Paper.objects.bulk_update(settled, ["citation_key_provisional"])
        if not fresh:
            return
        old_keys = {paper.pk: paper.citation_key for paper in fresh if paper.citation_key}
        stems = [(None, key_stem(paper, family)) for paper, family in zip(fresh, families, strict=True)]
        for paper, family, key in zip(fresh, families, choose_keys(stems), strict=True):
            paper.citation_key, paper.citation_key_provisional = key, provisional(family, paper)
        Paper.objects.bulk_update(fresh, ["citation_key", "citation_key_provisional"])
        CitationKeyAlias.objects.bulk_create(
            [CitationKeyAlias(key=key, paper_id=pk) for pk, key in old_keys.items()], ignore_conflicts=True
        )
