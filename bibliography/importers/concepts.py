"""The concepts and keywords records give their papers: tags for the concepts a file names, a
source's scored topics as suggested tags, and the keywords as written."""

import itertools
import re

from django.db.models import Case, When
from django.utils.text import slugify

from bibliography import text
from bibliography.models import (
    Concept,
    ConceptKind,
    ConceptRelation,
    Keyword,
    PaperConcept,
    PaperKeyword,
    ReviewStatus,
    Source,
)

from .copy import Made, Write, copy_write, made
from .results import ImportResult, Landed

_WORDS = re.compile(r"\w")


def concept_tags_add(landed: list[Landed], result: ImportResult) -> set[int]:
    """Accepted tags for the concepts a reference-manager file names (keywords); the ids of the
    papers tagged."""
    wanted = {(paper.pk, name) for record, paper, _ in landed for name in record.concepts}
    if not wanted:
        return set()
    concepts = _concepts_named({name for _, name in wanted}, result)
    have = set(
        PaperConcept.objects.filter(paper_id__in={pk for pk, _ in wanted}, concept__in=concepts.values()).values_list(
            "paper_id", "concept_id"
        )
    )
    tags = []
    for pk, name in sorted(wanted):
        pair = (pk, concepts[name].pk)
        if pair not in have:
            have.add(pair)
            tags.append(
                PaperConcept(paper_id=pk, concept=concepts[name], source=Source.IMPORTED, status=ReviewStatus.ACCEPTED)
            )
    PaperConcept.objects.bulk_create(tags)
    result.count_also("tags", len(tags))
    return {tag.paper_id for tag in tags}


def topic_tags_add(landed: list[Landed], result: ImportResult) -> set[int]:
    """A source's scored topics as suggested tags for the curators, under a branch of concepts of
    their own (made as needed: "OpenAlex topics" > domain > field > subfield > topic). A paper
    that already has the concept keeps its tag and the curator's decision."""
    wanted = [(paper.pk, topic) for record, paper, _ in landed for topic in record.topics]
    if not wanted:
        return set()
    concepts = _topic_concepts([topic for _, topic in wanted], result)
    have = set(
        PaperConcept.objects.filter(paper_id__in={pk for pk, _ in wanted}, concept__in=concepts.values()).values_list(
            "paper_id", "concept_id"
        )
    )
    tags = []
    for pk, topic in wanted:
        concept = concepts[topic.branch[-1][0]]
        if (pk, concept.pk) in have:
            continue
        have.add((pk, concept.pk))
        why = f"{topic.source} classified it under “{concept.name}” (score {topic.score:.2f})."
        tags.append(
            PaperConcept(paper_id=pk, concept=concept, score=topic.score, source=Source.IMPORTED,
                         status=ReviewStatus.SUGGESTED, reason=why[:300])
        )  # fmt: skip
    PaperConcept.objects.bulk_create(tags)
    result.count_also("suggested tags", len(tags))
    return {tag.paper_id for tag in tags}


class NewKeywords:
    """The record's keywords that the paper does not have yet, after the ones it has; a keyword of
    punctuation alone (Mendeley writes `()` for an empty one) is none. The keywords and what the
    papers have read first (new keywords written), the rows made while the batch's papers are
    written (no query), then written."""

    def __init__(self, landed: list[Landed], file_name: str, result: ImportResult, stored: set[int]):
        """`stored`: the ids of the papers stored before this batch (the others have no keywords yet)."""
        self.file_name = file_name
        self.rows: list[tuple[int, int, int]] = []
        self.text = Made()  # the rows as COPY text, once made
        wanted = [(paper, [k for k in record.keywords if _WORDS.search(k)]) for record, paper, _ in landed]
        self.wanted = [(paper, names) for paper, names in wanted if names]
        self.keywords = _keywords({name for _, names in self.wanted for name in names}, result) if self.wanted else {}
        self.have: dict[int, set[int]] = {}
        self.last: dict[int, int] = {}
        papers = {paper.pk for paper, _ in self.wanted if paper.pk in stored}
        for paper_id, keyword_id, position in (
            PaperKeyword.objects.filter(paper_id__in=papers)
            .order_by()
            .values_list("paper_id", "keyword_id", "position")
            if papers
            else ()
        ):
            self.have.setdefault(paper_id, set()).add(keyword_id)
            self.last[paper_id] = max(self.last.get(paper_id, 0), position)

    def make(self) -> None:
        have, last = self.have, self.last
        for paper, names in self.wanted:
            mine = have.setdefault(paper.pk, set())
            for name in names:
                keyword = self.keywords.get(name)
                if keyword is not None and keyword.pk not in mine:
                    mine.add(keyword.pk)
                    last[paper.pk] = last.get(paper.pk, 0) + 1
                    self.rows.append((paper.pk, keyword.pk, last[paper.pk]))
        self.text = made(self.rows)

    def copy(self) -> Write:
        return copy_write(PaperKeyword, ["paper", "keyword", "position"], self.text, [0] * len(self.text))

    def given(self) -> set[int]:
        """The ids of the papers given some."""
        return {paper_id for paper_id, _, _ in self.rows}


