"""Every invariant of the data model holds in PostgreSQL itself, also around the ORM's validation."""

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibliography.models import (
    Authorship,
    Citation,
    ConceptRelation,
    KeyPoint,
    Paper,
    PaperConcept,
    PaperLink,
    ReviewStatus,
    SourceRecord,
)
from tests.factories import make_author, make_authorship, make_concept, make_paper, make_venue

pytestmark = pytest.mark.django_db


def violates(constraint: str):
    """Expect an IntegrityError raised by the named database constraint."""

    class _Violation:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.raises = pytest.raises(IntegrityError, match=constraint)
            self.raises.__enter__()

        def __exit__(self, *exc):
            handled = self.raises.__exit__(*exc)
            self.atomic.__exit__(None, None, None)
            return handled

    return _Violation()


def test_a_paper_cannot_cite_itself():
    paper = make_paper()
    with violates("citation_not_self"):
        Citation.objects.bulk_create([Citation(citing=paper, cited=paper)])


def test_a_citation_pair_is_unique():
    a, b = make_paper(), make_paper()
    Citation.objects.create(citing=a, cited=b)
    with violates("citation_unique_pair"):
        Citation.objects.bulk_create([Citation(citing=a, cited=b)])


def test_the_reverse_citation_is_allowed():
    a, b = make_paper(), make_paper()
    Citation.objects.bulk_create([Citation(citing=a, cited=b), Citation(citing=b, cited=a)])
    assert Citation.objects.count() == 2


def test_a_concept_cannot_be_its_own_parent():
    concept = make_concept()
    with violates("conceptrelation_not_self"):
        ConceptRelation.objects.bulk_create([ConceptRelation(parent=concept, child=concept)])


def test_a_concept_relation_is_unique():
    a, b = make_concept(), make_concept()
    ConceptRelation.objects.create(parent=a, child=b)
    with violates("conceptrelation_unique_pair"):
        ConceptRelation.objects.bulk_create([ConceptRelation(parent=a, child=b)])


def test_the_database_refuses_a_cycle_in_the_concept_graph():
    a, b, c = make_concept(slug="a"), make_concept(slug="b"), make_concept(slug="c")
    ConceptRelation.objects.bulk_create([ConceptRelation(parent=a, child=b), ConceptRelation(parent=b, child=c)])
    with violates(r'making "c" a parent of "a" would create a cycle'):
        ConceptRelation.objects.bulk_create([ConceptRelation(parent=c, child=a)])


def test_re_pointing_an_edge_into_a_cycle_is_refused():
    a, b, c = make_concept(), make_concept(), make_concept()
    ConceptRelation.objects.create(parent=a, child=b)
    edge = ConceptRelation.objects.create(parent=c, child=b)
    with violates("would create a cycle"):
        ConceptRelation.objects.filter(pk=edge.pk).update(parent=b, child=a)


def test_a_dag_with_shared_descendants_is_allowed():
    top, left, right, bottom = (make_concept() for _ in range(4))
    ConceptRelation.objects.bulk_create(
        [
            ConceptRelation(parent=top, child=left),
            ConceptRelation(parent=top, child=right),
            ConceptRelation(parent=left, child=bottom),
            ConceptRelation(parent=right, child=bottom),
        ]
    )
    assert set(top.children.all()) == {left, right}
    assert set(bottom.parents.all()) == {left, right}


def test_model_validation_explains_a_cycle_before_the_database_refuses_it():
    from django.core.exceptions import ValidationError

    a, b = make_concept(name="Learning"), make_concept(name="Deep learning")
    ConceptRelation.objects.create(parent=a, child=b)
    with pytest.raises(ValidationError, match="would create a cycle"):
        ConceptRelation(parent=b, child=a).full_clean()


def test_a_doi_is_unique():
    make_paper(doi="10.1000/xyz")
    with violates("bibliography_paper_doi_key"):
        Paper.objects.bulk_create([Paper(title="Other", doi="10.1000/xyz")])


def test_a_doi_is_stored_lower_case():
    with violates("paper_doi_normalised"):
        Paper.objects.bulk_create([Paper(title="Shouting", doi="10.1000/XYZ")])


