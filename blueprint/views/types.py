from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
    user: User | AnonymousUser


def id_or_none(value: str | None) -> int | None:
    """A database id from a query or form value, or None for anything else.

    `str.isdigit` accepts "²" and 30-digit numbers; neither is an id.
    """
    if value and len(value) <= 18 and value.isascii() and value.isdigit():
        return int(value)
    return None


def page_render(
    request: HtmxHttpRequest, template: str, context: dict[str, Any], *, pieces: Iterable[str]
) -> HttpResponse:
    """The page, or the one piece of it an htmx request targets (by its element id).

    Pages keep summaries (progress counts, hints about what is missing) that refresh
    themselves after each save by asking the page again with `hx-target` on their own
    root; the partial of the same name answers, so one template serves both.
    """
    target = request.htmx.target if request.htmx else None
    if target and target in set(pieces):
        return render(request, f"{template}#{target}", context)
    return render(request, template, context)
