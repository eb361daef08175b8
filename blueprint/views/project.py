"""Project list, overview (systems and people), and member management."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blueprint.access import ProjectAccess, get_project_for
from blueprint.document import DocumentFormatError, document_load, document_to_dict
from blueprint.forms.project import (
    FILE_UNREADABLE,
    MemberAddForm,
    MemberRoleForm,
    ProjectForm,
    ProjectNewForm,
    SystemForm,
)
from blueprint.interchange.json import project_start_from
from blueprint.invitations import (
    NewInvitation,
    invitation_create,
    invitation_revoke,
    invitation_send,
    invitations_pending,
)
from blueprint.items import page_kinds
from blueprint.membership import (
    member_add,
    member_remove,
    member_role_change,
    project_create,
    project_update,
)
from blueprint.models import Invitation, Membership, Project, Role, System
from blueprint.views.types import HtmxHttpRequest
from blueprint.workflow import review_status

OVERVIEW = "blueprint/project_detail.html"

page_kind = page_kinds(page="blueprint:project_detail", template=OVERVIEW, artifact="systems")

SYSTEM_KIND = page_kind(
    slug="system",
    model=System,
    form_class=SystemForm,
    columns=6,
)


@require_GET
def project_list(request: HtmxHttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("project")
        .annotate(system_count=Count("project__systems", distinct=True))
        .order_by("project__name")
    )
    return render(request, "blueprint/project_list.html", {"memberships": memberships})


@require_http_methods(["GET", "POST"])
def project_new(request: HtmxHttpRequest) -> HttpResponse:
    form = ProjectNewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        details = {
            k: form.cleaned_data[k].strip() for k in ("name", "summary", "business_question")
        }
        if form.document is None:
            project = project_create(user=request.user, **details)
            messages.success(request, f"Project “{project.name}” created. You are its facilitator.")
        else:
            try:
                report = project_start_from(doc=form.document, user=request.user, **details)
            except DocumentFormatError as exc:
                form.add_error("blueprint_file", FILE_UNREADABLE.format(error=exc))
                return render(request, "blueprint/project_form.html", {"form": form}, status=422)
            project = report.project
            messages.success(request, f"Project “{project.name}” created from the blueprint.")
            if report.summary():
                messages.warning(request, report.summary())
        return redirect("blueprint:project_detail", pk=project.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "blueprint/project_form.html", {"form": form}, status=status)


@require_GET
def project_json(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The whole blueprint as JSON: the document, losing nothing."""
    access = get_project_for(request, pk)
    doc = document_load(access.project)
    body = json.dumps(document_to_dict(doc), indent=1, sort_keys=True, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"{slugify(access.project.name) or 'blueprint'}-v{access.project.version_number}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


def _overview_context(access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    project = access.project
    memberships = list(
        Membership.objects.filter(project=project).select_related("user").order_by("role", "pk")
    )
    order = {role.value: i for i, role in enumerate(Role)}
    memberships.sort(key=lambda m: (order[m.role], m.user.display_name))
    context: dict[str, Any] = {
        "project": project,
        "access": access,
        "kind": SYSTEM_KIND,
        "systems": list(System.objects.filter(project=project)),
        "memberships": memberships,
        "role_choices": Role.choices,
        "member_form": MemberAddForm(project=project),
        "invitations": invitations_pending(project) if access.can_manage_people else [],
        "nav": "overview",
    }
    context.update(extra)
    return context


@require_GET
def project_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk)
    review = review_status(access.project) if access.project.state == Project.State.DRAFT else None
    return render(request, OVERVIEW, _overview_context(access, review=review))


@require_http_methods(["GET", "POST"])
def project_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk, write=True, manage=True)
    form = ProjectForm(request.POST or None, instance=access.project)
    if request.method == "POST" and form.is_valid():
        project_update(project=access.project, form=form, user=request.user)
        messages.success(request, "Project details saved.")
        return redirect("blueprint:project_detail", pk=pk)
    return render(request, "blueprint/project_form.html", {"form": form, "project": access.project})


def _members_response(
    request: HtmxHttpRequest, access: ProjectAccess, *, status: int = 200, **extra: Any
) -> HttpResponse:
    if not request.htmx:
        if status >= 400:
            for error in extra.get("member_errors", []):
                messages.error(request, error)
        return redirect("blueprint:project_detail", pk=access.project.pk)
    context = _overview_context(access, **extra)
    return render(request, f"{OVERVIEW}#members", context, status=status)


@require_POST
def member_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for(request, pk, manage=True)
    form = MemberAddForm(request.POST, project=access.project)
    invited: NewInvitation | None = None
    if form.is_valid():
        try:
            if form.account is not None:
                member_add(
                    project=access.project,
                    user=form.account,
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
            else:
                # Nobody has this address yet: they get a link to set a name and password.
                invited = invitation_create(
                    project=access.project,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
                link = request.build_absolute_uri(
                    reverse("blueprint:invitation_accept", args=[invited.token])
                )
                invitation_send(new=invited, link=link)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
    if form.errors:
        return _members_response(
            request,
            access,
            status=422,
            member_form=form,
            member_errors=[e for errs in form.errors.values() for e in errs],
        )
    if invited is not None:
        link = request.build_absolute_uri(
            reverse("blueprint:invitation_accept", args=[invited.token])
        )
        return _members_response(request, access, invited=invited.invitation, invite_link=link)
    return _members_response(request, access)


@require_POST
def invitation_revoke_view(request: HtmxHttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    access = get_project_for(request, pk, manage=True)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, project=access.project)
    invitation_revoke(invitation=invitation, by=request.user)
    return _members_response(request, access)


def _membership_or_404(access: ProjectAccess, member_pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "project"), pk=member_pk, project=access.project
    )


@require_POST
def member_update(request: HtmxHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    access = get_project_for(request, pk, manage=True)
    membership = _membership_or_404(access, member_pk)
    form = MemberRoleForm(request.POST)
    errors: list[str] = []
    if not form.is_valid():
        errors = ["Choose one of the listed roles."]
    else:
        try:
            member_role_change(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as exc:
            errors = exc.messages
    if errors:
        return _members_response(
            request, access, status=422, member_errors=errors, error_member=membership.pk
        )
    return _members_response(request, access)


@require_POST
def member_delete(request: HtmxHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    access = get_project_for(request, pk, manage=True)
    membership = _membership_or_404(access, member_pk)
    try:
        member_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        return _members_response(
            request, access, status=422, member_errors=exc.messages, error_member=membership.pk
        )
    if membership.user_id == request.user.pk:
        return redirect("blueprint:project_list")
    return _members_response(request, access)
