from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
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
