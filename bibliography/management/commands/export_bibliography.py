import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from tqdm import tqdm

from bibliography.exporting import export_chunks
from bibliography.filtering import BadParameter, PaperFilter
from bibliography.formats.registry import EXPORT_FORMATS
from bibliography.models import Paper

# The API's filters, under the same names: one vocabulary for scripts and the command line.
FILTERS = [
    "concept",
    "include_descendants",
    "tag_status",
    "venue",
    "author",
    "kind",
    "year",
    "year_min",
    "year_max",
    "search",
]


class Command(BaseCommand):
    help = "Export papers as BibTeX, CSL-JSON or RIS, all of them or those the filters select (as in the API)."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
        parser.add_argument("--output", required=True, metavar="FILE", help="Where to write; - for standard output.")
        for name in FILTERS:
            help_text = PaperFilter.base_filters[name].extra.get("help_text") or f"As the API's {name}= filter."
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar="VALUE", help=help_text)

    def handle(self, *args, format, output, **options):
        query = QueryDict(mutable=True)
        for name in FILTERS:
            if options.get(name) is not None:
                query[name] = options[name]
        filterset = PaperFilter(query, queryset=Paper.objects.all())
        try:
            if not filterset.is_valid():
                problems = "; ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in filterset.errors.items())
                raise CommandError(problems)
            papers = filterset.qs
        except BadParameter as error:
            raise CommandError(f"--{error.parameter.replace('_', '-')}: {error.message}") from None
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
