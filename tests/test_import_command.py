"""`import_dumps` end to end, on PostgreSQL: totals, idempotence, matching, atomicity, dry runs."""

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliography.importers import load
from bibliography.importers.load import import_file
from bibliography.models import (
    Concept,
    ConceptRelation,
    ImportRun,
    KeyPoint,
    Paper,
    PaperConcept,
    ReviewStatus,
    SourceRecord,
    Venue,
)
from tests.dumps import ABSTRACT, DUMPS, HEADER, LISTING_003, LISTING_004, VAULT, write

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_dumps", *map(str, args), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def seed_totals() -> dict[str, int]:
    return {
        "papers": Paper.objects.count(),
        "concepts": Concept.objects.count(),
        "relations": ConceptRelation.objects.count(),
        "key points": KeyPoint.objects.count(),
        "source records": SourceRecord.objects.count(),
        "need review": Paper.objects.needing_review().count(),
    }


SEED = {"papers": 184, "concepts": 38, "relations": 63, "key points": 30, "source records": 186, "need review": 10}


def test_seed_totals_after_one_import_and_after_a_second():
    out, _ = run(DUMPS)
    assert seed_totals() == SEED
    assert "4 of 4 files imported; created 184 papers." in out
    assert Paper.objects.filter(kind="talk").count() == 1
    assert Paper.objects.needing_review().filter(title="").count() == 10

    again, _ = run(DUMPS)
    assert seed_totals() == SEED
    assert "created 0 papers" in again
    assert "003_1f56c56ecdd1ff4d.txt: listing, 93 records: 0 created, 0 updated, 93 unchanged" in again
    assert ImportRun.objects.filter(status="succeeded").count() == 8


def test_papers_listed_in_both_listings_have_two_source_records():
    run(LISTING_003, LISTING_004)
    shared = Paper.objects.filter(sources__file_name=LISTING_004.name).filter(sources__file_name=LISTING_003.name)
    assert shared.count() == 2
    for paper in shared:
        assert sorted(paper.sources.values_list("file_name", flat=True)) == [LISTING_003.name, LISTING_004.name]


def test_a_listing_is_where_a_paper_was_seen_not_its_venue_and_its_date_is_kept_without_a_year():
    run(LISTING_003)
    paper = Paper.objects.get(title__startswith="How Over-Parameterization Slows Down")
    assert paper.venue is None
    assert paper.year is None
    assert not Venue.objects.exists()
    source = paper.sources.get()
    assert (source.listed_month, source.listed_day, source.listed_on, source.line_number) == (3, 20, None, 11)
    assert source.listed == "Mar 20"


def test_year_option_resolves_listing_dates():
    run(LISTING_003, "--year", "2024")
    source = SourceRecord.objects.get(paper__title__startswith="How Over-Parameterization Slows Down")
    assert str(source.listed_on) == "2024-03-20"
    assert source.paper.year == 2024


def test_urls_in_abstracts_become_links():
    run(LISTING_003)
    paper = Paper.objects.get(links__url="https://github.com/RaghavSinghal10/lora-sb")
    assert paper.links.get().kind == "code"


def test_untitled_papers_show_a_provisional_label():
    run(DUMPS / "001_ec8d9004d51af022.txt")
    paper = Paper.objects.get(abstract__startswith="With the emergence of large-scale")
    assert paper.display_title.startswith("[untitled] With the emergence of large-scale pre-trained")
    assert str(paper) == paper.display_title
    assert paper.review_reason == "no title: imported from a bare abstract"


def test_the_talk_its_speakers_key_points_and_tags():
    run(VAULT)
    talk = Paper.objects.get(kind="talk")
    assert talk.venue.kind == "workshop" and talk.venue.year == 2023 and talk.year == 2023
    speakers = list(talk.authorships.order_by("position").values_list("author__name", "role"))
    assert speakers[0] == ("Ananya Kumar", "speaker") and speakers[-1] == ("Mathilde Caron", "speaker")
    assert len(speakers) == 9
    assert talk.keypoints.count() == 30
    tags = PaperConcept.objects.filter(paper=talk)
    assert tags.count() == 31
    assert set(tags.values_list("source", "status").distinct()) == {("imported", "accepted")}
    point_3 = talk.keypoints.get(number=3)
    assert {c.name for c in point_3.concepts.all()} == {
        "Overparametrization: suboptimal training algorithms byproduct",
        "Approximate message passing avoids overparameterization",
    }
    scaling = Concept.objects.get(slug="scaling", kind="category")
    assert {c.name for c in scaling.children.all()} >= {"Power law decay of kernel eigenvalues"}


