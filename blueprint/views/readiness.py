"""The readiness view: what is still missing or inconsistent, per artifact."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from blueprint.access import get_project_for
from blueprint.cached import cached_per_change
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


# The page a nav refresh comes from (it marks that link active): a page's name.
NAV_NAME = re.compile(r"[a-z_]{1,24}")


@require_GET
def readiness_hx_nav(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The project navigation with a readiness badge per artifact (refreshed after saves).

    It is the same for everyone until the next change, so its HTML is kept under the
    change number: a refresh of an unchanged project reads a few kilobytes from the cache
    instead of the whole readiness and a template render."""
    access = get_project_for(request, pk)
    project = access.project
    nav = request.GET.get("nav", "")
    nav = nav if NAV_NAME.fullmatch(nav) else ""

    def draw() -> str:
        readiness = readiness_for_project(project)
        context = {
            "project": project,
            "nav": nav,
            "readiness": readiness,
            "nav_artifacts": (*readiness.artifacts, *readiness.general),
            "nav_loaded": True,
        }
        return render_to_string("blueprint/_project_layout.html#project-nav", context)

    return HttpResponse(cached_per_change(project, f"nav:{nav}", draw))
