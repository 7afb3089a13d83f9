"""Discovering citations: mentions, in a paper's abstract, of other papers in the database.

A mention is one of: another paper's full title (any case or punctuation, quoted or not), its
DOI, its arXiv id, the code URL it introduced, or its short name (the part of its title before a
colon, e.g. "FuseGPT") when that name is distinctive and belongs to one paper only. Each becomes a
suggested, automatic Citation with the sentence as context; a pair that exists in any status,
rejected included, is never proposed again.

A short title of several words ("The Lottery Ticket Hypothesis") names a paper only when it is
written as a name: with the capitals the title gives its words (a leading article aside), in a
title with at least two capitalised words. Written in lower case, the same words are usually a
description ("time spent on social networking sites"), not a reference; measured on the seed
data and the bundled libraries, the case rule kept the one true mention and dropped the one false
(docs/importing.md). Like a one-word name, it must belong to one paper and be rare in abstracts.
"""

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from . import text
from .models import Citation, LinkKind, Paper, PaperLink, ReviewStatus, Source

# A title shorter than this many words is too likely to be an ordinary phrase.
MIN_TITLE_WORDS = 4
# A short name found in more abstracts than this share of the collection is a common word.
COMMON_NAME_SHARE = 0.01

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[])")
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>]+", re.IGNORECASE)
_ARXIV = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z][\w-]*[\w]")
_ARTICLES = {"the", "a", "an"}


def _url_key(url: str) -> str:
    return url.rstrip(".,;:)]}'\"").rstrip("/").lower().removeprefix("https://").removeprefix("http://")


def distinctive(name: str) -> bool:
    """A model or method name rather than a word: inner capitals, digits, or an acronym."""
    if len(name) < 3 or " " in name.strip():
        return False
    inner_capital = any(ch.isupper() for ch in name[1:])
    return inner_capital or any(ch.isdigit() for ch in name)


def short_title(title: str) -> str | None:
    """The part of a title before its colon, when it reads as a name of several words: two or more
    capitalised words besides a leading article ("The Lottery Ticket Hypothesis")."""
    if ":" not in title:
        return None
    words = title.split(":", 1)[0].split()
    capitals = [w for i, w in enumerate(words) if w[:1].isupper() and not (i == 0 and w.lower() in _ARTICLES)]
    return " ".join(words) if len(words) >= 2 and len(capitals) >= 2 else None


@functools.lru_cache(maxsize=4096)
def _written_as_name(short: str) -> re.Pattern:
    """The short title with its capitals as the title gives them (a leading article in any case)."""
    parts = []
    for i, word in enumerate(short.split()):
        pieces = [re.escape(piece) for piece in re.findall(r"\w+", word)]
        if not pieces:
            continue
        pattern = r"\W+".join(pieces)
        parts.append(f"(?i:{pattern})" if i == 0 and word.lower() in _ARTICLES or not word[:1].isupper() else pattern)
    return re.compile(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)")


@dataclass
class Index:
    titles: dict[str, dict[str, int]]  # first two words -> {full title key: paper id}
    names: dict[str, int]  # distinctive, unambiguous short name -> paper id
    short_titles: dict[str, dict[str, tuple[int, str]]]  # first two words -> {key: (paper id, as written)}
    dois: dict[str, int]
    arxiv_ids: dict[str, int]
    code_urls: dict[str, int]  # url key -> the paper that introduced it (the oldest listing it)


def build_index(papers: Iterable[Paper], code_links: Iterable[tuple[int, str]], abstracts: Iterable[str]) -> Index:
    titles: dict[str, dict[str, int]] = defaultdict(dict)
    names: dict[str, set[int]] = defaultdict(set)
    shorts: dict[str, set[int]] = defaultdict(set)
    written: dict[str, str] = {}
    dois, arxiv_ids = {}, {}
    for paper in papers:
        words = paper.title_key.split()
        if len(words) >= MIN_TITLE_WORDS:
            titles[" ".join(words[:2])].setdefault(paper.title_key, paper.pk)
        if ":" in paper.title:
            name = paper.title.split(":", 1)[0].strip()
            if distinctive(name):
                names[name].add(paper.pk)
            elif (short := short_title(paper.title)) and len(key := text.fold(short).split()) >= 2:
                shorts[" ".join(key)].add(paper.pk)
                written.setdefault(" ".join(key), short)
        if paper.doi:
            dois[paper.doi] = paper.pk
        if paper.arxiv_id:
            arxiv_ids[paper.arxiv_id] = paper.pk
    code_urls: dict[str, int] = {}
    for paper_id, url in sorted(code_links):
        code_urls.setdefault(_url_key(url), paper_id)

    unambiguous = {name: ids.pop() for name, ids in names.items() if len(ids) == 1}
    short_index: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    for key, ids in shorts.items():
        if len(ids) == 1 and key not in titles.get(" ".join(key.split()[:2]), {}):
            short_index[" ".join(key.split()[:2])][key] = (ids.pop(), written[key])
    # A name most abstracts use is vocabulary, whatever its shape ("GPU", "ImageNet" as a data set…).
    seen_in = Counter()
    total = 0
    for abstract in abstracts:
        total += 1
        seen_in.update({token for token in _NAME.findall(abstract) if token in unambiguous})
        seen_in.update({key for key, _ in _windows(text.fold(abstract).split(), short_index)})
    limit = max(2, int(total * COMMON_NAME_SHARE))
    names_kept = {name: pid for name, pid in unambiguous.items() if seen_in[name] <= limit}
    shorts_kept = {
        start: kept
        for start, keyed in short_index.items()
        if (kept := {key: owner for key, owner in keyed.items() if seen_in[key] <= limit})
    }
    return Index(
        titles=dict(titles),
        names=names_kept,
        short_titles=shorts_kept,
        dois=dois,
        arxiv_ids=arxiv_ids,
        code_urls=code_urls,
    )


