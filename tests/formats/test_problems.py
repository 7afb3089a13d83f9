"""A value that cannot be read, in every format that writes it back: said with file, line and field,
kept as written, and refused with --strict."""

import json

import pytest

from bibliography.importers.load import import_file
from bibliography.models import Paper
from tests.factories import make_paper

from .conftest import export
from .test_bibtex import BIB

# a conference's whole programme pasted as one title: more than the column holds
LONG_TITLE = " ".join(f"Session {number} on things" for number in range(1, 80))


@pytest.mark.parametrize(
    ("name", "content", "message", "exported"),
    [
        ("bad-year.bib", BIB.replace("year = 2020", "year = {20x0}"), "bad-year.bib:4: year: '20x0' is not a date",
         "year = {20x0}"),
        ("date.json", '[{"id": "a", "type": "article", "title": "T", "issued": {"date-parts": [[2020, 2, 31]]}}]',
         "date.json:1: issued", '"issued": {\n    "date-parts": [\n      [\n        2020,\n        2,\n        31'),
        ("names.json", '[{"id": "a", "type": "article", "title": "T", "author": [{"family": "A"}, 7]}]',
         "names.json:1: author[2]: expected a name object", '"author": [\n    {\n      "family": "A"\n    },\n    7'),
        ("url.ris", "TY  - JOUR\nTI  - A\nUR  - not a url\nER  - \n", "url.ris:1: UR: 'not a url' is not a URL",
         "UR  - not a url"),
        ("long.bib", BIB.replace("Deep Things", LONG_TITLE), "long.bib:4: title: longer than 1,000 characters (",
         f"{LONG_TITLE}, {{Revisited}}"),
        ("long.json", json.dumps([{"id": "a", "type": "book", "title": LONG_TITLE}]),
         "long.json:1: title: longer than 1,000 characters (", f'"title": "{LONG_TITLE}"'),
        ("long.ris", f"TY  - BOOK\nTI  - {LONG_TITLE}\nER  - \n", "long.ris:1: title: longer than 1,000 characters",
         f"TI  - {LONG_TITLE}"),
    ],
)  # fmt: skip
def test_a_value_that_cannot_be_read_is_kept_as_written_and_said_and_strict_refuses_it(
    db, tmp_path, name, content, message, exported
):
    make_paper(title="Already here")
    path = tmp_path / name
    path.write_text(content)

    strict = import_file(path, strict=True)

    assert not strict.ok and str(strict.error).startswith(message), str(strict.error)
    assert list(Paper.objects.values_list("title", flat=True)) == ["Already here"]

    result = import_file(path)

    assert result.ok, result.error
    assert any(w.startswith(message) and w.endswith("kept as written") for w in result.warnings), result.warnings
    assert Paper.objects.count() == 2
    kind = {"bib": "bibtex", "json": "csljson", "ris": "ris"}[name.rsplit(".", 1)[1]]
    assert exported in export(kind, Paper.objects.exclude(title="Already here")), export(kind)
