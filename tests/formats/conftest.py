import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from bibliography.exporting import export_chunks
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.models import Paper
from tests.test_importers import DUMPS


@pytest.fixture
def seed(db):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())


def export(format: str, papers=None) -> str:
    return "".join(export_chunks(papers if papers is not None else Paper.objects.all(), EXPORT_FORMATS[format]))


def wipe_bibliography() -> None:
    """Empty every table of the bibliography app, as a new installation would be."""
    tables = [model._meta.db_table for model in apps.get_app_config("bibliography").get_models()]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred checks must fire before TRUNCATE
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def library_state() -> dict:
    """Everything a round trip must keep, per paper, keyed by what identifies the paper."""
    state = {}
    for paper in Paper.objects.for_listing():
        key = paper.title_key or paper.abstract_key
        assert key not in state
        state[key] = {
            "title": paper.title,
            "abstract": paper.abstract,
            "kind": paper.kind,
            "year": paper.year,
            "published_on": paper.published_on,
            "doi": paper.doi,
            "arxiv_id": paper.arxiv_id,
            "venue": (paper.venue.name, paper.venue.kind) if paper.venue else None,
            "authors": [(a.author.name, a.role) for a in paper.authorships.all()],
            "links": [(link.url, link.kind) for link in sorted(paper.links.all(), key=lambda link: link.id)],
            "concepts": sorted(tag.concept.name for tag in paper.accepted_tags),
            "citation_key": paper.citation_key,
        }
    return state
