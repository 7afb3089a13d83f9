"""Imports as separate processes against the test database: killed midway, or two at the same moment."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from bibliography.importers.lock import IMPORT_LOCK_KEY
from bibliography.models import ImportRun, Paper, SourceRecord
from tests.dumps import ABSTRACT, HEADER, write

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]

TABLES = [
    "bibliography_paper",
    "bibliography_sourcerecord",
    "bibliography_paperlink",
    "bibliography_venue",
    "bibliography_importrun",
    "bibliography_citationkeystem",
]


def database_url() -> str:
    s = connection.settings_dict
    credentials = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    if str(s["HOST"]).startswith("/"):
        return f"postgresql://{credentials}@/{s['NAME']}?host={quote(s['HOST'])}"
    return f"postgresql://{credentials}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def start_import(*paths: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    env["DJANGO_DEBUG"] = "0"
    command = [sys.executable, str(ROOT / "manage.py"), "import_dumps", "--no-progress", *map(str, paths)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def contents() -> dict[str, str]:
    """Every row of the tables an import writes, as one digest per table."""
    digest = "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
    return {table: scalar(digest.format(table)) for table in TABLES}


def listing(tmp_path: Path, name: str, papers: int) -> Path:
    body = "".join(f"Paper {name} number {n}\n\n{ABSTRACT} https://github.com/{name}/p{n}\n\n" for n in range(papers))
    return write(tmp_path, HEADER + body, f"{name}.txt")


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def import_lock_held() -> bool:
    return (
        scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s AND objid = %s",
            [IMPORT_LOCK_KEY >> 32, IMPORT_LOCK_KEY & 0xFFFFFFFF],
        )
        > 0
    )


def test_an_import_killed_midway_leaves_the_database_as_it_was(tmp_path):
    done = start_import(listing(tmp_path, "first", 10))
    assert done.wait(timeout=120) == 0, done.stderr.read()
    before = contents()
    papers_before = Paper.objects.count()
    ids_before = scalar("SELECT last_value FROM bibliography_paper_id_seq")

    victim = start_import(listing(tmp_path, "big", 8000))
    try:
        # sequences move outside transactions: two batches written means the import is well under way
        wait_for(lambda: scalar("SELECT last_value FROM bibliography_paper_id_seq") >= ids_before + 2000, 120,
                 "two batches")  # fmt: skip
        assert victim.poll() is None, "the import finished before it could be killed; make the file bigger"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        if victim.poll() is None:
            victim.kill()
    # PostgreSQL rolls the orphaned transaction back once it sees the client gone
    wait_for(lambda: not import_lock_held(), 60, "the killed import's transaction to end")

    assert victim.returncode == -signal.SIGKILL
    assert contents() == before
    assert Paper.objects.count() == papers_before
    again = start_import(tmp_path / "big.txt")  # nothing stuck: no lock, no half-written key counters
    assert again.wait(timeout=300) == 0, again.stderr.read()
    assert Paper.objects.count() == papers_before + 8000


def test_two_processes_importing_the_same_files_at_once_make_no_duplicates(tmp_path):
    files = [listing(tmp_path, "one", 1500), listing(tmp_path, "two", 1500)]
    both = [start_import(*files), start_import(*reversed(files))]
    for process in both:
        assert process.wait(timeout=300) == 0, process.stderr.read()

    assert Paper.objects.count() == 3000
    assert SourceRecord.objects.count() == 3000
    assert Paper.objects.values("title_key").distinct().count() == 3000
    assert sorted(ImportRun.objects.values_list("created", flat=True)) == [0, 0, 1500, 1500]


def children_of(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(child) for child in task.read_text().split()}
    return found


def test_a_library_import_killed_midway_leaves_nothing_behind(tmp_path):
    """A reference manager's file is parsed in a process of its own: killed with the importer."""
    entries = "".join(
        f'@article{{k{n},\n  title = {{Title number {n}}},\n  author = {{Smith, Jo and M{{\\"u}}ller, Ann}},\n'
        f"  year = {{2020}},\n  abstract = {{{ABSTRACT}}}\n}}\n\n"
        for n in range(20000)
    )
    path = write(tmp_path, entries, "big.bib")
    ids_before = scalar("SELECT last_value FROM bibliography_paper_id_seq")
    victim = start_import(path)
    try:
        wait_for(lambda: scalar("SELECT last_value FROM bibliography_paper_id_seq") >= ids_before + 2000, 120,
                 "two batches")  # fmt: skip
        parser = children_of(victim.pid)
        assert parser, "the library is parsed in a child process"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        if victim.poll() is None:
            victim.kill()
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in parser), 5, "the parser to end")
    wait_for(lambda: not import_lock_held(), 60, "the killed import's transaction to end")
    assert not Paper.objects.exists()
