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
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from blueprint.models import Role, System
from blueprint.serving import gunicorn_server
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two servers need a shared database: PostgreSQL"
)


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
    env = {"DJANGO_SETTINGS_MODULE": "blueprint.settings_test", "DJANGO_CONN_MAX_AGE": "0"}
    env["DJANGO_MEDIA_ROOT"] = str(tmp_path / "media")
    with (
        gunicorn_server(log=tmp_path / "one.log", env=env) as one,
        gunicorn_server(log=tmp_path / "two.log", env=env) as two,
    ):
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