def test_an_arxiv_id_is_unique_and_well_formed():
    make_paper(arxiv_id="2401.01234")
    with violates("bibliography_paper_arxiv_id_key"):
        Paper.objects.bulk_create([Paper(title="Other", arxiv_id="2401.01234")])
    with violates("paper_arxiv_id_normalised"):
        Paper.objects.bulk_create([Paper(title="Other", arxiv_id="arXiv:2401.01234v2")])


def test_papers_without_identifiers_do_not_collide():
    Paper.objects.bulk_create([Paper(title="One"), Paper(title="Two")])
    assert Paper.objects.filter(doi__isnull=True, arxiv_id__isnull=True).count() == 2


def test_an_untitled_paper_must_need_review_and_say_why():
    with violates("paper_untitled_needs_review"):
        Paper.objects.bulk_create([Paper(title="", abstract="Some abstract.")])
    with violates("paper_review_reason_iff_needs_review"):
        Paper.objects.bulk_create([Paper(title="", abstract="Some abstract.", needs_review=True)])
    Paper.objects.bulk_create([Paper(title="", abstract="x", needs_review=True, review_reason="no title")])


def test_year_and_date_agree():
    with violates("paper_year_matches_date"):
        Paper.objects.bulk_create([Paper(title="T", published_on=datetime.date(2023, 3, 20), year=2022)])
    paper = make_paper(published_on=datetime.date(2023, 3, 20))
    assert paper.year == 2023


def test_an_author_position_is_unique_per_paper():
    paper = make_paper()
    make_authorship(paper, position=1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS authorship_unique_position IMMEDIATE")
    with violates("authorship_unique_position"):
        Authorship.objects.bulk_create([Authorship(paper=paper, author=make_author(), position=1)])


def test_authors_can_swap_positions_in_one_transaction():
    paper = make_paper()
    first = make_authorship(paper, position=1)
    second = make_authorship(paper, position=2)
    with transaction.atomic():
        Authorship.objects.filter(pk=first.pk).update(position=2)
        Authorship.objects.filter(pk=second.pk).update(position=1)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS authorship_unique_position IMMEDIATE")
    assert [a.author_id for a in paper.authorships.order_by("position")] == [second.author_id, first.author_id]


def test_an_author_appears_once_per_paper_in_each_role():
    paper, author = make_paper(), make_author()
    make_authorship(paper, author, position=1)
    Authorship.objects.create(paper=paper, author=author, position=2, role="editor")  # a chapter by its book's editor
    with violates("authorship_unique_author_role"):
        Authorship.objects.bulk_create([Authorship(paper=paper, author=author, position=3)])


def test_an_author_with_papers_cannot_be_deleted():
    from django.db.models import ProtectedError

    authorship = make_authorship(make_paper())
    with pytest.raises(ProtectedError):
        authorship.author.delete()


def test_a_venue_with_papers_cannot_be_deleted():
    from django.db.models import ProtectedError

    venue = make_venue()
    make_paper(venue=venue)
    with pytest.raises(ProtectedError):
        venue.delete()


def test_a_tag_is_unique_per_paper_and_concept_and_scored_between_0_and_1():
    paper, concept = make_paper(), make_concept()
    PaperConcept.objects.create(paper=paper, concept=concept, score=0.5)
    with violates("paperconcept_unique_pair"):
        PaperConcept.objects.bulk_create([PaperConcept(paper=paper, concept=concept)])
    with violates("paperconcept_score_0_1"):
        PaperConcept.objects.bulk_create([PaperConcept(paper=paper, concept=make_concept(), score=1.5)])


def test_a_key_point_number_is_unique_per_paper():
    paper = make_paper(kind="talk")
    KeyPoint.objects.create(paper=paper, number=1, text="First.")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS keypoint_unique_number IMMEDIATE")
    with violates("keypoint_unique_number"):
        KeyPoint.objects.bulk_create([KeyPoint(paper=paper, number=1, text="Again.")])


def test_a_link_is_unique_per_paper():
    paper = make_paper()
    PaperLink.objects.create(paper=paper, url="https://github.com/a/b", kind="code")
    with violates("paperlink_unique_url_per_paper"):
        PaperLink.objects.bulk_create([PaperLink(paper=paper, url="https://github.com/a/b")])


def test_source_record_listing_dates_are_checked():
    from bibliography.models import ImportRun

    run = ImportRun.objects.create(
        file_name="f.txt", sha256="0" * 64, started_at="2026-01-01T00:00Z", status="succeeded"
    )
    with violates("sourcerecord_month"):
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    import_run=run, paper=make_paper(), file_name="f", line_number=1, raw_hash="h", listed_month=13
                )
            ]
        )


