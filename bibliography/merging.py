"""Merging duplicate papers into one, without losing what any of them carried."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q

from . import attachments
from .citation_keys import keys_assign
from .formats.records import UNTITLED_REASONS
from .identifiers import openalex_work
from .models import (
    Attachment,
    Author,
    AuthorAlias,
    Authorship,
    Citation,
    CitationKeyAlias,
    Concept,
    ConceptAlias,
    ConceptRelation,
    KeyPoint,
    Note,
    Paper,
    PaperAlias,
    PaperConcept,
    PaperLink,
    ReviewStatus,
    Source,
    SourceRecord,
    UnresolvedReference,
)

# When both papers carry the same tag or citation, the stronger decision and source survive.
_STATUS_RANK = {ReviewStatus.SUGGESTED: 0, ReviewStatus.REJECTED: 1, ReviewStatus.ACCEPTED: 2}
_SOURCE_RANK = {Source.AUTOMATIC: 0, Source.IMPORTED: 1, Source.MANUAL: 2}
_FILLED_FIELDS = ["title", "abstract", "doi", "arxiv_id", "venue_id", "published_on", "year"]
# What a curator may choose, per field, from any of the merged papers: the name a choice is given
# by, and the record's fields that travel with it.
CHOOSABLE = {
    "title": ["title", "title_short"],
    "abstract": ["abstract"],
    "doi": ["doi"],
    "arxiv_id": ["arxiv_id"],
    "date": ["issued", "year", "published_on"],
    "venue": ["venue_id"],
    "kind": ["kind"],
    "item_type": ["item_type"],
}


class MergeError(ValueError): ...


@dataclass
class MergeReport:
    """What a merge moved into the survivor, and what it folded into rows the survivor had."""

    survivor_id: int
    merged_ids: list[int]
    fields: list[str] = field(default_factory=list)
    moved: Counter = field(default_factory=Counter)
    combined: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """What the merge does, in words, for the confirmation page and the log."""
        out = [f"{n} {name} move over" for name, n in sorted(self.moved.items())]
        out += [
            f"{n} {name} combined with the survivor's own (the stronger decision is kept)"
            for name, n in sorted(self.combined.items())
        ]
        out += [f"{n} {name} dropped" for name, n in sorted(self.dropped.items())]
        if self.fields:
            out.append(f"values taken from the merged papers: {', '.join(self.fields)}")
        return out or ["nothing but the merged papers' aliases"]


def _stronger(a: str, b: str, rank: dict) -> str:
    return a if rank.get(a, 0) >= rank.get(b, 0) else b


@transaction.atomic
def paper_merge(*, into: Paper, others: Sequence[Paper], by=None, keep: dict[str, int] | None = None) -> MergeReport:
    """Merge `others` into `into`: their authors, tags, citations (both ways), links, key points
    and source records move to it, each leaves an alias, and they are deleted. A field takes the
    value of the paper `keep` names for it (`{"title": 12}`); otherwise the survivor's, or where
    that is blank, the first other paper's. All or nothing."""
    other_ids = sorted({p.pk for p in others} - {into.pk})
    if not other_ids:
        raise MergeError("choose at least one other paper to merge into the survivor")
    keep = keep or {}
    if unknown := sorted(set(keep) - set(CHOOSABLE)):
        raise MergeError(f"{', '.join(unknown)}: not a field to choose; choose among {', '.join(CHOOSABLE)}")
    if strangers := sorted({pk for pk in keep.values() if pk not in (into.pk, *other_ids)}):
        raise MergeError(f"{', '.join(f'#{pk}' for pk in strangers)}: a kept value must come from a merged paper")
    # Locks in id order, so two merges over the same papers cannot deadlock.
    locked = {p.pk: p for p in Paper.objects.select_for_update().filter(pk__in=[into.pk, *other_ids]).order_by("pk")}
    missing = [pk for pk in [into.pk, *other_ids] if pk not in locked]
    if missing:
        raise MergeError(f"paper {', '.join(f'#{pk}' for pk in missing)} no longer exists")
    survivor = locked[into.pk]
    victims = [locked[pk] for pk in other_ids]
    report = MergeReport(survivor_id=survivor.pk, merged_ids=other_ids)

    _fill_fields(survivor, victims, report, {name: locked[pk] for name, pk in keep.items()})
    _merge_extra(survivor, victims, report)
    _move_authorships(survivor, other_ids, report, by)
    _move_tags(survivor, other_ids, report, by)
    _move_citations(survivor, other_ids, report, by)
    _move_links(survivor, other_ids, report)
    _move_key_points(survivor, other_ids, report)
    _move_notes(survivor, other_ids, report)
    _move_files(survivor, other_ids, report)
    _move_sources(survivor, other_ids, report)
    _move_unresolved_references(survivor, other_ids, report)
    _leave_aliases(survivor, victims, by)

    for victim in victims:
        victim._history_user = by
        victim._change_reason = f"merged into #{survivor.pk}"
        victim.delete()
    _keep_keys(survivor, victims)
    _best_key(survivor, victims)
    survivor._history_user = by
    survivor._change_reason = f"merged {', '.join(f'#{pk}' for pk in other_ids)} into this paper"
    survivor.save()
    if survivor.citation_key_provisional:  # none of them had a real key: one made from the merged record
        authorships = Authorship.objects.select_related("author").order_by("position")
        keys_assign(list(Paper.objects.filter(pk=survivor.pk).prefetch_related(Prefetch("authorships", authorships))))
        survivor.refresh_from_db(fields=["citation_key", "citation_key_provisional"])
    return report


