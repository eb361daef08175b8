from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_and_waits_for_writers() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The in-memory test database cannot use WAL; a file database does (checked below).
    assert mode in {"wal", "memory"}


def test_a_file_database_is_in_wal_mode(tmp_path: object) -> None:
    code = (
        "import django, os; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blueprint.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path}/wal.sqlite3",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "wal"


def test_production_settings_refuse_the_insecure_key() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "blueprint.settings", "DJANGO_DEBUG": "0"}
    env.pop("DJANGO_SECRET_KEY", None)
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0 and "DJANGO_SECRET_KEY" in out.stderr


def test_settings_read_the_environment() -> None:
    code = "from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blueprint.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "blueprint.example.com, other.example.com",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False ['blueprint.example.com', 'other.example.com']"


def test_stored_files_can_go_to_another_storage() -> None:
    """Several servers share stored PDFs and bundles through one STORAGES backend."""
    code = (
        "from django.conf import settings as s; d = s.STORAGES['default'];"
        "print(d['BACKEND'], d.get('OPTIONS'))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "blueprint.settings",
        "BLUEPRINT_STORAGE": "storages.backends.s3.S3Storage",
        "BLUEPRINT_STORAGE_OPTIONS": '{"bucket_name": "blueprint"}',
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "storages.backends.s3.S3Storage {'bucket_name': 'blueprint'}"
    env.pop("BLUEPRINT_STORAGE")
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "django.core.files.storage.FileSystemStorage None"
