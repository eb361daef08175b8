"""Placeholder page, replaced by the artifact's real editor."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blueprint.access import get_project_for
from blueprint.views.types import HtmxHttpRequest


@require_GET
def data_model_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    context = {"project": access.project, "access": access, "nav": "data_model"}
    return render(request, "blueprint/data_model.html", context)

