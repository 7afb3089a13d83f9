"""Writing papers out in a reference manager's format, in bounded memory whatever their number."""

import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from django.db.models import Prefetch, QuerySet

from bibliography.citation_keys import keys_used
from bibliography.formats.base import Format
from bibliography.models import Attachment, Paper

CHUNK_PAPERS = 1000


def for_export(papers: QuerySet) -> QuerySet:
    """With what a file of them writes: what a list shows, and the attached files (without their text)."""
    files = Attachment.objects.defer("text", "search_vector").order_by("id")
    return papers.for_listing().prefetch_related(Prefetch("attachments", queryset=files))


def export_document(format: Format, papers: Sequence[Paper]) -> str:
    """A few papers (a page of the API) as one file. Reading writes nothing: papers get their key
    when they are made (imports, the admin, the API; migration 0023 for older ones)."""
    return format.head + format.render(papers) + format.tail


def export_chunks(
    papers: QuerySet,
    format: Format,
    chunk_size: int = CHUNK_PAPERS,
    on_chunk: Callable[[int], object] | None = None,
) -> Iterator[str]:
    """The whole export as pieces of text, in id order, one chunk of papers at a time: a file a
    curator or the export command writes, whose keys documents will cite (keys_used makes them final).

    Pages by id (keyset), so each chunk is one short query however far into the table it is.
    """
    yield format.head
    last_id, first = 0, True
    while True:
        ids = list(papers.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:chunk_size])
        if not ids:
            break
        chunk = list(for_export(Paper.objects.filter(id__in=ids)).order_by("id"))
        if chunk:
            yield ("" if first else format.between) + format.render(chunk)
            keys_used([paper.pk for paper in chunk])
            first = False
        if on_chunk:
            on_chunk(len(chunk))
        last_id = ids[-1]
    yield format.tail


def copy_files(papers: QuerySet, directory: Path) -> int:
    """Copy these papers' attached files into the directory under their stored names, the paths
    the exports' `file` fields give, so that a reference manager opening the export finds them."""
    copied = 0
    for attachment in Attachment.objects.filter(paper__in=papers.values("id")).defer("text").iterator(chunk_size=500):
        target = directory / attachment.file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with attachment.file.storage.open(attachment.file.name, "rb") as stored, target.open("wb") as copy:
            shutil.copyfileobj(stored, copy)
        copied += 1
    return copied
