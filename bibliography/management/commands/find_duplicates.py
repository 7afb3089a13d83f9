import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from bibliography.duplicates import TITLE_SIMILARITY, duplicates_find, duplicates_waiting
from bibliography.models import Paper
from bibliography.searching import estimated_rows


class Command(BaseCommand):
    help = (
        "Record pairs of papers that may be duplicates, for curators to merge or dismiss in the admin: "
        "among all papers, or with --waiting only for those new or changed since the last search."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--waiting", action="store_true", help="Only papers added or changed since the last search (as imports do)."
        )
        parser.add_argument("--title-similarity", type=float, default=TITLE_SIMILARITY)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, waiting, title_similarity, no_progress, **options):
        total = duplicates_waiting() + (0 if waiting else int(estimated_rows(Paper.objects.all())))
        show = not no_progress and sys.stderr.isatty()
        with tqdm(total=total, unit="paper", desc="duplicates", disable=not show, leave=False) as bar:
            added = duplicates_find(
                everything=not waiting,
                title_similarity=title_similarity,
                on_progress=lambda done: bar.update(done - bar.n),
            )
        self.stdout.write(f"{added} new duplicate candidates.")
