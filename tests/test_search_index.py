"""The search index beside the database (bibliography/search_index.py): kept current from the
triggers' outbox by an indexer, rebuilt from the database, read while it is current."""

import multiprocessing
import threading
import time

import pytest
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from bibliography import search_index, search_text, searching
from bibliography.models import Author, Note, Paper, SearchIndexChange
from tests.factories import make_author, make_authorship, make_paper

SECOND = 1.0


@pytest.fixture
def index_dir(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = str(tmp_path / "search-index")
    return tmp_path / "search-index"


def found_ids(terms: str) -> list[int]:
    body = APIClient().get("/api/papers/", {"search": terms, "page_size": 50}).json()
    return [paper["id"] for paper in body["results"]]


def index_hits(terms: str) -> search_index.Hits | None:
    return search_index.hits(terms, 100)


@pytest.fixture
def indexer(index_dir):
    running = search_index.Indexer(interval=0.2)
    running.start()
    yield running
    running.stop()


def searchable_after(terms: str, paper_id: int, limit: float = 5.0) -> float:
    """Seconds until a search finds the paper (the test fails past `limit`)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if paper_id in found_ids(terms):
            return time.monotonic() - started
        time.sleep(0.02)
    pytest.fail(f"{terms!r} did not find paper {paper_id} within {limit} s")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_write_is_searchable_within_a_second_from_the_index(index_dir, indexer, admin_user):
    make_paper(title="An older paper on protein folding")
    search_index.rebuild()
    client = APIClient()
    client.force_authenticate(admin_user)
    made = client.post(
        "/api/papers/", {"title": "Quasicrystalline lattices in zebrafish scales", "year": 2024}, format="json"
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert searchable_after("quasicrystalline zebrafish", pk) < SECOND
    # answered by the index (PostgreSQL finds no misspelt word): it had taken the paper in
    assert searchable_after("quasicrystaline zebrafish", pk) < SECOND
    assert not SearchIndexChange.objects.exists()

    Paper.objects.filter(pk=pk).update(title="Aperiodic tilings in zebrafish scales")  # an edit
    assert searchable_after("aperiodic tilings", pk) < SECOND
    started = time.monotonic()
    while index_hits("quasicrystalline") is None or index_hits("quasicrystalline").count:
        assert time.monotonic() - started < SECOND, "the old title is still found"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_index_is_rebuilt_from_an_empty_folder(index_dir):
    papers = [make_paper(title=f"Graph neural networks for molecule {n}", abstract="Passing.") for n in range(30)]
    kaplan = make_paper(title="Scaling laws for neural language models", doi="10.48550/arxiv.2001.08361")
    make_authorship(kaplan, make_author("Jared Kaplan"))
    assert index_hits("graph") is None  # no index built: PostgreSQL answers
    older = index_dir / f"{search_index.library_token()}-v{search_index.SCHEMA_VERSION - 1}"
    (older / "kept").mkdir(parents=True)  # the index of the schema before, as an upgrade finds it

    assert search_index.rebuild() == 31
    assert not older.exists()  # the new one built, the old one is deleted
    assert not SearchIndexChange.objects.exists()  # the rebuild covered every change
    assert index_hits("graph").count == 30
    assert list(index_hits("kaplan scaling").scores) == [kaplan.pk]
    assert list(index_hits("https://doi.org/10.48550/ARXIV.2001.08361").scores)[0] == kaplan.pk
    assert set(found_ids("molecule")) == {p.pk for p in papers}

    for path in sorted(index_dir.rglob("*"), reverse=True):  # lost: the folder emptied
        path.unlink() if path.is_file() else path.rmdir()
    search_index._opened.clear()
    assert index_hits("graph") is None
    assert search_index.take_in() == 31  # an indexer finding no index builds it
    assert index_hits("graph").count == 30

    search_index.forget()  # as a restore of a backup does: the index describes another state
    assert index_hits("graph") is None
    assert search_index.take_in() == 31 and index_hits("graph").count == 30


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_kind_of_change_reaches_the_index(index_dir):
    paper = make_paper(title="Sparse attention", abstract="Long documents.")
    author = make_author("Ada Lovelace")
    search_index.rebuild()

    def taken_in(terms):
        while search_index.take_in():
            pass
        return set(index_hits(terms).scores)

    make_authorship(paper, author)
    assert taken_in("lovelace sparse") == {paper.pk}
    Author.objects.filter(pk=author.pk).update(name="Ada King")
    assert taken_in("lovelace") == set() and taken_in("king sparse") == {paper.pk}
    Note.objects.create(paper=paper, text="Read for the reading group on kernels")
    assert taken_in("kernels") == {paper.pk}
    Paper.objects.filter(pk=paper.pk).update(cited_by_count=5)  # not searched: nothing to take in
    assert not SearchIndexChange.objects.exists()
    Paper.objects.filter(pk=paper.pk).delete()
    assert taken_in("sparse") == set()


def _taken_in(terms: str) -> set[int]:
    while search_index.take_in():
        pass
    return set(index_hits(terms).scores)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_paper_given_an_author_during_the_authors_rename_is_found_by_the_new_name(index_dir):
    """The rename does not block a new authorship (their locks are compatible), and its transaction
    does not see it: the indexer reads the author's papers once the rename is committed."""
    author = make_author("Ada Lovelace")
    first = make_paper(title="Analytical engines")
    make_authorship(first, author)
    search_index.rebuild()
    renamed, finish = threading.Event(), threading.Event()

    def rename():
        with transaction.atomic():
            Author.objects.filter(pk=author.pk).update(name="Ada King")
            renamed.set()
            finish.wait(10)
        connection.close()

    renaming = threading.Thread(target=rename)
    renaming.start()
    assert renamed.wait(10)
    second = make_paper(title="Bernoulli numbers")
    make_authorship(second, author)  # committed while the rename is not
    assert _taken_in("lovelace") == {first.pk, second.pk}
    finish.set()
    renaming.join(10)
    assert _taken_in("king") == {first.pk, second.pk}
    assert _taken_in("lovelace") == set()


def _search_for(seconds: float, words: list[str], out) -> None:
    """A worker process: searches the API over and over, saying what it found and how it went."""
    connections.close_all()  # its own connection, not the parent's
    client, errors, searches, started = APIClient(), [], 0, time.monotonic()
    while time.monotonic() - started < seconds:
        word = words[searches % len(words)]
        answer = client.get("/api/papers/", {"search": word, "page_size": 100})
        if answer.status_code != 200:
            errors.append((word, answer.status_code))
        elif any(word not in paper["title"].lower() for paper in answer.json()["results"]):
            errors.append((word, "a paper without the word"))
        searches += 1
    connections.close_all()
    out.put((searches, errors))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_search_while_a_third_writes(index_dir, indexer):
    for n in range(50):
        make_paper(title=f"Catalysis study {n}")
    search_index.rebuild()
    words = ["catalysis", "perovskite", "study"]
    forking = multiprocessing.get_context("fork")
    out = forking.Queue()
    connections.close_all()
    workers = [forking.Process(target=_search_for, args=(4.0, words, out)) for _ in range(2)]
    for worker in workers:
        worker.start()
    written, delays = [], []
    for n in range(10):  # the third: writes, each searchable within a second while the others search
        pk = make_paper(title=f"Perovskite solar cells {n} study").pk
        written.append(pk)
        delays.append(searchable_after(f"perovskite {n}", pk))
    results = [out.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(10)
    assert all(errors == [] for _, errors in results), results
    assert all(searches > 10 for searches, _ in results), results
    assert max(delays) < SECOND, delays
    assert set(index_hits("perovskite").scores) == set(written)


@pytest.mark.django_db
def test_a_search_ranks_every_match_by_relevance_not_the_newest(index_dir, monkeypatch):
    """PostgreSQL ranks the newest RANK_WINDOW matches; the index ranks them all, so an older paper
    whose title is the search comes first among many newer ones that mention it."""
    monkeypatch.setattr(searching, "RANK_WINDOW", 5)
    best = make_paper(title="Contrastive learning of visual representations", abstract="Contrastive learning.").pk
    Paper.objects.bulk_create(
        [
            Paper(title=f"A survey {n}", title_key=f"a survey {n}", abstract="we mention contrastive learning once")
            for n in range(40)
        ]  # fmt: skip
    )
    assert found_ids("contrastive learning")[0] != best  # PostgreSQL: not among the newest five
    while search_index.take_in():
        pass
    assert found_ids("contrastive learning")[0] == best


@pytest.mark.django_db
@pytest.mark.parametrize("window", [500, 8])  # every match listed by the index, or only its best 8
@pytest.mark.parametrize("page_size", [1, 3])
def test_pages_of_a_ranked_search_follow_the_index_order_to_the_end(index_dir, monkeypatch, window, page_size):
    """A first page looks up only its own papers; the pages after it, by cursor, go on in the same
    order (papers titled exactly as searched first, then by score, ties newest first), each match
    once, each with the same relevance on every page; least relevant first, the same list backwards."""
    monkeypatch.setattr(searching, "INDEX_WINDOW", window)
    papers = [
        make_paper(title=f"Spin glass {'dynamics ' * (n % 2)}study {n}", abstract="spin glass").pk for n in range(14)
    ]
    # three of one title, scoring apart: a first page's best holds at most page_size + 1 of them
    exact = [make_paper(title="Spin glass", abstract="spin glass " * n).pk for n in range(3)]
    while search_index.take_in():
        pass
    hits = search_index.hits("spin glass", window)

    def by_score(ids):
        return sorted(ids, key=lambda pk: (hits.scores.get(pk, 0.0), pk), reverse=True)

    expected = by_score(exact) + by_score(set(hits.scores) - set(exact))
    client = APIClient()

    def paged(url: str) -> list[tuple[int, float]]:
        seen = []
        while url:
            body = client.get(url).json()
            assert body["count"] == 17
            seen += [(paper["id"], paper["relevance"]) for paper in body["results"]]
            url = body["next"]
        return seen

    seen = paged(f"/api/papers/?search=spin+glass&page_size={page_size}")
    assert [pk for pk, _ in seen] == expected
    assert [relevance for _, relevance in seen] == sorted((relevance for _, relevance in seen), reverse=True)
    assert paged(f"/api/papers/?search=spin+glass&page_size={page_size}&ordering=relevance") == seen[::-1]
    assert {pk for pk, _ in seen} == ({*papers, *exact} if window > 17 else {*hits.scores, *exact})


@pytest.mark.django_db
def test_a_misspelt_word_is_found_one_edit_away_only_from_five_letters(index_dir):
    """A typo in a longer word finds the word; a short word one edit away from the commonest words
    ("jare": "are", "care") is not read as any of them, only as the start of a word (Jared)."""
    lattice = make_paper(title="Lattice models of protein folding").pk
    make_paper(title="Intensive care for those who are ill", abstract="Patients are cared for.")
    jared = make_paper(title="Dynamics of coupled oscillators")
    make_authorship(jared, make_author("Jared Kaplan"))
    while search_index.take_in():
        pass
    assert set(index_hits("latice").scores) == {lattice}
    assert index_hits("latice").relaxed
    assert index_hits('"latice"').count == 0  # quoted: as typed
    assert set(index_hits("jare").scores) == {jared.pk}
    assert set(index_hits("jar").scores) == {jared.pk}


@pytest.mark.django_db
def test_a_word_many_papers_have_as_typed_is_not_read_as_misspelt(index_dir):
    """Retried relaxed, "based latice" reads "latice" as misspelt but not "based", which at least
    ten papers (and 1%) have as typed: it finds "lattice based", not "baked lattice"."""
    for n in range(12):
        make_paper(title=f"Evidence based medicine {n}")
    meant = make_paper(title="Lattice based cryptography").pk
    make_paper(title="Baked lattice pastries")
    while search_index.take_in():
        pass
    hits = index_hits("based latice")
    assert hits.relaxed and set(hits.scores) == {meant}
    assert set(index_hits("basde lattice").scores) == {meant}  # rare as typed: read one edit away
    text = search_text.SearchText("based medicine")
    schema = search_index.library_index(search_index.library_token()).schema
    assert text.query(schema, relaxed=True, common=lambda word: True) is None  # nothing to retry


def test_only_a_search_with_a_word_to_misspell_is_retried_relaxed():
    """A phrase is never relaxed, so a search of phrases alone (or excluded words) is not run twice;
    `or` searches are not relaxed either."""
    assert search_text.SearchText("latice models").relaxable
    assert search_text.SearchText('"spin glass" latice').relaxable
    assert not search_text.SearchText('"the second provides"').relaxable
    assert not search_text.SearchText('"latice"').relaxable
    assert not search_text.SearchText('"spin glass" -latice').relaxable
    assert not search_text.SearchText("latice or lattice").relaxable


@pytest.fixture(scope="module")
def small_index():
    """An index in memory with a few documents, to run generated queries against."""
    index = search_index._opened_at(None)
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for pk, title in enumerate(["C++ templates", "Über Schrödinger's e-mail", "or and not", '"quoted" title'], 1):
        writer.add_document(search_index._document((pk, title, title, "Ada Lovelace", [title], "")))
    writer.commit()
    index.reload()
    return index


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60))
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_makes_a_query_the_index_runs_or_none(small_index, text):
    """Whatever is typed (quotes left open, a lone `-`, `or` first or last, markup, NUL), the index
    gets a query it runs, or the search is left to PostgreSQL; it never raises."""
    for relaxed in (False, True):
        query = search_text.SearchText(text).query(small_index.schema, relaxed=relaxed)
        if query is not None:
            small_index.searcher().search(query, 10, count=True)