def slugs_taken(names: list[str]) -> set[str]:
    """The base slugs of these names that concepts already have."""
    return set(Concept.objects.filter(slug__in={slug_base(name) for name in names}).values_list("slug", flat=True))


def slug_base(name: str) -> str:
    return slugify(name)[:90] or "concept"


def free_slug(name: str, taken: set[str]) -> str:
    """A slug for a new concept of this name that no concept has, and that is then taken."""
    base = slug_base(name)
    slug = base
    # `taken` already holds the base slugs found in the database; suffixed ones are checked here.
    for n in itertools.count(2):
        if slug not in taken and (slug == base or not Concept.objects.filter(slug=slug).exists()):
            break
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _concepts_named(names: set[str], result: ImportResult) -> dict[str, Concept]:
    """The concept of each name (a topic before a category, the oldest first); missing ones made as topics."""
    found: dict[str, Concept] = {}
    for concept in Concept.objects.filter(name__in=names).order_by(
        Case(When(kind=ConceptKind.TOPIC, then=0), default=1), "id"
    ):
        found.setdefault(concept.name, concept)
    missing = sorted(names - set(found))
    if missing:
        taken = slugs_taken(missing)
        new = [Concept(name=name, kind=ConceptKind.TOPIC, slug=free_slug(name, taken)) for name in missing]
        Concept.objects.bulk_create(new)
        found.update({concept.name: concept for concept in new})
        result.count_also("concepts", len(new))
    return found


def _topic_concepts(topics, result: ImportResult) -> dict[str, Concept]:
    """The concepts of the topics' branches by slug, made where missing, each under the one above it."""
    roots = {topic.source: (f"{slugify(topic.source)}-topics", f"{topic.source} topics") for topic in topics}
    nodes: dict[str, tuple[str, ConceptKind]] = {}
    edges: set[tuple[str, str]] = set()
    for topic in topics:
        root = roots[topic.source]
        nodes[root[0]] = (root[1], ConceptKind.CATEGORY)
        above = root[0]
        for depth, (slug, name) in enumerate(topic.branch):
            last = depth == len(topic.branch) - 1
            nodes.setdefault(slug, (name, ConceptKind.TOPIC if last else ConceptKind.CATEGORY))
            edges.add((above, slug))
            above = slug
    found = {c.slug: c for c in Concept.objects.filter(slug__in=nodes)}
    new = [
        Concept(slug=slug, name=name, kind=kind) for slug, (name, kind) in sorted(nodes.items()) if slug not in found
    ]
    Concept.objects.bulk_create(new)
    found.update({c.slug: c for c in new})
    ConceptRelation.objects.bulk_create(
        [ConceptRelation(parent=found[a], child=found[b]) for a, b in sorted(edges)], ignore_conflicts=True
    )
    if new:
        result.count_also("concepts", len(new))
    return found


def _keywords(names: set[str], result: ImportResult) -> dict[str, Keyword]:
    """The keyword of each name, as written; new ones made."""
    found = {k.name: k for k in Keyword.objects.filter(name__in=names).order_by()}
    missing = [Keyword(name=name, name_key=text.name_key(name)) for name in sorted(names - set(found))]
    Keyword.objects.bulk_create(missing)
    found.update({k.name: k for k in missing})
    if missing:
        result.count_also("keywords", len(missing))
    return found
