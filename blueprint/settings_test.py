"""Test settings: fast hashing, in-memory email, plain static storage."""

from __future__ import annotations

from blueprint.settings import *  # noqa: F403
from blueprint.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True  # pytest turns DEBUG off; serve static/ without collectstatic
# A job runs inside the request that asks for it; tests of the queue say otherwise.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
