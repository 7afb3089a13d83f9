import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bibliography.enriching.enrich import enrich, papers_wanting
from bibliography.enriching.http import PoliteClient
from bibliography.enriching.sources import ArxivApi, Crossref, OpenAlex
from bibliography.management.paper_filters import add_filter_arguments, filtered_papers, filters_given
from bibliography.models import Paper

SOURCES = ["openalex", "crossref", "arxiv"]


class Command(BaseCommand):
    help = (
        "Look papers up in OpenAlex, Crossref and arXiv: what a surely-same work knows fills the papers' "
        "blanks; differences, and works that may be the paper, become proposals for curators. "
        "By default, the papers missing identifiers or authors."
    )

    def add_arguments(self, parser):
        chosen = parser.add_mutually_exclusive_group()
        chosen.add_argument("--all", action="store_true", help="Every paper the filters select, complete or not.")
        chosen.add_argument("--paper", nargs="+", type=int, metavar="ID", help="Only these papers.")
        add_filter_arguments(parser)
        parser.add_argument(
            "--sources", nargs="+", choices=SOURCES, default=SOURCES, help="Which services, asked in this order."
        )
        parser.add_argument("--offline", action="store_true", help="Answer from the cache only; never connect.")
        parser.add_argument("--limit", type=int, metavar="N", help="At most this many papers.")

    def handle(self, *args, all, paper, sources, offline, limit, **options):
        papers = Paper.objects.filter(pk__in=paper) if paper else Paper.objects.all()
        if filters_given(options):
            papers = filtered_papers(options, papers)
        if not (all or paper):
            papers = papers_wanting(papers)
        papers = papers.order_by("id")[:limit] if limit else papers.order_by("id")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        contact = settings.ENRICH_CONTACT_EMAIL
        if not contact and not offline:
            self.stderr.write(
                "No contact address: set BIBLIOGRAPHY_CONTACT_EMAIL so that the services know who asks "
                "(OpenAlex and Crossref serve such requests first)."
            )
        client = PoliteClient(settings.ENRICH_CACHE, contact=contact, offline=offline)
        made = {
            "openalex": lambda: OpenAlex(client, contact=contact, api_key=settings.OPENALEX_API_KEY),
            "crossref": lambda: Crossref(client, contact=contact),
            "arxiv": lambda: ArxivApi(client),
        }
        try:
            with tqdm(unit=" papers", disable=not sys.stderr.isatty(), file=sys.stderr) as progress:
                result = enrich(papers.iterator(chunk_size=200), [made[name]() for name in sources],
                                on_progress=progress.update)  # fmt: skip
        finally:
            client.close()
        for failure in result.failures:
            self.stderr.write(failure)
        self.stdout.write(
            f"Looked up {result.looked_up} papers ({client.asked} requests, the rest from the cache): "
            f"{result.completed} completed from a work that is surely theirs, {result.proposed} proposals "
            f"for curators, {result.not_found} found nowhere"
            + (f", {result.not_cached} lookups not in the cache (offline)" if result.not_cached else "")
            + (f", {len(result.failures)} lookups failed" if result.failures else "")
            + "."
        )
