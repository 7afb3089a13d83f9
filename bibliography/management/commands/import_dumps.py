import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bibliography.formats.registry import FORMATS
from bibliography.importers.load import import_file, nothing_written
from bibliography.importers.results import ImportResult

from .find_duplicates import search_with_progress


def expand(paths: list[str]) -> list[Path]:
    """Files as given; folders as the files directly inside them, sorted, leaving out READMEs and hidden files."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file() and not p.name.startswith(".") and not p.name.upper().startswith("README")
                )
            )
        elif path.exists():
            files.append(path)
        else:
            raise CommandError(f"{name}: no such file or folder")
    return files


class Command(BaseCommand):
    help = (
        "Import dumps of paper listings, bare abstracts and knowledge-vault pages, and BibTeX, CSL-JSON or RIS "
        "files from reference managers (files or folders; the format is told from the content)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", choices=list(FORMATS), help="Skip detection: every file is this format.")
        parser.add_argument("--year", type=int, help="The year of listing dates that do not give one (e.g. 'Mar 20').")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change, and write nothing.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid records of a file and write the others, as they were, to FILE.rejected.EXT "
            "beside it (the reasons in FILE.rejected.txt), instead of refusing the whole file.",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse a record with a value that cannot be normalised (a date, a URL, a month …) instead of "
            "keeping the value as written with a warning.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar, even on a terminal.")
        parser.add_argument(
            "--no-duplicates",
            action="store_true",
            help="Do not look for possible duplicates of the new papers afterwards (`find_duplicates` can, later).",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="Keep every index current while writing, even for a large file into a small library (which "
            "otherwise builds the indexes only readers use once, at the end, keeping readers waiting until then).",
        )

    def handle(
        self,
        *args,
        paths,
        format,
        year,
        dry_run,
        no_progress,
        skip_invalid=False,
        strict=False,
        no_duplicates=False,
        keep_indexes=False,
        **options,
    ):
        self.skip_invalid, self.dry_run, self.strict, self.keep_indexes = skip_invalid, dry_run, strict, keep_indexes
        self.duplicates = not no_duplicates
        if year is not None and not 1400 <= year <= 2200:
            raise CommandError(f"--year {year} is not a plausible year")
        files = expand(paths)
        with nothing_written(dry_run):  # one for all files: later files see what earlier ones would add
            results = [self._import(path, format, year, no_progress) for path in files]
        failed = [r for r in results if not r.ok]
        created = sum(r.created for r in results)
        verb = "would create" if dry_run else "created"
        note = " (dry run: nothing written)" if dry_run else ""
        self.stdout.write(
            f"{len(results) - len(failed)} of {len(results)} files imported{note}; {verb} {created} papers."
        )
        if created and not dry_run and not no_duplicates:
            found = sum(r.duplicates for r in results) + search_with_progress(everything=False, show=not no_progress)
            self.stdout.write(f"{found} possible duplicates of the new papers found (the admin's review queue).")
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} files failed; see the errors above.")

    def _import(self, path: Path, format, year, no_progress) -> ImportResult:
        total = path.stat().st_size
        show = not no_progress and sys.stderr.isatty()
        with tqdm(total=total, unit="B", unit_scale=True, desc=path.name, disable=not show, leave=False) as bar:
            result = import_file(
                path,
                format=format,
                year=year,
                dry_run=self.dry_run,
                skip_invalid=self.skip_invalid,
                strict=self.strict,
                bulk=not self.keep_indexes,
                duplicates=self.duplicates,
                on_progress=lambda done: bar.update(done - bar.n),
            )
        if result.ok:
            extra = "".join(f", {n} {name}" for name, n in result.also_created.items() if n)
            self.stdout.write(
                f"{path.name}: {result.format}, {result.records} records: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged, 0 failed{extra}"
            )
            for warning in result.warnings.told():
                self.stdout.write(f"  warning: {warning}")
            if result.rejected:
                where = f"written to {result.rejected_to}" if result.rejected_to else "not imported"
                self.stdout.write(f"  {len(result.rejected)} records rejected ({where}):")
                for record in result.rejected:
                    for problem in record.problems:
                        self.stdout.write(f"    {problem}")
        else:
            self.stderr.write(str(result.error))
            self.stdout.write(f"{path.name}: failed, nothing written")
        return result
