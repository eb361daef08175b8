"""Traceability and acceptance: the trace of one scenario, the acceptance test plan, the
people's wording of a test, and the plan as a zip of feature files."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from blueprint.acceptance import (
    acceptance_feature,
    acceptance_features,
    acceptance_zip,
    gherkin_error,
)
from blueprint.access import ProjectAccess, get_project_for
from blueprint.document import Document, choice_label, document_load, label_of
from blueprint.forms.acceptance import ExceptionAcceptanceForm, ScenarioAcceptanceForm
from blueprint.items import Conflict, item_save
from blueprint.readiness import readiness_for_project
from blueprint.readiness.links import Places
from blueprint.trace import scenario_trace
from blueprint.views.governance import EXCEPTION_KIND
from blueprint.views.scenarios import SCENARIO_KIND
from blueprint.views.types import HtmxHttpRequest

# What a test can be written for: the URL's word -> (document section, kind, form).
EDITABLE = {
    "scenario": ("scenarios", SCENARIO_KIND, ScenarioAcceptanceForm),
    "exception": ("exceptions", EXCEPTION_KIND, ExceptionAcceptanceForm),
}


def _chain(access: ProjectAccess, doc: Document, trace: Any) -> list[dict[str, Any]]:
    places = Places(access.project.pk)
    links = (
        ("systems", "Systems", trace.systems),
        ("entities", "Entities it moves", trace.entities),
        ("attributes", "Attributes it moves", trace.attributes),
        ("mappings", "Field mappings that carry them", trace.mappings),
        ("exceptions", "Exception rules that apply", trace.exceptions),
        ("automations", "Automations it sets off", trace.automations),
        ("reports", "Reports that count it", trace.reports),
    )
    gaps: dict[str, list[str]] = {}
    for where, text in trace.gaps:
        gaps.setdefault(where, []).append(text)
    return [
        {
            "key": section,
            "label": label,
            "items": [
                {"label": label_of(section, item, doc), "url": places.url(section, item.id)}
                for item in items
            ],
            "gaps": gaps.get(section, []),
        }
        for section, label, items in links
    ]


@require_GET
def trace_page(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """One scenario's chain from systems to reports, its gaps and findings, and its test."""
    access = get_project_for(request, pk)
    doc = document_load(access.project)
    scenario = doc.get("scenarios", item_pk)
    if scenario is None:
        raise Http404("No such scenario.")
    trace = scenario_trace(doc, scenario)
    chain = {("scenarios", scenario.id)} | {
        (section, item.id)
        for section, items in (
            ("entities", trace.entities),
            ("attributes", trace.attributes),
            ("mappings", trace.mappings),
            ("exceptions", trace.exceptions),
            ("automations", trace.automations),
            ("reports", trace.reports),
        )
        for item in items
    }
    findings = [
        f for f in readiness_for_project(access.project).findings if (f.section, f.item_id) in chain
    ]
    feature = acceptance_feature(doc, "scenarios", scenario)
    context = {
        "project": access.project,
        "access": access,
        "nav": "scenarios",
        "scenario": scenario,
        "category": choice_label("scenarios", "category", scenario.category),
        "chain": _chain(access, doc, trace),
        "gap_count": len(trace.gaps),
        "findings": findings,
        "feature": feature,
        "feature_error": gherkin_error(feature.text),
        "scenario_url": Places(access.project.pk).url("scenarios", scenario.id),
    }
    return render(request, "blueprint/trace.html", context)


@require_GET
def acceptance_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The acceptance test plan: every feature, generated or as the people worded it."""
    access = get_project_for(request, pk)
    doc = document_load(access.project)
    features = acceptance_features(doc)
    context = {
        "project": access.project,
        "access": access,
        "nav": "acceptance",
        "features": [
            {
                "feature": f,
                "error": gherkin_error(f.text),
                "kind": "scenario" if f.section == "scenarios" else "exception",
                "anchor": f"{f.section}-{slugify(str(f.item_id))}",
            }
            for f in features
        ],
        "edited": sum(f.edited for f in features),
    }
    return render(request, "blueprint/acceptance.html", context)


@require_GET
def acceptance_download(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    content = acceptance_zip(document_load(access.project))
    stem = slugify(access.project.name)[:60].strip("-") or "blueprint"
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{stem}-v{access.project.version_number}-acceptance-tests.zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def acceptance_edit(request: HtmxHttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    """Edit the wording of one generated test; an empty text goes back to the generated."""
    access = get_project_for(request, pk, write=True)
    if kind not in EDITABLE:
        raise Http404("No such kind of test.")
    section, item_kind, form_class = EDITABLE[kind]
    obj = get_object_or_404(item_kind.queryset(access.project), pk=item_pk)
    doc = document_load(access.project)
    item = doc.get(section, obj.pk)
    generated = acceptance_feature(doc, section, dataclasses.replace(item, acceptance_text=""))
    back = (
        reverse("blueprint:scenario_trace", args=[pk, obj.pk])
        if kind == "scenario"
        else f"{reverse('blueprint:acceptance', args=[pk])}#exceptions-{obj.pk}"
    )
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, project=access.project, instance=obj)
        if form.is_valid():
            if form.cleaned_data["acceptance_text"].strip() == generated.text.strip():
                form.instance.acceptance_text = ""  # unchanged: keep following the blueprint
            try:
                item_save(
                    form=form,
                    kind=item_kind,
                    user=request.user,
                    expected_revision=form.submitted_revision(),
                )
            except Conflict:
                form.add_error(
                    None,
                    "Someone changed this item while you were editing: reload the page to see "
                    "their version, then make your change again.",
                )
                status = 409
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 409
            else:
                return redirect(back)
        else:
            status = 422
    else:
        initial = obj.acceptance_text or generated.text
        form = form_class(
            project=access.project, instance=obj, initial={"acceptance_text": initial}
        )
    context = {
        "project": access.project,
        "access": access,
        "nav": "acceptance",
        "form": form,
        "item_label": label_of(section, item, doc),
        "edited": bool(obj.acceptance_text),
        "generated": generated.text,
        "back": back,
    }
    return render(request, "blueprint/acceptance_edit.html", context, status=status)
