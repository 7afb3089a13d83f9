from django.core.management.base import BaseCommand
from tqdm import tqdm

from bibliography import search_index
from bibliography.models import Paper
from bibliography.searching import estimated_rows


class Command(BaseCommand):
    help = (
        "Keep the search index beside the database current (web and job-worker processes do it too), or with "
        "--rebuild build it anew from the database: after restoring a backup, moving SEARCH_INDEX_DIR, or "
        "losing the index."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Build the index anew from every paper.")
        parser.add_argument("--once", action="store_true", help="Take in the changes waiting, then stop.")

    def handle(self, *args, rebuild, once, **options):
        if rebuild:
            with tqdm(total=int(estimated_rows(Paper.objects.all())), unit=" papers", disable=None) as bar:
                count = search_index.rebuild(progress=lambda n: bar.update(n - bar.n))
            where = search_index.library_index(search_index.library_token()).path
            self.stdout.write(f"Indexed {count:,} papers in {where}.")
            return
        if once:
            taken = 0
            while (batch := search_index.take_in()) is not None and batch:
                taken += batch
            self.stdout.write(f"Took in {taken:,} changed papers.")
            return
        indexer = search_index.Indexer()
        indexer.run()  # in this thread, until interrupted
