from django.core.management import call_command
from django.core.management.base import BaseCommand

from bibliography.jobs import jobs_recover
from bibliography.search_index import start_indexer


class Command(BaseCommand):
    help = (
        "Run the jobs curators start from the admin (imports, duplicate searches, tag suggestions, enrichment), "
        "one at a time, first queuing again those a stopped worker left running."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Stop once no job is waiting (for scripts and tests).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks for a waiting job.")

    def handle(self, *args, batch, interval, **options):
        again = jobs_recover()
        if again:
            self.stdout.write(f"Queued again {len(again)} jobs a stopped worker left running: {again}.")
        worker = ["--batch"] if batch else []
        if not batch:
            start_indexer()  # keeps the search index current while no web process runs
        # never reloaded on a code change: a reload would stop a job mid-way
        call_command(
            "db_worker", *worker, f"--interval={interval}", "--no-startup-delay", "--no-reload", stdout=self.stdout
        )
