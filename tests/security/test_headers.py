"""Every answer carries the Content-Security-Policy and the other protective headers, with
DEBUG off as in production (ASVS 14.4)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from blueprint.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.test_authorization import EXPECTED, MEMBER, _url, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def policy_of(header: str) -> dict[str, str]:
    directives = [part.strip() for part in header.split(";") if part.strip()]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in directives}


def assert_protected(response: Any, where: str) -> None:
    policy = policy_of(response.headers.get("Content-Security-Policy", ""))
    html = response.headers["Content-Type"].startswith("text/html")
    if html or policy.get("default-src") != "'none'":
        for directive, value in POLICY.items():
            assert policy.get(directive) == value, (
                f"{where}: {directive} is {policy.get(directive)}"
            )
    # else a file (the system map's SVG) that allows even less: nothing at all.
    assert not any("unsafe" in v for v in policy.values()), where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["Referrer-Policy"] == "same-origin", where
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert "camera=()" in response.headers["Permissions-Policy"], where


@override_settings(DEBUG=False)
def test_every_page_a_member_reads_carries_the_policy(world: dict[str, Any]) -> None:  # noqa: F811
    client = Client()
    client.force_login(world["users"][Role.FACILITATOR])
    pages = [name for name, (may_get, _post) in EXPECTED.items() if may_get == MEMBER]
    assert len(pages) > 15
    for name in pages:
        response = client.get(_url(name, world))
        # A version page answers 404 before the first version, a row outside htmx sends
        # the browser to its page: the headers are the same.
        assert response.status_code in (200, 302, 404), name
        assert_protected(response, name)


@override_settings(DEBUG=False)
def test_the_sign_in_page_an_error_and_an_htmx_partial_carry_it_too(
    world: dict[str, Any],  # noqa: F811
) -> None:
    assert_protected(Client().get(reverse("accounts:login")), "login")
    client = Client()
    client.force_login(world["users"][Role.FACILITATOR])
    missing = reverse("blueprint:project_detail", args=[world["project"].pk + 1000])
    assert_protected(client.get(missing), "404")
    partial = client.get(_url("item_create", world), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert_protected(partial, "partial")


@override_settings(DEBUG=False, SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_https_answers_ask_for_https_from_then_on() -> None:
    user = UserFactory()
    MembershipFactory(user=user)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("blueprint:project_list"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_make_cookies_secure() -> None:
    """blueprint.settings with DJANGO_DEBUG=0, read in a fresh interpreter."""
    import os
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='blueprint.settings';"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS > 0, s.DEBUG)"
    )
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "True", "True", "Lax", "True", "False"]
