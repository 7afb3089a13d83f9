"""The first account of a fresh installation."""

import secrets

from django.contrib.auth import get_user_model

FIRST_CURATOR = "curator"


def first_curator_ensure() -> tuple[str, str | None]:
    """Create the `curator` superuser when the database has no staff account yet.

    Returns the username and, when the account was just made, its generated password (it is
    never stored in clear anywhere else).
    """
    User = get_user_model()
    existing = User.objects.filter(is_staff=True, is_active=True).order_by("id").first()
    if existing is not None:
        return existing.get_username(), None
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(username=FIRST_CURATOR, email="", password=password)
    return FIRST_CURATOR, password
