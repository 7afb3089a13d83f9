"""The registry is the only list of formats: a new one is its module and one line there, and nothing
else (no choices, no migration, no second list to keep in step)."""

import io
import re
from collections.abc import Iterable, Iterator

import pytest
from django.core.management import call_command

from bibliography.formats import registry
from bibliography.formats.base import Format
from bibliography.formats.reader import Line
from bibliography.formats.records import PaperRecord
from bibliography.models import ImportRun, Paper
from bibliography.vocabulary import PaperKind

_TOY = re.compile(r"^TOY\t(?P<year>\d{4})\t(?P<title>.+)$")


def _looks_like_toy(lines: list[str]) -> bool:
    return bool(lines) and lines[0].startswith("TOY\t")


def _parse_toy(lines: Iterable[Line], file_name: str, warnings: list[str] | None = None) -> Iterator[PaperRecord]:
    for line in lines:
        if match := _TOY.match(line.text.rstrip("\n")):
            yield PaperRecord(
                line=line.number, raw=line.text, title=match["title"], year=int(match["year"]), kind=PaperKind.ARTICLE
            )


TOY = Format("toy", "toy lines", _looks_like_toy, _parse_toy)


@pytest.fixture
def toy_registered(monkeypatch):
    monkeypatch.setattr(registry, "DETECTION_ORDER", [TOY, *registry.DETECTION_ORDER])
    monkeypatch.setitem(registry.FORMATS, TOY.name, TOY)


def test_every_format_names_itself_once():
    assert [format.name for format in registry.DETECTION_ORDER] == list(registry.FORMATS)
    assert all(format.label for format in registry.DETECTION_ORDER)


@pytest.mark.django_db
def test_a_new_format_is_its_module_and_the_registry(toy_registered, tmp_path, admin_client):
    dump = tmp_path / "papers.toy"
    dump.write_text("TOY\t2021\tA toy paper\nTOY\t2022\tAnother toy paper\n")

    call_command("import_dumps", str(dump), stdout=io.StringIO())  # recognised by its content
    call_command("import_dumps", str(dump), format="toy", stdout=io.StringIO())  # or named

    assert set(Paper.objects.values_list("title", "year")) == {("A toy paper", 2021), ("Another toy paper", 2022)}
    assert list(ImportRun.objects.values_list("format", flat=True)) == ["toy", "toy"]
    runs = admin_client.get("/api/import-runs/", {"file_format": "toy"})
    assert runs.status_code == 200, runs.content
    assert [run["format"] for run in runs.json()["results"]] == ["toy", "toy"]
    assert "toy lines" in admin_client.get("/admin/bibliography/importrun/").text  # by the name people call it


@pytest.mark.django_db
def test_a_new_format_needs_no_migration(toy_registered):
    call_command("makemigrations", "bibliography", check=True, dry_run=True, stdout=io.StringIO())
