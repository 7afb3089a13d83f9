"""Counts of papers per year, venue, kind, type, concept, keyword, author or tag status: the facets
of a list, for whatever papers a search and filters chose."""

from django.db.models import Count, QuerySet

from bibliography.models import Authorship, PaperConcept, PaperKeyword, ReviewStatus

GROUPS = ["year", "venue", "kind", "item_type", "concept", "keyword", "author", "tag_status"]


def paper_counts(papers: QuerySet, key: str) -> list[dict]:
    """How many of these papers have each value of `key` (one of GROUPS): every value, not the top N."""
    ids = papers.order_by().values("id")
    rows, key_field, name_field, count, ordering = {
        "year": (papers.order_by(), "year", None, Count("id"), ["-year"]),
        "kind": (papers.order_by(), "kind", None, Count("id"), ["kind"]),
        "item_type": (papers.order_by(), "item_type", None, Count("id"), ["-count", "item_type"]),
        "keyword": (
            PaperKeyword.objects.filter(paper__in=ids),  # paperkeyword_keyword_idx
            "keyword__name",
            None,
            Count("paper_id"),
            ["-count", "keyword__name"],
        ),
        "venue": (papers.order_by(), "venue_id", "venue__name", Count("id"), ["-count", "venue_id"]),
        "concept": (
            PaperConcept.objects.filter(paper__in=ids, status=ReviewStatus.ACCEPTED),
            "concept__slug",
            "concept__name",
            Count("paper_id"),
            ["-count", "concept__slug"],
        ),
        "author": (
            Authorship.objects.filter(paper__in=ids),
            "author_id",
            "author__name",
            Count("paper_id"),
            ["-count", "author__name"],
        ),
        "tag_status": (
            PaperConcept.objects.filter(paper__in=ids),
            "status",
            None,
            Count("paper_id", distinct=True),
            ["status"],
        ),
    }[key]
    fields = [key_field, name_field] if name_field else [key_field]
    grouped = rows.values(*fields).annotate(count=count).order_by(*ordering)
    return [
        {"key": row[key_field], **({"name": row[name_field]} if name_field else {}), "count": row["count"]}
        for row in grouped
    ]
