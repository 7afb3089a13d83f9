"""Jobs started in the admin and run by the worker: an import of a real .bib with its progress, log and
result; a duplicate search; a job whose worker was killed mid-way leaves nothing written and runs
again to the end."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from bibliography import jobs
from bibliography.models import DuplicateCandidate, ImportRun, Job, Paper, SourceRecord
from tests.factories import make_paper

# Progress is written on its own connection: the job's row must be committed to be seen there.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "progress"])

REAL = Path(__file__).parent / "data" / "real"


def a_real_bib() -> Path:
    return next(p for p in sorted(REAL.rglob("*.bib")) if p.stat().st_size > 2000)


def test_a_curator_imports_a_bib_from_the_admin_and_reads_its_result(client, curator):
    bib = a_real_bib()
    answer = client.post(
        "/admin/bibliography/job/add/",
        {"kind": "import", "file": SimpleUploadedFile(bib.name, bib.read_bytes()), "format": ""},
    )
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/admin/bibliography/job/{job.pk}/change/"
    assert (job.status, job.kind, job.file_name, job.created_by) == ("queued", "import", bib.name, curator)
    page = client.get(answer["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page  # follows the job while it waits and runs

    assert jobs.job_run(job.pk) == "done"  # what the worker does with it
    job.refresh_from_db()
    assert job.status == "succeeded" and job.percent == 100 and job.attempts == 1
    created = job.result["created"]
    assert created == Paper.objects.count() > 0
    assert f"{bib.name}: bibtex, {job.result['records']} records: {created} created" in job.log
    page = client.get(answer["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page and "the new duplicates to decide" in page
    assert jobs.job_run(job.pk) == "not waiting (run by another worker, or done)"  # run once


def test_a_file_uploaded_twice_is_recorded_by_its_own_name(curator):
    bib = a_real_bib()
    for _ in range(2):  # the storage keeps the second copy under another name
        job = jobs.job_start("import", user=curator, upload=SimpleUploadedFile(bib.name, bib.read_bytes()))
        jobs.job_run(job.pk)
    assert Job.objects.filter(status="succeeded").count() == 2
    assert set(ImportRun.objects.values_list("file_name", flat=True)) == {bib.name}
    assert set(SourceRecord.objects.values_list("file_name", flat=True)) == {bib.name}


def test_an_import_needs_a_file_and_only_an_import_takes_one(client, curator):
    refused = client.post("/admin/bibliography/job/add/", {"kind": "import"})
    assert refused.context["adminform"].form.errors["file"] == ["Choose the file to import."]
    refused = client.post(
        "/admin/bibliography/job/add/", {"kind": "suggest_tags", "file": SimpleUploadedFile("a.bib", b"@misc{a,}")}
    )
    assert refused.context["adminform"].form.errors["file"] == ["Only an import takes a file."]
    assert not Job.objects.exists()


def test_a_duplicate_search_from_the_admin(client, curator):
    make_paper(title="Deep residual learning for image recognition", year=2016)
    make_paper(title="Deep Residual Learning for Image Recognition.", year=2016)
    client.post("/admin/bibliography/job/add/", {"kind": "find_duplicates"})
    job = Job.objects.get()
    assert job.options == {"waiting": False}
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result == {"duplicates": 1} == {
        "duplicates": DuplicateCandidate.objects.count()
    }


def test_a_failed_import_says_why_and_writes_nothing(curator):
    job = jobs.job_start(
        "import",
        user=curator,
        upload=SimpleUploadedFile("broken.bib", b"Not a bibliography: no format reads this.\n"),
    )
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "broken.bib" in job.log and job.result["failed"] is True
    assert not Paper.objects.exists()


@pytest.mark.slow
def test_killing_the_worker_mid_import_writes_nothing_and_the_next_worker_finishes_it(tmp_path):
    subprocess.run([sys.executable, "benchmarks/generate.py", "50000", str(tmp_path)], check=True,
                   cwd=settings.BASE_DIR, capture_output=True)  # fmt: skip
    bib = tmp_path / "authors.bib"  # 5,000 entries in one file: one transaction, seconds long
    job = jobs.job_start("import", upload=SimpleUploadedFile(bib.name, bib.read_bytes()))
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@/{db['NAME']}?host={db['HOST']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "MEDIA_ROOT": str(settings.MEDIA_ROOT)}  # fmt: skip
    worker = [sys.executable, "manage.py", "jobs_worker", "--batch", "--interval=0.2"]

    first = subprocess.Popen(
        worker, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if (job.status == "running" and job.done > 0) or job.status not in ("queued", "running"):
            break
        time.sleep(0.2)
    assert job.status == "running" and 0 < job.done < job.total, job.error  # killed mid-way through the file
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert not Paper.objects.exists()  # the import's transaction died with its worker

    second = subprocess.run(worker, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert "Queued again 1 jobs" in second.stdout, second.stdout + second.stderr
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 2), job.log + job.error
    assert (
        "it runs again" in job.log
        and job.result["created"] == Paper.objects.count() == bib.read_text().count("\n@") + 1
    )


def test_records_set_aside_are_listed_in_the_log_and_kept_with_the_job(curator):
    bib = b"@article{a, title = {A}, year = {20x0}}\n@article{b, title = {B}}\n"
    job = jobs.job_start(
        "import",
        user=curator,
        upload=SimpleUploadedFile("mixed.bib", bib),
        options={"skip_invalid": True, "strict": True},
    )
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["created"] == 1 and job.result["rejected"] == 1
    assert "1 records set aside, not imported:\n    mixed.bib:1: year: '20x0' is not a date" in job.log
    kept = job.log.split("They are kept, as the file wrote them, in ")[1].split()[0].rstrip(".")
    assert (Path(settings.MEDIA_ROOT) / kept).read_text() == "@article{a, title = {A}, year = {20x0}}\n"
