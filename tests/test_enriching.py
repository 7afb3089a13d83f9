"""`manage.py enrich` against stubbed services: HTTP is answered at the transport level (responses)
with bodies in each service's documented format, most of them real answers (tests/data/real)."""

import io
import json
import socket
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import requests
import responses
from django.core.management import call_command
from django.utils import timezone

from bibliography.enriching.enrich import enrich
from bibliography.enriching.http import LookupFailed, NotCached, PoliteClient, Service
from bibliography.enriching.sources import ArxivApi, Crossref, OpenAlex
from bibliography.formats.records import UNTITLED_REASON
from bibliography.models import Citation, Paper, Proposal, SourceRecord
from bibliography.proposing import ProposalRefused, proposal_accept, proposal_reject
from tests.conftest import NetworkTouched
from tests.factories import make_author, make_authorship, make_paper

REAL = Path(__file__).parent / "data" / "real"
_LINES = filter(str.strip, (REAL / "openalex-works.jsonl").read_text().splitlines())
WORKS = {w["id"].removeprefix("https://openalex.org/"): w for w in map(json.loads, _LINES)}
STATE_OF_OA = WORKS["W2741809807"]  # "The state of OA", PeerJ 2018, 9 authors
CROSSREF_WORK = json.loads((REAL / "services" / "crossref-work.json").read_text())  # Org. Lett. 2019
STATE_OF_OA_TITLE = STATE_OF_OA["display_name"]
SERVICE = Service("Example", "https://api.example.org", 0.5)


@pytest.fixture
def waits():
    return []


@pytest.fixture
def polite(tmp_path, waits):
    made = PoliteClient(tmp_path / "cache.sqlite", contact="curators@example.org", sleep=waits.append)
    yield made
    made.close()


@pytest.fixture
def mocked():
    with responses.RequestsMock() as mock:
        yield mock


def untitled(**fields) -> Paper:
    """A bare abstract, as the listing dumps hold many."""
    return make_paper(title="", needs_review=True, review_reason=UNTITLED_REASON, **fields)


def openalex_url(doi: str) -> str:
    return f"https://api.openalex.org/works/doi:{doi}"


# -- the client -------------------------------------------------------------------------------


def test_nothing_in_the_tests_reaches_the_network():
    with pytest.raises(NetworkTouched):
        socket.create_connection(("api.openalex.org", 443), timeout=1)
    with pytest.raises(NetworkTouched):
        socket.socket().connect(("192.0.2.1", 443))


def test_a_429_is_asked_again_after_the_wait_it_names(polite, mocked, waits):
    mocked.get("https://api.example.org/w", status=429, headers={"Retry-After": "7"})
    mocked.get("https://api.example.org/w", json={"ok": 1})
    assert polite.get(SERVICE, "/w") == {"ok": 1}
    assert waits == [7.0]


