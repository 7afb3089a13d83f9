"""Tests: the same database setup as development, with fast password hashing."""

import os
import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"}}  # noqa: F405

# Serve static files straight from the apps, as production does after collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests: nothing to scan at start

# An alias the replica test points at a real streaming replica (tests/test_replicas.py); here it
# mirrors the primary and no request reads from it unless DATABASE_REPLICAS names it.
DATABASES["replica1"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405

# Attached files go to a directory of this run's own, removed by the system's temp cleaning.
# (a worker the tests start is given theirs: tests/test_jobs.py)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="bibliography-test-files-"))

# A search index of this run's own, kept current only where a test starts an indexer
# (tests/test_search_index.py): elsewhere the index is never built and searches ask PostgreSQL.
SEARCH_INDEX_DIR = tempfile.mkdtemp(prefix="bibliography-test-search-")
SEARCH_INDEXER = False
