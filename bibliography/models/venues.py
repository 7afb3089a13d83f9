"""Where papers appear: conferences, journals, books, repositories, and the plausible years of both."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bibliography import dates, richtext
from bibliography.vocabulary import VENUE_SHORT_NAME_CHARS, VenueKind

# the years paper_year_plausible and venue_year_plausible take, said to forms and the API's schema
_YEAR_SAID = f"The year must be between {dates.MIN_YEAR} and {dates.MAX_YEAR}."
PLAUSIBLE_YEAR = [MinValueValidator(dates.MIN_YEAR, _YEAR_SAID), MaxValueValidator(dates.MAX_YEAR, _YEAR_SAID)]


class Venue(models.Model):
    """Where papers appear: a conference, workshop, journal, or a listing page such as a trending feed."""

    name = models.CharField(max_length=500, unique=True)
    short_name = models.CharField(max_length=VENUE_SHORT_NAME_CHARS, blank=True)
    kind = models.CharField(max_length=20, choices=VenueKind.choices)
    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=PLAUSIBLE_YEAR)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="venue_name_not_blank", violation_error_message="A venue needs a name."
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__range=(1400, 2200)),
                name="venue_year_plausible",
                violation_error_message="The year must be between 1400 and 2200.",
            ),
        ]

    def __str__(self):
        return richtext.plain(self.name)
