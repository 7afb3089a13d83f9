"""Where each paper was seen: one source record per appearance of a record in a file, with the
line it stood on and the date the listing gave it."""

from bibliography.models import ImportRun, SourceRecord

from .copy import copy_from_file
from .results import Landed

_SOURCE_FIELDS = [
    "import_run",
    "paper",
    "file_name",
    "line_number",
    "raw_hash",
    "listed_month",
    "listed_day",
    "listed_on",
]


def sources_add(landed: list[Landed], run: ImportRun, year: int | None) -> set[int]:
    """A source record of each record, unless the same record of the same file is recorded already;
    the ids of the papers given one. `year` (--year) completes a listing's date that gives none."""
    have = set(
        SourceRecord.objects.filter(paper_id__any={paper.pk for _, paper, _ in landed}, file_name=run.file_name)
        .order_by()
        .values_list("paper_id", "raw_hash")
    )
    rows = []
    for record, paper, _ in landed:
        key = (paper.pk, record.raw_hash)
        if key in have:
            continue
        have.add(key)
        listed = record.listed
        rows.append(
            SourceRecord(
                import_run=run,
                paper=paper,
                file_name=run.file_name,
                line_number=record.line,
                raw_hash=record.raw_hash,
                listed_month=listed.month if listed else None,
                listed_day=listed.day if listed else None,
                listed_on=listed.resolved(year) if listed else None,
            )
        )
    copy_from_file(run.file_name, None, _SOURCE_FIELDS, rows, [row.line_number for row in rows])
    return {row.paper_id for row in rows}