def test_a_retry_after_given_as_a_date_is_waited_until(polite, mocked, waits):
    when = (timezone.now() + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    mocked.get("https://api.example.org/w", status=503, headers={"Retry-After": when})
    mocked.get("https://api.example.org/w", json={"ok": 1})
    assert polite.get(SERVICE, "/w") == {"ok": 1}
    assert 25 <= waits[0] <= 31


def test_a_service_down_is_asked_again_with_growing_waits_then_given_up_on_by_name(polite, mocked, waits):
    for _ in range(5):
        mocked.get("https://api.example.org/w", status=500, body="upstream timeout")
    with pytest.raises(LookupFailed, match=r"Example answered 500 to https://api.example.org/w.*5 times"):
        polite.get(SERVICE, "/w")
    assert waits == [1.0, 2.0, 4.0, 8.0]


def test_a_timeout_is_retried_and_then_reported(polite, mocked, waits):
    mocked.get("https://api.example.org/w", body=requests.exceptions.ConnectTimeout("slow"))
    mocked.get("https://api.example.org/w", json={"ok": 1})
    assert polite.get(SERVICE, "/w") == {"ok": 1}
    for _ in range(5):
        mocked.get("https://api.example.org/t", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(LookupFailed, match=r"Example: no answer from https://api.example.org/t after 5 tries"):
        polite.get(SERVICE, "/t")


def test_a_malformed_body_is_an_error_and_is_not_kept(polite, mocked):
    mocked.get("https://api.example.org/w", body="<html>maintenance</html>", content_type="text/html")
    mocked.get("https://api.example.org/w", json={"ok": 1})
    with pytest.raises(LookupFailed, match="not JSON: '<html>maintenance"):
        polite.get(SERVICE, "/w")
    assert polite.get(SERVICE, "/w") == {"ok": 1}  # asked again, not answered from the cache


def test_an_answer_is_kept_on_disk_and_offline_runs_read_it_without_connecting(tmp_path, mocked, waits):
    mocked.get("https://api.example.org/w", json={"ok": 1})
    mocked.get("https://api.example.org/gone", status=404)
    online = PoliteClient(tmp_path / "c.sqlite", sleep=waits.append)
    assert online.get(SERVICE, "/w", {"q": "x"}) == {"ok": 1}
    assert online.get(SERVICE, "/w", {"q": "x"}) == {"ok": 1}
    assert online.get(SERVICE, "/gone") is None
    assert online.asked == 2 and len(mocked.calls) == 2
    online.close()
    offline = PoliteClient(tmp_path / "c.sqlite", offline=True, sleep=waits.append)
    assert offline.get(SERVICE, "/w", {"q": "x"}) == {"ok": 1}
    assert offline.get(SERVICE, "/gone") is None
    with pytest.raises(NotCached):
        offline.get(SERVICE, "/w", {"q": "other"})
    assert len(mocked.calls) == 2 and offline.asked == 0
    offline.close()


def test_each_service_is_asked_at_its_own_pace(tmp_path, mocked):
    now, waits = [100.0], []
    polite = PoliteClient(tmp_path / "c.sqlite", sleep=waits.append, clock=lambda: now[0])
    mocked.get("https://api.example.org/a", json={})
    mocked.get("https://api.example.org/b", json={})
    polite.get(SERVICE, "/a")
    now[0] += 0.2
    polite.get(SERVICE, "/b")
    polite.get(SERVICE, "/a")  # from the cache: no wait
    assert waits == [pytest.approx(0.3)]
    assert "mailto" not in mocked.calls[0].request.headers.get("User-Agent", "")
    polite.close()


@pytest.mark.django_db
def test_the_contact_address_and_key_are_sent_and_the_key_never_shown(tmp_path, mocked):
    polite = PoliteClient(tmp_path / "c.sqlite", contact="curators@example.org", sleep=lambda s: None)
    source = OpenAlex(polite, contact="curators@example.org", api_key="s3cret")
    mocked.get(openalex_url("10.7717/peerj.4375"), status=400, body="bad filter")
    with pytest.raises(LookupFailed) as error:
        source.candidates(untitled(abstract="x", doi="10.7717/peerj.4375"))
    request = mocked.calls[0].request
    assert "mailto=curators%40example.org" in request.url and "api_key=s3cret" in request.url
    assert "mailto:curators@example.org" in request.headers["User-Agent"]
    assert "s3cret" not in str(error.value) and "OpenAlex answered 400" in str(error.value)
    polite.close()


# -- OpenAlex ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_paper_known_by_its_doi_is_completed_from_openalex(polite, mocked):
    paper = make_paper(title="The state of OA", abstract="", doi="10.7717/peerj.4375")
    mocked.get(openalex_url("10.7717/peerj.4375"), json=STATE_OF_OA)
    result = enrich([paper], [OpenAlex(polite)])
    paper.refresh_from_db()
    assert result.completed == 1 and result.failures == []
    names = list(paper.authorships.order_by("position").values_list("author__name", flat=True))
    assert names[0] == "Heather Piwowar" and len(names) == 9
    assert paper.issued == {"date-parts": [[2018, 2, 13]]} and paper.venue.name == "PeerJ"
    assert paper.extra["openalex"]["id"] == "W2741809807"
    source = SourceRecord.objects.get(paper=paper)
    assert source.file_name == "OpenAlex API, https://api.openalex.org"
    assert source.import_run.started_at <= timezone.now()
    # the title the paper had differs from OpenAlex's: proposed, not written over
    proposal = Proposal.objects.get(paper=paper)
    assert paper.title == "The state of OA"
    assert proposal.field == "title" and proposal.value.startswith("The state of OA: a large-scale analysis")
    assert proposal.source == "OpenAlex API, https://api.openalex.org"
    assert proposal.source_url == "https://openalex.org/W2741809807"


@pytest.mark.django_db
def test_the_works_looked_up_cite_each_other_as_openalex_lists(polite, mocked):
    citing, cited = WORKS["W2252212014"], WORKS["W2442495973"]
    assert cited["id"] in citing["referenced_works"]
    papers = [untitled(abstract="x", doi=citing["doi"][16:]), untitled(abstract="y", doi=cited["doi"][16:])]
    mocked.get(openalex_url(citing["doi"][16:]), json=citing)
    mocked.get(openalex_url(cited["doi"][16:]), json=cited)
    enrich(papers, [OpenAlex(polite)])
    assert list(Citation.objects.values_list("citing_id", "cited_id")) == [(papers[0].pk, papers[1].pk)]
    papers[1].refresh_from_db()
    assert papers[1].title.startswith("Summarizing Scientific Articles")  # untitled: filled


@pytest.mark.django_db
def test_a_title_search_hit_that_cannot_be_confirmed_becomes_proposals(polite, mocked):
    paper = make_paper(title=STATE_OF_OA_TITLE, abstract="")
    mocked.get("https://api.openalex.org/works", json={"meta": {"count": 1}, "results": [STATE_OF_OA]})
    result = enrich([paper], [OpenAlex(polite)])
    paper.refresh_from_db()
    assert result.completed == 0 and paper.authorships.count() == 0 and paper.doi is None  # nothing taken
    proposed = {p.field: p for p in Proposal.objects.filter(paper=paper)}
    assert {"authors", "issued", "venue", "doi"} <= set(proposed) and "title" not in proposed
    assert "first author unknown here" in proposed["doi"].reason and "title search" in proposed["doi"].reason
    asked = mocked.calls[0].request.url.replace("+", " ").replace("%3A", ":")
    assert "title.search:The state of OA a large-scale" in asked

    proposal_accept(proposed["authors"])
    proposal_accept(proposed["doi"])
    proposal_reject(proposed["venue"])
    paper.refresh_from_db()
    assert paper.doi == "10.7717/peerj.4375" and paper.authorships.count() == 9
    assert paper.history.first().history_change_reason == "accepted the DOI OpenAlex proposed"
    with pytest.raises(ProposalRefused):
        proposal_accept(proposed["venue"])

    # asked again, the rejected venue is not proposed again, nor anything already decided
    paper.doi = None
    Paper.objects.filter(pk=paper.pk).update(doi=None)
    before = Proposal.objects.count()
    enrich([paper], [OpenAlex(polite)])  # from the cache
    assert Proposal.objects.count() == before
    assert Proposal.objects.get(paper=paper, field="venue").status == "rejected"


@pytest.mark.django_db
def test_a_searched_work_whose_title_author_and_year_agree_is_taken(polite, mocked):
    paper = make_paper(title=STATE_OF_OA_TITLE, abstract="", year=2018)
    make_authorship(paper, make_author("Heather Piwowar"))
    mocked.get("https://api.openalex.org/works", json={"meta": {"count": 1}, "results": [STATE_OF_OA]})
    result = enrich([paper], [OpenAlex(polite)])
    paper.refresh_from_db()
    assert result.completed == 1 and paper.doi == "10.7717/peerj.4375" and paper.venue.name == "PeerJ"


@pytest.mark.django_db
def test_a_search_hit_about_something_else_is_not_even_proposed(polite, mocked):
    paper = make_paper(title="Tiny stories for small language models", abstract="")
    mocked.get("https://api.openalex.org/works", json={"meta": {"count": 1}, "results": [STATE_OF_OA]})
    result = enrich([paper], [OpenAlex(polite)])
    assert result.not_found == 1 and not Proposal.objects.exists()


@pytest.mark.django_db
def test_a_doi_another_paper_holds_is_refused_with_a_way_forward(polite, mocked):
    holder = make_paper(title="Held", doi="10.7717/peerj.4375")
    paper = make_paper(title=STATE_OF_OA_TITLE, abstract="")
    mocked.get("https://api.openalex.org/works", json={"meta": {"count": 1}, "results": [STATE_OF_OA]})
    enrich([paper], [OpenAlex(polite)])
    with pytest.raises(ProposalRefused, match=f"Paper #{holder.pk} .*merge them"):
        proposal_accept(Proposal.objects.get(paper=paper, field="doi"))


# -- Crossref and arXiv -----------------------------------------------------------------------


@pytest.mark.django_db
def test_crossref_fills_the_blanks_of_a_paper_by_its_doi(polite, mocked):
    paper = make_paper(title="Ynamides from dichloroenamides", abstract="", doi="10.1021/acs.orglett.9b00971")
    mocked.get("https://api.crossref.org/works/10.1021/acs.orglett.9b00971", json=CROSSREF_WORK)
    result = enrich([paper], [Crossref(polite)])
    paper.refresh_from_db()
    assert result.completed == 1
    assert paper.volume == "21" and paper.issue == "8" and paper.page == "2918-2922"
    assert paper.venue.name == "Organic Letters" and paper.issued == {"date-parts": [[2019, 4, 3]]}
    first = paper.authorships.order_by("position").first()
    assert first.author.family == "Mansfield" and paper.authorships.count() == 5
    assert Proposal.objects.get(paper=paper, field="title").value.startswith("A General Copper-Catalyzed")


def atom_feed(item: dict) -> str:
    """An e-print of the real arXiv snapshot as arXiv's API answers it (its documented Atom)."""
    names = (" ".join(reversed(parsed[:2])).strip() for parsed in item["authors_parsed"])
    authors = "".join(f"<author><name>{escape(name)}</name></author>" for name in names)
    published = "2007-04-02T19:18:42Z"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title type="html">ArXiv Query: id_list={item["id"]}</title>'
        f"<entry><id>http://arxiv.org/abs/{item['id']}v2</id><published>{published}</published>"
        f"<title>{escape(item['title'])}</title><summary>{escape(item['abstract'])}</summary>{authors}"
        f'<arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">{item["doi"]}</arxiv:doi>'
        f'<arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">{item["journal-ref"]}</arxiv:journal_ref>'
        f'<category term="{item["categories"]}" scheme="http://arxiv.org/schemas/atom"/></entry></feed>'
    )


@pytest.mark.django_db
def test_arxivs_api_completes_an_eprint_by_its_id(polite, mocked):
    item = json.loads((REAL / "arxiv-snapshot.jsonl").read_text().splitlines()[0])
    paper = untitled(abstract="", arxiv_id="0704.0001")
    mocked.get("https://export.arxiv.org/api/query", body=atom_feed(item), content_type="application/atom+xml")
    result = enrich([paper], [ArxivApi(polite)])
    paper.refresh_from_db()
    assert result.completed == 1
    assert paper.title.startswith("Calculation of prompt diphoton production cross sections at Tevatron and LHC")
    assert paper.doi == "10.1103/physrevd.76.013009" and paper.issued == {"date-parts": [[2007, 4, 2]]}
    assert paper.authorships.order_by("position").first().author.family == "Balázs"


@pytest.mark.django_db
def test_an_error_entry_or_a_broken_feed_from_arxiv_is_a_failure_in_words(polite, mocked):
    paper = untitled(abstract="x", arxiv_id="0704.0001")
    error = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_0704.0001</id>'
             "<title>Error</title><summary>incorrect id format for 0704.0001</summary></entry></feed>")  # fmt: skip
    mocked.get("https://export.arxiv.org/api/query", body=error)
    result = enrich([paper], [ArxivApi(polite)])
    assert result.failures == [f"paper #{paper.pk}: arXiv refused the query: incorrect id format for 0704.0001"]


