"""What a format is to the rest of the bibliography: how its files are recognised, read and written."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # as `import_dumps --format`, the API and an import run name it
    label: str  # as people call it
    looks_like: Callable[[list[str]], bool]  # from a file's first lines
    # (lines, file name, warnings) -> the file's records, one at a time, or the one talk of a page
    parse: Callable
    one_record: bool = False  # the whole file is one record (a knowledge-vault page is one talk)
    parse_elsewhere: bool = False  # parsing costs more than a thread can hide: a process of its own
    # writing, for the formats reference managers read
    media_type: str = ""
    media_aliases: tuple[str, ...] = ()  # other media types clients ask for it by
    extension: str = ""
    render: Callable[[Sequence], str] | None = None  # papers -> text, without `head` and `tail`
    head: str = ""  # a JSON array needs brackets around its items and commas between chunks
    tail: str = ""
    between: str = ""

    def records_text(self, raws: Iterable[str]) -> str:
        """Records as the file wrote them, as a file of this format (the rejected ones of an import)."""
        if self.between:
            return self.head + self.between.join(raws) + self.tail
        return "\n\n".join(raw.rstrip("\n") for raw in raws) + "\n"
