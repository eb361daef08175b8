"""Hostile text in every text field of every model, read back through every way out.

The strings are written into each CharField and TextField the models declare (found from
the models' own field lists, so a new field is covered without touching this test), then
every page, partial, the activity log, the diff, the PDF, the sheet exports and the JSON
are rendered. Nothing may execute (no element gains an event handler, a script or a
javascript: link), nothing may break (no 500), and the text comes back as text. NUL and
unpaired surrogates cannot be stored at all: sent to a form they are refused, not a 500.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from blueprint.items import REGISTRY
from blueprint.models import Project
from blueprint.models.base import BlueprintItem
from tests.blueprint.test_document import fill
from tests.blueprint.test_views_signoff import sign, signers  # noqa: F401 - fixture
from tests.conftest import HX, client_for
from tests.html import elements
from tests.pdf import pdf_text, squeezed
from tests.test_authorization import EXPECTED, MEMBER, _patterns

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "{{7*7}} {% now 'Y' %} ${7*7}",
    "javascript:alert(3)",
    "\u202eevil\u202c \u2066bidi\u2069",
    '=HYPERLINK("http://evil.example","x")',
    "'; DROP TABLE blueprint_system; --",
    "<style>body{display:none}</style>",
    "http://169.254.169.254/latest/meta-data/",
]
BIG = "<b>long</b> " * 9_000  # about 100 KB, for the fields that hold that much

# What a browser would run or follow if the text came through as markup.
EVENT_ATTRIBUTES = ("onerror", "onload", "onclick", "onmouseover")


def text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.primary_key
        and f.name not in {"password", "email", "review_hash", "sha256", "content_hash"}
    ]


def poison(project: Project) -> int:
    """Hostile text into every text field of every item of the project; how many fields.

    The first long text field found (the project's summary) gets the 100 KB text; the
    others get the short strings, so the PDF stays a document and not a thousand pages.
    """
    strings = itertools.cycle(HOSTILE)
    big = [BIG]
    written = 0
    targets: list[Any] = [Project.objects.filter(pk=project.pk)]
    for model in apps.get_app_config("blueprint").get_models():
        if issubclass(model, BlueprintItem):
            targets.append(model._default_manager.filter(project=project))
    targets.append(User.objects.filter(memberships__project=project))
    for queryset in targets:
        for obj in queryset:
            changes = {}
            for field in text_fields(type(obj)):
                long_text = isinstance(field, models.TextField) and big
                value = big.pop() if long_text else next(strings)
                limit = field.max_length or len(value)
                changes[field.attname] = value[:limit]
            type(obj)._default_manager.filter(pk=obj.pk).update(**changes)
            written += len(changes)
    return written


def assert_inert(body: str, where: str) -> None:
    for tag, attrs in ((t, a) for t in (None,) for a in elements(body)):
        assert tag is None
        for name in EVENT_ATTRIBUTES:
            assert name not in attrs, f"{where}: an element has {name}"
        for name in ("href", "src", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith("javascript:"), f"{where}: {name}={value}"
    for script in elements(body, "script"):
        assert (script.get("src") or "").startswith("/static/"), f"{where}: script {script}"
    assert "<script>alert" not in body and "<img src=x" not in body, where
    assert "<style>body" not in body, where


@pytest.fixture
def hostile(facilitator: User, project: Project, signers: dict[str, User]) -> Project:  # noqa: F811
    fill(project, 2)
    sign(project, facilitator, signers)  # a clean version 1, for the diff
    project.refresh_from_db()
    project.state = Project.State.DRAFT
    project.save(update_fields=["state"])
    # One edit through the form, so that the activity log holds hostile text too.
    system = project.systems.first()
    client = client_for(facilitator)
    url = reverse("blueprint:item_update", args=[project.pk, "system", system.pk])
    data = {
        "name": HOSTILE[1],
        "kind": "crm",
        "api_maturity": "mature",
        "api_documentation": "complete",
        "test_environment": "yes",
        "revision": system.revision,
    }
    assert client.post(url, data, **HX).status_code == 200
    assert poison(project) > 100
    return project


def _project_urls(project: Project) -> list[str]:
    urls = []
    patterns = dict(_patterns(__import__("django.urls").urls.get_resolver()))
    for name, (may_get, _post) in sorted(EXPECTED.items()):
        if may_get != MEMBER:
            continue
        converters = patterns[f"blueprint:{name}"].pattern.converters
        if set(converters) - {"pk", "number"}:
            continue
        kwargs: dict[str, Any] = {"pk": project.pk}
        if "number" in converters:
            kwargs["number"] = 1
        urls.append(reverse(f"blueprint:{name}", kwargs=kwargs))
    return urls


def test_every_page_and_partial_shows_hostile_text_as_text(
    hostile: Project, facilitator: User
) -> None:
    client = client_for(facilitator)
    urls = _project_urls(hostile)
    activity = client.get(reverse("blueprint:activity", args=[hostile.pk]))
    assert HOSTILE[1] in activity.content.decode("utf-8").replace("&quot;", '"').replace(
        "&lt;", "<"
    ).replace("&gt;", ">")
    assert len(urls) > 15
    for url in urls:
        response = client.get(url)
        # The frozen blueprint exists only while one awaits sign-off; this one is a draft.
        assert response.status_code == (404 if url.endswith("/review/") else 200), url
        if response["Content-Type"].startswith(("text/html", "image/svg")):
            assert_inert(response.content.decode(), url)
    # Every kind's row and edit form, for one item of each.
    for slug, kind in REGISTRY.items():
        item = kind.model._default_manager.filter(project=hostile).first()
        if item is None:
            continue
        for name in ("item_hx_row", "item_update"):
            url = reverse(f"blueprint:{name}", args=[hostile.pk, slug, item.pk])
            response = client.get(url, **HX)
            assert response.status_code == 200, url
            assert_inert(response.content.decode(), url)


def test_the_pdf_prints_hostile_text_as_text_and_fetches_nothing(
    hostile: Project, facilitator: User
) -> None:
    response = client_for(facilitator).get(reverse("blueprint:project_pdf", args=[hostile.pk]))
    assert response.status_code == 200
    text = squeezed(pdf_text(response.content))
    assert squeezed("<script>alert(1)</script>") in text
    assert squeezed("{{7*7}}") in text


def test_the_sheet_exports_neutralise_formulas_and_the_json_keeps_the_text(
    hostile: Project, facilitator: User
) -> None:
    client = client_for(facilitator)
    raw = client.get(reverse("blueprint:mappings_csv", args=[hostile.pk])).content
    cells = [c for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for c in row]
    assert cells and [c for c in cells if c.startswith(("=", "+", "-", "@"))] == []
    assert any("HYPERLINK" in c for c in cells)
    book = load_workbook(
        io.BytesIO(client.get(reverse("blueprint:mappings_xlsx", args=[hostile.pk])).content)
    )
    # A cell that reads "=HYPERLINK(...)" is stored as text, never as a formula.
    cells_ = [c for row in book.active.iter_rows() for c in row if c.value]
    assert any(str(c.value).startswith("=") for c in cells_)
    assert all(c.data_type != "f" for c in cells_)
    data = json.loads(client.get(reverse("blueprint:project_json", args=[hostile.pk])).content)
    assert data["project"]["name"] in HOSTILE


@pytest.mark.parametrize(
    "encoded",
    [
        "NUL%00inside",
        "lone+%ED%A0%80+surrogate",  # what a surrogate looks like on the wire
        "%00",
        "bad+%FF%FE+bytes",
        "x" * 300,
    ],
)
def test_a_form_refuses_text_that_cannot_be_stored_without_a_500(
    project: Project, facilitator: User, encoded: str
) -> None:
    client = client_for(facilitator)
    url = reverse("blueprint:item_create", args=[project.pk, "system"])
    body = f"name={encoded}&kind=crm"
    response = client.post(url, body, content_type="application/x-www-form-urlencoded", **HX)
    assert response.status_code in (200, 422)
    for name in project.systems.values_list("name", flat=True):
        assert "\x00" not in name
        name.encode("utf-8")  # whatever was kept is text
