"""The library at a glance, for the charts of the admin's index and of a concept's page: papers per
year, the concepts with most papers, papers added per kind of file, and imports over time. Each is
read in a bounded number of queries, whatever the library's size."""

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from bibliography import searching
from bibliography.models import Concept, ImportRun, ImportStatus, Paper

SHOWN_CONCEPTS = 15
SHOWN_DAYS = 90


def library_overview() -> dict:
    return {
        "years": papers_per_year(),
        "concepts": top_concepts(),
        "formats": papers_per_format(),
        "imports": imports_per_day(),
    }


def papers_per_year(papers: QuerySet | None = None) -> list[dict]:
    """{year, papers, estimated} oldest first. For the whole library, the years come from a loose
    index scan and each year's count stops at searching.EXACT_COUNT_LIMIT (the planner's estimate
    above it); for some papers (a concept's), one grouped count of them."""
    if papers is not None:
        grouped = papers.order_by().exclude(year=None).values("year").annotate(n=Count("id")).order_by("year")
        return [{"year": row["year"], "papers": row["n"], "estimated": False} for row in grouped]
    years = sorted(Paper.objects.years())
    counts = [searching.counted(Paper.objects.filter(year=year)) for year in years]  # paper_year_idx
    return [{"year": y, "papers": n, "estimated": about} for y, (n, about) in zip(years, counts, strict=True)]


def top_concepts(limit: int = SHOWN_CONCEPTS) -> list[dict]:
    """The topics with most accepted papers (with those of the topics below them)."""
    rows = (
        Concept.objects.with_paper_counts()
        .exclude(kind="category")
        .order_by("-paper_count_with_descendants", "name")
        .values("name", "slug", "paper_count_with_descendants")[:limit]
    )
    return [{"name": r["name"], "slug": r["slug"], "papers": r["paper_count_with_descendants"]} for r in rows if
            r["paper_count_with_descendants"]]  # fmt: skip


def papers_per_format() -> list[dict]:
    """Papers the imports created, per kind of file (the import runs' own counts: one row per file)."""
    done = ImportRun.objects.filter(status=ImportStatus.SUCCEEDED).exclude(format="")
    rows = done.values("format").annotate(papers=Sum("created")).order_by("-papers", "format")
    return [{"format": r["format"], "papers": r["papers"] or 0} for r in rows]


def imports_per_day(days: int = SHOWN_DAYS) -> list[dict]:
    """Papers created and updated by the imports of each day, on the last `days` days that had any."""
    done = ImportRun.objects.filter(status=ImportStatus.SUCCEEDED)
    rows = (
        done.annotate(day=TruncDate("started_at"))
        .values("day")
        .annotate(created=Sum("created"), updated=Sum("updated"), files=Count("id"))
        .order_by("-day")[:days]
    )
    return [
        {"day": r["day"].isoformat(), "created": r["created"] or 0, "updated": r["updated"] or 0, "files": r["files"]}
        for r in reversed(rows)
    ]
