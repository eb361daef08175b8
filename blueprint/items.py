"""The kinds of item a workshop edits inline, and the writes they share.

Every inline editor (systems, scenarios, entities, mappings, ...) is the same
conversation: show a row, swap in a form, save or cancel, delete after saying what
depends on it. One registry describes each kind; one set of views serves them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from accounts.models import User
from blueprint.access import FROZEN_MESSAGE, SIGNED_MESSAGE, ProjectFrozen
from blueprint.activity import activity_record
from blueprint.forms.base import ItemForm
from blueprint.models import ActivityEntry, Project

CONFLICT_MESSAGE = "Someone else saved this item after you opened it."
ITEM_GONE = "Someone else deleted this item after you opened it."
ITEM_CLASH = (
    "Someone else just saved an item that clashes with this one (the same name or the same "
    "pair); reload to see it, then change yours."
)


@dataclass(frozen=True)
class ItemKind:
    slug: str
    model: type[models.Model]
    form_class: type[ItemForm]
    template: str
    page: str
    artifact: str
    layout: str = "table"
    deletable: bool = True
    title: str = ""  # what the form calls one item, when not the model's name
    columns: int = 6
    parent_field: str | None = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[Any, ...] = ()
    extra_context: Callable[[Project], dict[str, Any]] | None = field(default=None)

    def queryset(self, project: Project) -> models.QuerySet[Any]:
        qs = self.model._default_manager.filter(project=project)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def saved(self, obj: models.Model) -> models.Model:
        """A just-saved item as its row shows it, without reading it again: its related
        objects are the ones the form chose, and the lists the save emptied (the
        many-to-many choices it changed; all of them for a new item) are read, as the
        page's queryset reads them; the lists it left as they were are still loaded."""
        if self.prefetch_related:
            models.prefetch_related_objects([obj], *self.prefetch_related)
        return obj

    @property
    def verbose_name(self) -> str:
        return self.title or str(self.model._meta.verbose_name)


REGISTRY: dict[str, ItemKind] = {}


def register(kind: ItemKind) -> ItemKind:
    REGISTRY[kind.slug] = kind
    return kind


def page_kinds(*, page: str, template: str, artifact: str) -> Callable[..., ItemKind]:
    """Register the kinds edited on one page: they share its URL, template and artifact."""

    def register_kind(**fields: Any) -> ItemKind:
        return register(ItemKind(page=page, template=template, artifact=artifact, **fields))

    return register_kind


def item_kind(slug: str) -> ItemKind | None:
    return REGISTRY.get(slug)


class Conflict(Exception):
    """The item changed in the database after the form was opened."""

    def __init__(self, current: models.Model) -> None:
        super().__init__(CONFLICT_MESSAGE)
        self.current = current


def snapshot_fields(obj: models.Model, *, chosen: dict[str, Any] | None = None) -> dict[str, Any]:
    """The item's editable values, as a person reads them (for conflicts and the log).

    `chosen` is a saved form's cleaned data: the items its many-to-many fields were set
    to are read from there (the form has them already) rather than again from the
    database."""
    values: dict[str, Any] = {}
    chosen = chosen or {}

    def label(field: Any) -> str:
        text = str(field.verbose_name)
        return text[:1].upper() + text[1:]

    for f in obj._meta.concrete_fields:
        if not f.editable or f.name in {"id", "project", "revision", "created_at", "updated_at"}:
            continue
        value = getattr(obj, f.attname)
        if f.is_relation:
            values[label(f)] = str(getattr(obj, f.name) or "")
        elif f.choices:
            values[label(f)] = getattr(obj, f"get_{f.name}_display")()
        elif isinstance(f, models.BooleanField):
            values[label(f)] = "yes" if value else "no"
        elif isinstance(value, dict):
            # Scenario answers: one line per clarifying question.
            questions = getattr(obj, "questions", None)
            if callable(questions):
                for _key, question, answer in questions():
                    values[question] = answer
            else:
                for key, answer in sorted(value.items()):
                    values[f"{label(f)}: {key}"] = str(answer)
        elif isinstance(value, list):
            values[label(f)] = ", ".join(str(v) for v in value)
        else:
            values[label(f)] = "" if value is None else str(value)
    if obj.pk:
        for m2m in obj._meta.many_to_many:
            items = chosen[m2m.name] if m2m.name in chosen else getattr(obj, m2m.name).all()
            values[label(m2m)] = ", ".join(sorted(str(o) for o in items))
    return values


def draft_lock(project: Project) -> None:
    """Hold the project row for this write and refuse it unless the project is a draft.

    The view already checked, but a sign-off request may have frozen the project since;
    taking the row lock makes the two serialise.
    """
    state = Project.objects.select_for_update().values_list("state", flat=True).get(pk=project.pk)
    if state == Project.State.AWAITING:
        raise ProjectFrozen(FROZEN_MESSAGE)
    if state == Project.State.SIGNED:
        raise ProjectFrozen(SIGNED_MESSAGE)


