"""Expressions that queries and indexes must spell the same way, or the index is not used."""

from django.db.models import DateField, Func, Value
from django.db.models.functions import Coalesce


class MakeDate(Func):
    function = "make_date"
    output_field = DateField()


def date_key():
    """The date a list orders papers by: the full date, else 1 January of the year, else year 1
    (paper_date_key_idx)."""
    return Coalesce("published_on", MakeDate(Coalesce("year", Value(1)), Value(1), Value(1)))
