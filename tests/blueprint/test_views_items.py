"""The generic inline editor, exercised through systems (the first kind of item)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from blueprint.items import REGISTRY, ItemKind
from blueprint.models import Project, System
from tests.blueprint.test_document import fill
from tests.conftest import HX
from tests.factories import SystemFactory
from tests.html import elements, is_full_page, root

pytestmark = pytest.mark.django_db

VALID = {
    "name": "NetSuite",
    "kind": "erp",
    "description": "Finance",
    "api_maturity": "developing",
    "api_documentation": "partial",
    "test_environment": "no",
}


def url(name: str, project: Project, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, "system", *args])


class TestCreate:
    def test_the_new_form_is_a_partial_row(self, alice: Client, project: Project) -> None:
        response = alice.get(url("item_create", project), **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert not is_full_page(response) and root(body)[0] == "tr"
        assert 'name="name"' in body and "API maturity" in body

    def test_without_htmx_the_form_is_a_full_page(self, alice: Client, project: Project) -> None:
        response = alice.get(url("item_create", project))
        assert response.status_code == 200 and is_full_page(response)

    def test_saving_returns_the_new_row(self, alice: Client, project: Project) -> None:
        response = alice.post(url("item_create", project), VALID, **HX)
        system = System.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200
        assert f'id="system-{system.pk}"' in body and "NetSuite" in body
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        assert system.api_documentation == "partial" and system.revision == 1

    def test_without_htmx_saving_redirects_to_the_page(
        self, alice: Client, project: Project
    ) -> None:
        response = alice.post(url("item_create", project), VALID)
        system = System.objects.get(project=project)
        assert response.status_code == 302
        assert response["Location"].endswith(f"/p/{project.pk}/#system-{system.pk}")

    def test_a_duplicate_name_is_refused_at_the_field(
        self, alice: Client, project: Project
    ) -> None:
        SystemFactory(project=project, name="NetSuite")
        response = alice.post(url("item_create", project), {**VALID, "name": "netsuite"}, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert "This project already has a system called “netsuite”." in body
        assert 'value="netsuite"' in body and "is-invalid" in body
        assert System.objects.filter(project=project).count() == 1

    def test_the_same_name_in_another_project_is_fine(
        self, alice: Client, project: Project
    ) -> None:
        SystemFactory(name="NetSuite")
        assert alice.post(url("item_create", project), VALID, **HX).status_code == 200

    def test_an_invalid_choice_is_refused(self, alice: Client, project: Project) -> None:
        response = alice.post(url("item_create", project), {**VALID, "api_maturity": "x"}, **HX)
        assert response.status_code == 422
        assert not System.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        assert vera.get(url("item_create", project), **HX).status_code == 403
        assert vera.post(url("item_create", project), VALID, **HX).status_code == 403
        assert not System.objects.exists()

    def test_an_unknown_kind_is_404(self, alice: Client, project: Project) -> None:
        response = alice.get(reverse("blueprint:item_create", args=[project.pk, "nope"]))
        assert response.status_code == 404

    def test_it_refuses_put(self, alice: Client, project: Project) -> None:
        assert alice.put(url("item_create", project)).status_code == 405


class TestUpdate:
    @pytest.fixture
    def system(self, project: Project) -> System:
        return SystemFactory(project=project, name="Salesforce")

    def test_the_edit_form_replaces_the_row(
        self, alice: Client, project: Project, system: System
    ) -> None:
        response = alice.get(url("item_update", project, system.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert 'value="Salesforce"' in body and 'name="revision"' in body

    def test_saving_replaces_the_form_with_the_row(
        self, alice: Client, project: Project, system: System
    ) -> None:
        data = {**VALID, "name": "Salesforce Sales Cloud", "revision": system.revision}
        response = alice.post(url("item_update", project, system.pk), data, **HX)
        assert response.status_code == 200
        assert "Salesforce Sales Cloud" in response.content.decode()
        system.refresh_from_db()
        assert system.name == "Salesforce Sales Cloud" and system.revision == 2

    def test_cancel_returns_the_row(self, alice: Client, project: Project, system: System) -> None:
        response = alice.get(url("item_hx_row", project, system.pk), **HX)
        assert response.status_code == 200
        assert root(response.content.decode()) == ("tr", f"system-{system.pk}")

    def test_the_row_without_htmx_redirects_to_the_page(
        self, alice: Client, project: Project, system: System
    ) -> None:
        response = alice.get(url("item_hx_row", project, system.pk))
        assert response.status_code == 302

    def test_renaming_to_its_own_name_is_fine(
        self, alice: Client, project: Project, system: System
    ) -> None:
        data = {**VALID, "name": "Salesforce", "revision": system.revision}
        assert alice.post(url("item_update", project, system.pk), data, **HX).status_code == 200

    def test_a_second_save_of_an_old_version_is_a_conflict(
        self, alice: Client, bob: Client, project: Project, system: System
    ) -> None:
        opened = system.revision
        first = {**VALID, "name": "Salesforce", "description": "Alice's words", "revision": opened}
        assert alice.post(url("item_update", project, system.pk), first, **HX).status_code == 200
        second = {**VALID, "name": "Salesforce", "description": "Bob's words", "revision": opened}
        response = bob.post(url("item_update", project, system.pk), second, **HX)
        body = response.content.decode()
        assert response.status_code == 409
        assert "Someone else saved this item" in body
        assert "Alice&#x27;s words" in body and "Bob&#x27;s words" in body
        system.refresh_from_db()
        assert system.description == "Alice's words"
        # Bob chooses his version: the form now carries the latest revision.
        assert elements(body, "input", name="revision", value=str(system.revision))
        third = {**second, "revision": system.revision}
        assert bob.post(url("item_update", project, system.pk), third, **HX).status_code == 200
        system.refresh_from_db()
        assert system.description == "Bob's words"

    def test_another_projects_item_is_404(self, alice: Client, project: Project) -> None:
        foreign = SystemFactory(name="Foreign")
        response = alice.post(url("item_update", project, foreign.pk), VALID, **HX)
        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.name == "Foreign"

    def test_a_viewer_cannot_edit(self, vera: Client, project: Project, system: System) -> None:
        assert vera.get(url("item_update", project, system.pk), **HX).status_code == 403
        response = vera.post(url("item_update", project, system.pk), VALID, **HX)
        assert response.status_code == 403
        system.refresh_from_db()
        assert system.name == "Salesforce"

    def test_a_frozen_project_refuses_edits_with_a_message(
        self, alice: Client, project: Project, system: System
    ) -> None:
        Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
        response = alice.post(url("item_update", project, system.pk), VALID, **HX)
        assert response.status_code == 403
        assert "frozen while it awaits sign-off" in response.content.decode()
        system.refresh_from_db()
        assert system.name == "Salesforce"


class TestDelete:
    def test_the_confirmation_says_nothing_depends_on_it(
        self, alice: Client, project: Project
    ) -> None:
        system = SystemFactory(project=project, name="Legacy")
        response = alice.get(url("item_delete", project, system.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert "Delete system “Legacy”?" in body and "Nothing else in the blueprint" in body

    def test_deleting_removes_the_row(self, alice: Client, project: Project) -> None:
        system = SystemFactory(project=project)
        response = alice.post(url("item_delete", project, system.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not System.objects.filter(pk=system.pk).exists()

    def test_without_htmx_deleting_redirects(self, alice: Client, project: Project) -> None:
        system = SystemFactory(project=project)
        response = alice.post(url("item_delete", project, system.pk))
        assert response.status_code == 302

    def test_a_viewer_and_an_outsider_cannot_delete(
        self, vera: Client, charlie: Client, project: Project
    ) -> None:
        system = SystemFactory(project=project)
        assert vera.post(url("item_delete", project, system.pk), **HX).status_code == 403
        assert charlie.post(url("item_delete", project, system.pk), **HX).status_code == 404
        assert System.objects.filter(pk=system.pk).exists()


class TestRaces:
    def test_a_name_taken_between_check_and_save_is_a_clear_409(
        self, alice: Client, project: Project, facilitator
    ) -> None:
        from blueprint.forms.project import SystemForm
        from blueprint.items import ITEM_CLASH, item_save

        form = SystemForm(VALID, project=project)
        assert form.is_valid()
        SystemFactory(project=project, name="NetSuite")  # someone else, meanwhile
        with pytest.raises(ValidationError, match="clashes"):
            item_save(form=form, user=facilitator)
        assert ITEM_CLASH
        assert System.objects.filter(project=project).count() == 1

    def test_an_item_deleted_meanwhile_is_reported_not_a_500(
        self, alice: Client, project: Project
    ) -> None:
        system = SystemFactory(project=project, name="Legacy")
        from blueprint.forms.project import SystemForm
        from blueprint.items import item_save

        form = SystemForm({**VALID, "revision": system.revision}, project=project, instance=system)
        assert form.is_valid()
        System.objects.filter(pk=system.pk).delete()
        with pytest.raises(ValidationError, match="deleted this item"):
            item_save(form=form, expected_revision=system.revision)

    def test_an_update_without_a_revision_is_treated_as_stale(
        self, alice: Client, project: Project
    ) -> None:
        system = SystemFactory(project=project, name="Salesforce")
        response = alice.post(url("item_update", project, system.pk), VALID, **HX)
        assert response.status_code == 409
        system.refresh_from_db()
        assert system.name == "Salesforce"

    def test_items_without_an_order_cannot_be_moved(self, alice: Client, project: Project) -> None:
        from tests.factories import AttributeFactory

        attribute = AttributeFactory(project=project, entity__project=project)
        move = reverse("blueprint:item_hx_move", args=[project.pk, "attribute", attribute.pk, "up"])
        assert alice.post(move, **HX).status_code == 404

    @pytest.mark.parametrize("value", ["9" * 30, "²", "abc", "-3"])
    def test_garbage_ids_in_choices_are_refused_at_the_field(
        self, alice: Client, project: Project, value: str
    ) -> None:
        from tests.factories import EntityFactory

        entity = EntityFactory(project=project)
        data = {
            "entity": entity.pk,
            "name": "Stage",
            "kind": "status",
            "source_of_truth": value,
            "display_systems": [value],
        }
        response = alice.post(
            url("item_create", project).replace("system", "attribute"), data, **HX
        )
        assert response.status_code == 422
        assert "Choose from this project" in response.content.decode()


def test_a_protected_delete_is_refused_with_the_blockers_named_and_nothing_deleted(
    alice: Client, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db.models import ProtectedError

    from blueprint.models import ActivityEntry

    system = SystemFactory(project=project, name="Legacy ERP")
    blocker = SystemFactory(project=project, name="Signed approval")

    def protected(self: System, *args: object, **kwargs: object) -> None:
        raise ProtectedError("protected", {blocker})

    monkeypatch.setattr(System, "delete", protected)
    entries = ActivityEntry.objects.count()
    response = alice.post(url("item_delete", project, system.pk), **HX)
    assert response.status_code == 422
    assert (
        "This item cannot be deleted while other items depend on it: Signed approval."
        in response.content.decode()
    )
    assert System.objects.filter(pk=system.pk).exists()
    assert ActivityEntry.objects.count() == entries


class TestTheLogOfASave:
    """A save records what the item was and what it became, without reading it twice."""

    def _attribute(self, project: Project):
        from tests.factories import AttributeFactory, EntityFactory

        entity = EntityFactory(project=project, name="Contact")
        crm, erp = (
            SystemFactory(project=project, name="CRM"),
            SystemFactory(project=project, name="ERP"),
        )
        attribute = AttributeFactory(
            project=project, entity=entity, name="Email", kind="identifier", source_of_truth=crm
        )
        attribute.display_systems.set([crm])
        return attribute, crm, erp

    def _data(self, attribute, **changes):
        from blueprint.forms.mapping import AttributeForm

        return {**AttributeForm.saved_values(attribute, project=attribute.project), **changes}

    def test_before_and_after_name_the_systems_chosen(
        self, alice: Client, project: Project, django_assert_max_num_queries
    ) -> None:
        from blueprint.models import ActivityEntry

        attribute, crm, erp = self._attribute(project)
        address = reverse("blueprint:item_update", args=[project.pk, "attribute", attribute.pk])
        data = self._data(attribute, display_systems=[crm.pk, erp.pk], source_of_truth=erp.pk)
        alice.get(reverse("blueprint:data_model", args=[project.pk]))
        with django_assert_max_num_queries(31):
            response = alice.post(address, data, **HX)
        assert response.status_code == 200
        entry = ActivityEntry.objects.filter(item_pk=attribute.pk, kind_slug="attribute").latest(
            "pk"
        )
        assert entry.before["Systems that display it"] == "CRM"
        assert entry.after["Systems that display it"] == "CRM, ERP"
        assert entry.before["Source of truth"] == "CRM"
        assert entry.after["Source of truth"] == "ERP"

    def test_a_save_meanwhile_makes_the_log_read_the_item_again(
        self, project: Project, facilitator
    ) -> None:
        from blueprint.forms.mapping import AttributeForm
        from blueprint.items import item_save
        from blueprint.models import ActivityEntry, Attribute

        attribute, crm, erp = self._attribute(project)
        # Someone else renames it between this request's read and its lock.
        Attribute.objects.filter(pk=attribute.pk).update(
            name="E-mail", revision=attribute.revision + 1
        )
        form = AttributeForm(
            self._data(attribute, name="Mail"), project=project, instance=attribute
        )
        assert form.is_valid(), form.errors
        item_save(form=form, user=facilitator)
        entry = ActivityEntry.objects.filter(item_pk=attribute.pk).latest("pk")
        assert entry.before["Name"] == "E-mail" and entry.after["Name"] == "Mail"

    def test_lists_left_as_they_were_are_not_written_again(
        self, alice: Client, project: Project, django_assert_max_num_queries
    ) -> None:
        attribute, crm, erp = self._attribute(project)
        attribute.update_systems.set([erp])
        address = reverse("blueprint:item_update", args=[project.pk, "attribute", attribute.pk])
        data = self._data(attribute, description="Only the words change.")
        alice.get(reverse("blueprint:data_model", args=[project.pk]))
        with django_assert_max_num_queries(30):
            response = alice.post(address, data, **HX)
        assert response.status_code == 200
        attribute.refresh_from_db()
        assert attribute.description == "Only the words change."
        assert list(attribute.display_systems.all()) == [crm]
        assert list(attribute.update_systems.all()) == [erp]
        data = self._data(attribute, display_systems=[], update_systems=[crm.pk, erp.pk])
        assert alice.post(address, data, **HX).status_code == 200
        assert not attribute.display_systems.exists()
        assert set(attribute.update_systems.all()) == {crm, erp}


def unmasked(content: bytes) -> str:
    """A page's HTML without its CSRF tokens (masked differently in each response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())


