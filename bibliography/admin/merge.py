"""The merge page: the papers side by side, a choice per field of the value that survives, what each
paper brings, and a Merge button bound to the preview the curator saw."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import signing
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from bibliography import dates, richtext
from bibliography.merging import CHOOSABLE, MergeError, default_choices, paper_merge, paper_merge_preview
from bibliography.models import Authorship, Paper, PaperConcept

LABELS = {
    "title": "Title",
    "abstract": "Abstract",
    "doi": "DOI",
    "arxiv_id": "arXiv id",
    "date": "Date",
    "venue": "Venue",
    "kind": "Kind",
    "item_type": "Type",
}
_SALT = "bibliography.paper-merge"
MERGED_AT_MOST = 20  # concepts or authors in one merge


@dataclass
class Cell:
    paper: Paper
    shown: str
    chosen: bool
    blank: bool


def merge_page(modeladmin, request):
    data = request.POST if request.method == "POST" else request.GET
    try:
        ids = [int(pk) for pk in data.get("ids", "").split(",") if pk]
    except ValueError:
        ids = []
    changelist = reverse("admin:bibliography_paper_changelist")
    papers = _compared(ids)
    if len(papers) < 2:
        modeladmin.message_user(request, "Choose at least two papers to merge.", messages.WARNING)
        return HttpResponseRedirect(changelist)
    by_id = {p.pk: p for p in papers}
    try:
        survivor = by_id[int(data.get("survivor", papers[0].pk))]
    except (KeyError, ValueError):
        survivor = papers[0]
    ordered = [survivor, *(p for p in papers if p.pk != survivor.pk)]
    keep = default_choices(ordered)
    if data.get("shown_survivor") == str(survivor.pk):  # a new survivor brings its own values back
        for name in CHOOSABLE:
            with_value = data.get(f"keep_{name}", "")
            if with_value.isdigit() and int(with_value) in by_id:
                keep[name] = int(with_value)
    others = ordered[1:]
    state = _state(ordered, keep)

    if request.method == "POST" and "merge" in request.POST:
        try:
            previewed = signing.loads(request.POST.get("previewed", ""), salt=_SALT)
        except signing.BadSignature:
            previewed = None
        if previewed != state:
            modeladmin.message_user(
                request,
                "The survivor, a choice or one of the papers changed since the preview below was made: "
                "check it, then merge.",
                messages.WARNING,
            )
        else:
            try:
                report = paper_merge(into=survivor, others=others, by=request.user, keep=keep)
            except MergeError as error:
                modeladmin.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(changelist)
            merged = ", ".join(f"#{pk}" for pk in report.merged_ids)
            modeladmin.message_user(request, f"Merged {merged} into “{survivor.plain_title}”.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:bibliography_paper_change", args=[survivor.pk]))

    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Merge duplicate papers",
        "opts": Paper._meta,
        "papers": papers,
        "survivor": survivor,
        "ids": ",".join(str(p.pk) for p in papers),
        "rows": [(name, LABELS[name], _cells(papers, name, keep[name])) for name in CHOOSABLE],
        "report": paper_merge_preview(into=survivor, others=others, keep=keep),
        "previewed": signing.dumps(state, salt=_SALT),
    }
    return render(request, "admin/bibliography/paper/merge.html", context)


def _compared(ids: list[int]) -> list[Paper]:
    """The papers with what each brings: authors, tags, and how many references, citing papers,
    key points and imported records; a fixed number of queries however many they are."""
    return list(
        Paper.objects.filter(pk__in=ids[:20])
        .select_related("venue")
        .prefetch_related(
            Prefetch("authorships", Authorship.objects.select_related("author").order_by("position")),
            Prefetch("tags", PaperConcept.objects.select_related("concept").order_by("concept__name")),
        )
        .annotate(
            references_count=Count("citations_made", distinct=True),
            citing_count=Count("citations_received", distinct=True),
            key_points=Count("keypoints", distinct=True),
            imported_records=Count("sources", distinct=True),
        )
        .order_by("pk")
    )


def _state(papers: list[Paper], keep: dict[str, int]) -> dict:
    """What a preview showed: the survivor, the choices and each paper's version. Merging needs the
    same, so a choice changed after the preview, or a paper edited meanwhile, asks for a new look."""
    return {
        "survivor": papers[0].pk,
        "keep": keep,
        "versions": {str(p.pk): p.updated_at.isoformat() for p in sorted(papers, key=lambda p: p.pk)},
    }


def _cells(papers: list[Paper], name: str, chosen: int) -> list[Cell]:
    cells = []
    for paper in papers:
        value = _shown(paper, name)
        cells.append(Cell(paper=paper, shown=value, chosen=paper.pk == chosen, blank=not value))
    return cells


def _shown(paper: Paper, name: str) -> str:
    if name == "date":
        return dates.edtf(paper.issued) if paper.issued else (str(paper.year) if paper.year else "")
    if name == "venue":
        return str(paper.venue) if paper.venue else ""
    if name in ("kind", "item_type"):
        return getattr(paper, f"get_{name}_display")()
    if name == "title":
        return richtext.plain(paper.title)
    return getattr(paper, CHOOSABLE[name][0]) or ""


def records_merge_action(modeladmin, request, queryset, *, merge, describe, noun: str):
    """Concepts or authors that are one, side by side with what each brings; the one chosen survives,
    the others are merged into it (bibliography/merging.py) after this page."""
    records = list(queryset.order_by("pk")[:MERGED_AT_MOST])
    if len(records) < 2:
        modeladmin.message_user(request, f"Choose at least two {noun}s to merge.", messages.WARNING)
        return None
    chosen = request.POST.get("survivor", "")
    survivor = next((r for r in records if str(r.pk) == chosen), None)
    if "merge" in request.POST and survivor is not None:
        others = [r for r in records if r.pk != survivor.pk]
        try:
            report = merge(into=survivor, others=others, by=request.user)
        except MergeError as error:
            modeladmin.message_user(request, f"Nothing merged: {error}.", messages.ERROR)
            return None
        modeladmin.message_user(
            request, f"Merged {len(others)} into “{survivor}”: {'; '.join(report.lines())}.", messages.SUCCESS
        )
        return None
    if "merge" in request.POST:
        modeladmin.message_user(request, f"Choose the {noun} that survives.", messages.ERROR)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Merge {noun}s",
        "noun": noun,
        "opts": modeladmin.model._meta,
        "records": [(record, describe(record)) for record in records],
        "survivor": survivor or records[0],
        "action": request.POST.get("action", ""),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return render(request, "admin/bibliography/merge_records.html", context)
