"""The API's paper filters as command-line options, under the same names: one vocabulary for
scripts and the command line."""

from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.http import QueryDict

from bibliography.filtering import BadParameter, PaperFilter
from bibliography.models import Paper

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


def add_filter_arguments(parser) -> None:
    for name in FILTERS:
        help_text = PaperFilter.base_filters[name].extra.get("help_text") or f"As the API's {name}= filter."
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar="VALUE", help=help_text)


def filters_given(options: dict) -> bool:
    return any(options.get(name) is not None for name in FILTERS)


def filtered_papers(options: dict, queryset: QuerySet | None = None) -> QuerySet:
    query = QueryDict(mutable=True)
    for name in FILTERS:
        if options.get(name) is not None:
            query[name] = options[name]
    filterset = PaperFilter(query, queryset=queryset if queryset is not None else Paper.objects.all())
    try:
        if not filterset.is_valid():
            problems = "; ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in filterset.errors.items())
            raise CommandError(problems)
        return filterset.qs
    except BadParameter as error:
        raise CommandError(f"--{error.parameter.replace('_', '-')}: {error.message}") from None
