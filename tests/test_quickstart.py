import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_quickstart_makes_one_curator_and_shows_the_password_once():
    out = io.StringIO()
    call_command("quickstart", "--no-serve", "--no-import", stdout=out)
    User = get_user_model()
    curator = User.objects.get(username="curator")
    password = out.getvalue().split("with password: ")[1].split()[0]
    assert curator.is_staff and curator.check_password(password)

    again = io.StringIO()
    call_command("quickstart", "--no-serve", "--no-import", stdout=again)
    assert User.objects.count() == 1
    assert "password:" not in again.getvalue()
    assert "Log in as “curator”" in again.getvalue()


def test_quickstart_imports_and_fills_the_review_queue():
    from bibliography.models import Paper, PaperConcept

    out = io.StringIO()
    call_command("quickstart", "--no-serve", stdout=out)
    assert Paper.objects.count() == 184
    assert PaperConcept.objects.filter(source="automatic", status="suggested").exists()
    assert "new suggestions" in out.getvalue() and "new suggested citations" in out.getvalue()
