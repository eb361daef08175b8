"""The project's change number: every recorded write moves it on by one, in commit order;
an old copy of the project cannot move it back; readiness is computed once per number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blueprint.activity import change_number_of
from blueprint.models import ActivityEntry, Project, System
from blueprint.readiness import readiness_for_project
from tests.blueprint.test_views_pulse import SYSTEM, pulse
from tests.conftest import HX

pytestmark = pytest.mark.django_db


def item_url(name: str, project: Project, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, *args])


def test_every_write_through_the_app_moves_the_number_on_by_one(
    alice: Client, project: Project
) -> None:
    start = change_number_of(project)
    alice.post(item_url("item_create", project, "system"), {"name": "CRM", **SYSTEM}, **HX)
    crm = System.objects.get(project=project, name="CRM")
    assert change_number_of(project) == start + 1
    data = {"name": "Salesforce", "revision": crm.revision, **SYSTEM}
    alice.post(item_url("item_update", project, "system", crm.pk), data, **HX)
    assert change_number_of(project) == start + 2
    alice.post(item_url("item_delete", project, "system", crm.pk), **HX)
    assert change_number_of(project) == start + 3
    numbers = list(
        ActivityEntry.objects.filter(project=project)
        .order_by("change_number")
        .values_list("change_number", flat=True)
    )
    assert numbers[-3:] == [start + 1, start + 2, start + 3]
    assert len(set(numbers)) == len(numbers)


def test_saving_an_old_copy_of_the_project_does_not_move_the_number_back(
    alice: Client, project: Project
) -> None:
    stale = Project.objects.get(pk=project.pk)
    alice.post(item_url("item_create", project, "system"), {"name": "CRM", **SYSTEM}, **HX)
    moved = change_number_of(project)
    stale.summary = "Edited from an old copy."
    stale.save()
    assert change_number_of(project) == moved
    assert Project.objects.get(pk=project.pk).summary == "Edited from an old copy."


def test_readiness_is_computed_once_per_change(alice: Client, project: Project) -> None:
    first = readiness_for_project(project)
    with CaptureQueriesContext(connection) as unchanged:
        assert readiness_for_project(project) == first
    assert len(unchanged) == 1  # the change number, nothing else
    alice.post(item_url("item_create", project, "system"), {"name": "CRM", **SYSTEM}, **HX)
    after = readiness_for_project(project)
    assert after != first
    assert any("CRM" in f.message for f in after.findings)


def test_the_nav_badges_of_an_unchanged_project_come_from_the_cache(
    alice: Client, project: Project
) -> None:
    nav = item_url("readiness_hx_nav", project) + "?nav=scenarios"
    alice.get(nav, **HX)
    with CaptureQueriesContext(connection) as again:
        assert alice.get(nav, **HX).status_code == 200
    # The session, the user, the membership and the change number: no document load.
    assert len(again) <= 4


def test_the_nav_is_drawn_once_per_change_and_page(
    alice: Client, bob: Client, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import blueprint.views.readiness as views

    computed: list[int] = []
    real = views.readiness_for_project

    def counting(project: Project) -> object:
        computed.append(1)
        return real(project)

    monkeypatch.setattr(views, "readiness_for_project", counting)
    nav = item_url("readiness_hx_nav", project)
    first = alice.get(nav + "?nav=scenarios", **HX).content.decode()
    assert bob.get(nav + "?nav=scenarios", **HX).content.decode() == first
    assert len(computed) == 1
    assert 'aria-current="page" href="/p/' in first and "1. Business scenarios" in first
    other = alice.get(nav + "?nav=governance", **HX).content.decode()
    assert other != first and len(computed) == 2
    # Something that is not a page's name draws the nav with nothing active.
    junk = alice.get(nav + "?nav=%3Cscript%3E", **HX).content.decode()
    assert "<script>" not in junk and 'aria-current="page"' not in junk
    alice.post(item_url("item_create", project, "system"), {"name": "CRM", **SYSTEM}, **HX)
    assert alice.get(nav + "?nav=scenarios", **HX).content.decode() != first


def test_the_feed_answers_what_changed_since_a_number_and_nothing_when_nothing_did(
    alice: Client, bob: Client, project: Project
) -> None:
    last = pulse(alice, project)["last"]
    assert last == change_number_of(project)
    quiet = pulse(alice, project, after=str(last))
    assert quiet["changes"] == [] and quiet["last"] == last
    bob.post(item_url("item_create", project, "system"), {"name": "ERP", **SYSTEM}, **HX)
    news = pulse(alice, project, after=str(last))
    [change] = news["changes"]
    assert change["action"] == "created" and change["label"] == "ERP"
    assert news["last"] == last + 1


def test_the_system_map_is_drawn_once_per_change(
    alice: Client, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import blueprint.views.exports as exports

    drawn: list[int] = []
    real = exports.systemmap_svg

    def counting(doc: object) -> str:
        drawn.append(1)
        return real(doc)  # type: ignore[arg-type]

    monkeypatch.setattr(exports, "systemmap_svg", counting)
    url = item_url("system_map", project)
    first = alice.get(url, **HX).content
    assert alice.get(url, **HX).content == first and len(drawn) == 1
    alice.post(item_url("item_create", project, "system"), {"name": "CRM", **SYSTEM}, **HX)
    assert b"CRM" in alice.get(url, **HX).content and len(drawn) == 2


@pytest.mark.parametrize("returning", [True, False], ids=["update-returning", "update-then-read"])
def test_the_number_moves_on_in_one_statement_where_the_database_can(
    project: Project, returning: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blueprint import activity

    if not returning:  # as on an SQLite older than 3.35
        monkeypatch.setattr(activity, "connection", _Vendor("sqlite", activity.connection))
        monkeypatch.setattr(activity.sqlite3, "sqlite_version_info", (3, 31, 1))
    start = change_number_of(project)
    with CaptureQueriesContext(connection) as queries:
        assert activity._change_number_next(project) == start + 1
    assert change_number_of(project) == start + 1
    assert len(queries) == (1 if returning else 2)
    with pytest.raises(Project.DoesNotExist):
        activity._change_number_next(Project(pk=10**9))


class _Vendor:
    """The database connection, said to be of another vendor."""

    def __init__(self, vendor: str, real: object) -> None:
        self.vendor = vendor
        self._real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)
