"""Jobs in the admin: a curator imports a file, looks for duplicates, suggests tags or enriches papers
from here, and watches each job's progress, log and result while a worker runs it."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from bibliography import jobs
from bibliography.formats.registry import FORMATS
from bibliography.models import Job, JobKind, JobStatus


class JobForm(forms.ModelForm):
    """What a job needs: a file to import (and how to read it), or the papers to enrich."""

    format = forms.ChoiceField(
        required=False, choices=[("", "told from the content")] + [(name, name) for name in FORMATS],
        help_text="Imports only.",
    )  # fmt: skip
    strict = forms.BooleanField(
        required=False, help_text="Imports: refuse a record with a value that cannot be normalised, instead of "
        "keeping it as written with a warning.",
    )  # fmt: skip
    skip_invalid = forms.BooleanField(
        required=False, help_text="Imports: import the valid records and set the others aside, instead of "
        "refusing the whole file.",
    )  # fmt: skip
    waiting = forms.BooleanField(
        required=False, label="Only new and changed papers", help_text="Duplicate searches: not the whole library."
    )
    limit = forms.IntegerField(required=False, min_value=1, help_text="Enrichment: at most this many papers.")

    class Meta:
        model = Job
        fields = ["kind", "file"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == JobKind.IMPORT and not data.get("file"):
            raise ValidationError({"file": "Choose the file to import."})
        if data.get("kind") != JobKind.IMPORT and data.get("file"):
            raise ValidationError({"file": "Only an import takes a file."})
        return data

    def options(self) -> dict:
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        if kind == JobKind.IMPORT:
            return {"format": data["format"], "strict": data["strict"], "skip_invalid": data["skip_invalid"]}
        if kind == JobKind.FIND_DUPLICATES:
            return {"waiting": data["waiting"]}
        if kind == JobKind.ENRICH:
            return {"all": True, "limit": data["limit"]}
        return {}


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    form = JobForm
    readonly_fields = [
        "kind", "file_name", "status", "progress", "what_next", "log_shown", "error", "attempts", "created_by",
        "created_at", "started_at", "finished_at", "heartbeat_at",
    ]  # fmt: skip
    change_form_template = "admin/bibliography/job/change_form.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "file", "format", "strict", "skip_invalid", "waiting", "limit"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def has_change_permission(self, request, obj=None):
        return False  # what a job did is its record: read, not edited

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by").defer("log")

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        obj.options = form.options()
        if obj.file:
            obj.file_name = obj.file.name.rsplit("/", 1)[-1][:255]
        jobs.job_queue(obj)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, f"{obj} is queued: this page follows it while the worker runs it.")
        return HttpResponseRedirect(reverse("admin:bibliography_job_change", args=[obj.pk]))

    @admin.display(description="progress")
    def progress(self, job):
        percent = job.percent
        if percent is None:
            return job.get_status_display()
        return format_html(
            '<progress max="100" value="{}" aria-label="{}% done"></progress> {}%{}', percent, percent, percent,
            f" of {job.total:,} {job.unit}" if job.total and job.unit else "",
        )  # fmt: skip

    @admin.display(description="log")
    def log_shown(self, job):
        return format_html('<pre class="job-log">{}</pre>', job.log or "—")

    @admin.display(description="next")
    def what_next(self, job):
        if job.status != JobStatus.SUCCEEDED:
            return "—"
        links = [("the new duplicates to decide", reverse("admin:review_duplicates"))]
        if job.kind == JobKind.IMPORT:
            papers = reverse("admin:bibliography_paper_changelist")
            links.insert(0, (f"the papers of {job.file_name}", f"{papers}?source_file={job.file_name}"))
        if job.kind in (JobKind.ENRICH, JobKind.IMPORT):
            links.append(("the proposed changes", reverse("admin:review_proposals")))
        if job.kind == JobKind.SUGGEST_TAGS:
            links = [("the suggested tags", reverse("admin:review_tags"))]
        return format_html_join(" · ", '<a href="{}">{}</a>', ((url, label) for label, url in links))
