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

ACTIONS = (
    '<div class="item-actions text-nowrap">'
    '<a class="btn btn-sm btn-outline-secondary" href="{edit}" hx-get="{edit}" '
    'hx-target="closest .item-row" hx-swap="outerHTML" aria-label="Edit {label}">Edit</a> '
    '<a class="btn btn-sm btn-outline-danger" href="{delete}" hx-get="{delete}" '
    'hx-target="closest .item-row" hx-swap="outerHTML" aria-label="Delete {label}">Delete</a>'
    "</div>"
)


@lru_cache(maxsize=4096)
def _items_base(project_pk: int, kind_slug: str) -> str:
    # "/p/1/items/system/new/" → "/p/1/items/system/": one reverse per page, not per row.
    return reverse("blueprint:item_create", args=[project_pk, kind_slug]).removesuffix("new/")


@register.simple_tag(takes_context=True)
def item_actions(context: dict[str, Any], item: Any, kind_slug: str) -> SafeString | str:
    """Edit and Delete for one row, for people who may change the blueprint.

    A tag rather than an include: a data model page has hundreds of rows, and an
    include with four {% url %} lookups per row was most of its rendering time.
    """
    access = context.get("access")
    if access is None or not access.can_edit:
        return ""
    base = _items_base(context["project"].pk, kind_slug)
    return format_html(
        ACTIONS,
        edit=f"{base}{item.pk}/edit/",
        delete=f"{base}{item.pk}/delete/",
        label=str(item),
    )


_SEPARATORS = re.compile(r"([._/\-:])")


@register.filter
def breakable(text: str) -> SafeString:
    """A field name that may wrap only after its separators (Account.Customer_Tier__c),
    never in the middle of a word: the text is escaped, then <wbr> follows each separator."""
    return mark_safe(_SEPARATORS.sub(r"\1<wbr>", str(escape(text))))