# -- the command ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_reports_what_it_did_and_names_each_failure(mocked, settings, tmp_path):
    settings.ENRICH_CACHE = tmp_path / "cache.sqlite"
    settings.ENRICH_CONTACT_EMAIL = "curators@example.org"
    done = untitled(abstract="x", doi="10.7717/peerj.4375")
    broken = untitled(abstract="y", doi="10.1000/broken")
    complete = make_paper(title="Complete", doi="10.1000/complete")
    make_authorship(complete)
    make_paper(title="A workshop's opening talk", kind="talk", item_type="speech")  # not a publication
    mocked.get(openalex_url("10.7717/peerj.4375"), json=STATE_OF_OA)
    mocked.get(openalex_url("10.1000/broken"), status=403, body="illegal id")
    out, err = io.StringIO(), io.StringIO()
    call_command("enrich", "--sources", "openalex", stdout=out, stderr=err)
    assert "Looked up 2 papers (2 requests" in out.getvalue()  # neither the complete paper nor the talk
    assert "1 completed" in out.getvalue() and "1 lookups failed" in out.getvalue()
    assert f"paper #{broken.pk}: OpenAlex answered 403" in err.getvalue()
    done.refresh_from_db()
    assert done.authorships.count() == 9

    out = io.StringIO()
    call_command("enrich", "--sources", "openalex", "--offline", "--all", stdout=out, stderr=io.StringIO())
    assert "(0 requests" in out.getvalue() and "lookups not in the cache (offline)" in out.getvalue()
    assert "0 found nowhere" in out.getvalue()  # not in the cache is not "not found"


