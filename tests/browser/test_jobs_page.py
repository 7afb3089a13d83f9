"""A curator imports a real .bib from the admin in Chromium, at a desktop's and a phone's width, and
follows the job's page to its end while the worker (as quickstart starts it) runs it; no shell."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bibliography.models import Job, Paper
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BIB = Path(__file__).resolve().parent.parent / "data" / "real" / "acm-dl-legacy-elderly.bib"


def worker_for_this_database() -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}:{db['PASSWORD'] or ''}@/{db['NAME']}?host={db['HOST']}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    command = [sys.executable, "manage.py", "jobs_worker", "--batch", "--interval=0.2"]
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_curator_imports_a_bib_and_follows_its_job_to_the_papers(log_in, width):
    _, page = log_in("/admin/bibliography/job/add/?kind=import", "#id_file", width=width)
    assert page.input_value("#id_kind") == "import"
    page.set_input_files("#id_file", str(BIB))
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist >> text=is queued")
    worker = worker_for_this_database()
    try:
        # the page reloads itself until the job is done
        page.wait_for_selector(".field-status:has-text('done')", timeout=120_000)
    finally:
        _, errors = worker.communicate(timeout=120)
    job = Job.objects.get()
    assert job.status == "succeeded", errors
    assert page.locator("progress[value='100']").count() == 1
    log = page.inner_text(".field-log_shown")
    assert f"{BIB.name}: bibtex" in log and f"{job.result['created']} created" in log
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SCREENSHOTS / "curation" / f"job-{width}.png"), full_page=True)

    page.click(f"text=the papers of {BIB.name}")
    page.wait_for_selector("#result_list")
    listed = page.locator("#result_list tbody tr").count()
    assert listed == min(50, job.result["created"]) == min(50, Paper.objects.count())
    page.go_back()
    page.click("text=the new duplicates to decide")
    page.wait_for_selector("h1:has-text('duplicates')")
