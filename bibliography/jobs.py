"""Jobs a curator starts from the admin: queued in PostgreSQL with django-tasks' database backend,
run by `manage.py jobs_worker`, their progress and log written as they run, on a connection of their
own (DATABASES["progress"]) so that they show while the work's own transaction is open.

A worker holds a PostgreSQL advisory lock on each job it runs, on the progress connection; a worker
that stops mid-job (killed, the machine restarted) loses its connection and with it the lock, and the
next worker to start runs the job again from the start (jobs_recover). Each job's writes are all or
nothing per step (an import is one transaction per file), so nothing is half-written, and running it
again finishes it."""

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.files.base import File
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from bibliography.duplicates import duplicates_find, duplicates_waiting
from bibliography.importers.load import import_file
from bibliography.models import Job, JobKind, JobStatus, Paper
from bibliography.searching import estimated_rows

PROGRESS_DB = "progress"
# The first key of the jobs' advisory locks (the second is the job's id): other locks use other keys.
LOCK_SPACE = 7301
MAX_ATTEMPTS = 3
LOG_CHARS = 200_000


def job_start(kind: str, *, user=None, upload=None, options: dict | None = None) -> Job:
    """Queue a job; an import's file is kept in the storage with the job."""
    job = Job(kind=kind, options=options or {}, created_by=user if user and user.is_authenticated else None)
    if upload is not None:
        job.file_name = Path(upload.name).name[:255]
        job.file.save(job.file_name, File(upload), save=False)
    return job_queue(job)


def job_queue(job: Job) -> Job:
    """Save a job made elsewhere (the admin's form) and tell the worker once it is committed."""
    job.status = JobStatus.QUEUED
    job.save()
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> str:
    """What the worker runs: the job, unless another worker has it already."""
    return job_run(job_id)


def job_run(job_id: int) -> str:
    with transaction.atomic():
        job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id, status=JobStatus.QUEUED).first()
        if job is None:
            return "not waiting (run by another worker, or done)"
        job.status, job.attempts = JobStatus.RUNNING, job.attempts + 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.done, job.total, job.error = 0, None, ""
        job.save()
    progress = Progress(job.pk, job.log)
    with connections[PROGRESS_DB].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, job.pk])  # held while this worker lives
    try:
        result = RUNNERS[job.kind](job, progress)
    except Exception as error:  # noqa: BLE001 — whatever stopped it is the job's error, for the curator to read
        _finish(job.pk, JobStatus.FAILED, {}, f"{type(error).__name__}: {error}", progress)
        return "failed"
    finally:
        with connections[PROGRESS_DB].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, job.pk])
    _finish(job.pk, JobStatus.FAILED if result.get("failed") else JobStatus.SUCCEEDED, result, "", progress)
    return "done"


def jobs_recover() -> list[int]:
    """Queue again the running jobs whose worker stopped (their lock is free: its connection is gone);
    one whose worker stopped MAX_ATTEMPTS times fails, with a note. Returns the ids queued again."""
    now, again = timezone.now(), []
    with connections[PROGRESS_DB].cursor() as cursor:
        for job in Job.objects.using(PROGRESS_DB).filter(status=JobStatus.RUNNING).order_by("id"):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, job.pk])
            if not cursor.fetchone()[0]:
                continue  # its worker is alive
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, job.pk])
            if job.attempts >= MAX_ATTEMPTS:
                job.status, job.finished_at = JobStatus.FAILED, now
                job.error = f"Its worker stopped {job.attempts} times while running it; nothing of it was kept."
                job.save(using=PROGRESS_DB, update_fields=["status", "finished_at", "error"])
                continue
            job.status = JobStatus.QUEUED
            job.log += f"\n[{now:%Y-%m-%d %H:%M:%S}] The worker stopped while running this job: it runs again.\n"
            job.save(using=PROGRESS_DB, update_fields=["status", "log"])
            again.append(job.pk)
    for pk in again:
        run_job.enqueue(pk)
    return again


class Progress:
    """How far a job is, and its log, written on their own connection as the work goes."""

    def __init__(self, job_id: int, log: str = ""):
        self.job_id = job_id
        self.lines: list[str] = [log.strip("\n")] if log.strip() else []  # a former run's, kept above

    def set(self, done: int, total: int | None = None, unit: str = "") -> None:
        fields = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields |= {"total": total, "unit": unit}
        Job.objects.using(PROGRESS_DB).filter(pk=self.job_id).update(**fields)

    def say(self, text: str) -> None:
        self.lines.append(text.rstrip("\n"))
        Job.objects.using(PROGRESS_DB).filter(pk=self.job_id).update(log=self.text, heartbeat_at=timezone.now())

    @property
    def text(self) -> str:
        whole = "\n".join(self.lines)
        return whole if len(whole) <= LOG_CHARS else "…" + whole[-LOG_CHARS:]