VOCABULARY = ["more", "the", "models", "model", "of", "learning", "learned", "scale"]
phrase_texts = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=6).map(" ".join)


@given(
    st.lists(st.tuples(phrase_texts, phrase_texts, st.sampled_from(["", "Ada Lovelace", "More Scale"])), max_size=12),
    st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=4),
)
@hypothesis_settings(max_examples=150, deadline=None)
def test_a_phrase_finds_exactly_the_papers_with_its_words_in_a_row_in_one_field(papers, phrase):
    """Over a small vocabulary of common words (where the word pairs do the work), the index finds a
    phrase in exactly the papers whose title, abstract or authors have its words one after the other,
    as analyzed (a pair split between the title and the abstract is no phrase)."""
    index = search_index._opened_at(None)
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for pk, (title, abstract, authors) in enumerate(papers, 1):
        writer.add_document(search_index._document((pk, title, abstract, authors, [], "")))
    writer.commit()
    index.reload()

    def within(analyzer, field_text):
        words, wanted = analyzer.analyze(field_text), analyzer.analyze(" ".join(phrase))
        return any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))

    expected = {
        pk
        for pk, (title, abstract, authors) in enumerate(papers, 1)
        if within(search_text.WORDS, title) or within(search_text.WORDS, abstract)
        or within(search_text.NAMES, authors)
    }  # fmt: skip
    query = search_text.SearchText(f'"{" ".join(phrase)}"').query(index.schema)
    searcher = index.searcher()
    found = searcher.search(query, 100)
    ids = searcher.fast_field_values("id", [address for _, address in found.hits]) if found.hits else []
    assert set(ids) == expected


