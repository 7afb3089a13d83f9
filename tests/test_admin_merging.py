"""Merging in the admin: papers (previewed, chosen field by field, their old addresses kept),
duplicate candidates and lookalikes found for it, concepts and authors that are one."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from bibliography import duplicates
from bibliography.models import (
    Author,
    AuthorAlias,
    Citation,
    Concept,
    ConceptAlias,
    ConceptRelation,
    DuplicateCandidate,
    Paper,
    PaperAlias,
    PaperConcept,
    PaperLink,
    SourceRecord,
)
from tests.admin_pages import CHANGELIST, _change_form_data, merge_form
from tests.dumps import ABSTRACT, HEADER, write
from tests.factories import make_author, make_authorship, make_concept, make_paper, make_venue

pytestmark = pytest.mark.django_db


class TestMerge:
    def duplicates(self):
        concept = make_concept()
        keep = make_paper(title="Scaling Laws", doi="10.1/keep")
        extra = make_paper(title="Scaling laws.", abstract="Longer abstract.", arxiv_id="2401.00001")
        shared, own = make_author("Shared Person"), make_author("Only On Extra")
        make_authorship(keep, shared, 1)
        make_authorship(extra, shared, 1)
        make_authorship(extra, own, 2)
        PaperConcept.objects.create(paper=keep, concept=concept, status="suggested", score=0.2)
        PaperConcept.objects.create(paper=extra, concept=concept, status="accepted", score=0.9, source="manual")
        citer, cited = make_paper(), make_paper()
        Citation.objects.create(citing=citer, cited=extra, status="accepted")
        Citation.objects.create(citing=extra, cited=cited, status="accepted")
        Citation.objects.create(citing=extra, cited=keep, status="accepted")  # becomes a self-citation
        PaperLink.objects.create(paper=extra, url="https://github.com/a/b", kind="code")
        return keep, extra, citer, cited

    def test_merge_page_previews_then_merges_everything_into_the_survivor(self, client, curator):
        keep, extra, citer, cited = self.duplicates()
        redirect = client.post(CHANGELIST, {"action": "merge_papers", "_selected_action": [keep.pk, extra.pk]})
        page = client.get(redirect.url)
        assert page.status_code == 200
        preview = page.content.decode()
        assert "1 authors move over" in preview and "1 tags combined" in preview and "1 links move over" in preview
        assert Paper.objects.filter(pk=extra.pk).exists()  # a preview writes nothing

        done = client.post(reverse("admin:bibliography_paper_merge"), merge_form(page))
        assert done.status_code == 302
        keep.refresh_from_db()
        assert not Paper.objects.filter(pk=extra.pk).exists()
        assert [a.author.name for a in keep.authorships.order_by("position")] == ["Shared Person", "Only On Extra"]
        tag = keep.tags.get()
        assert (tag.status, tag.source, tag.score) == ("accepted", "manual", 0.9)
        assert keep.arxiv_id == "2401.00001" and keep.doi == "10.1/keep"
        assert list(keep.references.all()) == [cited]
        assert list(keep.cited_by.all()) == [citer]
        assert keep.cited_by_count == 1
        assert keep.links.get().url == "https://github.com/a/b"
        alias = PaperAlias.objects.get(old_id=extra.pk)
        assert alias.paper == keep and alias.arxiv_id == "2401.00001" and alias.merged_by == curator
        assert "merged" in keep.history.first().history_change_reason

    def test_a_later_import_of_the_merged_record_lands_on_the_survivor(self, client, curator, tmp_path):
        listing = write(tmp_path, HEADER + f"Scaling Laws Revisited\n\n{ABSTRACT}\n")
        call_command("import_dumps", str(listing), "--no-progress", stdout=io.StringIO())
        gone = Paper.objects.get(title="Scaling Laws Revisited")
        keep = make_paper(title="Scaling laws revisited (journal version)")
        page = client.get(
            reverse("admin:bibliography_paper_merge"), {"ids": f"{keep.pk},{gone.pk}", "survivor": keep.pk}
        )
        client.post(reverse("admin:bibliography_paper_merge"), merge_form(page))
        out = io.StringIO()
        call_command("import_dumps", str(listing), "--no-progress", stdout=out)
        assert "0 created" in out.getvalue()
        assert Paper.objects.count() == 1
        assert SourceRecord.objects.get().paper == keep

    def test_a_viewer_cannot_merge(self, client, seed):
        viewer = User.objects.create_user("v", password="pw", is_staff=True)
        viewer.groups.add(Group.objects.get(name="viewer"))
        client.force_login(viewer)
        ids = ",".join(str(pk) for pk in Paper.objects.values_list("pk", flat=True)[:2])
        assert client.get(reverse("admin:bibliography_paper_merge"), {"ids": ids}).status_code == 403
        assert client.get(CHANGELIST).status_code == 200


class TestDuplicates:
    def test_candidates_are_found_merged_or_dismissed_for_good(self, client, curator):
        a = make_paper(title="Attention Is All You Need")
        b = make_paper(title="Attention is all you need!")
        c = make_paper(title="", abstract="Identical abstract text.", needs_review=True, review_reason="no title")
        d = make_paper(title="Something else", abstract="identical abstract TEXT")
        make_paper(title="Totally unrelated work")
        call_command("find_duplicates", stdout=io.StringIO())
        pairs = {(x.paper_a_id, x.paper_b_id): x.reason for x in DuplicateCandidate.objects.all()}
        assert pairs == {(a.pk, b.pk): "title", (c.pk, d.pk): "abstract"}

        page = client.get("/admin/bibliography/duplicatecandidate/", {"status__exact": "open"})
        assert b"merge" in page.content and b"not a duplicate" in page.content
        candidate = DuplicateCandidate.objects.get(reason="title")
        client.post(f"/admin/bibliography/duplicatecandidate/{candidate.pk}/dismiss/")
        DuplicateCandidate.objects.filter(reason="abstract").delete()
        call_command("find_duplicates", stdout=io.StringIO())
        assert DuplicateCandidate.objects.get(reason="title").status == "dismissed"
        assert DuplicateCandidate.objects.filter(reason="abstract", status="open").count() == 1


class TestMergeChoices:
    """The merge page compares the papers side by side and keeps, per field, the value chosen."""

    def two_records(self):
        first = make_paper(title="Scaling laws", doi="10.1/first", year=2019, venue=make_venue("arXiv"), abstract="")
        second = make_paper(
            title="Scaling Laws for Neural Language Models", doi="10.1/second", issued={"date-parts": [[2020, 1, 23]]},
            venue=make_venue("NeurIPS"), abstract="We study empirical scaling laws.",
        )  # fmt: skip
        make_authorship(first, make_author("Jared Kaplan"))
        return first, second

    def test_each_field_keeps_the_value_chosen_on_the_page(self, client, curator):
        first, second = self.two_records()
        url = reverse("admin:bibliography_paper_merge")
        page = client.get(url, {"ids": f"{first.pk},{second.pk}"})
        html = page.content.decode()
        for value in ("Scaling laws", "Scaling Laws for Neural Language Models", "10.1/first", "10.1/second",
                      "2020-01-23", "NeurIPS", "Jared Kaplan", "We study empirical scaling laws."):  # fmt: skip
            assert value in html, value
        assert f'name="keep_title" value="{second.pk}"' in html and f'name="keep_doi" value="{first.pk}"' in html

        choices = {"keep_title": second.pk, "keep_date": second.pk, "keep_venue": second.pk, "preview": "1"}
        preview = client.post(url, merge_form(page, merge=None) | choices)
        assert f"title from #{second.pk}" in preview.content.decode()
        done = client.post(url, merge_form(preview))

        assert done.status_code == 302 and done["Location"].endswith(f"/{first.pk}/change/")
        first.refresh_from_db()
        assert (first.title, first.doi, first.published_on.isoformat(), first.venue.name) == (
            "Scaling Laws for Neural Language Models", "10.1/first", "2020-01-23", "NeurIPS",
        )  # fmt: skip
        assert first.abstract == "We study empirical scaling laws."  # blank on the survivor: the other's
        assert PaperAlias.objects.get(old_id=second.pk).doi == "10.1/second"

    def test_a_choice_changed_after_the_preview_merges_nothing_until_previewed(self, client, curator):
        first, second = self.two_records()
        url = reverse("admin:bibliography_paper_merge")
        page = client.get(url, {"ids": f"{first.pk},{second.pk}"})

        changed = client.post(url, merge_form(page, survivor=second.pk))
        assert changed.status_code == 200 and Paper.objects.filter(pk=first.pk).exists()
        html = changed.content.decode()
        assert "changed since the preview" in html and f"What the merge does to #{second.pk}" in html

        first.title = "Scaling laws (edited meanwhile)"
        first.save()
        stale = client.post(url, merge_form(changed))
        assert stale.status_code == 200 and "changed since the preview" in stale.content.decode()

        done = client.post(url, merge_form(stale))
        assert done.status_code == 302 and not Paper.objects.filter(pk=first.pk).exists()
        assert Paper.objects.get(pk=second.pk).title == "Scaling Laws for Neural Language Models"  # its own

    def test_a_merged_papers_old_address_leads_to_the_survivor(self, client, curator):
        first, second = self.two_records()
        page = client.get(reverse("admin:bibliography_paper_merge"), {"ids": f"{first.pk},{second.pk}"})
        client.post(reverse("admin:bibliography_paper_merge"), merge_form(page))
        old = client.get(f"{CHANGELIST}{second.pk}/change/")
        assert old.status_code == 302 and old["Location"] == f"{CHANGELIST}{first.pk}/change/"
        assert f"Paper #{second.pk} was merged into this one" in client.get(old["Location"]).content.decode()
        assert client.get(f"{CHANGELIST}987654321/change/").status_code == 302  # unknown: Django's own answer


class TestConceptsAndAuthorsBecomeOne:
    """Renaming a concept moves its slug and keeps the old one as an alias; concepts and authors that
    are one are merged after a page that shows what each brings, leaving aliases and history."""

    def test_a_renamed_concepts_slug_follows_and_the_old_one_still_answers(self, client, curator):
        concept = make_concept("Scaling laws", slug="scaling-laws")
        data = {"name": "Neural scaling laws", "slug": "scaling-laws", "description": "", "kind": "topic"}
        data |= {f"{p}-{k}": v for p in ("parent_relations", "child_relations")
                 for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))}  # fmt: skip
        assert client.post(f"/admin/bibliography/concept/{concept.pk}/change/", data).status_code == 302
        concept.refresh_from_db()
        assert concept.slug == "neural-scaling-laws" and concept.aliases.get().slug == "scaling-laws"
        old = APIClient().get("/api/concepts/scaling-laws/?fields=slug")
        assert old.status_code == 301 and old["Location"] == "/api/concepts/neural-scaling-laws/?fields=slug"
        hand_made = make_concept("Grokking", slug="grok")
        hand_made.rename("Grokking (delayed generalisation)")
        hand_made.save()
        assert hand_made.slug == "grok"  # a slug chosen by hand stays

    def test_concepts_merge_with_their_tags_relations_and_key_points(self, client, curator):
        parent, child = make_concept("learning", slug="learning"), make_concept("in-context", slug="icl")
        keep, gone = make_concept("scaling", slug="scaling"), make_concept("Scaling laws", slug="scaling-laws")
        ConceptRelation.objects.create(parent=parent, child=gone)
        ConceptRelation.objects.create(parent=gone, child=child)
        both, only_gone = make_paper(title="Both"), make_paper(title="Only gone")
        PaperConcept.objects.create(paper=both, concept=keep, status="suggested", score=0.2)
        PaperConcept.objects.create(paper=both, concept=gone, status="accepted", score=0.9, source="manual")
        PaperConcept.objects.create(paper=only_gone, concept=gone, status="accepted")
        talk = make_paper(title="A talk", kind="talk")
        talk.keypoints.create(number=1, text="Loss falls as a power law").concepts.add(gone)

        selected = {"action": "merge_concepts", "_selected_action": [keep.pk, gone.pk]}
        page = client.post("/admin/bibliography/concept/", selected).content.decode()
        assert (
            "2 tags (2 papers accepted)" in page
            and "parents: learning" in page
            and "1 key point" in page
            and "1 key points" not in page
        )
        done = client.post("/admin/bibliography/concept/", selected | {"survivor": keep.pk, "merge": "1"})

        assert done.status_code == 302 and not Concept.objects.filter(pk=gone.pk).exists()
        assert dict(keep.tags.values_list("paper__title", "status")) == {"Both": "accepted", "Only gone": "accepted"}
        assert list(keep.parents.all()) == [parent] and list(keep.children.all()) == [child]
        assert list(talk.keypoints.get().concepts.all()) == [keep]
        assert ConceptAlias.objects.get(slug="scaling-laws").concept == keep
        assert keep.history.first().history_user == curator

    def test_a_merge_that_would_close_a_cycle_changes_nothing(self, client, curator):
        top, middle, bottom = make_concept("top"), make_concept("middle"), make_concept("bottom")
        ConceptRelation.objects.create(parent=top, child=middle)
        ConceptRelation.objects.create(parent=middle, child=bottom)
        selected = {"action": "merge_concepts", "_selected_action": [top.pk, bottom.pk]}
        page = client.post("/admin/bibliography/concept/", selected | {"survivor": top.pk, "merge": "1"}, follow=True)
        assert "Nothing merged: merging would create a cycle" in page.content.decode()
        assert Concept.objects.count() == 3 and ConceptRelation.objects.count() == 2

    def test_authors_merge_and_each_paper_keeps_the_name_it_printed(self, client, curator):
        keep, gone = make_author("Ada Lovelace"), make_author("A. A. Lovelace")
        gone.orcid = "0000-0002-1825-0097"
        gone.save()
        first, second, both = make_paper(title="Notes"), make_paper(title="Sketch"), make_paper(title="Both")
        make_authorship(first, keep), make_authorship(second, gone)
        make_authorship(both, keep, 1), make_authorship(both, gone, 2)

        selected = {"action": "merge_authors", "_selected_action": [keep.pk, gone.pk]}
        assert "0000-0002-1825-0097" in client.post("/admin/bibliography/author/", selected).content.decode()
        client.post("/admin/bibliography/author/", selected | {"survivor": keep.pk, "merge": "1"})

        assert not Author.objects.filter(pk=gone.pk).exists()
        keep.refresh_from_db()
        assert keep.orcid == "0000-0002-1825-0097"
        sketch = second.authorships.get()
        assert sketch.author == keep and sketch.credited_name == "A. A. Lovelace"  # as the paper printed it
        assert list(both.authorships.values_list("author_id", "position")) == [(keep.pk, 1)]
        assert AuthorAlias.objects.get(old_id=gone.pk).author == keep
        old = APIClient().get(f"/api/authors/{gone.pk}/")
        assert old.status_code == 301 and old["Location"] == f"/api/authors/{keep.pk}/"


class TestLookalikes:
    """A paper that looks like another is said so when saved, and imports queue their lookalikes."""

    def test_saving_a_paper_like_another_warns_with_links_and_queues_the_pair(self, client, curator):
        first = make_paper(title="Scaling Laws for Neural Language Models", year=2020)
        make_paper(title="Scaling Laws for Neural Language Models", year=2023)  # another year: another paper
        data = {"title": "Scaling laws for neural language model", "abstract": "", "kind": "article",
                "item_type": "article-journal", "issued": "2020", "extra": "{}"}  # fmt: skip
        for prefix in ("authorships", "tags", "citations_made", "citations_received", "keypoints",
                       "paper_keywords", "links", "sources", "notes", "attachments"):  # fmt: skip
            data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
        page = client.post(f"{CHANGELIST}add/", data, follow=True).content.decode()
        new = Paper.objects.get(title="Scaling laws for neural language model")
        assert "This paper looks like" in page
        assert (
            f'<a href="{CHANGELIST}{first.pk}/change/">#{first.pk} Scaling Laws for Neural Language Models</a>' in page
        )
        assert f"/admin/bibliography/paper/merge/?ids={first.pk},{new.pk}" in page
        assert page.count("merge…</a>") == 1  # the 2023 paper is not proposed
        pair = DuplicateCandidate.objects.get()
        assert (pair.paper_a, pair.paper_b, pair.status) == (first, new, "open")

        pair.status = "dismissed"
        pair.save()
        again = client.post(f"{CHANGELIST}{new.pk}/change/", _change_form_data(new) | {"issued": "2020"}, follow=True)
        assert "This paper looks like" not in again.content.decode()  # a curator said they differ

    def test_an_import_queues_the_lookalikes_of_its_new_papers(self, tmp_path):
        make_paper(title="Scaling Laws for Neural Language Models")
        listing = write(tmp_path, HEADER + f"Scaling Laws for Neural Language Model\n\n{ABSTRACT}\n")
        out = io.StringIO()
        call_command("import_dumps", str(listing), "--no-progress", stdout=out)
        assert "1 possible duplicates of the new papers found" in out.getvalue()
        assert DuplicateCandidate.objects.get().reason == "title"

    def test_every_import_searches_its_new_papers_and_a_stopped_search_resumes(self, tmp_path, monkeypatch):
        make_paper(title="Scaling Laws for Neural Language Models")
        other = "\nAnother paper entirely\n\nIts own abstract, which is long enough to be read.\n"
        listing = write(tmp_path, HEADER + f"Scaling Laws for Neural Language Model\n\n{ABSTRACT}\n{other}")
        monkeypatch.setattr(duplicates, "BATCH", 1)
        calls = []
        original = duplicates._compare

        def stopped_after_one_batch(ids, *args, **kwargs):
            if calls:
                raise KeyboardInterrupt
            calls.append(ids)
            return original(ids, *args, **kwargs)

        monkeypatch.setattr(duplicates, "_compare", stopped_after_one_batch)
        with pytest.raises(KeyboardInterrupt):
            call_command("import_dumps", str(listing), "--no-progress", stdout=io.StringIO())
        assert Paper.objects.count() == 3  # the import itself is committed
        assert duplicates.duplicates_waiting() == 2  # the first batch is done and stays done
        monkeypatch.setattr(duplicates, "_compare", original)
        call_command("find_duplicates", "--waiting", stdout=io.StringIO())
        assert duplicates.duplicates_waiting() == 0
        assert DuplicateCandidate.objects.get().reason == "title"
