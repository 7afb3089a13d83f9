"""Development: `python manage.py ...` on a laptop, with debug on unless DJANGO_DEBUG=0."""

import secrets

from config.env import env_bool

from .base import *  # noqa: F403
from .base import BASE_DIR, SECRET_KEY

DEBUG = env_bool("DJANGO_DEBUG", True)


def _local_secret_key() -> str:
    # A key made once per checkout and kept out of git, so sessions survive restarts.
    path = BASE_DIR / ".local" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if not SECRET_KEY:
    SECRET_KEY = _local_secret_key()

# runserver serves static files itself; WhiteNoise (production) need not scan staticfiles/.
WHITENOISE_AUTOREFRESH = DEBUG
