from __future__ import annotations

from django.apps import AppConfig


class BlueprintConfig(AppConfig):
    name = "blueprint"
    verbose_name = "Integration blueprint"