@pytest.mark.django_db
def test_the_api_answers_any_search_from_the_index(index_dir):
    make_paper(title='C++ templates: "generic" <b>programming</b> & e-mail', abstract="a-b")
    while search_index.take_in():
        pass
    client = APIClient()
    for terms in ['"generic', "-", "or", "c++", "e-mail", '"" -""', "title:x", "a*", "\\", "(", "ü " * 40, "a\x00b"]:
        answer = client.get("/api/papers/", {"search": terms})
        assert answer.status_code in (200, 400), (terms, answer.content)


def test_the_index_folder_is_named_by_the_library_and_the_schema(db, index_dir):
    with connection.cursor() as cursor:
        cursor.execute("SELECT token::text FROM bibliography_searchindex")
        token = cursor.fetchone()[0]
    folder = search_index.library_index(search_index.library_token()).path
    assert folder == index_dir / f"{token}-v{search_index.SCHEMA_VERSION}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_truncated_library_is_never_searched_in_its_old_index(index_dir):
    make_paper(title="Ribosome profiling")
    search_index.rebuild()
    assert index_hits("ribosome").count == 1
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE bibliography_paper CASCADE")
    assert index_hits("ribosome") is None  # another library now: not built, PostgreSQL answers
    assert found_ids("ribosome") == []
