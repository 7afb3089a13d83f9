"""A paper's history as a curator reads it: its own changes and those of its authors' order, tags,
citations and key points, newest first, each with who, when and why; and the baseline records that
imports write, so that the first edit of an imported paper shows what it changed."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from simple_history.models import HistoricalRecords

from . import dates
from .models import Attachment, Authorship, Citation, KeyPoint, Note, Paper, PaperConcept, Venue

SHOWN = 300  # the newest records of each kind a history page reads
_HISTORY_OWN = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
# bookkeeping every save changes, and whether the key is still made from the record (its changes show)
_UNTOLD = {"updated_at", "created_at", "citation_key_provisional"}


@dataclass
class Entry:
    when: datetime.datetime
    who: str  # blank: an import or a command, no person
    why: str
    what: list[str] = field(default_factory=list)


def papers_snapshot(ids: Iterable[int], *, reason: str, created: bool, by=None) -> None:
    """Record these papers as they are now in their history, in one statement (imports call it
    for each batch they create or complete)."""
    ids = list(ids)
    if not ids:
        return
    model = Paper.history.model
    columns = [f.column for f in model._meta.concrete_fields if f.name not in _HISTORY_OWN]
    listed = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({listed}, history_date, history_change_reason, history_type, "
            f"history_user_id) SELECT {listed}, statement_timestamp(), %s, %s, %s FROM {Paper._meta.db_table} "
            "WHERE id = ANY(%s)",
            [reason[:100], "+" if created else "~", by.pk if by else None, ids],
        )


def requesting_user():
    """Who the request being served is for (the admin's or the API's), as simple_history records
    it for the saves it makes; None outside a request or for nobody signed in."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def paper_timeline(paper: Paper) -> list[Entry]:
    """What happened to the paper and the rows that belong to it, newest first."""
    entries = _own_changes(paper)
    entries += _row_changes(
        Authorship.history.filter(paper_id=paper.pk).select_related("author"),
        lambda r: f"author {r.author.name if r.author else '#' + str(r.author_id)}",
        {"position": "position", "role": "role", "credited": "credited as"},
    )
    entries += _row_changes(
        PaperConcept.history.filter(paper_id=paper.pk).select_related("concept"),
        lambda r: f"tag “{r.concept.name if r.concept else r.concept_id}”",
        {"status": "status", "score": "score", "source": "source"},
    )
    entries += _row_changes(
        Citation.history.filter(citing_id=paper.pk).select_related("cited"),
        lambda r: f"reference to “{r.cited.plain_title if r.cited else '#' + str(r.cited_id)}”",
        {"status": "status", "intent": "intent", "context": "context"},
    )
    entries += _row_changes(
        Citation.history.filter(cited_id=paper.pk).select_related("citing"),
        lambda r: f"cited by “{r.citing.plain_title if r.citing else '#' + str(r.citing_id)}”",
        {"status": "status"},
    )
    entries += _row_changes(
        Note.history.filter(paper_id=paper.pk),
        lambda r: f"note “{_shown(r.text)[:60]}”",
        {"text": "text"},
    )
    entries += _row_changes(
        Attachment.history.filter(paper_id=paper.pk),
        lambda r: f"file “{r.name}”",
        {"name": "name"},
    )
    entries += _row_changes(
        KeyPoint.history.filter(paper_id=paper.pk),
        lambda r: f"key point {r.number}",
        {"number": "number", "text": "text"},
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return _grouped(entries)


def _who(record) -> str:
    return record.history_user.get_username() if record.history_user else ""


def _shown(value) -> str:
    text = "—" if value in (None, "", [], {}) else str(value)
    return text if len(text) <= 120 else text[:119] + "…"


def _in_words(records) -> dict[str, dict]:
    """How each field's values read to a person, for the fields whose stored value does not: a
    choice's label, a venue's name (all the venues these records name, read at once)."""
    words = {f.name: dict(f.choices) for f in Paper._meta.concrete_fields if f.choices}
    venues = {record.venue_id for record in records if record.venue_id}
    words["venue"] = dict(Venue.objects.filter(pk__in=venues).values_list("pk", "name")) if venues else {}
    return words


def _value(field: str, value, words: dict[str, dict]) -> str:
    if field in ("issued", "accessed") and isinstance(value, dict):
        return dates.edtf(value) or _shown(value)  # 2019, 2019-03-15, 2019/2020: as a person writes a date
    if field in words and value is not None:
        return _shown(words[field].get(value, f"#{value}" if field == "venue" else value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _shown(value)


def _own_changes(paper: Paper) -> list[Entry]:
    records = list(paper.history.select_related("history_user").order_by("-history_date", "-history_id")[:SHOWN])
    words = _in_words(records)
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        entry = Entry(newer.history_date, _who(newer), newer.history_change_reason or "")
        if older is None:
            entry.what.append("recorded" if newer.history_type == "+" else "first recorded state")
        else:
            for change in newer.diff_against(older).changes:
                if change.field in _UNTOLD:
                    continue
                label = Paper._meta.get_field(change.field).verbose_name
                old, new = (_value(change.field, value, words) for value in (change.old, change.new))
                entry.what.append(f"{label}: {old} → {new}")
        if newer.history_type == "-":
            entry.what = ["deleted"]
        if entry.what or entry.why:
            entries.append(entry)
    return entries


def _row_changes(records, describe, tracked: dict[str, str]) -> list[Entry]:
    """Entries for the history of rows that belong to the paper: added, removed, or the tracked
    fields that changed since the row's previous record."""
    records = list(records.select_related("history_user").order_by("-history_date", "-history_id")[:SHOWN])
    previous = {}
    entries = []
    for record in reversed(records):  # oldest first: each record compared with its row's previous one
        before = previous.get(record.id)
        previous[record.id] = record
        if before is None and record.history_type == "~" and _decided_suggestion(record):
            # suggestions are written in bulk, without a record: the first one is the curator's decision
            said = f"{describe(record)}: status suggested → {record.status}"
        elif record.history_type == "+" or before is None:
            said = f"{describe(record)} added" if record.history_type == "+" else f"{describe(record)} recorded"
            said += "".join(
                f", {label} {_shown(getattr(record, name))}"
                for name, label in tracked.items()
                if name in ("status", "position", "number") and getattr(record, name) not in (None, "")
            )
        elif record.history_type == "-":
            said = f"{describe(record)} removed"
        else:
            changes = [
                f"{label} {_shown(getattr(before, name))} → {_shown(getattr(record, name))}"
                for name, label in tracked.items()
                if getattr(before, name) != getattr(record, name)
            ]
            if not changes:
                continue
            said = f"{describe(record)}: {', '.join(changes)}"
        entries.append(Entry(record.history_date, _who(record), record.history_change_reason or "", [said]))
    return entries


def _decided_suggestion(record) -> bool:
    return getattr(record, "source", None) == "automatic" and getattr(record, "status", "suggested") != "suggested"


def _grouped(entries: list[Entry]) -> list[Entry]:
    """One entry per save: changes made by one person for one reason within the same second (a
    form's save and its inlines) are listed together."""
    grouped: list[Entry] = []
    for entry in entries:
        last = grouped[-1] if grouped else None
        if (
            last is not None
            and (last.who, last.why) == (entry.who, entry.why)
            and abs((last.when - entry.when).total_seconds()) < 2
        ):
            last.what.extend(entry.what)
        else:
            grouped.append(Entry(entry.when, entry.who, entry.why, list(entry.what)))
    return grouped
