"""Writing a talk page: the talk as a paper, its concept graph, and its numbered key points.

Topics are shared by name with what other talks built; a key point is the talk's by its number,
and a page cut short, seen again whole, completes it.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.db.models.functions import MD5

from bibliography.formats.records import TalkRecord
from bibliography.models import Concept, ConceptRelation, KeyPoint, Paper, PaperConcept, PaperKind, ReviewStatus, Source

from .concepts import free_slug, slugs_taken
from .papers import PaperLoader
from .results import ImportResult


def talk_load(talk: TalkRecord, papers: PaperLoader) -> Paper:
    """Write the talk through `papers` (its file's loader) and its graph; the talk's paper."""
    result = papers.result
    talk.paper.known_as = _same_talk(talk)
    (paper,) = papers.load_papers([talk.paper])
    concepts = _concepts(talk, result)
    graph = talk.graph

    have = set(
        ConceptRelation.objects.filter(
            parent_id__in=[c.pk for c in concepts.values()], child_id__in=[c.pk for c in concepts.values()]
        ).values_list("parent_id", "child_id")
    )
    relations, lines = [], []
    for parent, child, line in graph.edges:
        pair = (concepts[parent].pk, concepts[child].pk)
        if pair not in have:
            have.add(pair)
            relations.append(ConceptRelation(parent_id=pair[0], child_id=pair[1]))
            lines.append(line)
    relations = _relations_add(relations, lines, result.warnings)

    points = {kp.number: kp for kp in KeyPoint.objects.filter(paper=paper)}
    new_points = [
        KeyPoint(paper=paper, number=number, text=body)
        for number, body in talk.key_points.items()
        if number not in points
    ]
    KeyPoint.objects.bulk_create(new_points)
    points.update({kp.number: kp for kp in new_points})
    # a page cut short left a key point's beginning; the whole page completes it
    longer = {n: body for n, body in talk.key_points.items() if n in points and body != points[n].text}
    completed = [points[n] for n, body in longer.items() if body.startswith(points[n].text)]
    for kp in completed:
        kp.text = talk.key_points[kp.number]
    KeyPoint.objects.bulk_update(completed, ["text"])

    Link = KeyPoint.concepts.through
    have_links = set(Link.objects.filter(keypoint__paper=paper).values_list("keypoint_id", "concept_id"))
    links = []
    for node, numbers in graph.key_points_of.items():
        for number in sorted(numbers):
            if number in points and (points[number].pk, concepts[node].pk) not in have_links:
                have_links.add((points[number].pk, concepts[node].pk))
                links.append(Link(keypoint_id=points[number].pk, concept_id=concepts[node].pk))
    Link.objects.bulk_create(links)

    tagged = set(PaperConcept.objects.filter(paper=paper).values_list("concept_id", flat=True))
    tags = [
        PaperConcept(paper=paper, concept=concept, source=Source.IMPORTED, status=ReviewStatus.ACCEPTED)
        for key, concept in concepts.items()
        if graph.concepts[key].kind == "topic" and concept.pk not in tagged
    ]
    PaperConcept.objects.bulk_create(tags)

    for name, rows in (("relations", relations), ("key points", new_points), ("tags", tags)):
        result.count_also(name, len(rows))
    # the talk itself may be unchanged while its graph grew: then the talk was updated
    if (relations or new_points or completed or links or tags) and result.unchanged:
        result.unchanged -= 1
        result.updated += 1
    return paper


def _same_talk(talk: TalkRecord) -> int | None:
    """The stored talk whose key point this page repeats word for word, when titles cannot tell:
    the page or the stored talk has no talk line (the other view of the same talk, seen before)."""
    whole = sorted(talk.key_points.items())[: None if talk.complete else -1]
    if not whole:
        return None
    number, body = whole[0]
    same = KeyPoint.objects.alias(digest=MD5("text")).filter(  # keypoint_text_idx
        digest=hashlib.md5(body.encode()).hexdigest(), number=number, text=body, paper__kind=PaperKind.TALK
    )
    if talk.paper.title:
        same = same.filter(paper__title="")
    return same.order_by("paper_id").values_list("paper_id", flat=True).first()


def _relations_add(relations: list[ConceptRelation], lines: list[int], warnings: list[str]) -> list[ConceptRelation]:
    """Write the graph's relations; one that would close a cycle through what other talks built
    (topics are shared by name) is left out with a warning, the rest are kept."""
    try:
        with transaction.atomic():
            return ConceptRelation.objects.bulk_create(relations)
    except IntegrityError:
        pass
    kept = []
    for relation, line in zip(relations, lines, strict=True):
        try:
            with transaction.atomic():
                relation.save(force_insert=True)
            kept.append(relation)
        except IntegrityError as error:
            reason = str(error).splitlines()[0]
            warnings.append(f"line {line}: a relation is left out: {reason}")
    return kept


def _concepts(talk: TalkRecord, result: ImportResult) -> dict[str, Concept]:
    """The concept of each node of the talk's graph, by kind and name; missing ones made."""
    records = talk.graph.concepts
    found: dict[tuple[str, str], Concept] = {}
    names = {r.name for r in records.values()}
    for concept in Concept.objects.filter(name__in=names).order_by("id"):
        found.setdefault((concept.kind, concept.name), concept)
    taken = slugs_taken([r.name for r in records.values()])
    new = []
    for record in records.values():
        if (record.kind, record.name) not in found:
            concept = Concept(name=record.name, kind=record.kind, slug=free_slug(record.name, taken))
            found[(record.kind, record.name)] = concept
            new.append(concept)
    Concept.objects.bulk_create(new)
    result.count_also("concepts", len(new))
    return {key: found[(r.kind, r.name)] for key, r in records.items()}
