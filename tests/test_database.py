import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.database import database_settings

ROOT = Path(__file__).resolve().parent.parent


def test_a_socket_directory_url_connects_through_that_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone:@/biblio?host=/run/sockets")
    config = database_settings(tmp_path)
    assert (config["NAME"], config["USER"], config["HOST"]) == ("biblio", "someone", "/run/sockets")
    assert "host" not in config["OPTIONS"]


def test_a_host_and_port_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:secret@db.example.org:6543/biblio")
    config = database_settings(tmp_path)
    assert (config["HOST"], config["PORT"], config["PASSWORD"], config["NAME"]) == (
        "db.example.org",
        6543,
        "secret",
        "biblio",
    )


@pytest.mark.slow
def test_the_embedded_server_starts_when_no_database_url_is_set(tmp_path):
    """A fresh data folder: initdb, start, create the database, migrate-ready, stop at exit."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BIBLIOGRAPHY_PGDATA"] = str(tmp_path / "pgdata")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('select current_database(), version()')\n"
        "    print(*c.fetchone(), sep='|')\n"
        "    c.execute(\"select name from pg_available_extensions where name in ('pg_trgm','unaccent','vector')\")\n"
        "    print(sorted(r[0] for r in c.fetchall()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    first, extensions = result.stdout.strip().splitlines()
    database, version = first.split("|")
    assert database == "bibliography"
    assert version.startswith("PostgreSQL 18")
    assert extensions == "['pg_trgm', 'unaccent', 'vector']"
    assert (tmp_path / "pgdata" / "PG_VERSION").exists()
    # the server stopped with the last process that used it
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()


@pytest.mark.slow
def test_the_embedded_server_stops_when_its_last_user_is_terminated(tmp_path):
    """A service manager's SIGTERM stops the server with the process; a user killed outright
    (SIGKILL) leaves it running, but no longer counts once another process has come and gone."""
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["BIBLIOGRAPHY_PGDATA"] = str(tmp_path / "pgdata")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    script = "import django, time; django.setup(); print('ready', flush=True); time.sleep(600)\n"
    running = tmp_path / "pgdata" / "postmaster.pid"

    def user() -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        return process

    killed = user()
    killed.kill()
    killed.wait(timeout=30)
    time.sleep(1)
    assert running.exists()  # nobody told it to stop

    terminated = user()
    terminated.send_signal(signal.SIGTERM)
    assert terminated.wait(timeout=60) == 128 + signal.SIGTERM
    assert not running.exists()
