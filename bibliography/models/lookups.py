"""`field__any=values`: `field = ANY(%s::type[])`, the values sent as one array parameter.

Django's `__in` makes a placeholder, a preparation and a parameter of every value: an import asking
for the thousands of names, titles and ids of one batch spent a second of Python a file on it. The
database plans both alike. For plain values (strings, numbers); `__in` stays for model instances,
expressions and subqueries. Django also walks a list or tuple value by value looking for expressions
(1 ms for 500 ids): give thousands as a set or a dict's keys.
"""

import re

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.lookups import BuiltinLookup

_LENGTH = re.compile(r"\(\d+\)$")


@ForeignObject.register_lookup  # a foreign key's lookups are its own
@Field.register_lookup
class AnyOf(BuiltinLookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        field = self.lhs.output_field
        return [
            value if isinstance(value, str | int) else field.get_prep_value(value)
            for value in dict.fromkeys(self.rhs)
            if value is not None
        ]

    def process_rhs(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as `__in` with nothing: the condition is false, the query may be skipped
        # varchar(255)[] would cut a longer value to a stored one's length and match it: no length
        element = _LENGTH.sub("", self.lhs.output_field.cast_db_type(connection))
        return f"(%s::{element}[])", [self.rhs]

    def get_rhs_op(self, connection, rhs):
        return f"= ANY{rhs}"