def test_re_import_keeps_a_curators_decision_on_an_imported_tag():
    run(VAULT)
    tag = PaperConcept.objects.filter(paper__kind="talk").first()
    tag.status = ReviewStatus.REJECTED
    tag.save()
    out, _ = run(VAULT)
    tag.refresh_from_db()
    assert tag.status == "rejected"
    assert "1 unchanged" in out


def test_a_bad_file_writes_nothing_the_others_import_and_the_command_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "BATCH_SIZE", 2)  # so that the failure comes after batches were written
    good = "".join(f"Title number {n}\n\n{ABSTRACT} Variant {n}.\n\n" for n in range(5))
    bad = write(tmp_path, HEADER + good + ABSTRACT + "\n", "bad.txt")
    with pytest.raises(CommandError, match="1 of 2 files failed"):
        call_command(
            "import_dumps",
            str(bad),
            str(LISTING_004),
            "--no-progress",
            stdout=(out := io.StringIO()),
            stderr=(err := io.StringIO()),
        )
    assert "bad.txt: failed, nothing written" in out.getvalue()
    assert err.getvalue().startswith("bad.txt:31: a 193-character paragraph with no title line before it")
    assert not Paper.objects.filter(title__startswith="Title number").exists()
    assert Paper.objects.count() == 82
    assert "1 of 2 files imported; created 82 papers." in out.getvalue()
    failed = ImportRun.objects.get(file_name="bad.txt")
    assert failed.status == "failed" and failed.error.startswith("bad.txt:31:")
    assert not failed.source_records.exists()


def test_dry_run_reports_and_writes_nothing():
    out, _ = run(DUMPS, "--dry-run")
    assert "would create 184 papers" in out
    assert "003_1f56c56ecdd1ff4d.txt: listing, 93 records: 93 created" in out
    assert Paper.objects.count() == 0 and Concept.objects.count() == 0 and ImportRun.objects.count() == 0


def test_format_option_overrides_detection(tmp_path):
    path = write(tmp_path, f"Only Title\n\n{ABSTRACT}\n")
    result = import_file(path, format="abstracts")
    assert not result.ok and "expected a line starting with 'Abstract:'" in str(result.error)
    assert import_file(path, format="listing").created == 1


def test_undetectable_file_asks_for_a_format(tmp_path):
    path = write(tmp_path, f"{ABSTRACT}\n\n{ABSTRACT}\n")
    _, err = run_failing(path)
    assert "cannot tell which kind of dump this is" in err and "--format" in err


