"""What an import did: the counts and warnings of one file, and where each of its records landed."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from bibliography.formats.errors import DumpError
from bibliography.formats.records import PaperRecord
from bibliography.models import Paper


class Warnings(list):
    """A file's warnings, the first thousand of them kept (a million-entry file may warn on every
    entry: memory stays bounded), and how many more there were."""

    KEPT = 1000

    def __init__(self):
        super().__init__()
        self.more = 0

    def append(self, warning: str) -> None:
        if len(self) < self.KEPT:
            super().append(warning)
        else:
            self.more += 1

    def told(self) -> list[str]:
        return [*self, f"… and {self.more:,} more warnings"] if self.more else list(self)


@dataclass
class ImportResult:
    file_name: str
    format: str = ""
    dry_run: bool = False
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    proposed: int = 0  # differences from what stored papers say, kept for curators (proposing.py)
    duplicates: int = 0  # possible duplicates of its new papers found beside the import (duplicates_beside.py)
    also_created: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=lambda: Warnings())
    error: DumpError | None = None
    rejected: list[PaperRecord] = field(default_factory=list)
    rejected_to: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def count_also(self, what: str, count: int) -> None:
        """`count` more rows of `what` made besides papers (tags, concepts, key points …)."""
        self.also_created[what] = self.also_created.get(what, 0) + count


class Landed(NamedTuple):
    """A record of a batch and the paper it landed on: a new one, or one stored or met before."""

    record: PaperRecord
    paper: Paper
    new: bool