def first_of_each_kind(project: Project) -> Iterator[tuple[str, ItemKind, Any]]:
    """(slug, kind, its first item) for every kind the project has an item of."""
    import blueprint.urls  # noqa: F401 - the views register the item kinds

    assert REGISTRY
    for slug, kind in REGISTRY.items():
        item = kind.queryset(project).order_by("pk").first()
        if item is not None:
            yield slug, kind, item


def row_read_again(client: Client, project: Project, slug: str, pk: int) -> str:
    row = client.get(reverse("blueprint:item_hx_row", args=[project.pk, slug, pk]), **HX)
    return unmasked(row.content)


def test_a_saved_row_is_the_row_read_again_for_every_kind(alice: Client, project: Project) -> None:
    """The row a save answers with is built from what was saved, not read again: it must
    be the row a fresh read shows, whichever lists the save changed."""
    fill(project, 2)
    seen = 0
    for slug, kind, item in first_of_each_kind(project):
        seen += 1
        saved = kind.form_class.saved_values(item, project=project)
        unbound = kind.form_class(project=project, instance=item)
        every = {
            name: [str(pk) for pk in field.queryset.values_list("pk", flat=True)]
            for name, field in unbound.fields.items()
            if isinstance(field, forms.ModelMultipleChoiceField) and not field.disabled
        }
        update = reverse("blueprint:item_update", args=[project.pk, slug, item.pk])
        response = alice.post(update, {**saved, **every}, **HX)
        if response.status_code == 422:  # the rules refuse every choice: save it as it is
            response = alice.post(update, saved, **HX)
        assert response.status_code == 200, slug
        assert unmasked(response.content) == row_read_again(alice, project, slug, item.pk), slug
    assert seen >= len(REGISTRY) - 2


def test_a_created_row_is_the_row_read_again_for_every_kind(
    alice: Client, project: Project
) -> None:
    """The same for a new item: a copy of an item of each kind, its names changed so that
    the rules let it be added next to the first."""
    fill(project, 1)
    created = 0
    for slug, kind, item in first_of_each_kind(project):
        data = kind.form_class.saved_values(item, project=project)
        data.pop("revision")
        form = kind.form_class(project=project)
        for name, field in form.fields.items():
            text = isinstance(field, forms.CharField) and not getattr(field, "choices", None)
            if text and isinstance(data.get(name), str) and data[name]:
                data[name] = f"{data[name]} (copy)"
        response = alice.post(reverse("blueprint:item_create", args=[project.pk, slug]), data, **HX)
        if response.status_code != 200:  # one of a kind per parent or per pair: no copy
            continue
        created += 1
        new = kind.queryset(project).order_by("pk").last()
        assert new is not None and new.pk != item.pk, slug
        assert unmasked(response.content) == row_read_again(alice, project, slug, new.pk), slug
    assert created >= len(REGISTRY) // 2, created
