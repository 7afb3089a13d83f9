"""The parsers, on the real dumps and on small hand-made files. No database: parsers are pure."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibliography.formats import abstracts, listing, vault
from bibliography.formats.errors import DumpError
from bibliography.formats.reader import MAX_LINE_BYTES, DumpReader
from bibliography.formats.records import ListingDate
from bibliography.formats.registry import detect_format

DUMPS = Path(__file__).resolve().parent.parent / "fixtures" / "dumps"
VAULT = DUMPS / "000_e093ce741ddf4b84.txt"
ABSTRACTS = DUMPS / "001_ec8d9004d51af022.txt"
LISTING_003 = DUMPS / "003_1f56c56ecdd1ff4d.txt"
LISTING_004 = DUMPS / "004_b4ca87912f4c4db7.txt"

HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 20\n\n"
ABSTRACT = (
    "We study how the thing behaves at scale. Our experiments show a clear pattern across many settings, "
    "and we explain it with a simple model that fits every case we tried, including the hard ones."
)


def write(tmp_path, content, name="dump.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def parse_listing(path: Path, warnings=None):
    return list(listing.parse(DumpReader(path), path.name, warnings))


def parse_vault(path: Path, warnings=None):
    return vault.parse(DumpReader(path), path.name, warnings)


# the real dumps ------------------------------------------------------------------------------


def test_formats_are_detected_from_content():
    assert [detect_format(p).name for p in (VAULT, ABSTRACTS, LISTING_003, LISTING_004)] == [
        "vault",
        "abstracts",
        "listing",
        "listing",
    ]


def test_listing_003_has_93_papers_from_first_to_last():
    papers = parse_listing(LISTING_003)
    assert len(papers) == 93
    first, last = papers[0], papers[-1]
    assert first.title.startswith("How Over-Parameterization Slows Down Gradient Descent in Matrix Sensing")
    assert first.abstract.startswith("This paper rigorously shows how over-parameterization changes")
    assert first.listed == ListingDate(3, 20)
    assert first.line == 11
    assert last.title == "On the Measure of Intelligence"
    assert last.abstract.endswith("between AI systems and humans.")
    assert all(p.title and p.abstract and not p.review_reason for p in papers)


def test_listing_004_has_82_papers_and_shares_two_with_003():
    papers = parse_listing(LISTING_004)
    assert len(papers) == 82
    assert papers[0].title == "FuseGPT: Learnable Layers Fusion of Generative Pre-trained Transformers"
    assert papers[-1].title.startswith("COLEP: Certifiably Robust Learning-Reasoning Conformal Prediction")
    assert papers[0].listed == ListingDate(3, 12)
    shared = {p.title for p in papers} & {p.title for p in parse_listing(LISTING_003)}
    assert len(shared) == 2


def test_listing_urls_become_typed_links_without_trailing_punctuation():
    links = [link for p in parse_listing(LISTING_003) + parse_listing(LISTING_004) for link in p.links]
    urls = [url for url, _ in links]
    assert "https://github.com/RaghavSinghal10/lora-sb" in urls  # written with a full stop after it
    assert ("https://doi.org/10.5281/zenodo.6832145", "doi") in links
    assert ("https://step-law.github.io/", "project") in links
    assert not any(url.endswith((".", ",", ")")) for url in urls)


def test_bare_abstracts_are_ten_untitled_papers_needing_review():
    papers = list(abstracts.parse(DumpReader(ABSTRACTS), ABSTRACTS.name))
    assert len(papers) == 10
    assert all(p.title == "" and p.review_reason for p in papers)
    assert papers[0].abstract.startswith("With the emergence of large-scale pre-trained neural networks")
    assert papers[-1].abstract.startswith("In this work, we explore the maximum-margin bias")
    assert sum(1 for p in papers if p.links) == 2


def test_vault_talk_people_and_venue():
    talk = parse_vault(VAULT)
    people = [person.name for person in talk.paper.authors]
    assert people[0] == "Ananya Kumar" and people[-1] == "Mathilde Caron" and len(people) == 9
    assert {person.role for person in talk.paper.authors} == {"speaker"}
    assert talk.paper.venue.name.startswith("ICLR 2023 - Workshop Mathematical and Empirical")
    assert (talk.paper.venue.kind, talk.paper.venue.year, talk.paper.venue.short_name) == ("workshop", 2023, "ME-FoMo")
    assert talk.paper.kind == "talk"


def test_vault_graph_read_once_although_it_appears_twice():
    talk = parse_vault(VAULT)
    graph = talk.graph
    topics = [c for c in graph.concepts.values() if c.kind == "topic"]
    categories = [c for c in graph.concepts.values() if c.kind == "category"]
    assert (len(topics), len(categories)) == (31, 7)
    node_edges = [e for e in graph.edges if not e[0].startswith("category:")]
    memberships = [e for e in graph.edges if e[0].startswith("category:")]
    assert (len(node_edges), len(memberships)) == (30, 33)
    assert len(talk.key_points) == 30
    assert talk.key_points[1].startswith("Workshop on mathematical and empirical understanding")
    assert talk.key_points[30].startswith("Medium-scale models with instruction tuning")
    assert talk.warnings == []


def test_vault_multi_line_labels_are_joined_and_numbers_become_key_points():
    graph = parse_vault(VAULT).graph
    assert graph.concepts["A"].name == "Workshop ME-FoMo ICLR 2023"
    assert "A" not in graph.key_points_of  # the root sums up no key point; 2023 is a year
    assert graph.concepts["B"].name == "Foundation models workshop: pre-training, adaptation, emergence"
    assert graph.key_points_of["B"] == {1}
    assert graph.key_points_of["E"] == graph.key_points_of["F"] == {3}  # several nodes, one point


def test_vault_node_in_two_categories():
    graph = parse_vault(VAULT).graph
    parents_of_h = {parent for parent, child, _ in graph.edges if child == "H"}
    assert parents_of_h == {"A", "category:overparametrization", "category:regularization"}


# hand-made listings ---------------------------------------------------------------------------


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(DumpError, match="empty"):
        detect_format(write(tmp_path, ""))
    with pytest.raises(DumpError, match="no paper found"):
        parse_listing(write(tmp_path, ""))


def test_header_only_listing_is_refused(tmp_path):
    with pytest.raises(DumpError, match="no paper found"):
        parse_listing(write(tmp_path, HEADER))


def test_title_with_no_abstract_is_kept(tmp_path):
    papers = parse_listing(write(tmp_path, HEADER + f"First Title\n\nSecond Title\n\n{ABSTRACT}\n"))
    assert [(p.title, bool(p.abstract)) for p in papers] == [("First Title", False), ("Second Title", True)]
    assert not papers[0].review_reason


def test_crlf_and_bom_read_like_plain_lines(tmp_path):
    text = HEADER + f"A Title\n\n{ABSTRACT}\n"
    plain = parse_listing(write(tmp_path, text, "plain.txt"))
    windows = parse_listing(write(tmp_path, ("\ufeff" + text.replace("\n", "\r\n")).encode(), "windows.txt"))
    assert [(p.title, p.abstract, p.line) for p in windows] == [(p.title, p.abstract, p.line) for p in plain]
    assert detect_format(tmp_path / "windows.txt").name == "listing"


def test_a_line_that_is_not_utf8_is_read_as_windows_1252_and_said_once(tmp_path):
    path = write(tmp_path, HEADER.encode() + b"A Title\n\nAbstract with caf\xe9 and na\xefve \x93quotes\x94.\n")
    reader = DumpReader(path)
    lines = [line.text for line in reader]
    assert lines[-1] == "Abstract with café and naïve “quotes”."
    assert reader.warnings == [
        "dump.txt:13: not UTF-8 (byte 0xe9 at column 18): lines that are not UTF-8 are read as cp1252"
    ]


def test_a_file_that_declares_its_encoding_is_read_in_it(tmp_path):
    path = write(tmp_path, b"% Encoding: ISO8859_15\n@article{a, title = {\xa4 and \xe9}}\n")
    assert [line.text for line in DumpReader(path)][1] == "@article{a, title = {€ and é}}"


def test_utf16_with_its_bom_and_lone_cr_line_ends_are_read(tmp_path):
    path = write(tmp_path, "TY  - JOUR\rTI  - Café\r\nER  - \r".encode("utf-16"))
    assert [(line.number, line.text) for line in DumpReader(path)] == [
        (1, "TY  - JOUR"),
        (2, "TI  - Café"),
        (3, "ER  - "),
    ]


def test_a_10_mb_line_is_refused_in_bounded_memory(tmp_path):
    path = write(tmp_path, HEADER.encode() + b"A Title\n\n" + b"word " * (2 * 1024 * 1024) + b"\n")
    with pytest.raises(DumpError, match=f"dump.txt:13: line is longer than {MAX_LINE_BYTES:,} bytes"):
        parse_listing(path)


def test_markup_metadata_and_missing_header_are_tolerated(tmp_path):
    text = (
        "**Mar 20**\n\n**A Bold Title**\n\n· 5 authors\n\n" + ABSTRACT + "\n\n42\n\nPublished on Mar 19\n\n"
        "arXiv:2401.01234v2\n\nPlain Title\n\n" + ABSTRACT + " Second.\n"
    )
    papers = parse_listing(write(tmp_path, text))
    assert [p.title for p in papers] == ["A Bold Title", "Plain Title"]
    assert papers[0].arxiv_id == "2401.01234"
    assert papers[1].arxiv_id is None


def test_extra_header_lines_are_skipped_with_a_warning(tmp_path):
    warnings = []
    papers = parse_listing(write(tmp_path, "Hugging Face Papers\n\n" + HEADER + f"A Title\n\n{ABSTRACT}\n"), warnings)
    assert [p.title for p in papers] == ["A Title"]
    assert warnings == ["line 1: skipped a header line: 'Hugging Face Papers'"]


def test_several_date_lines_date_the_papers_after_them(tmp_path):
    text = HEADER + f"One\n\n{ABSTRACT}\n\nMar 21, 2024\n\nTwo\n\n{ABSTRACT} Again.\n"
    one, two = parse_listing(write(tmp_path, text))
    assert (one.listed, two.listed) == (ListingDate(3, 20), ListingDate(3, 21, 2024))


def test_a_page_cut_off_mid_item_flags_the_last_paper(tmp_path):
    cut_in_abstract = parse_listing(
        write(tmp_path, HEADER + f"One\n\n{ABSTRACT}\n\nTwo\n\n{ABSTRACT} We then propose a method th")
    )
    assert cut_in_abstract[-1].review_reason.startswith("the listing ends in the middle of this abstract")
    assert not cut_in_abstract[0].review_reason
    cut_after_title = parse_listing(write(tmp_path, HEADER + f"One\n\n{ABSTRACT}\n\nTwo\n"))
    assert cut_after_title[-1].title == "Two"
    assert cut_after_title[-1].review_reason.startswith("the listing ends after this title")


def test_an_abstract_without_a_title_is_an_error_naming_the_line(tmp_path):
    with pytest.raises(DumpError, match=r"dump.txt:15: a \d+-character paragraph with no title"):
        parse_listing(write(tmp_path, HEADER + f"One\n\n{ABSTRACT}\n\n{ABSTRACT}\n"))


def test_titles_that_begin_like_metadata_are_still_titles(tmp_path):
    text = (
        HEADER + f"Updated Priors for Scaling Laws\n\n{ABSTRACT}\n\nPublished Results Are Often False\n\n{ABSTRACT}\n"
    )
    papers = parse_listing(write(tmp_path, text))
    assert [p.title for p in papers] == ["Updated Priors for Scaling Laws", "Published Results Are Often False"]


def test_page_chrome_is_never_a_paper(tmp_path):
    papers = parse_listing(write(tmp_path, HEADER + f"One\n\n{ABSTRACT}\n\nSubscribe\n\n7 upvotes\n"))
    assert [p.title for p in papers] == ["One"]


# hand-made abstracts ----------------------------------------------------------------------------


def test_abstracts_continuation_lines_and_strictness(tmp_path):
    papers = list(abstracts.parse(DumpReader(write(tmp_path, "Abstract: First part\nsecond part.\n")), "a.txt"))
    assert papers[0].abstract == "First part second part."
    with pytest.raises(DumpError, match="a.txt:3: expected a line starting with 'Abstract:'"):
        list(abstracts.parse(DumpReader(write(tmp_path, "Abstract: One.\n\nStray text\n")), "a.txt"))
    with pytest.raises(DumpError, match="a.txt:1: 'Abstract:' with no text"):
        list(abstracts.parse(DumpReader(write(tmp_path, "Abstract:\n")), "a.txt"))


# hand-made vault pages ---------------------------------------------------------------------------

PEOPLE = "Ada Lovelace · Alan Turing NeurIPS 2024 - Workshop on Things (WoT)\n\n"
RESUME = "**Resume: **\n\n**1.-**The first point.\n\n**2.-**The second point.\n"


def test_a_graph_on_one_line(tmp_path):
    page = (
        PEOPLE
        + "graph LR\nclassDef core fill:#fff; A[Root] --> B[Child one. 1] A --> C[Child two. 2] class B,C core;\n"
    )
    talk = parse_vault(write(tmp_path, page + RESUME))
    assert {c.name for c in talk.graph.concepts.values()} == {"Root", "Child one", "Child two", "core"}
    assert len(talk.graph.edges) == 4
    assert [person.name for person in talk.paper.authors] == ["Ada Lovelace", "Alan Turing"]
    assert talk.paper.venue.short_name == "WoT"


def test_a_graph_with_a_cycle_names_the_line(tmp_path):
    page = PEOPLE + "graph LR\nA[Root] --> B[Child. 1]\nB --> C[Grandchild. 2]\nC --> A\n" + RESUME
    with pytest.raises(DumpError, match=r"dump.txt:6: the concept graph has a cycle: .*A -> B -> C -> A"):
        parse_vault(write(tmp_path, page))


def test_a_graph_cut_off_at_the_end_of_the_page_keeps_its_whole_statements(tmp_path):
    for tail in (" A --> C[Child two,\n\nstill", " A -->", " A --> C", " A --", " class B ro"):
        warnings = []
        page = PEOPLE + "graph LR\nclassDef root fill:#fff;\nA[Root] --> B[Child. 1]" + tail
        talk = parse_vault(write(tmp_path, page), warnings)
        assert {c.name for c in talk.graph.concepts.values()} == {"Root", "Child", "root"}, tail
        assert talk.graph.edges == [("A", "B", 5)], tail
        assert talk.paper.review_reason.startswith("the page stops at line "), tail
        assert not talk.complete


def test_a_graph_that_cannot_be_read_before_the_page_goes_on_is_refused(tmp_path):
    page = PEOPLE + "graph LR\nA[Root] --> B[Child. 1] A --> C[Child two,\n\nstill\n" + RESUME
    with pytest.raises(DumpError, match=r"dump.txt:4: the label of node C is never closed"):
        parse_vault(write(tmp_path, page))
    with pytest.raises(DumpError, match="ends with an arrow"):
        parse_vault(write(tmp_path, PEOPLE + "graph LR\nA[Root] --> B[Child. 1] A -->\n" + RESUME))


def test_a_cut_off_label_that_matches_no_node_is_refused(tmp_path):
    page = PEOPLE + "graph LR\nA[Root] --> B[Child. 1]\nnowhere] --> B\n" + RESUME
    with pytest.raises(DumpError, match=r"dump.txt:5: the graph has a cut-off label 'nowhere\]'"):
        parse_vault(write(tmp_path, page))


def test_a_node_relabelled_differently_is_refused(tmp_path):
    page = PEOPLE + "graph LR\nA[Root] --> B[Child. 1]\nA[Other root] --> C[X. 2]\n" + RESUME
    with pytest.raises(DumpError, match="node A is labelled 'Other root' here but 'Root' on line 4"):
        parse_vault(write(tmp_path, page))


def test_vault_people_line_without_a_venue_is_refused(tmp_path):
    with pytest.raises(DumpError, match="dump.txt:1: cannot tell where the people end"):
        parse_vault(write(tmp_path, "Ada Lovelace · Alan Turing\n\ngraph LR\nA[Root] --> B[C. 1]\n" + RESUME))


def test_keys_fold_case_accents_and_punctuation():
    from bibliography import text

    assert text.title_key("Gödel's  Théorème: À la carte!") == "godel s theoreme a la carte"
    assert text.title_key("GODEL'S THEOREME — a la carte") == "godel s theoreme a la carte"
    assert text.title_key("注意力机制") == "注意力机制"  # non-Latin titles keep their letters
    assert text.abstract_key("Same words.") == text.abstract_key("same   WORDS")
    assert text.abstract_key("  ...  ") is None


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_the_ascii_shortcut_folds_like_the_general_rule(value):
    from bibliography import text

    general = text._NOT_WORD.sub(" ", text._COMBINING.sub("", value).casefold()).strip()
    assert text.fold(value) == general