def paper_merge_preview(*, into: Paper, others: Sequence[Paper], keep: dict[str, int] | None = None) -> MergeReport:
    """What paper_merge would do, found by doing it and rolling back."""
    with transaction.atomic():
        report = paper_merge(into=into, others=others, keep=keep)
        transaction.set_rollback(True)
    return report


def default_choices(papers: Sequence[Paper]) -> dict[str, int]:
    """Whose value each choosable field keeps when nobody chooses: the survivor's (the first paper),
    or where that is blank, the first other paper's that is not."""
    chosen = {}
    for name, fields in CHOOSABLE.items():
        holder = next((p for p in papers if getattr(p, fields[0]) not in (None, "")), papers[0])
        chosen[name] = holder.pk
    return chosen


def _fill_fields(survivor: Paper, victims: list[Paper], report: MergeReport, keep: dict[str, Paper]) -> None:
    # Identifiers are unique: free them on the victims before the survivor takes them.
    Paper.objects.filter(pk__in=[v.pk for v in victims]).update(doi=None, arxiv_id=None)
    chosen = {attribute for name in keep for attribute in CHOOSABLE[name]}
    for victim in victims:
        for name in _FILLED_FIELDS:
            if name in chosen:
                continue
            if getattr(survivor, name) in (None, "") and getattr(victim, name) not in (None, ""):
                setattr(survivor, name, getattr(victim, name))
                report.fields.append(name)
    for name, source in keep.items():
        for attribute in CHOOSABLE[name]:
            setattr(survivor, attribute, getattr(source, attribute))
        if source.pk != survivor.pk:
            report.fields.append(f"{name} from #{source.pk}")
    if survivor.title and survivor.needs_review and survivor.review_reason in UNTITLED_REASONS:
        survivor.needs_review, survivor.review_reason = False, ""
    if survivor.published_on:
        survivor.year = survivor.published_on.year


def _merge_extra(survivor: Paper, victims: list[Paper], report: MergeReport) -> None:
    """Nothing a merged paper kept is lost: what the survivor lacks it takes (a CSL variable, a format's
    own fields); what both have and say otherwise stays under `merged`, by the merged paper's id."""
    extra = dict(survivor.extra or {})
    for victim in victims:
        differing = {}
        for key, value in (victim.extra or {}).items():
            if key not in extra:
                extra[key] = value
                report.fields.append(f"extra {key}")
            elif extra[key] != value:
                differing[key] = value
        if differing:
            extra.setdefault("merged", {})[str(victim.pk)] = differing
    survivor.extra = extra


def _move_authorships(survivor: Paper, other_ids: list[int], report: MergeReport, by) -> None:
    have = set(survivor.authorships.values_list("author_id", "role"))
    position = max(survivor.authorships.values_list("position", flat=True), default=0)
    for authorship in Authorship.objects.filter(paper_id__in=other_ids).order_by("paper_id", "position"):
        authorship._history_user = by
        if (authorship.author_id, authorship.role) in have:
            authorship.delete()
            report.dropped["authors already listed"] += 1
            continue
        position += 1
        have.add((authorship.author_id, authorship.role))
        authorship.paper, authorship.position = survivor, position
        authorship.save()
        report.moved["authors"] += 1


