"""Exports through the command and the API: the same filters, the media types reference managers ask
for, pages with a Link header in bounded queries, and errors that stay JSON."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography.models import PaperConcept
from tests.factories import make_author, make_authorship, make_concept, make_paper


def test_export_command_filters_like_the_api(db, tmp_path):
    scaling = make_concept("Scaling", slug="scaling")
    tagged = make_paper(title="Tagged paper", year=2023)
    make_paper(title="Other paper", year=2023)
    PaperConcept.objects.create(paper=tagged, concept=scaling, status="accepted", source="manual")
    output = tmp_path / "out.bib"

    stdout = io.StringIO()
    call_command(
        "export_bibliography", "--format", "bibtex", "--output", str(output), "--concept", "scaling", stdout=stdout
    )

    assert "Wrote 1 papers" in stdout.getvalue()
    assert output.read_text().count("@misc{") == 1 and "Tagged paper" in output.read_text()
    call_command("export_bibliography", "--format", "ris", "--output", str(output), "--year", "2023", stdout=stdout)
    assert output.read_text().count("TY  - ") == 2
    with pytest.raises(CommandError, match="--concept: no concept"):
        call_command("export_bibliography", "--format", "ris", "--output", str(output), "--concept", "nope")


@pytest.mark.parametrize(
    ("query", "accept", "media_type", "marker"),
    [
        ("?format=bibtex", None, "application/x-bibtex", "@misc{"),
        ("", "application/x-bibtex", "application/x-bibtex", "@misc{"),
        ("", "text/x-bibtex", "text/x-bibtex", "@misc{"),
        ("?format=csljson", None, "application/vnd.citationstyles.csl+json", '"type": "article"'),
        ("", "application/vnd.citationstyles.csl+json", "application/vnd.citationstyles.csl+json", '"id"'),
        ("?format=ris", None, "application/x-research-info-systems", "TY  - GEN"),
        ("", "application/x-research-info-systems", "application/x-research-info-systems", "ER  - "),
    ],
)
def test_api_serves_reference_manager_formats(client, db, query, accept, media_type, marker):
    paper = make_paper(title="Served paper")
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    listing = client.get(f"/api/papers/{query}", **headers)
    detail = client.get(f"/api/papers/{paper.pk}/{query}", **headers)

    for response in (listing, detail):
        assert response.status_code == 200
        assert response["Content-Type"].startswith(media_type)
        assert marker in response.content.decode()
    if "csljson" in media_type or "csl" in media_type:
        assert json.loads(listing.content)[0]["title"] == "Served paper"


def test_api_export_pages_with_a_link_header_in_bounded_queries(client, db):
    for n in range(30):
        paper = make_paper(title=f"Paper {n}")
        make_authorship(paper, make_author(f"Author {n}"))
    client.get("/api/papers/?format=bibtex&page_size=30")  # keys are made once, on first export

    with CaptureQueriesContext(connection) as small:
        client.get("/api/papers/?format=bibtex&page_size=2")
    with CaptureQueriesContext(connection) as large:
        response = client.get("/api/papers/?format=bibtex&page_size=25")

    assert len(large) == len(small)
    assert response.content.decode().count("@misc{") == 25
    assert 'rel="next"' in response["Link"]
    following = client.get(response["Link"].split(">")[0].lstrip("<"))
    assert following.content.decode().count("@misc{") == 5


def test_api_errors_stay_json_when_bibtex_was_asked(client, db):
    response = client.get("/api/papers/?format=bibtex&concept=nope")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["parameter"] == "concept"
    assert client.get("/api/papers/?format=bibtex&group_by=year").status_code == 400
