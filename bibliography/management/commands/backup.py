from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bibliography.backups import BackupError, database_backup


class Command(BaseCommand):
    help = "Back up the whole database to one file (pg_dump's custom format); `restore` reads it back."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, metavar="FILE", help="Where to write the backup.")

    def handle(self, *args, output, **options):
        try:
            summary = database_backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up {summary.tables} tables to {summary.path} ({summary.bytes / 1e6:.1f} MB).")
