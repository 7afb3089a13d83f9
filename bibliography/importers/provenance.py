"""Where each paper was seen: one source record per appearance of a record in a file, with the
line it stood on and the date the listing gave it."""

from bibliography.models import ImportRun, SourceRecord

from .copy import Made, Write, copy_write, made
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


class NewSources:
    """A source record of each record, unless the same record of the same file is recorded already:
    the records read first, the rows made while the batch's papers are written (no query), then
    written. `year` (--year) completes a listing's date that gives none."""

    def __init__(self, landed: list[Landed], run: ImportRun, year: int | None, stored: set[int]):
        """`stored`: the ids of the papers stored before this batch (the others have no sources yet)."""
        self.landed, self.run, self.year = landed, run, year
        self.rows: list[tuple] = []
        self.text = Made()  # the rows as COPY text, once made
        wanted = {paper.pk for _, paper, _ in landed if paper.pk in stored}
        self.have = set(
            SourceRecord.objects.filter(paper_id__any=wanted, file_name=run.file_name)
            .order_by()
            .values_list("paper_id", "raw_hash")
            if wanted
            else ()
        )

    def make(self) -> None:
        run_id, file_name, year = self.run.pk, self.run.file_name, self.year
        for record, paper, _ in self.landed:
            key = (paper.pk, record.raw_hash)
            if key in self.have:
                continue
            self.have.add(key)
            listed = record.listed
            self.rows.append(
                (run_id, paper.pk, file_name, record.line, record.raw_hash)
                + ((listed.month, listed.day, listed.resolved(year)) if listed else (None, None, None))
            )
        self.text = made(self.rows)

    def copy(self) -> Write:
        return copy_write(SourceRecord, _SOURCE_FIELDS, self.text, [row[3] for row in self.rows])

    def given(self) -> set[int]:
        """The ids of the papers given one."""
        return {row[1] for row in self.rows}

    def seen(self) -> list[tuple[str, int]]:
        """Each source record's (raw hash, paper), in order."""
        return [(row[4], row[1]) for row in self.rows]
