import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography.models import Concept, ConceptRelation
from tests.factories import make_concept

pytestmark = pytest.mark.django_db


def test_ancestors_and_descendants_of_the_seed_graph(anon, seed):
    root = Concept.objects.get(name="Workshop ME-FoMo ICLR 2023")
    below = anon.get(f"/api/concepts/{root.slug}/descendants/").json()["results"]
    assert len(below) == 30  # every other topic node hangs under the workshop
    leaf = Concept.objects.get(name="Power law decay of kernel eigenvalues")
    above = {c["slug"] for c in anon.get(f"/api/concepts/id:{leaf.pk}/ancestors/").json()["results"]}
    assert above == {
        root.slug,
        "foundation",  # the root's category
        "scaling",
        Concept.objects.get(name="Data-dependent kernel eigenvalue spectrum explains generalization").slug,
    }


def test_the_walk_is_one_query_whatever_the_depth():
    chain = [make_concept(slug=f"level-{i}") for i in range(12)]
    ConceptRelation.objects.bulk_create(
        [ConceptRelation(parent=a, child=b) for a, b in zip(chain, chain[1:], strict=False)]
    )

    def queries(depth):
        with CaptureQueriesContext(connection) as ctx:
            found = list(Concept.objects.descendants_of([chain[-depth].pk], include_self=False))
        assert len(found) == depth - 1
        return len(ctx.captured_queries)

    assert queries(2) == queries(12) == 1
