"""Papers as JSON built by PostgreSQL in one query: the API's hot read path.

A paper's detail gathers ten kinds of rows (venue, authors, tags, links, citations both ways,
key points, provenance). Fetched through the ORM and DRF serializers, that is about ten queries
and 10 ms of Python per paper; here PostgreSQL assembles the same document with `json_build_object`
in one indexed query, and Python only passes the text on. A page of a list is one query too.

The serializers in `serializers.py` stay the definition of what a paper looks like (they serve
writes and the OpenAPI schema); `tests/api/test_documents.py` checks that both give the same
JSON for every paper of the seed data and for the edge cases, so the two cannot drift apart.
"""

import json
import weakref
from collections.abc import Sequence

from django.db import connections, router

from bibliography.models import CSL_COLUMNS, Paper

# DRF writes datetimes in UTC as ISO 8601 with a Z, and leaves out a zero fraction of a second.
_DATETIME = """(CASE WHEN date_trunc('second', {0}) = {0}
    THEN to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    ELSE to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END)"""

_TAGS = """coalesce((SELECT json_agg(json_build_object(
        'id', t.concept_id, 'slug', c.slug, 'name', c.name, 'score', t.score, 'source', t.source,
        'status', t.status, 'tag_id', t.id) ORDER BY t.score DESC, c.name, c.id)
    FROM bibliography_paperconcept t JOIN bibliography_concept c ON c.id = t.concept_id
    WHERE t.paper_id = p.id AND t.status = '{status}'), '[]')"""

# the complete record, as serializers.RECORD_FIELDS
_RECORD = ",\n    ".join(
    f"'{name}', p.{name}" for name in ["item_type", "issued", "accessed", *CSL_COLUMNS.values(), "extra"]
)

_SUMMARY = f"""
    'id', p.id,
    'url', %(base)s || p.id || '/',
    'title', p.title,
    'title_is_provisional', p.title = '',
    'abstract', p.abstract,
    'kind', p.kind,
    'year', p.year,
    'published_on', p.published_on,
    'venue', (SELECT json_build_object('id', v.id, 'name', v.name, 'short_name', v.short_name, 'kind', v.kind,
        'year', v.year) FROM bibliography_venue v WHERE v.id = p.venue_id),
    'authors', coalesce((SELECT json_agg(json_build_object(
            'id', a.author_id, 'name', au.name, 'position', a.position, 'role', a.role,
            'credited_as', a.credited ->> 'name') ORDER BY a.position)
        FROM bibliography_authorship a JOIN bibliography_author au ON au.id = a.author_id
        WHERE a.paper_id = p.id), '[]'),
    'authors_truncated', p.authors_truncated,
    'concepts', {_TAGS.format(status="accepted")},
    'keywords', coalesce((SELECT json_agg(k.name ORDER BY pk.position)
        FROM bibliography_paperkeyword pk JOIN bibliography_keyword k ON k.id = pk.keyword_id
        WHERE pk.paper_id = p.id), '[]'),
    'links', coalesce((SELECT json_agg(json_build_object('url', l.url, 'kind', l.kind) ORDER BY l.id)
        FROM bibliography_paperlink l WHERE l.paper_id = p.id), '[]'),
    'doi', p.doi,
    'arxiv_id', p.arxiv_id,
    'citation_key', p.citation_key,
    {_RECORD},
    'cited_by_count', p.cited_by_count,
    'needs_review', p.needs_review,
    'review_reason', p.review_reason,
    'created_at', {_DATETIME.format("p.created_at")},
    'updated_at', {_DATETIME.format("p.updated_at")}"""

_CITATIONS = """coalesce((SELECT json_agg(json_build_object(
        'id', x.id,
        'paper', json_build_object('id', o.id, 'title', o.title, 'year', o.year),
        'status', x.status, 'source', x.source, 'intent', x.intent, 'context', x.context) ORDER BY x.id)
    FROM bibliography_citation x JOIN bibliography_paper o ON o.id = x.{other}
    WHERE x.{this} = p.id AND x.status <> 'rejected'), '[]')"""

_DETAIL = f"""{_SUMMARY},
    'references', {_CITATIONS.format(this="citing_id", other="cited_id")},
    'cited_by', {_CITATIONS.format(this="cited_id", other="citing_id")},
    'key_points', coalesce((SELECT json_agg(json_build_object(
            'number', k.number, 'text', k.text,
            'concepts', coalesce((SELECT json_agg(c.slug ORDER BY c.name, c.id)
                FROM bibliography_keypoint_concepts kc JOIN bibliography_concept c ON c.id = kc.concept_id
                WHERE kc.keypoint_id = k.id), '[]')) ORDER BY k.number)
        FROM bibliography_keypoint k WHERE k.paper_id = p.id), '[]'),
    'suggested_tags', {_TAGS.format(status="suggested")},
    'provenance', coalesce((SELECT json_agg(json_build_object(
            'file_name', s.file_name, 'line_number', s.line_number,
            'listed', CASE
                WHEN s.listed_on IS NOT NULL THEN to_char(s.listed_on, 'Mon FMDD, YYYY')
                WHEN s.listed_month IS NOT NULL AND s.listed_day IS NOT NULL
                    THEN to_char(make_date(2000, s.listed_month, 1), 'Mon') || ' ' || s.listed_day
                ELSE '' END,
            'listed_on', s.listed_on, 'import_run', s.import_run_id) ORDER BY s.id)
        FROM bibliography_sourcerecord s WHERE s.paper_id = p.id), '[]')"""

