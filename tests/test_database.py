import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.database import database_settings, embedded_server_settings

ROOT = Path(__file__).resolve().parent.parent


def test_a_socket_directory_url_connects_through_that_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone:@/biblio?host=/run/sockets")
    config = database_settings(tmp_path)
    assert (config["NAME"], config["USER"], config["HOST"]) == ("biblio", "someone", "/run/sockets")
    assert "host" not in config["OPTIONS"]


def test_the_embedded_server_gets_a_quarter_of_memory_within_bounds():
    assert embedded_server_settings(24 * 2**30)["shared_buffers"] == "6144MB"
    assert embedded_server_settings(1 * 2**30)["shared_buffers"] == "256MB"
    assert embedded_server_settings(256 * 2**30)["shared_buffers"] == "8192MB"
    assert embedded_server_settings(256 * 2**20)["shared_buffers"] == "128MB"
    assert embedded_server_settings(24 * 2**30)["maintenance_work_mem"] == "1024MB"


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
        "import json, django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('select current_database(), version()')\n"
        "    print(*c.fetchone(), sep='|')\n"
        "    c.execute(\"select name from pg_available_extensions where name in ('pg_trgm','unaccent','vector')\")\n"
        "    print(sorted(r[0] for r in c.fetchall()))\n"
        f"{MEMORY}"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    first, extensions, memory = result.stdout.strip().splitlines()
    expected = {name: _bytes(value) for name, value in embedded_server_settings().items()}
    assert json.loads(memory) == expected  # from the first start, not only once restarted
    database, version = first.split("|")
    assert database == "bibliography"
    assert version.startswith("PostgreSQL 18")
    assert extensions == "['pg_trgm', 'unaccent', 'vector']"
    assert (tmp_path / "pgdata" / "PG_VERSION").exists()
    # the server stopped with the last process that used it
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()

    # started again, it runs with the memory sized to this machine, not PostgreSQL's defaults
    script = "import json, django; django.setup()\nfrom django.db import connection\n" + (
        f"with connection.cursor() as c:\n{MEMORY}"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip()) == expected


MEMORY = (
    '    c.execute("select name, pg_size_bytes(current_setting(name)) from pg_settings "\n'
    "              \"where name in ('shared_buffers', 'maintenance_work_mem', 'max_wal_size')\")\n"
    "    print(json.dumps(dict(c.fetchall())))\n"
)


def _bytes(value: str) -> int:
    number, unit = int(value[:-2]), value[-2:]
    return number * {"MB": 2**20, "GB": 2**30}[unit]


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
