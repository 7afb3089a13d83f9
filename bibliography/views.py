"""Public, read-only pages: the concept graph, a concept's papers, and a paper's citation neighbourhood."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from . import overview
from .models import (
    Authorship,
    Citation,
    Concept,
    ConceptKind,
    ConceptRelation,
    Paper,
    PaperConcept,
    ReviewStatus,
)
from .text import whole_number

PAGE_SIZE = 50


def concept_graph(request):
    concepts = list(Concept.objects.with_paper_counts().order_by("kind", "name"))
    relations = list(ConceptRelation.objects.values_list("parent_id", "child_id"))
    kinds = {c.pk: c.kind for c in concepts}
    slugs = {c.pk: c.slug for c in concepts}
    groups: dict[int, list[str]] = {}
    for parent, child in relations:
        if kinds.get(parent) == ConceptKind.CATEGORY:
            groups.setdefault(child, []).append(slugs[parent])
    nodes = [
        {
            "id": f"c{c.pk}",
            "label": c.name,
            "kind": c.kind,
            "slug": c.slug,
            "groups": groups.get(c.pk, [c.slug] if c.kind == ConceptKind.CATEGORY else []),
            "papers": c.paper_count_with_descendants,
            "url": reverse("concept-papers", args=[c.slug]),
        }
        for c in concepts
    ]
    # A layered drawing (graph.js): categories in the first layer, their topics after them, each
    # concept below its broader ones; a category's edges are drawn lighter than a topic's.
    edges = [
        {"source": f"c{parent}", "target": f"c{child}", "member": kinds.get(parent) == ConceptKind.CATEGORY}
        for parent, child in relations
    ]
    categories = [c.slug for c in concepts if c.kind == ConceptKind.CATEGORY]
    return render(
        request,
        "graph/concepts.html",
        {"graph": {"nodes": nodes, "edges": edges, "categories": categories}, "title": "Concept graph"},
    )


def _moved(request, url: str):
    """A permanent redirect that keeps the query (a page of a list, `before=`)."""
    query = request.META.get("QUERY_STRING")
    return redirect(f"{url}?{query}" if query else url, permanent=True)


def concept_papers(request, slug: str):
    concept = Concept.objects.find(slug)
    if concept is None:
        raise Http404("No concept has this name.")
    if concept.slug != slug:  # an old slug, from before a rename or a merge
        return _moved(request, reverse("concept-papers", args=[concept.slug]))
    below = Concept.objects.descendants_of([concept.pk]).values("id")
    tagged = PaperConcept.objects.filter(concept__in=below, status=ReviewStatus.ACCEPTED).values("paper_id")
    papers = Paper.objects.filter(id__in=tagged).select_related("venue").order_by("-id")
    if before := whole_number(request.GET.get("before")):
        papers = papers.filter(id__lt=before)
    page = list(papers[: PAGE_SIZE + 1])
    more = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    years = overview.papers_per_year(Paper.objects.filter(id__in=tagged))
    return render(
        request,
        "graph/concept_papers.html",
        {"concept": concept, "papers": page[:PAGE_SIZE], "more": more, "title": concept.name,
         "chart": {"years": years}},
    )  # fmt: skip


def paper_neighbourhood(request, pk: int):
    accepted = PaperConcept.objects.filter(status=ReviewStatus.ACCEPTED).select_related("concept")
    paper = (
        Paper.objects.select_related("venue")
        .prefetch_related(
            Prefetch("authorships", Authorship.objects.select_related("author").order_by("position")),
            Prefetch("tags", accepted.order_by("concept__name"), to_attr="accepted_tags"),
        )
        .filter(pk=pk)
        .first()
    )
    if paper is None:  # merged into another: its address leads there
        if survivor := Paper.objects.named([("id", pk)])[0]:
            return _moved(request, reverse("paper-neighbourhood", args=[survivor]))
        raise Http404("No paper has this id.")
    citations = list(
        Citation.objects.filter(Q(citing=paper) | Q(cited=paper))
        .exclude(status=ReviewStatus.REJECTED)
        .select_related("citing", "cited")
    )
    papers = {paper.pk: paper}
    for citation in citations:
        papers[citation.citing_id], papers[citation.cited_id] = citation.citing, citation.cited
    nodes = [
        {
            "id": f"p{p.pk}",
            "label": p.plain_title[:80],
            "kind": "focus" if p.pk == paper.pk else "paper",
            "url": reverse("paper-neighbourhood", args=[p.pk]),
            "groups": [],
        }
        for p in papers.values()
    ]
    edges = [{"source": f"p{c.citing_id}", "target": f"p{c.cited_id}", "status": c.status} for c in citations]
    return render(
        request,
        "graph/paper.html",
        {"paper": paper, "graph": {"nodes": nodes, "edges": edges, "categories": []}, "title": paper.plain_title},
    )
