"""Every page of every shape, cut at every line and inside lines: it imports what is whole and flags
the talk or paper that lost something, or fails with FILE:LINE; never garbage, never half-written.

What a cut cannot show is not asserted: a page without its footer that stops at the end of a key
point's sentence looks whole, unless its graph names the key points that are missing.
"""

import re
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibliography.importers.load import import_file
from bibliography.models import ConceptRelation, KeyPoint, Paper
from tests.test_bad_input import check_error, written

pytestmark = pytest.mark.django_db

PAGES = Path(__file__).parent / "data" / "pages"
BUNDLED_VAULT = Path(__file__).parent.parent / "fixtures" / "dumps" / "000_e093ce741ddf4b84.txt"
TEXTS = {path.name: path.read_text() for path in [*sorted(PAGES.glob("*.txt")), BUNDLED_VAULT]}
SENTENCE_END = re.compile(r"[.!?)\]\"'”’]$")


def snapshot() -> dict:
    papers = {}
    for paper in Paper.objects.order_by("id"):
        papers[paper.pk] = {
            "title": paper.title,
            "abstract": paper.abstract,
            "flagged": paper.needs_review,
            "date": paper.published_on,
            "people": list(paper.authorships.order_by("position").values_list("author__name", flat=True)),
            "key points": dict(KeyPoint.objects.filter(paper=paper).values_list("number", "text")),
        }
    linked = set(KeyPoint.concepts.through.objects.values_list("keypoint__number", flat=True))
    relations = set(ConceptRelation.objects.values_list("parent__name", "parent__kind", "child__name", "child__kind"))
    return {"papers": list(papers.values()), "relations": relations, "linked key points": linked}


def import_rolled_back(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    with transaction.atomic():
        before = written()
        result = import_file(path)
        after = snapshot() if result.ok else written()
        transaction.set_rollback(True)
    if not result.ok:
        check_error(result.error, name)
        assert after == before, f"{name} cut to {len(text)} characters: a failed import wrote something"
    return result, after


WHOLE: dict[str, dict] = {}


def whole(tmp_path: Path, name: str) -> dict:
    if name not in WHOLE:
        result, WHOLE[name] = import_rolled_back(tmp_path, name, TEXTS[name])
        assert result.ok, result.error
    return WHOLE[name]


def check_cut(tmp_path: Path, name: str, at: int) -> None:
    full = whole(tmp_path, name)
    result, cut = import_rolled_back(tmp_path, name, TEXTS[name][:at])
    if not result.ok:
        return
    where = f"{name} cut at character {at}: {TEXTS[name][max(0, at - 40) : at]!r}"
    if result.format == "vault":
        check_talk(full, cut, where)
    else:
        check_listing(full, cut, where)


def check_talk(full: dict, cut: dict, where: str) -> None:
    (talk,), (whole_talk,) = cut["papers"], full["papers"]
    assert cut["relations"] <= full["relations"], where
    assert talk["people"] in ([], whole_talk["people"]), where
    lost = cut["relations"] != full["relations"] or talk["title"] != whole_talk["title"]
    for number, text in talk["key points"].items():
        assert whole_talk["key points"][number].startswith(text), where
        lost |= text != whole_talk["key points"][number] and not SENTENCE_END.search(text)
    lost |= bool(full["linked key points"] - set(talk["key points"]))
    if lost:
        assert talk["flagged"], f"{where}: the talk lost something and is not flagged for review"


def check_listing(full: dict, cut: dict, where: str) -> None:
    by_title = {paper["title"]: paper for paper in full["papers"]}
    assert len(cut["papers"]) <= len(full["papers"]), where
    for paper in cut["papers"]:
        if paper["flagged"] and not by_title.get(paper["title"], {}).get("flagged"):
            continue  # flagged by the cut: a curator sees what is left
        assert paper["title"] in by_title, f"{where}: {paper['title']!r} is not a title of the page"
        whole_paper = by_title[paper["title"]]
        assert whole_paper["abstract"].startswith(paper["abstract"]), where
        if paper["abstract"] != whole_paper["abstract"]:
            assert SENTENCE_END.search(paper["abstract"]) or paper["flagged"], where
        assert paper["date"] in (None, whole_paper["date"]) or paper["flagged"], where


def cuts(text: str) -> list[int]:
    """The end of every line, and inside every line: after its first word and in its middle."""
    points = {0, len(text)}
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            first_word = len(line) - len(line.lstrip()) + len(line.split()[0])
            points |= {end, start + min(3, len(line)), start + first_word, start + len(line) // 2}
        start = end + 1
    return sorted(points)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_a_page_cut_at_every_line_and_inside_each_imports_what_is_whole_or_fails_naming_the_line(tmp_path, name):
    for at in cuts(TEXTS[name]):
        check_cut(tmp_path, name, at)


@pytest.mark.slow
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_page_cut_inside_a_line_imports_what_is_whole_or_fails_naming_the_line(tmp_path, data):
    name = data.draw(st.sampled_from(sorted(TEXTS)))
    check_cut(tmp_path, name, data.draw(st.integers(0, len(TEXTS[name]))))