# Untitled papers (and papers cited by or citing untitled ones) show a label made from the
# abstract; Python makes it (Paper.display_title), so those few documents are finished here.
_NEEDS_LABEL = """p.title = '' OR EXISTS (
    SELECT 1 FROM bibliography_citation x JOIN bibliography_paper o ON o.id = x.cited_id
    WHERE x.citing_id = p.id AND o.title = '') OR EXISTS (
    SELECT 1 FROM bibliography_citation x JOIN bibliography_paper o ON o.id = x.citing_id
    WHERE x.cited_id = p.id AND o.title = '')"""


def paper_documents(ids: Sequence[int], *, base_url: str, detail: bool = False) -> dict[int, str]:
    """The JSON of each of these papers that exists, by id: list fields, or with `detail` every field."""
    if not ids:
        return {}
    statement = _DETAIL_STATEMENT if detail else _SUMMARY_STATEMENT
    with connections[router.db_for_read(Paper)].cursor() as cursor:
        statement.execute(cursor, [list(ids), base_url])
        rows = cursor.fetchall()
    documents = {pk: document for pk, document, _ in rows}
    unlabelled = {pk: documents[pk] for pk, _, needs_label in rows if needs_label}
    if unlabelled:
        documents |= _with_labels(unlabelled, detail=detail)
    return documents


class _Prepared:
    """A statement PostgreSQL plans once per connection: planning these documents' dozen subqueries
    takes four times as long as running them for one paper (1.2 ms against 0.3 ms).

    PostgreSQL would re-plan a statement with parameters at every execution while it judges a
    custom plan worth it, which for `id = ANY($1)` it may do forever; connections are opened with
    `plan_cache_mode = force_generic_plan` (config/database.py). Django itself prepares nothing, so
    only these statements and PL/pgSQL trigger functions see the setting.
    """

    def __init__(self, name: str, parameter_types: str, sql: str):
        self.name, self.parameter_types, self.sql = name, parameter_types, sql
        self._prepared_on: weakref.WeakSet = weakref.WeakSet()

    def execute(self, cursor, parameters: list) -> None:
        raw = cursor.connection
        if raw not in self._prepared_on:
            cursor.execute(f"PREPARE {self.name} ({self.parameter_types}) AS {self.sql}")
            self._prepared_on.add(raw)
        placeholders = ", ".join(["%s"] * len(parameters))
        cursor.execute(f"EXECUTE {self.name} ({placeholders})", parameters)


def _statement(name: str, fields: str, needs_label: str) -> _Prepared:
    sql = f"""SELECT p.id, json_build_object({fields})::text, {needs_label}
        FROM bibliography_paper p WHERE p.id = ANY($1)"""
    return _Prepared(name, "bigint[], text", sql.replace("%(base)s", "$2"))


_SUMMARY_STATEMENT = _statement("paper_documents_summary", _SUMMARY, "p.title = ''")
_DETAIL_STATEMENT = _statement("paper_documents_detail", _DETAIL, _NEEDS_LABEL)


def _with_labels(documents: dict[int, str], *, detail: bool) -> dict[int, str]:
    """Fill in the provisional titles of untitled papers (one query for all of them)."""
    if not detail:  # the paper itself is untitled: its "title" is the document's first empty one
        labels = _labels(documents.keys())
        label = {pk: '"title" : ' + json.dumps(labels[pk], ensure_ascii=False) for pk in documents}
        return {pk: document.replace('"title" : ""', label[pk], 1) for pk, document in documents.items()}
    parsed = {pk: json.loads(document) for pk, document in documents.items()}
    papers = [paper for data in parsed.values() for paper in _papers_in(data)]
    labels = _labels({paper["id"] for paper in papers if not paper["title"]})
    for paper in papers:
        if paper["id"] in labels:
            paper["title"] = labels[paper["id"]]
    return {pk: json.dumps(data, ensure_ascii=False) for pk, data in parsed.items()}


def _papers_in(data: dict) -> list[dict]:
    return [data] + [citation["paper"] for key in ("references", "cited_by") for citation in data.get(key, ())]


def _labels(ids) -> dict[int, str]:
    rows = Paper.objects.filter(pk__in=list(ids)).only("title", "abstract")
    return {paper.pk: paper.display_title for paper in rows}
