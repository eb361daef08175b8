"""What every page has: an icon, and a skip link to its content."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.html import elements

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_apps_own_icon() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/img/favicon.svg")
    assert Client().get(response["Location"]).status_code == 200


def test_every_page_links_its_icon_and_skips_to_the_content() -> None:
    body = Client().get(reverse("accounts:login")).content.decode()
    assert elements(body, "link", rel="icon", type="image/svg+xml")
    [skip] = elements(body, "a", class_="skip-link")
    assert skip["href"] == "#main"
    assert elements(body, "main", id="main")
