"""Inline editors for every kind of blueprint item (see blueprint.items)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from blueprint.access import ProjectAccess, get_project_for
from blueprint.items import (
    Conflict,
    ItemKind,
    dependents_describe,
    item_delete,
    item_kind,
    item_move,
    item_save,
)
from blueprint.models import ActivityEntry
from blueprint.views.types import HtmxHttpRequest

ITEM_TEMPLATE = "blueprint/item_page.html"


def _kind_or_404(slug: str) -> ItemKind:
    kind = item_kind(slug)
    if kind is None:
        raise Http404("No such kind of item.")
    return kind


def _item_or_404(kind: ItemKind, access: ProjectAccess, item_pk: int) -> Any:
    return get_object_or_404(kind.queryset(access.project), pk=item_pk)


def _page_url(kind: ItemKind, access: ProjectAccess, obj: Any = None) -> str:
    url = reverse(kind.page, args=[access.project.pk])
    if obj is not None:
        url += f"#{kind.slug}-{obj.pk}"
    return url


def _context(kind: ItemKind, access: ProjectAccess, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "kind": kind,
        "project": access.project,
        "access": access,
        "page_url": reverse(kind.page, args=[access.project.pk]),
    }
    if kind.extra_context is not None:
        context.update(kind.extra_context(access.project))
    context.update(extra)
    return context


def _changed(response: HttpResponse) -> HttpResponse:
    """Tell the page the blueprint changed, so badges elsewhere refresh."""
    return trigger_client_event(response, "blueprint-changed", after="settle")


def _render_form(
    request: HtmxHttpRequest,
    kind: ItemKind,
    access: ProjectAccess,
    form: Any,
    *,
    obj: Any = None,
    status: int = 200,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    if obj is None:
        action = reverse("blueprint:item_create", args=[access.project.pk, kind.slug])
    else:
        action = reverse("blueprint:item_update", args=[access.project.pk, kind.slug, obj.pk])
    context = _context(kind, access, form=form, item=obj, action=action, conflict=conflict)
    if request.htmx:
        return render(request, f"{ITEM_TEMPLATE}#item-form", context, status=status)
    return render(request, ITEM_TEMPLATE, context, status=status)


def _render_row(
    request: HtmxHttpRequest, kind: ItemKind, access: ProjectAccess, obj: Any
) -> HttpResponse:
    return render(request, f"{kind.template}#{kind.slug}-row", _context(kind, access, item=obj))


@require_GET
def item_hx_row(request: HtmxHttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    item_kind_ = _kind_or_404(kind)
    access = get_project_for(request, pk)
    obj = _item_or_404(item_kind_, access, item_pk)
    if not request.htmx:
        return redirect(_page_url(item_kind_, access, obj))
    return _render_row(request, item_kind_, access, obj)


@require_http_methods(["GET", "POST"])
def item_create(request: HtmxHttpRequest, pk: int, kind: str) -> HttpResponse:
    item_kind_ = _kind_or_404(kind)
    access = get_project_for(request, pk, write=True)
    if request.method == "GET":
        initial = {}
        if item_kind_.parent_field and request.GET.get("parent"):
            initial[item_kind_.parent_field] = request.GET["parent"]
        for key, value in request.GET.items():
            if key.startswith("initial_"):
                initial[key.removeprefix("initial_")] = value
        form = item_kind_.form_class(project=access.project, initial=initial)
        return _render_form(request, item_kind_, access, form)
    form = item_kind_.form_class(request.POST, project=access.project)
    if not form.is_valid():
        return _render_form(request, item_kind_, access, form, status=422)
    try:
        obj = item_save(form=form, kind=item_kind_, user=request.user)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_form(request, item_kind_, access, form, status=409)
    if not request.htmx:
        return redirect(_page_url(item_kind_, access, obj))
    return _changed(_render_row(request, item_kind_, access, item_kind_.saved(obj)))


@require_http_methods(["GET", "POST"])
def item_update(request: HtmxHttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    item_kind_ = _kind_or_404(kind)
    access = get_project_for(request, pk, write=True)
    obj = _item_or_404(item_kind_, access, item_pk)
    if request.method == "GET":
        form = item_kind_.form_class(project=access.project, instance=obj)
        return _render_form(request, item_kind_, access, form, obj=obj)
    form = item_kind_.form_class(request.POST, project=access.project, instance=obj)
    if not form.is_valid():
        return _render_form(request, item_kind_, access, form, obj=obj, status=422)
    try:
        obj = item_save(
            form=form,
            kind=item_kind_,
            user=request.user,
            expected_revision=form.submitted_revision(),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_form(request, item_kind_, access, form, obj=obj, status=409)
    except Conflict as conflict:
        current = _item_or_404(item_kind_, access, item_pk)
        # Read theirs first: validating the retry form writes the user's values onto
        # the instance it is given.
        theirs = _form_values(item_kind_.form_class(project=access.project, instance=current))
        # Offer the user's own values again, now based on the latest revision, next to
        # what the other person saved: "Save mine" keeps the user's, Cancel keeps theirs.
        retry = item_kind_.form_class(request.POST.copy(), project=access.project, instance=current)
        retry.data["revision"] = current.revision
        retry.is_valid()
        mine = _form_values(retry)
        rows = [
            {"field": label, "theirs": theirs.get(label, ""), "mine": mine.get(label, "")}
            for label in dict.fromkeys([*theirs, *mine])
            if theirs.get(label, "") != mine.get(label, "")
        ]
        last = (
            ActivityEntry.objects.filter(
                project=access.project, kind_slug=item_kind_.slug, item_pk=current.pk
            )
            .order_by("-pk")
            .first()
        )
        return _render_form(
            request,
            item_kind_,
            access,
            retry,
            obj=current,
            status=409,
            conflict={"rows": rows, "message": str(conflict), "last": last},
        )
    if not request.htmx:
        return redirect(_page_url(item_kind_, access, obj))
    return _changed(_render_row(request, item_kind_, access, item_kind_.saved(obj)))


def _form_values(form: Any) -> dict[str, str]:
    """A form's values as a person reads them, keyed by the form's labels.

    Works for a bound form (what the user typed) and an unbound one (what is saved),
    so both sides of a conflict are described the same way.
    """
    values: dict[str, str] = {}
    for name, field in form.fields.items():
        if field.widget.is_hidden or field.disabled:
            continue
        raw = form[name].value()
        choices = {str(k): str(v) for k, v in getattr(field, "choices", [])}
        if isinstance(raw, list | tuple):
            text = ", ".join(sorted(choices.get(str(v), str(v)) for v in raw))
        elif isinstance(field, forms.BooleanField):
            text = "yes" if field.to_python(raw) else "no"
        elif raw in (None, ""):
            text = ""
        else:
            text = choices.get(str(raw), str(raw))
        values[str(field.label or name)] = text.strip()
    return values


@require_http_methods(["GET", "POST"])
def item_delete_view(request: HtmxHttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    item_kind_ = _kind_or_404(kind)
    access = get_project_for(request, pk, write=True)
    if not item_kind_.deletable:
        raise PermissionDenied(f"A {item_kind_.verbose_name} cannot be deleted, only edited.")
    obj = _item_or_404(item_kind_, access, item_pk)
    if request.method == "GET":
        context = _context(
            item_kind_,
            access,
            item=obj,
            dependents=dependents_describe(obj),
            action=reverse("blueprint:item_delete", args=[pk, kind, item_pk]),
        )
        if request.htmx:
            return render(request, f"{ITEM_TEMPLATE}#item-delete", context)
        return render(request, ITEM_TEMPLATE, {**context, "deleting": True})
    try:
        item_delete(obj=obj, kind=item_kind_, user=request.user)
    except ValidationError as exc:
        context = _context(
            item_kind_,
            access,
            item=obj,
            dependents=dependents_describe(obj),
            action=reverse("blueprint:item_delete", args=[pk, kind, item_pk]),
            errors=exc.messages,
        )
        template = f"{ITEM_TEMPLATE}#item-delete" if request.htmx else ITEM_TEMPLATE
        return render(request, template, {**context, "deleting": True}, status=422)
    if not request.htmx:
        return redirect(_page_url(item_kind_, access))
    return _changed(HttpResponse(""))


@require_POST
def item_hx_move(
    request: HtmxHttpRequest, pk: int, kind: str, item_pk: int, direction: str
) -> HttpResponse:
    """Move an ordered item (a journey step) up or down; answer with its refreshed list."""
    item_kind_ = _kind_or_404(kind)
    access = get_project_for(request, pk, write=True)
    obj = _item_or_404(item_kind_, access, item_pk)
    if (
        direction not in {"up", "down"}
        or item_kind_.parent_field is None
        or not hasattr(obj, "position")
    ):
        raise Http404("Items of this kind cannot be moved.")
    item_move(kind=item_kind_, obj=obj, direction=direction, user=request.user)
    if not request.htmx:
        return redirect(_page_url(item_kind_, access, obj))
    parent = getattr(obj, item_kind_.parent_field)
    parent = type(parent)._default_manager.get(pk=parent.pk)
    context = _context(item_kind_, access, parent=parent)
    return _changed(render(request, f"{item_kind_.template}#{item_kind_.slug}-list", context))