_PAIRS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3)).filter(lambda p: p[0] != p[1]), min_size=1, max_size=6
)
STATEMENTS = st.tuples(
    st.sampled_from(["add", "status", "delete", "re-point"]), _PAIRS, st.sampled_from(list(ReviewStatus.values))
)


class TestCitedByCount:
    """cited_by_count always equals the number of accepted citations, whatever the write path."""

    def counts(self, *papers):
        return [Paper.objects.get(pk=p.pk).cited_by_count for p in papers]

    def test_follows_accepting_rejecting_and_deleting(self):
        cited, a, b = make_paper(), make_paper(), make_paper()
        first = Citation.objects.create(citing=a, cited=cited, status=ReviewStatus.SUGGESTED)
        assert self.counts(cited) == [0]
        first.status = ReviewStatus.ACCEPTED
        first.save()
        Citation.objects.bulk_create([Citation(citing=b, cited=cited, status=ReviewStatus.ACCEPTED)])
        assert self.counts(cited) == [2]
        Citation.objects.filter(citing=b).update(status=ReviewStatus.REJECTED)
        assert self.counts(cited) == [1]
        first.delete()
        assert self.counts(cited) == [0]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(STATEMENTS, min_size=1, max_size=8))
    def test_holds_after_any_statements_over_many_rows(self, statements):
        """Counted once per statement (migration 0068): a statement's rows may add to and take from the
        same paper, repeat it, or point away from it."""
        with transaction.atomic():
            papers = [make_paper(title=f"Paper {n}") for n in range(4)]
            for kind, pairs, status in statements:
                rows = Citation.objects.filter(
                    pk__in=[c.pk for c in Citation.objects.filter(citing__in=papers) for i, j in pairs
                            if (c.citing_id, c.cited_id) == (papers[i].pk, papers[j].pk)]
                )  # fmt: skip
                with transaction.atomic():
                    if kind == "add":
                        Citation.objects.bulk_create(
                            [Citation(citing=papers[i], cited=papers[j], status=status) for i, j in pairs],
                            ignore_conflicts=True,
                        )
                    elif kind == "status":
                        rows.update(status=status)
                    elif kind == "delete":
                        rows.delete()
                    elif kind == "re-point":
                        try:
                            with transaction.atomic():
                                rows.update(cited=papers[pairs[0][1]])
                        except IntegrityError:  # a pair twice, or a paper citing itself
                            pass
                accepted = [Citation.objects.filter(cited=p, status=ReviewStatus.ACCEPTED).count() for p in papers]
                assert self.counts(*papers) == accepted
            transaction.set_rollback(True)

    def test_follows_re_pointing_and_deleting_the_citing_paper(self):
        x, y, citing = make_paper(), make_paper(), make_paper()
        citation = Citation.objects.create(citing=citing, cited=x, status=ReviewStatus.ACCEPTED)
        Citation.objects.filter(pk=citation.pk).update(cited=y)
        assert self.counts(x, y) == [0, 1]
        citing.delete()
        assert self.counts(y) == [0]


# A relation the database itself does not enforce is one a raw write, a trigger or a restore can break
# unseen; checked at commit, as Django's own are, so that a dump loads in any order of its tables.
_FOREIGN_KEYS = """
SELECT a.attname, c.condeferred FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND cardinality(c.conkey) = 1
"""


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_app_config("bibliography").get_models() if not m.__name__.startswith("Historical")],
    ids=lambda model: model.__name__,
)
def test_every_relation_is_a_foreign_key_the_database_checks_at_commit(model):
    relations = {f.column for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one}
    with connection.cursor() as cursor:
        cursor.execute(_FOREIGN_KEYS, [model._meta.db_table])
        enforced = dict(cursor.fetchall())
    assert {column: enforced.get(column) for column in relations} == dict.fromkeys(relations, True)