def _windows(words: list[str], index: dict[str, dict]):
    """The keys of `index` (by their first two words) that run of words holds, with their values."""
    for start in range(len(words) - 1):
        candidates = index.get(f"{words[start]} {words[start + 1]}")
        if not candidates:
            continue
        for key, value in candidates.items():
            length = key.count(" ") + 1
            if " ".join(words[start : start + length]) == key:
                yield key, value


def mentions(abstract: str, index: Index) -> dict[int, str]:
    """The papers an abstract mentions, each with the first sentence that mentions it."""
    found: dict[int, str] = {}
    for sentence in _SENTENCE.split(abstract):
        for cited in _mentions_in(sentence, index):
            found.setdefault(cited, sentence.strip())
    return found


def _mentions_in(sentence: str, index: Index) -> set[int]:
    cited: set[int] = set()
    for doi in _DOI.findall(sentence):
        if (pid := index.dois.get(doi.rstrip(".,;:)").lower())) is not None:
            cited.add(pid)
    for arxiv_id in _ARXIV.findall(sentence):
        if (pid := index.arxiv_ids.get(arxiv_id)) is not None:
            cited.add(pid)
    for url in _URL.findall(sentence):
        if (pid := index.code_urls.get(_url_key(url))) is not None:
            cited.add(pid)
    for token in _NAME.findall(sentence):
        if (pid := index.names.get(token)) is not None:
            cited.add(pid)
    words = text.fold(sentence).split()
    cited.update(pid for _, pid in _windows(words, index.titles))
    for _, (pid, short) in _windows(words, index.short_titles):
        if _written_as_name(short).search(sentence):
            cited.add(pid)
    return cited


@dataclass
class FindReport:
    papers_read: int = 0
    found: int = 0
    created: int = 0


@transaction.atomic
def citations_find(*, citing_ids: list[int] | None = None, batch_size: int = 2000) -> FindReport:
    """Propose citations for the given papers (all by default). Idempotent."""
    papers = Paper.objects.only("id", "title", "title_key", "doi", "arxiv_id")
    code_links = PaperLink.objects.filter(kind=LinkKind.CODE).values_list("paper_id", "url")
    abstracts = Paper.objects.exclude(abstract="").values_list("abstract", flat=True)
    index = build_index(papers.iterator(chunk_size=batch_size), code_links.iterator(), abstracts.iterator())

    citing = Paper.objects.exclude(abstract="").only("id", "abstract").order_by("id")
    if citing_ids is not None:
        citing = citing.filter(id__in=citing_ids)
    report = FindReport()
    batch: list[Citation] = []
    for paper in citing.iterator(chunk_size=batch_size):
        report.papers_read += 1
        for cited, sentence in mentions(paper.abstract, index).items():
            if cited == paper.pk:
                continue  # a paper naming its own code or short name is not citing itself
            report.found += 1
            batch.append(
                Citation(
                    citing_id=paper.pk,
                    cited_id=cited,
                    context=sentence[:2000],
                    source=Source.AUTOMATIC,
                    status=ReviewStatus.SUGGESTED,
                )
            )
        if len(batch) >= batch_size:
            report.created += _insert(batch)
            batch = []
    report.created += _insert(batch)
    return report


def _insert(rows: list[Citation]) -> int:
    """Insert the pairs not already known; a pair known in any status (rejected too) is left alone."""
    if not rows:
        return 0
    known = set(
        Citation.objects.filter(
            citing_id__in={r.citing_id for r in rows}, cited_id__in={r.cited_id for r in rows}
        ).values_list("citing_id", "cited_id")
    )
    new = [r for r in rows if (r.citing_id, r.cited_id) not in known]
    Citation.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
