"""The benchmark's own measuring: each timed request must be the successful save it
stands for, or its figure means nothing (make bench itself is too slow for the suite)."""

from __future__ import annotations

import contextlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from blueprint.benchscale import save_times
from blueprint.models import Attribute, Project, Role
from tests.factories import AttributeFactory, EntityFactory, MembershipFactory, SystemFactory


@pytest.mark.django_db
def test_the_save_timings_are_three_successful_saves_of_one_row(project: Project) -> None:
    MembershipFactory(project=project, role=Role.FACILITATOR)
    crm = SystemFactory(project=project, name="CRM")
    entity = EntityFactory(project=project, home_system=crm)
    attribute = AttributeFactory(project=project, entity=entity, source_of_truth=crm)
    attribute.display_systems.add(crm)
    figures = save_times(project, "testserver")
    for name in ("app", "django", "bare"):
        assert 0 < figures[f"{name}_p50"] <= figures[f"{name}_p95"]
    attribute.refresh_from_db()
    assert attribute.description.startswith("Bare")
    # The app's save and Django's UpdateView each count a revision: 21 of each.
    assert attribute.revision == 1 + 2 * 21
    assert project.activity.filter(item_pk=attribute.pk).count() == 21


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the server needs a shared database: PostgreSQL"
)
def test_the_load_run_times_the_save_through_gunicorn() -> None:
    out = StringIO()
    # Over budget or not (the save over a bare UPDATE is, see README), the run reports.
    with contextlib.suppress(CommandError):
        call_command("loadrun", participants=2, seconds=2, saves=2, workers=1, stdout=out)
    text = out.getvalue()
    for line in ("the app's save", "Django's UpdateView", "a bare UPDATE view", "budgets:"):
        assert line in text
    assert "PASS  errors" in text
    assert not Attribute.objects.filter(project__name__startswith="Load run").exists()