# -- imports propose too ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_that_says_otherwise_proposes_and_a_second_import_does_not_repeat_it(tmp_path):
    from bibliography.importers.load import import_file

    paper = make_paper(title="My own title for it", abstract="", doi="10.7717/peerj.4375")
    dump = tmp_path / "works.jsonl"
    dump.write_text(json.dumps(STATE_OF_OA) + "\n")
    first = import_file(dump)
    assert first.ok and first.proposed == 1
    paper.refresh_from_db()
    assert paper.title == "My own title for it"
    assert Proposal.objects.get().reason == "works.jsonl, line 1, says otherwise"
    assert import_file(dump).proposed == 0 and Proposal.objects.count() == 1


@pytest.mark.django_db
def test_a_work_is_recognised_by_its_openalex_id_alone(tmp_path):
    from bibliography.importers.load import import_file

    paper = make_paper(title="Renamed by a curator", abstract="", extra={"openalex": {"id": "W2741809807"}})
    dump = tmp_path / "works.jsonl"
    dump.write_text(json.dumps(STATE_OF_OA) + "\n")
    assert import_file(dump).created == 0
    paper.refresh_from_db()
    assert paper.doi == "10.7717/peerj.4375"


# -- curators decide: the review queue and the API --------------------------------------------


def _proposed(paper, field, value, reason="OpenAlex, by title search: title 97% alike; first author unknown here"):
    from bibliography.proposing import digest

    source = {"source": "OpenAlex", "source_url": "https://openalex.org/W2741809807", "reason": reason}
    return Proposal.objects.create(paper=paper, field=field, value=value, value_digest=digest(value), **source)


