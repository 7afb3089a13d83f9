"""What the admin's paper pages send and show, for the tests that drive them: the paper list's
address and titles, the change form as it was served, the merge form as it was previewed."""

from bibliography.models import Authorship, Citation, Paper, PaperConcept

CHANGELIST = "/admin/bibliography/paper/"


def titles(response) -> list[str]:
    return [str(p) for p in response.context["cl"].result_list]


def _change_form_data(paper: Paper) -> dict:
    data = {
        "title": paper.title,
        "abstract": paper.abstract,
        "kind": paper.kind,
        "item_type": paper.item_type,
        "venue": paper.venue_id or "",
        "issued": "",
        "extra": "{}",
        "doi": paper.doi or "",
        "arxiv_id": paper.arxiv_id or "",
        "review_reason": paper.review_reason,
    }
    if paper.needs_review:
        data["needs_review"] = "on"
    prefixes = {
        "authorships": Authorship.objects.filter(paper=paper),
        "tags": PaperConcept.objects.filter(paper=paper),
        "citations_made": Citation.objects.filter(citing=paper),
        "citations_received": Citation.objects.filter(cited=paper),
        "keypoints": paper.keypoints.all(),
        "notes": paper.notes.all(),
        "paper_keywords": paper.paper_keywords.all(),
        "links": paper.links.all(),
        "sources": paper.sources.all(),
        "attachments": paper.attachments.all(),
    }
    for prefix, rows in prefixes.items():
        rows = list(rows)
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            if prefix == "links":
                data.update(
                    {f"{prefix}-{i}-url": row.url, f"{prefix}-{i}-kind": row.kind, f"{prefix}-{i}-paper": paper.pk}
                )
            if prefix in ("sources", "attachments"):
                data[f"{prefix}-{i}-paper"] = paper.pk
            if prefix == "notes":
                data[f"{prefix}-{i}-text"] = row.text
    return data


def merge_form(page, **changes) -> dict:
    """What the merge page sends when its Merge button is pressed, as it was previewed (with changes)."""
    context = page.context
    survivor = context["survivor"].pk
    data = {"ids": context["ids"], "survivor": survivor, "shown_survivor": survivor, "previewed": context["previewed"]}
    data["merge"] = "1"
    for name, _, cells in context["rows"]:
        data |= {f"keep_{name}": cell.paper.pk for cell in cells if cell.chosen and not cell.blank}
    return {key: value for key, value in (data | changes).items() if value is not None}
