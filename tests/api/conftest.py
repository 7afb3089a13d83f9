import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bibliography.models import Author, Citation, KeyPoint, PaperConcept
from tests.dumps import DUMPS
from tests.factories import make_author, make_authorship, make_concept, make_paper

from .fuzzing import REFERENCES


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


@pytest.fixture
def api_data(db):
    # Requests go through the WSGI handler, which closes the connection after each one; the test's
    # transaction lives on it. Django's test client does the same as this.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    papers = [make_paper(title=f"Paper {n}", year=2020 + n) for n in range(3)]
    make_authorship(papers[0], make_author("Ada Lovelace"))
    concept = make_concept("Scaling", slug="scaling")
    PaperConcept.objects.create(paper=papers[0], concept=concept, status="accepted", score=0.5)
    Citation.objects.create(citing=papers[0], cited=papers[1], status="suggested")
    KeyPoint.objects.create(paper=papers[2], number=1, text="A point.")
    # a record of its own each time a request names one: a scenario may have deleted or merged the
    # last one it named, and a link may have named the other end of a citation (none cites itself)
    REFERENCES.update(
        paper=lambda: make_paper(title="A paper to write about").pk,
        citing=lambda: make_paper(title="A citing paper").pk,
        cited=lambda: make_paper(title="A cited paper").pk,
        others=lambda: [make_paper(title="A double to merge").pk],
        concept=lambda: make_concept().slug,
        concepts=lambda: [make_concept().slug],
        parents=lambda: [make_concept().slug],
        authors=[Author.objects.get(name="Ada Lovelace").pk],
        venue=None,
    )
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def curator_token(db):
    return _client_for("curator")._credentials["HTTP_AUTHORIZATION"]
