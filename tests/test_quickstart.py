import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_quickstart_makes_one_administrator_named_so_and_shows_the_password_once():
    out = io.StringIO()
    call_command("quickstart", "--no-serve", "--no-import", stdout=out)
    User = get_user_model()
    admin = User.objects.get(username="admin")
    password = out.getvalue().split("with password: ")[1].split()[0]
    assert admin.is_staff and admin.is_superuser and admin.check_password(password)
    assert "administrator account “admin” (a superuser)" in out.getvalue()

    again = io.StringIO()
    call_command("quickstart", "--no-serve", "--no-import", stdout=again)
    assert User.objects.count() == 1
    assert "password:" not in again.getvalue()
    assert "Log in as “admin”" in again.getvalue()


def test_a_user_added_to_the_curator_group_can_log_in_to_the_admin(client):
    from django.contrib.auth.models import Group

    User = get_user_model()
    ada = User.objects.create_user("ada", password="pw-for-this-test-only")
    ada.groups.add(Group.objects.get(name="curator"))
    ada.refresh_from_db()
    assert ada.is_staff
    login = client.post("/admin/login/?next=/admin/", {"username": "ada", "password": "pw-for-this-test-only"})
    assert login.status_code == 302 and login["Location"] == "/admin/"
    assert client.get("/admin/bibliography/paper/").status_code == 200

    alan = User.objects.create_user("alan", password="pw-for-this-test-only")
    Group.objects.get(name="viewer").user_set.add(alan)  # from the group's side
    alan.refresh_from_db()
    assert alan.is_staff


def test_quickstart_imports_and_fills_the_review_queue():
    from bibliography.models import Paper, PaperConcept

    out = io.StringIO()
    call_command("quickstart", "--no-serve", stdout=out)
    assert Paper.objects.count() == 184
    assert PaperConcept.objects.filter(source="automatic", status="suggested").exists()
    assert "new suggestions" in out.getvalue() and "new suggested citations" in out.getvalue()
