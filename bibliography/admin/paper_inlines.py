"""The rows shown under a paper in its change form: authors, keywords, tags, references both ways,
key points, notes, links and where the paper was imported from."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from bibliography import attachments, text
from bibliography.models import (
    Attachment,
    Authorship,
    Citation,
    KeyPoint,
    Note,
    PaperConcept,
    PaperKeyword,
    PaperLink,
    ReviewStatus,
    Source,
    SourceRecord,
)

from .autocomplete import LabelledChoicesFormSet, LabelledChoicesInline, autocomplete_of
from .paper_forms import AuthorOrName, AuthorshipForm


class AuthorshipFormSet(LabelledChoicesFormSet):
    """A new author row left without a position comes after the others, in the order of the rows."""

    def clean(self):
        kept = [form for form in self.forms if hasattr(form, "cleaned_data") and not self._should_delete_form(form)]
        last = max((form.cleaned_data.get("position") or 0 for form in kept), default=0)
        for form in kept:
            if form.has_changed() and form.cleaned_data.get("author") and form.cleaned_data.get("position") is None:
                last += 1
                form.cleaned_data["position"] = form.instance.position = last
        super().clean()


class AuthorshipInline(LabelledChoicesInline):
    model = Authorship
    form = AuthorshipForm
    formset = AuthorshipFormSet
    fields = ["author", "position", "role", "credited_as"]
    autocomplete_fields = ["author"]
    extra = 0
    ordering = ["position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["form_class"] = AuthorOrName
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "author":  # a name typed is offered as a choice of its own (select2's tags)
            autocomplete_of(field.widget).attrs["data-tags"] = "true"
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")  # each row's title names its author


class KeywordInline(LabelledChoicesInline):
    model = PaperKeyword
    fields = ["keyword", "position"]
    autocomplete_fields = ["keyword"]
    extra = 0
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("keyword")


class CuratorsDecisionInline(LabelledChoicesInline):
    """Tags and citations a curator adds by hand: accepted and manual unless they say otherwise, and
    attributed to them (PaperAdmin.save_formset)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        initial = {"status": ReviewStatus.ACCEPTED, "source": Source.MANUAL}
        if db_field.name in initial:
            kwargs["initial"] = initial[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TagInline(CuratorsDecisionInline):
    model = PaperConcept
    fk_name = "paper"
    fields = ["concept", "score", "source", "status", "created_by"]
    autocomplete_fields = ["concept"]
    readonly_fields = ["created_by"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("concept", "created_by")


class CitationInlineFormSet(LabelledChoicesFormSet):
    """Refuses a paper citing itself on the row, in words: the database's check would be a 500 here,
    since the form never sees the paper it is inlined under."""

    def clean(self):
        super().clean()
        other = "cited" if self.fk.name == "citing" else "citing"
        for form in self.forms:
            chosen = form.cleaned_data.get(other) if form.cleaned_data else None
            if chosen is not None and self.instance.pk is not None and chosen.pk == self.instance.pk:
                form.add_error(other, "A paper cannot cite itself: choose another paper.")


class ReferenceInline(CuratorsDecisionInline):
    model = Citation
    formset = CitationInlineFormSet
    fk_name = "citing"
    verbose_name, verbose_name_plural = "reference", "references (papers this one cites)"
    fields = ["cited", "status", "source", "intent", "context"]
    autocomplete_fields = ["cited"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cited")


class CitedByInline(CuratorsDecisionInline):
    model = Citation
    formset = CitationInlineFormSet
    fk_name = "cited"
    verbose_name, verbose_name_plural = "citing paper", "cited by"
    fields = ["citing", "status", "source", "intent", "context"]
    autocomplete_fields = ["citing"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("citing")


class PaperLinkInline(admin.TabularInline):
    model = PaperLink
    classes = ["phone-cards"]
    fields = ["url", "kind", "opened"]
    readonly_fields = ["opened"]
    extra = 0
    # a link typed without a scheme is https (Django 6's default, chosen now)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="open")
    def opened(self, link):
        if not link.url.lower().startswith(("https://", "http://")):
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">open ↗</a>', link.url)


class KeyPointInline(LabelledChoicesInline):
    model = KeyPoint
    extra = 0
    autocomplete_fields = ["concepts"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "class": "fits-content"})}}

    class Media:
        css = {"all": ["bibliography/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("concepts")


class NoteInline(admin.StackedInline):
    """Curators' notes: written here, signed and dated by the admin, found by the paper search."""

    model = Note
    fields = ["text", "created_by", "updated_at"]
    readonly_fields = ["created_by", "updated_at"]
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "class": "fits-content note"})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


class AttachmentFormSet(forms.BaseInlineFormSet):
    def delete_existing(self, obj, commit=True):
        if commit:
            attachments.detach(obj)  # the file goes too, once the removal is committed


class AttachmentInline(admin.TabularInline):
    """The paper's files: each opens from here (PDFs and images in the browser, others downloaded);
    new ones are chosen with the form's "Attach files"."""

    model = Attachment
    formset = AttachmentFormSet
    classes = ["phone-cards"]
    verbose_name_plural = "files"
    fields = ["opened", "kind", "size_shown", "text_read", "added"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("created_by")
            .defer("text", "search_vector")
            .annotate(text_chars=Length("text"))
        )

    @admin.display(description="file")
    def opened(self, attachment):
        return format_html('<a href="{}">{}</a>', reverse("admin:bibliography_paper_file", args=[attachment.pk]),
                           attachment.name)  # fmt: skip

    @admin.display(description="kind")
    def kind(self, attachment):
        return attachments.KEPT_TYPES.get(attachment.media_type, attachment.media_type)

    @admin.display(description="added")
    def added(self, attachment):
        when = date_format(localtime(attachment.created_at), "DATE_FORMAT")
        return f"{when}, by {attachment.created_by.get_username()}" if attachment.created_by else when

    @admin.display(description="size")
    def size_shown(self, attachment):
        return attachments.size_in_words(attachment.size)

    @admin.display(description="text for the search")
    def text_read(self, attachment):
        pages = f"{text.count_of(attachment.pages, 'page')}; " if attachment.pages else ""
        note = f" {attachment.text_note}" if attachment.text_note else ""
        return f"{pages}{text.count_of(attachment.text_chars, 'character')} read.{note}"


class SourceRecordInline(admin.TabularInline):
    model = SourceRecord
    classes = ["phone-cards"]
    verbose_name_plural = "provenance (where this paper was imported from)"
    fields = ["file_name", "line_number", "listed", "import_run"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("import_run")
