"""Who may do what, over the whole URLconf, from one table.

Every URL pattern of the app is discovered from the resolver and filled in with the ids
of a project; every kind of caller asks for it with GET and with POST. A URL that is not
in the table fails the test, so a new view cannot ship without saying who may use it.
What a caller may not do answers 302 to the login page (anonymous), 404 (not a member:
nothing leaks), 403 (a member without the right) or 405 (the wrong method), and leaves
the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from blueprint.invitations import invitation_create
from blueprint.models import PdfRender, Project, Role
from tests.factories import MembershipFactory, ProjectFactory, SystemFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBER = "member"  # any role in the project
EDITOR = "editor"  # any role but viewer
FACILITATOR = "facilitator"
SIGNER = "signer"  # business leader, process owner, systems owner
NOBODY = "nobody"  # the method is not served

# url name -> (who may GET, who may POST)
EXPECTED: dict[str, tuple[str, str]] = {
    "project_detail": (MEMBER, NOBODY),
    "project_edit": (FACILITATOR, FACILITATOR),
    "project_json": (MEMBER, NOBODY),
    "member_create": (NOBODY, FACILITATOR),
    "member_update": (NOBODY, FACILITATOR),
    "member_delete": (NOBODY, FACILITATOR),
    "invitation_revoke": (NOBODY, FACILITATOR),
    "scenarios": (MEMBER, NOBODY),
    "scenario_trace": (MEMBER, NOBODY),
    "acceptance": (MEMBER, NOBODY),
    "acceptance_zip": (MEMBER, NOBODY),
    "acceptance_edit": (EDITOR, EDITOR),
    "data_model": (MEMBER, NOBODY),
    "mappings": (MEMBER, NOBODY),
    "mappings_csv": (MEMBER, NOBODY),
    "mappings_xlsx": (MEMBER, NOBODY),
    "mappings_import": (EDITOR, EDITOR),
    "mapping_hx_cell": (NOBODY, EDITOR),
    "mapping_hx_add": (NOBODY, EDITOR),
    "mapping_hx_bulk": (NOBODY, EDITOR),
    "mapping_hx_paste": (NOBODY, EDITOR),
    "governance": (MEMBER, NOBODY),
    "requirements": (MEMBER, NOBODY),
    "delivery": (MEMBER, NOBODY),
    "notes": (MEMBER, NOBODY),
    "note_create": (NOBODY, EDITOR),
    "note_answer": (NOBODY, EDITOR),
    "note_decide": (NOBODY, EDITOR),
    "note_delete": (NOBODY, EDITOR),
    "project_pulse": (NOBODY, MEMBER),
    "readiness": (MEMBER, NOBODY),
    "readiness_hx_nav": (MEMBER, NOBODY),
    "signoff": (MEMBER, NOBODY),
    "review": (MEMBER, NOBODY),
    "signoff_request": (NOBODY, FACILITATOR),
    "signoff_approve": (NOBODY, SIGNER),
    "signoff_send_back": (NOBODY, SIGNER),
    "project_reopen": (NOBODY, FACILITATOR),
    "versions": (MEMBER, NOBODY),
    "version_detail": (MEMBER, NOBODY),
    "diff": (MEMBER, NOBODY),
    "activity": (MEMBER, NOBODY),
    "project_pdf": (MEMBER, NOBODY),
    "version_pdf": (MEMBER, NOBODY),
    "pdf_render_progress": (MEMBER, NOBODY),
    "project_bundle": (MEMBER, NOBODY),
    "version_bundle": (MEMBER, NOBODY),
    "system_map": (MEMBER, NOBODY),
    "item_create": (EDITOR, EDITOR),
    "item_hx_row": (MEMBER, NOBODY),
    "item_update": (EDITOR, EDITOR),
    "item_delete": (EDITOR, EDITOR),
    "item_hx_move": (NOBODY, EDITOR),
}

CALLERS = [
    "anonymous",
    "outsider",
    Role.VIEWER,
    Role.CONTRIBUTOR,
    Role.BUSINESS_LEADER,
    Role.PROCESS_OWNER,
    Role.SYSTEMS_OWNER,
    Role.FACILITATOR,
]


def _allowed(who: str, role: str) -> bool:
    if who == NOBODY or role in ("anonymous", "outsider"):
        return False
    if who == MEMBER:
        return True
    if who == EDITOR:
        return role != Role.VIEWER
    if who == FACILITATOR:
        return role == Role.FACILITATOR
    return role in (Role.BUSINESS_LEADER, Role.PROCESS_OWNER, Role.SYSTEMS_OWNER)


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def project_urls() -> list[str]:
    """The names of every URL that takes a project id."""
    return sorted(
        name.removeprefix("blueprint:")
        for name, pattern in _patterns(get_resolver())
        if "pk" in pattern.pattern.converters
    )


def test_every_project_url_is_in_the_table() -> None:
    missing = set(project_urls()) - set(EXPECTED)
    assert not missing, f"Add these URLs to EXPECTED in {__name__}: {sorted(missing)}"
    assert not set(EXPECTED) - set(project_urls()), "The table names URLs that do not exist"


def _snapshot() -> dict[str, int]:
    """How many rows each table holds, and the project's change state."""
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    counts["state"] = hash(tuple(Project.objects.values_list("state", "name", "summary")))
    return counts


