import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bibliography.duplicates import TITLE_SIMILARITY, WORKERS, duplicates_find, duplicates_waiting
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
        parser.add_argument(
            "--workers",
            type=int,
            default=WORKERS,
            help=f"Connections that compare waiting papers at once (default {WORKERS}: one per core, up to four).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, waiting, title_similarity, workers, no_progress, **options):
        if workers < 1:
            raise CommandError("--workers: at least 1.")
        added = search_with_progress(
            everything=not waiting, title_similarity=title_similarity, show=not no_progress, workers=workers
        )
        self.stdout.write(f"{added} new duplicate candidates.")


def search_with_progress(
    *, everything: bool, title_similarity: float = TITLE_SIMILARITY, show: bool = True, workers: int = WORKERS
) -> int:
    """duplicates_find() with a progress bar on a terminal (counted only when it is shown)."""
    show = show and sys.stderr.isatty()
    total = (duplicates_waiting() + (int(estimated_rows(Paper.objects.all())) if everything else 0)) if show else 0
    with tqdm(total=total, unit="paper", desc="duplicates", disable=not show, leave=False) as bar:
        return duplicates_find(
            everything=everything,
            title_similarity=title_similarity,
            on_progress=lambda done: bar.update(done - bar.n),
            workers=workers,
        )