def run_failing(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_dumps", *map(str, args), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_missing_path_is_a_clear_error():
    with pytest.raises(CommandError, match="nowhere.txt: no such file or folder"):
        run("nowhere.txt")


def test_a_titled_record_completes_an_untitled_paper_with_the_same_abstract(tmp_path):
    untitled = write(tmp_path, f"Abstract: {ABSTRACT}\n", "abstracts.txt")
    titled = write(tmp_path, HEADER + f"The Real Title\n\n{ABSTRACT}\n", "listing.txt")
    run(untitled)
    out, _ = run(titled)
    paper = Paper.objects.get()
    assert paper.title == "The Real Title" and not paper.needs_review
    assert paper.sources.count() == 2
    assert "1 updated" in out


def test_matching_by_identifier_before_title(tmp_path):
    first = write(tmp_path, HEADER + f"A Title\n\narXiv:2401.01234\n\n{ABSTRACT}\n", "one.txt")
    renamed = write(tmp_path, HEADER + f"A Renamed Title\n\narXiv:2401.01234v3\n\n{ABSTRACT} More.\n", "two.txt")
    run(first, renamed)
    paper = Paper.objects.get()
    assert paper.title == "A Title" and paper.arxiv_id == "2401.01234"
    assert paper.sources.count() == 2


def test_titles_match_whatever_their_case_accents_and_punctuation(tmp_path):
    run(write(tmp_path, HEADER + f"Gödel's Theorem: A Study\n\n{ABSTRACT}\n", "one.txt"))
    run(write(tmp_path, HEADER + f"GODEL'S THEOREM — a study\n\n{ABSTRACT}\n", "two.txt"))
    assert Paper.objects.count() == 1


def test_a_relation_that_would_close_a_cycle_with_other_talks_is_left_out_with_a_warning(tmp_path):
    """Talks share topics by name, so one talk's edge may contradict another's: the talk is imported,
    the edge that would make the graph cyclic is not, and the warning names the line."""
    run(VAULT)
    root = Concept.objects.get(name="Workshop ME-FoMo ICLR 2023")
    child = Concept.objects.get(name="Power law decay of kernel eigenvalues")
    page = (
        "Ada Lovelace NeurIPS 2024 - Workshop on Loops (WoL)\n\ngraph LR\n"
        f"X[{child.name}] --> Y[{root.name}] X --> Z[Something new. 1]\n\n**1.-**A point.\n"
    )
    out = "".join(run(write(tmp_path, page, "loop.txt")))
    assert "loop.txt: vault" in out and "warning: line 4: a relation is left out" in out
    assert "would create a cycle" in out
    talk = Paper.objects.get(venue__name__contains="Loops")
    assert not ConceptRelation.objects.filter(parent=child, child=root).exists()
    assert ConceptRelation.objects.filter(parent=child, child__name="Something new").exists()
    assert talk.tags.filter(concept__name="Something new").exists()


def test_queries_per_batch_do_not_grow_with_the_number_of_records(tmp_path):
    def queries_for(n: int, name: str) -> int:
        body = "".join(f"Paper {name} {i}\n\n{ABSTRACT} See https://github.com/x/{name}{i}.\n\n" for i in range(n))
        path = write(tmp_path, HEADER + body, f"{name}.txt")
        with CaptureQueriesContext(connection) as ctx:
            assert import_file(path).created == n
        return len(ctx.captured_queries)

    queries_for(1, "warmup")  # creates the listing's venue, which later files find
    assert queries_for(5, "small") == queries_for(200, "large")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_the_same_file_at_once_make_no_duplicates():
    results = []

    def import_once():
        try:
            results.append(import_file(LISTING_003))
        finally:
            connection.close()

    threads = [threading.Thread(target=import_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.ok for r in results)
    assert sorted(r.created for r in results) == [0, 93]
    assert Paper.objects.count() == 93
    assert SourceRecord.objects.count() == 93


def test_folders_skip_readmes_and_hidden_files(tmp_path):
    write(tmp_path, "# notes", "README.md")
    write(tmp_path, "junk", ".hidden")
    write(tmp_path, HEADER + f"One\n\n{ABSTRACT}\n", "listing.txt")
    out, _ = run(tmp_path)
    assert "1 of 1 files imported" in out


def test_a_row_the_database_refuses_is_reported_with_its_line(tmp_path):
    body = "".join(f"Paper {n}\n\n{ABSTRACT} {n}\n\n" for n in range(3))
    path = write(tmp_path, HEADER + body, "future.txt")

    result = import_file(path, year=2500)  # the command refuses such a year; the table refuses it too

    assert not result.ok
    assert str(result.error).startswith("future.txt:11: the database refused it"), str(result.error)
    assert "paper_year_plausible" in str(result.error)
    assert not Paper.objects.exists()


def test_a_nul_byte_is_refused_with_its_line_and_column(tmp_path):
    path = write(tmp_path, HEADER + f"Paper\n\n{ABSTRACT} \x00\n", "nul.txt")

    result = import_file(path)

    assert str(result.error) == f"nul.txt:13: a NUL byte at column {len(ABSTRACT) + 2}: this is not a text file"
    assert not Paper.objects.exists()
