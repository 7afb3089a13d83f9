"""Accounts: the first one of a fresh installation, and what membership of a group lets one do."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

FIRST_ADMIN = "admin"
# Members of these groups work in the admin, so they need its staff status to log in at all.
STAFF_GROUPS = ("curator", "viewer")


def first_admin_ensure() -> tuple[str, str | None]:
    """Create the `admin` superuser when the database has no staff account yet.

    Returns the username and, when the account was just made, its generated password (it is
    never stored in clear anywhere else).
    """
    User = get_user_model()
    existing = User.objects.filter(is_staff=True, is_active=True).order_by("id").first()
    if existing is not None:
        return existing.get_username(), None
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(username=FIRST_ADMIN, email="", password=password)
    return FIRST_ADMIN, password


def staff_of_staff_groups(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Adding someone to the curator or viewer group (from either side) lets them log in to the admin."""
    if action != "post_add" or not pk_set:
        return
    User = get_user_model()
    if reverse:  # group.user_set.add(user)
        if instance.name in STAFF_GROUPS:
            User.objects.filter(pk__in=pk_set, is_staff=False).update(is_staff=True)
    elif Group.objects.filter(pk__in=pk_set, name__in=STAFF_GROUPS).exists() and not instance.is_staff:
        instance.is_staff = True
        instance.save(update_fields=["is_staff"])
