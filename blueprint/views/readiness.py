"""The readiness view: what is still missing or inconsistent, per artifact."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blueprint.access import get_project_for
from blueprint.readiness import CHECKS, readiness_for_project
from blueprint.views.types import HtmxHttpRequest


@require_GET
def readiness_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    readiness = readiness_for_project(access.project)
    groups = [
        (artifact, [f for f in readiness.findings if f.artifact == artifact.artifact])
        for artifact in (*readiness.artifacts, *readiness.general)
    ]
    shown = {a.artifact for a in (*readiness.artifacts, *readiness.general)}
    others = [f for f in readiness.findings if f.artifact not in shown]
    context = {
        "project": access.project,
        "access": access,
        "nav": "readiness",
        "readiness": readiness,
        "groups": groups,
        "others": others,
        "checks": CHECKS,
    }
    template = "blueprint/readiness.html"
    if request.htmx:
        template += "#readiness-body"
    return render(request, template, context)


@require_GET
def readiness_hx_nav(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The project navigation with a readiness badge per artifact (refreshed after saves)."""
    access = get_project_for(request, pk)
    readiness = readiness_for_project(access.project)
    context = {
        "project": access.project,
        "access": access,
        "nav": request.GET.get("nav", ""),
        "readiness": readiness,
        "nav_artifacts": (*readiness.artifacts, *readiness.general),
        "nav_loaded": True,
    }
    return render(request, "blueprint/_project_layout.html#project-nav", context)
