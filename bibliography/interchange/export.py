"""Writing papers out in a reference manager's format, in bounded memory whatever their number."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from bibliography.models import Paper

from . import bibtex, csljson, ris
from .keys import keys_assign

CHUNK_PAPERS = 1000


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    render: Callable[[Sequence[Paper]], str]
    # a JSON array needs brackets around the items and commas between chunks
    head: str = ""
    tail: str = ""
    between_chunks: str = ""

    def document(self, papers: Sequence[Paper]) -> str:
        keys_assign(papers)
        return self.head + self.render(papers) + self.tail


FORMATS = {
    "bibtex": Format("bibtex", bibtex.MEDIA_TYPE, "bib", bibtex.bibtex_text),
    "csljson": Format("csljson", csljson.MEDIA_TYPE, "json", csljson.csljson_text, "[\n", "\n]\n", ",\n"),
    "ris": Format("ris", ris.MEDIA_TYPE, "ris", ris.ris_text),
}


def export_chunks(
    papers: QuerySet,
    format: Format,
    chunk_size: int = CHUNK_PAPERS,
    on_chunk: Callable[[int], object] | None = None,
) -> Iterator[str]:
    """The whole export as pieces of text, in id order, one chunk of papers at a time.

    Pages by id (keyset), so each chunk is one short query however far into the table it is.
    Papers without a citation key get one first (and keep it).
    """
    yield format.head
    last_id, first = 0, True
    while True:
        ids = list(papers.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:chunk_size])
        if not ids:
            break
        chunk = list(Paper.objects.for_listing().filter(id__in=ids).order_by("id"))
        keys_assign(chunk)
        if chunk:
            yield ("" if first else format.between_chunks) + format.render(chunk)
            first = False
        if on_chunk:
            on_chunk(len(chunk))
        last_id = ids[-1]
    yield format.tail
