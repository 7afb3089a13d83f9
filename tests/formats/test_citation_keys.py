"""Citation keys (bibliography/citation_keys.py): author, year and word, a suffix for the next, stable
once given, an imported key kept unless taken, and guarded by the database."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from bibliography.citation_keys import StemCounters, choose_keys, keys_assign, keys_locked, suffix
from bibliography.importers.load import import_file
from bibliography.merging import paper_merge
from bibliography.models import CitationKeyAlias, CitationKeyStem, Paper
from tests.factories import make_author, make_authorship, make_paper

from .conftest import export
from .test_bibtex import BIB


def test_keys_are_author_year_word_disambiguated_and_stable(db):
    papers = [make_paper(title="The Attention Mechanism", year=2017) for _ in range(3)]
    for paper in papers:
        make_authorship(paper, make_author("Ashish Vaswani"))

    keys_assign(list(Paper.objects.order_by("id")))  # as the admin and the API do when a paper is made
    keys = list(Paper.objects.order_by("id").values_list("citation_key", flat=True))

    assert keys == ["vaswani2017attention", "vaswani2017attentionb", "vaswani2017attentionc"]
    papers[0].title = "Renamed by a curator"
    papers[0].save()  # a stale copy, without the key: the database keeps the key all the same
    export("csljson")
    assert list(Paper.objects.order_by("id").values_list("citation_key", flat=True)) == keys


def test_suffixes_run_b_to_z_then_two_and_three_letters():
    positions = (0, 1, 2, 25, 26, 27, 51, 701, 702)
    assert [suffix(n) for n in positions] == ["", "b", "c", "z", "aa", "ab", "az", "zz", "aaa"]


def test_a_crowded_stem_costs_a_few_lookups_not_a_scan(db):
    """Thousands of keys share `anon2024learning` in a listing with no authors; the next one must not read them all."""
    Paper.objects.bulk_create(
        [
            Paper(title=f"Learning {n}", citation_key=f"anon2024learning{suffix(n)}", title_key=f"learning {n}")
            for n in range(3000)
        ]
    )
    Paper.objects.bulk_create([Paper(title="Typed by a curator", citation_key="anon2024vision", title_key="x")])

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        keys_locked()
        keys = choose_keys([(None, "anon2024learning")] * 3 + [(None, "anon2024vision"), (None, "anon2024new")])
        again = choose_keys([(None, "anon2024learning"), (None, "anon2024new")])

    assert len(set(keys + again)) == 7
    assert not Paper.objects.filter(citation_key__in=keys + again).exists()
    assert keys[3] == "anon2024visionb" and keys[4] == "anon2024new" and again[1] == "anon2024newb"
    assert len(queries) <= 30, [q["sql"][:80] for q in queries]
    assert max(len(q["sql"]) for q in queries) < 2000  # exact lookups of the candidates, never the 3,000 keys


def test_keys_from_one_stem_never_meet_another_stems_keys(db):
    """`smith2020dee` + `p` is `smith2020deep`: a stem's suffix can spell another stem."""
    with transaction.atomic():
        keys_locked()
        keys = choose_keys([(None, "smith2020deep")] + [(None, "smith2020dee")] * 16)
    assert len(set(keys)) == 17


def test_an_imported_key_is_kept_unless_taken(db, tmp_path):
    make_paper(title="Something else", citation_key="smith2020deep")
    path = tmp_path / "refs.bib"
    path.write_text(BIB)

    result = import_file(path)

    assert result.ok, result.error
    paper = Paper.objects.get(title_key="deep things revisited")
    assert paper.citation_key == "smith2020deepb"
    assert paper.extra["citation-key"] == "smith2020deep"  # the file's own, kept beside the one given


def test_the_database_guards_citation_keys(db):
    paper = make_paper(citation_key="taken2020")
    other = make_paper()
    for bad in ("taken2020", "has space", "brace{", ""):
        with pytest.raises(IntegrityError), transaction.atomic():
            Paper.objects.filter(pk=other.pk).update(citation_key=bad)
    Paper.objects.filter(pk=paper.pk).update(citation_key=None)
    paper.refresh_from_db()
    assert paper.citation_key == "taken2020"


def _paper(key: str, provisional: bool, name: str | None = None, year: int | None = None):
    paper = make_paper(title="Rethinking the value of network pruning", year=year)
    Paper.objects.filter(pk=paper.pk).update(citation_key=key, citation_key_provisional=provisional)
    if name:
        make_authorship(paper, make_author(name))
    return Paper.objects.get(pk=paper.pk)


@pytest.mark.parametrize("survivor_first", [True, False])
def test_a_merge_keeps_the_real_key_whichever_paper_survives(db, survivor_first):
    anonymous = _paper("anonndrethinking", True)
    real = _paper("liu2019rethinking", False, "Zhuang Liu", 2019)
    survivor, other = (anonymous, real) if survivor_first else (real, anonymous)

    paper_merge(into=survivor, others=[other])

    survivor.refresh_from_db()
    assert (survivor.citation_key, survivor.citation_key_provisional) == ("liu2019rethinking", False)
    assert set(CitationKeyAlias.objects.values_list("key", "paper")) == {("anonndrethinking", survivor.pk)}
    assert Paper.objects.named([("key", "anonndrethinking"), ("key", "liu2019rethinking")]) == [survivor.pk] * 2


