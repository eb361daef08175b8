"""Template tags for pieces of markup repeated on every row of a big blueprint."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_EDIT_DELETE = (
    '<a class="btn btn-sm btn-outline-secondary" href="{edit}" hx-get="{edit}" '
    'hx-target="closest .item-row" hx-swap="outerHTML" aria-label="Edit {label}">Edit</a> '
    '<a class="btn btn-sm btn-outline-danger" href="{delete}" hx-get="{delete}" '
    'hx-target="closest .item-row" hx-swap="outerHTML" aria-label="Delete {label}">Delete</a>'
)
ACTIONS = '<div class="item-actions text-nowrap">' + _EDIT_DELETE + "</div>"
# A row of a list notes can be about: its open notes, if any, and a way to add one.
NOTED_ACTIONS = (
    '<div class="item-actions text-nowrap">{notes}'
    '<a class="btn btn-sm btn-outline-secondary" href="{about}#note-form" '
    'aria-label="Add note to {label}">Add note</a> ' + _EDIT_DELETE + "</div>"
)
# The same actions folded behind one button, for a grid whose rows must stay one line.
MENU_ACTIONS = (
    '<div class="item-actions text-nowrap">{notes}<details class="row-menu">'
    '<summary class="btn btn-sm btn-outline-secondary" aria-label="Actions for {label}">'
    '<span aria-hidden="true">⋯</span></summary><div class="row-menu-items shadow-sm">'
    '<a class="btn btn-sm btn-outline-secondary" href="{about}#note-form" '
    'aria-label="Add note to {label}">Add note</a> ' + _EDIT_DELETE + "</div></details></div>"
)
READER_ACTIONS = '<div class="item-actions text-nowrap">{notes}</div>'
OPEN_NOTES = (
    '<a class="badge rounded-pill text-bg-warning text-decoration-none note-badge" '
    'href="{about}" aria-label="{count} open question{s} or proposal{s} on {label}">'
    "{count} open</a> "
)


@lru_cache(maxsize=4096)
def _items_base(project_pk: int, kind_slug: str) -> str:
    # "/p/1/items/system/new/" → "/p/1/items/system/": one reverse per page, not per row.
    return reverse("blueprint:item_create", args=[project_pk, kind_slug]).removesuffix("new/")


@lru_cache(maxsize=4096)
def _notes_base(project_pk: int) -> str:
    return reverse("blueprint:notes", args=[project_pk]) + "?about="


@lru_cache(maxsize=1)
def _sections_by_model() -> dict[type, str]:
    """The document section of each kind of row (an entity's row is in "entities")."""
    from blueprint.document import SECTIONS

    return {section.model: section.name for section in SECTIONS if section.name != "notes"}


def _open_notes(context: Any, project_pk: int) -> dict[tuple[str, int], int]:
    """Open questions and proposals per item of the project: one query per page, on the
    first row that asks, kept on the request (or this render) for every later row."""
    request = context.get("request")
    if request is not None:
        cache = request.__dict__.setdefault("_open_notes", {})
    else:
        cache = context.render_context.setdefault("_open_notes", {})
    if project_pk not in cache:
        from django.db.models import Count

        from blueprint.models import Note

        rows = (
            Note.objects.filter(project_id=project_pk, status=Note.Status.OPEN)
            .exclude(about_id=None)
            .order_by()
            .values_list("about_section", "about_id")
            .annotate(count=Count("pk"))
        )
        cache[project_pk] = {(section, key): count for section, key, count in rows}
    return cache[project_pk]


@register.simple_tag(takes_context=True)
def item_actions(
    context: dict[str, Any], item: Any, kind_slug: str, menu: bool = False
) -> SafeString | str:
    """A row's open notes (a link to them) for everyone, and Add note, Edit and Delete for
    people who may change the blueprint.

    A tag rather than an include: a data model page has hundreds of rows, and an
    include with four {% url %} lookups per row was most of its rendering time.
    """
    access = context.get("access")
    if access is None:
        return ""
    project_pk = context["project"].pk
    label = str(item)
    section = _sections_by_model().get(type(item))
    about = notes = ""
    if section:
        about = f"{_notes_base(project_pk)}{section}:{item.pk}"
        count = _open_notes(context, project_pk).get((section, item.pk), 0)
        if count:
            s = "" if count == 1 else "s"
            notes = format_html(OPEN_NOTES, about=about, count=count, s=s, label=label)
    if not access.can_edit:
        return format_html(READER_ACTIONS, notes=notes) if notes else ""
    base = _items_base(project_pk, kind_slug)
    return format_html(
        (MENU_ACTIONS if menu else NOTED_ACTIONS) if section else ACTIONS,
        notes=notes,
        about=about,
        edit=f"{base}{item.pk}/edit/",
        delete=f"{base}{item.pk}/delete/",
        label=label,
    )


_SEPARATORS = re.compile(r"([._/\-:])")


@register.filter
def breakable(text: str) -> SafeString:
    """A field name that may wrap only after its separators (Account.Customer_Tier__c),
    never in the middle of a word: the text is escaped, then <wbr> follows each separator."""
    return mark_safe(_SEPARATORS.sub(r"\1<wbr>", str(escape(text))))
