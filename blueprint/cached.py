"""What is derived from a whole blueprint, computed once per change.

Every recorded write moves the project's change number on (blueprint.activity), so a
value kept under (project, change number) is right until the next change, for every page,
person and server that shares the cache (Django's cache framework: BLUEPRINT_CACHE).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from blueprint.activity import change_number_of
from blueprint.models import Project

T = TypeVar("T")

# How long a value is kept; a change makes a new key long before that.
CACHE_SECONDS = 6 * 3600


def change_key(project: Project, name: str, number: int) -> str:
    # The creation time tells apart two projects that had the same id (a restored backup,
    # a test database rolled back).
    created = int(project.created_at.timestamp()) if project.created_at else 0
    return f"blueprint:{name}:{project.pk}:{created}:{number}"


def cached_per_change(project: Project, name: str, compute: Callable[[], T]) -> T:
    """`compute()` for the project as it is now: from the cache when it has not changed."""
    key = change_key(project, name, change_number_of(project))
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, CACHE_SECONDS)
    return value
