from django.core.management.base import BaseCommand

from bibliography.citations import citations_find


class Command(BaseCommand):
    help = (
        "Propose citations found in abstracts (titles, short names, DOIs, arXiv ids, code URLs) for curators to decide."
    )

    def add_arguments(self, parser):
        parser.add_argument("--papers", nargs="+", type=int, metavar="ID", help="Only these citing papers.")

    def handle(self, *args, papers, **options):
        report = citations_find(citing_ids=papers)
        self.stdout.write(
            f"Read {report.papers_read} abstracts: {report.found} mentions, {report.created} new suggested citations."
        )