def test_a_merge_of_provisional_keys_makes_one_from_the_merged_record(db):
    untitled_year = _paper("anonndrethinking", True)
    with_author = _paper("liundrethinking", True, "Zhuang Liu")
    Paper.objects.filter(pk=untitled_year.pk).update(year=2019)

    paper_merge(into=Paper.objects.get(pk=untitled_year.pk), others=[with_author])

    survivor = Paper.objects.get(pk=untitled_year.pk)
    assert (survivor.citation_key, survivor.citation_key_provisional) == ("liu2019rethinking", True)
    assert set(CitationKeyAlias.objects.values_list("key", flat=True)) == {"anonndrethinking", "liundrethinking"}


def test_a_merge_keeps_the_survivors_real_key_over_another_real_one(db):
    survivor = _paper("liu2019rethinking", False, "Zhuang Liu", 2019)
    other = _paper("liu2018rethinking", False, "Zhuang Liu", 2018)

    paper_merge(into=survivor, others=[other])

    survivor.refresh_from_db()
    assert survivor.citation_key == "liu2019rethinking"
    assert list(CitationKeyAlias.objects.values_list("key", flat=True)) == ["liu2018rethinking"]


def _with_prefetch(paper: Paper) -> Paper:
    return Paper.objects.prefetch_related("authorships__author").get(pk=paper.pk)


def test_a_key_follows_its_record_until_an_export_uses_it(db):
    paper = make_paper(title="Rethinking the value of network pruning", year=2019)
    make_authorship(paper, make_author("Zhuang Liu"))
    keys_assign([_with_prefetch(paper)])
    keys = []
    for year in (2023, 2019):  # a curator's slip, then put right
        Paper.objects.filter(pk=paper.pk).update(year=year, issued={"date-parts": [[year]]})
        keys_assign([_with_prefetch(paper)])
        keys.append(Paper.objects.get(pk=paper.pk).citation_key)

    assert keys == ["liu2023rethinking", "liu2019rethinking"]  # its own old key back, not liu2019rethinkingb
    assert list(CitationKeyAlias.objects.values_list("key", flat=True)) == ["liu2023rethinking"]

    export("bibtex")
    Paper.objects.filter(pk=paper.pk).update(year=2020, issued={"date-parts": [[2020]]}, title="Pruning revisited")
    keys_assign([_with_prefetch(paper)])
    assert Paper.objects.values_list("citation_key", "citation_key_provisional").get() == ("liu2019rethinking", False)


def test_an_export_keeps_an_anonymous_key_provisional(db):
    paper = make_paper(title="Rethinking the value of network pruning")
    keys_assign([_with_prefetch(paper)])
    export("bibtex")
    Paper.objects.filter(pk=paper.pk).update(year=2019, issued={"date-parts": [[2019]]})
    make_authorship(paper, make_author("Zhuang Liu"))
    keys_assign([_with_prefetch(paper)])

    assert Paper.objects.values_list("citation_key", flat=True).get() == "liu2019rethinking"
    assert list(CitationKeyAlias.objects.values_list("key", flat=True)) == ["anonndrethinking"]


def test_an_import_writes_its_stems_counters_once_a_file_and_as_far_as_they_went(db, tmp_path, monkeypatch):
    """The key lock is held until the file's transaction ends, so the counters are kept in memory
    between batches and written once; the keys are those a write per batch would have given."""
    from bibliography.importers import load  # noqa: PLC0415

    monkeypatch.setattr(load, "BATCH_SIZE", 2)
    path = tmp_path / "same-stem.ris"
    path.write_text(
        "".join(f"TY  - JOUR\nTI  - Learning part {n}\nAU  - Ng, Andrew\nPY  - 2020\nER  - \n\n" for n in range(7))
    )

    with CaptureQueriesContext(connection) as queries:
        result = import_file(path)

    assert result.ok, result.error
    keys = sorted(Paper.objects.values_list("citation_key", flat=True))
    assert keys == sorted(f"ng2020learning{suffix(n)}" for n in range(7))
    written = [q["sql"] for q in queries if q["sql"].startswith("INSERT INTO bibliography_citationkeystem")]
    assert len(written) == 1
    assert CitationKeyStem.objects.get(stem="ng2020learning").next_suffix == 7
    assert not any("bibliography_citationkeystem" in q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "'))


def test_counters_held_by_an_import_never_move_a_stem_back(db):
    """A key chosen meanwhile without the held counters (a provisional key made again) may take a
    stem further; writing the held ones keeps the further of the two."""
    with transaction.atomic():
        keys_locked()
        held = StemCounters()
        first = choose_keys([(None, "ng2020learning")] * 2, held)
        _papers_given(first)
        meanwhile = choose_keys([(None, "ng2020learning")] * 3)  # written at once, from the stored counter
        _papers_given(meanwhile)
        stored = CitationKeyStem.objects.get(stem="ng2020learning").next_suffix
        held.save()  # held at 2
        later = choose_keys([(None, "ng2020learning")])

    assert stored > 2
    assert CitationKeyStem.objects.get(stem="ng2020learning").next_suffix == stored + 1
    assert len(set(first + meanwhile + later)) == 6


def _papers_given(keys: list[str]) -> None:
    Paper.objects.bulk_create([Paper(title=f"Learning {key}", citation_key=key, title_key=key) for key in keys])
