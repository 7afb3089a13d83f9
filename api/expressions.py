"""SQL expressions the ORM lacks, for the documents PostgreSQL builds (api/representation.py): JSON
objects that keep their keys in order, JSON arrays of subqueries, times and dates written as the API
writes them."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Expression, Func, JSONField, QuerySet, TextField, Value


class JsonObject(Func):
    """`json_build_object`, which keeps the keys in the order given (Django's JSONObject builds jsonb,
    which sorts them)."""

    function = "JSON_BUILD_OBJECT"
    output_field = JSONField()

    def __init__(self, fields: dict[str, Expression]):
        super().__init__(*[part for key, value in fields.items() for part in (Value(key), value)])


def json_list(queryset: QuerySet) -> Func:
    """The JSON array of the one value each row of the queryset gives (`[]` for no rows)."""
    return Func(ArraySubquery(queryset), function="ARRAY_TO_JSON", output_field=JSONField())


class UtcTimestamp(Func):
    """A time as DRF writes one: UTC, ISO 8601 with a Z, no zero fraction of a second."""

    template = """(CASE WHEN date_trunc('second', %(expressions)s) = %(expressions)s
        THEN to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        ELSE to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END)"""
    output_field = TextField()


class ListedOn(Func):
    """A listing's date as the listing gave it: 'Mar 20, 2024', or 'Mar 20' when its year is unknown."""

    template = """CASE
        WHEN listed_on IS NOT NULL THEN to_char(listed_on, 'Mon FMDD, YYYY')
        WHEN listed_month IS NOT NULL AND listed_day IS NOT NULL
            THEN to_char(make_date(2000, listed_month, 1), 'Mon') || ' ' || listed_day
        ELSE '' END"""
    output_field = TextField()

    def __init__(self):
        super().__init__()


class IsAnyOf(Func):
    """`value = ANY(array)`."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        (value, value_params), (array, array_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"{value} = ANY({array})", [*value_params, *array_params]


class JsonMember(Func):
    """`json -> key -> key …`: a member of a JSON value, as the JSON text holds it (a `json`, not a
    `jsonb`, keeps its numbers and strings written as they were sent)."""

    template = "(%(expressions)s)"
    arg_joiner = " -> "
    output_field = JSONField()
