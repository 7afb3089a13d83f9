"""The citation keys of imported papers: a new paper's own, a provisional key made again when a file
changes what it is made from, and the other keys files name a paper by (aliases)."""

from django.db.models import Prefetch

from bibliography.citation_keys import StemCounters, choose_keys, key_stem, keys_assign, keys_locked, usable_key
from bibliography.formats.records import PaperRecord
from bibliography.models import Authorship, CitationKeyAlias, Paper
from bibliography.names import split_name


def keys_choose(new: list[tuple[PaperRecord, Paper]], counters: StemCounters | None) -> None:
    """Citation keys for new papers: the file's own key when free, else one made like an export's
    (the stems' counters held in `counters`, when given, for the rest of the file)."""
    if not new:
        return
    keys_locked()
    wanted = [(usable_key(record.citation_key), key_stem(paper, _first_family(record))) for record, paper in new]
    for (record, paper), (preferred, _), key in zip(new, wanted, choose_keys(wanted, counters), strict=True):
        paper.citation_key = key
        paper.citation_key_provisional = key != preferred  # the file's own key is in use; one made here is not yet
        if record.citation_key and record.citation_key != key:
            paper.extra = {**paper.extra, "citation-key": record.citation_key}  # the file's own, taken or unusable


def keys_follow(touched: set[int]) -> None:
    """Papers this file changed (authors, a year, a title) have their provisional keys made again."""
    if not touched:
        return
    authorships = Authorship.objects.select_related("author").order_by("position")
    following = Paper.objects.filter(pk__in=touched, citation_key_provisional=True)
    keys_assign(list(following.prefetch_related(Prefetch("authorships", authorships))))


def key_aliases_add(aliases: list[tuple[str, Paper]]) -> None:
    """An entry that is a paper already there (a second entry of the file, or another file's): its
    key names the paper too, unless another paper has it."""
    wanted = {key: paper for key, paper in aliases if usable_key(key) and key != paper.citation_key}
    if not wanted:
        return
    taken = set(Paper.objects.filter(citation_key__any=wanted).order_by().values_list("citation_key", flat=True))
    CitationKeyAlias.objects.bulk_create(
        [CitationKeyAlias(key=key, paper=paper) for key, paper in wanted.items() if key not in taken],
        ignore_conflicts=True,
    )


def _first_family(record: PaperRecord) -> str | None:
    if not record.authors:
        return None
    first = record.authors[0]
    return first.parts.family if first.parts else split_name(first.name).family
