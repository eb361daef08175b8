"""Sign-off, signed versions, the diff between versions, and the activity log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.views import locked_out_message
from blueprint.access import ProjectAccess, get_project_for
from blueprint.diff import document_diff
from blueprint.document import Document, document_from_json, document_load
from blueprint.forms.signoff import ApproveForm, SendBackForm
from blueprint.models import (
    SIGNOFF_ROLES,
    ActivityEntry,
    Approval,
    Membership,
    Project,
    Role,
    Version,
)
from blueprint.presentation import document_present
from blueprint.readiness import readiness_for_project
from blueprint.views.types import HtmxHttpRequest, id_or_none
from blueprint.workflow import (
    project_reopen,
    review_status,
    signoff_approve,
    signoff_request,
    signoff_send_back,
)

# Blocking findings shown per check on the sign-off page (the readiness page has them all).
SIGNOFF_EXAMPLES = 3

ARTIFACT_FILTERS = [
    ("project", "Project"),
    ("people", "People"),
    ("systems", "Systems"),
    ("scenarios", "Business scenarios"),
    ("mapping", "Data mapping"),
    ("governance", "Ownership and exceptions"),
    ("requirements", "Reporting and automation"),
    ("delivery", "Delivery plan"),
    ("workflow", "Sign-off"),
]
WORKFLOW_ACTIONS = ["requested", "approved", "sent_back", "signed", "reopened"]


def _signoff_context(
    access: ProjectAccess,
    *,
    approve_form: ApproveForm | None = None,
    send_back_form: SendBackForm | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    project = access.project
    holders = {
        m.role: m
        for m in Membership.objects.filter(project=project, role__in=SIGNOFF_ROLES).select_related(
            "user"
        )
    }
    approvals = {
        a.role: a
        for a in Approval.objects.filter(project=project, version_number=project.version_number)
    }
    roles = [
        {
            "role": role,
            "label": role.label,
            "holder": holders.get(role.value),
            "approval": approvals.get(role.value),
        }
        for role in SIGNOFF_ROLES
    ]
    readiness = readiness_for_project(project) if project.state == project.State.DRAFT else None
    my_role = access.membership.role
    return {
        "project": project,
        "access": access,
        "nav": "signoff",
        "roles": roles,
        "readiness": readiness,
        "blocker_groups": readiness.blocker_groups(SIGNOFF_EXAMPLES) if readiness else (),
        "my_role": my_role,
        "can_approve": project.state == project.State.AWAITING
        and my_role in SIGNOFF_ROLES
        and my_role not in approvals,
        "can_send_back": project.state == project.State.AWAITING and my_role in SIGNOFF_ROLES,
        "approve_form": approve_form or ApproveForm(initial={"seen_hash": project.review_hash}),
        "send_back_form": send_back_form or SendBackForm(),
        "errors": errors or [],
        "latest_version": Version.objects.filter(project=project).order_by("-number").first(),
        "review": review_status(project),
    }


def _signoff_response(
    request: HtmxHttpRequest, access: ProjectAccess, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    template = "blueprint/signoff.html"
    if request.htmx:
        template += "#signoff-panel"
    return render(request, template, _signoff_context(access, **kwargs), status=status)


@require_GET
def signoff_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    return _signoff_response(request, access)


def _after(request: HtmxHttpRequest, access: ProjectAccess, message: str) -> HttpResponse:
    messages.success(request, message)
    url = reverse("blueprint:signoff", args=[access.project.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _signer_access(request: HtmxHttpRequest, pk: int) -> ProjectAccess:
    """Approving and sending back are for the three role holders; anyone else gets 403."""
    access = get_project_for(request, pk)
    if access.membership.role not in SIGNOFF_ROLES:
        raise PermissionDenied(
            "Only the business leader, process owner and systems owner approve or send back."
        )
    return access


@require_POST
def signoff_request_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk, manage=True)
    try:
        signoff_request(project=access.project, user=request.user)
    except ValidationError as exc:
        return _signoff_response(request, access, status=422, errors=exc.messages)
    return _after(request, access, "Sign-off requested: the blueprint is frozen for review.")


@require_POST
def signoff_approve_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = _signer_access(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _signoff_response(request, access, status=422, approve_form=form)
    # The password is asked for again, so it is throttled like the sign-in: authenticate()
    # lets django-axes count a wrong one and refuse once the account is locked out.
    authenticate(request, username=request.user.email, password=form.cleaned_data["password"])
    if getattr(request, "axes_locked_out", False):
        form.add_error("password", locked_out_message())
        return _signoff_response(request, access, status=429, approve_form=form)
    try:
        result = signoff_approve(
            project=access.project,
            user=request.user,
            role=access.membership.role,
            password=form.cleaned_data["password"],
            seen_hash=form.cleaned_data["seen_hash"],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return _signoff_response(request, access, status=422, approve_form=form)
        return _signoff_response(request, access, status=422, errors=exc.messages)
    if result.signed is not None:
        return _after(request, access, f"Version {result.signed.number} is signed off.")
    return _after(request, access, "Your approval is recorded.")


@require_POST
def signoff_send_back_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = _signer_access(request, pk)
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return _signoff_response(request, access, status=422, send_back_form=form)
    try:
        signoff_send_back(
            project=access.project, user=request.user, comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        return _signoff_response(request, access, status=422, errors=exc.messages)
    return _after(request, access, "Sent back to draft; approvals are cleared.")


@require_POST
def project_reopen_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk, manage=True)
    try:
        project = project_reopen(project=access.project, user=request.user)
    except ValidationError as exc:
        return _signoff_response(request, access, status=422, errors=exc.messages)
    return _after(request, access, f"Version {project.version_number} is open as a draft.")


@require_GET
def versions_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    versions = list(
        Version.objects.filter(project=access.project)
        .prefetch_related("approvals")
        .order_by("-number")
    )
    return render(
        request,
        "blueprint/versions.html",
        {"project": access.project, "access": access, "nav": "versions", "versions": versions},
    )


def _version_or_404(access: ProjectAccess, number: int) -> Version:
    return get_object_or_404(
        Version.objects.prefetch_related("approvals"), project=access.project, number=number
    )


@require_GET
def review_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The blueprint frozen for sign-off, read only, as the approvers approve it."""
    access = get_project_for(request, pk)
    project = access.project
    if project.state != Project.State.AWAITING or not project.review_snapshot:
        raise Http404("Nothing is frozen for sign-off just now.")
    context = {
        "project": project,
        "access": access,
        "nav": "signoff",
        "review": review_status(project),
        "d": document_present(document_from_json(project.review_snapshot)),
    }
    return render(request, "blueprint/review.html", context)


