import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from bibliography.accounts import first_admin_ensure


class Command(BaseCommand):
    help = "Migrate, import the bundled dumps, make a first administrator account and serve the admin and API."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Stop after setting up; do not serve.")
        parser.add_argument("--no-import", action="store_true", help="Do not import the bundled dumps.")

    def handle(self, *args, addrport, no_serve, no_import, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        if not no_import:
            dumps = Path(settings.BASE_DIR) / "fixtures" / "dumps"
            call_command("import_dumps", str(dumps), stdout=self.stdout, stderr=self.stderr)
            call_command("suggest_tags", stdout=self.stdout)
            call_command("find_citations", stdout=self.stdout)

        username, password = first_admin_ensure()
        url = f"http://{addrport}/admin/"
        if password:
            made = f"Created the administrator account “{username}” (a superuser) with password: {password}"
            self.stdout.write(self.style.SUCCESS(made))
            self.stdout.write("It is shown only now; change it with: python manage.py changepassword " + username)
            self.stdout.write("Give each curator an account of their own in the curator group (Users in the admin).")
        else:
            self.stdout.write(
                f"Log in as “{username}” (forgot the password? python manage.py changepassword {username})."
            )
        self.stdout.write(f"Admin: {url}")
        if not no_serve:
            # the worker that runs the jobs curators start in the admin (Jobs): imports, duplicate searches, …
            manage = Path(settings.BASE_DIR) / "manage.py"
            # in a session of its own: Ctrl-C stops the server, which then stops the worker and waits for it,
            # so that the processes sharing the embedded database leave it one at a time
            worker = subprocess.Popen([sys.executable, str(manage), "jobs_worker"], start_new_session=True)  # noqa: S603
            self.stdout.write(f"Job worker started (process {worker.pid}).")
            try:
                call_command("runserver", addrport, use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=30)
