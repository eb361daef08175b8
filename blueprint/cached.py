"""What is derived from a whole blueprint, computed once per change.

Every recorded write moves the project's change number on (blueprint.activity), so a
value kept under (project, change number) is right until the next change, for every page,
person and server that shares the cache (Django's cache framework: BLUEPRINT_CACHE).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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


# Values also kept in this process, ready to use, so that a big one (a readiness of
# thousands of findings) is not unpickled from the cache on every request. The key holds
# the change number, so a kept value is never stale: another process that has not seen
# it reads the shared cache, or computes it, as before. Kept values are read-only.
KEPT_HERE = 16
_kept: OrderedDict[str, object] = OrderedDict()
_kept_lock = threading.Lock()


def _keep(key: str, value: object) -> None:
    with _kept_lock:
        _kept[key] = value
        _kept.move_to_end(key)
        while len(_kept) > KEPT_HERE:
            _kept.popitem(last=False)


def kept_forget() -> None:
    """Forget what this process keeps (for tests, whose databases reuse ids)."""
    with _kept_lock:
        _kept.clear()


# The keys being computed in this process now, each with the lock its computer holds.
_computing: dict[str, threading.Lock] = {}
_computing_lock = threading.Lock()


def _computed_once(key: str, compute: Callable[[], T]) -> T:
    """Compute a missing value once in this process however many threads ask for it at
    the same moment (after a change, every open page asks for the new readiness): the
    others wait for the first and read what it stored."""
    with _computing_lock:
        lock = _computing.setdefault(key, threading.Lock())
    try:
        with lock:
            found = cache.get(key)  # the thread that held the lock may have stored it
            if found is None:
                found = compute()
                cache.set(key, found, CACHE_SECONDS)
            return found
    finally:
        with _computing_lock:
            if _computing.get(key) is lock:
                del _computing[key]


def cached_per_change(
    project: Project, name: str, compute: Callable[[], T], *, keep_here: bool = False
) -> T:
    """`compute()` for the project as it is now: from the cache when it has not changed.

    `keep_here` also keeps the value in this process (for a large, read-only value that
    many requests read: the readiness).
    """
    key = change_key(project, name, change_number_of(project))
    if keep_here:
        with _kept_lock:
            kept = _kept.get(key)
        if kept is not None:
            return kept  # type: ignore[return-value]
    found = cache.get(key)
    if found is None:
        found = _computed_once(key, compute)
    if keep_here:
        _keep(key, found)
    return found