def _finish(job_id: int, status: str, result: dict, error: str, progress: Progress) -> None:
    Job.objects.filter(pk=job_id).update(
        status=status, result=result, error=error, log=progress.text, finished_at=timezone.now(),
        heartbeat_at=timezone.now(), done=F("total") if status == JobStatus.SUCCEEDED else F("done"),
    )  # fmt: skip


def _import(job: Job, progress: Progress) -> dict:
    with tempfile.TemporaryDirectory(prefix="bibliography-job-") as folder:
        # under the name it was uploaded by, which provenance records (the storage may have renamed it)
        path = Path(folder) / job.file_name
        with job.file.storage.open(job.file.name, "rb") as stored:
            if Path(stored.name).is_file():
                path.symlink_to(Path(stored.name).resolve())
            else:
                with path.open("wb") as copy:
                    for chunk in stored.chunks():
                        copy.write(chunk)
        return _import_path(job, path, progress)


def _import_path(job: Job, path: Path, progress: Progress) -> dict:
    options = job.options
    total = path.stat().st_size
    progress.set(0, total, "bytes")
    result = import_file(
        path,
        format=options.get("format") or None,
        year=options.get("year"),
        skip_invalid=bool(options.get("skip_invalid")),
        strict=bool(options.get("strict")),
        duplicates=True,
        on_progress=lambda done: progress.set(done),
    )
    if not result.ok:
        progress.say(str(result.error))
        return {"failed": True, "file": job.file_name, "error": str(result.error)}
    progress.say(
        f"{job.file_name}: {result.format}, {result.records} records: {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged"
    )
    for warning in result.warnings.told():
        progress.say(f"  warning: {warning}")
    if result.rejected:
        progress.say(f"  {len(result.rejected)} records set aside, not imported:")
        for record in result.rejected:
            for problem in record.problems:
                progress.say(f"    {problem}")
        if result.rejected_to:  # written beside the file, in a folder that goes with the job: kept with it
            with Path(result.rejected_to).open("rb") as rejected:
                kept = job.file.storage.save(f"jobs/{Path(result.rejected_to).name}", File(rejected))
            progress.say(f"  They are kept, as the file wrote them, in {kept}.")
    found = 0
    if result.created:
        progress.say("Looking for duplicates of the new papers…")
        progress.set(0, duplicates_waiting(), "papers")
        found = result.duplicates + duplicates_find(everything=False, on_progress=lambda done: progress.set(done))
        progress.say(f"{found} possible duplicates of the new papers (the review queue's duplicates).")
    return {
        "file": job.file_name, "format": result.format, "records": result.records, "created": result.created,
        "updated": result.updated, "unchanged": result.unchanged, "duplicates": found,
        "rejected": len(result.rejected), "warnings": len(result.warnings.told()),
    }  # fmt: skip


def _find_duplicates(job: Job, progress: Progress) -> dict:
    everything = not job.options.get("waiting")
    total = duplicates_waiting() + (int(estimated_rows(Paper.objects.all())) if everything else 0)
    progress.set(0, total, "papers")
    found = duplicates_find(everything=everything, on_progress=lambda done: progress.set(done))
    progress.say(f"{found} new possible duplicates (the review queue's duplicates).")
    return {"duplicates": found}


def _command(name: str, *arguments: str) -> Callable[[Job, Progress], dict]:
    """A job that runs a management command, its output as the log."""

    def run(job: Job, progress: Progress) -> dict:
        out = io.StringIO()
        extra = []
        for key, value in job.options.items():
            flag = f"--{key.replace('_', '-')}"
            if value is True:
                extra.append(flag)
            elif value not in (None, "", False):
                extra.append(f"{flag}={value}")
        call_command(name, *arguments, *extra, stdout=out, stderr=out)
        for line in out.getvalue().splitlines():
            progress.say(line)
        return {"output": out.getvalue()[-2000:]}

    return run


RUNNERS = {
    JobKind.IMPORT: _import,
    JobKind.FIND_DUPLICATES: _find_duplicates,
    JobKind.SUGGEST_TAGS: _command("suggest_tags"),
    JobKind.ENRICH: _command("enrich"),
}
