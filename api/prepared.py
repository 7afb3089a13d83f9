"""Statements prepared once per connection, with `$n` parameters given at each execution."""

import re
import weakref

from django.db.models import Expression, QuerySet


class Parameter(Expression):
    """A parameter of a prepared statement (`$1`), given at each execution."""

    def __init__(self, number: int, db_type: str, output_field):
        super().__init__(output_field)
        self.number, self.db_type = number, db_type

    def as_sql(self, compiler, connection):
        return f"${self.number}::{self.db_type}", []


class PreparedQuery:
    """A queryset compiled once per process and, when named, planned once per connection: planning a
    paper's dozen subqueries takes four times as long as running them for one paper (1.2 ms against
    0.3 ms).

    PostgreSQL would re-plan a statement with parameters at every execution while it judges a
    custom plan worth it, which for `id = ANY($1)` it may do forever; connections are opened with
    `plan_cache_mode = force_generic_plan` (config/database.py). Django itself prepares nothing, so
    only these statements and PL/pgSQL trigger functions see the setting.
    """

    def __init__(self, name: str | None, parameter_types: str, queryset: QuerySet):
        self.name, self.parameter_types, self.queryset = name, parameter_types, queryset
        self._sql: str | None = None
        self._prepared_on: weakref.WeakSet = weakref.WeakSet()

    def sql(self, cursor) -> str:
        """The statement with its constants written in and `$n` for its parameters."""
        if self._sql is None:
            sql, params = self.queryset.query.get_compiler(connection=cursor.db).as_sql()
            self._sql = cursor.cursor.mogrify(sql, params).decode()
        return self._sql

    def execute(self, cursor, parameters: list) -> None:
        sql = self.sql(cursor)
        if self.name is None:
            cursor.execute(_inline(sql), {f"p{n}": value for n, value in enumerate(parameters, 1)})
            return
        raw = cursor.connection
        if raw not in self._prepared_on:
            cursor.execute(f"PREPARE {self.name} ({self.parameter_types}) AS {sql}")
            self._prepared_on.add(raw)
        placeholders = ", ".join(["%s"] * len(parameters))
        cursor.execute(f"EXECUTE {self.name} ({placeholders})", parameters)


_PARAMETER = re.compile(r"\$([0-9]+)(?![0-9])")


def _inline(sql: str) -> str:
    """The statement with `%(pn)s` in place of each `$n`, for psycopg2 to fill in."""
    return _PARAMETER.sub(r"%(p\1)s", sql.replace("%", "%%"))
