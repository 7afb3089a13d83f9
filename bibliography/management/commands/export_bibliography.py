import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bibliography.exporting import copy_files, export_chunks
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.management.paper_filters import add_filter_arguments, filtered_papers
from bibliography.text import count_of


class Command(BaseCommand):
    help = "Export papers as BibTeX, CSL-JSON or RIS, all of them or those the filters select (as in the API)."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
        parser.add_argument("--output", required=True, metavar="FILE", help="Where to write; - for standard output.")
        parser.add_argument(
            "--with-files",
            action="store_true",
            help="Copy the papers' attached files beside the output, where its `file` fields point "
            "(as Zotero's export with files does).",
        )
        add_filter_arguments(parser)

    def handle(self, *args, format, output, with_files, **options):
        papers = filtered_papers(options)
        fmt = EXPORT_FORMATS[format]
        if with_files and output == "-":
            raise CommandError("--with-files needs --output FILE: the files are copied beside it.")
        if output == "-":
            for piece in export_chunks(papers, fmt):
                self.stdout.write(piece, ending="")
            return
        path = Path(output)
        partial = path.with_name(f".{path.name}.partial")
        written = 0

        def advance(count: int) -> None:
            nonlocal written
            written += count
            progress.update(count)

        with tqdm(unit=" papers", disable=not sys.stderr.isatty(), file=sys.stderr) as progress:
            try:
                with partial.open("w", encoding="utf-8") as stream:
                    for piece in export_chunks(papers, fmt, on_chunk=advance):
                        stream.write(piece)
                partial.replace(path)  # readers never see half a file
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
        self.stdout.write(f"Wrote {written} papers to {path} ({fmt.name}).")
        if with_files:
            copied = copy_files(papers, path.parent)
            self.stdout.write(f"Copied {count_of(copied, 'file')} beside it.")