def _move_tags(survivor: Paper, other_ids: list[int], report: MergeReport, by) -> None:
    have = {t.concept_id: t for t in survivor.tags.all()}
    for tag in PaperConcept.objects.filter(paper_id__in=other_ids).order_by("id"):
        tag._history_user = by
        kept = have.get(tag.concept_id)
        if kept is None:
            tag.paper = survivor
            tag.save()
            have[tag.concept_id] = tag
            report.moved["tags"] += 1
            continue
        _combine_tags(kept, tag, by)
        report.combined["tags"] += 1


def _combine_tags(kept: PaperConcept, tag: PaperConcept, by) -> None:
    """One tag from two of the same paper and concept: the stronger decision and source, the higher score."""
    kept.status = _stronger(kept.status, tag.status, _STATUS_RANK)
    kept.source = _stronger(kept.source, tag.source, _SOURCE_RANK)
    scores = [s for s in (kept.score, tag.score) if s is not None]
    kept.score = max(scores) if scores else None
    kept._history_user = by
    kept.save()
    tag.delete()


def _move_unresolved_references(survivor: Paper, other_ids: list[int], report: MergeReport) -> None:
    """References still waiting for their work go on waiting, as the survivor's."""
    have = set(survivor.unresolved_references.values_list("scheme", "value"))
    for reference in UnresolvedReference.objects.filter(citing_id__in=other_ids).order_by("id"):
        if (reference.scheme, reference.value) in have:
            reference.delete()
            continue
        have.add((reference.scheme, reference.value))
        reference.citing = survivor
        reference.save(update_fields=["citing"])
        report.moved["references waiting for their work"] += 1


def _move_citations(survivor: Paper, other_ids: list[int], report: MergeReport, by) -> None:
    for direction, this_end, far_end in (("references", "citing", "cited"), ("cited by", "cited", "citing")):
        rows = Citation.objects.filter(**{f"{this_end}_id__in": other_ids}).order_by("id")
        for citation in rows:
            citation._history_user = by
            far = getattr(citation, f"{far_end}_id")
            if far == survivor.pk or far in other_ids and direction == "cited by":
                # It would become a self-citation (or was already moved from the other end).
                citation.delete()
                report.dropped["citations between the merged papers"] += 1
                continue
            pair = {this_end: survivor, f"{far_end}_id": far}
            kept = Citation.objects.filter(**pair).first()
            if kept is None:
                setattr(citation, this_end, survivor)
                citation.save()
                report.moved[direction] += 1
                continue
            kept.status = _stronger(kept.status, citation.status, _STATUS_RANK)
            kept.source = _stronger(kept.source, citation.source, _SOURCE_RANK)
            kept.context = kept.context or citation.context
            kept.intent = kept.intent or citation.intent
            kept._history_user = by
            kept.save()
            citation.delete()
            report.combined[direction] += 1


def _move_links(survivor: Paper, other_ids: list[int], report: MergeReport) -> None:
    have = set(survivor.links.values_list("url", flat=True))
    for link in PaperLink.objects.filter(paper_id__in=other_ids).order_by("id"):
        if link.url in have:
            link.delete()
            report.dropped["links already there"] += 1
        else:
            have.add(link.url)
            link.paper = survivor
            link.save()
            report.moved["links"] += 1


def _move_key_points(survivor: Paper, other_ids: list[int], report: MergeReport) -> None:
    numbers = set(survivor.keypoints.values_list("number", flat=True))
    for point in KeyPoint.objects.filter(paper_id__in=other_ids).order_by("paper_id", "number"):
        if point.number in numbers:
            point.number = max(numbers) + 1  # keep it, renumbered after the survivor's own
        numbers.add(point.number)
        point.paper = survivor
        point.save()
        report.moved["key points"] += 1


def _move_notes(survivor: Paper, other_ids: list[int], report: MergeReport) -> None:
    for note in Note.objects.filter(paper_id__in=other_ids).order_by("id"):
        note.paper = survivor
        note.save(update_fields=["paper"])  # keeps its writer and its dates
        report.moved["notes"] += 1


