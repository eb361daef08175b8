"""Scale-out: two gunicorn servers against one PostgreSQL behave as one app.

Nothing a request needs is kept in one process's memory: sessions are in the database,
and what is cached (readiness, the system map) is cached under the project's change
number, which every server reads from the database. So a person signed in through one
server is signed in on the other, and an edit saved through one shows at once through the
other, readiness included.

PostgreSQL only: SQLite's test database lives in this process's memory, where no server
can reach it. CI runs the suite on PostgreSQL too.
"""

from __future__ import annotations

import http.cookiejar
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

import pytest
from django.conf import settings
from django.db import connection

from blueprint.models import Role, System
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two servers need a shared database: PostgreSQL"
)

GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db.get("USER") or "")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@contextmanager
def gunicorn_server(tmp_path: Path) -> Iterator[str]:
    """A gunicorn server of the app on a port of its own; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "blueprint.settings_test",
        "DJANGO_DEBUG": "1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_CONN_MAX_AGE": "0",
    }
    log = (tmp_path / f"gunicorn-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(GUNICORN), "blueprint.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
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
                    log.flush()
                    raise AssertionError(
                        (tmp_path / f"gunicorn-{port}.log").read_text(errors="replace")
                    ) from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


class Browser:
    """A person with one cookie jar, talking to whichever server."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> str:
        return self.opener.open(url, timeout=30).read().decode("utf-8")

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, url: str, data: dict[str, str], *, referer: str) -> str:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": referer})
        return self.opener.open(request, timeout=30).read().decode("utf-8")


@pytest.mark.django_db(transaction=True)
def test_an_edit_through_one_server_shows_through_the_other(tmp_path: Path) -> None:
    project = ProjectFactory(name="Shared")
    user = UserFactory(email="lead@example.com")
    MembershipFactory(project=project, user=user, role=Role.FACILITATOR)
    with gunicorn_server(tmp_path) as one, gunicorn_server(tmp_path) as two:
        person = Browser()
        person.get(f"{one}/accounts/login/")
        person.post(
            f"{one}/accounts/login/",
            {"username": user.email, "password": PASSWORD},
            referer=f"{one}/accounts/login/",
        )
        # Signed in through one, signed in on the other: the session is in the database.
        overview = person.get(f"{two}/p/{project.pk}/")
        assert "Shared" in overview and "ERP of record" not in overview
        # Readiness through the second server, before the edit (now cached there).
        before = person.get(f"{two}/p/{project.pk}/readiness/")
        assert "An integration needs at least two systems; the project lists 0" in before

        new = f"{one}/p/{project.pk}/items/system/new/"
        person.get(new)
        for name in ("ERP of record", "CRM of record"):
            person.post(
                new,
                {
                    "name": name,
                    "kind": "erp",
                    "api_maturity": "mature",
                    "api_documentation": "complete",
                    "test_environment": "yes",
                },
                referer=new,
            )
        assert System.objects.filter(project=project).count() == 2
        overview = person.get(f"{two}/p/{project.pk}/")
        assert "ERP of record" in overview and "CRM of record" in overview
        after = person.get(f"{two}/p/{project.pk}/readiness/")
        assert "An integration needs at least two systems" not in after, "stale readiness"