@pytest.fixture
def curator_client(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("proposal-curator", is_staff=True)
    user.groups.add(Group.objects.get(name="curator"))
    client.force_login(user)
    return client, user


@pytest.mark.django_db
def test_the_queue_shows_each_proposal_beside_what_the_paper_holds_and_decides_it_in_one_request(curator_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, user = curator_client
    paper = make_paper(title="The state of OA", abstract="", year=2017)
    make_authorship(paper, make_author("H. Piwowar"))
    year = _proposed(paper, "issued", {"date-parts": [[2018, 2, 13]]})
    title = _proposed(paper, "title", "<script>alert(1)</script>The state of OA: a large-scale analysis")
    with CaptureQueriesContext(connection) as one:
        page = client.get("/admin/review/proposals/").content.decode()
    assert "2018-02-13" in page and ">2017<" in page  # proposed, beside what the paper holds
    assert "&lt;script&gt;alert(1)&lt;/script&gt;The state of OA" in page and "<script>alert(1)" not in page
    assert "first author unknown here" in page and 'href="https://openalex.org/W2741809807"' in page
    assert page.count('value="accept" class="accept"') == 2
    for n in range(5):  # more papers, more proposals: the same queries
        other = make_paper(title=f"Other {n}")
        _proposed(other, "volume", str(n))
        _proposed(other, "page", f"{n}-9")
    with CaptureQueriesContext(connection) as six:
        client.get("/admin/review/proposals/")
    assert len(six) == len(one)

    answer = client.post("/admin/review/decide/", {"kind": "proposal", "id": year.pk, "decision": "accept"},
                         HTTP_ACCEPT="application/json")  # fmt: skip
    assert answer.json() == {"kind": "proposal", "id": year.pk, "status": "accepted", "label": "Accepted",
                             "undoable": False}  # fmt: skip
    paper.refresh_from_db()
    assert paper.year == 2018 and paper.history.first().history_user == user
    answer = client.post("/admin/review/decide/", {"kind": "proposal", "id": title.pk, "decision": "reject"},
                         HTTP_ACCEPT="application/json")  # fmt: skip
    assert answer.json()["undoable"] is True
    paper.refresh_from_db()
    assert paper.title == "The state of OA"
    again = client.post("/admin/review/decide/", {"kind": "proposal", "id": year.pk, "decision": "reject"},
                        HTTP_ACCEPT="application/json")  # fmt: skip
    assert again.status_code == 409 and "already accepted" in again.json()["detail"]


@pytest.mark.django_db
def test_a_viewer_reads_proposals_and_decides_none(client, django_user_model):
    from django.contrib.auth.models import Group

    viewer = django_user_model.objects.create_user("proposal-viewer", is_staff=True)
    viewer.groups.add(Group.objects.get(name="viewer"))
    client.force_login(viewer)
    proposal = _proposed(make_paper(), "volume", "3")
    page = client.get("/admin/review/proposals/")
    assert page.status_code == 200 and 'value="accept"' not in page.content.decode()
    assert (
        client.post("/admin/review/decide/", {"kind": "proposal", "id": proposal.pk, "decision": "accept"}).status_code
        == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == "suggested"


@pytest.mark.django_db
def test_the_api_lists_proposals_and_a_curator_decides_one(curator_client):
    from rest_framework.test import APIClient

    _, user = curator_client
    paper = make_paper(title="Untouched", abstract="")
    proposal = _proposed(paper, "volume", "21")
    api = APIClient()
    listed = api.get(f"/api/proposals/?paper={paper.pk}&status=suggested").json()
    assert [(p["field"], p["value"], p["shown"]) for p in listed["results"]] == [("volume", "21", "21")]
    assert api.patch(f"/api/proposals/{proposal.pk}/", {"status": "accepted"}, format="json").status_code == 401
    api.force_authenticate(user)
    answer = api.patch(f"/api/proposals/{proposal.pk}/", {"status": "accepted"}, format="json")
    assert answer.status_code == 200 and answer.json()["decided_by"] == "proposal-curator"
    paper.refresh_from_db()
    assert paper.volume == "21"
    refused = api.patch(f"/api/proposals/{proposal.pk}/", {"status": "suggested"}, format="json")
    assert refused.status_code == 409 and "edit the paper" in refused.json()["detail"]
    read_only = api.patch(f"/api/proposals/{proposal.pk}/", {"value": "22"}, format="json")
    assert read_only.status_code == 400 and "read-only" in read_only.json()["errors"]["value"][0]
    assert api.get(f"/api/proposals/{proposal.pk}/").json()["value"] == "21"


@pytest.mark.django_db
def test_an_untitled_abstract_is_searched_by_its_words_and_offered_the_works_title(polite, mocked):
    from bibliography.formats.fields import Checks
    from bibliography.formats.openalex import abstract_text

    page = json.loads((REAL / "openalex-page.json").read_text())
    found = page["results"][1]  # an arXiv e-print, with its abstract as an inverted index
    text = abstract_text(found["abstract_inverted_index"], Checks("page", 1, []), "abstract")
    paper = untitled(abstract=text)
    mocked.get("https://api.openalex.org/works", json={"meta": {"count": 1}, "results": [found]})
    result = enrich([paper], [OpenAlex(polite)])
    asked = mocked.calls[0].request.url.replace("+", " ")
    assert "search=" + " ".join(text.split()[:5]) in asked.replace("%2C", "")
    assert result.completed == 0  # the same words, but no title, author or year to confirm it by
    title = Proposal.objects.get(paper=paper, field="title")
    assert title.value == found["display_name"] and "the same abstract" in title.reason
    proposal_accept(title)
    paper.refresh_from_db()
    assert paper.title == found["display_name"]
    assert not paper.needs_review  # a title given: no longer an untitled paper to review
