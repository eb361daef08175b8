"""Every model has an admin page that opens for a superuser."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_model_is_registered() -> None:
    for app in ("accounts", "blueprint"):
        for model in apps.get_app_config(app).get_models():
            assert admin.site.is_registered(model), model.__name__


def test_every_changelist_opens(client: Client) -> None:
    f.GuardrailFactory()
    f.JourneyStepFactory()
    root = User.objects.create_superuser(email="root@example.com", password="x", display_name="R")
    client.force_login(root)
    for app in ("accounts", "blueprint"):
        for model in apps.get_app_config(app).get_models():
            name = f"admin:{app}_{model._meta.model_name}_changelist"
            assert client.get(reverse(name)).status_code == 200, name


def test_an_admin_edit_is_logged_and_moves_the_change_number(client: Client) -> None:
    from django.urls import reverse

    from blueprint.activity import change_number_of
    from blueprint.models import ActivityEntry, System
    from blueprint.readiness import readiness_for_project
    from tests.factories import ProjectFactory, SystemFactory

    root = User.objects.create_superuser(email="root@example.com", password="x", display_name="R")
    client.force_login(root)
    project = ProjectFactory()
    system = SystemFactory(project=project, name="CRM")
    before = readiness_for_project(project)
    number = change_number_of(project)
    url = reverse("admin:blueprint_system_change", args=[system.pk])
    data = {
        "project": project.pk,
        "name": "Renamed in the admin",
        "kind": system.kind,
        "description": "",
        "api_maturity": system.api_maturity,
        "api_documentation": system.api_documentation,
        "test_environment": system.test_environment,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert System.objects.get(pk=system.pk).name == "Renamed in the admin"
    assert change_number_of(project) == number + 1
    entry = ActivityEntry.objects.get(project=project, change_number=number + 1)
    assert entry.item_label == "Renamed in the admin" and entry.user == root
    after = readiness_for_project(project)
    assert after is not before
    assert any("Renamed in the admin" in f.message for f in after.findings)


def test_the_admin_refuses_items_of_another_project(client: Client) -> None:
    """The admin offers every project's items; what it may store is what the app may:
    nothing that points into another project, single or among many."""
    from blueprint.models import Attribute
    from blueprint.rules import OTHER_PROJECT

    root = User.objects.create_superuser(email="root@example.com", password="x", display_name="R")
    client.force_login(root)
    project, other = f.ProjectFactory(), f.ProjectFactory()
    crm = f.SystemFactory(project=project, name="CRM")
    elsewhere = f.SystemFactory(project=other, name="Elsewhere")
    attribute = f.AttributeFactory(
        project=project, entity=f.EntityFactory(project=project), source_of_truth=crm
    )
    url = reverse("admin:blueprint_attribute_change", args=[attribute.pk])
    data = {
        "project": project.pk,
        "entity": attribute.entity_id,
        "name": attribute.name,
        "kind": attribute.kind,
        "description": "",
        "source_of_truth": elsewhere.pk,
        "display_systems": [crm.pk, elsewhere.pk],
        "update_systems": [crm.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["source_of_truth"] == [OTHER_PROJECT]
    assert errors["display_systems"] == [OTHER_PROJECT]
    attribute.refresh_from_db()
    assert attribute.source_of_truth == crm and not attribute.display_systems.exists()
    response = client.post(url, {**data, "source_of_truth": crm.pk, "display_systems": [crm.pk]})
    assert response.status_code == 302
    assert list(Attribute.objects.get(pk=attribute.pk).display_systems.all()) == [crm]


@pytest.mark.django_db
def test_the_model_refuses_a_related_item_of_another_project() -> None:
    from django.core.exceptions import ValidationError

    from blueprint.rules import OTHER_PROJECT

    project = f.ProjectFactory()
    attribute = f.AttributeFactory(project=project, entity=f.EntityFactory(project=project))
    attribute.source_of_truth = f.SystemFactory(name="Elsewhere")  # its own project
    with pytest.raises(ValidationError) as raised:
        attribute.full_clean()
    assert raised.value.message_dict["source_of_truth"] == [OTHER_PROJECT]
