"""`backup` and `restore`: a pg_dump round trip gives back every record, and a bad file changes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from bibliography.models import (
    Authorship,
    Citation,
    ConceptRelation,
    KeyPoint,
    Paper,
    PaperConcept,
    SourceRecord,
)
from tests.dumps import DUMPS
from tests.factories import make_paper

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def snapshot() -> dict[str, list]:
    return {
        "papers": list(Paper.objects.order_by("id").values_list("id", "title", "abstract", "citation_key", "year")),
        "authorships": list(Authorship.objects.order_by("id").values_list("paper", "author__name", "position")),
        "tags": list(PaperConcept.objects.order_by("id").values_list("paper", "concept__slug", "status", "score")),
        "relations": list(ConceptRelation.objects.order_by("id").values_list("parent__slug", "child__slug")),
        "key points": list(KeyPoint.objects.order_by("id").values_list("paper", "number", "text")),
        "sources": list(SourceRecord.objects.order_by("id").values_list("paper", "file_name", "line_number")),
        "citations": list(Citation.objects.order_by("id").values_list("citing", "cited", "status")),
        "history": list(Paper.history.order_by("history_id").values_list("id", "title", "history_type")),
    }


def test_backup_wipe_restore_gives_back_every_record(tmp_path):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())
    papers = list(Paper.objects.order_by("id")[:2])
    Citation.objects.create(citing=papers[0], cited=papers[1], status="accepted")
    papers[0].title = "Edited by a curator"
    papers[0].save()
    before = snapshot()
    assert len(before["papers"]) == 184 and before["history"]
    path = tmp_path / "bibliography.dump"

    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    assert "Backed up" in out.getvalue() and path.stat().st_size > 0
    call_command("flush", "--no-input")
    assert not Paper.objects.exists()
    call_command("restore", str(path), "--yes", stdout=io.StringIO())

    assert snapshot() == before
    assert Paper.objects.filter(search_vector="transformer").exists()  # generated vectors, search config
    assert make_paper().pk > before["papers"][-1][0]  # sequences come back too


def test_a_truncated_backup_changes_nothing(tmp_path):
    make_paper(title="Kept")
    path = tmp_path / "whole.dump"
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    make_paper(title="Added after the backup")
    broken = tmp_path / "broken.dump"
    data = path.read_bytes()
    broken.write_bytes(data[: len(data) * 2 // 3])

    with pytest.raises(CommandError, match="the database is unchanged"):
        call_command("restore", str(broken), "--yes", stdout=io.StringIO())

    assert sorted(Paper.objects.values_list("title", flat=True)) == ["Added after the backup", "Kept"]


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    make_paper(title="Kept")
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert Paper.objects.filter(title="Kept").exists()
