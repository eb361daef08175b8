"""The app served by gunicorn in a child process, on the configured database: for the
load run (`manage.py loadrun`) and the scale-out test (two servers, one PostgreSQL)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The database this process uses, as a URL another process reads (DATABASE_URL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = urllib.parse.quote(db.get("USER") or "")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{auth}{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@contextmanager
def gunicorn_server(
    *, log: Path, workers: int = 1, threads: int = 1, env: dict[str, str] | None = None
) -> Iterator[str]:
    """gunicorn serving the app on a free port of 127.0.0.1 until the block ends; yields
    its base URL once it answers. DEBUG is on: the session cookie must travel over plain
    HTTP on loopback."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "1",
        **(env or {}),
    }
    environment.setdefault("DJANGO_SETTINGS_MODULE", "blueprint.settings")
    command = [str(gunicorn), "blueprint.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--timeout", "60"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/accounts/login/", timeout=2).read()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        out.flush()
                        raise RuntimeError(
                            f"The server did not start:\n{log.read_text(errors='replace')}"
                        ) from None
                    time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)
