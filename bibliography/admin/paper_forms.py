"""The paper admin's forms: the paper's own (dates typed as EDTF, identifiers read as pasted and
checked against other papers), an authorship's credited name, and the bulk actions' choices."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from bibliography import attachments, dates, identifiers
from bibliography.authors import authors_for
from bibliography.formats.records import Person
from bibliography.models import Authorship, Concept, Paper, PaperConcept, Venue

NAME_CHARS = 300


class DateField(forms.CharField):
    """A date as precise as it is known, typed as EDTF: 2020, 2020-03, 2020-03-15, 2020-21 (spring),
    2020-06-14/2020-06-19, 2020~ (circa)."""

    def prepare_value(self, value):
        return dates.edtf(value) if isinstance(value, dict) else value

    def to_python(self, value):
        try:
            return dates.parse_edtf(value or "")
        except dates.DateError as error:
            raise forms.ValidationError(f"{error}; write a date as 2020, 2020-03, 2020-03-15 or 2020-21") from error


class FilesInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files chosen at once, each read and checked (attachments.read) before anything is
    saved: a refused one is an error on the field that names it, and the others wait for the fix."""

    def __init__(self, **kwargs):
        super().__init__(widget=FilesInput(), **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        read, refused = [], []
        for upload in uploads:
            try:
                read.append(attachments.read(super().clean(upload, initial)))
            except attachments.FileRefused as error:
                refused.append(str(error))
        if refused:
            raise ValidationError(refused)
        return read


class PaperForm(forms.ModelForm):
    issued = DateField(label="Date", required=False, help_text=DateField.__doc__)
    accessed = DateField(required=False, help_text="When the URL was read (EDTF, like the date).")
    new_files = FilesField(
        label="Attach files",
        required=False,
        help_text="PDFs, slides, data, pages: the text of PDFs, web pages and text files is found by the search.",
    )

    class Meta:
        model = Paper
        fields = ["issued", "accessed", "extra"]  # the admin adds the fieldsets' others
        widgets = {"extra": forms.Textarea(attrs={"rows": 3})}

    def clean_new_files(self):
        files = self.cleaned_data.get("new_files") or []
        kept = dict(self.instance.attachments.values_list("sha256", "name")) if self.instance.pk else {}
        twice = [f"{file.name}: this file is attached to the paper already, as {kept[file.sha256]}." for file in files
                 if file.sha256 in kept]  # fmt: skip
        if twice:
            raise ValidationError(twice)
        return files

    def clean_citation_key(self):
        key = self.cleaned_data.get("citation_key")
        if not key:  # blank keeps the key (the database would too): the history records the one kept
            return self.instance.citation_key
        if key != self.instance.citation_key:
            self.instance.citation_key_provisional = False  # typed by a curator: kept whatever the record becomes
        return key

    def clean_doi(self):
        return self._identifier("doi", identifiers.doi)

    def clean_arxiv_id(self):
        return self._identifier("arxiv_id", identifiers.arxiv_id)

    def _identifier(self, field: str, read) -> str | None:
        """The identifier as pasted (an address, a prefix, a version) read as itself; one another
        paper has is an error that links to that paper."""
        try:
            value = read(self.cleaned_data.get(field))
        except identifiers.NotAnIdentifier as error:
            raise forms.ValidationError(f"{error}.") from error
        other = Paper.objects.filter(**{field: value}).exclude(pk=self.instance.pk).first() if value else None
        if other is not None:
            url = reverse("admin:bibliography_paper_change", args=[other.pk])
            raise forms.ValidationError(
                format_html('<a href="{}">{}</a> has this identifier: merge the two papers instead.', url, other)
            )
        return value

    def validate_unique(self):
        exclude = self._get_validation_exclusions() | {"doi", "arxiv_id"}  # checked above, naming the paper
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class AuthorOrName(forms.ModelChoiceField):
    """An author chosen in the list, or a name typed in the box: the author the library already has
    by that name (the rule of bibliography/authors.py: "Frankle, Jonathan" is Jonathan Frankle), or a
    new one. A new author is written with the save; a save refused is rolled back whole
    (PaperAdmin.changeform_view), so a name typed in a refused form makes no author."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        typed = str(value).strip()
        if typed.isdigit():
            return super().to_python(typed)
        if not typed or len(typed) > NAME_CHARS:
            raise ValidationError(f"Type a name of 1 to {NAME_CHARS} characters, or choose an author.")
        return authors_for([Person(typed)])[0]


class AuthorshipForm(forms.ModelForm):
    credited_as = forms.CharField(
        required=False,
        max_length=300,
        help_text="The name as this paper gives it, when not the author's own (blank: the author's name).",
    )

    class Meta:
        model = Authorship
        fields = ["author", "position", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credited_as"].initial = (self.instance.credited or {}).get("name", "")
        self.fields["position"].required = False
        self.fields["position"].help_text = "Blank: after the others."

    def save(self, commit=True):
        authorship = super().save(commit=False)
        credited = self.cleaned_data.get("credited_as")
        if credited != (authorship.credited or {}).get("name", "") or "author" in self.changed_data:
            authorship.credit_as(credited)
        if commit:
            authorship.save()
        return authorship


class ConceptChoiceForm(forms.Form):
    concept = forms.ModelChoiceField(
        queryset=Concept.objects.all(),
        widget=AutocompleteSelect(PaperConcept._meta.get_field("concept"), admin.site),
    )


class VenueOrDateForm(forms.Form):
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.all(),
        required=False,
        widget=AutocompleteSelect(Paper._meta.get_field("venue"), admin.site),
        help_text="Blank: each paper keeps its venue.",
    )
    issued = DateField(
        label="Date", required=False, help_text="Blank: each paper keeps its date. " + (DateField.__doc__ or "")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("venue") is None and cleaned.get("issued") is None and not self.errors:
            raise forms.ValidationError("Choose a venue, a date, or both.")
        return cleaned
