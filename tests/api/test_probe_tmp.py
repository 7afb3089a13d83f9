import json
import pytest
from bibliography.models import Paper, Concept
from tests.factories import make_paper, make_concept, make_author, make_authorship

pytestmark = pytest.mark.django_db

def show(label, r):
    body = r.content[:300]
    print(f"\n== {label}: {r.status_code} {r.get('Content-Type')} ETag={r.get('ETag')} LM={r.get('Last-Modified')}\n   {body!r}")

def test_probe(curator, anon):
    p = make_paper(title="Alpha paper", year=2020)
    make_authorship(p, make_author("Ada Lovelace"))
    c = make_concept("Scaling", slug="scaling")
    r = curator.get(f"/api/papers/{p.pk}/"); show("get", r)
    doc = r.json()
    r = curator.put(f"/api/papers/{p.pk}/", {"title": "Only title"}, format="json"); show("put partial", r)
    r = curator.patch(f"/api/papers/{p.pk}/", {"colour": "red"}, format="json"); show("unknown field", r)
    r = curator.patch(f"/api/papers/{p.pk}/", {"keywords": ["x"]}, format="json"); show("readonly keywords", r)
    r = curator.patch(f"/api/papers/{p.pk}/", {"published_on": "9999-12-31"}, format="json"); show("9999", r)
    r = curator.patch(f"/api/papers/{p.pk}/", {"citation_key": "a b"}, format="json"); show("key a b", r)
    r = curator.patch(f"/api/papers/{p.pk}/", {"arxiv_id": "2399.01234"}, format="json"); show("arxiv 99", r)
    r1 = anon.get(f"/api/papers/{p.pk}/", HTTP_HOST="a.example"); r2 = anon.get(f"/api/papers/{p.pk}/", HTTP_HOST="b.example")
    print("\n== etag host", r1.get("ETag"), r2.get("ETag"))
    r = anon.get(f"/api/papers/{p.pk}/", HTTP_IF_NONE_MATCH=r1.get("ETag")); show("304", r); print(dict(r.items()))
    r = anon.get(f"/api/papers/{p.pk}/", HTTP_ACCEPT="application/json;q=0, application/x-bibtex;q=0.5"); show("qvalues", r)
    r = anon.get(f"/api/papers/{p.pk}/", HTTP_ACCEPT="application/x-bibtex"); show("bibtex detail", r)
    r = anon.get(f"/api/papers/{p.pk}/?format=ris"); show("ris detail", r)
    r = anon.get("/api/papers/"); show("list", r)
    r = anon.get("/api/papers/?ordering=--title"); show("--title", r)
    r = anon.get("/api/papers/?format=bibtex&group_by=author"); show("bibtex group_by", r)
    r = anon.get("/api/autocomplete/0/?q=%5D"); show("autocomplete ]", r)
    r = anon.get("/api/autocomplete/0/?q=a"); show("autocomplete a", r)
    r = anon.get("/api/papers/", HTTP_ACCEPT="application/problem+json"); show("problem+json", r)
    r = anon.get("/api/papers/?cursor=zzz"); show("bad cursor", r)
    r = anon.get("/api/papers/?filter=publication_year:2020"); show("openalex filter", r)
    r = anon.get("/api/papers/?mailto=a@b.org"); show("mailto", r)
    r = anon.get("/api/papers/?select=id,title"); show("select", r)
    r = anon.get("/api/v1/papers/"); show("v1", r)
    c.slug = "scaling-laws"; c.save()
    r = anon.get("/api/papers/?concept=scaling"); show("old slug filter", r)
    r = anon.get("/api/concepts/scaling/"); show("old slug detail", r)
    r = curator.patch(f"/api/papers/{p.pk}/", {"authors": [{"name": f"Person {i}"} for i in range(3000)]}, format="json"); show("3000 authors", r)
