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
