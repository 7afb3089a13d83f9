"""Conditional requests: ETags that name the content, If-Match so that no update is silently lost,
If-None-Match answered with a 304, compressed answers and the formats an Accept header chooses."""

import pytest

from bibliography.models import Author, Concept
from tests.factories import make_concept, make_paper

pytestmark = pytest.mark.django_db


class TestNoLostUpdates:
    def test_etag_and_if_match(self, curator):
        paper = make_paper(title="First")
        etag = curator.get(f"/api/papers/{paper.pk}/")["ETag"]
        ok = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Second"}, format="json", HTTP_IF_MATCH=etag)
        assert ok.status_code == 200 and ok["ETag"] != etag
        stale = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Third"}, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412
        paper.refresh_from_db()
        assert paper.title == "Second"

    @pytest.mark.parametrize("path", ["/api/papers/{paper}/", "/api/concepts/{concept}/"])
    def test_the_etag_is_the_whole_records_and_if_none_match_gives_304(self, curator, path):
        paper, concept = make_paper(title="First"), make_concept(slug="etag-whole")
        url = path.format(paper=paper.pk, concept=concept.slug)
        whole = curator.get(url)["ETag"]
        partial = curator.get(url, {"fields": "id"})
        assert partial.json().keys() == {"id"} and partial["ETag"] == whole
        assert curator.get(url, HTTP_IF_NONE_MATCH=whole).status_code == 304
        assert curator.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
        ok = curator.patch(url, {"name" if "concepts" in url else "title": "Next"}, format="json", HTTP_IF_MATCH=whole)
        assert ok.status_code == 200, ok.content

    def test_tags_and_concepts_honour_if_match_too(self, curator):
        concept = make_concept(slug="etag-c")
        etag = curator.get("/api/concepts/etag-c/")["ETag"]
        concept.description = "changed elsewhere"
        concept.save()
        stale = curator.patch("/api/concepts/etag-c/", {"name": "X"}, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412


def test_api_answers_are_gzipped_for_clients_that_ask_and_keep_their_etag_usable(curator, anon):
    paper = make_paper(title="Compressed " * 30, abstract="words " * 400)
    zipped = anon.get(f"/api/papers/{paper.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and int(zipped["Content-Length"]) < 1000
    etag = zipped["ETag"]
    assert etag.startswith("W/")  # compressed answers carry weak ETags; they name the same record
    ok = curator.patch(f"/api/papers/{paper.pk}/", {"title": "Next"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
    admin = anon.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in admin  # pages with a CSRF token stay uncompressed (BREACH)


class TestValidators:
    """What a cache or a polling script relies on: every GET has a validator that names the content."""

    def test_the_etag_is_the_same_whatever_host_name_the_client_used(self, anon):
        paper = make_paper(title="Hosted")
        names = [anon.get(f"/api/papers/{paper.pk}/", HTTP_HOST=host) for host in ("localhost", "127.0.0.1")]
        assert names[0].json()["url"] != names[1].json()["url"]
        assert names[0]["ETag"] == names[1]["ETag"]
        assert (
            anon.get(f"/api/papers/{paper.pk}/", HTTP_HOST="127.0.0.1", HTTP_IF_NONE_MATCH=names[0]["ETag"]).status_code
            == 304
        )

    def test_a_304_carries_the_validator_it_was_asked_with_and_no_body_type(self, anon):
        paper = make_paper(title="Cached " * 40, abstract="words " * 300)
        zipped = anon.get(f"/api/papers/{paper.pk}/", HTTP_ACCEPT_ENCODING="gzip")
        assert zipped["ETag"].startswith("W/")

        again = anon.get(f"/api/papers/{paper.pk}/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])

        assert again.status_code == 304 and again["ETag"] == zipped["ETag"]
        assert "Content-Type" not in again and again.content == b""

    @pytest.mark.parametrize(
        "path", ["/api/papers/", "/api/papers/?format=bibtex", "/api/papers/{paper}/?format=bibtex",
                 "/api/papers/{paper}/?format=ris", "/api/concepts/", "/api/authors/"],
    )  # fmt: skip
    def test_lists_and_exports_carry_an_etag_that_changes_with_their_content(self, anon, curator, path):
        paper = make_paper(title="Listed")
        make_concept("Listed concept")
        url = path.format(paper=paper.pk)
        first = anon.get(url)
        assert first.status_code == 200 and first["ETag"]
        assert anon.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        curator.patch(f"/api/papers/{paper.pk}/", {"title": "Listed again"}, format="json")
        Concept.objects.update(description="changed")
        Author.objects.create(name="Newly Listed")
        second = anon.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert second.status_code == 200 and second["ETag"] != first["ETag"]

    @pytest.mark.parametrize(
        ("accept", "answered"),
        [("application/json;q=0, application/x-bibtex;q=0.5", "application/x-bibtex"),
         ("application/x-bibtex;q=0.2, application/json;q=0.9", "application/json"),
         ("application/x-research-info-systems, application/json;q=0.1", "application/x-research-info-systems"),
         ("*/*;q=0.1, application/x-bibtex", "application/x-bibtex")],
    )  # fmt: skip
    def test_accept_q_values_choose_the_format(self, anon, accept, answered):
        paper = make_paper(title="Negotiated")
        response = anon.get(f"/api/papers/{paper.pk}/", HTTP_ACCEPT=accept)
        assert response.status_code == 200 and response["Content-Type"].startswith(answered)

    def test_nothing_acceptable_is_a_406(self, anon):
        assert anon.get("/api/papers/", HTTP_ACCEPT="application/json;q=0").status_code == 406
