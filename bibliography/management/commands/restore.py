from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bibliography.backups import BackupError, database_restore


class Command(BaseCommand):
    help = "Replace everything in the database by a backup made with `backup`, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path, yes, **options):
        database = connection.settings_dict["NAME"]
        if not yes:
            answer = input(f"This replaces everything in the database {database!r} by {path}. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            summary = database_restore(Path(path))
        except BackupError as error:
            raise CommandError(f"{error}; the database is unchanged") from None
        self.stdout.write(f"Restored {summary.tables} tables from {summary.path} into {database!r}.")