@pytest.fixture
def world() -> dict[str, Any]:
    project = ProjectFactory(name="Guarded")
    users = {}
    for role in CALLERS[2:]:
        user = UserFactory(email=f"{role}@example.com")
        MembershipFactory(project=project, user=user, role=role)
        users[role] = user
    users["outsider"] = UserFactory(email="outsider@example.com")
    MembershipFactory(project=ProjectFactory(name="Theirs"), user=users["outsider"])
    system = SystemFactory(project=project, name="CRM")
    # The membership the people URLs act on: someone who is not one of the callers.
    member = MembershipFactory(project=project, role=Role.VIEWER)
    invitation = invitation_create(
        project=project, email="newcomer@example.com", role=Role.VIEWER, by=users[Role.FACILITATOR]
    ).invitation
    render = PdfRender.objects.create(project=project, page_size="a4", key="guarded-draft")
    return {
        "project": project,
        "render": render,
        "users": users,
        "system": system,
        "member": member,
        "invitation": invitation,
    }


def _url(name: str, world: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {"pk": world["project"].pk}
    pattern = dict(_patterns(get_resolver()))[f"blueprint:{name}"].pattern
    wanted = pattern.converters
    if "member_pk" in wanted:
        kwargs["member_pk"] = world["member"].pk
    if "invitation_pk" in wanted:
        kwargs["invitation_pk"] = world["invitation"].pk
    if "number" in wanted:
        kwargs["number"] = 1
    if "kind" in wanted:
        kwargs["kind"] = "system"
    if "item_pk" in wanted:
        kwargs["item_pk"] = world["system"].pk
    if "render_id" in wanted:
        kwargs["render_id"] = world["render"].pk
    if "direction" in wanted:
        kwargs["direction"] = "up"
    return reverse(f"blueprint:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_caller_gets_only_what_the_table_allows(name: str, world: dict[str, Any]) -> None:
    url = _url(name, world)
    may_get, may_post = EXPECTED[name]
    for role in CALLERS:
        client = Client()
        if role != "anonymous":
            client.force_login(world["users"][role])
        for method, who in (("get", may_get), ("post", may_post)):
            before = _snapshot()
            response = getattr(client, method)(url)
            where = f"{method.upper()} {name} as {role}"
            assert response.status_code < 500, where
            if role == "anonymous":
                assert response.status_code == 302, where
                assert response["Location"].startswith(reverse("accounts:login")), where
            elif role == "outsider":
                assert response.status_code in (404, 405), where
            elif who == NOBODY:
                assert response.status_code == 405, where
            elif not _allowed(who, role):
                assert response.status_code == 403, where
            else:
                assert response.status_code not in (403, 405), where
            if not _allowed(who, role):
                assert _snapshot() == before, f"{where} changed the database"
