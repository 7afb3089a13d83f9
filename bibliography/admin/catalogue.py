"""The records papers point to, edited and merged here: venues, authors (merged when they are one
person), key points, and keywords as files brought them (mapped to a concept by tagging their papers)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from bibliography import text
from bibliography.authors import Directory
from bibliography.formats.records import Person
from bibliography.merging import author_merge
from bibliography.models import Author, Concept, KeyPoint, Keyword, Paper, PaperConcept, Venue
from bibliography.tagging import papers_tag
from bibliography.text import count_of

from .merge import records_merge_action
from .pagination import EstimatedCountPaginator


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "year"]
    list_filter = ["kind", "year"]
    search_fields = ["name", "short_name"]


class AuthorForm(forms.ModelForm):
    """An author's form that knows who the library's authors are (bibliography/authors.py): a person
    it already has is pointed to, not made a second time."""

    class Meta:
        model = Author
        fields = ["name", "literal", "given", "particle", "family", "suffix", "orcid", "openalex_id"]

    def clean(self):
        cleaned = super().clean()
        changed = {"name", "orcid", "openalex_id"} & set(self.changed_data)
        if cleaned.get("name") and changed and not self.errors:
            person = Person(cleaned["name"], orcid=cleaned.get("orcid"), openalex_id=cleaned.get("openalex_id"))
            known = Directory([person]).find(person)
            if known is not None and known.pk != self.instance.pk:
                url = reverse("admin:bibliography_author_change", args=[known.pk])
                raise forms.ValidationError(
                    format_html(
                        'This person is already <a href="{}">{}</a> (author #{}): choose that author{}.',
                        url,
                        known.name,
                        known.pk,
                        ", or merge the two" if self.instance.pk else "",
                    )
                )
        return cleaned


@admin.register(Author)
class AuthorAdmin(SimpleHistoryAdmin):
    form = AuthorForm
    list_display = ["name", "family", "given", "literal", "orcid"]
    fields = ["name", "literal", ("given", "particle", "family", "suffix"), ("orcid", "openalex_id")]
    search_fields = ["name_key", "orcid"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    actions = ["merge_authors"]

    @admin.action(description="Merge authors into one (one person)…", permissions=["change", "delete"])
    def merge_authors(self, request, queryset):
        return records_merge_action(self, request, queryset, merge=author_merge, describe=_brings, noun="author")

    def get_search_results(self, request, queryset, search_term):
        key = text.name_key(search_term)
        if not key:
            return queryset, False
        return queryset.filter(name_key__trigram_word_similar=key) | queryset.filter(name_key__startswith=key), False


def _brings(author: Author) -> list[str]:
    """What an author carries into a merge, in words."""
    papers = author.authorships.select_related("paper").order_by("paper__title")
    titles = "; ".join(a.paper.plain_title for a in papers[:3])
    count = papers.count()
    lines = [count_of(count, "paper") + (f": {titles}" + ("…" if count > 3 else "") if count else "")]
    if author.orcid:
        lines.append(f"ORCID {author.orcid}")
    if aliases := ", ".join(author.aliases.values_list("name", flat=True)[:10]):
        lines.append(f"also known as {aliases}")
    return lines


@admin.register(KeyPoint)
class KeyPointAdmin(admin.ModelAdmin):
    list_display = ["paper", "number", "text"]
    list_select_related = ["paper"]
    search_fields = ["text"]
    autocomplete_fields = ["paper", "concepts"]


class KeywordConceptForm(forms.Form):
    concept = forms.ModelChoiceField(
        queryset=Concept.objects.all(),
        widget=AutocompleteSelect(PaperConcept._meta.get_field("concept"), admin.site),
    )


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    """Keywords as files brought them; a curator maps one to a concept by tagging its papers."""

    list_display = ["name", "paper_count"]
    search_fields = ["name_key"]
    fields = ["name"]
    actions = ["tag_papers_with_concept"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_count=Count("paper_keywords"))

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, keyword):
        url = reverse("admin:bibliography_paper_changelist") + f"?keyword={keyword.pk}"
        return format_html('<a href="{}">{}</a>', url, keyword.paper_count)

    @admin.action(description="Tag their papers with a concept…", permissions=["change"])
    def tag_papers_with_concept(self, request, queryset):
        form = KeywordConceptForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            papers = Paper.objects.filter(paper_keywords__keyword__in=queryset).distinct()
            created, accepted = papers_tag(papers=papers, concept=form.cleaned_data["concept"], by=request.user)
            made, kept = count_of(created, "new tag"), count_of(accepted, "tag")
            self.message_user(request, f"{made}, {kept} accepted, on papers with these keywords.")
            return None
        return render(
            request,
            "admin/bibliography/keyword/tag_papers.html",
            {
                **self.admin_site.each_context(request),
                "title": "Tag papers with a concept",
                "keywords": queryset,
                "form": form,
                "media": self.media + form.media,
                "opts": self.model._meta,
                "action": "tag_papers_with_concept",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