def _move_files(survivor: Paper, other_ids: list[int], report: MergeReport) -> None:
    have = set(survivor.attachments.values_list("sha256", flat=True))
    for attachment in Attachment.objects.filter(paper_id__in=other_ids).defer("text").order_by("id"):
        if attachment.sha256 in have:
            attachments.detach(attachment)
            report.dropped["files already there"] += 1
        else:
            have.add(attachment.sha256)
            attachment.paper = survivor
            attachment.save(update_fields=["paper"])  # the stored file keeps its name: nothing to copy
            report.moved["files"] += 1


def _move_sources(survivor: Paper, other_ids: list[int], report: MergeReport) -> None:
    have = set(survivor.sources.values_list("file_name", "raw_hash"))
    for source in SourceRecord.objects.filter(paper_id__in=other_ids).order_by("id"):
        if (source.file_name, source.raw_hash) in have:
            source.delete()
            report.dropped["source records already there"] += 1
        else:
            have.add((source.file_name, source.raw_hash))
            source.paper = survivor
            source.save()
            report.moved["source records"] += 1


def _leave_aliases(survivor: Paper, victims: list[Paper], by) -> None:
    PaperAlias.objects.filter(paper__in=victims).update(paper=survivor)
    CitationKeyAlias.objects.filter(paper__in=victims).update(paper=survivor)
    PaperAlias.objects.bulk_create(
        [
            PaperAlias(
                old_id=victim.pk,
                paper=survivor,
                title_key=victim.title_key,
                abstract_key=victim.abstract_key,
                doi=victim.doi,
                arxiv_id=victim.arxiv_id,
                openalex_id=openalex_work(victim.extra),
                merged_by=by,
            )
            for victim in victims
        ]
    )


def _best_key(survivor: Paper, victims: list[Paper]) -> None:
    """The survivor keeps its key unless it is provisional (`anonnd…`) and a merged paper had a real
    one: then it takes that one (the first merged paper's), and its own stays an alias."""
    if survivor.citation_key and not survivor.citation_key_provisional:
        return
    real = next((v.citation_key for v in victims if v.citation_key and not v.citation_key_provisional), None)
    if real is None:
        return
    CitationKeyAlias.objects.filter(key=real).delete()  # _keep_keys made it an alias of the survivor
    if survivor.citation_key:
        CitationKeyAlias.objects.create(key=survivor.citation_key, paper=survivor)
    survivor.citation_key, survivor.citation_key_provisional = real, False


def _keep_keys(survivor: Paper, victims: list[Paper]) -> None:
    """Documents citing a merged-away paper's key still find it (once that paper is gone)."""
    CitationKeyAlias.objects.bulk_create(
        [CitationKeyAlias(key=victim.citation_key, paper=survivor) for victim in victims if victim.citation_key]
    )


# concepts and authors ---------------------------------------------------------------------


@transaction.atomic
def concept_merge(*, into: Concept, others: Sequence[Concept], by=None) -> MergeReport:
    """Merge `others` into the concept `into`: their tags (combined where a paper has both), their
    parents and children, and their key points move to it; their slugs become its aliases; they are
    deleted. Refused, with nothing changed, when it would close a cycle in the graph."""
    other_ids = sorted({c.pk for c in others} - {into.pk})
    if not other_ids:
        raise MergeError("choose at least one other concept to merge into the survivor")
    locked = {c.pk: c for c in Concept.objects.select_for_update().filter(pk__in=[into.pk, *other_ids]).order_by("pk")}
    if missing := [pk for pk in [into.pk, *other_ids] if pk not in locked]:
        raise MergeError(f"concept {', '.join(f'#{pk}' for pk in missing)} no longer exists")
    survivor, victims = locked[into.pk], [locked[pk] for pk in other_ids]
    report = MergeReport(survivor_id=survivor.pk, merged_ids=other_ids)

    have = {t.paper_id: t for t in PaperConcept.objects.select_for_update().filter(concept=survivor)}
    for tag in PaperConcept.objects.select_for_update().filter(concept_id__in=other_ids).order_by("id"):
        tag._history_user = by
        if (kept := have.get(tag.paper_id)) is None:
            tag.concept = survivor
            tag.save()
            have[tag.paper_id] = tag
            report.moved["tags"] += 1
        else:
            _combine_tags(kept, tag, by)
            report.combined["tags"] += 1
    _move_relations(survivor, other_ids, report, by)
    points = KeyPoint.concepts.through.objects
    on_survivor = set(points.filter(concept=survivor).values_list("keypoint_id", flat=True))
    for link in points.filter(concept_id__in=other_ids).order_by("id"):
        if link.keypoint_id in on_survivor:
            link.delete()
        else:
            on_survivor.add(link.keypoint_id)
            points.filter(pk=link.pk).update(concept=survivor)
            report.moved["key points"] += 1

    ConceptAlias.objects.filter(concept_id__in=other_ids).update(concept=survivor)
    for victim in victims:
        victim._history_user = by
        victim._change_reason = f"merged into “{survivor.name}” (#{survivor.pk})"
        victim.delete()
        ConceptAlias.objects.update_or_create(slug=victim.slug, defaults={"concept": survivor})
    survivor._history_user = by
    survivor._change_reason = f"merged {', '.join(f'“{v.name}”' for v in victims)} into this concept"[:100]
    survivor.save()
    return report


