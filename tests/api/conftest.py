import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.test_importers import DUMPS


@pytest.fixture
def seed(db):
    call_command("import_dumps", str(DUMPS), "--no-progress", stdout=io.StringIO())


@pytest.fixture
def anon():
    return APIClient()


def _client_for(group: str | None, superuser: bool = False) -> APIClient:
    user = User.objects.create_user(f"user-{group or 'super'}", password="unused", is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def curator(db):
    return _client_for("curator")


@pytest.fixture
def viewer(db):
    return _client_for("viewer")


@pytest.fixture
def superuser(db):
    return _client_for(None, superuser=True)
