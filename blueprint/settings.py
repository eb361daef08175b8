"""Django settings, read from the environment through small typed helpers."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_INSECURE_KEY = "django-insecure-local-only-do-not-use-in-production"


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _INSECURE_KEY)
if not DEBUG and SECRET_KEY == _INSECURE_KEY:
    raise RuntimeError("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is off.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "js_lib_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "blueprint",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "blueprint.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the login page's message.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed sign-ins (and failed password re-entries on approvals, which
# go through authenticate() too) and locks further attempts for a while.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "blueprint.urls"
WSGI_APPLICATION = "blueprint.wsgi.application"
ASGI_APPLICATION = "blueprint.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": [
                "template_partials.templatetags.partials",
                "blueprint.templatetags.blueprint_tags",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_SQLITE_OPTIONS = {
    # Concurrent workshop writers wait for the lock instead of failing with
    # "database is locked": WAL lets readers run during a write, IMMEDIATE takes
    # the write lock at BEGIN so a read-then-write transaction cannot deadlock.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Invitations are sent by email: printed to the console unless an SMTP host is set.
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str(
    "DJANGO_DEFAULT_FROM_EMAIL", "Integration Blueprint <blueprint@localhost>"
)
BLUEPRINT_INVITATION_DAYS = env_int("BLUEPRINT_INVITATION_DAYS", 7)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "blueprint:project_list"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]


def _default_storage() -> dict[str, Any]:
    """Where stored PDFs and bundles go: the local disk (DJANGO_MEDIA_ROOT), or any
    storage class, e.g. django-storages' S3 for several servers, with its OPTIONS as JSON:
    BLUEPRINT_STORAGE=storages.backends.s3.S3Storage
    BLUEPRINT_STORAGE_OPTIONS='{"bucket_name": "blueprint", "endpoint_url": "..."}'."""
    backend = env_str("BLUEPRINT_STORAGE", "").strip()
    if not backend:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = json.loads(env_str("BLUEPRINT_STORAGE_OPTIONS", "") or "{}")
    if not isinstance(options, dict):
        raise ImproperlyConfigured("BLUEPRINT_STORAGE_OPTIONS must be a JSON object.")
    return {"BACKEND": backend, "OPTIONS": options}


STORAGES = {
    "default": _default_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Readiness (and what is derived from it) is cached under the project's change number.
# One process: local memory. Several servers: a shared cache, the database's
# (BLUEPRINT_CACHE=db, after `manage.py createcachetable`) or Redis (redis://host:6379/0,
# with the redis package installed).
_CACHE = env_str("BLUEPRINT_CACHE", "locmem")
if _CACHE.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE}
    }
elif _CACHE == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "blueprint_cache",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Background jobs (django-tasks): the PDF renders in a worker, not in a web request. The
# default queue is a table in the app's own database, so there is no extra server: run
# `manage.py db_worker` beside the web server (`make run` does), one or more on any
# machine that reaches the database. BLUEPRINT_TASKS=immediate runs every job inside the
# request that asks for it instead (one process, no worker).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_str("BLUEPRINT_TASKS", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Content-Security-Policy (django-csp): everything from this site, nothing inline, and no
# eval (htmx runs with allowEval off; behaviour lives in static/js/app.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Sign-in throttling: after AXES_FAILURE_LIMIT failures for one account, or from one
# address, further attempts wait AXES_COOLOFF_TIME. The message does not say whether the
# account exists.
AXES_FAILURE_LIMIT = env_int("BLUEPRINT_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("BLUEPRINT_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.views.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy's address: say how many
# proxies set X-Forwarded-For, so that one address locking out is one client, not everyone.
if env_int("BLUEPRINT_PROXY_COUNT", 0):
    AXES_IPWARE_PROXY_COUNT = env_int("BLUEPRINT_PROXY_COUNT", 0)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# A session lasts a working day at most; signing out ends it on the server.
SESSION_COOKIE_AGE = env_int("BLUEPRINT_SESSION_HOURS", 12) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO, even while importing.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        # 403/404 are expected answers here (viewers, frozen blueprints, outsiders):
        # log real errors only, not a traceback for every refusal.
        "django.request": {"level": "ERROR"},
    },
}
