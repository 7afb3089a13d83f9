"""The works a record says its paper cites, as citations between papers.

OpenAlex's `referenced_works` name works by their W-id, a Crossref reference list by DOI. A cited
work already here becomes a citation at once; the others wait as unresolved references, and become
citations when a later batch or file brings them.
"""

from django.db.models.fields.json import KT

from bibliography import identifiers
from bibliography.formats.records import PaperRecord
from bibliography.models import Citation, Paper, PaperAlias, ReferenceScheme, ReviewStatus, Source, UnresolvedReference

from .results import Landed


def references_add(landed: list[Landed]) -> None:
    """The citations of what this batch's records cite, and of what waited for the works it brings."""
    pairs: set[tuple[int, int]] = set()
    waiting: list[UnresolvedReference] = []
    for scheme, cited_of, id_of, stored in (
        (ReferenceScheme.OPENALEX, _openalex_cited, _openalex_id, _stored_by_openalex),
        (ReferenceScheme.DOI, _doi_cited, lambda record: record.doi, _stored_by_doi),
    ):
        citing = {paper.pk: refs for record, paper, _ in landed if (refs := cited_of(record))}
        arrived = {w: paper.pk for record, paper, _ in landed if (w := id_of(record))}
        wanted = {w for refs in citing.values() for w in refs}
        if not citing and not arrived:
            continue
        known = stored(wanted - arrived.keys()) | {w: pk for w, pk in arrived.items() if w in wanted}
        pairs |= {(pk, known[w]) for pk, refs in citing.items() for w in refs if w in known}
        waiting += [
            UnresolvedReference(citing_id=pk, scheme=scheme, value=w)
            for pk, refs in citing.items()
            for w in refs
            if w not in known
        ]
        resolved = UnresolvedReference.objects.filter(scheme=scheme, value__in=arrived)
        pairs |= {(pk, arrived[w]) for pk, w in resolved.values_list("citing_id", "value")}
        resolved.delete()
    citations = [
        Citation(citing_id=a, cited_id=b, source=Source.IMPORTED, status=ReviewStatus.ACCEPTED)
        for a, b in sorted(pairs)
        if a != b
    ]
    Citation.objects.bulk_create(citations, ignore_conflicts=True)  # a pair already there stays as it is
    UnresolvedReference.objects.bulk_create(waiting, ignore_conflicts=True)


def openalex_of(record: PaperRecord) -> dict:
    """What an OpenAlex work record says of itself (its id, its references), kept in its extra."""
    openalex = record.extra.get("openalex")
    return openalex if isinstance(openalex, dict) else {}


def _openalex_cited(record: PaperRecord) -> list[str]:
    return openalex_of(record).get("referenced_works") or []


def _openalex_id(record: PaperRecord) -> str | None:
    return openalex_of(record).get("id")


def _stored_by_openalex(works: set[str]) -> dict[str, int]:
    stored = Paper.objects.annotate(openalex=KT("extra__openalex__id"))  # paper_openalex_id_idx
    known = dict(stored.filter(openalex__in=works).values_list("openalex", "id"))
    # a work merged into another since: its W-id is an alias of the survivor (paperalias_openalex_id_idx)
    merged = PaperAlias.objects.filter(openalex_id__in=works - known.keys())
    return known | dict(merged.values_list("openalex_id", "paper_id"))


def _doi_cited(record: PaperRecord) -> list[str]:
    """The DOIs of a Crossref reference list (CSL-JSON from Crossref carries one: `reference`)."""
    references = record.extra.get("reference")
    if not isinstance(references, list):
        return []
    found = []
    for reference in references:
        said = reference.get("DOI") if isinstance(reference, dict) else None
        try:
            doi = identifiers.doi(said) if isinstance(said, str) else None
        except identifiers.NotAnIdentifier:
            continue
        if doi and len(doi) <= 300:
            found.append(doi)
    return list(dict.fromkeys(found))


def _stored_by_doi(dois: set[str]) -> dict[str, int]:
    return dict(Paper.objects.filter(doi__in=dois).values_list("doi", "id"))  # paper_doi unique index
