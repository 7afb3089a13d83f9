"""Concepts in the admin: the DAG's parents and children edited on a concept's page (a cycle refused
with its path), and concepts merged when they are one."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from bibliography.merging import concept_merge
from bibliography.models import Concept, ConceptRelation
from bibliography.text import count_of

from .merge import records_merge_action


class RelationFormSet(BaseInlineFormSet):
    """A concept's parents and children, checked together: rows that each pass alone may close a
    cycle between them (a parent that is also a child), and then nothing of the save is kept."""

    siblings: list = []  # every relation formset of the page, set by ConceptAdmin

    def clean(self):
        super().clean()
        if not self.siblings or self is not self.siblings[-1] or any(fs.total_error_count() for fs in self.siblings):
            return
        parents, children = set(), set()
        for formset in self.siblings:
            other_end = "parent" if formset.fk.name == "child" else "child"
            for form in formset.forms:
                data = getattr(form, "cleaned_data", None)
                if data and not data.get("DELETE") and data.get(other_end):
                    (parents if other_end == "parent" else children).add(data[other_end].pk)
        if not parents or not children:
            return
        below = children | set(Concept.objects.descendants_of(list(children)).values_list("id", flat=True))
        looped = (parents | {self.instance.pk}) & below
        if looped:
            names = ", ".join(f"“{c.name}”" for c in Concept.objects.filter(pk__in=looped).order_by("name"))
            raise ValidationError(
                f"These parents and children together would create a cycle: {names} would be both above and "
                f"below “{self.instance.name or 'this concept'}”. Nothing was saved."
            )


class ParentInline(admin.TabularInline):
    model = ConceptRelation
    formset = RelationFormSet
    fk_name = "child"
    autocomplete_fields = ["parent"]
    extra = 0
    verbose_name, verbose_name_plural = "parent", "parents"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


class ChildInline(admin.TabularInline):
    model = ConceptRelation
    formset = RelationFormSet
    fk_name = "parent"
    autocomplete_fields = ["child"]
    extra = 0
    verbose_name, verbose_name_plural = "child", "children"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("child")


class ConceptForm(forms.ModelForm):
    class Meta:
        model = Concept
        fields = ["name", "slug", "kind", "description"]

    def clean(self):
        cleaned = super().clean()
        renamed = self.instance.pk and "name" in self.changed_data and "slug" not in self.changed_data
        if renamed and cleaned.get("name"):
            concept = Concept(pk=self.instance.pk, name=self.initial["name"], slug=self.initial["slug"])
            concept.rename(cleaned["name"])
            cleaned["slug"] = concept.slug  # made from the old name: follows the new one
        return cleaned


@admin.register(Concept)
class ConceptAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "slug", "paper_count_shown", "papers_with_descendants"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    form = ConceptForm
    inlines = [ParentInline, ChildInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_paper_counts()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A merged-away concept's old address leads to the concept it was merged into (found by the
        slug its deletion recorded, which the merge made an alias of the survivor)."""
        if object_id.isascii() and object_id.isdigit() and not Concept.objects.filter(pk=object_id).exists():
            gone = Concept.history.filter(id=int(object_id), history_type="-").order_by("-history_date").first()
            survivor = Concept.objects.formerly(gone.slug).first() if gone else None
            if survivor is not None:
                said = f"“{gone.name}” (concept #{object_id}) was merged into this one."
                self.message_user(request, said, messages.INFO)
                return HttpResponseRedirect(reverse("admin:bibliography_concept_change", args=[survivor.pk]))
        return super().change_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lower()
        if not term or not request.path.endswith("/autocomplete/"):
            return found, duplicates
        # as one types: the exact name first, then names that start so, then the shorter
        closeness = Case(
            When(Q(name__iexact=term) | Q(slug__iexact=term), then=Value(0)),
            When(name__istartswith=term, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return found.annotate(closeness=closeness).order_by("closeness", Length("name"), "name", "id"), duplicates

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        for formset in formsets:
            formset.siblings = formsets
        return formsets, inline_instances

    def save_formset(self, request, form, formset, change):
        # RelationFormSet refuses a cycle before anything is saved; another curator's edge saved in
        # the same instant can still close one, which the database trigger refuses: say why.
        try:
            with transaction.atomic():
                super().save_formset(request, form, formset, change)
        except IntegrityError as error:
            if "would create a cycle" not in str(error):
                raise
            message = str(error).splitlines()[0]
            self.message_user(request, f"Not saved: {message}.", messages.ERROR)

    actions = ["merge_concepts"]

    @admin.action(description="Merge concepts into one…", permissions=["change", "delete"])
    def merge_concepts(self, request, queryset):
        return records_merge_action(self, request, queryset, merge=concept_merge, describe=_brings, noun="concept")

    @admin.display(description="papers", ordering="paper_count")
    def paper_count_shown(self, concept):  # not `papers`: that name is the concept's related manager
        return concept.paper_count

    @admin.display(description="with descendants", ordering="paper_count_with_descendants")
    def papers_with_descendants(self, concept):
        return concept.paper_count_with_descendants


@admin.register(ConceptRelation)
class ConceptRelationAdmin(SimpleHistoryAdmin):
    list_display = ["parent", "child"]
    list_select_related = ["parent", "child"]
    autocomplete_fields = ["parent", "child"]
    search_fields = ["parent__name", "child__name"]


def _brings(concept: Concept) -> list[str]:
    """What a concept carries into a merge, in words."""
    parents = ", ".join(c.name for c in concept.parents.order_by("name")[:10]) or "none"
    children = ", ".join(c.name for c in concept.children.order_by("name")[:10]) or "none"
    aliases = ", ".join(concept.aliases.values_list("slug", flat=True)[:10])
    return [
        f"{concept.get_kind_display()}, slug “{concept.slug}”" + (f" (also {aliases})" if aliases else ""),
        f"{count_of(concept.tags.count(), 'tag')} ({count_of(concept.paper_count, 'paper')} accepted)",
        f"parents: {parents}",
        f"children: {children}",
        count_of(concept.key_points.count(), "key point"),
    ]
