import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

from bibliography.search_index import start_indexer  # noqa: E402 — needs the apps loaded
from config.serving import settle  # noqa: E402

settle()
start_indexer()  # one per process; the advisory lock lets one write at a time