def item_save(
    *,
    form: ItemForm,
    kind: ItemKind | None = None,
    user: User | None = None,
    expected_revision: int | None = None,
) -> models.Model:
    """Save a validated item form; refuse it if someone saved the item meanwhile.

    What the log records as before is the item as the form found it (`form.loaded`)
    when the row is still at that revision, else the row read again."""
    with transaction.atomic():
        draft_lock(form.project)
        instance = form.instance
        before: dict[str, Any] = {}
        if (
            instance.pk is None
            and kind is not None
            and kind.parent_field
            and hasattr(instance, "position")
        ):
            siblings = kind.model._default_manager.filter(
                **{kind.parent_field: getattr(instance, kind.parent_field)}
            )
            last = siblings.aggregate(m=models.Max("position"))["m"] or 0
            instance.position = last + 1
        if instance.pk is not None:
            rows = type(instance)._default_manager.filter(pk=instance.pk)
            revision = (
                rows.select_for_update(of=("self",))
                .order_by("pk")
                .values_list("revision", flat=True)
                .first()
            )
            if revision is None:
                raise ValidationError(ITEM_GONE)
            if expected_revision is not None and revision != expected_revision:
                raise Conflict(rows.get())
            loaded = form.loaded
            if loaded is not None and loaded.revision == revision:  # type: ignore[attr-defined]
                before = snapshot_fields(loaded)
            else:
                before = snapshot_fields(rows.get())
            instance.revision = revision
        try:
            # No savepoint of its own: a clash fails this whole save, and the block above
            # (a savepoint itself when a caller's transaction is open) undoes it.
            with transaction.atomic(savepoint=False):
                obj = form.save()
        except IntegrityError as exc:
            # The form checked uniqueness, but someone saved the same thing since.
            raise ValidationError(ITEM_CLASH) from exc
        after = snapshot_fields(obj, chosen=form.cleaned_data)
        if not before or before != after:
            activity_record(
                project=form.project,
                user=user,
                action=ActivityEntry.Action.UPDATED if before else ActivityEntry.Action.CREATED,
                artifact=kind.artifact if kind else "",
                item_kind=str(obj._meta.verbose_name),
                kind_slug=kind.slug if kind else "",
                item_pk=obj.pk,
                item_label=str(obj),
                before=before,
                after=after,
            )
    return obj


@dataclass(frozen=True)
class Dependent:
    label: str
    items: list[str]
    effect: str


def dependents_describe(obj: models.Model) -> list[Dependent]:
    """What points at this item, and what deleting it will do to each."""
    found: list[Dependent] = []
    for rel in obj._meta.related_objects:
        if rel.related_model is None:
            continue
        accessor = rel.get_accessor_name()
        if accessor is None or rel.related_name == "+":
            continue
        if rel.many_to_many:
            related: Iterable[models.Model] = getattr(obj, accessor).all()
            effect = "will no longer list it"
        elif rel.one_to_many or rel.one_to_one:
            on_delete = rel.on_delete
            if rel.one_to_one:
                target = getattr(obj, accessor, None)
                related = [target] if target is not None else []
            else:
                related = getattr(obj, accessor).all()
            if on_delete is models.CASCADE:
                effect = "will be deleted with it"
            elif on_delete is models.SET_NULL:
                effect = "will be left without it (to be filled in again)"
            elif on_delete is models.PROTECT:
                effect = "prevent the deletion until they are changed"
            else:
                effect = "will be affected"
        else:
            continue
        names = [str(item) for item in related]
        if names:
            label = str(rel.related_model._meta.verbose_name_plural).capitalize()
            found.append(Dependent(label=label, items=names, effect=effect))
    return found


ITEM_PROTECTED = "This item cannot be deleted while other items depend on it: {names}."


def item_delete(*, obj: Any, kind: ItemKind | None = None, user: User | None = None) -> None:
    try:
        with transaction.atomic():
            draft_lock(obj.project)
            before = snapshot_fields(obj)
            label = str(obj)
            pk = obj.pk
            obj.delete()
            activity_record(
                project=obj.project,
                user=user,
                action=ActivityEntry.Action.DELETED,
                artifact=kind.artifact if kind else "",
                item_kind=str(obj._meta.verbose_name),
                kind_slug=kind.slug if kind else "",
                item_pk=pk,
                item_label=label,
                before=before,
            )
    except models.ProtectedError as exc:
        names = ", ".join(sorted({str(o) for o in exc.protected_objects}))
        raise ValidationError(ITEM_PROTECTED.format(names=names)) from exc


def item_move(*, kind: ItemKind, obj: Any, direction: str, user: User | None = None) -> None:
    """Swap an ordered item with its neighbour among the items of the same parent."""
    if kind.parent_field is None or not hasattr(obj, "position"):
        raise ValueError("This kind of item has no order.")
    with transaction.atomic():
        draft_lock(obj.project)
        siblings = list(
            kind.model._default_manager.select_for_update()
            .filter(**{kind.parent_field: getattr(obj, kind.parent_field)})
            .order_by("position", "pk")
        )
        # Renumber first so that positions are 1..n even after deletions.
        for number, sibling in enumerate(siblings, start=1):
            sibling.position = number
        index = next(i for i, s in enumerate(siblings) if s.pk == obj.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
            activity_record(
                project=obj.project,
                user=user,
                action=ActivityEntry.Action.MOVED,
                artifact=kind.artifact,
                item_kind=str(obj._meta.verbose_name),
                # The live feed puts the row where it now is on everyone's page.
                kind_slug=kind.slug,
                item_pk=obj.pk,
                item_label=str(obj),
                before={"Position": str(index + 1)},
                after={"Position": str(other + 1)},
            )
        for number, sibling in enumerate(siblings, start=1):
            type(sibling)._default_manager.filter(pk=sibling.pk).update(position=number)
