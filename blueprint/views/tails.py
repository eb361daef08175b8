"""Long lists that a page shows the start of, the rest loading when scrolled to.

A page whose lists grow with the blueprint (entities, relationships, outcomes, the
scenarios of a category) renders the first `SHOWN_FIRST` items of each and, in place of
the rest, one placeholder: a `lazy-summary` that htmx loads when it comes into view (or
when a link points inside it, through its `data-anchors`, as the entity summaries do).
The placeholder asks the same page for the whole list (`?rest=<list>`); the browser keeps
the rows it has and adds the others (static/js/app.js), so rows added or removed
meanwhile by others can neither be lost nor doubled. What a page costs is then the same
whatever the size of the blueprint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest

# Items of each long list a page renders at once.
SHOWN_FIRST = 12


@dataclass(frozen=True)
class Tail:
    """The rest of a list: how many, the ids inside them (for deep links), and where the
    whole list comes from."""

    part: str
    count: int
    anchors: str
    url: str


def tail_url(request: HttpRequest, part: str) -> str:
    return f"{request.path}?rest={part}"


def first_and_tail(
    request: HttpRequest,
    queryset: QuerySet,  # type: ignore[type-arg]
    *,
    part: str,
    prefix: str,
    inner: Callable[[], dict[int, list[str]]] | None = None,
    keys: QuerySet | None = None,  # type: ignore[type-arg]
    shown: int = SHOWN_FIRST,
) -> tuple[list, Tail | None]:  # type: ignore[type-arg]
    """The first `shown` items of an ordered queryset, and the tail of the rest (None when
    there is none): the ids of the rest come from one query of their keys alone (`keys`,
    in the same order, when the queryset's own would cost more: annotations).

    `prefix` makes an item's anchor ("relationship" → relationship-12); `inner` gives the
    anchors inside each item by its key (an outcome's reason codes), asked only when
    there is a rest."""
    first = list(queryset[:shown])
    if len(first) < shown:
        return first, None
    keys = queryset.prefetch_related(None) if keys is None else keys
    rest = list(keys.values_list("pk", flat=True)[shown:])
    if not rest:
        return first, None
    return first, Tail(
        part=part,
        count=len(rest),
        anchors=" ".join(_anchors(rest, prefix, inner() if inner else {})),
        url=tail_url(request, part),
    )


def _anchors(keys: Iterable[int], prefix: str, inner: dict[int, list[str]]) -> Iterable[str]:
    for key in keys:
        yield f"{prefix}-{key}"
        yield from inner.get(key, ())
