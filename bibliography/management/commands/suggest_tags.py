from django.core.management.base import BaseCommand, CommandError

from bibliography.suggesting import METHODS, Settings, tags_suggest


class Command(BaseCommand):
    help = "Suggest concept tags for papers (automatic, status suggested); curators' decisions are left alone."

    def add_arguments(self, parser):
        defaults = Settings()
        parser.add_argument("--papers", nargs="+", type=int, metavar="ID", help="Only these papers.")
        parser.add_argument("--concepts", nargs="+", metavar="SLUG", help="Only these concepts.")
        parser.add_argument("--method", choices=METHODS, default=defaults.method)
        parser.add_argument("--per-paper", type=int, default=defaults.per_paper, help="At most this many per paper.")
        parser.add_argument("--min-score", type=float, default=defaults.min_score)
        parser.add_argument(
            "--relative", type=float, default=defaults.relative, help="Share of the paper's best score."
        )

    def handle(self, *args, papers, concepts, method, per_paper, min_score, relative, **options):
        if per_paper < 1 or not 0 <= min_score <= 1 or not 0 <= relative <= 1:
            raise CommandError("--per-paper must be at least 1; --min-score and --relative between 0 and 1")
        settings = Settings(method=method, per_paper=per_paper, min_score=min_score, relative=relative)
        report = tags_suggest(paper_ids=papers, concept_slugs=concepts, settings=settings)
        self.stdout.write(
            f"Scored {report.papers} papers ({method}): {report.created} new suggestions, "
            f"{report.rescored} re-scored, {report.kept_decisions} curators' tags left as they were."
        )
