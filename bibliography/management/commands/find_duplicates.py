from django.core.management.base import BaseCommand

from bibliography.duplicates import TITLE_SIMILARITY, duplicates_find


class Command(BaseCommand):
    help = "Record pairs of papers that may be duplicates, for curators to merge or dismiss in the admin."

    def add_arguments(self, parser):
        parser.add_argument("--since-id", type=int, default=0, help="Only pairs involving papers with a larger id.")
        parser.add_argument("--title-similarity", type=float, default=TITLE_SIMILARITY)

    def handle(self, *args, since_id, title_similarity, **options):
        added = duplicates_find(since_id=since_id, title_similarity=title_similarity)
        self.stdout.write(f"{added} new duplicate candidates.")
