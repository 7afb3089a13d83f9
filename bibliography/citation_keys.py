"""Citation keys: `vaswani2017attention`, made for each paper, kept once used.

A key is what a LaTeX document cites, so once anything may cite it, it must not move when a curator
later fixes a title. A key made here is provisional (`Paper.citation_key_provisional`) until it is
used: it follows the record, made again whenever the first author's name, the year or the title's
first word changes, so that it never contradicts the paper (but never for a record that lacks an
author or a year: a key does not become `anonnd…`). It is used, and kept from then on,
once it is exported to a file with an author and a year (the admin's export, the export command;
an `anonnd…` key is never final), typed by a curator or a script, or given by an imported file.
The API's reads write nothing: a script fixes a key by setting one. A key that changes stays an alias
(`CitationKeyAlias`), so whatever cited it still resolves, and the paper takes it back if the record
goes back. Clashes get a letter: `…attention`, `…attentionb`, `…attentionc`.
"""

import re
import string
from collections.abc import Sequence
from operator import attrgetter

from django.db import connection, transaction

from bibliography import richtext, text
from bibliography.formats.fields import people
from bibliography.history import papers_snapshot, requesting_user
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


class StemCounters:
    """The stems' next suffixes, read once and kept in memory while the key lock is held (until the
    transaction ends: nobody else moves them meanwhile), then written by `save()`. An import writes
    them once a file instead of once a batch of 1,000 (15 s of upserts for a million e-prints)."""

    HELD_AT_MOST = 50_000  # then written and forgotten: the memory a file takes does not grow with it

    def __init__(self):
        self.next: dict[str, int] = {}
        self.unsaved: set[str] = set()

    def read(self, stems: set[str]) -> dict[str, int]:
        """The next suffix of each stem (and of the others held); a stem never used starts at 0."""
        if unknown := stems - self.next.keys():
            self.next.update(dict.fromkeys(unknown, 0))
            self.next.update(CitationKeyStem.objects.filter(stem__in=unknown).values_list("stem", "next_suffix"))
        return self.next

    def moved(self, stems: set[str]) -> None:
        self.unsaved |= stems
        if len(self.next) > self.HELD_AT_MOST:
            self.save()

    def save(self) -> None:
        """Written, never moving a counter back (a key chosen meanwhile without these counters, such as
        a provisional key made again, may have moved it further), and forgotten."""
        if self.unsaved:
            stems = sorted(self.unsaved)
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO bibliography_citationkeystem (stem, next_suffix) "
                    "SELECT * FROM unnest(%s::text[], %s::integer[]) "
                    "ON CONFLICT (stem) DO UPDATE SET next_suffix = "
                    "greatest(bibliography_citationkeystem.next_suffix, excluded.next_suffix)",
                    [stems, [self.next[stem] for stem in stems]],
                )
        self.next.clear()
        self.unsaved.clear()


def choose_keys(wanted: Sequence[tuple[str | None, str]], counters: StemCounters | None = None) -> list[str]:
    """Free keys for (preferred key or None, stem) pairs, in order; call inside `keys_locked()`.

    A preferred key (from an imported file) is kept when nobody has it; otherwise the stem gets the
    next suffix its `CitationKeyStem` counter names. Candidates are checked by exact lookups; a taken
    one (a key typed by a curator, or given before counters existed) makes its stem try the next
    position, then skip ahead twice as far each round: a stem with thousands of older keys settles
    in a dozen queries. The counters are written at once, unless `counters` holds them for the
    caller (an import, which writes them once a file).
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
    held = counters if counters is not None else StemCounters()
    stems = {wanted[n][1] for n in pending}
    next_suffix = held.read(stems)
    jumps = dict.fromkeys(stems, 0)
    while pending:
        for n in pending:
            stem = wanted[n][1]
            position = next_suffix[stem]
            chosen[n], next_suffix[stem] = stem + suffix(position), position + 1
        taken = _taken({chosen[n] for n in pending})
        retry = []
        for n in pending:
            if chosen[n] in taken or chosen[n] in in_use:
                retry.append(n)
                stem = wanted[n][1]
                next_suffix[stem] += jumps[stem]
                jumps[stem] = max(1, 2 * jumps[stem])
            else:
                in_use.add(chosen[n])
        pending = retry
    held.moved(stems)
    if counters is None:
        held.save()
    return chosen


def _taken(keys: set[str]) -> set[str]:
    """Keys that papers have, or that name a paper as an alias."""
    if not keys:
        return set()
    held = Paper.objects.filter(citation_key__any=keys).order_by().values_list("citation_key", flat=True)
    return set(held) | set(CitationKeyAlias.objects.filter(key__any=keys).order_by().values_list("key", flat=True))


def keys_locked() -> None:
    """Take the key lock for the rest of the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_KEYS_LOCK])


def keys_assign(papers: Sequence[Paper]) -> None:
    """Give a key to each of these (saved, authors prefetched) papers that has none yet, and make
    again each provisional key the record no longer makes (the old key kept as an alias; one of the
    paper's own aliases that the record makes again taken back)."""
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
        fresh, stems = [], []
        for paper in todo:
            key, is_provisional = current.get(paper.pk, (None, False))
            paper.citation_key, paper.citation_key_provisional = key, is_provisional
            family = next((p.parts.family for p in people(paper)), None)
            stem = key_stem(paper, family)
            # a record without a first author or a year makes no key worth moving to (`anonnd…`)
            if key is None or (is_provisional and family and paper.year and not _made_from(key, stem)):
                fresh.append(paper)
                stems.append(stem)
        if not fresh:
            return
        old_keys = {paper.pk: paper.citation_key for paper in fresh if paper.citation_key}
        own = CitationKeyAlias.objects.filter(paper_id__any=[paper.pk for paper in fresh])
        stem_of = {paper.pk: stem for paper, stem in zip(fresh, stems, strict=True)}
        taken_back = {}
        for alias in sorted(own.order_by(), key=attrgetter("key")):
            if _made_from(alias.key, stem_of[alias.paper_id]):
                taken_back.setdefault(alias.paper_id, alias.key)
        CitationKeyAlias.objects.filter(key__any=list(taken_back.values())).delete()
        wanted = [(taken_back.get(paper.pk), stem) for paper, stem in zip(fresh, stems, strict=True)]
        for paper, key in zip(fresh, choose_keys(wanted), strict=True):
            paper.citation_key, paper.citation_key_provisional = key, True
        Paper.objects.bulk_update(fresh, ["citation_key", "citation_key_provisional"])
        # logged with the save that changed the record, when a person made it (the admin, the API)
        by = requesting_user()
        papers_snapshot(
            [p.pk for p in fresh], reason="" if by else "citation key made from the record", created=False, by=by
        )
        CitationKeyAlias.objects.bulk_create(
            [CitationKeyAlias(key=key, paper_id=pk) for pk, key in old_keys.items()], ignore_conflicts=True
        )


def _made_from(key: str, stem: str) -> bool:
    """Whether the key is the stem, or the stem and a clash's letters."""
    rest = key[len(stem) :]
    return key.startswith(stem) and (not rest or rest.isascii() and rest.isalpha() and rest.islower())


def keys_used(paper_ids: Sequence[int]) -> None:
    """These papers' keys were exported: the final ones (made with an author and a year) stay as
    they are from now on, whatever the records become."""
    if not paper_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE bibliography_paper p SET citation_key_provisional = false
            WHERE p.id = ANY(%s) AND p.citation_key_provisional AND p.year IS NOT NULL
                AND EXISTS (SELECT FROM bibliography_authorship a WHERE a.paper_id = p.id)
            """,
            [list(paper_ids)],
        )
