"""Production settings, debug defaults and admin login throttling."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def setting(name: str, settings_module: str, **env: str) -> str:
    done = manage("shell", "--no-imports", "-c", f"from django.conf import settings; print(settings.{name})",
                  DJANGO_SETTINGS_MODULE=settings_module, **env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_production_settings_pass_the_deployment_checklist():
    done = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="bibliography.example.org",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key():
    done = manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in done.stderr


def test_debug_is_off_unless_asked_for_outside_development():
    key = secrets.token_urlsafe(50)
    assert setting("DEBUG", "config.settings.production", DJANGO_SECRET_KEY=key) == "False"
    assert setting("DEBUG", "config.settings.test") == "False"
    assert setting("DEBUG", "config.settings.dev") == "True"
    assert setting("DEBUG", "config.settings.dev", DJANGO_DEBUG="0") == "False"


@pytest.mark.django_db
class TestLoginThrottling:
    LOGIN = "/admin/login/?next=/admin/"

    def attempt(self, client: Client, password: str, **headers):
        return client.post(self.LOGIN, {"username": "curator", "password": password}, **headers)

    def test_after_five_failures_the_right_password_is_refused_too(self, settings):
        User.objects.create_superuser("curator", password="the-right-one")
        client = Client(REMOTE_ADDR="203.0.113.7")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.attempt(client, "wrong").status_code == 200  # the form again, with an error
        assert self.attempt(client, "wrong").status_code == 429

        locked = self.attempt(client, "the-right-one")
        assert locked.status_code == 429 and "_auth_user_id" not in client.session
        other = Client(REMOTE_ADDR="198.51.100.2")  # another client is not locked out
        assert self.attempt(other, "the-right-one").status_code == 302

    def test_a_success_before_the_limit_starts_the_count_again(self, settings):
        User.objects.create_superuser("curator", password="the-right-one")
        client = Client(REMOTE_ADDR="203.0.113.8")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.attempt(client, "wrong")
        assert self.attempt(client, "the-right-one").status_code == 302
        client.logout()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.attempt(client, "wrong").status_code == 200

    def test_behind_a_proxy_the_forwarded_client_is_locked_out_not_the_proxy(self, settings):
        settings.PROXY_COUNT = 1
        User.objects.create_superuser("curator", password="the-right-one")
        proxy = "10.0.0.2"
        attacker = Client(REMOTE_ADDR=proxy)
        for n in range(settings.AXES_FAILURE_LIMIT):
            # whatever the attacker writes first, the proxy appends the address it saw
            self.attempt(attacker, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9")
        assert self.attempt(attacker, "the-right-one", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
        colleague = Client(REMOTE_ADDR=proxy)
        assert self.attempt(colleague, "the-right-one", HTTP_X_FORWARDED_FOR="198.51.100.3").status_code == 302
