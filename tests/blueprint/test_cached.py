"""What is derived from a whole blueprint is computed once per change, and once per
process however many requests ask for it at the same moment."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from blueprint.cached import cached_per_change
from blueprint.models import Project
from tests.conftest import touched
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db


def test_a_value_is_computed_once_per_change(project: Project) -> None:
    calls: list[int] = []

    def compute() -> str:
        calls.append(1)
        return f"value {len(calls)}"

    assert cached_per_change(project, "test", compute) == "value 1"
    assert cached_per_change(project, "test", compute) == "value 1"
    SystemFactory(project=project)
    touched(project)
    assert cached_per_change(project, "test", compute) == "value 2"
    assert len(calls) == 2


def asking(project: Project, compute, answers: list[str]):  # type: ignore[no-untyped-def]
    """A request's thread: it asks, keeps the answer, and closes its connection."""

    def run() -> None:
        try:
            answers.append(cached_per_change(project, "slow", compute))
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_threads_asking_at_the_same_moment_wait_for_one_computation(project: Project) -> None:
    """After a change every open page asks for the new value: one thread computes it, the
    others wait for it instead of computing it too."""
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []
    answers: list[str] = []

    def compute() -> str:
        calls.append(threading.current_thread().name)
        started.set()
        assert release.wait(5)
        return "the readiness"

    first = threading.Thread(target=asking(project, compute, answers), name="first")
    first.start()
    assert started.wait(5)
    others = [
        threading.Thread(target=asking(project, compute, answers), name=f"other {n}")
        for n in range(3)
    ]
    for thread in others:
        thread.start()
    # Time for the others to find the value missing (they would compute it now, were it
    # not for the first thread's computation under way).
    time.sleep(0.5)
    release.set()
    for thread in [first, *others]:
        thread.join(5)
    assert calls == ["first"]
    assert answers == ["the readiness"] * 4
