"""
Settings for qiportal, read from the environment (README.md lists every variable).

Production is the default: with DJANGO_DEBUG unset the site refuses to start until
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are given. `make run` and the test suite switch
development mode on themselves (DJANGO_DEBUG=1).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false), not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production mode (DJANGO_DEBUG unset or 0) needs a "
            "secret key from the environment; for local development use `make run`."
        )
    # Development only: a fresh key per process (sessions do not survive a restart).
    # `make run` passes a key kept in .venv so that logins survive the autoreloader.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. Production mode needs the site's host names, "
            "comma-separated (for example 'qiportal.example.org')."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = "Qualified Immunity Explained"

INSTALLED_APPS = [
    "qiportal.adminsite.PortalAdminConfig",  # django.contrib.admin, its pickers labelled
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    "reversion",
    "reversion_compare",
    "adminsortable2",
    "axes",
    # The shared core first, then the apps; only this file and qiportal/urls.py name the apps
    # (docs/architecture.md).
    "qiportal",
    "explainer",
    "laws",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names, compressed, cached for a year (before anything else runs).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 304s for pages a browser or CDN already has (ETag).
    "django.middleware.http.ConditionalGetMiddleware",
    # Serves anonymous readers' pages from the shared cache, and sees when a scheduled
    # publication's time has come (see qiportal.cache and qiportal.scheduling).
    "qiportal.cache.PublicPageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff reading a page whose item has a working copy see the copy (qiportal.workingcopies).
    "qiportal.workingcopies.StaffSeeWorkingCopies",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its own page.
    "axes.middleware.AxesMiddleware",
]
if env_bool("QIPORTAL_COUNT_QUERIES", False):
    # For `make bench`: each response says how many database queries it took.
    MIDDLEWARE.insert(0, "qiportal.middleware.QueryCountMiddleware")

AUTHENTICATION_BACKENDS = [
    # Counts failed log-ins and refuses them once a user name and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Log-in lock-out (django-axes): 5 failures for the same user name from the same address lock
# that pair out for 15 minutes; a successful log-in clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "qiportal.proxy.client_ip"

ROOT_URLCONF = "qiportal.urls"

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
                "qiportal.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "qiportal.wsgi.application"

# The database: SQLite in the project folder unless DATABASE_URL names another, for example
# postgres://user:password@host:5432/qiportal (PostgreSQL gets its own full-text search).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging lets readers go on while an editor saves; writers take the lock when
    # their transaction starts and wait up to 20 s for it, instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache, shared by every worker: Redis when REDIS_URL is given (several app servers share
# it), otherwise files on this machine (the workers of one server share them).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "qiportal.rediscache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "qiportal",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "qiportal.filecache.FileCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache")),
        }
    }
# Anonymous readers' pages are kept in the cache until the next content change (qiportal.cache),
# on in production and off in development, where templates change under you.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", not DEBUG)
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 3600)
# Pages with a query (searches, filtered lists: a long tail anyone can extend) share this many
# cache entries, apart from the pages without one, so a flood of new queries neither evicts the
# pages everyone reads nor grows the cache past it. About 30 KB each. 0 keeps none.
PAGE_CACHE_TAIL_ENTRIES = env_int("DJANGO_PAGE_CACHE_TAIL_ENTRIES", 2000)
# How long a CDN or proxy may keep a public page (Cache-Control s-maxage). Browsers revalidate.
CDN_MAX_AGE = env_int("DJANGO_CDN_MAX_AGE", 60)
# The work of a scheduled publication (links, search, cached pages) runs in a thread of its own,
# started by the first request after its time, so no reader waits for it (qiportal.scheduling).
PUBLISH_DUE_IN_BACKGROUND = True

# A change to a published item, or a new item, goes live only when a second person (in the
# Reviewers group) approves it. Off for a one-person site: editors then publish themselves.
REQUIRE_REVIEW = env_bool("QIPORTAL_REQUIRE_REVIEW", True)

# Email (reviews: a change submitted, approved or sent back). Printed to the console in
# development; in production sent by SMTP with these settings from the environment.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "qiportal@localhost")
# The portal's address, for links in email ("https://qiportal.example.org").
SITE_URL = os.environ.get("QIPORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The main pages every page links to (header and footer), by URL name.
NAVIGATION = [
    "explainer:index",
    "explainer:faq",
    "explainer:glossary",
    "explainer:search",
    "explainer:updates_feed",
    "cases:index",
    "cases:timeline",
    "cases:feed",
    "laws:index",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Denver"
# TIME_ZONE's everyday name, given wherever an editor types or reads a time.
TIME_ZONE_NAME = "Mountain Time"
# English only: no translation machinery on every template variable and date.
USE_I18N = False
USE_TZ = True

# Static files: collected to DJANGO_STATIC_ROOT and served by WhiteNoise, compressed and with
# hashed names cached for a year. DJANGO_STATIC_URL may point at a CDN in front of them.
STATIC_URL = os.environ.get("DJANGO_STATIC_URL", "/static/")
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "qiportal" / "static"]
# Images uploaded in the editor. Several app servers need shared storage here (docs/deploy.md).
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Serve MEDIA_URL from this app (one server without a proxy that serves it); off when a proxy,
# shared storage or CDN does.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The Markdown editor (django-markdownx). Its preview renders with the same function that
# renders saved content, so an editor previews exactly what readers will get. Its two endpoints
# are mounted by qiportal.urls behind a staff check, at the paths below.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "qiportal.markup.render_markdown"
# The most characters any Markdown text may have (a topic's body, an answer, a case's summary),
# checked where editors save and preview (qiportal.admin, qiportal.editor), not by the database:
# changing it needs no migration. A save takes longer than in step with the text (finding its
# citations does): `make bench-texts` times it.
MARKDOWN_MAX_LENGTH = 50_000
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdownx/upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
# Images with more pixels than this are refused before anything decodes them: a small file can
# hold a huge image (a 657 KB PNG of 13,000 x 13,000 pixels took a worker to 1.2 GB), and
# decoding takes about 4 bytes a pixel (160 MB at this limit) before the image is shrunk.
MARKDOWNX_UPLOAD_MAX_PIXELS = 40_000_000
# Who may upload images in the editor (the Editors group has it).
MARKDOWNX_UPLOAD_PERMISSION = "explainer.upload_image"
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"]
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1200, 1200), "quality": 85}
MARKDOWNX_SKIP_RESIZE = ["image/gif"]

# HTTPS ends at a proxy or load balancer in front. In production the app trusts its
# X-Forwarded-Proto, sends plain HTTP to HTTPS and sends HSTS; each can be turned off.
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# How many proxies in front add to X-Forwarded-For; the client's address is read from there
# (for the log-in lock-out). 0: REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# The editor reads the CSRF token from the form, so the cookie need not be readable by scripts.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a promise to browser makers, not a default: DJANGO_HSTS_PRELOAD=1 makes it.
    "security.W021",
]


def _source(url):
    """The CSP source for what is under `url` on another origin (a CDN): its origin and its
    folder, so that static files and uploads on one host are told apart."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme and parts.netloc else None


# Content Security Policy (django-csp): scripts, styles and fonts only from this site (or the
# static files' folder on a CDN), no inline scripts anywhere. Editor uploads are images: their
# folder is allowed for images only. Inline style attributes are allowed: the admin uses them,
# and rendered tables align their cells with them.
_ASSETS = ["'self'", *filter(None, [_source(STATIC_URL)])]
_IMAGES = [*_ASSETS, *filter(None, [_source(MEDIA_URL)]), "data:"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": _ASSETS,
        "style-src": [*_ASSETS, "'unsafe-inline'"],
        "img-src": _IMAGES,
        "font-src": _ASSETS,
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
