import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from bibliography.exporting import export_chunks
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.management.paper_filters import add_filter_arguments, filtered_papers


class Command(BaseCommand):
    help = "Export papers as BibTeX, CSL-JSON or RIS, all of them or those the filters select (as in the API)."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
        parser.add_argument("--output", required=True, metavar="FILE", help="Where to write; - for standard output.")
        add_filter_arguments(parser)

    def handle(self, *args, format, output, **options):
        papers = filtered_papers(options)
        fmt = EXPORT_FORMATS[format]
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