@require_GET
def version_detail(request: HtmxHttpRequest, pk: int, number: int) -> HttpResponse:
    access = get_project_for(request, pk)
    version = _version_or_404(access, number)
    intact = version.is_intact
    doc = document_from_json(version.snapshot) if intact else None
    context = {
        "project": access.project,
        "access": access,
        "nav": "versions",
        "version": version,
        "intact": intact,
        "computed_hash": version.computed_hash(),
        "d": document_present(doc) if doc is not None else None,
    }
    return render(request, "blueprint/version_detail.html", context)


def _document_for(access: ProjectAccess, ref: str) -> tuple[Document, str]:
    if ref == "round":
        if not access.project.sent_back_snapshot:
            raise Http404("No review round has been sent back.")
        return document_from_json(access.project.sent_back_snapshot), "The round sent back"
    if ref == "draft":
        return document_load(
            access.project
        ), f"Current draft (version {access.project.version_number})"
    number = id_or_none(ref)
    if number is None:
        raise Http404("No such version.")
    version = _version_or_404(access, number)
    if not version.is_intact:
        raise Http404("This version's snapshot is damaged; it cannot be compared.")
    return document_from_json(version.snapshot), f"Version {version.number} (signed)"


@require_GET
def diff_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    numbers = list(
        Version.objects.filter(project=access.project)
        .order_by("-number")
        .values_list("number", flat=True)
    )
    choices = [("draft", "Current draft")] + [(str(n), f"Version {n}") for n in numbers]
    if access.project.sent_back_snapshot:
        choices.insert(1, ("round", "The review round sent back"))
    default_from = str(numbers[0]) if numbers else "draft"
    ref_from = request.GET.get("from", default_from)
    ref_to = request.GET.get("to", "draft")
    old, old_label = _document_for(access, ref_from)
    new, new_label = _document_for(access, ref_to)
    artifacts = document_diff(old, new)
    context = {
        "project": access.project,
        "access": access,
        "nav": "versions",
        "choices": choices,
        "ref_from": ref_from,
        "ref_to": ref_to,
        "old_label": old_label,
        "new_label": new_label,
        "artifacts": artifacts,
        "total": sum(len(a.changes) for a in artifacts),
    }
    template = "blueprint/diff.html#diff-body" if request.htmx else "blueprint/diff.html"
    return render(request, template, context)


@require_GET
def activity_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    entries = ActivityEntry.objects.filter(project=access.project).order_by("-at", "-pk")
    artifact = request.GET.get("artifact", "")
    person = request.GET.get("person", "")
    if artifact == "workflow":
        entries = entries.filter(action__in=WORKFLOW_ACTIONS)
    elif artifact:
        entries = entries.filter(artifact=artifact)
    person_id = id_or_none(person)
    if person_id is not None:
        entries = entries.filter(user_id=person_id)
    people = (
        Membership.objects.filter(project=access.project)
        .select_related("user")
        .order_by("user__display_name")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {
        "project": access.project,
        "access": access,
        "nav": "activity",
        "page": page,
        "artifact": artifact,
        "person": person,
        "artifacts": ARTIFACT_FILTERS,
        "people": people,
        "roles": Role,
    }
    template = (
        "blueprint/activity.html#activity-list" if request.htmx else "blueprint/activity.html"
    )
    return render(request, template, context)