def _move_relations(survivor: Concept, other_ids: list[int], report: MergeReport, by) -> None:
    relations = ConceptRelation.objects.select_for_update()
    existing = set(relations.filter(Q(parent=survivor) | Q(child=survivor)).values_list("parent_id", "child_id"))
    for relation in relations.filter(Q(parent_id__in=other_ids) | Q(child_id__in=other_ids)).order_by("id"):
        relation._history_user = by
        parent = survivor.pk if relation.parent_id in other_ids else relation.parent_id
        child = survivor.pk if relation.child_id in other_ids else relation.child_id
        if parent == child or (parent, child) in existing:
            relation.delete()  # between the merged concepts, or one the survivor already has
            continue
        existing.add((parent, child))
        relation.parent_id, relation.child_id = parent, child
        try:
            with transaction.atomic():
                relation.save()
        except IntegrityError as error:
            if "would create a cycle" not in str(error):
                raise
            raise MergeError(
                f"merging would create a cycle in the concept graph ({str(error).splitlines()[0]}): "
                "take away the concepts between them first"
            ) from error
        report.moved["parents and children"] += 1


@transaction.atomic
def author_merge(*, into: Author, others: Sequence[Author], by=None) -> MergeReport:
    """Merge `others` into the author `into` (one person under several spellings): their
    authorships move to it, each paper still crediting the name it printed; a paper listing two of
    them keeps the first; their ids and names become its aliases; an ORCID the survivor lacks is
    taken; they are deleted."""
    other_ids = sorted({a.pk for a in others} - {into.pk})
    if not other_ids:
        raise MergeError("choose at least one other author to merge into the survivor")
    locked = {a.pk: a for a in Author.objects.select_for_update().filter(pk__in=[into.pk, *other_ids]).order_by("pk")}
    if missing := [pk for pk in [into.pk, *other_ids] if pk not in locked]:
        raise MergeError(f"author {', '.join(f'#{pk}' for pk in missing)} no longer exists")
    survivor, victims = locked[into.pk], [locked[pk] for pk in other_ids]
    report = MergeReport(survivor_id=survivor.pk, merged_ids=other_ids)

    moving = list(
        Authorship.objects.select_for_update().filter(author_id__in=other_ids).select_related("author").order_by("id")
    )
    listed = set(
        Authorship.objects.filter(author=survivor, paper_id__in={a.paper_id for a in moving}).values_list(
            "paper_id", flat=True
        )
    )
    for authorship in moving:
        authorship._history_user = by
        if authorship.paper_id in listed:
            authorship.delete()
            report.dropped["authorships of papers that list both"] += 1
            continue
        listed.add(authorship.paper_id)
        printed, parts = authorship.credited_name, authorship.credited_parts  # as the paper printed it
        authorship.author = survivor
        authorship.credit_as(printed, parts)
        authorship.save()
        report.moved["authorships"] += 1

    AuthorAlias.objects.filter(author_id__in=other_ids).update(author=survivor)
    orcid = next((v.orcid for v in victims if v.orcid), None)
    for victim in victims:
        AuthorAlias.objects.create(old_id=victim.pk, author=survivor, name=victim.name, merged_by=by)
        victim._history_user = by
        victim._change_reason = f"merged into “{survivor.name}” (#{survivor.pk})"[:100]
        victim.delete()
    if orcid and not survivor.orcid:
        survivor.orcid = orcid
        report.fields.append("orcid")
    survivor._history_user = by
    survivor._change_reason = f"merged {', '.join(f'“{v.name}”' for v in victims)} into this author"[:100]
    survivor.save()
    return report
