"""The trending-papers listing (bibliography/formats/listing.py): hand-made pages and the two bundled
listings, each a page and the papers read from it."""

import pytest

from bibliography.formats.errors import DumpError
from bibliography.formats.reader import MAX_LINE_BYTES
from bibliography.formats.records import ListingDate
from tests.dumps import ABSTRACT, HEADER, LISTING_003, LISTING_004

from .conftest import Ends, Starts, check_case, read

CASES = [
    ("", {"error": "no paper found"}),
    (HEADER, {"error": "no paper found"}),
    (HEADER + f"First Title\n\nSecond Title\n\n{ABSTRACT}\n", {"records": [
        {"title": "First Title", "abstract": "", "review_reason": ""},
        {"title": "Second Title", "abstract": ABSTRACT},
    ]}),
    ("**Mar 20**\n\n**A Bold Title**\n\n· 5 authors\n\n" + ABSTRACT + "\n\n42\n\nPublished on Mar 19\n\n"
     "arXiv:2401.01234v2\n\nPlain Title\n\n" + ABSTRACT + " Second.\n", {"records": [
        {"title": "A Bold Title", "arxiv_id": "2401.01234"},
        {"title": "Plain Title", "arxiv_id": None},
    ]}),  # markup, metadata lines and a missing header are tolerated
    ("Hugging Face Papers\n\n" + HEADER + f"A Title\n\n{ABSTRACT}\n", {
        "records": [{"title": "A Title"}],
        "warnings": ["line 1: skipped a header line: 'Hugging Face Papers'"],
    }),
    (HEADER + f"One\n\n{ABSTRACT}\n\nMar 21, 2024\n\nTwo\n\n{ABSTRACT} Again.\n", {"records": [
        {"title": "One", "listed": ListingDate(3, 20)},
        {"title": "Two", "listed": ListingDate(3, 21, 2024)},
    ]}),  # several date lines date the papers after them
    (HEADER + f"One\n\n{ABSTRACT}\n\nTwo\n\n{ABSTRACT} We then propose a method th", {"records": [
        {"review_reason": ""},
        {"review_reason": Starts("the listing ends in the middle of this abstract")},
    ]}),
    (HEADER + f"One\n\n{ABSTRACT}\n\nTwo\n", {
        "last": {"title": "Two", "review_reason": Starts("the listing ends after this title")},
    }),
    (HEADER + f"One\n\n{ABSTRACT}\n\n{ABSTRACT}\n", {"error": r"dump.txt:15: a \d+-character paragraph with no title"}),
    (HEADER + f"Updated Priors for Scaling Laws\n\n{ABSTRACT}\n\nPublished Results Are Often False\n\n{ABSTRACT}\n", {
        "records": [{"title": "Updated Priors for Scaling Laws"}, {"title": "Published Results Are Often False"}],
    }),  # titles that begin like metadata are still titles
    (HEADER + f"One\n\n{ABSTRACT}\n\nSubscribe\n\n7 upvotes\n", {"records": [{"title": "One"}]}),  # page chrome
    (LISTING_003, {
        "count": 93,
        "first": {
            "title": Starts("How Over-Parameterization Slows Down Gradient Descent in Matrix Sensing"),
            "abstract": Starts("This paper rigorously shows how over-parameterization changes"),
            "listed": ListingDate(3, 20),
            "line": 11,
        },
        "last": {"title": "On the Measure of Intelligence", "abstract": Ends("between AI systems and humans.")},
    }),
    (LISTING_004, {
        "count": 82,
        "first": {
            "title": "FuseGPT: Learnable Layers Fusion of Generative Pre-trained Transformers",
            "listed": ListingDate(3, 12),
        },
        "last": {"title": Starts("COLEP: Certifiably Robust Learning-Reasoning Conformal Prediction")},
    }),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_a_listing_reads_as_its_case_says(tmp_path, source, expected):
    check_case("listing", source, expected, tmp_path)


def test_every_paper_of_a_bundled_listing_is_whole(tmp_path):
    papers, _ = read("listing", LISTING_003, tmp_path)
    assert all(p.title and p.abstract and not p.review_reason for p in papers)


def test_the_two_bundled_listings_share_two_papers(tmp_path):
    titles_004 = {p.title for p in read("listing", LISTING_004, tmp_path)[0]}
    assert len(titles_004 & {p.title for p in read("listing", LISTING_003, tmp_path)[0]}) == 2


def test_listing_urls_become_typed_links_without_trailing_punctuation(tmp_path):
    papers = read("listing", LISTING_003, tmp_path)[0] + read("listing", LISTING_004, tmp_path)[0]
    links = [link for p in papers for link in p.links]
    urls = [url for url, _ in links]
    assert "https://github.com/RaghavSinghal10/lora-sb" in urls  # written with a full stop after it
    assert ("https://doi.org/10.5281/zenodo.6832145", "doi") in links
    assert ("https://step-law.github.io/", "project") in links
    assert not any(url.endswith((".", ",", ")")) for url in urls)


def test_a_10_mb_line_is_refused_in_bounded_memory(tmp_path):
    page = HEADER.encode() + b"A Title\n\n" + b"word " * (2 * 1024 * 1024) + b"\n"
    with pytest.raises(DumpError, match=f"dump.txt:13: line is longer than {MAX_LINE_BYTES:,} bytes"):
        read("listing", page, tmp_path)
